/**
 * The server as compiled JavaScript (issue 13: no tsx at run time): esbuild bundles the command line
 * and the worker entry points into dist/server/, our own code only (packages stay in
 * node_modules). Plain JavaScript, so it runs in an installation without devDependencies
 * (`npm ci --omit=dev && npm start`).
 *
 * Entry points and why:
 * - main.js: src/cli/main.ts (`bin/uitslag`, `npm start`);
 * - countImportWorker.js: started by src/server/countImport.ts as `./countImportWorker.js` beside it;
 * - inflateThreadMain.js: the import worker's inflate thread, started by src/server/inflateThread.ts beside it;
 * - electionFileWorkerMain.js: started by src/server/electionFileWorker.ts beside it (the 110a and 230b of phase 1);
 * - documents.js: the render worker (started with the server and kept) is the module of
 *   src/server/documents.ts itself (`new URL(import.meta.url)`). As an entry point (with code splitting) its code lands in a chunk
 *   shared with main.js, so the worker runs that chunk: documents.ts and what it imports, never the
 *   command line of main.js.
 * dist/server is two levels below the repository like src/server, so the paths the server finds
 * from its own location (dist/ui, package.json) are the same.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'server');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'src/cli/main.ts',
    countImportWorker: 'src/server/countImportWorker.ts',
    inflateThreadMain: 'src/server/inflateThreadMain.ts',
    electionFileWorkerMain: 'src/server/electionFileWorkerMain.ts',
    documents: 'src/server/documents.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  chunkNames: 'chunk-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
});
