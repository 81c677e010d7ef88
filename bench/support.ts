/**
 * Shared pieces of the benchmarks: the real server as a child process (so its memory can be read
 * from /proc and the benchmark's own clients do not share its event loop), bringing it to phase 2
 * for kieskring Zwolle through the HTTP API, timing and percentiles.
 *
 * Run directly as `node --import tsx bench/support.ts __server` it is that child: it starts the
 * test server (test/support/server.ts: 127.0.0.1, random port, temporary data directory, test clock
 * before TK2021's election date, cheap scrypt) and prints one JSON line {url, pid}; it stops and
 * removes its data directory when its stdin closes or on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expectStatus, importMunicipalityKey, importTk2021Election } from '../test/support/counts.ts';
import { adminClient, ApiClient, startTestServer, userClient, type TestServer } from '../test/support/server.ts';
import { renderWorkerReady } from '../src/server/documents.ts';
import { BENCH_KIESKRING } from './synthetic.ts';

const HERE = fileURLToPath(import.meta.url);
export const ROOT = path.resolve(path.dirname(HERE), '..');

// ---------------------------------------------------------------------------------------------
// The server child process
// ---------------------------------------------------------------------------------------------

export interface ServerChild {
  readonly url: string;
  readonly pid: number;
  /** A stand-in for test/support's TestServer, enough for adminClient/userClient. */
  readonly handle: TestServer;
  /** VmHWM (peak resident set) and VmRSS of the server process, in bytes (null when /proc is unavailable). */
  memory(): { hwm: number | null; rss: number | null };
  /** Reset the peak resident set (Linux clear_refs 5); false when not possible. */
  resetPeak(): boolean;
  /**
   * Settles when the server's render worker (started on entering phase 3) has loaded Typst: the user
   * fills in the PV details before the click, so the documents bench clicks with the worker ready.
   */
  renderWorkerReady(): Promise<void>;
  /** CPU time (user + system) the server process used so far, in ms (null without /proc). */
  cpuMs(): number | null;
  stop(): Promise<void>;
}

function procStatus(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * The server child as compiled JavaScript, as `npm start` runs the server (scripts/build-server.mjs:
 * no tsx at run time): esbuild bundles bench/serverChild.ts with the worker entry points into
 * dist/bench-server/ (two levels below the repository, like src/server, so the paths the server finds
 * from its own location are the same). Built once per process.
 */
let compiledChild: Promise<string> | null = null;
function buildCompiledChild(): Promise<string> {
  compiledChild ??= (async () => {
    const { build } = await import('esbuild');
    const outdir = path.join(ROOT, 'dist', 'bench-server');
    await build({
      absWorkingDir: ROOT,
      entryPoints: {
        serverChild: 'bench/serverChild.ts',
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
      chunkNames: 'chunk-[hash]',
      logLevel: 'warning',
    });
    return path.join(outdir, 'serverChild.js');
  })();
  return compiledChild;
}

/** Start the server child: under tsx (default), or `compiled` (see buildCompiledChild). */
export async function startServerChild(opts: { compiled?: boolean } = {}): Promise<ServerChild> {
  const args = opts.compiled ? [await buildCompiledChild()] : ['--import', 'tsx', HERE, '__server'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
    // With glibc's malloc arenas limited, as bin/uitslag and `npm start` run the server.
    env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? SERVER_MALLOC_ARENA_MAX },
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`server child exited early (${code})`)));
    child.once('error', reject);
  });
  const info = JSON.parse(first) as { url: string; pid: number };
  const pid = child.pid!;
  const handle = { url: info.url, adminInitialPassword: CHILD_ADMIN_PASSWORD, adminReady: false } as unknown as TestServer;
  let stopped = false;
  return {
    url: info.url,
    pid,
    handle,
    memory: () => ({ hwm: procStatus(pid, 'VmHWM'), rss: procStatus(pid, 'VmRSS') }),
    renderWorkerReady: () =>
      new Promise<void>((resolve) => {
        lines.once('line', () => resolve());
        child.stdin?.write('render-ready\n');
      }),
    resetPeak: () => {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    cpuMs: () => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime are fields 14 and 15 of stat (11 and 12 after the command), in clock ticks (USER_HZ, 100 on Linux).
        return (Number(fields[11]) + Number(fields[12])) * 10;
      } catch {
        return null;
      }
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once('exit', () => resolve());
      });
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
      lines.close();
    },
  };
}

