/**
 * The UI's only door to the server: a small fetch wrapper around the JSON API (docs/api.md).
 * Expected failures are values (house rule 2): every call resolves to a `Result` whose failure
 * carries the server's Dutch `message`. A 401 on any call but login tells the app that the
 * session is gone; a 403 `password.change_required` that the password must be changed first.
 */
import { fail, ok, type Failure, type Success } from '../domain/result.ts';
import type { CheckResult } from '../domain/checks.ts';
import type { EntryForm, FieldId } from '../domain/entry.ts';
import type { Indicator, UnitActionName, UnitStateKind } from '../domain/doubleEntry.ts';
import type { ApiResponse, ApiRoute } from '../server/routes/index.ts';
import type { BodyOf, Method, QueryOf, ResponseOf } from '../server/http.ts';

/*
 * Every answer type below is the server's own response type (src/server/routes/index.ts
 * `ApiResponse`, from each route's handler): a change on one side fails the type check on the other.
 */
export type Session = ApiResponse<'GET', '/api/session'>;
export type User = ApiResponse<'GET', '/api/users'>['users'][number];

export type ElectionState = ApiResponse<'GET', '/api/election'>;
export type Election = NonNullable<ElectionState['election']>;
/** The installation's stemgebied: a kieskring (an HSB installation) or a municipality (a gemeente installation). */
export type Stemgebied = Election['stemgebied'];

/** What a reporting unit of phase 2 is: a municipality (HSB), a polling station (gemeente) or a kieskring (CSB). */
export type { UnitKind } from '../domain/installation.ts';

/** GET /api/phase */
export type PhaseOverview = ApiResponse<'GET', '/api/phase'>;
export type PhaseInfo = PhaseOverview['phases'][number];

export type DefinitionPreview = ApiResponse<'POST', '/api/election/definition/preview'>;
export type CandidateListsPreview = ApiResponse<'POST', '/api/election/candidate-lists/preview'>;

export type Regions = ApiResponse<'GET', '/api/election/regions'>;
export type Municipality = Regions['municipalities'][number];
export type KeyInfo = NonNullable<Municipality['key']>;

export type ListSummary = ApiResponse<'GET', '/api/election/lists'>['lists'][number];
export type Candidate = ApiResponse<'GET', '/api/election/lists/:listNumber/candidates'>['candidates'][number];

export type OwnKey = NonNullable<ApiResponse<'GET', '/api/keys/own'>['key']>;
export type KeyPreview = ApiResponse<'POST', '/api/election/regions/:code/key/preview'>;

export type AuditPage = ApiResponse<'GET', '/api/audit'>;
export type AuditRecord = AuditPage['records'][number];

// ---- Phase 2: steminvoer (docs/api.md "Phase 2: Steminvoer") ----

export type { CheckResult, EntryForm, FieldId, Indicator, UnitStateKind };

export type { FormShape } from '../domain/entryStructure.ts';

/*
 * The answers below are the server's own response types (src/server/routes/index.ts `ApiResponse`):
 * a change on one side fails the type check on the other.
 */
export type CountsStatus = ApiResponse<'GET', '/api/counts/status'>;
export type MunicipalityStatus = CountsStatus['municipalities'][number];
export type EntryInfo = NonNullable<MunicipalityStatus['first']>;
export type ClaimInfo = NonNullable<MunicipalityStatus['claimedBy']>;

/** The server's check for changes outside the program (GET /api/integrity; also in the status answers). */
export type IntegrityStatus = ApiResponse<'GET', '/api/integrity'>;

export type CountAction = UnitActionName;

export type MunicipalityDetail = ApiResponse<'GET', '/api/counts/:code'>;
export type HistoryItem = MunicipalityDetail['history'][number];

/** A unit's claim and submit: a kieskring's at the CSB go through /api/csb/counts (the same answers). */
export type Claim = ApiResponse<'POST', '/api/counts/:code/claim'> | ApiResponse<'POST', '/api/csb/counts/:code/claim'>;
export type SubmitResult = ApiResponse<'POST', '/api/counts/:code/submit'> | ApiResponse<'POST', '/api/csb/counts/:code/submit'>;
export type SubmitOutcome = SubmitResult['outcome'];
export type Difference = ApiResponse<'GET', '/api/counts/:code/differences'>['fields'][number];
export type ImportJob = ApiResponse<'GET', '/api/counts/import/:jobId'>;
export type ImportPreview = NonNullable<ImportJob['preview']>;

