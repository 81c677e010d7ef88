/**
 * `npm run bench` — every benchmark (import, load, render), or the ones named:
 *
 *   npm run bench                 # all
 *   npm run bench -- import       # one (or several: import load)
 *   npm run bench -- --small      # tiny sizes (a smoke run in seconds)
 *   npm run bench -- documents    # the phase 3 files through the server's job, from the click to "klaar"
 *   npm run bench -- entry        # keyboard-only data entry of a whole municipality (chromium)
 *
 * Speed is reported as ratios against a reference measured in the same run (xmllint/sha256sum on
 * the same file, a single user's latency before the load), never as pass/fail on seconds. Progress
 * goes to stderr, the table of figures to stdout. Exit code 1 only when a benchmark fails to run or
 * reports errors (e.g. a failed request under load), never because of its speed.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchDocuments } from './documents.ts';
import { benchEntry } from './entry.ts';
import { benchImport } from './import.ts';
import { benchLoad } from './load.ts';
import { ms, note, type Figure } from './support.ts';

const BENCHES = ['import', 'load', 'render', 'documents', 'entry'] as const;
type BenchName = (typeof BENCHES)[number];

export interface RunOptions {
  /** Tiny sizes: 3 typists × 5 saves, a ~1 MB synthetic file. */
  readonly small?: boolean;
}

async function runRender(small: boolean): Promise<Figure[]> {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'render.ts');
  if (!existsSync(file)) return [{ bench: 'render', metric: 'skipped', value: '–', note: 'bench/render.ts not present' }];
  const mod = (await import(pathToFileURL(file).href)) as { benchRender?: (opts?: { small?: boolean }) => Promise<unknown> };
  if (typeof mod.benchRender !== 'function') return [{ bench: 'render', metric: 'skipped', value: '–', note: 'bench/render.ts exports no benchRender()' }];
  const out = await mod.benchRender({ small });
  // benchRender may return figures in our shape (or plain {metric, value} rows); otherwise it printed its own.
  if (Array.isArray(out)) {
    return out.map((row: Record<string, unknown>) => ({
      bench: 'render',
      metric: String(row.metric ?? row.name ?? ''),
      value: String(row.value ?? ''),
      ...(row.note !== undefined ? { note: String(row.note) } : {}),
    }));
  }
  return [{ bench: 'render', metric: 'done', value: '–', note: 'figures printed by benchRender()' }];
}

export async function runBench(name: BenchName, opts: RunOptions = {}): Promise<Figure[]> {
  const small = opts.small === true;
  switch (name) {
    case 'import':
      return benchImport(small ? { stations: 8, referenceRuns: 1 } : {});
    case 'load':
      return benchLoad(small ? { typists: 3, saves: 5, municipalities: 3, rounds: 1, maxSeconds: 60, pacedSeconds: 8 } : {});
    case 'render':
      return runRender(small);
    case 'documents':
      return benchDocuments({ small });
    case 'entry':
      return benchEntry();
  }
}

/** The figures as a compact, aligned table. */
export function formatTable(figures: readonly Figure[]): string {
  const rows = [['bench', 'metric', 'value', 'note'], ...figures.map((f) => [f.bench, f.metric, f.value, f.note ?? ''])];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  ') + '  ----', ...rows.slice(1).map(line)].join('\n') + '\n';
}

async function main(argv: readonly string[]): Promise<number> {
  const small = argv.includes('--small');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(BENCHES as readonly string[]).includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`Onbekende benchmark: ${unknown.join(', ')}. Kies uit: ${BENCHES.join(', ')}.\n`);
    return 2;
  }
  const chosen = (names.length > 0 ? names : BENCHES) as readonly BenchName[];
  const all: Figure[] = [];
  let failed = false;
  const t0 = performance.now();
  for (const name of chosen) {
    note(`${name}: start${small ? ' (small)' : ''}`);
    const t = performance.now();
    try {
      all.push(...(await runBench(name, { small })));
      note(`${name}: done in ${ms(performance.now() - t)}`);
    } catch (e) {
      failed = true;
      process.stderr.write(`\n!!! benchmark ${name} failed: ${(e as Error).stack ?? String(e)}\n\n`);
      all.push({ bench: name, metric: 'FAILED', value: '–', note: (e as Error).message.slice(0, 200) });
    }
  }
  all.push({ bench: 'all', metric: 'runtime', value: ms(performance.now() - t0) });
  process.stdout.write('\n' + formatTable(all));
  return failed || (process.exitCode ?? 0) !== 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
