/**
 * Phase 3 through the real server, kieskring Lelystad (6 municipalities typed twice with the
 * numbers of the official TK2021 kieskring file): finalising refused while a municipality is open
 * (with what is missing), the PV free text, the concept preview, the one-step creation of the
 * files (510c equal to the official file but for kr:CreationDateTime, XSD-valid and canonical;
 * signed zip verified by bin/uitslag and by openssl; the kiesraad zip; the CSV; the O 3 as PDF and
 * ODT with the kieskring total), creating twice refused, back to phase 2 voids the set (labelled
 * downloads), a new finalisation makes a new set, the archive with its manifest, and destruction.
 */
import { runBin } from '../support/bin.ts';
import { tool } from '../support/tools.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sumCounts } from '../../src/domain/counts.ts';
import { formatHash } from '../../src/domain/hashcode.ts';
import { canonicalize } from '../../src/eml/c14n.ts';
import { sha256Hex } from '../../src/eml/hash.ts';
import { readTransferZip } from '../../src/transfer/zip.ts';
import {
  KIESKRING_FILE,
  LELYSTAD_MUNICIPALITIES,
  municipalityTotals,
  preparePhase2,
  typeEntry,
  type Phase2Setup,
} from '../support/counts.ts';
import { firstDifference, WITHOUT_TIME } from '../support/eml.ts';
import { eml } from '../support/paths.ts';
import { ADMIN_PASSWORD, startTestServer, type ApiClient, type TestServer } from '../support/server.ts';
import { xsdErrors } from '../support/xsd.ts';
import { completeMunicipality, createDocuments, createOwnKey, PV_DETAILS, typedForm } from '../support/documents.ts';

export { PV_DETAILS };
import { unzip } from '../support/zip.ts';
import { formatCount } from '../../src/reports/o3/model.ts';

const OFFICIAL = readFileSync(eml('tk2021', KIESKRING_FILE));

/** Parse the OSV 4-3 CSV (BOM, ';', quoted cells, LF): rows of cells. */
export function parseCsv(bytes: Buffer): string[][] {
  const text = bytes.toString('utf8');
  assert.equal(text.charCodeAt(0), 0xfeff, 'BOM');
  return text
    .slice(1)
    .split('\n')
    .map((line) => (line === '' ? [] : line.split(';').map((c) => (c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c))));
}


