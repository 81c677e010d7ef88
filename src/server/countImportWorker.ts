/**
 * The persistent worker thread of the count-file import (see ImportWorkerHost in countImport.ts): it
 * waits for jobs `{ id, input }` and answers each with its progress (at most once per whole percent)
 * and then its result, streaming the file (`runImportStreamed`), inflated and hashed by its own inflate
 * thread (inflateThread.ts). It announces itself with `ready`.
 */
import { parentPort } from 'node:worker_threads';
import { fail } from '../domain/result.ts';
import { IMPORT_INTERNAL, runImportStreamed, type ImportRequest, type ImportWorkerMessage } from './countImport.ts';
import { ThreadInflater } from './inflateThread.ts';

if (parentPort) {
  const port = parentPort;
  // The EML is inflated and hashed in a thread of this worker's own, beside the reading (inflateThread.ts).
  const inflater = new ThreadInflater();
  inflater.start();
  const post = (m: ImportWorkerMessage): void => port.postMessage(m);
  port.on('message', (job: ImportRequest) => {
    let last = -1;
    let lastStage = '';
    runImportStreamed(job.input, (stage, progress) => {
      const p = Math.floor(progress * 100);
      if (p === last && stage === lastStage) return;
      last = p;
      lastStage = stage;
      post({ type: 'progress', id: job.id, stage, progress });
    }, 0, inflater)
      .then((result) => post({ type: 'result', id: job.id, result }))
      .catch((err: unknown) => post({ type: 'result', id: job.id, result: fail(IMPORT_INTERNAL.code, IMPORT_INTERNAL.message, String(err)) }));
  });
  post({ type: 'ready' });
}