const CHILD_ADMIN_PASSWORD = 'eerste-wachtwoord-admin';

/**
 * glibc's malloc arenas for the server process (bin/uitslag and `npm start` set the same): its default
 * of up to 8 per core, one per thread that allocates (main, workers, V8's compiler and GC threads,
 * libuv's pool), kept 10-17 MiB of freed memory resident in the bench's server (issue 13, memory).
 */
const SERVER_MALLOC_ARENA_MAX = '2';

export async function serveAsChild(): Promise<void> {
  const server = await startTestServer({ adminInitialPassword: CHILD_ADMIN_PASSWORD, startRenderWorker: true });
  process.stdout.write(JSON.stringify({ url: server.url, pid: process.pid }) + '\n');
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await server.close();
    process.exit(0);
  };
  // One request on stdin: 'render-ready', answered with a line once the render worker is ready.
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'render-ready') void renderWorkerReady().then(() => process.stdout.write('{"renderReady":true}\n'));
  });
  process.stdin.on('end', () => void close());
  process.stdin.on('close', () => void close());
  process.stdin.resume();
  process.on('SIGTERM', () => void close());
}

if (process.argv[1] && path.resolve(process.argv[1]) === HERE && process.argv[2] === '__server') {
  await serveAsChild();
}

// ---------------------------------------------------------------------------------------------
// Phase 2 for kieskring Zwolle through the API
// ---------------------------------------------------------------------------------------------

export { expectStatus };

export interface BenchSetup {
  readonly admin: ApiClient;
  readonly leader: ApiClient;
  readonly reader: ApiClient;
  readonly typists: readonly ApiClient[];
  /** The municipalities of the kieskring (code, name). */
  readonly municipalities: readonly { readonly code: string; readonly name: string }[];
}

/**
 * Definition (kieskring 4) and Zwolle's candidate lists imported with their hash groups typed,
 * optionally a municipality certificate, users leider / lezer / invoer1..n, phase 2 active.
 */
export async function setupPhase2(
  server: ServerChild,
  opts: { typists?: number; key?: { code: string; certPem: string } } = {},
): Promise<BenchSetup> {
  const admin = await adminClient(server.handle);
  await importTk2021Election(admin, BENCH_KIESKRING.number, BENCH_KIESKRING.listsFile);
  if (opts.key) await importMunicipalityKey(admin, opts.key.code, opts.key.certPem);
  const leader = await userClient(server.handle, admin, 'verkiezingsleider', 'leider');
  const reader = await userClient(server.handle, admin, 'alleen_lezen', 'lezer');
  const typists: ApiClient[] = [];
  for (let i = 1; i <= (opts.typists ?? 0); i++) typists.push(await userClient(server.handle, admin, 'invoer', `invoer${i}`));
  expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'phase 2');
  const st = await leader.get('/api/counts/status');
  expectStatus(st, 200, 'status');
  const municipalities = (st.json.municipalities as { code: string; name: string }[]).map((m) => ({ code: m.code, name: m.name }));
  return { admin, leader, reader, typists, municipalities };
}

// ---------------------------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------------------------

/** One line of the result table. */
export interface Figure {
  readonly bench: string;
  readonly metric: string;
  readonly value: string;
  readonly note?: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function stats(samples: readonly number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s.length ? s[s.length - 1]! : NaN };
}

export const ms = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + ' ms' : '–');
export const mb = (bytes: number | null): string => (bytes === null ? 'n/a' : (bytes / 1024 / 1024).toFixed(0) + ' MiB');
export const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) + 'x' : '–');

/** Time one async call in ms. */
export async function timed<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

export const sleep = (msec: number): Promise<void> => new Promise((r) => setTimeout(r, msec));

/** stderr progress lines (stdout keeps the figures). */
export function note(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}
