import type { AuditAction } from '../domain/auditActions.ts';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { neutraliseSpreadsheetCell } from '../domain/text.ts';
import { dataVersion, type Db } from './db/database.ts';
import {
  allAuditRows,
  auditHashAt,
  auditRowsAfter,
  auditRowsNewestFirst,
  insertAuditRow,
  lastAuditRecord,
  recordDetails,
  type AuditDetails,
  type AuditRow,
} from './store/audit.ts';

export type { AuditRow } from './store/audit.ts';

/**
 * The audit log: an append-only hash chain in the table audit_log.
 * hash = sha256(prev_hash + canonical JSON of { id, at, userId, username, role, action, details }).
 * Callers write the record inside the same transaction as the change it describes.
 * The table's statements are in src/server/store/audit.ts.
 */

export const GENESIS_HASH = '0'.repeat(64);

export interface Actor {
  readonly id: number | null;
  readonly username: string | null;
  readonly role: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: null, username: null, role: null };

/** JSON with object keys sorted recursively; no whitespace. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('non-finite number in audit record');
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** What a record says (all but its chain hashes): what is hashed, and what is shown. */
function recordContent(row: Omit<AuditRow, 'prev_hash' | 'hash'>): Omit<AuditRecord, 'prevHash' | 'hash'> {
  const details = recordDetails(row.details_json);
  return {
    id: row.id,
    at: row.at,
    userId: row.user_id,
    username: row.username,
    role: row.role,
    action: row.action,
    details,
  };
}

function recordHash(prevHash: string, row: Omit<AuditRow, 'prev_hash' | 'hash'>): string {
  return createHash('sha256').update(prevHash + canonicalJson(recordContent(row)), 'utf8').digest('hex');
}

/** Append a record. Must be called inside the transaction of the change (better-sqlite3 is synchronous). */
export function writeAudit(db: Db, at: Date, actor: Actor, action: AuditAction, details: AuditDetails = {}): void {
  const last = lastAuditRecord(db);
  const prevHash = last?.hash ?? GENESIS_HASH;
  const row = {
    id: (last?.id ?? 0) + 1,
    at: at.toISOString(),
    user_id: actor.id,
    username: actor.username,
    role: actor.role,
    action,
    details_json: canonicalJson(details),
  };
  const hash = recordHash(prevHash, row);
  insertAuditRow(db, { ...row, prev_hash: prevHash, hash });
}

export const ChainStatus = z.object({ intact: z.boolean(), firstBrokenId: z.number().int().nullable() }).readonly();
export type ChainStatus = z.output<typeof ChainStatus>;

/** Recompute the whole chain. */
export function verifyChain(db: Db): ChainStatus {
  let prev = GENESIS_HASH;
  let expectedId = 1;
  for (const row of allAuditRows(db)) {
    if (row.id !== expectedId || row.prev_hash !== prev || recordHash(prev, row) !== row.hash) {
      return { intact: false, firstBrokenId: row.id };
    }
    prev = row.hash;
    expectedId++;
  }
  return { intact: true, firstBrokenId: null };
}

/** The last record a walk of the chain found intact, per connection, with the database's data_version then. */
const verifiedHeads = new WeakMap<Db, { readonly id: number; readonly hash: string; readonly dataVersion: number }>();

/**
 * The chain checked from where the last check ended: only the records this connection appended since
 * are recomputed. A change by any other connection (someone editing the database file; SQLite's
 * `data_version` tells) means the whole chain is walked again, so tampering shows as before. The
 * screens use this; export, archive, start-up and the integrity check walk the whole chain.
 */
export function verifyChainIncremental(db: Db): ChainStatus {
  const version = dataVersion(db);
  const head = verifiedHeads.get(db);
  const still = head !== undefined && head.dataVersion === version ? auditHashAt(db, head.id) : undefined;
  if (head === undefined || still !== head.hash) return rememberHead(db, verifyChain(db), version);
  let prev = head.hash;
  let expectedId = head.id + 1;
  for (const row of auditRowsAfter(db, head.id)) {
    if (row.id !== expectedId || row.prev_hash !== prev || recordHash(prev, row) !== row.hash) {
      verifiedHeads.delete(db);
      return { intact: false, firstBrokenId: row.id };
    }
    prev = row.hash;
    expectedId++;
  }
  verifiedHeads.set(db, { id: expectedId - 1, hash: prev, dataVersion: version });
  return { intact: true, firstBrokenId: null };
}

function rememberHead(db: Db, status: ChainStatus, dataVersion: number): ChainStatus {
  const last = lastAuditRecord(db);
  if (status.intact && last !== undefined) verifiedHeads.set(db, { id: last.id, hash: last.hash, dataVersion });
  else verifiedHeads.delete(db);
  return status;
}

export const AuditRecord = z
  .object({
    id: z.number().int(),
    at: z.string(),
    userId: z.number().int().nullable(),
    username: z.string().nullable(),
    role: z.string().nullable(),
    action: z.string(),
    details: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .readonly();
export type AuditRecord = z.output<typeof AuditRecord>;

function toRecord(row: AuditRow): AuditRecord {
  return { ...recordContent(row), prevHash: row.prev_hash, hash: row.hash };
}

/** Newest first. */
export function listAudit(db: Db, limit: number, before: number | null): AuditRecord[] {
  return auditRowsNewestFirst(db, limit, before).map(toRecord);
}

function csvField(raw: string): string {
  // A cell that starts like a formula (a login name '=HYPERLINK(…)') is neutralised (issue 9, defect 4).
  const value = neutraliseSpreadsheetCell(raw);
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The whole log as CSV (UTF-8 with BOM, separator ';', CRLF), oldest first. A cell starting with
 * = + - @ tab, CR or an apostrophe has an apostrophe put in front (remove it to recompute a hash).
 */
export function auditCsv(db: Db): string {
  const lines = ['id;tijdstip;gebruiker_id;gebruikersnaam;rol;actie;details;vorige_hash;hash'];
  for (const row of allAuditRows(db)) {
    lines.push(
      [
        String(row.id),
        row.at,
        row.user_id === null ? '' : String(row.user_id),
        row.username ?? '',
        row.role ?? '',
        row.action,
        row.details_json,
        row.prev_hash,
        row.hash,
      ]
        .map(csvField)
        .join(';'),
    );
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}
