/**
 * The CSB store (issue 14: one store module per aggregate): every SQL statement on the tables of the
 * centraal stembureau's installation (migration 8) that are not count or upload tables: the 230b of
 * every kieskring (csb_candidate_lists), the hoofdstembureaus' public keys (hsb_keys; stored by
 * `storeImportedKey` of store/keys.ts, with the municipalities' keys) and the lots
 * drawn for the result (csb_lots, append-only; voided by a trigger when the phase goes back from 3).
 * The election row itself (election.staat) is in store/election.ts; what these rows mean is in
 * src/server/csb.ts.
 *
 * csb_lots.between_json and drawn_json hold string arrays (list numbers, group lists or person keys),
 * read through their schema; the stage is the domain's (src/domain/seats/stages.ts).
 *
 * Transactions stay with the caller (one user action = one transaction, with its audit record).
 */
import { z } from 'zod';
import type { SeatStage } from '../../domain/seats/allocate.ts';
import type { CandidateStage } from '../../domain/seats/candidates.ts';
import { CANDIDATE_STAGE_TEXT, SEAT_STAGE_TEXT } from '../../domain/seats/stages.ts';
import type { Db } from '../db/database.ts';
import { CorruptRow, readJson, writeJson } from './json.ts';

// ---------------------------------------------------------------------------------------------
// Candidate lists per kieskring (csb_candidate_lists)
// ---------------------------------------------------------------------------------------------

export interface CsbListsRow {
  readonly kieskring: number;
  readonly file_name: string;
  readonly hash: string;
  readonly contest_name: string;
  readonly imported_at: string;
}

/** The imported 230b files, by kieskring (without their bytes). */
export function csbListRows(db: Db): CsbListsRow[] {
  return db.prepare('SELECT kieskring, file_name, hash, contest_name, imported_at FROM csb_candidate_lists ORDER BY kieskring').all() as CsbListsRow[];
}

/** The imported 230b files' bytes and (canonical) hash, by kieskring. */
export function csbListBytes(db: Db): { kieskring: number; hash: string; bytes: Buffer }[] {
  return db.prepare('SELECT kieskring, hash, bytes FROM csb_candidate_lists ORDER BY kieskring').all() as {
    kieskring: number;
    hash: string;
    bytes: Buffer;
  }[];
}

/** The imported 230b files as uploaded, by kieskring (for the archive). */
export function csbListFiles(db: Db): { kieskring: number; file_name: string; bytes: Buffer }[] {
  return db.prepare('SELECT kieskring, file_name, bytes FROM csb_candidate_lists ORDER BY kieskring').all() as {
    kieskring: number;
    file_name: string;
    bytes: Buffer;
  }[];
}

/** How many kieskringen have their 230b imported. */
export function csbListCount(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM csb_candidate_lists').get() as { n: number }).n;
}

/** The hash of a kieskring's imported 230b, or undefined. */
export function csbListHash(db: Db, kieskring: number): string | undefined {
  return (db.prepare('SELECT hash FROM csb_candidate_lists WHERE kieskring = ?').get(kieskring) as { hash: string } | undefined)?.hash;
}

export interface NewCsbLists {
  readonly kieskring: number;
  readonly fileName: string;
  readonly hash: string;
  readonly bytes: Buffer;
  readonly contestName: string;
  readonly importedAt: string;
  readonly importedBy: number;
}

/** Store a kieskring's 230b, replacing the one it had (inside the caller's transaction). */
export function storeCsbLists(db: Db, n: NewCsbLists): void {
  db.prepare(
    `INSERT INTO csb_candidate_lists (kieskring, file_name, hash, bytes, contest_name, imported_at, imported_by)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(kieskring) DO UPDATE SET file_name = excluded.file_name, hash = excluded.hash, bytes = excluded.bytes,
       contest_name = excluded.contest_name, imported_at = excluded.imported_at, imported_by = excluded.imported_by`,
  ).run(n.kieskring, n.fileName, n.hash, n.bytes, n.contestName, n.importedAt, n.importedBy);
}

// ---------------------------------------------------------------------------------------------
// The hoofdstembureaus' public keys (hsb_keys)
// ---------------------------------------------------------------------------------------------

/** The HSB's public key of a kieskring. */
export function hsbKey(db: Db, kieskring: number): { certificate_pem: string; subject: string; fingerprint: string } | undefined {
  return db.prepare('SELECT certificate_pem, subject, fingerprint FROM hsb_keys WHERE kieskring = ?').get(kieskring) as
    | { certificate_pem: string; subject: string; fingerprint: string }
    | undefined;
}

/** How many HSB keys are imported. */
export function hsbKeyCount(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM hsb_keys').get() as { n: number }).n;
}

/** Every imported HSB key, as the CSB's overview shows it. */
export function hsbKeyRows(db: Db): { kieskring: number; subject: string; fingerprint: string; not_after: string }[] {
  return db.prepare('SELECT kieskring, subject, fingerprint, not_after FROM hsb_keys').all() as {
    kieskring: number;
    subject: string;
    fingerprint: string;
    not_after: string;
  }[];
}

