/**
 * Driving a CSB installation (centraal stembureau) with the TK2021 files: the 110a at the STAAT
 * level, the 20 kieskringen's 230b, the hoofdstembureaus' keys, and the kieskringen's signed count
 * zips built from the official `Telling_TK2021_kieskring_*.eml.xml` (510c) with the project's signing
 * code, as our HSB installation writes them (`Telling_TK2021_kieskring_<Name>.zip`).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSelfSignedCertificate, hsbSubject } from '../../src/crypto/certificate.ts';
import { signDetached } from '../../src/crypto/cms.ts';
import type { VoteCounts } from '../../src/domain/counts.ts';
import type { CandidateLists } from '../../src/domain/election.ts';
import { countsToForm, type EntryForm } from '../../src/domain/entry.ts';
import { hashGroups } from '../../src/domain/hashcode.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { readEml510dBlocks } from '../../src/eml/eml510d.ts';
import { emlHash, sha256Hex } from '../../src/eml/hash.ts';
import { transferEmlName, transferZipName, writeTransferZip } from '../../src/transfer/zip.ts';
import { expectStatus, testKeyPair } from './counts.ts';
import { eml } from './paths.ts';
import { adminClient, userClient, type ApiClient, type ApiResponse, type TestServer } from './server.ts';

export const TK2021_DIR = eml('tk2021');
export const DEFINITION_FILE = 'Verkiezingsdefinitie_TK2021.eml.xml';
export const OFFICIAL_510D_FILE = 'Totaaltelling_TK2021.eml.xml';
export const OFFICIAL_520_FILE = 'Resultaat_TK2021.eml.xml';

export interface CsbKieskring {
  readonly number: number;
  readonly name: string;
  readonly code: string;
  readonly listsFile: string;
  readonly lists: CandidateLists;
  /** The official 510c file name, when shared. */
  readonly countFile: string | null;
  /** The kieskring's block in the official 510d. */
  readonly block510d: VoteCounts;
}

/** The 20 kieskringen of TK2021 with their 230b, the shared 510c (7 of them) and their 510d block. */
export async function tk2021Kieskringen(): Promise<CsbKieskring[]> {
  const files = readdirSync(TK2021_DIR);
  const blocks = await readEml510dBlocks(readFileSync(path.join(TK2021_DIR, OFFICIAL_510D_FILE)));
  assert.ok(blocks.ok, blocks.ok ? '' : blocks.message);
  const out: CsbKieskring[] = [];
  for (const f of files.filter((n) => n.startsWith('Kandidatenlijsten_')).sort()) {
    const r = readCandidateLists(readFileSync(path.join(TK2021_DIR, f)));
    assert.ok(r.ok, r.ok ? '' : r.message);
    const number = Number(r.value.contestId);
    const part = f.replace(/^Kandidatenlijsten_TK2021_/, '').replace(/\.eml\.xml$/, '');
    const countFile = `Telling_TK2021_kieskring_${part}.eml.xml`;
    const block = blocks.value.kieskringen.get(number);
    assert.ok(block, `kieskring ${number} in the 510d`);
    out.push({
      number,
      name: r.value.contestName,
      code: `HSB${number}`,
      listsFile: f,
      lists: r.value,
      countFile: files.includes(countFile) ? countFile : null,
      block510d: block.counts,
    });
  }
  return out.sort((a, b) => a.number - b.number);
}

const day = 24 * 3600 * 1000;

/** The hoofdstembureau's certificate (PEM) for kieskring k, valid from two months before to 100 days after election day. */
export async function hsbCertificate(k: { number: number; name: string }, label = 'a'): Promise<string> {
  const key = await testKeyPair(label);
  const date = new Date('2021-03-17T00:00:00Z').getTime();
  return createSelfSignedCertificate({
    privateKeyPem: key.privateKeyPem,
    publicKeyPem: key.publicKeyPem,
    subject: hsbSubject({ electionId: 'TK2021', kieskringNumber: k.number, name: k.name, program: 'uitslag test' }),
    notBefore: new Date(date - 60 * day),
    notAfter: new Date(date + 100 * day),
    serial: Buffer.from([4, k.number]),
  });
}

