/**
 * Reading the uploaded election files of phase 1 (EML 110a definition, EML 230b candidate lists) and
 * computing their hash codes in a worker thread (issue 13, memory): the saxes tree of a 450 KB 230b
 * grows V8's young generation of the thread that parses it to its maximum (32 MiB), plus old space,
 * and a heap never gives that back. In the worker the parse stays out of the server's own heap; the
 * worker's heap is kept small (`resourceLimits`) and goes with the worker when phase 1 ends
 * (`stopElectionFileWorker`, from src/server/phaseWorkers.ts).
 *
 * Both sides in one place: the work (`readElectionFile`, the same in the worker and in this thread),
 * the messages, and the host (`ElectionFileWorkerHost`); the worker's entry point is
 * `electionFileWorkerMain.ts`. The results are plain data (ElectionDefinition, CandidateLists, Result)
 * and cross by structured clone unchanged.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import type { CandidateLists, ElectionDefinition } from '../domain/election.ts';
import type { ErrorCode } from '../domain/errorCodes.ts';
import { checkElectionDefinition } from '../domain/imports.ts';
import { fail, ok, type Result } from '../domain/result.ts';
import { readElectionDefinition } from '../eml/eml110a.ts';
import { readCandidateLists } from '../eml/eml230b.ts';
import { emlHash, type EmlHash } from '../eml/hash.ts';
import { workerBootstrapUrl, workerExecArgv } from './worker.ts';

/** What is read: the value of each kind of file. */
export interface ElectionFileValues {
  readonly '110a': ElectionDefinition;
  readonly '230b': CandidateLists;
}
export type ElectionFileKind = keyof ElectionFileValues;

export interface ElectionFileJob<K extends ElectionFileKind = ElectionFileKind> {
  readonly kind: K;
  readonly bytes: Uint8Array;
  /** Also compute the file's hash code (a preview), so the bytes are sent once. */
  readonly withHash: boolean;
  readonly maxBytes: number;
}

/** The value read (a 110a also checked), and the hash code when asked for (its own Result: it is reported after the value's checks). */
export interface ElectionFileRead<T> {
  readonly value: T;
  readonly hash: Result<EmlHash> | null;
}

/** The failure of a job whose worker died (or that threw): an internal error (HTTP 500). */
export const ELECTION_FILE_INTERNAL = {
  code: 'internal',
  message: 'Het bestand kon door een interne fout niet worden gelezen. Probeer het opnieuw; blijft dit gebeuren, raadpleeg dan het logbestand.',
} as const satisfies { readonly code: ErrorCode; readonly message: string };

/** Buffers arrive in the worker as Uint8Arrays. */
const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/**
 * The work (in the worker, or in this thread when no worker can start): read the file, for a 110a
 * with its sanity checks (`checkElectionDefinition`), and when asked its hash code.
 */
export function readElectionFile<K extends ElectionFileKind>(job: ElectionFileJob<K>): Result<ElectionFileRead<ElectionFileValues[K]>> {
  const bytes = asBuffer(job.bytes);
  const options = { maxBytes: job.maxBytes };
  let read: Result<ElectionFileValues[ElectionFileKind]>;
  if (job.kind === '110a') {
    const def = readElectionDefinition(bytes, options);
    const check = def.ok ? checkElectionDefinition(def.value) : def;
    read = check.ok ? def : check;
  } else {
    read = readCandidateLists(bytes, options);
  }
  if (!read.ok) return read;
  return ok({ value: read.value as ElectionFileValues[K], hash: job.withHash ? emlHash(bytes, options) : null });
}

/** Messages from the main thread to the worker: a job, or (test hook) an order to exit at once. */
export type ElectionFileRequest = { readonly type: 'job'; readonly id: number; readonly job: ElectionFileJob } | { readonly type: 'exit' };

/** Messages from the worker. */
export type ElectionFileWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly result: Result<ElectionFileRead<ElectionFileValues[ElectionFileKind]>> };

/** The work in this thread, a thrown error as the internal failure (as the worker answers it). */
function readHere(job: ElectionFileJob): Result<ElectionFileRead<ElectionFileValues[ElectionFileKind]>> {
  try {
    return readElectionFile(job);
  } catch (e) {
    return fail(ELECTION_FILE_INTERNAL.code, ELECTION_FILE_INTERNAL.message, String(e));
  }
}

/** The worker side: answer every job with its result; announce itself with `ready`. */
export function serveElectionFiles(port: MessagePort): void {
  port.on('message', (m: ElectionFileRequest) => {
    if (m.type === 'exit') process.exit(1);
    port.postMessage({ type: 'result', id: m.id, result: readHere(m.job) } satisfies ElectionFileWorkerMessage);
  });
  port.postMessage({ type: 'ready' } satisfies ElectionFileWorkerMessage);
}