// ---- CSB: the centraal stembureau (docs/csb.md) ----

export type CsbOverview = ApiResponse<'GET', '/api/csb'>;
export type CsbKieskring = CsbOverview['kieskringen'][number];
export type CsbListsPreview = ApiResponse<'POST', '/api/csb/candidate-lists/preview'>;
export type CsbKeyPreview = ApiResponse<'POST', '/api/csb/keys/:kieskring/preview'>;
export type CsbKeyImported = ApiResponse<'POST', '/api/csb/keys/:kieskring'>;
export type CsbCountPreview = ApiResponse<'POST', '/api/csb/counts/import'>;
export type CsbCountImported = ApiResponse<'POST', '/api/csb/counts/import/confirm'>;
export type CsbLots = ApiResponse<'GET', '/api/csb/lots'>;
export type CsbRequiredLot = NonNullable<CsbLots['required']>;
export type CsbLotEntered = ApiResponse<'POST', '/api/csb/lots'>;
export type CsbDocuments = ApiResponse<'POST', '/api/csb/documents'>;
export type DocumentsList = ApiResponse<'GET', '/api/documents'>;

// ---- Phase 3: definitief maken, documents, archive (docs/api.md "Phase 3") ----

export type FinaliseStatus = ApiResponse<'GET', '/api/finalise'>;
export type MunicipalityReadiness = FinaliseStatus['municipalities'][number];
export type PvDetailsAnswer = ApiResponse<'GET', '/api/pv-details'>;
export type PvDetails = PvDetailsAnswer['details'];
export type DocumentsOverview = ApiResponse<'GET', '/api/documents'>;
export type DocumentSet = DocumentsOverview['sets'][number];
export type DocumentInfo = DocumentSet['documents'][number];
export type DocumentJob = ApiResponse<'POST', '/api/documents/create'>;
export type DocumentJobStatus = ApiResponse<'GET', '/api/documents/jobs/:jobId'>;
export type ArchiveStatus = ApiResponse<'GET', '/api/archive'>;
export type DestroyResult = ApiResponse<'POST', '/api/election/destroy'>;

// ---- Gemeente: polling stations (docs/api.md "Gemeente") ----

export type PollingStations = ApiResponse<'GET', '/api/polling-stations'>;
export type PollingStation = PollingStations['pollingStations'][number];

export interface ApiFailure extends Failure<string> {
  readonly status: number;
  /** Line errors of a refused CSV (422 `polling_station.csv`). */
  readonly lines?: { line: number; message: string }[];
}

export type ApiResult<T> = Success<T> | ApiFailure;

type Listener = (event: 'unauthorized' | 'password_change_required' | 'activity') => void;
let listener: Listener = () => {};

/** The app registers one listener for session events (expired session, activity for the idle timer). */
export function onApiEvent(l: Listener): void {
  listener = l;
}

function failure(status: number, code: string, message: string, detail?: string, lines?: ApiFailure['lines']): ApiFailure {
  return { ...fail(code, message, detail), status, ...(lines ? { lines } : {}) };
}

async function send<T>(method: string, url: string, body?: unknown, poll = false): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Automatic refreshes are not activity (the server does not reset the idle timer for them),
  // except the read-only projector screen, which must not expire.
  const activity = url !== '/api/session' && (!poll || /[?&]projector=1(&|$)/.test(url));
  if (poll) headers['x-uitslag-poll'] = '1';
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    return failure(0, 'network', 'De server is niet bereikbaar. Controleer of het programma nog draait.', String(e));
  }
  let data: unknown = null;
  const text = await response.text();
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.ok) {
    if (activity) listener('activity');
    return ok(data as T);
  }
  const err = (data as { error?: { code?: string; message?: string; detail?: string; lines?: unknown } } | null)?.error;
  const code = err?.code ?? `http.${response.status}`;
  const message = err?.message ?? `Er ging iets mis (foutcode ${response.status}).`;
  // The app checks GET /api/session itself; any other 401 means the session is gone.
  if (response.status === 401 && !['/api/login', '/api/password', '/api/session'].includes(url)) listener('unauthorized');
  if (response.status === 403 && code === 'password.change_required') listener('password_change_required');
  const lines = Array.isArray(err?.lines) ? (err.lines as { line: number; message: string }[]) : undefined;
  return failure(response.status, code, message, err?.detail, lines);
}

