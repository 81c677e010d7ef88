/**
 * Group commit (issue 13): the unit actions of one event-loop turn (the typists' saves, claims,
 * submits) share one SQLite transaction and so one fsync, instead of one each.
 *
 * Durability is unchanged: a caller's promise settles only after the COMMIT that holds its change
 * has returned (WAL, synchronous = FULL: on disk), so nothing is acknowledged before it is stored.
 *
 * Each action still is its own unit: it runs in its own SAVEPOINT (better-sqlite3's nested
 * `db.transaction`), so it writes its own rows and its own audit record, and an action that fails
 * is rolled back to its savepoint alone; the others of the turn go on and are committed. When SQLite
 * itself ends the whole transaction (an I/O error, a full disk) the actions before it in the batch
 * are refused (their changes are gone) and the rest continue in a new transaction. When the COMMIT
 * fails, nothing of the batch is stored and every action of it is refused.
 *
 * The whole batch runs synchronously in one callback (`setImmediate`, after the turn's I/O), so no
 * other request ever sees the batch's uncommitted rows. Listeners registered with
 * `onBatchRolledBack` drop in-memory caches that may hold values read inside a batch that was
 * then rolled back.
 */
import type { Db } from './database.ts';

interface Job {
  readonly work: () => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Batcher {
  queue: Job[];
  scheduled: boolean;
  readonly rolledBack: (() => void)[];
}

const batchers = new WeakMap<Db, Batcher>();

function batcherOf(db: Db): Batcher {
  let b = batchers.get(db);
  if (b === undefined) batchers.set(db, (b = { queue: [], scheduled: false, rolledBack: [] }));
  return b;
}

/** Thrown to an action whose change was lost when its batch's transaction ended without commit. */
export class BatchRolledBackError extends Error {
  override name = 'BatchRolledBackError';
  constructor(readonly reason: unknown) {
    super(`the shared transaction was rolled back: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
}

/**
 * Run `work` (synchronous, its writes all on `db`) in this turn's shared transaction; resolves with
 * its value once that transaction is committed, rejects with its error (its own changes rolled back)
 * or with `BatchRolledBackError` when the shared transaction did not commit.
 */
export function groupCommit<T>(db: Db, work: () => T): Promise<T> {
  const b = batcherOf(db);
  return new Promise<T>((resolve, reject) => {
    b.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
    if (!b.scheduled) {
      b.scheduled = true;
      setImmediate(() => flush(db, b));
    }
  });
}

/** Call `listener` after a batch was rolled back (to forget values read inside it). */
export function onBatchRolledBack(db: Db, listener: () => void): void {
  batcherOf(db).rolledBack.push(listener);
}

function rolledBack(b: Batcher): void {
  for (const l of b.rolledBack) l();
}

function flush(db: Db, b: Batcher): void {
  const jobs = b.queue;
  b.queue = [];
  b.scheduled = false;
  if (jobs.length === 0) return;
  // Never inside someone else's transaction (all database work is synchronous, so none should be
  // open; if one is, the batch waits for the next turn rather than acknowledge before its commit).
  if (db.inTransaction) {
    b.queue = [...jobs, ...b.queue];
    b.scheduled = true;
    setImmediate(() => flush(db, b));
    return;
  }
  const savepoint = (work: () => unknown) => db.transaction(work);
  let done: { job: Job; value: unknown }[] = [];
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (e) {
    for (const j of jobs) j.reject(e);
    return;
  }
  for (const job of jobs) {
    try {
      done.push({ job, value: savepoint(job.work)() });
    } catch (e) {
      if (!db.inTransaction) {
        // SQLite ended the whole transaction: the actions before this one are gone too.
        for (const d of done) d.job.reject(new BatchRolledBackError(e));
        done = [];
        rolledBack(b);
        try {
          db.exec('BEGIN IMMEDIATE');
        } catch (e2) {
          job.reject(e);
          for (const j of jobs.slice(jobs.indexOf(job) + 1)) j.reject(e2);
          return;
        }
      }
      job.reject(e);
    }
  }
  try {
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // the connection reports the first error
      }
    }
    rolledBack(b);
    for (const d of done) d.job.reject(new BatchRolledBackError(e));
    return;
  }
  for (const d of done) d.job.resolve(d.value);
}
