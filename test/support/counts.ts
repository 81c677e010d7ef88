/**
 * Phase 2 test data built from the official TK2021 kieskring file of Lelystad (kieskring 5, 6
 * municipalities): a municipality's `ReportingUnitVotes` block becomes its 510b `TotalVotes`.
 * The 510c carries neither A (geldige stempassen) nor D (toegelaten kiezers); they are filled in
 * consistently: D = H − I + J, A = D − B − C, so every check passes.
 *
 *   const t = municipalityTotals('0034');          // { code, name, counts, form }
 *   const key = await testKeyPair();               // RSA-4096, cached per process
 *   const cert = municipalityCertificate('0034', 'Almere', key);
 *   const eml = build510b('0034');                 // Buffer (EML 510b)
 *   const { zip, fileName } = await buildSignedCountZip({ code: '0034', key, cert });
 *
 * Used by the server tests and by the UI's browser test.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSelfSignedCertificate, municipalitySubject } from '../../src/crypto/certificate.ts';
import { signDetached } from '../../src/crypto/cms.ts';
import { generateRsaKeyPair, type RsaKeyPair } from '../../src/crypto/keys.ts';
import { orderReasons, uncountedValue, type VoteCounts } from '../../src/domain/counts.ts';
import type { CandidateLists } from '../../src/domain/election.ts';
import { countsToForm, type EntryForm } from '../../src/domain/entry.ts';
import { readEml510, type Eml510 } from '../../src/eml/eml510read.ts';
import { writeEml510b, type PollingStationCounts } from '../../src/eml/eml510write.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { transferEmlName, transferZipName, writeTransferZip, type TransferZipEntry } from '../../src/transfer/zip.ts';
import { hashGroups } from '../../src/domain/hashcode.ts';
import { sha256Hex } from '../../src/eml/hash.ts';
import { eml } from './paths.ts';
import { adminClient, userClient, type ApiClient, type ApiResponse, type TestServer } from './server.ts';

export const KIESKRING_FILE = 'Telling_TK2021_kieskring_Lelystad.eml.xml';
export const LISTS_FILE = 'Kandidatenlijsten_TK2021_Lelystad.eml.xml';
/** The municipalities of kieskring 5 (Lelystad) in TK2021. */
export const LELYSTAD_MUNICIPALITIES = [
  { code: '0034', name: 'Almere' },
  { code: '0050', name: 'Zeewolde' },
  { code: '0171', name: 'Noordoostpolder' },
  { code: '0184', name: 'Urk' },
  { code: '0303', name: 'Dronten' },
  { code: '0995', name: 'Lelystad' },
] as const;

export const TK2021_ELECTION = {
  id: 'TK2021',
  name: 'Tweede Kamer der Staten-Generaal 2021',
  category: 'TK',
  subcategory: 'TK',
  date: '2021-03-17',
} as const;

let official: Eml510 | null = null;
let lists: CandidateLists | null = null;

/** The official kieskring file (510c), parsed once. */
export async function officialKieskring(): Promise<Eml510> {
  if (official) return official;
  const r = await readEml510(readFileSync(eml('tk2021', KIESKRING_FILE)));
  if (!r.ok) throw new Error(`${KIESKRING_FILE}: ${r.message}`);
  official = r.value;
  return official;
}

/** The candidate lists of kieskring Lelystad (230b), parsed once. */
export function lelystadLists(): CandidateLists {
  if (lists) return lists;
  const r = readCandidateLists(readFileSync(eml('tk2021', LISTS_FILE)));
  if (!r.ok) throw new Error(`${LISTS_FILE}: ${r.message}`);
  lists = r.value;
  return lists;
}

export function municipalityName(code: string): string {
  const m = LELYSTAD_MUNICIPALITIES.find((x) => x.code === code);
  if (!m) throw new Error(`not a municipality of kieskring Lelystad: ${code}`);
  return m.name;
}

/** A count with A and D added consistently (D = H − I + J, A = D − B − C). */
export function withAAndD(c: VoteCounts): VoteCounts {
  const v = (reason: string) => uncountedValue(c, reason) ?? 0;
  const H = c.totalCounted + c.rejected.blanco + c.rejected.ongeldig;
  const D = H - v('meer getelde stembiljetten') + v('minder getelde stembiljetten');
  const A = D - v('geldige volmachtbewijzen') - v('geldige kiezerspassen');
  if (A < 0) throw new Error('A would be negative');
  const map = new Map(c.uncounted.map((u) => [u.reason, u.count]));
  map.set('geldige stempassen', A);
  map.set('toegelaten kiezers', D);
  return { ...c, uncounted: orderReasons(map.keys()).map((reason) => ({ reason, count: map.get(reason)! })) };
}

