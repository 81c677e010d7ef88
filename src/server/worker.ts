/**
 * Running slow work (document rendering, the general count-file import) in a worker thread, both
 * sides of the conversation in one place:
 *
 * - main thread: `workerBootstrapUrl` (a `.ts` module cannot be started as a worker directly
 *   under tsx: a small data: URL registers tsx first) and `runInWorker` (start, relay progress,
 *   give back the result; fall back to this thread when no worker can start);
 * - worker thread: `serveInWorker` (run the work, send progress in whole percents, then the result).
 *
 * Messages: `{ type: 'progress', stage, progress }` any number of times, then one
 * `{ type: 'result', result }` with a `Result`.
 */
import type { MessagePort } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '../domain/errorCodes.ts';
import type { Failure, Result } from '../domain/result.ts';
import { fail } from '../domain/result.ts';

export type WorkerProgress<S> = (stage: S, progress: number) => void;

export type WorkerMessage<S, T> =
  | { readonly type: 'progress'; readonly stage: S; readonly progress: number }
  | { readonly type: 'result'; readonly result: Result<T> };

/** The failure given for an unexpected error (code and Dutch message; the detail is added). */
export interface InternalFailure {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * URL to start `target` as a worker: the module itself when it is JavaScript; under tsx (a `.ts`
 * module) a data: URL that registers tsx and then imports it; null when tsx cannot be found.
 */
export function workerBootstrapUrl(target: URL): URL | null {
  if (!target.pathname.endsWith('.ts')) return target;
  let api: string;
  try {
    api = import.meta.resolve('tsx/esm/api');
  } catch {
    return null;
  }
  const code = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(target.href)});`;
  return new URL('data:text/javascript,' + encodeURIComponent(code));
}

/** Node options that load a module into every thread before its own code (with their value). */
const PRELOAD_OPTIONS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);

/**
 * The Node options for a worker thread (`execArgv`): this thread's without its preloads. A worker
 * started from `workerBootstrapUrl` registers tsx itself, and a preloaded `.ts` module (`npm test`'s
 * `--import ./test/support/property.ts`) fails to load in the new thread before tsx is registered
 * there, so the worker would never start and its work would run in this thread.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const out: string[] = [];
  let skipValue = false;
  for (const arg of execArgv) {
    if (skipValue) skipValue = false;
    else if (PRELOAD_OPTIONS.has(arg)) skipValue = true;
    else if (![...PRELOAD_OPTIONS].some((o) => arg.startsWith(`${o}=`))) out.push(arg);
  }
  return out;
}

/**
 * Run in a worker started from `url` with `workerData`, relaying its progress. When `url` is null
 * or the worker cannot load its module (before it sent anything), `fallback` does the work in this
 * thread; any other worker error or an exit without result is `internal` with the detail.
 */
export function runInWorker<S, T>(options: {
  readonly url: URL | null;
  readonly workerData: unknown;
  readonly resourceLimits: NonNullable<ConstructorParameters<typeof Worker>[1]>['resourceLimits'];
  readonly progress: WorkerProgress<S>;
  readonly fallback: () => Promise<Result<T>>;
  readonly internal: InternalFailure;
  /** Turns the result as received (structured clone) back into the value's type. */
  readonly revive?: (result: Result<T>) => Result<T>;
}): Promise<Result<T>> {
  const { url, progress, fallback, internal } = options;
  if (url === null) return fallback();
  const revive = options.revive ?? ((r: Result<T>) => r);
  return new Promise((resolve) => {
    let done = false;
    let started = false;
    const worker = new Worker(url, { workerData: options.workerData, resourceLimits: options.resourceLimits, execArgv: workerExecArgv() });
    worker.on('message', (m: WorkerMessage<S, T>) => {
      started = true;
      if (m.type === 'progress') progress(m.stage, m.progress);
      else if (!done) {
        done = true;
        resolve(revive(m.result));
        void worker.terminate();
      }
    });
    worker.on('error', (err) => {
      if (done) return;
      done = true;
      if (!started && /ERR_UNKNOWN_FILE_EXTENSION|Cannot find module|ERR_MODULE_NOT_FOUND/.test(`${(err as NodeJS.ErrnoException).code} ${err.message}`)) {
        resolve(fallback());
        return;
      }
      resolve(fail(internal.code, internal.message, err.message));
    });
    worker.on('exit', (code) => {
      if (done) return;
      done = true;
      resolve(fail(internal.code, internal.message, `worker exited with ${code}`));
    });
  });
}

/**
 * Worker side: run `work`, post its progress (at most once per whole percent) and then its result
 * to `port`; a thrown error is posted as `internal` with the error as detail.
 */
export function serveInWorker<S, T>(
  port: MessagePort,
  work: (progress: WorkerProgress<S>) => Promise<Result<T>>,
  internal: InternalFailure,
): void {
  let last = -1;
  work((stage, progress) => {
    const p = Math.floor(progress * 100);
    if (p === last) return;
    last = p;
    port.postMessage({ type: 'progress', stage, progress } satisfies WorkerMessage<S, T>);
  })
    .then((result) => port.postMessage({ type: 'result', result } satisfies WorkerMessage<S, T>))
    .catch((err: unknown) => {
      const failure: Failure = { ok: false, code: internal.code, message: internal.message, detail: String(err) };
      port.postMessage({ type: 'result', result: failure } satisfies WorkerMessage<S, T>);
    });
}
