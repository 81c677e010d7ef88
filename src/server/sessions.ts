import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ROLES, type Role } from '../domain/permissions.ts';
import type { AppContext } from './context.ts';
import type { SessionUser } from './http.ts';
import {
  deleteSession,
  deleteThrottle,
  getSession,
  getThrottle,
  getUser as getUserRow,
  insertSession,
  putThrottle,
  releaseThrottleFailure,
  setSessionLastSeen,
  type ThrottleRow,
  type UserRow,
} from './store/users.ts';

export const SESSION_COOKIE = 'uitslag_sessie';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A user as the API shows it (never the password hash). */
export const UserDto = z.object({
  id: z.number().int(),
  username: z.string(),
  fullName: z.string(),
  role: z.enum(ROLES),
  mustChangePassword: z.boolean(),
  disabled: z.boolean(),
});
export type UserDto = z.output<typeof UserDto>;

export function userDto(row: UserRow | SessionUser): UserDto {
  if ('full_name' in row) {
    return {
      id: row.id,
      username: row.username,
      fullName: row.full_name,
      role: row.role,
      mustChangePassword: row.must_change_password === 1,
      disabled: row.disabled === 1,
    };
  }
  return {
    id: row.id,
    username: row.username,
    fullName: row.fullName,
    role: row.role,
    mustChangePassword: row.mustChangePassword,
    disabled: row.disabled,
  };
}

export function getUser(ctx: AppContext, id: number): UserRow | undefined {
  return getUserRow(ctx.db, id);
}

/** Create a session; returns the token for the cookie (only its SHA-256 is stored). */
export function createSession(ctx: AppContext, userId: number, now: Date): string {
  const token = ctx.random.randomBytes(32).toString('base64url');
  insertSession(ctx.db, sha256Hex(token), userId, now.toISOString());
  return token;
}

export type SessionLookup =
  | { readonly kind: 'none' }
  | { readonly kind: 'expired' }
  | { readonly kind: 'ok'; readonly user: SessionUser };

export interface LookupOptions {
  /**
   * True when this request, made by a user of this role, may outlive the absolute session lifetime:
   * the read-only user's projector screen for the public session "does not expire" (its polls
   * also keep the idle timer alive). Any other request of that session still ends it after 12 h.
   */
  readonly exemptFromMaxAge?: (role: Role) => boolean;
}

/** Find the session for a cookie value; expired sessions and those of disabled users are deleted. */
export function lookupSession(ctx: AppContext, token: string | undefined, now: Date, opts: LookupOptions = {}): SessionLookup {
  if (!token || token.length > 200) return { kind: 'none' };
  const hash = sha256Hex(token);
  const row = getSession(ctx.db, hash);
  const seen = lastSeen(ctx);
  if (!row) {
    seen.delete(hash);
    return { kind: 'none' };
  }
  // The last request's time: in memory when it is newer than the stored one (touchSession).
  const mem = seen.get(hash)?.at;
  const lastSeenAt = mem !== undefined && Date.parse(mem) > Date.parse(row.last_seen_at) ? mem : row.last_seen_at;
  const idle = (now.getTime() - Date.parse(lastSeenAt)) / 1000;
  const age = (now.getTime() - Date.parse(row.s_created)) / 1000;
  const tooOld = age > ctx.config.maxSessionSeconds && !(opts.exemptFromMaxAge?.(row.role) ?? false);
  if (row.disabled === 1 || idle > ctx.config.idleTimeoutSeconds || tooOld) {
    deleteSession(ctx.db, hash);
    seen.delete(hash);
    return { kind: 'expired' };
  }
  return {
    kind: 'ok',
    user: {
      ...userDto(row),
      sessionHash: hash,
      sessionCreatedAt: row.s_created,
      lastSeenAt,
    },
  };
}

/**
 * The stored last-seen time is written at most this often per session; in between it is kept in
 * memory (lookupSession uses the newer of the two). A write is a commit with an fsync, which every
 * request paid before a save's own (issue 13). After a crash a session can be up to this much older
 * than it was: it expires that much sooner, never later.
 */
export const LAST_SEEN_WRITE_SECONDS = 30;

/** Per database: session hash → the last request's time and when it was last written. */
const lastSeenByDb = new WeakMap<AppContext['db'], Map<string, { at: string; writtenMs: number }>>();

function lastSeen(ctx: AppContext): Map<string, { at: string; writtenMs: number }> {
  let m = lastSeenByDb.get(ctx.db);
  if (m === undefined) lastSeenByDb.set(ctx.db, (m = new Map()));
  return m;
}

export function touchSession(ctx: AppContext, sessionHash: string, now: Date): void {
  const seen = lastSeen(ctx);
  const entry = seen.get(sessionHash);
  const at = now.toISOString();
  if (entry !== undefined && now.getTime() >= entry.writtenMs && now.getTime() - entry.writtenMs < LAST_SEEN_WRITE_SECONDS * 1000) {
    if (Date.parse(at) > Date.parse(entry.at)) entry.at = at;
    return;
  }
  setSessionLastSeen(ctx.db, sessionHash, at);
  if (seen.size >= 10_000) seen.clear(); // the stored times stay; only the unwritten newer ones are forgotten
  seen.set(sessionHash, { at, writtenMs: now.getTime() });
}

export function idleSecondsLeft(ctx: AppContext, lastSeenAt: string, createdAt: string, now: Date): number {
  const idleLeft = ctx.config.idleTimeoutSeconds - (now.getTime() - Date.parse(lastSeenAt)) / 1000;
  const absLeft = ctx.config.maxSessionSeconds - (now.getTime() - Date.parse(createdAt)) / 1000;
  return Math.max(0, Math.floor(Math.min(idleLeft, absLeft)));
}

