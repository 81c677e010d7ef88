/**
 * The statements of vernietigen (guide step 14, src/server/archive.ts) that treat the election's
 * tables as one whole (issue 14: SQL lives in the stores): the list of those tables, their erasure
 * in the caller's one transaction (the protective triggers dropped and re-created around it), and the
 * rebuild of the database file afterwards, so no erased row stays in a free page or in the WAL.
 * What the archive reads of each table goes through that table's store.
 */
import type { Db } from '../db/database.ts';

/** Tables of the election's data, children first. Users and the instance row stay. */
export const ELECTION_TABLES = [
  'documents',
  'document_sets',
  'pv_details',
  'imported_count_files',
  'count_history',
  'count_units',
  'polling_stations',
  'gemeente_setup',
  'uploads',
  'integrity_baseline_pending',
  'key_replace_approvals',
  'municipality_keys',
  'csb_lots',
  'hsb_keys',
  'csb_candidate_lists',
  'own_key',
  'candidates',
  'affiliations',
  'candidate_lists_file',
  'regions',
  'election',
  'audit_log',
] as const;

/**
 * Empty every election table (inside the caller's transaction): the append-only and keep triggers
 * on them are dropped and re-created around the deletion. The number of rows erased per table.
 */
export function eraseElectionTables(db: Db): Record<string, number> {
  const erased: Record<string, number> = {};
  const triggers = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (${ELECTION_TABLES.map(() => '?').join(',')})`)
    .all(...ELECTION_TABLES) as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
  for (const table of ELECTION_TABLES) erased[table] = db.prepare(`DELETE FROM ${table}`).run().changes;
  for (const t of triggers) db.exec(t.sql);
  return erased;
}

/** Rebuild the database file and empty the WAL (outside any transaction; throws when another connection is busy). */
export function compactDatabase(db: Db): void {
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}
