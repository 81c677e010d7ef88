import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import multipart, { type MultipartFile } from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ErrorCode } from '../domain/errorCodes.ts';
import { can } from '../domain/permissions.ts';
import type { AppContext } from './context.ts';
import { ApiError, sanitizeFileName, type AnyRoute, type SessionUser, type UploadedFile } from './http.ts';
import { anchorAudit } from './integrity.ts';
import { allRoutes } from './routes/index.ts';
import { SESSION_COOKIE, lookupSession, touchSession } from './sessions.ts';

const zodNl = z.locales.nl();

/** Dutch 400 message for a zod failure. */
function validationError(where: string, error: z.ZodError): ApiError {
  const issues = error.issues.map((i) => {
    const at = i.path.length ? `${i.path.join('.')}: ` : '';
    return `${at}${i.message}`;
  });
  return new ApiError(400, 'request.invalid', `Ongeldige invoer (${where}): ${issues.join('; ')}`, JSON.stringify(error.issues));
}

function parseWith(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const r = schema.safeParse(value, { error: zodNl.localeError });
  if (!r.success) throw validationError(where, r.error);
  return r.data;
}

const sessionUsers = new WeakMap<FastifyRequest, SessionUser>();

export function sessionUserOf(req: FastifyRequest): SessionUser | null {
  return sessionUsers.get(req) ?? null;
}

function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict' });
}

function errorBody(code: ErrorCode, message: string, detail?: string, extra?: Record<string, unknown>) {
  return { error: { code, message, ...(detail === undefined ? {} : { detail }), ...(extra ?? {}) } };
}

export interface BuildAppOptions {
  /** Folder with the built UI (index.html + assets); default dist/ui in the repository. */
  readonly uiDir?: string;
  /** Fastify logger instance (pino); default the context's logger. */
  readonly routes?: readonly AnyRoute[];
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly https?: { readonly key: string; readonly cert: string };
  /** Host-header allow-list (DNS rebinding); requests for other names get 421 `request.host`. */
  readonly hostAllowed?: (host: string | undefined) => boolean;
}

/**
 * Headers on every answer: the UI's scripts and styles come only from this server (no inline
 * scripts), no page may frame it, no MIME sniffing, no referrer to elsewhere.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/**
 * Automatic refreshes (header `X-Uitslag-Poll: 1`) are not user activity: they do not keep an
 * unattended session alive. The one exception is the read-only user's projector screen
 * (`GET /api/counts/status?projector=1`), which must stay current for the public session.
 */
export function isPoll(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['x-uitslag-poll'] === '1';
}

export function isProjectorPoll(role: string, url: string): boolean {
  return role === 'alleen_lezen' && /^\/api\/counts\/status\?(.*&)?projector=1(&|$)/.test(url);
}

export const DEFAULT_UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'ui');

const UI_MISSING_TEXT =
  'De gebruikersinterface is nog niet gebouwd. Voer "npm run build" uit in de map van het programma en start de server opnieuw.\n';

export async function buildApp(ctx: AppContext, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const routes = opts.routes ?? allRoutes;
  const app = Fastify({
    loggerInstance: ctx.log as unknown as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    ...(opts.https ? { https: { key: opts.https.key, cert: opts.https.cert, minVersion: 'TLSv1.2' as const } } : {}),
  }) as unknown as FastifyInstance;

  app.addHook('onSend', async (_req, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    return payload;
  });

  // DNS rebinding: only requests addressed to one of this installation's names are answered.
  const hostAllowed = opts.hostAllowed;
  if (hostAllowed) {
    app.addHook('onRequest', async (req) => {
      if (!hostAllowed(req.headers.host)) {
        throw new ApiError(
          421,
          'request.host',
          'Dit verzoek is gericht aan een onbekende naam en is geweigerd. Open het programma via het adres dat bij het starten van de server is getoond.',
          `host ${req.headers.host ?? '(none)'}`,
        );
      }
    });
  }

  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 10, parts: 12 } });

  // JSON parser that accepts an empty body (bodyless POSTs still send Content-Type: application/json).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, {});
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new ApiError(400, 'request.json', 'De gegevens in het verzoek zijn geen geldige JSON.'), undefined);
    }
  });

  // CSRF: state-changing requests must be JSON or multipart, and a present Origin must match Host.
  app.addHook('onRequest', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (!type.startsWith('application/json') && !type.startsWith('multipart/form-data')) {
      throw new ApiError(
        415,
        'request.content_type',
        'Dit verzoek moet gegevens als JSON of als bestandsupload (multipart/form-data) sturen.',
        `content-type: ${type || '(none)'}`,
      );
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      let originHost: string | null = null;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = null;
      }
      if (originHost === null || originHost !== req.headers.host) {
        throw new ApiError(403, 'request.origin', 'Dit verzoek komt van een andere website en is geweigerd.', `origin ${origin}, host ${req.headers.host}`);
      }
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (error instanceof ApiError) {
      if (error.status === 401) clearSessionCookie(reply);
      return reply.code(error.status).send(errorBody(error.code, error.message, error.detail, error.extra));
    }
    const code = error.code ?? '';
    if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply
        .code(413)
        .send(errorBody('upload.too_large', 'Het bestand is te groot om te importeren.', error.message));
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send(errorBody('request.content_type', 'Dit soort gegevens wordt niet ondersteund.', error.message));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .send(errorBody('request.invalid', 'Het verzoek is ongeldig.', `${code} ${error.message}`.trim()));
    }
    req.log.error({ err: error }, 'interne fout');
    return reply
      .code(500)
      .send(errorBody('internal', 'Er ging iets mis in de server. De fout is vastgelegd in het logbestand.'));
  });

  for (const def of routes) registerRoute(app, ctx, def);
  // The audit chain's head, anchored outside the database after every request (integrity.ts).
  app.addHook('onResponse', async () => anchorAudit(ctx, ctx.clock()));

  // The UI: static files with SPA fallback.
  const uiDir = opts.uiDir ?? DEFAULT_UI_DIR;
  const uiIndex = path.join(uiDir, 'index.html');
  const uiBuilt = existsSync(uiIndex);
  if (uiBuilt) {
    await app.register(fastifyStatic, { root: uiDir, wildcard: true, index: 'index.html' });
  } else {
    app.get('/', async (_req, reply) => reply.type('text/plain; charset=utf-8').send(UI_MISSING_TEXT));
  }
  app.setNotFoundHandler(async (req, reply) => {
    const url = req.url.split('?')[0] ?? '';
    if (url === '/api' || url.startsWith('/api/')) {
      return reply.code(404).send(errorBody('not_found', 'Deze functie bestaat niet.', `${req.method} ${url}`));
    }
    if (req.method === 'GET' && (req.headers.accept ?? '').includes('text/html')) {
      if (!uiBuilt) return reply.type('text/plain; charset=utf-8').send(UI_MISSING_TEXT);
      return reply.type('text/html; charset=utf-8').send(readFileSync(uiIndex));
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Niet gevonden.\n');
  });

  return app;
}