/** The HSB's signed transfer zip of a kieskring's 510c (by default the official file). */
export async function kieskringZip(
  k: { number: number; name: string; countFile: string | null },
  opts: { eml?: Buffer; label?: string; tamper?: (eml: Buffer) => Buffer } = {},
): Promise<{ zip: Buffer; fileName: string; eml: Buffer }> {
  const bytes = opts.eml ?? (k.countFile !== null ? readFileSync(path.join(TK2021_DIR, k.countFile)) : null);
  assert.ok(bytes, `kieskring ${k.number} has no shared 510c; pass the EML`);
  const key = await testKeyPair(opts.label ?? 'a');
  const cert = await hsbCertificate(k, opts.label ?? 'a');
  const emlName = transferEmlName('TK2021', 'kieskring', k.name);
  const stored = opts.tamper ? opts.tamper(Buffer.from(bytes)) : bytes;
  const zip = await writeTransferZip([
    { name: emlName, data: stored },
    { name: `${emlName}.signature`, data: signDetached(bytes, key.privateKeyPem, cert) },
  ]);
  return { zip, fileName: transferZipName('TK2021', 'kieskring', k.name), eml: stored };
}

/** The two hidden groups of a file's hash code. */
export function groupsOf(bytes: Buffer, hidden: readonly number[]): [string, string] {
  const h = emlHash(bytes);
  const g = hashGroups(h.ok ? h.value.hex : sha256Hex(bytes));
  const [a, b] = hidden.map((i) => g[i]);
  assert.ok(a !== undefined && b !== undefined, `hidden groups ${hidden.join(', ')}`);
  return [a, b];
}

/** Aanmaken verkiezing at the STAAT level. */
export async function importCsbDefinition(admin: ApiClient, opts: { readonly practice?: boolean } = {}): Promise<ApiResponse> {
  const bytes = readFileSync(path.join(TK2021_DIR, DEFINITION_FILE));
  const p = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, bytes);
  expectStatus(p, 200, 'definition preview');
  assert.deepEqual(p.json.staat, { number: 1, name: 'Nederland' });
  return admin.post('/api/election/definition/confirm', {
    uploadId: p.json.uploadId,
    hashConfirmed: true,
    stemgebied: { category: 'STAAT', number: 1 },
    ...(opts.practice === undefined ? {} : { practice: opts.practice }),
  });
}

/** One kieskring's 230b through preview and confirm. */
export async function importCsbLists(admin: ApiClient, listsFile: string): Promise<ApiResponse> {
  const bytes = readFileSync(path.join(TK2021_DIR, listsFile));
  const p = await admin.upload('/api/csb/candidate-lists/preview', listsFile, bytes);
  expectStatus(p, 200, `lists preview ${listsFile}`);
  return admin.post('/api/csb/candidate-lists/confirm', { uploadId: p.json.uploadId, groups: groupsOf(bytes, p.json.hiddenGroups) });
}

/** A kieskring's count zip through upload and confirm (the warnings of the upload acknowledged). */
export async function importKieskringZip(leader: ApiClient, z: { zip: Buffer; fileName: string; eml: Buffer }): Promise<ApiResponse> {
  const p = await leader.upload('/api/csb/counts/import', z.fileName, z.zip);
  if (p.status !== 200) return p;
  const warnings = (p.json.checks as { code: string; severity: string }[]).filter((c) => c.severity === 'warning').map((c) => c.code);
  return leader.post('/api/csb/counts/import/confirm', { uploadId: p.json.uploadId, groups: groupsOf(z.eml, p.json.hiddenGroups), acknowledged: warnings });
}

/** The form of counts as a typist types it: only the fields of the form shape. */
export function typedForm(counts: VoteCounts, lists: CandidateLists, shapeKeys: readonly string[]): EntryForm {
  const form = countsToForm(counts, lists);
  const scalars = Object.fromEntries(Object.entries(form.scalars).filter(([k]) => shapeKeys.includes(k)));
  return { scalars: scalars as EntryForm['scalars'], lists: form.lists };
}