// ---- password throttling (per user name and per remote address) ----
//
// Every check of a password (login, POST /api/password, the destroy confirmation) goes through
// `reserveAttempt` BEFORE the scrypt await: in one synchronous transaction it refuses while a key is
// throttled, and otherwise counts the attempt as a failure in advance. Parallel attempts therefore
// see each other's reservations (a burst of 30 gets 4 through, not 30). A correct password then
// undoes its reservation (`attemptSucceeded`). "After n failures" means: the (n+1)-th attempt waits.

export function userThrottleKey(username: string): string {
  return `user:${username.trim().toLowerCase()}`;
}

export function addressThrottleKey(address: string): string {
  return `addr:${address}`;
}

/** Seconds to wait after `failures` failures for this key ('user:…' or 'addr:…'; 0 = none). */
export function throttleWait(ctx: AppContext, key: string, failures: number): number {
  const { throttleBaseSeconds: base, throttleMaxSeconds: max } = ctx.config;
  const free = key.startsWith('addr:') ? ctx.config.throttleFreeFailuresPerAddress : ctx.config.throttleFreeFailures;
  if (failures < free) return 0;
  return Math.min(max, base * 2 ** Math.min(failures - free, 30));
}

function throttleRow(ctx: AppContext, key: string): ThrottleRow | undefined {
  return getThrottle(ctx.db, key);
}

/** Seconds the caller must still wait for this key (0 = may try). */
export function throttleRemaining(ctx: AppContext, key: string, now: Date): number {
  const row = throttleRow(ctx, key);
  if (!row) return 0;
  const wait = throttleWait(ctx, key, row.failures);
  if (wait <= 0) return 0;
  // A last failure "in the future" (the clock was set back) never makes the wait longer than `wait`.
  const since = Math.max(0, (now.getTime() - Date.parse(row.last_failure_at)) / 1000);
  return Math.max(0, Math.ceil(wait - since));
}

export function recordFailure(ctx: AppContext, key: string, now: Date): void {
  const row = throttleRow(ctx, key);
  const since = row ? (now.getTime() - Date.parse(row.last_failure_at)) / 1000 : 0;
  // Forget failures after a long quiet period (twice the maximum wait).
  const failures = row && since < 2 * ctx.config.throttleMaxSeconds ? row.failures + 1 : 1;
  putThrottle(ctx.db, key, failures, now.toISOString());
}

export function clearFailures(ctx: AppContext, key: string): void {
  deleteThrottle(ctx.db, key);
}

export type AttemptReservation =
  | { readonly kind: 'reserved' }
  /** `key` is the key that throttles longest; `windowStart` its last failure (identifies the throttle window). */
  | { readonly kind: 'throttled'; readonly wait: number; readonly key: string; readonly windowStart: string };

/**
 * Synchronously: refuse when one of `keys` is throttled, else count this attempt as a failure of
 * every key now (before the password is checked). Call it before any await.
 */
export function reserveAttempt(ctx: AppContext, keys: readonly string[], now: Date): AttemptReservation {
  return ctx.db.transaction((): AttemptReservation => {
    let worst: { wait: number; key: string } = { wait: 0, key: '' };
    for (const key of keys) {
      const wait = throttleRemaining(ctx, key, now);
      if (wait > worst.wait) worst = { wait, key };
    }
    if (worst.wait > 0) {
      return { kind: 'throttled', wait: worst.wait, key: worst.key, windowStart: throttleRow(ctx, worst.key)!.last_failure_at };
    }
    for (const key of keys) recordFailure(ctx, key, now);
    return { kind: 'reserved' };
  }).immediate();
}

/**
 * The reserved attempt had the right password: the failures of `clear` are forgotten (the user
 * name) and the reservation is taken back from `release` (the address). Call inside the
 * transaction that records the success.
 */
export function attemptSucceeded(ctx: AppContext, clear: readonly string[], release: readonly string[]): void {
  for (const key of clear) clearFailures(ctx, key);
  for (const key of release) {
    releaseThrottleFailure(ctx.db, key);
  }
}

// Refusals while throttled are audited once per throttle window (a window starts at the key's last
// failure); later refusals of the same window are only counted, and the count goes into the next
// audit record for that key. Kept in memory: after a restart at most one extra record per key.
const refusalWindows = new WeakMap<AppContext, Map<string, { windowStart: string; uncounted: number }>>();

function windowsOf(ctx: AppContext): Map<string, { windowStart: string; uncounted: number }> {
  let m = refusalWindows.get(ctx);
  if (!m) refusalWindows.set(ctx, (m = new Map()));
  return m;
}

/**
 * A throttled refusal: `audit` is true for the first refusal of its window (write one record,
 * with `earlierRefusals` = the not yet audited refusals of earlier windows); otherwise it is counted.
 */
export function noteRefusal(ctx: AppContext, r: { key: string; windowStart: string }): { audit: boolean; earlierRefusals: number } {
  const m = windowsOf(ctx);
  const w = m.get(r.key);
  if (w && w.windowStart === r.windowStart) {
    w.uncounted++;
    return { audit: false, earlierRefusals: 0 };
  }
  m.set(r.key, { windowStart: r.windowStart, uncounted: 0 });
  return { audit: true, earlierRefusals: w?.uncounted ?? 0 };
}

/** The refusals of these keys not yet in the audit log (and forget them: the caller writes them now). */
export function takeUnauditedRefusals(ctx: AppContext, keys: readonly string[]): number {
  const m = windowsOf(ctx);
  let n = 0;
  for (const key of keys) {
    const w = m.get(key);
    if (w) {
      n += w.uncounted;
      w.uncounted = 0;
    }
  }
  return n;
}
