/**
 * Two installations side by side (issue 5): a gemeente (Dronten, 0303) and the HSB of its kieskring
 * (5, Lelystad), each with its own data directory and its own server on 127.0.0.1 (random ports),
 * both from the real TK2021 110a and Lelystad 230b.
 *
 * The gemeente defines 3 polling stations whose PVs add up exactly to Dronten's block in the
 * official Lelystad kieskring file (A and D filled in consistently, see test/support/counts.ts):
 * stations 1 and 2 carry a third of every number without differences, station 3 the rest (with
 * all of Dronten's differences and explanations). Two typists enter every station; the gemeente
 * finalises and creates its files; its certificate and signed zip are downloaded through its API.
 * The HSB imports that certificate for 0303, imports the zip (job, confirm with the hidden hash
 * groups), a second user types the municipality's totals, and Dronten is complete at the HSB with
 * exactly the official numbers.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { uncountedValue } from '../../src/domain/counts.ts';
import { countsToForm, SCALAR_FIELDS, type EntryForm } from '../../src/domain/entry.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import type { AppContext } from '../../src/server/context.ts';
import { completedUnits } from '../../src/server/counts.ts';
import { DB_FILE } from '../../src/server/main.ts';
import { readTransferZip } from '../../src/transfer/zip.ts';
import {
  importCountZip,
  importMunicipalityKey,
  lelystadLists,
  municipalityTotals,
  officialKieskring,
  preparePhase2,
  typeEntry,
} from '../support/counts.ts';
import { adminClient, startTestServer, userClient, type ApiClient, type ApiResponse, type TestServer } from '../support/server.ts';
import { createDocuments } from '../support/documents.ts';
import { unzip } from '../support/zip.ts';
import { DEFINITION_FILE, importCandidateLists, tk2021 } from './fixtures.ts';

const DRONTEN = { number: 303, code: '0303', name: 'Dronten' };

type Scalars = Record<string, number | null>;

/**
 * Split a municipality's PV into three polling-station PVs that add up exactly: stations 1 and 2
 * get a third of every vote count with D = H (no differences), station 3 the remainder.
 * Z is left empty at every station (the municipality's Z is entered separately).
 */
export function splitInThree(total: EntryForm): [EntryForm, EntryForm, EntryForm] {
  const third = (x: number | null) => (x === null ? null : Math.floor(x / 3));
  const lists = total.lists.map((l) => {
    const candidates = l.candidates.map(third);
    return { listNumber: l.listNumber, candidates, total: candidates.reduce<number>((n, c) => n + (c ?? 0), 0) };
  });
  const t = total.scalars as unknown as Scalars;
  const s: Scalars = {};
  for (const f of SCALAR_FIELDS) s[f.key] = t[f.key] === null ? null : 0;
  s.Z = null;
  s.E = lists.reduce((n, l) => n + l.total, 0);
  s.F = third(t.F!)!;
  s.G = third(t.G!)!;
  s.H = s.E + s.F + s.G;
  s.D = s.H;
  s.B = third(t.B!)!;
  s.C = third(t.C!)!;
  s.A = s.D - s.B - s.C;
  const small: EntryForm = { scalars: s as unknown as EntryForm['scalars'], lists };
  const rest: Scalars = {};
  for (const f of SCALAR_FIELDS) {
    const v = t[f.key] ?? null;
    rest[f.key] = v === null ? null : v - 2 * (s[f.key] ?? 0);
  }
  rest.Z = null;
  const restLists = total.lists.map((l, i) => ({
    listNumber: l.listNumber,
    candidates: l.candidates.map((c, j) => (c === null ? null : c - 2 * (lists[i]!.candidates[j] ?? 0))),
    total: l.total === null ? null : l.total - 2 * lists[i]!.total,
  }));
  for (const [k, v] of Object.entries(rest)) if (v !== null && v < 0) throw new Error(`negative ${k}`);
  return [small, structuredClone(small), { scalars: rest as unknown as EntryForm['scalars'], lists: restLists }];
}

async function enterAcknowledging(t: ApiClient, code: string, form: EntryForm): Promise<ApiResponse> {
  let r = await typeEntry(t, code, form);
  assert.equal(r.status, 200, `${code}: ${r.text}`);
  if (r.json.outcome.kind === 'needs_attention' && r.json.outcome.blocking === 'warnings') {
    const warnings = (r.json.checks as { code: string; severity: string }[]).filter((x) => x.severity === 'warning').map((x) => x.code);
    r = await t.post(`/api/counts/${code}/submit`, { form, acknowledged: warnings });
    assert.equal(r.status, 200, `${code}: ${r.text}`);
  }
  return r;
}