export interface MunicipalityTotals {
  readonly code: string;
  readonly name: string;
  /** The municipality's totals from the official file, with A and D filled in. */
  readonly counts: VoteCounts;
  /** The same as an entry form in the shape of the candidate lists. */
  readonly form: EntryForm;
}

export async function municipalityTotals(code: string): Promise<MunicipalityTotals> {
  const k = await officialKieskring();
  const unit = k.units.find((u) => u.id === `HSB5::${code}`);
  if (!unit) throw new Error(`no ReportingUnitVotes HSB5::${code} in ${KIESKRING_FILE}`);
  const counts = withAAndD(unit.counts);
  return { code, name: unit.name, counts, form: countsToForm(counts, lelystadLists()) };
}

/** The EntryForm of a municipality as on its paper PV (every check passes). */
export async function formFromOfficial(code: string): Promise<EntryForm> {
  return (await municipalityTotals(code)).form;
}

/** A deep copy of a form with some fields changed: { Z: 0 } or { 'list.1.1': 5 } or { 'list.1': 7 }. */
export function changeForm(form: EntryForm, changes: Record<string, number | null>): EntryForm {
  const scalars = { ...form.scalars } as Record<string, number | null>;
  const listsCopy = form.lists.map((l) => ({ ...l, candidates: [...l.candidates] }));
  for (const [id, value] of Object.entries(changes)) {
    const m = /^list\.(\d+)(?:\.(\d+))?$/.exec(id);
    if (!m) {
      scalars[id] = value;
      continue;
    }
    const l = listsCopy.find((x) => x.listNumber === Number(m[1]));
    if (!l) throw new Error(`no list ${m[1]}`);
    if (m[2] === undefined) (l as { total: number | null }).total = value;
    else l.candidates[Number(m[2]) - 1] = value;
  }
  return { scalars: scalars as EntryForm['scalars'], lists: listsCopy };
}

export interface Build510bOptions {
  /** Change the totals before writing (e.g. to make sums not add up). */
  readonly mutate?: (c: VoteCounts) => VoteCounts;
  /** Polling stations (default: one station 'Stembureau Stadhuis' holding the totals). */
  readonly pollingStations?: readonly PollingStationCounts[];
  /** Write as if for another municipality code/name (e.g. of another kieskring). */
  readonly municipality?: { readonly code: string; readonly name: string };
  readonly kieskring?: { readonly number: number; readonly name: string };
  readonly candidateLists?: CandidateLists;
  readonly creationDateTime?: string;
}

/** A municipality's EML 510b built from the official kieskring file. */
export async function build510b(code: string, opts: Build510bOptions = {}): Promise<Buffer> {
  const t = await municipalityTotals(code);
  const total = opts.mutate ? opts.mutate(t.counts) : t.counts;
  const r = writeEml510b({
    election: TK2021_ELECTION,
    municipality: opts.municipality ?? { code, name: t.name },
    kieskring: opts.kieskring ?? { number: 5, name: 'Lelystad' },
    candidateLists: opts.candidateLists ?? lelystadLists(),
    total,
    pollingStations: opts.pollingStations ?? [{ number: 1, name: 'Stembureau Stadhuis', postcode: '1234 AB', counts: total }],
    creationDateTime: opts.creationDateTime ?? '2021-03-18T10:00:00.000',
  });
  if (!r.ok) throw new Error(`writeEml510b: ${r.message}`);
  return r.value;
}

const keyPairs = new Map<string, Promise<RsaKeyPair>>();

/** An RSA-4096 key pair, generated once per process and label ('a', 'b', …). */
export function testKeyPair(label = 'a'): Promise<RsaKeyPair> {
  let p = keyPairs.get(label);
  if (!p) keyPairs.set(label, (p = generateRsaKeyPair()));
  return p;
}

/** A municipality's certificate (PEM) for the key pair; valid by default 2021-02-01 .. 2021-06-17. */
export function municipalityCertificate(
  code: string,
  name: string,
  key: RsaKeyPair,
  validity: { notBefore?: string; notAfter?: string } = {},
): string {
  return createSelfSignedCertificate({
    privateKeyPem: key.privateKeyPem,
    publicKeyPem: key.publicKeyPem,
    subject: municipalitySubject({ electionId: 'TK2021', code, name, program: 'OSV2020-U 2.24.2' }),
    notBefore: new Date(validity.notBefore ?? '2021-02-01T00:00:00Z'),
    notAfter: new Date(validity.notAfter ?? '2021-06-17T23:59:59Z'),
    serial: Buffer.from([1, ...Buffer.from(code, 'hex')]),
  });
}

