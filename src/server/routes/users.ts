import { z } from 'zod';
import { checkPasswordPolicy, checkUsername } from '../../domain/passwords.ts';
import { ROLES } from '../../domain/permissions.ts';
import { writeAudit, type Actor } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { ApiError, freeText, route, type SessionUser } from '../http.ts';
import { getUser, userDto, UserDto, userThrottleKey } from '../sessions.ts';
import {
  countActiveAdmins,
  deleteThrottle,
  deleteUserSessions,
  insertUser,
  listUsers,
  setPasswordHash,
  setUserDisabled,
  usernameTaken,
  type UserRow,
} from '../store/users.ts';

const IdParams = z.object({ id: z.coerce.number().int().positive() });

const CreateBody = z.object({
  username: z.string().min(1).max(100),
  fullName: freeText('Volledige naam', 200).trim().min(1, { error: 'Vul de volledige naam in.' }),
  role: z.enum(ROLES),
  initialPassword: z.string().min(1).max(1000),
});

const ResetBody = z.object({ initialPassword: z.string().min(1).max(1000) });

function actor(u: SessionUser): Actor {
  return { id: u.id, username: u.username, role: u.role };
}

function mustFind(ctx: AppContext, id: number): UserRow {
  const row = getUser(ctx, id);
  if (!row) throw new ApiError(404, 'user.not_found', 'Deze gebruiker bestaat niet.');
  return row;
}

export const userRoutes = [
  route({
    method: 'GET',
    url: '/api/users',
    access: 'users.manage',
    tag: 'gebruikers',
    summary: 'Alle gebruikers.',
    response: z.object({ users: z.array(UserDto) }),
    handler: ({ ctx }) => ({
      users: listUsers(ctx.db).map(userDto),
    }),
  }),
  route({
    method: 'POST',
    url: '/api/users',
    access: 'users.manage',
    tag: 'gebruikers',
    summary: 'Maak een gebruiker aan met een startwachtwoord (te wijzigen bij de eerste keer inloggen).',
    body: CreateBody,
    status: 201,
    response: z.object({ user: UserDto }),
    handler: async ({ ctx, user, body }) => {
      const username = body.username.trim();
      const nameOk = checkUsername(username);
      if (!nameOk.ok) throw ApiError.from(400, nameOk);
      const policy = checkPasswordPolicy(username, body.initialPassword);
      if (!policy.ok) throw ApiError.from(422, policy);
      if (usernameTaken(ctx.db, username)) {
        throw new ApiError(409, 'user.exists', `Er bestaat al een gebruiker met de naam ${username}.`);
      }
      const hash = await ctx.hasher.hash(body.initialPassword);
      const now = ctx.clock();
      const id = ctx.db.transaction(() => {
        if (usernameTaken(ctx.db, username)) {
          throw new ApiError(409, 'user.exists', `Er bestaat al een gebruiker met de naam ${username}.`);
        }
        const newId = insertUser(ctx.db, { username, fullName: body.fullName, role: body.role, passwordHash: hash, createdAt: now.toISOString() });
        writeAudit(ctx.db, now, actor(user!), 'user.create', {
          userId: newId,
          username,
          fullName: body.fullName,
          role: body.role,
        });
        return newId;
      })();
      return { user: userDto(getUser(ctx, id)!) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/users/:id/disable',
    access: 'users.manage',
    tag: 'gebruikers',
    summary: 'Blokkeer een gebruiker; zijn sessies eindigen.',
    params: IdParams,
    response: z.object({ user: UserDto }),
    handler: ({ ctx, user, params, now }) => {
      const me = user!;
      ctx.db.transaction(() => {
        const target = mustFind(ctx, params.id);
        if (target.id === me.id) {
          throw new ApiError(409, 'user.self', 'U kunt uw eigen account niet blokkeren.');
        }
        if (target.role === 'beheerder' && target.disabled === 0) {
          if (countActiveAdmins(ctx.db) <= 1) {
            throw new ApiError(409, 'user.last_admin', 'De laatste actieve beheerder kan niet worden geblokkeerd.');
          }
        }
        setUserDisabled(ctx.db, target.id, true);
        deleteUserSessions(ctx.db, target.id);
        writeAudit(ctx.db, now, actor(me), 'user.disable', { userId: target.id, username: target.username });
      })();
      return { user: userDto(getUser(ctx, params.id)!) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/users/:id/enable',
    access: 'users.manage',
    tag: 'gebruikers',
    summary: 'Deblokkeer een gebruiker.',
    params: IdParams,
    response: z.object({ user: UserDto }),
    handler: ({ ctx, user, params, now }) => {
      ctx.db.transaction(() => {
        const target = mustFind(ctx, params.id);
        setUserDisabled(ctx.db, target.id, false);
        writeAudit(ctx.db, now, actor(user!), 'user.enable', { userId: target.id, username: target.username });
      })();
      return { user: userDto(getUser(ctx, params.id)!) };
    },
  }),
  route({
    method: 'POST',
    url: '/api/users/:id/reset-password',
    access: 'users.manage',
    tag: 'gebruikers',
    summary: 'Geef een gebruiker een nieuw startwachtwoord (te wijzigen bij de volgende keer inloggen); zijn sessies eindigen.',
    params: IdParams,
    body: ResetBody,
    response: z.object({ user: UserDto }),
    handler: async ({ ctx, user, params, body }) => {
      const target = mustFind(ctx, params.id);
      const policy = checkPasswordPolicy(target.username, body.initialPassword);
      if (!policy.ok) throw ApiError.from(422, policy);
      const hash = await ctx.hasher.hash(body.initialPassword);
      const now = ctx.clock();
      ctx.db.transaction(() => {
        setPasswordHash(ctx.db, target.id, hash, true);
        deleteUserSessions(ctx.db, target.id);
        deleteThrottle(ctx.db, userThrottleKey(target.username));
        writeAudit(ctx.db, now, actor(user!), 'user.reset_password', { userId: target.id, username: target.username });
      })();
      return { user: userDto(getUser(ctx, params.id)!) };
    },
  }),
];
