/**
 * The HSB flow of a real election, through the real server, for every set of official files found
 * under ../shared/eml: a 110a `Verkiezingsdefinitie_<E>.eml.xml`, a 230b
 * `Kandidatenlijsten_<E>_<K>.eml.xml` and the HSB's 510c `Telling_<E>_kieskring_<K>.eml.xml` in one
 * folder (and, when present, the HSB's CSV `osv4-3_telling_<e>_kieskring_<k>.csv`, also spelled
 * `osv4_3_…`). Discovered, so a set added there later is tested without code changes.
 *
 * The flow (domain.md §4-§8), as the users would do it:
 *   phase 1: the 110a imported for the kieskring (hash confirmed), the 230b (two hidden hash groups
 *     typed), the HSB's own key, every municipality's certificate;
 *   phase 2: per municipality a signed 510b made from its block in the official 510c (A and D, which
 *     a 510c does not carry, filled in consistently: D = H − I + J, A = D − B − C) imported by the
 *     election leader (hidden groups typed, warnings acknowledged), then typed once more by a typist
 *     from the same PV, sending only the fields the form shape asks for (as the UI does);
 *   phase 3: PV text, definitief maken, the files created and downloaded.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSelfSignedCertificate, municipalitySubject } from '../../src/crypto/certificate.ts';
import { signDetached } from '../../src/crypto/cms.ts';
import { municipalitiesOf, municipalityCode, type CandidateLists, type ElectionDefinition } from '../../src/domain/election.ts';
import type { VoteCounts } from '../../src/domain/counts.ts';
import { countsToForm, type EntryForm } from '../../src/domain/entry.ts';
import { readElectionDefinition } from '../../src/eml/eml110a.ts';
import type { Eml510 } from '../../src/eml/eml510read.ts';
import { writeEml510b, type ElectionIdentifierInput } from '../../src/eml/eml510write.ts';
import { transferEmlName, transferZipName, writeTransferZip } from '../../src/transfer/zip.ts';
import { importCandidateListsFile, importCountZip, importMunicipalityKey, testKeyPair, typeEntry, withAAndD, expectStatus } from './counts.ts';
import { createDocuments, createOwnKey } from './documents.ts';
import { readCountFile, readListsFile } from './eml.ts';
import { EML } from './paths.ts';
import { adminClient, startTestServer, TestClock, userClient, type ApiClient, type TestServer } from './server.ts';

export interface HsbSet {
  /** e.g. 'tk2023 Amsterdam' */
  readonly label: string;
  readonly dir: string;
  /** From the file names, e.g. 'TK2023'. */
  readonly electionId: string;
  /** The kieskring's file-name part, e.g. 's-Gravenhage'. */
  readonly kieskringPart: string;
  readonly definitionFile: string;
  readonly listsFile: string;
  readonly countFile: string;
  /** The HSB's OSV 4-3 CSV, when the set has one. */
  readonly csvFile: string | null;
}

const flat = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Every 110a/230b/510c set under `root` (default ../shared/eml), by folder and kieskring. */
export function discoverHsbSets(root: string = EML): HsbSet[] {
  const out: HsbSet[] = [];
  const folders = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  for (const folder of folders) {
    const dir = path.join(root, folder);
    const files = readdirSync(dir).sort();
    for (const f of files) {
      const m = /^Telling_([A-Za-z0-9]+)_kieskring_(.+)\.eml\.xml$/.exec(f);
      if (!m) continue;
      const [, electionId, k] = m as unknown as [string, string, string];
      const definitionFile = `Verkiezingsdefinitie_${electionId}.eml.xml`;
      const listsFile = `Kandidatenlijsten_${electionId}_${k}.eml.xml`;
      if (!files.includes(definitionFile) || !files.includes(listsFile)) continue;
      const csvFile = files.find((x) => /^osv4[-_]3_telling_/i.test(x) && flat(x) === flat(`osv43telling${electionId}kieskring${k}csv`)) ?? null;
      out.push({ label: `${folder} ${k}`, dir, electionId, kieskringPart: k, definitionFile, listsFile, countFile: f, csvFile });
    }
  }
  return out;
}

export interface ChainMunicipality {
  readonly code: string;
  readonly name: string;
  /** The block of the official 510c with A and D filled in. */
  readonly counts: VoteCounts;
  /** The municipality's PV as typed (every field of the form). */
  readonly form: EntryForm;
}

