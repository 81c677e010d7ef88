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
 *
 * And the persistent workers that take job after job (the count-file import's, the election files'):
 * `JobWorkerHost` in the main thread, `serveJobs` in the worker; `isWorkerLoadFailure` tells a worker
 * whose module cannot be loaded here (then the work is done in this thread) from one that died.
 */
import type { MessagePort, ResourceLimits } from 'node:worker_threads';
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
      if (!started && isWorkerLoadFailure(err)) {
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

/** Whether a worker's error is its module not loading here (no tsx, no build), not a failure of its work. */
export function isWorkerLoadFailure(err: Error): boolean {
  return /ERR_UNKNOWN_FILE_EXTENSION|Cannot find module|ERR_MODULE_NOT_FOUND/.test(`${(err as NodeJS.ErrnoException).code} ${err.message}`);
}

/** Messages to a persistent job worker: a job, or (a test hook) an order to exit at once, as a worker that dies. */
export type JobRequest<J> = { readonly type: 'job'; readonly id: number; readonly job: J } | { readonly type: 'exit' };

/** Messages from a persistent job worker. */
export type JobReply<P, R> =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly id: number; readonly progress: P }
  | { readonly type: 'result'; readonly id: number; readonly result: R };

/**
 * Worker side of a JobWorkerHost: run every job (several may run at once), relay its progress, answer
 * with its result (a thrown error as `thrown(error)`); announce itself with `ready`.
 */
export function serveJobs<J, P, R>(port: MessagePort, work: (job: J, progress: (p: P) => void) => Promise<R>, thrown: (e: unknown) => R): void {
  port.on('message', (m: JobRequest<J>) => {
    if (m.type === 'exit') process.exit(1);
    const { id } = m;
    void work(m.job, (progress) => port.postMessage({ type: 'progress', id, progress } satisfies JobReply<P, R>))
      .catch(thrown)
      .then((result) => port.postMessage({ type: 'result', id, result } satisfies JobReply<P, R>));
  });
  port.postMessage({ type: 'ready' } satisfies JobReply<P, R>);
}

/**
 * One persistent worker thread that takes jobs (`serveJobs` on its side): started on first use (or by
 * `start`) and kept for the next job; referenced only while a job runs, so an idle worker never keeps
 * the process alive; `stop` ends it at once when idle, else after its running jobs. A worker that dies
 * fails its jobs with `lost(detail)`, and the next job starts a new one; a worker whose module cannot be
 * loaded at all (no tsx, no build) makes this thread do the work (`inThisThread`), also of the jobs it had.
 */
export class JobWorkerHost<J, P, R> {
  private worker: Worker | null = null;
  private ready = false;
  private here = false;
  private nextId = 1;
  private started = 0;
  private readonly pending = new Map<number, { readonly job: J; readonly progress: (p: P) => void; readonly resolve: (r: R) => void }>();
  private stopWhenIdle = false;

  constructor(
    private readonly spec: {
      /** The worker's module: `new URL('./x.ts', import.meta.url)` under tsx, its `.js` beside it when compiled. */
      readonly module: () => URL;
      readonly resourceLimits: ResourceLimits;
      /** The work in this thread, when no worker can be started here. */
      readonly inThisThread: (job: J, progress: (p: P) => void) => Promise<R>;
      /** The result of a job whose worker died. */
      readonly lost: (detail: string) => R;
    },
  ) {}

  /** Whether the worker thread runs (for tests). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** How many worker threads this host started (for tests). */
  get startedCount(): number {
    return this.started;
  }

  /** Start the worker now (so the first job does not wait for it); null when the work is done in this thread. */
  start(): Worker | null {
    this.stopWhenIdle = false;
    if (this.worker || this.here) return this.worker;
    const url = workerBootstrapUrl(this.spec.module());
    if (url === null) {
      this.here = true;
      return null;
    }
    const worker = new Worker(url, { resourceLimits: this.spec.resourceLimits, execArgv: workerExecArgv() });
    this.worker = worker;
    this.ready = false;
    this.started++;
    worker.on('message', (m: JobReply<P, R>) => {
      if (m.type === 'ready') {
        this.ready = true;
        return;
      }
      const job = this.pending.get(m.id);
      if (!job) return;
      if (m.type === 'progress') {
        job.progress(m.progress);
        return;
      }
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      job.resolve(m.result);
      if (this.pending.size === 0 && this.stopWhenIdle) this.stop();
    });
    const lost = (detail: string, loadFailure: boolean): void => {
      if (this.worker !== worker) return;
      this.worker = null;
      const jobs = [...this.pending.values()];
      this.pending.clear();
      if (loadFailure) this.here = true;
      for (const job of jobs) {
        if (loadFailure) void this.spec.inThisThread(job.job, job.progress).then(job.resolve, (e: unknown) => job.resolve(this.spec.lost(String(e))));
        else job.resolve(this.spec.lost(detail));
      }
    };
    worker.on('error', (err) => lost(err.message, !this.ready && isWorkerLoadFailure(err)));
    worker.on('exit', (code) => lost(`worker exited with ${code}`, false));
    worker.unref();
    return worker;
  }

  /** End the worker thread now when idle, else once its running jobs have finished. */
  stop(): void {
    const worker = this.worker;
    if (worker === null) return;
    if (this.pending.size > 0) {
      this.stopWhenIdle = true;
      return;
    }
    this.stopWhenIdle = false;
    this.worker = null;
    void worker.terminate();
  }

  run(job: J, progress: (p: P) => void = () => {}): Promise<R> {
    const worker = this.start();
    if (worker === null) return this.spec.inThisThread(job, progress);
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { job, progress, resolve });
      worker.ref(); // while a job runs, its result keeps the process alive; idle, the worker does not
      worker.postMessage({ type: 'job', id, job } satisfies JobRequest<J>);
    });
  }

  /** Test hook: the worker exits before it takes its next job (started if none runs), as a worker that dies. */
  exitBeforeNextJob(): void {
    this.start()?.postMessage({ type: 'exit' } satisfies JobRequest<J>);
  }
}
