/**
 * The counts store (issue 14: one store module per aggregate): every SQL statement on the tables of
 * phase 2, the double-entry state of each reporting unit (count_units), its append-only entry history
 * (count_history) and the count files an HSB or the CSB imported (imported_count_files, exact bytes).
 *
 * The JSON columns are read through their schemas: `state_json` holds a `UnitState`
 * (src/domain/doubleEntry.ts), `meta_json` a `UnitMeta`, `details_json` an object and `form_json` an
 * `EntryForm`. The schemas are typed against the domain types, so a change on either side fails the
 * type check. A stored value its schema refuses is a `CorruptRow` (src/server/store/json.ts).
 *
 * The save path is hot (issue 13; the schema check of a full form, both entries, costs some 0.2-0.3 ms):
 * a unit's state is parsed with its schema once per stored text and kept (frozen) while the row holds
 * that text; the state a save writes is the domain's own value (typed by the schema's type) and is
 * kept as the parse of the text it writes, so the next save of that unit parses nothing. The transaction around a
 * user action stays with the caller (src/server/counts.ts); these functions never open one.
 */
import { z } from 'zod';
import { agreedForm, EMPTY, type UnitState, type UnitStateKind } from '../../domain/doubleEntry.ts';
import { SCALAR_FIELDS, type EntryForm, type ScalarKey } from '../../domain/entry.ts';
import { ROLES } from '../../domain/permissions.ts';
import type { Db } from '../db/database.ts';
import { deepFreeze } from '../db/electionCache.ts';
import { readJson } from './json.ts';

// ---------------------------------------------------------------------------------------------
// Schemas of the JSON columns
// ---------------------------------------------------------------------------------------------

const Num = z.number().int().nullable();

/** An entry form (`EntryForm`, src/domain/entry.ts): every scalar (a number or empty) and the lists. */
export const EntryFormSchema: z.ZodType<EntryForm> = z.object({
  scalars: z.object(Object.fromEntries(SCALAR_FIELDS.map((f) => [f.key, Num])) as Record<ScalarKey, typeof Num>),
  lists: z.array(z.object({ listNumber: z.number().int(), total: Num, candidates: z.array(Num) })),
});

const UserRefSchema = z.object({ id: z.number().int(), username: z.string(), role: z.enum(ROLES) });
const DraftSchema = z.object({ by: UserRefSchema, form: EntryFormSchema.nullable(), seq: z.number().optional() });
const EntryRecordSchema = z.object({
  by: UserRefSchema,
  source: z.enum(['typed', 'import']),
  form: EntryFormSchema,
  acknowledged: z.array(z.string()),
});
const DecisionSchema = z.object({ by: UserRefSchema, choice: z.enum(['first', 'second']), reason: z.string() });

/** A unit's double-entry state (`UnitState`, src/domain/doubleEntry.ts): count_units.state_json. */
export const UnitStateSchema: z.ZodType<UnitState> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('empty') }),
  z.object({ kind: z.literal('first_in_progress'), draft: DraftSchema }),
  z.object({ kind: z.literal('first_with_errors'), first: EntryRecordSchema }),
  z.object({ kind: z.literal('first_done'), first: EntryRecordSchema }),
  z.object({ kind: z.literal('second_in_progress'), first: EntryRecordSchema, draft: DraftSchema }),
  z.object({ kind: z.literal('differences'), first: EntryRecordSchema, second: EntryRecordSchema }),
  z.object({ kind: z.literal('complete'), first: EntryRecordSchema, second: EntryRecordSchema, decision: DecisionSchema.optional() }),
]);

/** When a unit's entries were made and what the checks of the latest completed entry found. */
export interface UnitMeta {
  readonly firstAt?: string | null;
  readonly secondAt?: string | null;
  readonly claimedSince?: string | null;
  /** Codes of the checks (errors and warnings) of the latest completed entry. */
  readonly checkCodes?: readonly string[];
}