export interface HsbChain {
  readonly set: HsbSet;
  readonly definition: ElectionDefinition;
  readonly election: ElectionIdentifierInput;
  readonly lists: CandidateLists;
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly official510c: Buffer;
  readonly official: Eml510;
  readonly officialCsv: Buffer | null;
  readonly municipalities: readonly ChainMunicipality[];
  readonly server: TestServer;
  admin: ApiClient;
  leader: ApiClient;
  typist: ApiClient;
  reader: ApiClient;
  ownCertificate: string;
}

const day = 24 * 3600 * 1000;

/** Read the set's files and start a server whose clock stands a week before the election. */
export async function startHsbChain(set: HsbSet, opts: { readonly tls?: boolean } = {}): Promise<HsbChain> {
  const defBytes = readFileSync(path.join(set.dir, set.definitionFile));
  const d = readElectionDefinition(defBytes);
  assert.ok(d.ok, d.ok ? '' : d.message);
  const definition = d.value;
  const lists = readListsFile(path.join(set.dir, set.listsFile));
  const official510c = readFileSync(path.join(set.dir, set.countFile));
  const official = await readCountFile(path.join(set.dir, set.countFile));
  const kieskring = { number: Number(lists.contestId), name: lists.contestName };
  assert.equal(official.header.contest.id, lists.contestId, 'the 510c and the 230b are of the same kieskring');
  const regions = municipalitiesOf(definition, kieskring.number);
  const municipalities = official.units.map((u) => {
    const m = /^HSB(\d+)::(\d{4})$/.exec(u.id);
    assert.ok(m && Number(m[1]) === kieskring.number, u.id);
    const region = regions.find((r) => municipalityCode(r.number) === m[2]);
    assert.ok(region, `${u.id} is a municipality of kieskring ${kieskring.number} in the 110a`);
    const counts = withAAndD(u.counts);
    return { code: m[2]!, name: region.name, counts, form: countsToForm(counts, lists) };
  });
  assert.deepEqual(municipalities.map((m) => m.code).sort(), regions.map((r) => municipalityCode(r.number)).sort(), 'the 510c has every municipality of the 110a');
  const start = new Date(new Date(`${definition.electionDate}T09:00:00Z`).getTime() - 7 * day);
  const server = await startTestServer({ clock: new TestClock(start), tls: opts.tls ?? false });
  return {
    set,
    definition,
    election: { id: definition.id, name: definition.name, category: definition.category, subcategory: definition.subcategory, date: definition.electionDate },
    lists,
    kieskring,
    official510c,
    official,
    officialCsv: set.csvFile ? readFileSync(path.join(set.dir, set.csvFile)) : null,
    municipalities,
    server,
    admin: undefined as unknown as ApiClient,
    leader: undefined as unknown as ApiClient,
    typist: undefined as unknown as ApiClient,
    reader: undefined as unknown as ApiClient,
    ownCertificate: '',
  };
}

/** A municipality's certificate for this election, valid from two months before to 100 days after election day. */
export async function chainCertificate(c: HsbChain, m: { code: string; name: string }): Promise<string> {
  const key = await testKeyPair();
  const date = new Date(`${c.election.date}T00:00:00Z`).getTime();
  return createSelfSignedCertificate({
    privateKeyPem: key.privateKeyPem,
    publicKeyPem: key.publicKeyPem,
    subject: municipalitySubject({ electionId: c.election.id, code: m.code, name: m.name, program: 'OSV2020-U test' }),
    notBefore: new Date(date - 60 * day),
    notAfter: new Date(date + 100 * day),
    serial: Buffer.from([3, ...Buffer.from(m.code, 'hex')]),
  });
}

/** Phase 1 through the API (110a for the kieskring, 230b, own key, every municipality's key), the users, phase 2. */
export async function chainPhase1(c: HsbChain): Promise<void> {
  c.admin = await adminClient(c.server);
  const defBytes = readFileSync(path.join(c.set.dir, c.set.definitionFile));
  const p = await c.admin.upload('/api/election/definition/preview', c.set.definitionFile, defBytes);
  expectStatus(p, 200, 'definition preview');
  expectStatus(await c.admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, kieskring: c.kieskring.number }), 200, 'definition confirm');
  await importCandidateListsFile(c.admin, c.set.listsFile, c.set.dir);
  c.ownCertificate = await createOwnKey(c.admin);
  for (const m of c.municipalities) await importMunicipalityKey(c.admin, m.code, await chainCertificate(c, m));
  c.leader = await userClient(c.server, c.admin, 'verkiezingsleider', 'leider');
  c.typist = await userClient(c.server, c.admin, 'invoer', 'invoer1');
  c.reader = await userClient(c.server, c.admin, 'alleen_lezen', 'lezer');
  expectStatus(await c.leader.post('/api/phase', { target: 2 }), 200, 'phase 2');
}

