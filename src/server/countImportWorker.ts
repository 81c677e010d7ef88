/** Worker thread of the count-file import: runs `runImportWork` off the main thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { runImportWork, type ImportWorkInput } from './countImport.ts';

const port = parentPort;
if (port) {
  const input = workerData as ImportWorkInput;
  let last = -1;
  runImportWork(input, (stage, progress) => {
    // Throttle progress messages to whole percents.
    const p = Math.floor(progress * 100);
    if (p === last) return;
    last = p;
    port.postMessage({ type: 'progress', stage, progress });
  })
    .then((result) => port.postMessage({ type: 'result', result }))
    .catch((err: unknown) =>
      port.postMessage({
        type: 'result',
        result: { ok: false, code: 'import.internal', message: 'Het bestand kon niet worden verwerkt door een interne fout.', detail: String(err) },
      }),
    );
}
