/**
 * The installation and who may use it: the instance row (created at first start, holds the phase of
 * the election process), users, sessions and the password throttle (issue 14: every SQL statement on
 * these tables lives here; see store/json.ts).
 *
 * The functions run single statements; the transaction around one user action, with its audit
 * record, stays with the caller (house rule 3). Rows are returned typed; what the columns may hold is
 * enforced by the CHECK constraints of src/server/db/migrations.ts.
 */
import type { Role } from '../../domain/permissions.ts';
import type { Phase } from '../../domain/phases.ts';
import type { Db } from '../db/database.ts';

// ---- instance ----

/** Is the installation initialised (its instance row made at first start)? */
export function instanceExists(db: Db): boolean {
  return db.prepare('SELECT 1 FROM instance WHERE id = 1').get() !== undefined;
}

/** The instance row of a new installation, in phase 1. */
export function insertInstance(db: Db, createdAt: string): void {
  db.prepare('INSERT INTO instance (id, created_at, phase) VALUES (1, ?, 1)').run(createdAt);
}

/** The stored phase of the election process (undefined before the first start's initialisation). */
export function storedPhase(db: Db): Phase | undefined {
  return (db.prepare('SELECT phase FROM instance WHERE id = 1').get() as { phase: Phase } | undefined)?.phase;
}

export function setPhase(db: Db, phase: Phase): void {
  db.prepare('UPDATE instance SET phase = ? WHERE id = 1').run(phase);
}

// ---- users ----

export interface UserRow {
  id: number;
  username: string;
  full_name: string;
  role: Role;
  password_hash: string;
  must_change_password: number;
  disabled: number;
  created_at: string;
}

export function getUser(db: Db, id: number): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
}

/** The user with this name (names compare without regard to case). */
export function getUserByName(db: Db, username: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
}

export function usernameTaken(db: Db, username: string): boolean {
  return db.prepare('SELECT 1 FROM users WHERE username = ?').get(username) !== undefined;
}

/** Every user, by name. */
export function listUsers(db: Db): UserRow[] {
  return db.prepare('SELECT * FROM users ORDER BY username COLLATE NOCASE').all() as UserRow[];
}

/** A user's id, name and full name (for who did what in lists). */
export interface UserNameRow {
  id: number;
  username: string;
  full_name: string;
}

export function userNames(db: Db): UserNameRow[] {
  return db.prepare('SELECT id, username, full_name FROM users').all() as UserNameRow[];
}

/** A new, enabled user that must change the password at the first login; returns its id. */
export function insertUser(
  db: Db,
  user: { readonly username: string; readonly fullName: string; readonly role: Role; readonly passwordHash: string; readonly createdAt: string },
): number {
  const info = db
    .prepare(
      `INSERT INTO users (username, full_name, role, password_hash, must_change_password, disabled, created_at)
       VALUES (?, ?, ?, ?, 1, 0, ?)`,
    )
    .run(user.username, user.fullName, user.role, user.passwordHash, user.createdAt);
  return Number(info.lastInsertRowid);
}

export function countActiveAdmins(db: Db): number {
  return (db.prepare(`SELECT COUNT(*) AS n FROM users WHERE role = 'beheerder' AND disabled = 0`).get() as { n: number }).n;
}

export function setUserDisabled(db: Db, id: number, disabled: boolean): void {
  if (disabled) db.prepare('UPDATE users SET disabled = 1 WHERE id = ?').run(id);
  else db.prepare('UPDATE users SET disabled = 0 WHERE id = ?').run(id);
}

/** A new password hash; `mustChange`: an initial password, to be changed at the next login. */
export function setPasswordHash(db: Db, id: number, hash: string, mustChange: boolean): void {
  if (mustChange) db.prepare('UPDATE users SET password_hash = ?, must_change_password = 1 WHERE id = ?').run(hash, id);
  else db.prepare('UPDATE users SET password_hash = ?, must_change_password = 0 WHERE id = ?').run(hash, id);
}

// ---- sessions (only the SHA-256 of a session token is stored) ----

/** A session with its user's row. */
export interface SessionRow extends UserRow {
  token_hash: string;
  /** The session's creation time (`created_at` is the user's). */
  s_created: string;
  last_seen_at: string;
}

export function insertSession(db: Db, tokenHash: string, userId: number, at: string): void {
  db.prepare('INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)').run(tokenHash, userId, at, at);
}

export function getSession(db: Db, tokenHash: string): SessionRow | undefined {
  return db
    .prepare(
      `SELECT s.token_hash, s.created_at AS s_created, s.last_seen_at, u.*
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
    )
    .get(tokenHash) as SessionRow | undefined;
}

export function setSessionLastSeen(db: Db, tokenHash: string, at: string): void {
  db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(at, tokenHash);
}

export function deleteSession(db: Db, tokenHash: string): void {
  db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
}

/** End every session of this user. */
export function deleteUserSessions(db: Db, userId: number): void {
  db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
}

/** End this user's sessions but the one with `keepTokenHash`. */
export function deleteOtherSessionsOfUser(db: Db, userId: number, keepTokenHash: string): void {
  db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?').run(userId, keepTokenHash);
}

/** End the sessions of every user but this one (-1: everybody's). */
export function deleteSessionsExceptUser(db: Db, userId: number): void {
  db.prepare('DELETE FROM sessions WHERE user_id <> ?').run(userId);
}

// ---- login_throttle (keys 'user:<name>' and 'addr:<address>'; see sessions.ts) ----

export interface ThrottleRow {
  key: string;
  failures: number;
  last_failure_at: string;
}

export function getThrottle(db: Db, key: string): ThrottleRow | undefined {
  return db.prepare('SELECT * FROM login_throttle WHERE key = ?').get(key) as ThrottleRow | undefined;
}

export function putThrottle(db: Db, key: string, failures: number, lastFailureAt: string): void {
  db.prepare(
    `INSERT INTO login_throttle (key, failures, last_failure_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at`,
  ).run(key, failures, lastFailureAt);
}

export function deleteThrottle(db: Db, key: string): void {
  db.prepare('DELETE FROM login_throttle WHERE key = ?').run(key);
}

/** Take one counted failure back (never below 0). */
export function releaseThrottleFailure(db: Db, key: string): void {
  db.prepare('UPDATE login_throttle SET failures = MAX(failures - 1, 0) WHERE key = ?').run(key);
}
