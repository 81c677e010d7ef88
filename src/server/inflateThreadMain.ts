/**
 * The inflate thread itself (see inflateThread.ts for why and the protocol): inflates each job's raw
 * deflate bytes with zlib, hashes the output, and hands each chunk over as a buffer of its own, pausing
 * when `window` chunks are not yet acknowledged. Only Node's own modules: it starts fast and small.
 */
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import zlib from 'node:zlib';
import type { InflateReply, InflateRequest } from './inflateThread.ts';

interface Job {
  readonly inflater: zlib.InflateRaw;
  readonly sha: Hash | null;
  credit: number;
  total: number;
}

if (parentPort) {
  const port = parentPort;
  const jobs = new Map<number, Job>();
  const post = (m: InflateReply, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer);
  const start = (m: Extract<InflateRequest, { type: 'start' }>): void => {
    const { id } = m;
    const inflater = zlib.createInflateRaw({ chunkSize: m.chunkSize });
    const job: Job = { inflater, sha: m.hash ? createHash('sha256') : null, credit: m.window, total: 0 };
    jobs.set(id, job);
    inflater.on('data', (c: Buffer) => {
      if (jobs.get(id) !== job) return;
      job.sha?.update(c);
      job.total += c.length;
      // Handed over without a copy when the chunk is its buffer's only content: zlib filled that buffer and
      // writes its next output into a new one. A partial chunk (the last) shares its buffer with what zlib
      // writes next: a copy of it goes. (No copy per chunk: the copies' memory, outside the heap, was freed
      // only by a rare garbage collection in this thread and piled up to tens of MiB.)
      const whole = c.byteOffset === 0 && c.byteLength === c.buffer.byteLength && c.buffer instanceof ArrayBuffer;
      const own = whole ? new Uint8Array(c.buffer) : new Uint8Array(c);
      post({ type: 'chunk', id, chunk: own }, [own.buffer as ArrayBuffer]);
      if (--job.credit <= 0) inflater.pause();
    });
    inflater.on('end', () => {
      if (jobs.get(id) !== job) return;
      jobs.delete(id);
      post({ type: 'end', id, total: job.total, sha256: job.sha === null ? null : new Uint8Array(job.sha.digest()) });
    });
    inflater.on('error', (e: NodeJS.ErrnoException) => {
      if (jobs.get(id) !== job) return;
      jobs.delete(id);
      post({ type: 'error', id, message: e.message, code: e.code ?? null });
    });
    inflater.end(Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength));
  };
  port.on('message', (m: InflateRequest) => {
    switch (m.type) {
      case 'start':
        start(m);
        return;
      case 'ack': {
        const job = jobs.get(m.id);
        if (job && ++job.credit > 0 && job.inflater.isPaused()) job.inflater.resume();
        return;
      }
      case 'stop': {
        const job = jobs.get(m.id);
        jobs.delete(m.id);
        job?.inflater.destroy();
        return;
      }
    }
  });
  post({ type: 'ready' });
}