/** Claim and submit an entry of a kieskring, acknowledging the warnings it shows (and confirming a difference when asked). */
export async function typeKieskring(typist: ApiClient, code: string, form: EntryForm, opts: { confirmDifferent?: boolean } = {}): Promise<ApiResponse> {
  expectStatus(await typist.post(`/api/csb/counts/${code}/claim`), 200, `claim ${code}`);
  let r = await typist.post(`/api/csb/counts/${code}/submit`, { form });
  for (let i = 0; i < 2 && r.status === 200 && (r.json.outcome.kind === 'needs_attention' || r.json.outcome.kind === 'not_identical'); i++) {
    const warnings = (r.json.checks as { code: string; severity: string }[]).filter((c) => c.severity === 'warning').map((c) => c.code);
    r = await typist.post(`/api/csb/counts/${code}/submit`, {
      form,
      acknowledged: warnings,
      ...(opts.confirmDifferent ? { confirmDifferent: true } : {}),
    });
  }
  return r;
}

/**
 * The tie of the lot tests: lists 1-4 one vote each in kieskring 1, nothing elsewhere; 148 full seats
 * and 2 residual seats between 4 equal averages.
 */
export function tieCounts(k: CsbKieskring): VoteCounts {
  const voted = (n: number) => k.number === 1 && n <= 4;
  return {
    cast: 10,
    totalCounted: k.number === 1 ? 4 : 0,
    rejected: { ongeldig: 0, blanco: 0 },
    uncounted: [],
    lists: k.lists.affiliations.map((a) => ({
      listNumber: a.listNumber,
      total: voted(a.listNumber) ? 1 : 0,
      candidates: a.candidates.map((c) => ({ position: c.position, votes: voted(a.listNumber) && c.position === 1 ? 1 : 0 })),
    })),
  };
}

/** The form shape's scalar keys of a kieskring's entry (the fields a typist types). */
export async function kieskringShapeKeys(typist: ApiClient): Promise<string[]> {
  const shape = await typist.get('/api/csb/counts/HSB1/form-shape');
  expectStatus(shape, 200, 'form shape');
  return (shape.json.scalars as { key: string }[]).map((s) => s.key);
}

/**
 * A CSB in phase 3 with the tie (`tieCounts`) typed twice in every kieskring: Vaststellen uitslag then
 * asks for a lot. The lists of the 20 kieskringen are imported; the clients are returned.
 */
export async function csbWithTie(
  server: TestServer,
  opts: { readonly practice?: boolean } = {},
): Promise<{ admin: ApiClient; leader: ApiClient; t1: ApiClient; t2: ApiClient; kieskringen: CsbKieskring[] }> {
  const kieskringen = await tk2021Kieskringen();
  const admin = await adminClient(server);
  const leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
  const t1 = await userClient(server, admin, 'invoer', 'invoer1');
  const t2 = await userClient(server, admin, 'invoer', 'invoer2');
  expectStatus(await importCsbDefinition(admin, opts), 200, 'definition');
  for (const k of kieskringen) expectStatus(await importCsbLists(admin, k.listsFile), 200, `lists ${k.number}`);
  expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'phase 2');
  const keys = await kieskringShapeKeys(t1);
  for (const k of kieskringen) {
    const form = typedForm(tieCounts(k), k.lists, keys);
    assert.equal((await typeKieskring(t1, k.code, form)).json.state, 'first_done', k.code);
    assert.equal((await typeKieskring(t2, k.code, form)).json.state, 'complete', k.code);
  }
  expectStatus(await leader.post('/api/phase', { target: 3 }), 200, 'phase 3');
  return { admin, leader, t1, t2, kieskringen };
}

/** The 510c of a kieskring, read. */
export async function official510c(countFile: string) {
  const r = await readEml510(readFileSync(path.join(TK2021_DIR, countFile)));
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r.value;
}