/**
 * Heap limits of the worker. A young generation of 4 MB (as the import worker's) keeps the parse's
 * garbage small: the server's own thread grew to its 32 MiB maximum; measured on the 450 KB 230b
 * of Amsterdam, ~+32 MiB for the worker after ten reads against ~+59 with 16 MB, at the same speed.
 * The old generation holds the tree of the file being read: a 230b of MAX_EML_BYTES (10 MB, 23 times
 * the largest real one) needs more than 128 MB and is still read with 256, as in the server's thread.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 } as const;

interface PendingRead {
  readonly job: ElectionFileJob;
  readonly resolve: (r: Result<ElectionFileRead<ElectionFileValues[ElectionFileKind]>>) => void;
}

/**
 * The one election-file worker of this process: started on first use and kept for the next file;
 * referenced only while a job runs (an idle worker never keeps the process alive); stopped when the
 * server leaves phase 1 (after its running jobs). A worker that dies fails its jobs with
 * ELECTION_FILE_INTERNAL, and the next job starts a new one; one that cannot load its module at all
 * (no tsx, no build) makes this thread do the work, as ImportWorkerHost in countImport.ts does.
 */
class ElectionFileWorkerHost {
  private worker: Worker | null = null;
  private ready = false;
  private inThisThread = false;
  private nextId = 1;
  private started = 0;
  private readonly pending = new Map<number, PendingRead>();
  private stopWhenIdle = false;

  get running(): boolean {
    return this.worker !== null;
  }

  get startedCount(): number {
    return this.started;
  }

  private start(): Worker | null {
    this.stopWhenIdle = false;
    if (this.worker || this.inThisThread) return this.worker;
    const file = import.meta.url.endsWith('.ts') ? './electionFileWorkerMain.ts' : './electionFileWorkerMain.js';
    const url = workerBootstrapUrl(new URL(file, import.meta.url));
    if (url === null) {
      this.inThisThread = true;
      return null;
    }
    const worker = new Worker(url, { resourceLimits: RESOURCE_LIMITS, execArgv: workerExecArgv() });
    this.worker = worker;
    this.ready = false;
    this.started++;
    worker.on('message', (m: ElectionFileWorkerMessage) => {
      if (m.type === 'ready') {
        this.ready = true;
        return;
      }
      const job = this.pending.get(m.id);
      if (!job) return;
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
      if (loadFailure) this.inThisThread = true;
      for (const job of jobs) job.resolve(loadFailure ? readHere(job.job) : fail(ELECTION_FILE_INTERNAL.code, ELECTION_FILE_INTERNAL.message, detail));
    };
    worker.on('error', (err) => {
      const loadFailure = !this.ready && /ERR_UNKNOWN_FILE_EXTENSION|Cannot find module|ERR_MODULE_NOT_FOUND/.test(`${(err as NodeJS.ErrnoException).code} ${err.message}`);
      lost(`election file worker: ${err.message}`, loadFailure);
    });
    worker.on('exit', (code) => lost(`election file worker exited with ${code}`, false));
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

  run(job: ElectionFileJob): Promise<Result<ElectionFileRead<ElectionFileValues[ElectionFileKind]>>> {
    const worker = this.start();
    if (worker === null) return Promise.resolve(readHere(job));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { job, resolve });
      worker.ref(); // while a job runs, its result keeps the process alive; idle, the worker does not
      worker.postMessage({ type: 'job', id, job } satisfies ElectionFileRequest);
    });
  }

  /** Test hook: make the worker exit before it reads the next job (started if none runs). */
  exitBeforeNextJob(): void {
    this.start()?.postMessage({ type: 'exit' } satisfies ElectionFileRequest);
  }
}

const host = new ElectionFileWorkerHost();

/** Read an election file (and its hash code when asked) in the election-file worker. */
export function readElectionFileInWorker<K extends ElectionFileKind>(job: ElectionFileJob<K>): Promise<Result<ElectionFileRead<ElectionFileValues[K]>>> {
  return host.run(job) as Promise<Result<ElectionFileRead<ElectionFileValues[K]>>>;
}

/** Stop the election-file worker (on leaving phase 1); a job still running finishes first. */
export function stopElectionFileWorker(): void {
  host.stop();
}

/** Whether the election-file worker thread runs (for tests). */
export function electionFileWorkerRunning(): boolean {
  return host.running;
}

/** How many election-file worker threads this process started (for tests). */
export function electionFileWorkersStarted(): number {
  return host.startedCount;
}

/** Test hook: the worker exits before it reads the next job, as a worker that dies would. */
export function exitElectionFileWorkerBeforeNextJob(): void {
  host.exitBeforeNextJob();
}