function pdfText(bytes: Buffer, dir: string): string {
  const f = path.join(dir, 'o3.pdf');
  writeFileSync(f, bytes);
  const r = spawnSync(tool('pdftotext'), ['-layout', f, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('phase 3: definitief maken, documents, archive, destruction (Lelystad)', () => {
  let server: TestServer;
  let s: Phase2Setup;
  let leader: ApiClient;
  let certPem: string;
  let work: string;
  let kieskringTotal: number;
  const docs = new Map<string, { id: number; fileName: string; bytes: Buffer }>();
  let conceptBeforeLast: { eml: Buffer; csv: Buffer } | null = null;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'uitslag-docs-'));
    server = await startTestServer();
    s = await preparePhase2(server);
    leader = s.leader;
    certPem = await createOwnKey(s.admin);
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    for (const m of LELYSTAD_MUNICIPALITIES) {
      if (m.code !== '0995') await completeMunicipality(t1, t2, m.code);
    }
    const all = await Promise.all(LELYSTAD_MUNICIPALITIES.map((m) => municipalityTotals(m.code)));
    kieskringTotal = sumCounts(all.map((t) => t.counts)).totalCounted;
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('finalising with an open municipality is refused with the list of what is missing', async () => {
    const st = await s.reader.get('/api/finalise');
    assert.equal(st.status, 200);
    assert.equal(st.json.ready, false);
    assert.equal(st.json.complete, 5);
    assert.equal(st.json.total, 6);
    const [t1] = s.typists as [ApiClient];
    await typeEntry(t1, '0995', await typedForm('0995')); // first entry only
    const r = await leader.post('/api/finalise');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'phase.not_ready');
    assert.deepEqual(r.json.error.missing.map((m: { code: string }) => m.code), ['0995']);
    assert.equal(r.json.error.missing[0].state, 'first_done');
    assert.match(r.json.error.message, /Lelystad \(0995\): De tweede invoer ontbreekt/);
    assert.equal((await s.reader.get('/api/phase')).json.phase, 2);
    // Nothing to create or export yet.
    assert.equal((await leader.post('/api/documents/create')).json.error.code, 'phase.wrong');
    assert.equal((await s.reader.get('/api/results/osv43.csv')).status, 409);
  });

  test('the concept O 3 can be previewed (watermark, no hash) before finalisation', async () => {
    const r = await s.reader.get('/api/documents/preview/o3.pdf');
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.match(r.headers.get('content-disposition') ?? '', /^attachment; filename="CONCEPT_Model_O3_TK2021_kieskring_Lelystad\.pdf"/);
    assert.equal(r.bytes.subarray(0, 5).toString(), '%PDF-');
    {
      const text = pdfText(r.bytes, work);
      assert.match(text, /concept/i);
      assert.ok(!/SHA-256[^\n]*[0-9A-F]{4} [0-9A-F]{4} [0-9A-F]{4}/.test(text), 'a concept carries no hash');
    }
  });

  test('every document can be previewed as a concept before finalisation: O 3 ODT, 510c, CSV (never stored)', async () => {
    const before = (await s.reader.get('/api/documents')).json.sets.length;
    const odt = await s.reader.get('/api/documents/preview/o3.odt');
    assert.equal(odt.status, 200, odt.text.slice(0, 300));
    assert.equal(odt.headers.get('x-document-status'), 'CONCEPT');
    assert.equal(odt.headers.get('content-type'), 'application/vnd.oasis.opendocument.text');
    assert.match(odt.headers.get('content-disposition') ?? '', /^attachment; filename="CONCEPT_Model_O3_TK2021_kieskring_Lelystad\.odt"/);
    const parts = new Map(await unzip(odt.bytes));
    const xml = [...parts.entries()].filter(([n]) => n.endsWith('.xml')).map(([, b]) => b.toString('utf8')).join('\n');
    assert.match(xml, /CONCEPT/);
    assert.match(xml, /Geen hashcode: concept, niet definitief/);
    assert.ok(!/SHA-256 telbestand \(EML 510c\): [0-9A-F]{4} /.test(xml), 'a concept carries no hash');

    const e = await s.reader.get('/api/documents/preview/eml.xml');
    assert.equal(e.status, 200, e.text.slice(0, 300));
    assert.equal(e.headers.get('x-document-status'), 'CONCEPT');
    assert.match(e.headers.get('content-disposition') ?? '', /^attachment; filename="CONCEPT_Telling_TK2021_kieskring_Lelystad\.eml\.xml"/);
    const units = [...e.text.matchAll(/<ReportingUnitIdentifier Id="HSB5::(\d{4})"/g)].map((m) => m[1]);
    assert.deepEqual(units, LELYSTAD_MUNICIPALITIES.map((m) => m.code).filter((c) => c !== '0995').sort());
    assert.deepEqual(xsdErrors(e.bytes), []);

    const c = await s.reader.get('/api/documents/preview/osv43.csv');
    assert.equal(c.status, 200, c.text.slice(0, 300));
    assert.equal(c.headers.get('x-document-status'), 'CONCEPT');
    assert.match(c.headers.get('content-disposition') ?? '', /^attachment; filename="CONCEPT_osv4-3_telling_tk2021_kieskring_lelystad\.csv"/);
    assert.ok(parseCsv(c.bytes).length > 10);
    assert.equal((await s.reader.get('/api/documents/preview/o3.pdf')).headers.get('x-document-status'), 'CONCEPT');
    assert.equal((await s.reader.get('/api/documents')).json.sets.length, before, 'a concept is never stored');
    conceptBeforeLast = { eml: e.bytes, csv: c.bytes };
  });

  test('the PV free text: saved by the leader (logged), not by others; required before creating', async () => {
    const [, t2] = s.typists as [ApiClient, ApiClient];
    assert.equal((await t2.request('PUT', '/api/pv-details', PV_DETAILS)).status, 403);
    const bad = await leader.request('PUT', '/api/pv-details', { ...PV_DETAILS, members: [{ name: '', role: 'lid' }] });
    assert.equal(bad.status, 400);
    const g = await s.reader.get('/api/pv-details');
    assert.deepEqual(g.json.missing, ['plaats van de zitting', 'datum van de zitting', 'tijd van de zitting', 'aanwezige leden van het hoofdstembureau']);
    // Complete Lelystad, finalise, and try to create without the free text.
    await typeEntry(t2, '0995', await typedForm('0995'));
    const f = await leader.post('/api/finalise');
    assert.equal(f.status, 200, f.text);
    assert.equal(f.json.phase, 3);
    assert.equal(f.json.ready, true);
    const c = await leader.post('/api/documents/create');
    assert.equal(c.status, 409);
    assert.equal(c.json.error.code, 'documents.pv_details_missing');
    const p = await leader.request('PUT', '/api/pv-details', PV_DETAILS);
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.json.missing, []);
    const audit = await leader.get('/api/audit?limit=5');
    assert.ok(audit.json.records.some((x: { action: string }) => x.action === 'pv_details.save'));
  });

  test('create the files: one action, every file stored with type, time, size, hash', async () => {
    const j = await createDocuments(leader);
    assert.equal(j.json.stage, 'done', j.text);
    const list = await s.reader.get('/api/documents');
    assert.equal(list.status, 200);
    assert.equal(list.json.sets.length, 1);
    const set = list.json.sets[0];
    assert.equal(set.status, 'geldig');
    assert.deepEqual(
      set.documents.map((d: { kind: string }) => d.kind),
      ['eml510c', 'o3_pdf', 'o3_odt', 'zip_kieskring', 'zip_kiesraad', 'csv_osv43'],
    );
    for (const d of set.documents) {
      const r = await s.reader.get(`/api/documents/${d.id}/download`);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-document-status'), 'geldig');
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      assert.ok((r.headers.get('content-disposition') ?? '').startsWith(`attachment; filename="${d.fileName}"`), d.fileName);
      assert.equal(r.bytes.length, d.size);
      assert.equal(formatHash(sha256Hex(r.bytes)), d.hash);
      assert.match(d.hash, /^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
      docs.set(d.kind, { id: d.id, fileName: d.fileName, bytes: r.bytes });
    }
    assert.deepEqual(
      [...docs.values()].map((d) => d.fileName),
      [
        'Telling_TK2021_kieskring_Lelystad.eml.xml',
        'Model_O3_TK2021_kieskring_Lelystad.pdf',
        'Model_O3_TK2021_kieskring_Lelystad.odt',
        'Telling_TK2021_kieskring_Lelystad.zip',
        'Telling_TK2021_kiesraad_Lelystad.zip',
        'osv4-3_telling_tk2021_kieskring_lelystad.csv',
      ],
    );
    const audit = await leader.get('/api/audit?limit=5');
    const rec = audit.json.records.find((x: { action: string }) => x.action === 'documents.create');
    assert.equal(rec.details.files.length, 6);
    assert.equal(rec.details.emlHash, set.emlHash);
  });

  test('a concept 510c and CSV are exactly what the final files are (the 510c but for its time); before, without Lelystad', async () => {
    const e = await s.reader.get('/api/documents/preview/eml.xml');
    assert.equal(e.status, 200);
    assert.equal(firstDifference(WITHOUT_TIME(e.bytes), WITHOUT_TIME(docs.get('eml510c')!.bytes)), null);
    const c = await s.reader.get('/api/documents/preview/osv43.csv');
    assert.ok(c.bytes.equals(docs.get('csv_osv43')!.bytes), 'concept CSV = final CSV');
    assert.ok(!conceptBeforeLast!.csv.equals(c.bytes), 'the earlier concept lacked a municipality');
    assert.notEqual(WITHOUT_TIME(conceptBeforeLast!.eml), WITHOUT_TIME(e.bytes));
    assert.equal((await s.reader.get('/api/documents')).json.sets.length, 1, 'still one stored set');
  });

  test('the 510c equals the official file but for kr:CreationDateTime; XSD-valid; canonical', async () => {
    const b = docs.get('eml510c')!.bytes;
    assert.equal(firstDifference(WITHOUT_TIME(b), WITHOUT_TIME(OFFICIAL)), null);
    assert.notEqual(b.length, 0);
    assert.match(b.toString('utf8'), /<kr:CreationDateTime>2021-02-15T\d\d:\d\d:\d\d\.\d{3}<\/kr:CreationDateTime>/);
    assert.deepEqual(xsdErrors(b), []);
    const c = canonicalize(b, { maxBytes: 64 * 1024 * 1024, withComments: true });
    assert.ok(c.ok);
    assert.ok(Buffer.from(c.value, 'utf8').equals(b), 'canonical form equals the bytes');
  });

  test('the kieskring zip verifies with bin/uitslag verify and with openssl cms -verify', async () => {
    const zip = docs.get('zip_kieskring')!.bytes;
    const contents = await readTransferZip(zip);
    assert.ok(contents.ok, contents.ok ? '' : contents.message);
    assert.equal(contents.value.emlName, 'Telling_TK2021_kieskring_Lelystad.eml.xml');
    assert.ok(contents.value.eml.equals(docs.get('eml510c')!.bytes));
    writeFileSync(path.join(work, 'kieskring.zip'), zip);
    writeFileSync(path.join(work, 'hsb.crt'), certPem);
    const v = await runBin(['verify', 'kieskring.zip', '--cert', 'hsb.crt'], work);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^geldig\n/);
    writeFileSync(path.join(work, 'k.eml.xml'), contents.value.eml);
    writeFileSync(path.join(work, 'k.signature'), contents.value.signature);
    const o = spawnSync(
      'openssl',
      ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'k.signature', '-content', 'k.eml.xml', '-CAfile', 'hsb.crt', '-purpose', 'any', '-attime', String(Math.floor(server.clock.now().getTime() / 1000)), '-out', '/dev/null'],
      { cwd: work, encoding: 'utf8' },
    );
    assert.equal(o.status, 0, o.stderr);
  });

  test('the kiesraad zip holds the 510c, its signature, the O 3 PDF and the CSV', async () => {
    const entries = await unzip(docs.get('zip_kiesraad')!.bytes);
    assert.deepEqual(
      entries.map(([n]) => n),
      [
        'Telling_TK2021_kieskring_Lelystad.eml.xml',
        'Telling_TK2021_kieskring_Lelystad.eml.xml.signature',
        'Model_O3_TK2021_kieskring_Lelystad.pdf',
        'osv4-3_telling_tk2021_kieskring_lelystad.csv',
      ],
    );
    assert.ok(entries[0]![1].equals(docs.get('eml510c')!.bytes));
    assert.ok(entries[2]![1].equals(docs.get('o3_pdf')!.bytes));
    assert.ok(entries[3]![1].equals(docs.get('csv_osv43')!.bytes));
  });

  test('the CSV parses; the export downloads the stored CSV as a file, never rendered', async () => {
    const rows = parseCsv(docs.get('csv_osv43')!.bytes);
    assert.ok(rows[0]!.includes('Tweede Kamer der Staten-Generaal 2021'), JSON.stringify(rows.slice(0, 7)));
    const header = rows.find((r) => r[0] === 'Lijstnummer')!;
    assert.deepEqual(header.slice(5), LELYSTAD_MUNICIPALITIES.map((m) => m.name));
    const e = await s.reader.get('/api/results/osv43.csv');
    assert.equal(e.status, 200);
    assert.equal(e.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(e.headers.get('content-disposition') ?? '', /^attachment; filename="osv4-3_telling_tk2021_kieskring_lelystad\.csv"/);
    assert.equal(e.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(e.bytes.equals(docs.get('csv_osv43')!.bytes));
  });

  test('the O 3 PDF and ODT are non-empty and carry the kieskring total and the 510c hash', async (t) => {
    const pdf = docs.get('o3_pdf')!.bytes;
    const odt = docs.get('o3_odt')!.bytes;
    assert.ok(pdf.length > 1000 && odt.length > 1000);
    const hash = formatHash(sha256Hex(docs.get('eml510c')!.bytes));
    const content = (await unzip(odt)).find(([n]) => n === 'content.xml')![1].toString('utf8');
    // the PV prints counts with thousands separators, as the official models do
    assert.ok(content.includes(formatCount(kieskringTotal)), 'ODT: kieskring total');
    const styles = (await unzip(odt)).find(([n]) => n === 'styles.xml')![1].toString('utf8');
    assert.ok(styles.includes(hash) || content.includes(hash), 'ODT: 510c hash');
    const text = pdfText(pdf, work);
    assert.ok(text.includes(formatCount(kieskringTotal)), 'PDF: kieskring total');
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    for (const [i, p] of pages.entries()) assert.ok(p.replace(/\s+/g, ' ').includes(hash), `PDF page ${i + 1}: 510c hash`);
    assert.ok(text.includes('Lelystad, provinciehuis'));
    assert.ok(text.includes('mr. J. de Vries'));
  });

  test('creating twice is refused while the set is valid; the free text is locked', async () => {
    const r = await leader.post('/api/documents/create');
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'documents.exist');
    assert.match(r.json.error.message, /al aangemaakt/);
    const p = await leader.request('PUT', '/api/pv-details', PV_DETAILS);
    assert.equal(p.status, 409);
    assert.equal((await leader.get('/api/documents')).json.sets.length, 1);
  });

  test('going back to phase 2 voids the set (kept, labelled VERVALLEN); a new finalisation makes a new set', async () => {
    const back = await leader.post('/api/phase', { target: 2 });
    assert.equal(back.status, 200, back.text);
    const list = await s.reader.get('/api/documents');
    assert.equal(list.json.sets[0].status, 'vervallen');
    assert.ok(list.json.sets[0].voidedAt);
    const auditId = list.json.sets[0].voidedAuditId;
    const audit = await leader.get('/api/audit?limit=10');
    const rec = audit.json.records.find((x: { id: number }) => x.id === auditId);
    assert.equal(rec.action, 'phase.change');
    assert.deepEqual([rec.details.from, rec.details.to], [3, 2]);
    const old = docs.get('eml510c')!;
    const d = await s.reader.get(`/api/documents/${old.id}/download`);
    assert.equal(d.status, 200);
    assert.equal(d.headers.get('x-document-status'), 'VERVALLEN');
    assert.match(d.headers.get('content-disposition') ?? '', /filename="VERVALLEN_Telling_TK2021_kieskring_Lelystad\.eml\.xml"/);
    assert.ok(d.bytes.equals(old.bytes), 'a void file is unchanged');
    assert.equal((await s.reader.get('/api/results/osv43.csv')).status, 409);
    // Free text editable again; finalise and create anew.
    assert.equal((await leader.request('PUT', '/api/pv-details', { ...PV_DETAILS, remarks: 'Hertelling Urk besproken.' })).status, 200);
    assert.equal((await leader.post('/api/finalise')).status, 200);
    server.clock.advance(60);
    const j = await createDocuments(leader);
    assert.equal(j.json.stage, 'done', j.text);
    const after2 = await s.reader.get('/api/documents');
    assert.deepEqual(after2.json.sets.map((x: { status: string }) => x.status), ['geldig', 'vervallen']);
    const newEml = await s.reader.get(`/api/documents/${after2.json.sets[0].documents[0].id}/download`);
    assert.equal(firstDifference(WITHOUT_TIME(newEml.bytes), WITHOUT_TIME(OFFICIAL)), null);
    assert.ok(!newEml.bytes.equals(old.bytes), 'a new creation time');
  });

  test('archive: imported files, valid and void documents, audit log, log files, manifest with SHA-256', async () => {
    assert.equal((await s.typists[0]!.get('/api/archive/download')).status, 403);
    const r = await leader.get('/api/archive/download');
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.headers.get('content-type'), 'application/zip');
    assert.match(r.headers.get('content-disposition') ?? '', /^attachment; filename="Archief_TK2021_kieskring_Lelystad_\d{8}-\d{6}\.zip"/);
    const entries = await unzip(r.bytes);
    const names = entries.map(([n]) => n);
    const files = names.filter((n) => n !== 'MANIFEST.txt' && n !== 'manifest.json');
    assert.deepEqual(files, [...files].sort(), 'deterministic order');
    for (const expected of [
      'invoer/Verkiezingsdefinitie_TK2021.eml.xml',
      'invoer/Kandidatenlijsten_TK2021_Lelystad.eml.xml',
      'invoer/steminvoer/historie.json',
      'documenten/geldig/set-2/Telling_TK2021_kieskring_Lelystad.eml.xml',
      'documenten/vervallen/set-1/VERVALLEN_Telling_TK2021_kieskring_Lelystad.eml.xml',
      'documenten/vervallen/set-1/VERVALLEN_Telling_TK2021_kiesraad_Lelystad.zip',
      'logboek/auditlog.csv',
      'logs/uitslag.log',
    ]) {
      assert.ok(names.includes(expected), `missing ${expected}`);
    }
    assert.ok(names.some((n) => /^invoer\/sleutels\/eigen_.*\.crt$/.test(n)), 'own certificate');
    assert.ok(!entries.some(([, b]) => b.includes('PRIVATE KEY')), 'never the private key');
    assert.ok(entries.find(([n]) => n === 'invoer/Verkiezingsdefinitie_TK2021.eml.xml')![1].equals(readFileSync(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml'))));
    const manifest = JSON.parse(entries.find(([n]) => n === 'manifest.json')![1].toString('utf8'));
    assert.deepEqual(manifest.files.map((f: { path: string }) => f.path), files);
    const text = entries.find(([n]) => n === 'MANIFEST.txt')![1].toString('utf8');
    for (const [n, b] of entries) {
      if (n === 'MANIFEST.txt' || n === 'manifest.json') continue;
      assert.ok(text.includes(`${sha256Hex(b)}  ${n}\n`), `manifest line for ${n}`);
    }
    // sha256sum agrees with the manifest.
    const dir = path.join(work, 'archief');
    for (const [n, b] of entries) {
      const f = path.join(dir, n);
      rmSync(f, { force: true });
      spawnSync('mkdir', ['-p', path.dirname(f)]);
      writeFileSync(f, b);
    }
    const check = spawnSync('sha256sum', ['-c', '--quiet', 'MANIFEST.txt'], { cwd: dir, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    const audit = await leader.get('/api/audit?limit=3');
    assert.ok(audit.json.records.some((x: { action: string }) => x.action === 'archive.create'));
  });

  test('destruction: admin only, typed VERNIETIGEN and password, refused before the retention date unless forced', async () => {
    assert.equal((await leader.post('/api/election/destroy', { confirmation: 'VERNIETIGEN', password: 'x' })).status, 403);
    const st = await s.admin.get('/api/archive');
    assert.equal(st.json.retentionDate, '2021-06-17');
    assert.equal(st.json.beforeRetention, true);
    assert.ok(st.json.lastArchive);
    const typo = await s.admin.post('/api/election/destroy', { confirmation: 'vernietigen', password: ADMIN_PASSWORD });
    assert.equal(typo.status, 400);
    const wrong = await s.admin.post('/api/election/destroy', { confirmation: 'VERNIETIGEN', password: 'fout' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.json.error.code, 'destroy.password');
    const early = await s.admin.post('/api/election/destroy', { confirmation: 'VERNIETIGEN', password: ADMIN_PASSWORD });
    assert.equal(early.status, 409);
    assert.equal(early.json.error.code, 'destroy.retention');
    const halfForced = await s.admin.post('/api/election/destroy', { confirmation: 'VERNIETIGEN', password: ADMIN_PASSWORD, forceBeforeRetention: true });
    assert.equal(halfForced.status, 409);
    assert.ok((await s.admin.get('/api/election')).json.election !== null, 'nothing destroyed yet');
    // Before: the candidates and the earlier requests are in the database file (or its WAL) and the log.
    const stored = (): Buffer =>
      Buffer.concat(['uitslag.sqlite', 'uitslag.sqlite-wal'].map((f) => path.join(server.dataDir, f)).filter(existsSync).map((f) => readFileSync(f)));
    const logText = (): string => readFileSync(path.join(server.dataDir, 'logs', 'uitslag.log'), 'utf8');
    assert.ok(stored().includes('Abarghaze'), 'a candidate of Lelystad is stored');
    assert.ok(logText().includes('/api/finalise'), 'the log names earlier requests');
    const forced = await s.admin.post('/api/election/destroy', {
      confirmation: 'VERNIETIGEN',
      password: ADMIN_PASSWORD,
      forceBeforeRetention: true,
      forceConfirmation: st.json.forceConfirmation,
    });
    assert.equal(forced.status, 200, forced.text);
    assert.equal(forced.json.beforeRetention, true);
    assert.equal(forced.json.erased.documents, 12);
    assert.equal(forced.json.compacted, true);
    assert.equal(forced.json.logFilesCleared, 2, 'uitslag.log and the audit anchor audit-anker.jsonl');
    // After: nothing of the election is left in a free page of the file, in the WAL or in the log.
    assert.ok(!stored().includes('Abarghaze'), 'no candidate left in the database file or its WAL');
    assert.ok(!logText().includes('/api/finalise'), 'the log starts again');
    const e = await s.admin.get('/api/election');
    assert.equal(e.status, 200);
    assert.equal(e.json.election ?? null, null);
    assert.equal((await s.admin.get('/api/phase')).json.phase, 1);
    assert.deepEqual((await s.admin.get('/api/documents')).json.sets, []);
    assert.deepEqual(readdirSync(path.join(server.dataDir, 'keys')), [], 'private key removed');
    const audit = await s.admin.get('/api/audit?limit=10');
    assert.equal(audit.json.records.length, 1);
    assert.equal(audit.json.records[0].action, 'election.destroy');
    assert.ok(audit.json.records[0].details.previousChain.lastHash);
    assert.equal(audit.json.chain.intact, true);
    // Other users' sessions ended; a new election can start.
    assert.equal((await leader.get('/api/session')).json?.user ?? null, null);
    const def = readFileSync(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml'));
    const p = await s.admin.upload('/api/election/definition/preview', 'Verkiezingsdefinitie_TK2021.eml.xml', def);
    assert.equal(p.status, 200, p.text);
    assert.ok(existsSync(path.join(server.dataDir, 'logs')));
  });
});
