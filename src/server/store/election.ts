/**
 * The election store (issue 14: one store module per aggregate): every SQL statement on the imported
 * election (table election), its regions, the candidate lists file of the installation's kieskring
 * (candidate_lists_file) and its lists and candidates (affiliations, candidates). The CSB's own
 * tables (lists per kieskring, the hoofdstembureaus' keys, the lots) are in store/csb.ts.
 *
 * What every save reads (the election row, its parsed definition, the candidate lists) is cached per
 * database until one of these tables changes (src/server/db/electionCache.ts); cached values are
 * frozen. The column election.definition_json holds an ElectionDefinition (src/domain/election.ts),
 * checked by its schema here when it is written and when it is read (once per change of the row).
 *
 * Transactions stay with the caller (one user action = one transaction, with its audit record).
 */
import { z } from 'zod';
import type { Affiliation, Candidate, CandidateLists, Committee, ElectionDefinition, Gender, Region } from '../../domain/election.ts';
import type { StemgebiedCategory } from '../../domain/installation.ts';
import type { Db } from '../db/database.ts';
import { cachedElectionData, deepFreeze } from '../db/electionCache.ts';
import { readJson, writeJson } from './json.ts';

// ---------------------------------------------------------------------------------------------
// The election (election, regions)
// ---------------------------------------------------------------------------------------------

const RegionCategorySchema = z.enum(['STAAT', 'KIESKRING', 'GEMEENTE']);

const CommitteeSchema: z.ZodType<Committee> = z.object({ category: z.string(), name: z.string().nullable() });

const RegionSchema: z.ZodType<Region> = z.object({
  number: z.number().int(),
  category: RegionCategorySchema,
  name: z.string(),
  superiorNumber: z.number().int().nullable(),
  superiorCategory: RegionCategorySchema.nullable(),
  committeeCategory: z.string().nullable(),
  committeeName: z.string().nullable(),
  /** Absent in definitions imported before the committees were kept. */
  committees: z.array(CommitteeSchema).optional(),
});

/** The election's own fields of a definition (also what the API shows of it: ElectionDto in state.ts). */
export const ELECTION_FIELDS = {
  id: z.string(),
  name: z.string(),
  category: z.string(),
  subcategory: z.string(),
  electionDate: z.string(),
  nominationDate: z.string().nullable(),
  numberOfSeats: z.number().int(),
  preferenceThreshold: z.number(),
} as const;

/** What election.definition_json holds: the definition as read from the 110a. */
export const ElectionDefinitionSchema: z.ZodType<ElectionDefinition> = z.object({
  ...ELECTION_FIELDS,
  regions: z.array(RegionSchema),
});

export interface ElectionRow {
  election_id: string;
  name: string;
  category: string;
  subcategory: string;
  election_date: string;
  nomination_date: string | null;
  number_of_seats: number;
  preference_threshold: number;
  /** For a gemeente: the municipality's kieskring (its candidate lists are imported). */
  kieskring_number: number;
  kieskring_name: string;
  /**
   * 'KIESKRING': an HSB installation; 'GEMEENTE': a municipality's installation; 'STAAT': the
   * centraal stembureau (CSB; kieskring_number/kieskring_name then hold the STAAT region).
   */
  stemgebied_category: StemgebiedCategory;
  /** The municipality (GEMEENTE only; null for an HSB). */
  municipality_number: number | null;
  municipality_name: string | null;
  definition_file_name: string;
  definition_hash: string;
  definition_json: string;
  imported_at: string;
  /** 1: practice mode ("OEFENING", migration 6). */
  practice: 0 | 1;
}

/** The election row (cached until the election tables change, src/server/db/electionCache.ts; frozen). */
export function loadElection(db: Db): ElectionRow | undefined {
  return cachedElectionData(db, 'election', () => readElectionRow(db));
}

