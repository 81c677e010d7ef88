import Database from 'better-sqlite3';
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
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StartupError) throw e;
    throw new StartupError(`De database ${file} kan niet worden gebruikt: ${(e as Error).message}`);
  }
}