/** Every imported HSB key as uploaded, by kieskring (for the archive). */
export function hsbKeyFiles(db: Db): { kieskring: number; file_name: string; certificate_pem: string }[] {
  return db.prepare('SELECT kieskring, file_name, certificate_pem FROM hsb_keys ORDER BY kieskring').all() as {
    kieskring: number;
    file_name: string;
    certificate_pem: string;
  }[];
}

// ---------------------------------------------------------------------------------------------
// The lots drawn for the result (csb_lots)
// ---------------------------------------------------------------------------------------------

/** What csb_lots.between_json and drawn_json hold. */
const LotValues = z.array(z.string());

/** A drawn lot as stored (not voided): over the seats (lists) or, within a list, over its lists or candidates. */
export type StoredLot =
  | { readonly kind: 'seats'; readonly listNumber: null; readonly stage: SeatStage; readonly between: string[]; readonly drawn: string[] }
  | { readonly kind: 'candidates'; readonly listNumber: number; readonly stage: CandidateStage; readonly between: string[]; readonly drawn: string[] };

/** A row of csb_lots (as the archive dumps it). */
export interface LotRow {
  id: number;
  kind: 'seats' | 'candidates';
  list_number: number | null;
  stage: string;
  between_json: string;
  drawn_json: string;
  entered_at: string;
  entered_by: number;
  voided_at: string | null;
}

type ReadLotRow = Pick<LotRow, 'kind' | 'list_number' | 'stage' | 'between_json' | 'drawn_json'>;

function isSeatStage(stage: string): stage is SeatStage {
  return Object.hasOwn(SEAT_STAGE_TEXT, stage);
}

function isCandidateStage(stage: string): stage is CandidateStage {
  return Object.hasOwn(CANDIDATE_STAGE_TEXT, stage);
}

function lotOfRow(r: ReadLotRow): StoredLot {
  const between = readJson(LotValues, r.between_json, 'csb_lots.between_json');
  const drawn = readJson(LotValues, r.drawn_json, 'csb_lots.drawn_json');
  // (list_number is NULL exactly for a lot over the seats: a CHECK of the table)
  if (r.kind === 'seats' || r.list_number === null) {
    if (!isSeatStage(r.stage)) throw new CorruptRow('csb_lots.stage', `onbekende fase van de zetelverdeling: ${r.stage}`);
    return { kind: 'seats', listNumber: null, stage: r.stage, between, drawn };
  }
  if (!isCandidateStage(r.stage)) throw new CorruptRow('csb_lots.stage', `onbekende fase van de toewijzing aan kandidaten: ${r.stage}`);
  return { kind: 'candidates', listNumber: r.list_number, stage: r.stage, between, drawn };
}

/** The drawn lots (not voided), in the order they were asked for. */
export function activeLots(db: Db): StoredLot[] {
  const rows = db.prepare('SELECT kind, list_number, stage, between_json, drawn_json FROM csb_lots WHERE voided_at IS NULL ORDER BY id').all() as ReadLotRow[];
  return rows.map(lotOfRow);
}

/** The drawn lots (not voided) in the order they were asked for, with when (UTC ISO) and by whom (user name, if the user still exists). */
export function activeLotsEntered(db: Db): (StoredLot & { readonly enteredAt: string; readonly enteredBy: string | null })[] {
  const rows = db
    .prepare(
      `SELECT l.kind, l.list_number, l.stage, l.between_json, l.drawn_json, l.entered_at, u.username
       FROM csb_lots l LEFT JOIN users u ON u.id = l.entered_by WHERE l.voided_at IS NULL ORDER BY l.id`,
    )
    .all() as (ReadLotRow & { entered_at: string; username: string | null })[];
  return rows.map((r) => ({ ...lotOfRow(r), enteredAt: r.entered_at, enteredBy: r.username }));
}

/** Every lot ever entered, voided ones too, as stored (for the archive). */
export function allLotRows(db: Db): LotRow[] {
  return db.prepare('SELECT * FROM csb_lots ORDER BY id').all() as LotRow[];
}

export interface NewLot {
  readonly kind: 'seats' | 'candidates';
  readonly listNumber: number | null;
  readonly stage: string;
  readonly between: readonly string[];
  readonly drawn: readonly string[];
  readonly enteredAt: string;
  readonly enteredBy: number;
}

/** Append a drawn lot (inside the caller's transaction). */
export function insertLot(db: Db, lot: NewLot): void {
  db.prepare('INSERT INTO csb_lots (kind, list_number, stage, between_json, drawn_json, entered_at, entered_by) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    lot.kind,
    lot.listNumber,
    lot.stage,
    writeJson(LotValues, [...lot.between], 'csb_lots.between_json'),
    writeJson(LotValues, [...lot.drawn], 'csb_lots.drawn_json'),
    lot.enteredAt,
    lot.enteredBy,
  );
}
