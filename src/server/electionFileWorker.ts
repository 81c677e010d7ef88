/**
 * Reading the uploaded election files of phase 1 (EML 110a definition, EML 230b candidate lists) and
 * computing their hash codes in a worker thread (issue 13, memory): the saxes tree of a 450 KB 230b
 * grows V8's young generation of the thread that parses it to its maximum (32 MiB), plus old space,
 * and a heap never gives that back. In the worker the parse stays out of the server's own heap; the
 * worker's heap is kept small (`resourceLimits`) and goes with the worker when phase 1 ends
 * (`stopElectionFileWorker`, from src/server/phaseWorkers.ts).
 *
 * Both sides in one place: the work (`readElectionFile`, the same in the worker and in this thread)
 * and the host (a JobWorkerHost of src/server/worker.ts, with its messages); the worker's entry point is
 * `electionFileWorkerMain.ts`. The results are plain data (ElectionDefinition, CandidateLists, Result)
 * and cross by structured clone unchanged.
 */
import type { MessagePort } from 'node:worker_threads';
import type { CandidateLists, ElectionDefinition } from '../domain/election.ts';
import type { ErrorCode } from '../domain/errorCodes.ts';
import { checkElectionDefinition } from '../domain/imports.ts';
import { fail, ok, type Result } from '../domain/result.ts';
import { readElectionDefinition } from '../eml/eml110a.ts';
import { readCandidateLists } from '../eml/eml230b.ts';
import { emlHash, type EmlHash } from '../eml/hash.ts';
import { JobWorkerHost, serveJobs } from './worker.ts';

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

/** The work in this thread, a thrown error as the internal failure (as the worker answers it). */
function readHere(job: ElectionFileJob): Result<ElectionFileRead<ElectionFileValues[ElectionFileKind]>> {
  try {
    return readElectionFile(job);
  } catch (e) {
    return fail(ELECTION_FILE_INTERNAL.code, ELECTION_FILE_INTERNAL.message, String(e));
  }
}

/** The worker side: answer every job with its result. */
export function serveElectionFiles(port: MessagePort): void {
  serveJobs<ElectionFileJob, never, Result<ElectionFileRead<ElectionFileValues[ElectionFileKind]>>>(
    port,
    async (job) => readHere(job),
    (e) => fail(ELECTION_FILE_INTERNAL.code, ELECTION_FILE_INTERNAL.message, String(e)),
  );
}

/**
 * Heap limits of the worker. A young generation of 4 MB (as the import worker's) keeps the parse's
 * garbage small: the server's own thread grew to its 32 MiB maximum; measured on the 450 KB 230b
 * of Amsterdam, ~+32 MiB for the worker after ten reads against ~+59 with 16 MB, at the same speed.
 * The old generation holds the tree of the file being read: a 230b of MAX_EML_BYTES (10 MB, 23 times
 * the largest real one) needs more than 128 MB and is still read with 256, as in the server's thread.
 */
const RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 256 } as const;

/**
 * The one election-file worker of this process (see JobWorkerHost): started on first use and kept for
 * the next file; stopped when the server leaves phase 1 (after its running jobs). A worker that dies
 * fails its jobs with ELECTION_FILE_INTERNAL; one that cannot load its module makes this thread read.
 */
const host = new JobWorkerHost<ElectionFileJob, never, Result<ElectionFileRead<ElectionFileValues[ElectionFileKind]>>>({
  module: () => new URL(import.meta.url.endsWith('.ts') ? './electionFileWorkerMain.ts' : './electionFileWorkerMain.js', import.meta.url),
  resourceLimits: RESOURCE_LIMITS,
  inThisThread: async (job) => readHere(job),
  lost: (detail) => fail(ELECTION_FILE_INTERNAL.code, ELECTION_FILE_INTERNAL.message, `election file worker: ${detail}`),
});

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