/** count_units.meta_json. */
export const UnitMetaSchema: z.ZodType<UnitMeta> = z.object({
  firstAt: z.string().nullable().optional(),
  secondAt: z.string().nullable().optional(),
  claimedSince: z.string().nullable().optional(),
  checkCodes: z.array(z.string()).optional(),
});

/** count_history.details_json: what the action did (outcome details, reason, file name, hashes...). */
export const HistoryDetailsSchema = z.record(z.string(), z.unknown());

// ---------------------------------------------------------------------------------------------
// count_units
// ---------------------------------------------------------------------------------------------

interface UnitRow {
  code: string;
  kind: string;
  claimed_by: number | null;
  state_json: string;
  meta_json: string;
  version: number;
  updated_at: string;
}

export interface LoadedUnit {
  readonly code: string;
  /** Frozen: the state machine makes a new state, it never changes one. */
  readonly state: UnitState;
  readonly meta: UnitMeta;
  /** 0 when the unit has no row yet. */
  readonly version: number;
  readonly updatedAt: string | null;
}

/**
 * Parsed states by database and code, with the text they were parsed from: a unit's state is parsed
 * with its schema once per stored text (a save then reads the state it wrote before without parsing
 * 2,000 numbers again). Keyed by the exact text, not the row's version: a transaction that rolled
 * back (or a group-commit batch) or a change made outside the program can never leave a parsed state
 * that differs from the row (comparing the text costs about a microsecond).
 */
interface CachedState {
  readonly text: string;
  readonly state: UnitState;
}
const states = new WeakMap<Db, Map<string, CachedState>>();

function stateCache(db: Db): Map<string, CachedState> {
  let byCode = states.get(db);
  if (byCode === undefined) states.set(db, (byCode = new Map()));
  return byCode;
}

function stateOf(db: Db, code: string, text: string): UnitState {
  const cache = stateCache(db);
  const hit = cache.get(code);
  if (hit !== undefined && hit.text === text) return hit.state;
  const state = deepFreeze(readJson(UnitStateSchema, text, `count_units.state_json (${code})`));
  cache.set(code, { text, state });
  return state;
}

function toUnit(db: Db, code: string, row: UnitRow | undefined): LoadedUnit {
  if (!row) return { code, state: EMPTY, meta: {}, version: 0, updatedAt: null };
  return {
    code,
    state: stateOf(db, code, row.state_json),
    meta: readJson(UnitMetaSchema, row.meta_json, `count_units.meta_json (${code})`),
    version: row.version,
    updatedAt: row.updated_at,
  };
}

/** One unit's state (the empty state, version 0, when it has no row). */
export function readUnit(db: Db, code: string): LoadedUnit {
  return toUnit(db, code, db.prepare('SELECT * FROM count_units WHERE code = ?').get(code) as UnitRow | undefined);
}

/** Every unit that has a row, by code. */
export function readAllUnits(db: Db): Map<string, LoadedUnit> {
  const rows = db.prepare('SELECT * FROM count_units').all() as UnitRow[];
  return new Map(rows.map((r) => [r.code, toUnit(db, r.code, r)]));
}

/**
 * Store a unit's new state (one action of the state machine): a new row with version 1, or the next
 * version of the existing row.
 */
export function writeUnit(
  db: Db,
  u: { readonly code: string; readonly state: UnitState; readonly meta: UnitMeta; readonly claimedBy: number | null; readonly at: string },
): void {
  const state = JSON.stringify(u.state);
  db
    .prepare(
      `INSERT INTO count_units (code, kind, claimed_by, state_json, meta_json, version, updated_at)
       VALUES (@code, @kind, @claimedBy, @state, @meta, 1, @at)
       ON CONFLICT(code) DO UPDATE SET kind = excluded.kind, claimed_by = excluded.claimed_by,
         state_json = excluded.state_json, meta_json = excluded.meta_json, version = count_units.version + 1,
         updated_at = excluded.updated_at`,
    )
    .run({
      code: u.code,
      kind: u.state.kind,
      claimedBy: u.claimedBy,
      state,
      meta: JSON.stringify(u.meta),
      at: u.at,
    });
  stateCache(db).set(u.code, { text: state, state: deepFreeze(u.state) });
}

