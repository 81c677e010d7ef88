/**
 * The installation's keys: its own key pair (`own_key`: the certificate; the private key is a file in
 * the data directory's keys folder), the municipalities' imported public keys (`municipality_keys`,
 * an HSB's) and the election leader's approvals of replacing one after phase 1
 * (`key_replace_approvals`). Issue 14: every SQL statement on these tables lives here (see
 * store/json.ts), except the reading of the hoofdstembureaus' keys at the CSB (`hsb_keys`, store/csb.ts);
 * an imported certificate is stored by one statement for both key tables (`storeImportedKey`).
 *
 * The functions run single statements; the transaction around one user action, with its audit
 * record, stays with the caller (house rule 3).
 */
import type { CertificateInfo } from '../../crypto/certificate.ts';
import type { Db } from '../db/database.ts';

// ---- own_key (one row, id 1) ----

export interface OwnKeyRow {
  subject: string;
  fingerprint: string;
  not_before: string;
  not_after: string;
  certificate_pem: string;
  /** The certificate's file name for download and archive. */
  file_name: string;
  /** The private key's file name in the keys folder. */
  private_key_file: string;
  created_at: string;
  created_by: number;
}

export function getOwnKey(db: Db): OwnKeyRow | undefined {
  return db
    .prepare(
      `SELECT subject, fingerprint, not_before, not_after, certificate_pem, file_name, private_key_file, created_at, created_by
       FROM own_key WHERE id = 1`,
    )
    .get() as OwnKeyRow | undefined;
}

export function hasOwnKey(db: Db): boolean {
  return (db.prepare('SELECT COUNT(*) AS n FROM own_key').get() as { n: number }).n > 0;
}

export function insertOwnKey(db: Db, key: OwnKeyRow): void {
  db.prepare(
    `INSERT INTO own_key (id, subject, fingerprint, not_before, not_after, certificate_pem, file_name,
       private_key_file, created_at, created_by) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    key.subject,
    key.fingerprint,
    key.not_before,
    key.not_after,
    key.certificate_pem,
    key.file_name,
    key.private_key_file,
    key.created_at,
    key.created_by,
  );
}

// ---- municipality_keys (by 4-digit municipality code) ----

export interface MunicipalityKeyRow {
  code: string;
  subject: string;
  fingerprint: string;
  not_before: string;
  not_after: string;
  certificate_pem: string;
  file_name: string;
  imported_at: string;
  imported_by: number;
}

export function getMunicipalityKey(db: Db, code: string): MunicipalityKeyRow | undefined {
  return db.prepare('SELECT * FROM municipality_keys WHERE code = ?').get(code) as MunicipalityKeyRow | undefined;
}

/** Every imported municipality's key, by code. */
export function listMunicipalityKeys(db: Db): MunicipalityKeyRow[] {
  return db.prepare('SELECT * FROM municipality_keys ORDER BY code').all() as MunicipalityKeyRow[];
}

/** The codes of the municipalities whose key is imported. */
export function municipalityKeyCodes(db: Db): string[] {
  return db.prepare('SELECT code FROM municipality_keys').pluck().all() as string[];
}

/** The tables of imported public keys (certificates), by what they are keyed on. */
const IMPORTED_KEY_TABLES = {
  municipality_keys: 'code',
  hsb_keys: 'kieskring',
} as const;

/**
 * Store an imported key (certificate) in `table` under `id`, replacing the one it had: a municipality's
 * (`municipality_keys`, by 4-digit code) or, at the CSB, a hoofdstembureau's (`hsb_keys`, by kieskring);
 * the caller checks whether it may and writes the audit record, in the same transaction.
 */
export function storeImportedKey<T extends keyof typeof IMPORTED_KEY_TABLES>(
  db: Db,
  table: T,
  id: T extends 'municipality_keys' ? string : number,
  key: { readonly info: CertificateInfo; readonly fileName: string; readonly userId: number; readonly now: Date },
): void {
  const column = IMPORTED_KEY_TABLES[table];
  db.prepare(
    `INSERT INTO ${table} (${column}, subject, fingerprint, not_before, not_after, certificate_pem, file_name, imported_at, imported_by)
     VALUES (@id, @subject, @fingerprint, @nb, @na, @pem, @fileName, @at, @by)
     ON CONFLICT(${column}) DO UPDATE SET subject = excluded.subject, fingerprint = excluded.fingerprint,
       not_before = excluded.not_before, not_after = excluded.not_after, certificate_pem = excluded.certificate_pem,
       file_name = excluded.file_name, imported_at = excluded.imported_at, imported_by = excluded.imported_by`,
  ).run({
    id,
    subject: key.info.subjectText,
    fingerprint: key.info.fingerprint,
    nb: key.info.notBefore.toISOString(),
    na: key.info.notAfter.toISOString(),
    pem: key.info.pem,
    fileName: key.fileName,
    at: key.now.toISOString(),
    by: key.userId,
  });
}

// ---- key_replace_approvals (used once) ----

/** An unused approval, with the name of the election leader who gave it (null: user unknown). */
export interface OpenApprovalRow {
  id: number;
  reason: string;
  approved_by: number;
  username: string | null;
}

/** The latest unused approval of replacing this municipality's key by the key with this fingerprint. */
export function openReplaceApproval(db: Db, code: string, fingerprint: string): OpenApprovalRow | undefined {
  return db
    .prepare(
      `SELECT a.id, a.reason, a.approved_by, u.username FROM key_replace_approvals a LEFT JOIN users u ON u.id = a.approved_by
       WHERE a.code = ? AND a.fingerprint = ? AND a.used_at IS NULL ORDER BY a.id DESC LIMIT 1`,
    )
    .get(code, fingerprint) as OpenApprovalRow | undefined;
}

export function markReplaceApprovalUsed(db: Db, id: number, at: string): void {
  db.prepare('UPDATE key_replace_approvals SET used_at = ? WHERE id = ?').run(at, id);
}

/** Record an approval; returns its id. */
export function insertReplaceApproval(
  db: Db,
  a: { readonly code: string; readonly fingerprint: string; readonly reason: string; readonly approvedAt: string; readonly approvedBy: number },
): number {
  return Number(
    db
      .prepare('INSERT INTO key_replace_approvals (code, fingerprint, reason, approved_at, approved_by) VALUES (?, ?, ?, ?, ?)')
      .run(a.code, a.fingerprint, a.reason, a.approvedAt, a.approvedBy).lastInsertRowid,
  );
}
