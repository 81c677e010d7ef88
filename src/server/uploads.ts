import { z } from 'zod';
import type { AuditAction } from '../domain/auditActions.ts';
import { confirmHiddenGroups } from '../domain/hashcode.ts';
import { writeAudit } from './audit.ts';
import type { AppContext } from './context.ts';
import { ApiError, type SessionUser, type UploadedFile } from './http.ts';
import { actorOf } from './state.ts';
import {
  deleteExpiredUploads,
  deleteUpload as deleteUploadRow,
  getUpload,
  insertUpload,
  keepNewestUploadsOfUser,
  type UploadContext,
  type UploadKind,
  type UploadRow,
} from './store/uploads.ts';

/**
 * Staged files per user: a further upload removes that user's oldest ones, so repeated uploads
 * cannot fill the disk (issue 9, defect 2). Enough for a definition, candidate lists and a key
 * previewed side by side.
 */
export const MAX_STAGED_UPLOADS_PER_USER = 3;

/** Remove every expired staged upload (on every upload and look-up, at start and periodically). */
export function purgeExpiredUploads(ctx: Pick<AppContext, 'db'>, now: Date): number {
  return deleteExpiredUploads(ctx.db, now.toISOString());
}

/**
 * The answer part of a staged upload whose hash code the user confirms: the upload's id, the file
 * name and the hash code with two groups hidden (0-based), to be typed from the published code.
 */
export const StagedHashDto = z.object({
  uploadId: z.string(),
  fileName: z.string(),
  maskedHash: z.string(),
  hiddenGroups: z.tuple([z.number().int(), z.number().int()]),
});

/** Stage an uploaded file (server-side, with an expiry) until the user confirms it. */
export function stageUpload<K extends UploadKind>(
  ctx: AppContext,
  kind: K,
  user: SessionUser,
  file: UploadedFile,
  hash: string,
  context: UploadContext<K>,
  now: Date,
): string {
  const id = ctx.random.randomBytes(16).toString('hex');
  const expires = new Date(now.getTime() + ctx.config.uploadTtlSeconds * 1000);
  ctx.db.transaction(() => {
    purgeExpiredUploads(ctx, now);
    keepNewestUploadsOfUser(ctx.db, user.id, MAX_STAGED_UPLOADS_PER_USER - 1);
    insertUpload(ctx.db, {
      id,
      kind,
      userId: user.id,
      fileName: file.fileName,
      bytes: file.bytes,
      hash,
      context,
      createdAt: now.toISOString(),
      expiresAt: expires.toISOString(),
    });
  })();
  return id;
}

/** The refusal of an upload that is not (or no longer) staged. */
const uploadGone = (): ApiError => new ApiError(404, 'upload.not_found', 'Het geüploade bestand is niet (meer) beschikbaar. Upload het bestand opnieuw.');

/** The staged upload of this user and kind (its context parsed), or 404. */
export function findUpload<K extends UploadKind>(ctx: AppContext, id: string, kind: K, user: SessionUser, now: Date): UploadRow<K> {
  purgeExpiredUploads(ctx, now);
  const row = getUpload(ctx.db, id, kind, user.id);
  if (!row || row.expires_at < now.toISOString()) throw uploadGone();
  return row;
}

export function deleteUpload(ctx: AppContext, id: string): void {
  deleteUploadRow(ctx.db, id);
}

/**
 * Within a confirm's transaction: remove the staged upload it imports, refusing (404, as `findUpload`,
 * which rolls the transaction back) when it is already gone. A confirm that waits for the file to be
 * read (in the election-file worker) lets other requests run meanwhile: of two confirms of one upload
 * at once (a double click), only the first imports the file and writes its audit record.
 */
export function takeUpload(ctx: AppContext, id: string): void {
  if (!deleteUploadRow(ctx.db, id)) throw uploadGone();
}

/**
 * Confirm a staged upload's hash code by the two hidden groups the user typed from the published
 * code. A malformed group is refused (400); wrong groups discard the upload (a new attempt gets fresh
 * hidden groups) and record the attempt in the audit log as `mismatch.action`, with its details and
 * the hidden groups (1-based), before refusing (422).
 */
export function confirmUploadHash(
  ctx: AppContext,
  upload: UploadRow,
  hiddenGroups: readonly number[],
  typed: readonly string[],
  mismatch: { readonly user: SessionUser; readonly action: AuditAction; readonly details: Record<string, unknown> },
  now: Date,
): void {
  const check = confirmHiddenGroups(upload.hash, hiddenGroups, typed);
  if (check.ok) return;
  if (check.code === 'hash.format') throw ApiError.from(400, check);
  ctx.db.transaction(() => {
    deleteUpload(ctx, upload.id);
    writeAudit(ctx.db, now, actorOf(mismatch.user), mismatch.action, { ...mismatch.details, hiddenGroups: hiddenGroups.map((i) => i + 1) });
  })();
  throw ApiError.from(422, check);
}
