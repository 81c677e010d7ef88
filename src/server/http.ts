import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Permission, Role } from '../domain/permissions.ts';
import { ERROR_CODES, type ErrorCode, type StatusOf } from '../domain/errorCodes.ts';
import type { Failure } from '../domain/result.ts';
import { freeTextProblem, type FreeTextOptions } from '../domain/text.ts';
import type { AppContext } from './context.ts';

/** An error code in an answer's schema (a job's `error.code`): one of src/domain/errorCodes.ts. */
export const ErrorCodeDto = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/**
 * An expected HTTP failure with a Dutch message; turned into `{ error: { code, message, detail } }`.
 * The code is one of src/domain/errorCodes.ts, with the status that table fixes for it (if any).
 */
export class ApiError<C extends ErrorCode = ErrorCode> extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: StatusOf<C>,
    readonly code: C,
    message: string,
    readonly detail?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }

  static from(status: number, failure: Failure, extra?: Record<string, unknown>): ApiError {
    return new ApiError(status, failure.code, failure.message, failure.detail, extra);
  }
}

/** The answer of an action that has nothing else to say. */
export const OkAnswer = z.object({ ok: z.boolean() });

/** Who may call a route: nobody needs a session ('public'), any logged-in user ('session'), or a permission. */
export type Access = 'public' | 'session' | Permission;

export interface SessionUser {
  readonly id: number;
  readonly username: string;
  readonly fullName: string;
  readonly role: Role;
  readonly mustChangePassword: boolean;
  readonly disabled: boolean;
  /** SHA-256 (hex) of the session token. */
  readonly sessionHash: string;
  readonly sessionCreatedAt: string;
  readonly lastSeenAt: string;
}

export interface UploadedFile {
  /** Sanitized for display; never used as a path. */
  readonly fileName: string;
  readonly bytes: Buffer;
}

export interface HandlerArgs<B, P, Q> {
  readonly ctx: AppContext;
  readonly req: FastifyRequest;
  readonly reply: FastifyReply;
  /** Set for every route whose access is not 'public'. */
  readonly user: SessionUser | null;
  readonly body: B;
  readonly params: P;
  readonly query: Q;
  /** Set for multipart routes. */
  readonly file: UploadedFile | null;
  readonly now: Date;
}

export type Method = 'GET' | 'POST' | 'PUT';

export interface RouteDef<
  B extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  R = unknown,
  M extends Method = Method,
  U extends string = string,
> {
  readonly method: M;
  readonly url: U;
  readonly access: Access;
  readonly summary: string;
  readonly tag: string;
  readonly body?: B;
  readonly params?: P;
  readonly query?: Q;
  /** multipart/form-data with one field `file` of at most maxBytes. */
  readonly multipart?: { readonly maxBytes: number };
  /** Allowed while the user must change the password. */
  readonly duringPasswordChange?: boolean;
  /** Does not reset the idle timer (GET /api/session). */
  readonly passive?: boolean;
  /** Response status on success (default 200). */
  readonly status?: number;
  /** Non-JSON response type for the OpenAPI document (e.g. 'text/csv'). */
  readonly produces?: string;
  /** The JSON answer's schema: served in the OpenAPI document; test servers check every answer against it. */
  readonly response?: z.ZodType;
  /** The answer: JSON (its type is the route's response type, `ResponseOf`), or a reply sent by the handler. */
  readonly handler: (args: HandlerArgs<z.output<B>, z.output<P>, z.output<Q>>) => R;
}

// `any`: the route table holds routes of every shape; each route is type-checked where it is defined.
export type AnyRoute = RouteDef<any, any, any, unknown>;

/**
 * A route with its method, URL, response type and the types of what a client sends (body and
 * query: their schemas' input) kept for the type checker (the UI client src/ui/api.ts reads them).
 */
export type TypedRoute<M extends Method, U extends string, R, B = undefined, Q = undefined> = AnyRoute & {
  readonly method: M;
  readonly url: U;
  /** Never set: carries the response type. */
  readonly __response?: Awaited<R>;
  /** Never set: carries the JSON body's type (`undefined`: the route takes none). */
  readonly __body?: B;
  /** Never set: carries the query's type (`undefined`: the route takes none). */
  readonly __query?: Q;
};

/**
 * A route whose JSON answer has a zod schema (`response`): the handler must return what the schema
 * accepts, the route's response type is the schema's output, and the OpenAPI document serves it.
 */
export function route<
  B extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  S extends z.ZodType = z.ZodUnknown,
  M extends Method = Method,
  U extends string = string,
>(def: RouteDef<B, P, Q, z.input<S> | Promise<z.input<S>>, M, U> & { readonly response: S }): TypedRoute<M, U, z.output<S>, z.input<B>, z.input<Q>>;
/** A route without a response schema (a reply sent by the handler, or not yet described). */
export function route<
  B extends z.ZodType = z.ZodUndefined,
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  R = unknown,
  M extends Method = Method,
  U extends string = string,
>(def: RouteDef<B, P, Q, R, M, U> & { readonly response?: never }): TypedRoute<M, U, R, z.input<B>, z.input<Q>>;
export function route(def: AnyRoute): AnyRoute {
  return def;
}

/** The JSON answer of the route `method url` among `Routes` (e.g. `ResponseOf<ApiRoute, 'GET', '/api/counts/:code'>`). */
export type ResponseOf<Routes, M extends Method, U extends string> =
  Extract<Routes, { readonly method: M; readonly url: U }> extends { readonly __response?: infer R } ? R : never;

/** The JSON body the route `method url` takes (`undefined`: none). */
export type BodyOf<Routes, M extends Method, U extends string> =
  Extract<Routes, { readonly method: M; readonly url: U }> extends { readonly __body?: infer B } ? B : never;

/** The query the route `method url` takes (`undefined`: none). */
export type QueryOf<Routes, M extends Method, U extends string> =
  Extract<Routes, { readonly method: M; readonly url: U }> extends { readonly __query?: infer Q } ? Q : never;

/**
 * A free-text field typed by a user: at most `max` characters and the text rule of
 * src/domain/text.ts (no control or bidi-override characters, not blank-looking), refused with a
 * Dutch message naming the field by `label`.
 */
export function freeText(label: string, max: number, options: FreeTextOptions = {}): z.ZodString {
  return z
    .string()
    .max(max, { error: `${label}: maximaal ${max} tekens.` })
    .superRefine((value, c) => {
      const problem = freeTextProblem(value, label, options);
      if (problem !== null) c.addIssue({ code: 'custom', message: problem });
    });
}

/** Upload size limits. */
export const MAX_EML_BYTES = 10 * 1024 * 1024;
export const MAX_CERTIFICATE_BYTES = 64 * 1024;

/** A file name as data: last path component, no control characters, at most 200 characters. */
export function sanitizeFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  // Control characters and direction overrides (U+202E makes 'gpj.exe' read 'exe.jpg') are dropped.
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'bestand' : clean;
}