describe('two installations side by side: gemeente Dronten → HSB Lelystad (TK2021)', () => {
  let gemeente: TestServer;
  let hsb: TestServer;
  let certificate: { pem: string; fileName: string };
  let zip: { bytes: Buffer; fileName: string };
  let hsbLeader: ApiClient;

  before(async () => {
    gemeente = await startTestServer();
    hsb = await startTestServer();
  });
  after(async () => {
    await gemeente?.close();
    await hsb?.close();
  });

  test('two data directories, two ports on 127.0.0.1', () => {
    assert.notEqual(gemeente.dataDir, hsb.dataDir);
    assert.notEqual(gemeente.port, hsb.port);
    for (const s of [gemeente, hsb]) assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('the split of the official Dronten block adds up exactly', async () => {
    const t = await municipalityTotals(DRONTEN.code);
    const parts = splitInThree(t.form);
    const sum = (k: string) => parts.reduce((n, p) => n + ((p.scalars as unknown as Scalars)[k] ?? 0), 0);
    for (const f of SCALAR_FIELDS) {
      if (f.key === 'Z') continue;
      assert.equal(sum(f.key), (t.form.scalars as unknown as Scalars)[f.key] ?? 0, f.key);
    }
    t.form.lists.forEach((l, i) => {
      assert.equal(parts.reduce((n, p) => n + p.lists[i]!.total!, 0), l.total, `list ${l.listNumber}`);
      l.candidates.forEach((c, j) => assert.equal(parts.reduce((n, p) => n + p.lists[i]!.candidates[j]!, 0), c));
    });
  });

  test('the gemeente: set up, 3 stations entered twice, finalised, files created; key and zip downloaded', async () => {
    const admin = await adminClient(gemeente);
    const p = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
    assert.equal(p.status, 200, p.text);
    const c = await admin.post('/api/election/definition/confirm', {
      uploadId: p.json.uploadId,
      hashConfirmed: true,
      stemgebied: { category: 'GEMEENTE', number: DRONTEN.number },
    });
    assert.equal(c.status, 200, c.text);
    await importCandidateLists(admin);
    assert.equal((await admin.post('/api/keys/own')).status, 201);
    const leader = await userClient(gemeente, admin, 'verkiezingsleider', 'leider');
    const typists = [await userClient(gemeente, admin, 'invoer', 'invoer1'), await userClient(gemeente, admin, 'invoer', 'invoer2')];

    const csv = 'nummer;naam;postcode\n1;Gemeentehuis Dronten;8251 GA\n2;Het Koetshuis;8255 AD\n3;Mobiel stembureau;\n';
    assert.equal((await admin.upload('/api/polling-stations/import', 'stembureaus.csv', csv)).status, 200);
    const t = await municipalityTotals(DRONTEN.code);
    assert.equal((await admin.request('PUT', '/api/election/eligible-voters', { count: t.counts.cast })).status, 200);
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);

    const forms = splitInThree(t.form);
    for (const [i, form] of forms.entries()) {
      assert.equal((await enterAcknowledging(typists[0]!, `SB${i + 1}`, form)).json.state, 'first_done');
      assert.equal((await enterAcknowledging(typists[1]!, `SB${i + 1}`, form)).json.state, 'complete');
    }
    const pv = await leader.request('PUT', '/api/pv-details', {
      session: { place: 'Dronten, gemeentehuis', date: '18 maart 2021', time: '09:00 uur' },
      members: [{ name: 'J. Bakker', role: 'voorzitter' }],
      objections: null,
      remarks: null,
    });
    assert.equal(pv.status, 200, pv.text);
    assert.equal((await leader.post('/api/finalise')).status, 200);
    const job = await createDocuments(leader);
    assert.equal(job.json.stage, 'done', JSON.stringify(job.json));

    const cert = await admin.get('/api/keys/own/certificate');
    assert.equal(cert.status, 200);
    certificate = { pem: cert.text, fileName: /filename="([^"]+)"/.exec(cert.headers.get('content-disposition') ?? '')![1]! };
    assert.equal(certificate.fileName, 'public_key_uitslag_tk2021-gemeente_dronten.crt');
    const docs = await leader.get('/api/documents');
    const z = docs.json.sets[0].documents.find((d: { kind: string }) => d.kind === 'zip_gemeente');
    const dl = await leader.get(`/api/documents/${z.id}/download`);
    assert.equal(dl.status, 200);
    zip = { bytes: dl.bytes, fileName: /filename="([^"]+)"/.exec(dl.headers.get('content-disposition') ?? '')![1]! };
    assert.equal(zip.fileName, 'Telling_TK2021_gemeente_Dronten.zip');
  });

  test('the HSB: imports the key and the zip, a second user types the totals: Dronten complete with the official numbers', async () => {
    const setup = await preparePhase2(hsb);
    hsbLeader = setup.leader;
    await importMunicipalityKey(setup.admin, DRONTEN.code, certificate.pem);

    const contents = await readTransferZip(zip.bytes);
    assert.ok(contents.ok);
    const emlBytes = contents.value.eml;
    const confirm = await importCountZip(setup.leader, { zip: zip.bytes, fileName: zip.fileName, eml: emlBytes });
    assert.equal(confirm.status, 200, confirm.text);
    const afterImport = await setup.reader.get(`/api/counts/${DRONTEN.code}`);
    assert.equal(afterImport.json.state, 'first_done', afterImport.text);

    // The second user types the municipality's totals from the gemeente's paper PV (= the 510b's TotalVotes).
    const parsed = await readEml510(emlBytes);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.units.length, 3);
    const typed = countsToForm(parsed.value.total!, lelystadLists());
    const second = await enterAcknowledging(setup.typists[1]!, DRONTEN.code, typed);
    assert.equal(second.json.state, 'complete', second.text);

    const status = await setup.reader.get('/api/counts/status');
    const row = status.json.municipalities.find((m: { code: string }) => m.code === DRONTEN.code);
    assert.equal(row.state, 'complete', JSON.stringify(row));

    // exactly the official numbers of Dronten in the Lelystad kieskring file
    const official = (await officialKieskring()).units.find((u) => u.id === `HSB5::${DRONTEN.code}`)!.counts;
    const db = new Database(path.join(hsb.dataDir, DB_FILE), { readonly: true });
    try {
      const unit = completedUnits({ db } as unknown as AppContext).find((u) => u.code === DRONTEN.code);
      assert.ok(unit, 'Dronten complete at the HSB');
      const c = unit.counts;
      assert.equal(c.cast, official.cast);
      assert.equal(c.totalCounted, official.totalCounted);
      assert.deepEqual(c.rejected, official.rejected);
      assert.deepEqual(c.lists, official.lists);
      for (const u of official.uncounted) assert.equal(uncountedValue(c, u.reason), u.count, u.reason);
    } finally {
      db.close();
    }
  });

  test('the HSB archive holds the imported count zip byte for byte, listed in MANIFEST.txt; the stored copy is append-only', async () => {
    const r = await hsbLeader.get('/api/archive/download');
    assert.equal(r.status, 200, r.text);
    const entries = new Map(await unzip(r.bytes));
    const name = `invoer/steminvoer/${zip.fileName}`;
    const stored = entries.get(name);
    assert.ok(stored, `${name} in ${[...entries.keys()].join(', ')}`);
    assert.ok(stored.equals(zip.bytes), 'byte-identical to the uploaded zip');
    const sha = createHash('sha256').update(zip.bytes).digest('hex');
    const manifest = entries.get('MANIFEST.txt')!.toString('utf8');
    assert.ok(manifest.split('\n').includes(`${sha}  ${name}`), manifest);

    // the import's audit record carries the zip's hash; the row can be neither changed nor deleted
    const db = new Database(path.join(hsb.dataDir, DB_FILE));
    try {
      const row = db.prepare('SELECT code, file_name, size, sha256 FROM imported_count_files').get() as Record<string, unknown>;
      assert.deepEqual(row, { code: DRONTEN.code, file_name: zip.fileName, size: zip.bytes.length, sha256: sha });
      const h = db.prepare("SELECT details_json FROM count_history WHERE action = 'import'").get() as { details_json: string };
      assert.equal(JSON.parse(h.details_json).zipSha256, sha);
      assert.throws(() => db.prepare("UPDATE imported_count_files SET file_name = 'x.zip'").run(), /never change/);
      assert.throws(() => db.prepare('DELETE FROM imported_count_files').run(), /are kept/);
    } finally {
      db.close();
    }
  });
});