function readElectionRow(db: Db): ElectionRow | undefined {
  // The CSB is marked by election.staat (migration 8); its stemgebied_category column stays 'KIESKRING'.
  return db
    .prepare(
      `SELECT election_id, name, category, subcategory, election_date, nomination_date, number_of_seats,
              preference_threshold, kieskring_number, kieskring_name,
              CASE WHEN staat = 1 THEN 'STAAT' ELSE stemgebied_category END AS stemgebied_category, municipality_number,
              municipality_name, definition_file_name, definition_hash,
              definition_json, imported_at, practice
       FROM election WHERE id = 1`,
    )
    .get() as ElectionRow | undefined;
}

/** Parsed definitions of cached election rows (a cached row is the same object until it changes). */
const definitions = new WeakMap<ElectionRow, ElectionDefinition>();

/** The election definition of this row; parsed once per cached row (then frozen: do not change it). */
export function definitionOf(e: ElectionRow): ElectionDefinition {
  if (!Object.isFrozen(e)) return readJson(ElectionDefinitionSchema, e.definition_json, 'election.definition_json');
  let d = definitions.get(e);
  if (d === undefined) definitions.set(e, (d = deepFreeze(readJson(ElectionDefinitionSchema, e.definition_json, 'election.definition_json'))));
  return d;
}

/** Is an election imported? (Read from the table, not the cache.) */
export function electionExists(db: Db): boolean {
  return db.prepare('SELECT 1 FROM election WHERE id = 1').get() !== undefined;
}

/** Is the imported election a CSB's (stemgebied STAAT, migration 8)? */
export function isCsbElection(db: Db): boolean {
  return db.prepare('SELECT 1 FROM election WHERE id = 1 AND staat = 1').get() !== undefined;
}

/** The imported 110a as it was uploaded (for the archive). */
export function definitionFile(db: Db): { definition_file_name: string; definition_bytes: Buffer } | undefined {
  return db.prepare('SELECT definition_file_name, definition_bytes FROM election WHERE id = 1').get() as
    | { definition_file_name: string; definition_bytes: Buffer }
    | undefined;
}

/** What identifies the imported election (as rows: the documents' input snapshot compares their JSON). */
export function electionVersionRows(db: Db): { election_id: string; definition_hash: string; stemgebied_category: string; municipality_number: number | null; imported_at: string }[] {
  return db.prepare('SELECT election_id, definition_hash, stemgebied_category, municipality_number, imported_at FROM election').all() as {
    election_id: string;
    definition_hash: string;
    stemgebied_category: string;
    municipality_number: number | null;
    imported_at: string;
  }[];
}

export interface NewElection {
  readonly definition: ElectionDefinition;
  /** The kieskring of the stemgebied; for the CSB the STAAT region. */
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly stemgebiedCategory: 'KIESKRING' | 'GEMEENTE' | 'STAAT';
  readonly municipality: { readonly number: number; readonly name: string } | null;
  readonly fileName: string;
  readonly hash: string;
  readonly bytes: Buffer;
  readonly importedAt: string;
  readonly importedBy: number;
  readonly practice: boolean;
}

