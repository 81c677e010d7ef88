import Database from 'better-sqlite3';
import { installElectionCache } from './electionCache.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.ts';

export type Db = Database.Database;

/** Thrown when the server cannot start; the message is Dutch and meant for the operator. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * Open (or create) the database with crash-safe settings and apply pending migrations.
 * Refuses a database written by a newer version of the program.
 */
export function openDatabase(file: string): Db {
  let db: Db;
  try {
    db = new Database(file);
  } catch (e) {
    throw new StartupError(`De database ${file} kan niet worden geopend: ${(e as Error).message}`);
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StartupError(
        `De database ${file} is gemaakt door een nieuwere versie van dit programma (schemaversie ${version}, ` +
          `deze versie kent t/m ${SCHEMA_VERSION}). Start de nieuwere versie of zet een reservekopie terug.`,
      );
    }
    for (let v = version; v < SCHEMA_VERSION; v++) {
      const sql = MIGRATIONS[v]!;
      db.transaction(() => {
        db.exec(sql);
        db.pragma(`user_version = ${v + 1}`);
      })();
    }
    cachePreparedStatements(db);
    installElectionCache(db);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StartupError) throw e;
    throw new StartupError(`De database ${file} kan niet worden gebruikt: ${(e as Error).message}`);
  }
}

/** More distinct SQL texts than this are prepared each time (a guard against SQL built from data). */
const MAX_CACHED_STATEMENTS = 1000;

/**
 * `db.prepare(sql)` returns the statement prepared before for the same text (SQLite compiles a
 * statement in 10-100 µs; a save ran some 30 of them). A statement still being iterated is busy: then
 * a fresh one is prepared. The modes `pluck`, `expand` and `raw` are reset, so a cached statement
 * behaves as a fresh one. SQLite re-prepares a statement by itself when the schema changed.
 */
export function cachePreparedStatements(db: Db): void {
  const prepare = db.prepare.bind(db);
  const cache = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    const hit = cache.get(sql);
    if (hit !== undefined && !hit.busy) {
      if (hit.reader) hit.pluck(false).expand(false).raw(false);
      return hit;
    }
    const fresh = prepare(sql);
    if (hit === undefined && cache.size < MAX_CACHED_STATEMENTS) cache.set(sql, fresh);
    return fresh;
  }) as Db['prepare'];
}

/**
 * SQLite's `data_version`: it changes when another connection (another process editing the file) has
 * committed since this connection last looked; this connection's own commits leave it alone.
 */
export function dataVersion(db: Db): number {
  return db.pragma('data_version', { simple: true }) as number;
}
