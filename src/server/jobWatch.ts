/**
 * Waiting on a background job (the documents' and the count-file import's): a request with `?wait=1`
 * is answered as soon as the job has moved on (a new stage, a step of progress, finished), at most
 * JOB_WAIT_MS later, so a screen shows "klaar" the moment the job is, without polling in a tight loop.
 * The job calls `changed()` after every change; a waiting request checks whether what it waits for
 * has happened.
 */
import { z } from 'zod';

/** The longest a `?wait=1` answer is held back. */
export const JOB_WAIT_MS = 2000;

/** The query of a job's progress request. */
export const JobWaitQuery = z.object({ wait: z.enum(['1']).optional() });

export class JobWatch {
  private readonly waiters = new Set<() => void>();

  /** Tell whoever waits that the job changed. */
  changed(): void {
    for (const w of [...this.waiters]) w();
  }

  /** Resolves once `moved()` is true (checked now and after every change), or after `maxMs`. */
  until(moved: () => boolean, maxMs: number = JOB_WAIT_MS): Promise<void> {
    if (moved()) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const check = (): void => {
        if (moved()) done();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.add(check);
    });
  }

  /** Requests waiting now (for tests). */
  get waiting(): number {
    return this.waiters.size;
  }
}
