/**
 * The UI's only door to the server: a small fetch wrapper around the JSON API (docs/api.md).
 * Expected failures are values (house rule 2): every call resolves to a `Result` whose failure
 * carries the server's Dutch `message`. A 401 on any call but login tells the app that the
 * session is gone; a 403 `password.change_required` that the password must be changed first.
 */
import { fail, ok, type Failure, type Success } from '../domain/result.ts';
import type { Permission, Role } from '../domain/permissions.ts';
import type { CheckResult } from '../domain/checks.ts';
import type { EntryForm, FieldId } from '../domain/entry.ts';
import type { Indicator, UnitActionName, UnitStateKind } from '../domain/doubleEntry.ts';
import type { ApiResponse } from '../server/routes/index.ts';

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

async function send<T>(method: string, path: string, body?: unknown, poll = false): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // Automatic refreshes are not activity (the server does not reset the idle timer for them),
  // except the read-only projector screen, which must not expire.
  const activity = path !== '/api/session' && (!poll || /[?&]projector=1(&|$)/.test(path));
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
    response = await fetch(path, init);
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
  if (response.status === 401 && !['/api/login', '/api/password', '/api/session'].includes(path)) listener('unauthorized');
  if (response.status === 403 && code === 'password.change_required') listener('password_change_required');
  const lines = Array.isArray(err?.lines) ? (err.lines as { line: number; message: string }[]) : undefined;
  return failure(response.status, code, message, err?.detail, lines);
}

export const api = {
  get: <T>(path: string) => send<T>('GET', path),
  /**
   * A GET for automatic refreshes: not user activity, so an unattended screen still times out;
   * only the read-only projector screen (`?projector=1`) keeps its session alive.
   */
  poll: <T>(path: string) => send<T>('GET', path, undefined, true),
  post: <T>(path: string, body: unknown = {}) => send<T>('POST', path, body),
  put: <T>(path: string, body: unknown = {}) => send<T>('PUT', path, body),
  upload: <T>(path: string, file: File) => {
    const form = new FormData();
    form.append('file', file, file.name);
    return send<T>('POST', path, form);
  },
};