/** Does this unit have an entry (draft or record)? */
export function unitHasEntries(db: Db, code: string): boolean {
  return db.prepare("SELECT 1 FROM count_units WHERE code = ? AND kind <> 'empty'").get(code) !== undefined;
}

/** Does any unit have an entry (draft or record)? */
export function anyEntryExists(db: Db): boolean {
  return db.prepare("SELECT 1 FROM count_units WHERE kind <> 'empty' LIMIT 1").get() !== undefined;
}

/** Codes of the units that have entries (drafts or records). */
export function codesWithEntries(db: Db): Set<string> {
  return new Set((db.prepare("SELECT code FROM count_units WHERE kind <> 'empty'").all() as { code: string }[]).map((r) => r.code));
}

/** Codes of the complete units. */
export function completeCodes(db: Db): Set<string> {
  return new Set((db.prepare("SELECT code FROM count_units WHERE kind = 'complete'").all() as { code: string }[]).map((r) => r.code));
}

/** The complete units other than `except`, with their row's version and time (for a cache of their agreed forms). */
export function otherCompleteUnits(db: Db, except: string): { code: string; version: number; updatedAt: string }[] {
  const rows = db.prepare("SELECT code, version, updated_at FROM count_units WHERE kind = 'complete' AND code <> ?").all(except) as {
    code: string;
    version: number;
    updated_at: string;
  }[];
  return rows.map((r) => ({ code: r.code, version: r.version, updatedAt: r.updated_at }));
}

/** The agreed form of a unit (null when it is not complete or has no row). */
export function readAgreedForm(db: Db, code: string): EntryForm | null {
  const row = db.prepare('SELECT state_json FROM count_units WHERE code = ?').get(code) as Pick<UnitRow, 'state_json'> | undefined;
  return row ? agreedForm(stateOf(db, code, row.state_json)) : null;
}

/** Remove the row of a unit without entries (a polling station renumbered or deleted). */
export function deleteEmptyUnit(db: Db, code: string): void {
  db.prepare("DELETE FROM count_units WHERE code = ? AND kind = 'empty'").run(code);
}

/** Remove the rows of every polling station ('SB<n>') without entries (the list of stations replaced). */
export function deleteEmptyStationUnits(db: Db): void {
  db.prepare("DELETE FROM count_units WHERE kind = 'empty' AND code GLOB 'SB*'").run();
}

// For the documents, the integrity checks and the archive (their statements move here after the merge).

/** The state kind of every unit that has a row, by code. */
export function unitKinds(db: Db): Map<string, UnitStateKind> {
  const rows = db.prepare('SELECT code, kind FROM count_units').all() as { code: string; kind: UnitStateKind }[];
  return new Map(rows.map((r) => [r.code, r.kind]));
}

/** The row version of every unit that has a row, by code (in code order). */
export function unitVersions(db: Db): { code: string; version: number }[] {
  return db.prepare('SELECT code, version FROM count_units ORDER BY code').all() as { code: string; version: number }[];
}

/**
 * The stored state of every complete unit, in code order; a state its schema refuses (unreadable, or
 * changed outside the program) comes as `corrupt` with the reason, so an integrity check can report it.
 */
export function completeUnitStates(db: Db): ({ code: string; state: UnitState } | { code: string; corrupt: Error })[] {
  const rows = db.prepare("SELECT code, state_json FROM count_units WHERE kind = 'complete' ORDER BY code").all() as Pick<UnitRow, 'code' | 'state_json'>[];
  return rows.map((r) => {
    try {
      return { code: r.code, state: stateOf(db, r.code, r.state_json) };
    } catch (e) {
      return { code: r.code, corrupt: e as Error };
    }
  });
}

