import type { AppContext } from './context.ts';
import { ApiError, type SessionUser, type UploadedFile } from './http.ts';

export type UploadKind = 'definition' | 'candidate_lists' | 'municipality_key';

export interface UploadRow {
  id: string;
  kind: UploadKind;
  user_id: number;
  file_name: string;
  bytes: Buffer;
  hash: string;
  context_json: string;
  created_at: string;
  expires_at: string;
}

/** Stage an uploaded file (server-side, with an expiry) until the user confirms it. */
export function stageUpload(
  ctx: AppContext,
  kind: UploadKind,
  user: SessionUser,
  file: UploadedFile,
  hash: string,
  context: Record<string, unknown>,
  now: Date,
): string {
  const id = ctx.random.randomBytes(16).toString('hex');
  const expires = new Date(now.getTime() + ctx.config.uploadTtlSeconds * 1000);
  ctx.db.transaction(() => {
    ctx.db.prepare('DELETE FROM uploads WHERE expires_at < ?').run(now.toISOString());
    ctx.db
      .prepare(
        `INSERT INTO uploads (id, kind, user_id, file_name, bytes, hash, context_json, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, kind, user.id, file.fileName, file.bytes, hash, JSON.stringify(context), now.toISOString(), expires.toISOString());
  })();
  return id;
}

/** The staged upload of this user and kind, or 404. */
export function findUpload(ctx: AppContext, id: string, kind: UploadKind, user: SessionUser, now: Date): UploadRow {
  const row = ctx.db.prepare('SELECT * FROM uploads WHERE id = ? AND kind = ? AND user_id = ?').get(id, kind, user.id) as
    | UploadRow
    | undefined;
  if (!row || row.expires_at < now.toISOString()) {
    throw new ApiError(404, 'upload.not_found', 'Het geüploade bestand is niet (meer) beschikbaar. Upload het bestand opnieuw.');
  }
  return row;
}

export function deleteUpload(ctx: AppContext, id: string): void {
  ctx.db.prepare('DELETE FROM uploads WHERE id = ?').run(id);
}