/*
 * The client is typed by the server's route table (src/server/routes/index.ts `ApiRoute`): a call
 * names a route's URL as the server declares it, and its answer, its body and its query are that
 * route's types. A URL with parameters is filled by `path()`:
 *
 *   api.get('/api/election/lists')                                   // answer: { lists: ... }
 *   api.post(path('/api/counts/:code/claim', { code }))              // the code is encoded
 *   api.poll(path('/api/documents/jobs/:jobId', { jobId }, { wait: '1' }))
 *
 * A URL the server does not have, a missing parameter, a wrong body or a field the answer does not
 * have fails the type check (test/ui/apiTypes.test.ts).
 */

/**
 * Every URL of a route of `method`, as the server declares it ('/api/counts/:code'). Routes whose URL
 * is only known as a `string` (the concept previews, made in a loop) are not the JSON API's.
 */
export type RouteUrl<M extends Method = Method> = LiteralUrl<Extract<ApiRoute, { readonly method: M }>>;
type LiteralUrl<R> = R extends { readonly url: infer U extends string } ? (string extends U ? never : U) : never;

/** The names of the parameters in a URL: 'code' for '/api/counts/:code/claim'. */
export type ParamNames<U extends string> = U extends `${string}:${infer P}/${infer Rest}`
  ? P | ParamNames<`/${Rest}`>
  : U extends `${string}:${infer P}`
    ? P
    : never;

declare const pathOf: unique symbol;
/** A URL made by `path()` from the route URL `U`: only `path()` makes one, so its parameters are filled. */
export type Path<U extends string> = string & { readonly [pathOf]: U };

/** What a call to a route of `method` takes: a URL without parameters as such, or a `path()`. */
type Target<M extends Method> = Exclude<RouteUrl<M>, `${string}:${string}`> | Path<RouteUrl<M>>;
/** The route URL of a target. */
type UrlOf<T> = T extends Path<infer U> ? U : T;
type Answer<M extends Method, T> = Promise<ApiResult<ResponseOf<ApiRoute, M, UrlOf<T> & string>>>;
/** The body argument: left out where the route takes none (`{}` is sent), required where it takes one. */
type BodyArg<M extends Method, T> = undefined extends BodyOf<ApiRoute, M, UrlOf<T> & string>
  ? [body?: Sendable<BodyOf<ApiRoute, M, UrlOf<T> & string>>]
  : [body: Sendable<BodyOf<ApiRoute, M, UrlOf<T> & string>>];
/** What is sent may be read-only (it is only turned into JSON). */
type Sendable<B> = B extends object ? { readonly [K in keyof B]: Sendable<B[K]> } : B;

/** The query a URL's route takes (of whichever method has that URL). */
type QueryArg<U extends string> = NonNullable<QueryOf<ApiRoute, Method, U>>;

/**
 * The URL of the route `url` with its parameters filled in (each encoded) and, if given, its query:
 * `path('/api/counts/:code', { code: '0363' })` is '/api/counts/0363'.
 */
export function path<U extends RouteUrl>(url: U, params: { readonly [K in ParamNames<U>]: string | number }, query?: QueryArg<U>): Path<U> {
  const filled = url.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(String((params as Record<string, string | number>)[name])));
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null) search.append(k, String(v));
  const q = search.toString();
  return (q === '' ? filled : `${filled}?${q}`) as Path<U>;
}

export const api = {
  get: <T extends Target<'GET'>>(url: T): Answer<'GET', T> => send('GET', url),
  /**
   * A GET for automatic refreshes: not user activity, so an unattended screen still times out;
   * only the read-only projector screen (`?projector=1`) keeps its session alive.
   */
  poll: <T extends Target<'GET'>>(url: T): Answer<'GET', T> => send('GET', url, undefined, true),
  post: <T extends Target<'POST'>>(url: T, ...body: BodyArg<'POST', T>): Answer<'POST', T> => send('POST', url, body[0] ?? {}),
  put: <T extends Target<'PUT'>>(url: T, ...body: BodyArg<'PUT', T>): Answer<'PUT', T> => send('PUT', url, body[0] ?? {}),
  /** A file to a multipart route (its one field `file`). */
  upload: <T extends Target<'POST'>>(url: T, file: File): Answer<'POST', T> => {
    const form = new FormData();
    form.append('file', file, file.name);
    return send('POST', url, form);
  },
};
