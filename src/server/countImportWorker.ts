/** Worker thread of the count-file import: runs `runImportWork` off the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { IMPORT_INTERNAL, runImportWork, type ImportWorkInput } from './countImport.ts';
import { serveInWorker } from './worker.ts';

if (parentPort) {
  const input = workerData as ImportWorkInput;
  serveInWorker(parentPort, (progress) => runImportWork(input, progress), IMPORT_INTERNAL);
}