/** The municipality's signed transfer zip: its 510b (one polling station holding the totals) and signature. */
export async function chainCountZip(c: HsbChain, m: ChainMunicipality, counts: VoteCounts = m.counts): Promise<{ zip: Buffer; fileName: string; eml: Buffer }> {
  const r = writeEml510b({
    election: c.election,
    municipality: { code: m.code, name: m.name },
    kieskring: c.kieskring,
    candidateLists: c.lists,
    total: counts,
    pollingStations: [{ number: 1, name: 'Stembureau Stadhuis', postcode: '1234 AB', counts }],
    creationDateTime: `${c.election.date}T23:00:00.000`,
  });
  assert.ok(r.ok, r.ok ? '' : r.message);
  const key = await testKeyPair();
  const cert = await chainCertificate(c, m);
  const emlName = transferEmlName(c.election.id, 'gemeente', m.name);
  const zip = await writeTransferZip([
    { name: emlName, data: r.value },
    { name: `${emlName}.signature`, data: signDetached(r.value, key.privateKeyPem, cert) },
  ]);
  return { zip, fileName: transferZipName(c.election.id, 'gemeente', m.name), eml: r.value };
}

/** The form as the UI sends it: only the scalar fields the form shape asks for. */
export function asSentByUi(form: EntryForm, shapeKeys: readonly string[]): EntryForm {
  const scalars = Object.fromEntries(Object.entries(form.scalars).filter(([k]) => shapeKeys.includes(k)));
  return { scalars: scalars as EntryForm['scalars'], lists: form.lists };
}

/** Phase 2: every municipality imported from its signed 510b, then typed once more. */
export async function chainPhase2(c: HsbChain): Promise<void> {
  const shape = await c.typist.get('/api/counts/form-shape');
  expectStatus(shape, 200, 'form shape');
  const keys = (shape.json.scalars as { key: string }[]).map((s) => s.key);
  for (const m of c.municipalities) {
    const confirm = await importCountZip(c.leader, await chainCountZip(c, m));
    expectStatus(confirm, 200, `import ${m.code}`);
    const form = asSentByUi(m.form, keys);
    let r = await typeEntry(c.typist, m.code, form);
    if (r.json?.outcome?.kind === 'needs_attention') {
      const warnings = (r.json.checks as { code: string; severity: string }[]).filter((x) => x.severity === 'warning').map((x) => x.code);
      r = await c.typist.post(`/api/counts/${m.code}/submit`, { form, acknowledged: warnings });
    }
    assert.equal(r.json?.state, 'complete', `${m.code}: ${r.text.slice(0, 400)}`);
  }
}

export interface ChainDocument {
  readonly kind: string;
  readonly fileName: string;
  readonly bytes: Buffer;
}

/** Phase 3: PV text, definitief maken, the files created; every document downloaded. */
export async function chainPhase3(c: HsbChain): Promise<Map<string, ChainDocument>> {
  const pv = await c.leader.request('PUT', '/api/pv-details', {
    session: { place: c.kieskring.name, date: 'de dag na de verkiezing', time: '10:00 uur' },
    members: [{ name: 'mr. A. Voorzitter', role: 'voorzitter' }],
    objections: null,
    remarks: null,
  });
  expectStatus(pv, 200, 'pv details');
  const fin = await c.leader.post('/api/finalise');
  expectStatus(fin, 200, 'finalise');
  const job = await createDocuments(c.leader);
  assert.equal(job.json.stage, 'done', job.text);
  const list = await c.reader.get('/api/documents');
  expectStatus(list, 200, 'documents');
  const docs = new Map<string, ChainDocument>();
  for (const d of list.json.sets[0].documents as { id: number; kind: string; fileName: string }[]) {
    const r = await c.reader.get(`/api/documents/${d.id}/download`);
    expectStatus(r, 200, `download ${d.fileName}`);
    docs.set(d.kind, { kind: d.kind, fileName: d.fileName, bytes: r.bytes });
  }
  return docs;
}