export interface SignedZipOptions {
  readonly code: string;
  /** The EML bytes (default: build510b(code)). */
  readonly eml?: Buffer;
  /** Signing key and its certificate. */
  readonly key: RsaKeyPair;
  readonly cert: string;
  /** Change the EML after signing (a tampered file). */
  readonly tamper?: (eml: Buffer) => Buffer;
  /** Names (default: the official transfer names of the municipality). */
  readonly emlName?: string;
  readonly zipName?: string;
  /** Extra or replacing entries (for unsafe-zip tests). */
  readonly entries?: (eml: TransferZipEntry, signature: TransferZipEntry) => TransferZipEntry[];
}

/** The municipality's transfer zip `Telling_TK2021_gemeente_<Name>.zip` with the EML and its detached signature. */
export async function buildSignedCountZip(opts: SignedZipOptions): Promise<{ zip: Buffer; fileName: string; eml: Buffer }> {
  const name = municipalityName(opts.code);
  const emlBytes = opts.eml ?? (await build510b(opts.code));
  const signature = signDetached(emlBytes, opts.key.privateKeyPem, opts.cert);
  const stored = opts.tamper ? opts.tamper(Buffer.from(emlBytes)) : emlBytes;
  const emlName = opts.emlName ?? transferEmlName('TK2021', 'gemeente', name);
  const emlEntry = { name: emlName, data: stored };
  const sigEntry = { name: `${emlName}.signature`, data: signature };
  const entries = opts.entries ? opts.entries(emlEntry, sigEntry) : [emlEntry, sigEntry];
  return { zip: await writeTransferZip(entries), fileName: opts.zipName ?? transferZipName('TK2021', 'gemeente', name), eml: stored };
}

// ---------------------------------------------------------------------------------------------
// Driving a (test) server through phase 2
// ---------------------------------------------------------------------------------------------