/** Replace the election and its regions by a newly imported definition (inside the caller's transaction). */
export function replaceElection(db: Db, n: NewElection): void {
  db.prepare('DELETE FROM regions').run();
  db.prepare('DELETE FROM election').run();
  db.prepare(
    `INSERT INTO election (id, election_id, name, category, subcategory, election_date, nomination_date,
       number_of_seats, preference_threshold, kieskring_number, kieskring_name, stemgebied_category,
       municipality_number, municipality_name, definition_file_name,
       definition_hash, definition_bytes, definition_json, imported_at, imported_by, practice)
     VALUES (1, @id, @name, @category, @subcategory, @electionDate, @nominationDate, @numberOfSeats,
       @preferenceThreshold, @kieskringNumber, @kieskringName, @stemgebiedCategory, @municipalityNumber,
       @municipalityName, @fileName, @hash, @bytes, @json, @at, @by, @practice)`,
  ).run({
    id: n.definition.id,
    name: n.definition.name,
    category: n.definition.category,
    subcategory: n.definition.subcategory,
    electionDate: n.definition.electionDate,
    nominationDate: n.definition.nominationDate,
    numberOfSeats: n.definition.numberOfSeats,
    preferenceThreshold: n.definition.preferenceThreshold,
    kieskringNumber: n.kieskring.number,
    kieskringName: n.kieskring.name,
    // The CSB is marked by election.staat (migration 8), set below.
    stemgebiedCategory: n.stemgebiedCategory === 'STAAT' ? 'KIESKRING' : n.stemgebiedCategory,
    municipalityNumber: n.municipality?.number ?? null,
    municipalityName: n.municipality?.name ?? null,
    fileName: n.fileName,
    hash: n.hash,
    bytes: n.bytes,
    json: writeJson(ElectionDefinitionSchema, n.definition, 'election.definition_json'),
    at: n.importedAt,
    by: n.importedBy,
    practice: n.practice ? 1 : 0,
  });
  if (n.stemgebiedCategory === 'STAAT') db.prepare('UPDATE election SET staat = 1 WHERE id = 1').run();
  const insert = db.prepare(
    `INSERT INTO regions (category, number, name, superior_category, superior_number, committee_category, committee_name)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const r of n.definition.regions) {
    insert.run(r.category, r.number, r.name, r.superiorCategory, r.superiorNumber, r.committeeCategory, r.committeeName);
  }
}

// ---------------------------------------------------------------------------------------------
// The candidate lists of the kieskring (candidate_lists_file, affiliations, candidates)
// ---------------------------------------------------------------------------------------------

export interface CandidateListsFileRow {
  file_name: string;
  hash: string;
  contest_id: string;
  contest_name: string;
  imported_at: string;
}

/** The imported 230b's file (cached as the election row; frozen). */
export function loadCandidateListsFile(db: Db): CandidateListsFileRow | undefined {
  return cachedElectionData(db, 'candidate_lists_file', () => readCandidateListsFile(db));
}

function readCandidateListsFile(db: Db): CandidateListsFileRow | undefined {
  return db
    .prepare('SELECT file_name, hash, contest_id, contest_name, imported_at FROM candidate_lists_file WHERE id = 1')
    .get() as CandidateListsFileRow | undefined;
}

/** The imported 230b as it was uploaded (for the archive). */
export function candidateListsFileBytes(db: Db): { file_name: string; bytes: Buffer } | undefined {
  return db.prepare('SELECT file_name, bytes FROM candidate_lists_file WHERE id = 1').get() as { file_name: string; bytes: Buffer } | undefined;
}

/** What identifies the imported 230b (as rows: the documents' input snapshot compares their JSON). */
export function candidateListsVersionRows(db: Db): { hash: string; imported_at: string }[] {
  return db.prepare('SELECT hash, imported_at FROM candidate_lists_file').all() as { hash: string; imported_at: string }[];
}

/** How many lists and candidates are stored. */
export function listAndCandidateCounts(db: Db): { lists: number; candidates: number } {
  return db
    .prepare('SELECT (SELECT COUNT(*) FROM affiliations) AS lists, (SELECT COUNT(*) FROM candidates) AS candidates')
    .get() as { lists: number; candidates: number };
}

export interface NewCandidateLists {
  readonly lists: CandidateLists;
  readonly fileName: string;
  readonly hash: string;
  readonly bytes: Buffer;
  readonly importedAt: string;
  readonly importedBy: number;
}

/** Replace the candidate lists file, its lists and their candidates (inside the caller's transaction). */
export function replaceCandidateLists(db: Db, n: NewCandidateLists): void {
  db.prepare('DELETE FROM candidates').run();
  db.prepare('DELETE FROM affiliations').run();
  db.prepare('DELETE FROM candidate_lists_file').run();
  db.prepare(
    `INSERT INTO candidate_lists_file (id, file_name, hash, bytes, contest_id, contest_name, imported_at, imported_by)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(n.fileName, n.hash, n.bytes, n.lists.contestId, n.lists.contestName, n.importedAt, n.importedBy);
  const insA = db.prepare('INSERT INTO affiliations (list_number, name, type, publish_gender, belongs_to_set) VALUES (?, ?, ?, ?, ?)');
  const insC = db.prepare(
    `INSERT INTO candidates (list_number, position, initials, first_name, prefix, last_name, gender, locality)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const a of n.lists.affiliations) {
    insA.run(a.listNumber, a.registeredName, a.type, a.publishGender ? 1 : 0, a.belongsToSet);
    for (const c of a.candidates) {
      insC.run(a.listNumber, c.position, c.initials, c.firstName, c.prefix, c.lastName, c.gender, c.locality);
    }
  }
}

/** A row of the affiliations table. */
export interface AffiliationRow {
  list_number: number;
  name: string;
  type: string;
  publish_gender: 0 | 1;
  belongs_to_set: number | null;
}

/** A row of the candidates table. */
export interface CandidateRow {
  list_number: number;
  position: number;
  initials: string;
  first_name: string | null;
  prefix: string | null;
  last_name: string;
  /** As read from the 230b (src/domain/election.ts Gender). */
  gender: Gender;
  locality: string | null;
}

/** A stored candidate in the domain's shape. */
export function candidateOfRow(c: CandidateRow): Candidate {
  return {
    position: c.position,
    initials: c.initials,
    firstName: c.first_name,
    prefix: c.prefix,
    lastName: c.last_name,
    gender: c.gender ?? null,
    locality: c.locality,
  };
}

/** A list with its number of candidates. */
export interface ListSummaryRow {
  list_number: number;
  name: string;
  type: string;
  publish_gender: 0 | 1;
  candidates: number;
}

/** Every list with its number of candidates, by list number. */
export function listSummaries(db: Db): ListSummaryRow[] {
  return db
    .prepare(
      `SELECT a.list_number, a.name, a.type, a.publish_gender, COUNT(c.position) AS candidates
       FROM affiliations a LEFT JOIN candidates c ON c.list_number = a.list_number
       GROUP BY a.list_number ORDER BY a.list_number`,
    )
    .all() as ListSummaryRow[];
}

/** One list, or undefined. */
export function affiliationRow(db: Db, listNumber: number): AffiliationRow | undefined {
  return db.prepare('SELECT * FROM affiliations WHERE list_number = ?').get(listNumber) as AffiliationRow | undefined;
}

/** The candidates of one list, by position. */
export function candidateRowsOfList(db: Db, listNumber: number): CandidateRow[] {
  return db.prepare('SELECT * FROM candidates WHERE list_number = ? ORDER BY position').all(listNumber) as CandidateRow[];
}

/**
 * The candidate lists as stored (lists by number, candidates by position), in the shape the form needs.
 * Cached until the candidate tables change (src/server/db/electionCache.ts); frozen: do not change it.
 */
export function storedLists(db: Db): { affiliations: Affiliation[] } {
  return cachedElectionData(db, 'lists', () => readStoredLists(db));
}

function readStoredLists(db: Db): { affiliations: Affiliation[] } {
  const lists = db
    .prepare('SELECT list_number, name, type, publish_gender, belongs_to_set FROM affiliations ORDER BY list_number')
    .all() as AffiliationRow[];
  const cands = db
    .prepare('SELECT list_number, position, initials, first_name, prefix, last_name, gender, locality FROM candidates ORDER BY list_number, position')
    .all() as CandidateRow[];
  const byList = new Map<number, Candidate[]>();
  for (const c of cands) {
    let arr = byList.get(c.list_number);
    if (!arr) byList.set(c.list_number, (arr = []));
    arr.push(candidateOfRow(c));
  }
  return {
    affiliations: lists.map((l) => ({
      listNumber: l.list_number,
      registeredName: l.name,
      type: l.type,
      publishGender: l.publish_gender === 1,
      belongsToSet: l.belongs_to_set,
      candidates: byList.get(l.list_number) ?? [],
    })),
  };
}
