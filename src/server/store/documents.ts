/**
 * The documents' store (issue 14: one store per aggregate): every SQL statement on `pv_details` (the
 * PV's free text), `document_sets` and `documents` (the stored files of phase 3: an HSB's, a
 * gemeente's or the CSB's set). Stored files never change and a set is only ever voided (table
 * triggers, migrations 3 and 5); storing a set is one transaction, which its caller holds together
 * with the set's `documents.create` audit record (src/server/documents.ts, routes/csb.ts).
 *
 * `pv_details.details_json` holds `PvDetails`, declared here by its schema: the same schema checks
 * the PUT /api/pv-details body, so what is stored is what the API accepted.
 */
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import type { DocumentKind } from '../documents.ts';
import { freeText } from '../http.ts';
import { readJson } from './json.ts';

// ---------------------------------------------------------------------------------------------
// pv_details: the free-text parts of the PV ("Gegevens proces-verbaal")
// ---------------------------------------------------------------------------------------------

const Text = freeText;

export const PvDetailsSchema = z
  .object({
    session: z.object({ place: Text('Plaats', 200), date: Text('Datum', 100), time: Text('Tijd', 100) }).strict(),
    members: z
      .array(z.object({ name: Text('Naam van het lid', 200).trim().min(1, { error: 'Vul de naam van het lid in.' }), role: Text('Functie', 100) }).strict())
      .max(30, { error: 'Maximaal 30 leden.' }),
    /** null or blank: no objections; otherwise the appendix text. */
    objections: Text('Bezwaren', 20_000, { multiline: true }).nullable(),
    remarks: Text('Opmerkingen', 20_000, { multiline: true }).nullable(),
  })
  .strict();
export type PvDetails = z.output<typeof PvDetailsSchema>;

/**
 * What pv_details.details_json holds: the shape of `PvDetails`, not the rules of typing it. Text saved
 * under an earlier version's rules (the free-text rule came later) is still read; a change of the rules
 * never makes a stored PV unreadable at the moment the documents are made.
 */
const StoredPvDetails: z.ZodType<PvDetails> = z.object({
  session: z.object({ place: z.string(), date: z.string(), time: z.string() }),
  members: z.array(z.object({ name: z.string(), role: z.string() })),
  objections: z.string().nullable(),
  remarks: z.string().nullable(),
});

/** The stored free text, or undefined before it was first saved. */
export function readPvDetails(db: Db): { details: PvDetails; updatedAt: string } | undefined {
  const row = db.prepare('SELECT details_json, updated_at FROM pv_details WHERE id = 1').get() as { details_json: string; updated_at: string } | undefined;
  return row ? { details: readJson(StoredPvDetails, row.details_json, 'pv_details.details_json'), updatedAt: row.updated_at } : undefined;
}