/** Check an API answer's status (throws an Error with the answer's text: usable outside node:test, e.g. by the bench). */
export function expectStatus(r: ApiResponse, status: number, what: string): void {
  if (r.status !== status) throw new Error(`${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
}

/**
 * Phase 1 with the real TK2021 files, as a user would: the election definition for `kieskring`
 * (hash confirmed) and the candidate lists `listsFile` (the two hidden hash groups typed).
 */
export async function importTk2021Election(admin: ApiClient, kieskring: number, listsFile: string): Promise<void> {
  const defName = 'Verkiezingsdefinitie_TK2021.eml.xml';
  const p = await admin.upload('/api/election/definition/preview', defName, readFileSync(eml('tk2021', defName)));
  expectStatus(p, 200, 'definition preview');
  expectStatus(await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, kieskring }), 200, 'definition confirm');
  await importCandidateListsFile(admin, listsFile);
}

/** Import a candidate list file (230b; default from the TK2021 folder) through the API, typing the two hidden hash groups. */
export async function importCandidateListsFile(admin: ApiClient, listsFile: string, dir: string = eml('tk2021')): Promise<void> {
  const listBytes = readFileSync(path.join(dir, listsFile));
  const lp = await admin.upload('/api/election/candidate-lists/preview', listsFile, listBytes);
  expectStatus(lp, 200, 'lists preview');
  const g = hashGroups(sha256Hex(listBytes));
  expectStatus(
    await admin.post('/api/election/candidate-lists/confirm', { uploadId: lp.json.uploadId, groups: [g[lp.json.hiddenGroups[0]], g[lp.json.hiddenGroups[1]]] }),
    200,
    'lists confirm',
  );
}

/** Import a municipality's certificate through the API (as a user with keys.import). */
export async function importMunicipalityKey(admin: ApiClient, code: string, certPem: string): Promise<void> {
  const p = await admin.upload(`/api/election/regions/${code}/key/preview`, `public_key_${code}.crt`, certPem);
  expectStatus(p, 200, `key preview ${code}`);
  if (!p.json.importable) throw new Error(`key ${code} not importable: ${p.json.reasons.join(' ')}`);
  const c = await admin.post(`/api/election/regions/${code}/key/confirm`, { uploadId: p.json.uploadId, replace: true });
  expectStatus(c, 200, `key confirm ${code}`);
}

export interface Phase2Setup {
  readonly admin: ApiClient;
  readonly leader: ApiClient;
  /** Three typists: invoer1, invoer2, invoer3. */
  readonly typists: readonly ApiClient[];
  readonly reader: ApiClient;
}

/**
 * Bring a fresh server to phase 2 for kieskring Lelystad: definition and candidate lists imported
 * (hash groups typed), users leider / invoer1..3 / lezer, the certificates of `keysFor` imported,
 * phase 2 active.
 */
export async function preparePhase2(
  server: TestServer,
  opts: { keysFor?: readonly string[]; key?: RsaKeyPair; validity?: { notBefore?: string; notAfter?: string }; admin?: ApiClient } = {},
): Promise<Phase2Setup> {
  const admin = opts.admin ?? (await adminClient(server));
  await importTk2021Election(admin, 5, LISTS_FILE);
  if (opts.keysFor?.length) {
    const key = opts.key ?? (await testKeyPair());
    for (const code of opts.keysFor) {
      await importMunicipalityKey(admin, code, municipalityCertificate(code, municipalityName(code), key, opts.validity));
    }
  }
  const leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
  const typists = [
    await userClient(server, admin, 'invoer', 'invoer1'),
    await userClient(server, admin, 'invoer', 'invoer2'),
    await userClient(server, admin, 'invoer', 'invoer3'),
  ];
  const reader = await userClient(server, admin, 'alleen_lezen', 'lezer');
  expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'phase 2');
  return { admin, leader, typists, reader };
}

/** Upload a count zip and poll the job until it is ready or failed; returns the last job answer. */
export async function uploadCountZip(leader: ApiClient, zip: Buffer, fileName: string, timeoutMs = 60_000): Promise<ApiResponse> {
  const up = await leader.upload('/api/counts/import', fileName, zip);
  if (up.status !== 202) return up;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // `?wait=1`: answered once the job moved on (or after at most 2 s), so no timer is needed here.
    const j = await leader.get(`/api/counts/import/${up.json.jobId}?wait=1`);
    if (j.status !== 200 || j.json.stage === 'ready' || j.json.stage === 'failed') return j;
    if (Date.now() > deadline) throw new Error('import job did not finish');
  }
}

/** The two hidden groups of a preview, typed from the EML's own hash. */
export function typedGroups(emlBytes: Buffer, hidden: readonly [number, number] | readonly number[]): [string, string] {
  const g = hashGroups(sha256Hex(emlBytes));
  return [g[hidden[0]!]!, g[hidden[1]!]!];
}

/** Upload, wait, and confirm (acknowledging the preview's warnings). Returns the confirm answer. */
export async function importCountZip(
  leader: ApiClient,
  z: { zip: Buffer; fileName: string; eml: Buffer },
  acknowledged?: readonly string[],
): Promise<ApiResponse> {
  const j = await uploadCountZip(leader, z.zip, z.fileName);
  expectStatus(j, 200, 'import job');
  if (j.json.stage !== 'ready') throw new Error(`import failed: ${JSON.stringify(j.json.error)}`);
  const preview = j.json.preview;
  return leader.post('/api/counts/import/confirm', {
    uploadId: preview.uploadId,
    groups: typedGroups(z.eml, preview.hiddenGroups),
    acknowledged: acknowledged ?? preview.checks.filter((c: { severity: string }) => c.severity === 'warning').map((c: { code: string }) => c.code),
  });
}

/** Claim, then submit a form as a typist; returns the submit answer. */
export async function typeEntry(
  typist: ApiClient,
  code: string,
  form: EntryForm,
  extra: { acknowledged?: readonly string[]; confirmErrors?: boolean; confirmDifferent?: boolean } = {},
): Promise<ApiResponse> {
  const c = await typist.post(`/api/counts/${code}/claim`);
  expectStatus(c, 200, `claim ${code}`);
  return typist.post(`/api/counts/${code}/submit`, { form, acknowledged: extra.acknowledged ?? [], ...extra });
}

/** Claim and submit a form as a typist, acknowledging the warnings the server reports. */
export async function enterAcknowledged(typist: ApiClient, code: string, form: EntryForm): Promise<void> {
  let r = await typeEntry(typist, code, form);
  if (r.json?.outcome?.kind === 'needs_attention') {
    const w = (r.json.checks as { code: string; severity: string }[]).filter((c) => c.severity === 'warning').map((c) => c.code);
    r = await typist.post(`/api/counts/${code}/submit`, { form, acknowledged: w });
  }
  if (!['first_done', 'complete'].includes(r.json?.outcome?.kind)) throw new Error(`${code}: ${r.text}`);
}
