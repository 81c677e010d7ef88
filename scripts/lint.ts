/**
 * `npm run lint` (and a step of `npm test`): Biome (biome.json) over src, test, bench and scripts.
 * Every rule there is an error, with one ratchet: non-null assertions (`x!`) may stay where the code
 * had them when the linter came (scripts/lint-baseline.json, per file at most that many); new files
 * have none, and a file never gains one. `npm run lint -- --update-baseline` writes the lower counts
 * after assertions were removed (never higher ones).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE = path.join(ROOT, 'scripts', 'lint-baseline.json');
const NON_NULL = 'lint/style/noNonNullAssertion';

interface Diagnostic {
  readonly category?: string;
  readonly severity?: string;
  readonly description?: string;
  readonly location?: { readonly path?: string | { readonly file?: string }; readonly start?: { readonly line?: number } };
}

function run(): Diagnostic[] {
  const biome = path.join(ROOT, 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  const r = spawnSync(process.execPath, [biome, 'lint', '--reporter=json', '--max-diagnostics=100000'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  const start = r.stdout.indexOf('{');
  if (start < 0) {
    process.stderr.write(r.stdout + r.stderr);
    throw new Error('biome gave no report');
  }
  return (JSON.parse(r.stdout.slice(start)) as { diagnostics?: Diagnostic[] }).diagnostics ?? [];
}

const fileOf = (d: Diagnostic): string => {
  const p = d.location?.path;
  return (typeof p === 'string' ? p : (p?.file ?? '?')).replace(/\\/g, '/');
};

function main(argv: readonly string[]): number {
  const diagnostics = run();
  const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')) as Record<string, number>;
  const counts: Record<string, number> = {};
  const errors: string[] = [];
  for (const d of diagnostics) {
    if (d.category === NON_NULL) counts[fileOf(d)] = (counts[fileOf(d)] ?? 0) + 1;
    else if (d.severity === 'error' || d.severity === 'fatal') errors.push(`${fileOf(d)}:${d.location?.start?.line ?? '?'} ${d.category ?? ''} ${d.description ?? ''}`);
  }
  for (const [file, n] of Object.entries(counts).sort()) {
    const allowed = baseline[file] ?? 0;
    if (n > allowed) errors.push(`${file}: ${n} non-null assertions (x!), at most ${allowed}: handle the null case instead`);
  }
  if (argv.includes('--update-baseline')) {
    const next: Record<string, number> = {};
    for (const [file, n] of Object.entries(counts).sort()) next[file] = Math.min(n, baseline[file] ?? 0);
    writeFileSync(BASELINE, JSON.stringify(next, null, 2) + '\n');
  }
  if (errors.length > 0) {
    process.stderr.write(`lint: ${errors.length} problem(s)\n${errors.join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`lint: ok (${Object.values(counts).reduce((a, b) => a + b, 0)} non-null assertions left in ${Object.keys(counts).length} files, none new)\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
