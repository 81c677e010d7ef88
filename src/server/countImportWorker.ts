/**
 * The persistent worker thread of the count-file import (see importWorkerHost in countImport.ts): it
 * takes jobs (`serveJobs`) and answers each with its progress (at most once per whole percent) and then
 * its result, streaming the file (`runImportStreamed`), inflated and hashed by its own inflate thread
 * (inflateThread.ts).
 */
import { parentPort } from 'node:worker_threads';
import { fail, type Result } from '../domain/result.ts';
import { IMPORT_INTERNAL, runImportStreamed, type ImportProgress, type ImportWorkInput, type ImportWorkValue } from './countImport.ts';
import { ThreadInflater } from './inflateThread.ts';
import { serveJobs } from './worker.ts';

if (parentPort) {
  // The EML is inflated and hashed in a thread of this worker's own, beside the reading (inflateThread.ts).
  const inflater = new ThreadInflater();
  inflater.start();
  serveJobs<ImportWorkInput, ImportProgress, Result<ImportWorkValue>>(
    parentPort,
    (input, report) => {
      let last = -1;
      let lastStage = '';
      return runImportStreamed(
        input,
        (stage, progress) => {
          const p = Math.floor(progress * 100);
          if (p === last && stage === lastStage) return;
          last = p;
          lastStage = stage;
          report({ stage, progress });
        },
        0,
        inflater,
      );
    },
    (err) => fail(IMPORT_INTERNAL.code, IMPORT_INTERNAL.message, String(err)),
  );
}
