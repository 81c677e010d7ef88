/**
 * A per-database cache of what every save reads but only a few writes change: the election row, its
 * parsed definition, the candidate lists (issue 13: about 12 of the 14 ms a save cost).
 *
 * Invalidation does not rely on the writers remembering to call something: TEMP triggers on the
 * tables (this connection only; temp triggers live in sqlite_temp_master, so nothing is stored and
 * the archive's trigger handling does not see them) bump a generation counter on every INSERT,
 * UPDATE and DELETE. A value is cached with the generation it was read under and used only while
 * that generation holds.
 *
 * Rollback: a value read inside a transaction after such a write may be uncommitted, so it is then
 * returned but not cached (until a read outside a transaction shows the transaction has ended). The
 * write itself already bumped the generation, so after a rollback the old values are read again.
 *
 * Cached values are deep-frozen: a caller that changes one fails loudly instead of changing it for
 * every later request.
 */
import type { Db } from './database.ts';

/** The tables whose contents are cached (read in src/server/store/election.ts). */
export const CACHED_TABLES = ['election', 'candidate_lists_file', 'affiliations', 'candidates'] as const;

interface Cache {
  generation: number;
  /** A cached table was written since the last read outside a transaction. */
  writtenInTransaction: boolean;
  readonly entries: Map<string, { readonly generation: number; readonly value: unknown }>;
}

const caches = new WeakMap<Db, Cache>();

const FUNCTION = 'uitslag_cached_table_written';

export function installElectionCache(db: Db): void {
  const cache: Cache = { generation: 0, writtenInTransaction: false, entries: new Map() };
  db.function(FUNCTION, { deterministic: false }, () => {
    cache.generation++;
    cache.writtenInTransaction = true;
    cache.entries.clear();
    return null;
  });
  for (const table of CACHED_TABLES) {
    for (const op of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TEMP TRIGGER IF NOT EXISTS uitslag_cache_${table}_${op.toLowerCase()} AFTER ${op} ON main.${table}
               BEGIN SELECT ${FUNCTION}(); END`);
    }
  }
  caches.set(db, cache);
}

/** Freeze an object and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The value under `key`, read with `load` when not cached (or the tables changed since). */
export function cachedElectionData<T>(db: Db, key: string, load: () => T): T {
  const cache = caches.get(db);
  if (cache === undefined) return load();
  if (!db.inTransaction) cache.writtenInTransaction = false;
  const hit = cache.entries.get(key);
  if (hit !== undefined && hit.generation === cache.generation) return hit.value as T;
  const generation = cache.generation;
  const value = load();
  if (!cache.writtenInTransaction && cache.generation === generation) cache.entries.set(key, { generation, value: deepFreeze(value) });
  return value;
}