// ---------------------------------------------------------------------------------------------
// count_history (append-only)
// ---------------------------------------------------------------------------------------------

export interface HistoryInsert {
  readonly code: string;
  readonly at: string;
  readonly user: { readonly id: number; readonly username: string; readonly role: string };
  readonly action: string;
  readonly outcome: string;
  readonly entry: number | null;
  readonly source: 'typed' | 'import' | null;
  readonly form: EntryForm | null;
  readonly details: z.input<typeof HistoryDetailsSchema>;
  readonly stateAfter: UnitStateKind;
}

/** Append one row to a unit's entry history. */
export function appendHistory(db: Db, h: HistoryInsert): void {
  db.prepare(
    `INSERT INTO count_history (code, at, user_id, username, role, action, outcome, entry, source, form_json, details_json, state_after)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    h.code,
    h.at,
    h.user.id,
    h.user.username,
    h.user.role,
    h.action,
    h.outcome,
    h.entry,
    h.source,
    h.form ? JSON.stringify(h.form) : null,
    JSON.stringify(h.details),
    h.stateAfter,
  );
}

export interface HistoryEntry {
  readonly at: string;
  readonly username: string | null;
  readonly role: string | null;
  readonly action: string;
  readonly outcome: string;
  readonly entry: number | null;
  readonly source: string | null;
  readonly details: z.output<typeof HistoryDetailsSchema>;
}

/** A unit's history from `since` on (a polling station's creation: older rows are of a deleted one), oldest first. */
export function unitHistory(db: Db, code: string, since: string): HistoryEntry[] {
  const rows = db
    .prepare('SELECT at, username, role, action, outcome, entry, source, details_json FROM count_history WHERE code = ? AND at >= ? ORDER BY id')
    .all(code, since) as {
    at: string;
    username: string | null;
    role: string | null;
    action: string;
    outcome: string;
    entry: number | null;
    source: string | null;
    details_json: string;
  }[];
  return rows.map((h) => ({
    at: h.at,
    username: h.username,
    role: h.role,
    action: h.action,
    outcome: h.outcome,
    entry: h.entry,
    source: h.source,
    details: readJson(HistoryDetailsSchema, h.details_json, `count_history.details_json (${code})`),
  }));
}

/** When the differences of a unit were last resolved (null: never). */
export function lastResolvedAt(db: Db, code: string): string | null {
  const r = db.prepare("SELECT at FROM count_history WHERE code = ? AND action = 'resolve' ORDER BY id DESC LIMIT 1").get(code) as
    | { at: string }
    | undefined;
  return r?.at ?? null;
}

// ---------------------------------------------------------------------------------------------
// imported_count_files (append-only, exact bytes)
// ---------------------------------------------------------------------------------------------

/** Keep an imported count file (the signed zip as received), in the transaction of its import. */
export function storeImportedCountFile(
  db: Db,
  f: { readonly code: string; readonly fileName: string; readonly bytes: Buffer; readonly sha256: string; readonly at: string; readonly userId: number },
): void {
  db.prepare('INSERT INTO imported_count_files (code, file_name, size, sha256, bytes, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    f.code,
    f.fileName,
    f.bytes.length,
    f.sha256,
    f.bytes,
    f.at,
    f.userId,
  );
}

/** The imported count files in the order of import (for the archive). */
export function importedCountFiles(db: Db): { file_name: string; bytes: Buffer }[] {
  return db.prepare('SELECT file_name, bytes FROM imported_count_files ORDER BY id').all() as { file_name: string; bytes: Buffer }[];
}

/** Every history row as stored, in order (the archive's invoer/steminvoer/historie.json). */
export function historyForArchive(db: Db): unknown[] {
  return db.prepare('SELECT * FROM count_history ORDER BY id').all();
}