/**
 * The one file of a multipart request. A body that is no valid multipart (wrong or missing
 * boundary, truncated, broken part headers) is the client's fault: 400 `upload.malformed`, not 500.
 */
async function readUploadedFile(
  next: () => Promise<MultipartFile | undefined>,
  maxBytes: number,
): Promise<UploadedFile> {
  try {
    const part = await next();
    if (!part || part.fieldname !== 'file') {
      throw new ApiError(400, 'upload.missing', 'Kies een bestand om te uploaden.', 'expected one field "file"');
    }
    const bytes = await part.toBuffer();
    if (part.file.truncated || bytes.length > maxBytes) {
      throw new ApiError(413, 'upload.too_large', 'Het bestand is te groot om te importeren.');
    }
    return { fileName: sanitizeFileName(part.filename), bytes };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    const err = e as Error & { code?: string };
    if (err.code === 'FST_REQ_FILE_TOO_LARGE') throw e;
    throw new ApiError(
      400,
      'upload.malformed',
      'Het bestand is niet goed aangekomen: de upload is onvolledig of beschadigd. Kies het bestand opnieuw en probeer het nog eens.',
      `${err.code ?? ''} ${err.message}`.trim(),
    );
  }
}

function registerRoute(app: FastifyInstance, ctx: AppContext, def: AnyRoute): void {
  app.route({
    method: def.method,
    url: def.url,
    onRequest: async (req, reply) => {
      if (def.access === 'public') return;
      const now = ctx.clock();
      // The read-only projector screen's polls are exempt from the 12 h lifetime (it "does not expire").
      const found = lookupSession(ctx, req.cookies[SESSION_COOKIE], now, {
        exemptFromMaxAge: (role) => isPoll(req.headers) && isProjectorPoll(role, req.url),
      });
      if (found.kind !== 'ok') {
        clearSessionCookie(reply);
        throw found.kind === 'expired'
          ? new ApiError(401, 'session.expired', 'Uw sessie is verlopen. Log opnieuw in.')
          : new ApiError(401, 'session.none', 'U bent niet ingelogd.');
      }
      const user = found.user;
      if (!def.passive && (!isPoll(req.headers) || isProjectorPoll(user.role, req.url))) {
        touchSession(ctx, user.sessionHash, now);
      }
      sessionUsers.set(req, user);
      if (user.mustChangePassword && !def.duringPasswordChange) {
        throw new ApiError(403, 'password.change_required', 'U moet eerst uw wachtwoord wijzigen.');
      }
      if (def.access !== 'session' && !can(user.role, def.access)) {
        throw new ApiError(403, 'permission.denied', 'U heeft geen toestemming voor deze handeling.', `needs ${def.access}`);
      }
    },
    handler: async (req, reply) => {
      const params = parseWith(def.params, req.params, 'pad');
      const query = parseWith(def.query, req.query, 'zoekparameters');
      let body: unknown = undefined;
      let file: UploadedFile | null = null;
      if (def.multipart) {
        if (!req.isMultipart()) {
          throw new ApiError(400, 'upload.missing', 'Kies een bestand om te uploaden.', 'expected multipart/form-data');
        }
        const maxBytes = def.multipart.maxBytes;
        file = await readUploadedFile(() => req.file({ limits: { fileSize: maxBytes, files: 1 } }), maxBytes);
      } else if (def.body) {
        body = parseWith(def.body, req.body, 'gegevens');
      }
      const result = await def.handler({
        ctx,
        req,
        reply,
        user: sessionUserOf(req),
        body,
        params,
        query,
        file,
        now: ctx.clock(),
      });
      if (reply.sent) return reply;
      if (def.response && ctx.testHooks?.checkResponses) {
        const checked = def.response.safeParse(result);
        if (!checked.success) throw new Error(`answer of ${def.method} ${def.url} does not match its response schema: ${z.prettifyError(checked.error)}`);
      }
      if (def.status) reply.code(def.status);
      return result;
    },
  });
}
