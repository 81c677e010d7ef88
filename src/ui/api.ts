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
import type { Indicator, UnitStateKind } from '../domain/doubleEntry.ts';

export interface User {
  id: number | string;
  username: string;
  fullName: string;
  role: Role;
  mustChangePassword: boolean;
  disabled: boolean;
}

export interface Session {
  user: User;
  permissions: Permission[];
  idleTimeoutSeconds: number;
  idleSecondsLeft: number;
}

export interface Election {
  id: string;
  name: string;
  category: string;
  electionDate: string;
  numberOfSeats: number;
  stemgebied: Stemgebied;
  definition: { fileName: string; hash: string };
  candidateLists: null | { fileName: string; hash: string; lists: number; candidates: number };
}

/**
 * The installation's stemgebied: a kieskring (an HSB installation), a municipality (a gemeente
 * installation) or the STAAT (the centraal stembureau, CSB).
 */
export type Stemgebied =
  | { category: 'KIESKRING'; number: number | string; name: string }
  | { category: 'STAAT'; number: number | string; name: string }
  | { category: 'GEMEENTE'; number: number | string; code: string; name: string; kieskring: { number: number | string; name: string } };

/** What a reporting unit of phase 2 is: a municipality (HSB) or a polling station (gemeente). */
export type UnitKind = 'gemeente' | 'stembureau';

export interface ElectionState {
  election: Election | null;
  phase: number;
}

export interface DefinitionPreview {
  uploadId: string;
  fileName: string;
  hash: string;
  electionId: string;
  name: string;
  electionDate: string;
  numberOfSeats: number;
  kieskringen: { number: number | string; name: string }[];
  /** The 110a's STAAT region (the centraal stembureau's stemgebied); absent on older servers. */
  staat?: { number: number | string; name: string } | null;
  /** Every municipality of the 110a (a gemeente installation chooses one); absent on older servers. */
  municipalities?: { number: number | string; code: string; name: string; kieskring: number | string }[];
}

export interface CandidateListsPreview {
  uploadId: string;
  fileName: string;
  maskedHash: string;
  hiddenGroups: [number, number];
  contestId: string | number;
  contestName: string;
  lists: number;
  candidates: number;
}

export interface KeyInfo {
  subject: string;
  fingerprint: string;
  notAfter: string;
  importedAt: string;
}

export interface Municipality {
  number: number | string;
  code: string;
  name: string;
  key: KeyInfo | null;
}

export interface Regions {
  stemgebied?: Stemgebied;
  kieskring: { number: number | string; name: string };
  municipalities: Municipality[];
}

export interface ListSummary {
  listNumber: number;
  name: string;
  type: string;
  publishGender: boolean;
  candidates: number;
}

export interface Candidate {
  position: number;
  name: string;
  initials: string;
  firstName: string | null;
  prefix: string | null;
  lastName: string;
  gender: string | null;
  locality: string | null;
}

export interface OwnKey {
  subject: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  fileName: string;
}

export interface KeyPreview {
  uploadId: string;
  subject: string;
  /** CN and L of the subject: the authority's name and place, checked against the municipality. */
  commonName: string;
  locality: string;
  fingerprint: string;
  notBefore: string;
  notAfter: string;
  importable: boolean;
  reasons: string[];
  /** Replacing after phase 1: the election leader must first confirm this key's fingerprint. */
  replaceNeedsLeader?: boolean;
}

export interface PhaseInfo {
  number: number;
  label: string;
  active: boolean;
  canActivate: boolean;
  reason: string | null;
}

export interface AuditRecord {
  id: number;
  at: string;
  username: string | null;
  role: string | null;
  action: string;
  details: unknown;
  hash: string;
}

export interface AuditPage {
  records: AuditRecord[];
  chain: { intact: boolean; firstBrokenId: number | null };
}

// ---- Phase 2: steminvoer (docs/api.md "Phase 2: Steminvoer") ----

export type { CheckResult, EntryForm, FieldId, Indicator, UnitStateKind };

export type { FormShape } from '../domain/entryStructure.ts';

export interface EntryInfo {
  username: string;
  source?: 'typed' | 'import';
  at: string;
}

export interface ClaimInfo {
  username: string;
  entry: 1 | 2;
  since: string;
}

export interface MunicipalityStatus {
  code: string;
  unitKind?: UnitKind;
  postcode?: string | null;
  number: number | string;
  name: string;
  state: UnitStateKind;
  indicator: Indicator;
  first: EntryInfo | null;
  second: EntryInfo | null;
  claimedBy: ClaimInfo | null;
  warnings: string[];
  updatedAt: string | null;
}

/** The server's check for changes outside the program (GET /api/integrity; also in the status answers). */
export interface IntegrityStatus {
  ok: boolean;
  problems: { kind: 'unit' | 'document' | 'chain' | 'anchor'; message: string }[];
}

export interface CountsStatus {
  phase: number;
  unitKind?: UnitKind;
  total: number;
  complete: number;
  byIndicator: Record<Indicator, number>;
  municipalities: MunicipalityStatus[];
  integrity?: IntegrityStatus;
}

export type CountAction = 'claim' | 'continue' | 'release' | 'delete' | 'resolve' | 'import';

export interface HistoryItem {
  at: string;
  username: string | null;
  role: string | null;
  action: string;
  details: unknown;
}

export interface MunicipalityDetail {
  municipality: { code: string; number: number | string; name: string };
  unit?: { kind: UnitKind; code: string; number: number | string; name: string; postcode: string | null };
  state: UnitStateKind;
  indicator: Indicator;
  first: EntryInfo | null;
  second: EntryInfo | null;
  claimedBy: ClaimInfo | null;
  checks: CheckResult[];
  history: HistoryItem[];
  actions: CountAction[];
}

export interface Claim {
  entry: 1 | 2;
  form: EntryForm;
}

export type SubmitOutcome =
  | { kind: 'needs_attention'; blocking: 'empty' | 'errors' | 'warnings'; checks?: CheckResult[] }
  | { kind: 'not_identical'; fields: FieldId[] }
  | { kind: 'first_done'; source?: 'typed' | 'import' }
  | { kind: 'first_with_errors' }
  | { kind: 'complete' }
  | { kind: 'differences'; fields?: FieldId[] };

export interface SubmitResult {
  outcome: SubmitOutcome;
  state: UnitStateKind;
  checks: CheckResult[];
}

export interface Difference {
  id: FieldId;
  label: string;
  first: number | null;
  second: number | null;
}

export interface ImportPreview {
  uploadId: string;
  fileName: string;
  municipality: { code: string; name: string };
  maskedHash: string;
  hiddenGroups: [number, number];
  signer: { subject: string; fingerprint: string } | null;
  embeddedMatchesTrusted: boolean | null;
  checks: CheckResult[];
}

export interface ImportJob {
  stage: 'queued' | 'verifying' | 'reading' | 'checking' | 'ready' | 'failed';
  progress: number;
  error?: { code: string; message: string; detail?: string };
  preview?: ImportPreview;
}

// ---- Gemeente: polling stations (docs/api.md "Gemeente") ----

export interface PollingStation {
  number: number;
  code: string;
  name: string;
  postcode: string | null;
  hasEntries: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PollingStations {
  gemeente: { code: string; name: string };
  phase: number;
  editable: boolean;
  eligibleVoters: null | { count: number; updatedAt: string };
  pollingStations: PollingStation[];
}

export interface ApiFailure extends Failure {
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
