import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { checkPasswordPolicy } from '../../domain/passwords.ts';
import { PERMISSIONS, permissionsOf } from '../../domain/permissions.ts';
import { writeAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { ApiError, freeText, OkAnswer, route, type SessionUser } from '../http.ts';
import {
  SESSION_COOKIE,
  addressThrottleKey,
  attemptSucceeded,
  createSession,
  getUser,
  idleSecondsLeft,
  noteRefusal,
  reserveAttempt,
  takeUnauditedRefusals,
  userDto,
  UserDto,
  userThrottleKey,
} from '../sessions.ts';
import { deleteOtherSessionsOfUser, deleteSession, getUserByName, setPasswordHash } from '../store/users.ts';

const LoginBody = z.object({
  username: freeText('Gebruikersnaam', 100).min(1),
  password: z.string().min(1).max(1000),
});

/**
 * `currentPassword` may be left out only in the forced change right after login (the session was
 * made with the password just typed, and can do nothing but change it).
 */
const PasswordBody = z.object({
  currentPassword: z.string().min(1).max(1000).optional(),
  newPassword: z.string().min(1).max(1000),
});

const SessionAnswer = z.object({
  user: UserDto,
  permissions: z.array(z.enum(PERMISSIONS)),
  idleTimeoutSeconds: z.number(),
  idleSecondsLeft: z.number(),
});

function sessionInfo(ctx: AppContext, user: SessionUser, lastSeenAt: string, now: Date): z.input<typeof SessionAnswer> {
  return {
    user: userDto(user),
    permissions: permissionsOf(user.role),
    idleTimeoutSeconds: ctx.config.idleTimeoutSeconds,
    idleSecondsLeft: idleSecondsLeft(ctx, lastSeenAt, user.sessionCreatedAt, now),
  };
}

const LOGIN_FAILED = 'Onbekende gebruikersnaam of onjuist wachtwoord.';

/** 429 with `retryAfterSeconds` and a Retry-After header. */
export function throttledError(reply: FastifyReply, code: 'login.throttled' | 'password.throttled', wait: number): ApiError {
  reply.header('retry-after', String(wait));
  return new ApiError(
    429,
    code,
    code === 'login.throttled'
      ? `Te veel mislukte inlogpogingen. Probeer het over ${wait} seconden opnieuw.`
      : `Te veel onjuiste wachtwoorden. Probeer het over ${wait} seconden opnieuw.`,
    undefined,
    { retryAfterSeconds: wait },
  );
}

/**
 * A logged-in user types the own password again (POST /api/password, the destroy confirmation):
 * throttled like a login (same user-name and address counters, reserved before the scrypt await).
 */
export async function checkOwnPassword(
  ctx: AppContext,
  username: string,
  address: string,
  password: string,
  storedHash: string,
  now: Date,
): Promise<{ kind: 'ok' } | { kind: 'wrong' } | { kind: 'throttled'; wait: number; audit: boolean }> {
  const userKey = userThrottleKey(username);
  const addrKey = addressThrottleKey(address);
  const attempt = reserveAttempt(ctx, [userKey, addrKey], now);
  if (attempt.kind === 'throttled') return { kind: 'throttled', wait: attempt.wait, audit: noteRefusal(ctx, attempt).audit };
  if (!(await ctx.hasher.verify(password, storedHash))) return { kind: 'wrong' };
  ctx.db.transaction(() => attemptSucceeded(ctx, [userKey], [addrKey]))();
  return { kind: 'ok' };
}

export const sessionRoutes = [
  route({
    method: 'POST',
    url: '/api/login',
    access: 'public',
    tag: 'sessie',
    summary: 'Inloggen; zet het sessiecookie uitslag_sessie.',
    body: LoginBody,
    response: z.object({ user: UserDto }),
    handler: async ({ ctx, req, reply, body, now }) => {
      const userKey = userThrottleKey(body.username);
      const addrKey = addressThrottleKey(req.ip);
      const loginName = body.username.slice(0, 100);
      // Reserved synchronously, before the scrypt await: parallel attempts count against each other.
      const attempt = reserveAttempt(ctx, [userKey, addrKey], now);
      if (attempt.kind === 'throttled') {
        const note = noteRefusal(ctx, attempt);
        if (note.audit) {
          ctx.db.transaction(() =>
            writeAudit(ctx.db, now, { id: null, username: loginName, role: null }, 'login.throttled', {
              address: req.ip,
              retryAfterSeconds: attempt.wait,
              throttledOn: attempt.key.startsWith('addr:') ? 'address' : 'username',
              ...(note.earlierRefusals > 0 ? { earlierRefusals: note.earlierRefusals } : {}),
            }),
          )();
        }
        throw throttledError(reply, 'login.throttled', attempt.wait);
      }
      const user = getUserByName(ctx.db, body.username.trim());
      // Always run scrypt, also for unknown users, so timing does not reveal which names exist.
      const passwordOk = await ctx.hasher.verify(body.password, user?.password_hash ?? ctx.dummyHash);
      const t = ctx.clock();
      const refusals = takeUnauditedRefusals(ctx, [userKey, addrKey]);
      const refusalDetail = refusals > 0 ? { refusedWhileThrottled: refusals } : {};
      if (!user || !passwordOk || user.disabled === 1) {
        const reason = !user ? 'unknown_user' : !passwordOk ? 'wrong_password' : 'disabled';
        ctx.db.transaction(() => {
          writeAudit(
            ctx.db,
            t,
            user ? { id: user.id, username: user.username, role: user.role } : { id: null, username: loginName, role: null },
            'login.failed',
            { reason, address: req.ip, ...refusalDetail },
          );
        })();
        throw new ApiError(401, 'login.failed', LOGIN_FAILED);
      }
      const token = ctx.db.transaction(() => {
        attemptSucceeded(ctx, [userKey], [addrKey]);
        writeAudit(ctx.db, t, { id: user.id, username: user.username, role: user.role }, 'login', { address: req.ip, ...refusalDetail });
        return createSession(ctx, user.id, t);
      })();
      reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies });
      return { user: userDto(user) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/logout',
    access: 'session',
    duringPasswordChange: true,
    tag: 'sessie',
    summary: 'Uitloggen; verwijdert de sessie.',
    response: OkAnswer,
    handler: ({ ctx, reply, user, now }) => {
      const u = user!;
      ctx.db.transaction(() => {
        deleteSession(ctx.db, u.sessionHash);
        writeAudit(ctx.db, now, { id: u.id, username: u.username, role: u.role }, 'logout');
      })();
      reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
      return { ok: true };
    },
  }),
  route({
    method: 'GET',
    url: '/api/session',
    access: 'session',
    duringPasswordChange: true,
    passive: true,
    tag: 'sessie',
    summary: 'De huidige sessie (zet de inactiviteitstimer niet terug).',
    response: SessionAnswer,
    handler: ({ ctx, user, now }) => sessionInfo(ctx, user!, user!.lastSeenAt, now),
  }),
  route({
    method: 'POST',
    url: '/api/session/extend',
    access: 'session',
    tag: 'sessie',
    summary: 'Verleng de sessie (zet de inactiviteitstimer terug).',
    response: SessionAnswer,
    handler: ({ ctx, user, now }) => sessionInfo(ctx, user!, now.toISOString(), now),
  }),
  route({
    method: 'POST',
    url: '/api/password',
    access: 'session',
    duringPasswordChange: true,
    tag: 'sessie',
    summary: 'Wijzig het eigen wachtwoord.',
    body: PasswordBody,
    response: OkAnswer,
    handler: async ({ ctx, req, reply, user, body, now }) => {
      const u = user!;
      const row = getUser(ctx, u.id)!;
      if (body.currentPassword === undefined) {
        // the forced change right after logging in does not ask again for the password just typed
        if (row.must_change_password !== 1) throw new ApiError(422, 'password.wrong', 'Vul uw huidige wachtwoord in.');
      } else {
        const check = await checkOwnPassword(ctx, u.username, req.ip, body.currentPassword, row.password_hash, now);
        if (check.kind === 'throttled') throw throttledError(reply, 'password.throttled', check.wait);
        if (check.kind === 'wrong') throw new ApiError(422, 'password.wrong', 'Het huidige wachtwoord is onjuist.');
      }
      const policy = checkPasswordPolicy(u.username, body.newPassword);
      if (!policy.ok) throw ApiError.from(422, policy);
      const same = body.currentPassword !== undefined ? body.newPassword === body.currentPassword : await ctx.hasher.verify(body.newPassword, row.password_hash);
      if (same) {
        throw new ApiError(422, 'password.policy', 'Het nieuwe wachtwoord moet verschillen van het huidige.');
      }
      const hash = await ctx.hasher.hash(body.newPassword);
      const t = ctx.clock();
      ctx.db.transaction(() => {
        setPasswordHash(ctx.db, u.id, hash, false);
        // Other sessions of this user end; the current one stays.
        deleteOtherSessionsOfUser(ctx.db, u.id, u.sessionHash);
        writeAudit(ctx.db, t, { id: u.id, username: u.username, role: u.role }, 'password.change');
      })();
      return { ok: true };
    },
  }),
];
