/**
 * The audit log's store (issue 14): every SQL statement on `audit_log`. The hash chain itself (how a
 * record is hashed, checked and exported) stays in src/server/audit.ts; this module only reads and
 * appends rows, and reads the details of the records other modules look into (integrity.ts, the
 * documents and the archive).
 *
 * `audit_log.details_json` holds a record's details (`AuditDetails`: an object whose shape depends on
 * the action). The chain and the screens take it as it is stored (`recordDetails`): a record changed
 * outside the program must show as a broken chain, never stop the check. Where a module reads
 * particular fields, the action's own schema says which (`CountRecordDetails`,
 * `DocumentsCreateDetails`, `ArchiveCreateDetails`); the integrity checks skip a record their schema
 * refuses (the chain check reports it), the archive status treats it as a corrupt row.
 */
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { readJson } from './json.ts';

/** A row of the audit_log table. */
export interface AuditRow {
  id: number;
  at: string;
  user_id: number | null;
  username: string | null;
  role: string | null;
  action: string;
  details_json: string;
  prev_hash: string;
  hash: string;
}

/** The chain's last record: its id (= the number of records) and hash. */
export interface AuditTail {
  readonly id: number;
  readonly hash: string;
}

/** What `writeAudit` takes and every record's details hold: an object, its shape set by the action. */
export const AuditDetails = z.record(z.string(), z.unknown());
export type AuditDetails = z.output<typeof AuditDetails>;

/**
 * A record's details as they are hashed and shown: the stored JSON as it is, or the stored text
 * itself when it is no JSON (a damaged row: the chain check then reports it).
 */
export function recordDetails(detailsJson: string): unknown {
  try {
    const value: unknown = JSON.parse(detailsJson);
    return value;
  } catch {
    return detailsJson;
  }
}

/** The details of a record, when they match the schema; otherwise null (damage the chain check reports). */
function detailsOrNull<S extends z.ZodType>(schema: S, detailsJson: string): z.output<S> | null {
  const r = schema.safeParse(recordDetails(detailsJson));
  return r.success ? r.data : null;
}

// ---------------------------------------------------------------------------------------------
// The chain
// ---------------------------------------------------------------------------------------------

export function lastAuditRecord(db: Db): AuditTail | undefined {
  return db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as AuditTail | undefined;
}

/** Append a row (the caller computed its hash; inside the transaction of the change it describes). */
export function insertAuditRow(db: Db, row: AuditRow): void {
  db.prepare(
    `INSERT INTO audit_log (id, at, user_id, username, role, action, details_json, prev_hash, hash)
     VALUES (@id, @at, @user_id, @username, @role, @action, @details_json, @prev_hash, @hash)`,
  ).run(row);
}

/** The hash of record `id`, or undefined when there is no such record. */
export function auditHashAt(db: Db, id: number): string | undefined {
  return (db.prepare('SELECT hash FROM audit_log WHERE id = ?').get(id) as { hash: string } | undefined)?.hash;
}

/** Every record, oldest first (whatever their ids: a row with a changed id is read too). */
export function allAuditRows(db: Db): Iterable<AuditRow> {
  return db.prepare('SELECT * FROM audit_log ORDER BY id').iterate() as Iterable<AuditRow>;
}

/** The records after record `id`, oldest first. */
export function auditRowsAfter(db: Db, id: number): Iterable<AuditRow> {
  return db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id').iterate(id) as Iterable<AuditRow>;
}

/** Newest first: the last `limit` records, or those before record `before`. */
export function auditRowsNewestFirst(db: Db, limit: number, before: number | null): AuditRow[] {
  return (
    before === null
      ? db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit)
      : db.prepare('SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, limit)
  ) as AuditRow[];
}

// ---------------------------------------------------------------------------------------------
// Records other modules read
// ---------------------------------------------------------------------------------------------

/** The id of the last phase change (a document set's snapshot of its inputs), or undefined. */
export function lastPhaseChangeId(db: Db): number | undefined {
  return (db.prepare("SELECT id FROM audit_log WHERE action = 'phase.change' ORDER BY id DESC LIMIT 1").get() as { id: number } | undefined)?.id;
}

/**
 * The details a count action's record carries that integrity.ts reads: the unit's code and, on the
 * record that completes it, the hashes of both entries and the agreed form (src/server/integrity.ts).
 * The hashes are checked there (a changed value is reported as such), so they are read as they are.
 */
export const CountRecordDetails = z.looseObject({
  code: z.string(),
  agreedSha256: z.unknown().optional(),
  firstSha256: z.unknown().optional(),
  secondSha256: z.unknown().optional(),
});
export type CountRecordDetails = z.output<typeof CountRecordDetails>;

/** Every count action's record (`counts.*`), oldest first; `details` null when they name no unit. */
export function* countRecords(db: Db): Generator<{ id: number; action: string; details: CountRecordDetails | null }> {
  const rows = db.prepare("SELECT id, action, details_json FROM audit_log WHERE action GLOB 'counts.*' ORDER BY id").iterate() as Iterable<{
    id: number;
    action: string;
    details_json: string;
  }>;
  for (const r of rows) yield { id: r.id, action: r.action, details: detailsOrNull(CountRecordDetails, r.details_json) };
}

/** The details of `documents.create` (an HSB's, a gemeente's or the CSB's set): the files stored, with their hashes. */
export const DocumentsCreateDetails = z.looseObject({
  setId: z.number().int(),
  creationDateTime: z.string(),
  /** The count file's hash as printed (an HSB's or a gemeente's set). */
  emlHash: z.string().optional(),
  files: z.array(z.looseObject({ kind: z.string(), fileName: z.string(), size: z.number().int(), sha256: z.string() })),
});
export type DocumentsCreateDetails = z.output<typeof DocumentsCreateDetails>;

/** The details of every `documents.create` record whose details are readable, oldest first. */
export function* documentsCreateRecords(db: Db): Generator<DocumentsCreateDetails> {
  for (const r of db.prepare("SELECT details_json FROM audit_log WHERE action = 'documents.create'").iterate() as Iterable<{ details_json: string }>) {
    const d = detailsOrNull(DocumentsCreateDetails, r.details_json);
    if (d !== null) yield d;
  }
}

/** The details of `archive.create`: the archive's file name (and the chain's state then). */
export const ArchiveCreateDetails = z.looseObject({ fileName: z.string() });
export type ArchiveCreateDetails = z.output<typeof ArchiveCreateDetails>;

/** The last `archive.create` record, or undefined. */
export function lastArchiveCreate(db: Db): { at: string; details: ArchiveCreateDetails } | undefined {
  const r = db.prepare("SELECT at, details_json FROM audit_log WHERE action = 'archive.create' ORDER BY id DESC LIMIT 1").get() as
    | { at: string; details_json: string }
    | undefined;
  return r ? { at: r.at, details: readJson(ArchiveCreateDetails, r.details_json, 'audit_log.details_json (archive.create)') } : undefined;
}