export function savePvDetails(db: Db, details: PvDetails, at: Date, userId: number): void {
  db.prepare(
    `INSERT INTO pv_details (id, details_json, updated_at, updated_by) VALUES (1, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET details_json = excluded.details_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  ).run(JSON.stringify(details), at.toISOString(), userId);
}

/** The stored free text as it is (a document set's snapshot of its inputs compares these). */
export function pvDetailsVersion(db: Db): string {
  return JSON.stringify(db.prepare('SELECT details_json FROM pv_details').all());
}

// ---------------------------------------------------------------------------------------------
// document_sets and documents
// ---------------------------------------------------------------------------------------------

export interface DocumentSetRow {
  id: number;
  created_at: string;
  created_by: number | null;
  creation_datetime: string;
  eml_hash: string;
  voided_at: string | null;
  voided_audit_id: number | null;
}

/** A stored file without its bytes. */
export interface DocumentRow {
  id: number;
  set_id: number;
  kind: DocumentKind;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  created_at: string;
}

/** A stored file with its bytes and whether its set is void. */
export interface StoredDocument extends DocumentRow {
  bytes: Buffer;
  voided_at: string | null;
}

/** A set to store: who made it when, its creation time as written in the files, the count file's hash. */
export interface NewDocumentSet {
  readonly createdAt: Date;
  readonly createdBy: number;
  readonly creationDateTime: string;
  readonly emlHash: string;
}

export interface NewDocument {
  readonly kind: DocumentKind;
  readonly fileName: string;
  readonly contentType: string;
  readonly bytes: Buffer;
  /** SHA-256 of the bytes (hex). */
  readonly sha256: string;
}

/** The valid set (at most one), or undefined. */
export function validDocumentSet(db: Db): DocumentSetRow | undefined {
  return db.prepare('SELECT * FROM document_sets WHERE voided_at IS NULL').get() as DocumentSetRow | undefined;
}

/** Store a set and its files (inside the caller's transaction, with its audit record); the set's id. */
export function insertDocumentSet(db: Db, set: NewDocumentSet, files: readonly NewDocument[]): number {
  const at = set.createdAt.toISOString();
  const setId = Number(
    db
      .prepare('INSERT INTO document_sets (created_at, created_by, creation_datetime, eml_hash) VALUES (?, ?, ?, ?)')
      .run(at, set.createdBy, set.creationDateTime, set.emlHash).lastInsertRowid,
  );
  const insert = db.prepare('INSERT INTO documents (set_id, kind, file_name, content_type, size, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const f of files) insert.run(setId, f.kind, f.fileName, f.contentType, f.bytes.length, f.sha256, f.bytes, at);
  return setId;
}

/** Every set, newest first. */
export function documentSets(db: Db): DocumentSetRow[] {
  return db.prepare('SELECT * FROM document_sets ORDER BY id DESC').all() as DocumentSetRow[];
}

/** Every stored file without its bytes, by set (newest first) and in the order stored. */
export function documentRows(db: Db): DocumentRow[] {
  return db.prepare('SELECT id, set_id, kind, file_name, content_type, size, sha256, created_at FROM documents ORDER BY set_id DESC, id').all() as DocumentRow[];
}

/** The files of one set, in the order stored. */
export function documentsOfSet(db: Db, setId: number): Pick<DocumentRow, 'id' | 'kind' | 'file_name'>[] {
  return db.prepare('SELECT id, kind, file_name FROM documents WHERE set_id = ? ORDER BY id').all(setId) as Pick<DocumentRow, 'id' | 'kind' | 'file_name'>[];
}

/** The id of a set's file of one kind, or undefined. */
export function documentIdOfKind(db: Db, setId: number, kind: DocumentKind): number | undefined {
  return (db.prepare('SELECT id FROM documents WHERE set_id = ? AND kind = ?').get(setId, kind) as { id: number } | undefined)?.id;
}

export function storedDocument(db: Db, id: number): StoredDocument | undefined {
  return db
    .prepare(
      `SELECT d.id, d.set_id, d.kind, d.file_name, d.content_type, d.size, d.sha256, d.created_at, d.bytes, s.voided_at
       FROM documents d JOIN document_sets s ON s.id = d.set_id WHERE d.id = ?`,
    )
    .get(id) as StoredDocument | undefined;
}

/** Every stored file with its bytes and stored hash, in the order stored (the integrity check). */
export function documentsForIntegrity(db: Db): Iterable<Pick<StoredDocument, 'id' | 'set_id' | 'kind' | 'file_name' | 'sha256' | 'bytes'>> {
  return db.prepare('SELECT id, set_id, kind, file_name, sha256, bytes FROM documents ORDER BY id').iterate() as Iterable<
    Pick<StoredDocument, 'id' | 'set_id' | 'kind' | 'file_name' | 'sha256' | 'bytes'>
  >;
}

/** Every stored file with its bytes and whether its set is void, by set and in the order stored (the archive). */
export function documentFilesForArchive(db: Db): Pick<StoredDocument, 'set_id' | 'file_name' | 'bytes' | 'voided_at'>[] {
  return db
    .prepare('SELECT d.set_id, d.file_name, d.bytes, s.voided_at FROM documents d JOIN document_sets s ON s.id = d.set_id ORDER BY d.set_id, d.id')
    .all() as Pick<StoredDocument, 'set_id' | 'file_name' | 'bytes' | 'voided_at'>[];
}
