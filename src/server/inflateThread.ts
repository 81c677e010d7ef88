/**
 * The count-file import's second thread (issue 13, import speed): the EML of a count file is inflated
 * and hashed (SHA-256) in this thread while the import worker reads the chunks it gets, so the two
 * run on two cores instead of one after the other. The import worker (countImportWorker.ts) starts it
 * with itself and keeps it; it ends with the import worker.
 *
 * Why a thread of its own: inflating in the import worker's own event loop (zlib in libuv's pool) only
 * moves on between two chunks the reader handles, so the reader waited for it, and the SHA-256 was
 * the reader's thread's work too (together about a sixth of the import on the bench file).
 *
 * The protocol (InflateRequest / InflateReply), per job (several may run at once, each by its id):
 * `start` with the raw deflate bytes; the thread answers
 * with `chunk`s (each a buffer of its own, handed over without a copy), at most `window` ahead of the
 * `ack`s, then `end` with the number of bytes and their SHA-256, or `error` with zlib's message. `stop`
 * ends a job early. The size rules of the zip (zip bomb, short entry) stay with the zip reader
 * (src/transfer/zip.ts), around the chunks given here. When the thread cannot start at all, the EML is
 * inflated in the calling thread (`inThreadInflater`); when it dies during a job, that job fails with an
 * `InflaterFailure` (an internal error, never "damaged zip") and the next job starts a new thread.
 */
import { Worker } from 'node:worker_threads';
import { InflaterFailure, inThreadInflater, type ChunkInflater, type InflateOutcome } from '../transfer/zip.ts';
import { isWorkerLoadFailure, workerBootstrapUrl, workerExecArgv } from './worker.ts';

/** Messages to the inflate thread. */
export type InflateRequest =
  | { readonly type: 'start'; readonly id: number; readonly raw: Uint8Array; readonly chunkSize: number; readonly hash: boolean; readonly window: number }
  | { readonly type: 'ack'; readonly id: number }
  | { readonly type: 'stop'; readonly id: number };

/** Messages from the inflate thread. */
export type InflateReply =
  | { readonly type: 'ready' }
  | { readonly type: 'chunk'; readonly id: number; readonly chunk: Uint8Array }
  | { readonly type: 'end'; readonly id: number; readonly total: number; readonly sha256: Uint8Array | null }
  | { readonly type: 'error'; readonly id: number; readonly message: string; readonly code: string | null };

/** Chunks the thread may have given before the reader has taken them (memory: window × chunk size). */
const WINDOW = 8;

export class ThreadInflater implements ChunkInflater {
  private worker: Worker | null = null;
  private ready = false;
  /** The thread's module cannot be loaded here (no tsx, no build): inflate in the calling thread. */
  private unavailable = false;
  private nextId = 0;
  /** Jobs running (the thread keeps the process alive while there are any). */
  private running = 0;
  /** Threads started (for tests: a dead thread is replaced). */
  started = 0;

  /** Whether the thread could not be started here, so the EML is inflated in the calling thread (for tests). */
  get inThisThread(): boolean {
    return this.unavailable;
  }

  /** Start the thread now (so the first job does not wait for it); null when it cannot start. */
  start(): Worker | null {
    if (this.worker !== null || this.unavailable) return this.worker;
    const file = import.meta.url.endsWith('.ts') ? './inflateThreadMain.ts' : './inflateThreadMain.js';
    const url = workerBootstrapUrl(new URL(file, import.meta.url));
    if (url === null) {
      this.unavailable = true;
      return null;
    }
    // Its heap holds a few chunks at a time: small limits keep its share of the server's memory small.
    const worker = new Worker(url, { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 2 }, execArgv: workerExecArgv() });
    this.started++;
    this.worker = worker;
    this.ready = false;
    worker.on('message', (m: InflateReply) => {
      if (m.type === 'ready') this.ready = true;
    });
    const gone = (): void => {
      if (this.worker === worker) this.worker = null;
    };
    worker.on('error', (err) => {
      if (!this.ready && isWorkerLoadFailure(err)) this.unavailable = true;
      gone();
    });
    worker.on('exit', gone);
    worker.unref();
    return worker;
  }

  /** End the thread (its job, if any, fails with an InflaterFailure). */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker !== null) await worker.terminate();
  }

  inflate(raw: Buffer, chunkSize: number, hash: boolean, onChunk: (chunk: Buffer) => boolean | Promise<boolean>): Promise<InflateOutcome> {
    const worker = this.start();
    if (worker === null) return inThreadInflater.inflate(raw, chunkSize, hash, onChunk);
    const id = ++this.nextId;
    return new Promise<InflateOutcome>((resolve, reject) => {
      /** Chunks received and not yet given to onChunk, in order. */
      const queue: Buffer[] = [];
      let given = 0;
      let last: Extract<InflateReply, { type: 'end' | 'error' }> | null = null;
      let draining = false;
      let settled = false;
      let gotAnything = false;
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (--this.running === 0) worker.unref();
        f();
      };
      const stop = (): void => worker.postMessage({ type: 'stop', id } satisfies InflateRequest);
      /** Give the queued chunks to onChunk one at a time (awaited), then finish when the thread has. */
      const drain = async (): Promise<void> => {
        if (draining || settled) return;
        draining = true;
        try {
          for (let chunk = queue.shift(); chunk !== undefined; chunk = queue.shift()) {
            given += chunk.length;
            const go = await onChunk(chunk);
            if (settled) return;
            if (!go) {
              stop();
              settle(() => resolve({ complete: false }));
              return;
            }
            worker.postMessage({ type: 'ack', id } satisfies InflateRequest);
          }
        } catch (e) {
          stop();
          settle(() => reject(e));
          return;
        } finally {
          draining = false;
        }
        if (last === null) return;
        const end = last;
        if (end.type === 'error') {
          const e = new Error(end.message) as NodeJS.ErrnoException;
          if (end.code !== null) e.code = end.code;
          settle(() => reject(e));
        } else if (end.total !== given) {
          settle(() => reject(new InflaterFailure(`the inflate thread gave ${given} bytes but counted ${end.total}`)));
        } else {
          settle(() => resolve({ complete: true, sha256: end.sha256 === null ? null : Buffer.from(end.sha256.buffer, end.sha256.byteOffset, end.sha256.byteLength) }));
        }
      };
      const onMessage = (m: InflateReply): void => {
        if (m.type === 'ready' || m.id !== id) return;
        gotAnything = true;
        if (m.type === 'chunk') queue.push(Buffer.from(m.chunk.buffer, m.chunk.byteOffset, m.chunk.byteLength));
        else last = m;
        void drain();
      };
      const onError = (err: Error): void => {
        if (this.unavailable && !gotAnything) {
          settle(() => resolve(inThreadInflater.inflate(raw, chunkSize, hash, onChunk)));
          return;
        }
        settle(() => reject(new InflaterFailure(`the inflate thread failed: ${err.message}`)));
      };
      const onExit = (code: number): void => settle(() => reject(new InflaterFailure(`the inflate thread exited with ${code}`)));
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      if (this.running++ === 0) worker.ref(); // while a job runs
      // The raw bytes are copied (they may be part of the uploaded zip's buffer, which stays here).
      worker.postMessage({ type: 'start', id, raw: new Uint8Array(raw), chunkSize, hash, window: WINDOW } satisfies InflateRequest);
    });
  }
}
