/**
 * Staged uploads (`uploads`): a file a user uploaded and previewed, kept with an expiry until the
 * user confirms it (typing the hidden groups of its hash code, or confirming a key). Issue 14: every
 * SQL statement on the table lives here (see store/json.ts); src/server/uploads.ts is the service
 * the routes call. (`uploads_csb` exists only inside migration 8, which rebuilt `uploads` through it.)
 *
 * What an upload's `context_json` holds depends on its kind: `UPLOAD_CONTEXTS` is the one place
 * that says it, for writing (`insertUpload`) and reading (`getUpload` returns it parsed).
 */
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { readJson, writeJson } from './json.ts';

/** The two hash-code groups (0-based) hidden in the preview, to be typed from the published code. */
const HiddenGroups = z.tuple([z.number().int(), z.number().int()]);

/** Per kind of upload: what its context holds. */
export const UPLOAD_CONTEXTS = {
  definition: z.object({}),
  /** `csbKieskring`: staged by the CSB, for the candidate lists of that kieskring. */
  candidate_lists: z.object({ hiddenGroups: HiddenGroups, csbKieskring: z.number().int().optional() }),
  /** The municipality (4-digit code) whose key it is. */
  municipality_key: z.object({ code: z.string() }),
  /** Allowed by the table; not staged now (the CSB's import of a hoofdstembureau's key uploads it again). */
  hsb_key: z.object({}),
  /** `code`: the kieskring's count unit code ('HSB<n>'). */
  kieskring_count: z.object({ hiddenGroups: HiddenGroups, code: z.string() }),
} as const satisfies Record<string, z.ZodType>;

export type UploadKind = keyof typeof UPLOAD_CONTEXTS;
export type UploadContext<K extends UploadKind> = z.output<(typeof UPLOAD_CONTEXTS)[K]>;

/** A staged upload, its context parsed. */
export interface UploadRow<K extends UploadKind = UploadKind> {
  id: string;
  kind: K;
  user_id: number;
  file_name: string;
  bytes: Buffer;
  /** SHA-256 (hex) of the file, as its hash code. */
  hash: string;
  context: UploadContext<K>;
  created_at: string;
  expires_at: string;
}

interface StoredUploadRow extends Omit<UploadRow, 'context'> {
  context_json: string;
}

/** Remove the uploads that expired before `now` (ISO); returns how many. */
export function deleteExpiredUploads(db: Db, now: string): number {
  return db.prepare('DELETE FROM uploads WHERE expires_at < ?').run(now).changes;
}

/** Keep only this user's `keep` newest uploads. */
export function keepNewestUploadsOfUser(db: Db, userId: number, keep: number): void {
  db.prepare(
    `DELETE FROM uploads WHERE user_id = ? AND id NOT IN
       (SELECT id FROM uploads WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)`,
  ).run(userId, userId, keep);
}

export function insertUpload<K extends UploadKind>(
  db: Db,
  u: {
    readonly id: string;
    readonly kind: K;
    readonly userId: number;
    readonly fileName: string;
    readonly bytes: Buffer;
    readonly hash: string;
    readonly context: UploadContext<K>;
    readonly createdAt: string;
    readonly expiresAt: string;
  },
): void {
  const contextJson = writeJson(UPLOAD_CONTEXTS[u.kind], u.context, 'uploads.context_json');
  db.prepare(
    `INSERT INTO uploads (id, kind, user_id, file_name, bytes, hash, context_json, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(u.id, u.kind, u.userId, u.fileName, u.bytes, u.hash, contextJson, u.createdAt, u.expiresAt);
}

/** This user's staged upload of this kind (also when expired; the caller purges first). */
export function getUpload<K extends UploadKind>(db: Db, id: string, kind: K, userId: number): UploadRow<K> | undefined {
  const row = db.prepare('SELECT * FROM uploads WHERE id = ? AND kind = ? AND user_id = ?').get(id, kind, userId) as
    | StoredUploadRow
    | undefined;
  if (row === undefined) return undefined;
  const { context_json, ...rest } = row;
  // Parsed by the kind's schema; TypeScript cannot follow a schema picked by a generic key.
  const context = readJson(UPLOAD_CONTEXTS[kind], context_json, 'uploads.context_json') as UploadContext<K>;
  return { ...rest, kind, context };
}

/** Remove a staged upload; false when it was not (or no longer) there. */
export function deleteUpload(db: Db, id: string): boolean {
  return db.prepare('DELETE FROM uploads WHERE id = ?').run(id).changes > 0;
}

/** The files of every user's municipality keys staged and not expired at `now` (ISO). */
export function stagedMunicipalityKeyFiles(db: Db, now: string): Buffer[] {
  return db.prepare("SELECT bytes FROM uploads WHERE kind = 'municipality_key' AND expires_at >= ?").pluck().all(now) as Buffer[];
}
