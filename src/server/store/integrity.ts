/**
 * The integrity check's own table (issue 14: one store per aggregate): `integrity_baseline_pending`,
 * the marker migration 6 sets on a database with units completed by an earlier version, whose audit
 * records carry no hashes. The first start records their hashes once (integrity.ts
 * `baselineLegacyUnits`) and removes the marker, in one transaction. The checks themselves read the
 * audit log and the documents through their stores (store/audit.ts, store/documents.ts).
 */
import type { Db } from '../db/database.ts';

/** Whether the units completed by an earlier version still need their baseline audit records. */
export function isBaselinePending(db: Db): boolean {
  return db.prepare('SELECT 1 FROM integrity_baseline_pending WHERE id = 1').get() !== undefined;
}

/** The baseline is recorded (inside the transaction that wrote its records). */
export function dropBaselineMarker(db: Db): void {
  db.prepare('DELETE FROM integrity_baseline_pending').run();
}
