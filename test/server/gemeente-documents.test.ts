/**
 * Phase 3 of a gemeente installation (issue 5, part 2), through the real server, with the numbers of
 * the real TK2025 West Maas en Waal 510b:
 *
 * There is no TK2025 110a in ../shared/eml, so the definition is the real TK2023
 * 110a with only its election identity changed to TK2025 (id, name, election and nomination date;
 * every region, West Maas en Waal 668 in kieskring 6 Nijmegen included, as in the file). Everything
 * else is the installation's own path: the real TK2025 Nijmegen 230b imported, own key, the 11
 * polling stations by CSV (name and postcode as in the real file), the eligible voters, every
 * station typed twice by two typists from the real file's station block, finalise (refused while
 * a station or the eligible voters are missing), PV text, creation of the files. The 510b equals
 * the real file byte for byte but for kr:CreationDateTime and validates against the XSD; the CSV
 * equals the Kiesraad's reference CSV byte for byte; the zip holds the 510b and a signature that
 * verifies with the gemeente's certificate; PV as PDF and ODT; overview, CSV export, archive;
 * back to phase 2 voids the set.
 *
 * The TK2023 Aa en Hunze file (kieskring 3 Assen) through the real server with the real TK2023 110a:
 * there is no TK2023 230b of Assen, so the lists are Amsterdam's real 230b re-addressed to Assen
 * without the three lists that did not compete there (same numbers, names and candidate counts as
 * the 510b; see assenLists230b); all 24 stations typed twice; the 510b equals the real file but for
 * kr:CreationDateTime. And once more below the HTTP API: its station blocks become forms as the
 * server stores them (countsToForm → formToCounts) and go through renderDocuments to the same bytes.
 */
import { tool } from '../support/tools.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyDetached } from '../../src/crypto/cms.ts';
import { generateRsaKeyPair } from '../../src/crypto/keys.ts';
import { createSelfSignedCertificate, municipalitySubject } from '../../src/crypto/certificate.ts';
import { countsToForm, formToCounts, type EntryForm } from '../../src/domain/entry.ts';
import type { CandidateLists, ElectionDefinition } from '../../src/domain/election.ts';
import { hashGroups } from '../../src/domain/hashcode.ts';
import { formatCount } from '../../src/reports/o3/model.ts';
import type { Eml510 } from '../../src/eml/eml510read.ts';
import { listNameFor510, parsePollingStationText } from '../../src/eml/eml510write.ts';
import { readElectionDefinition } from '../../src/eml/eml110a.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { sha256Hex } from '../../src/eml/hash.ts';
import { renderDocuments, stationEmlName, type RenderInput } from '../../src/server/documents.ts';
import { readTransferZip } from '../../src/transfer/zip.ts';
import { firstDifference, listsFromCount, readCountFile, readListsFile, WITHOUT_TIME } from '../support/eml.ts';
import { eml } from '../support/paths.ts';
import { adminClient, TestClock, startTestServer, userClient, type ApiClient, type TestServer } from '../support/server.ts';
import { xsdErrors } from '../support/xsd.ts';
import { createDocuments } from '../support/documents.ts';
import { unzip } from '../support/zip.ts';

const WMW_FILE = eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml');
const WMW_CSV = eml('tk2025', 'osv4-3_telling_tk2025_gemeente_westmaasenwaal.csv');
const NIJMEGEN_LISTS = 'Kandidatenlijsten_TK2025_Nijmegen.eml.xml';
const AEH_FILE = eml('tk2023', 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml');

/** The real TK2023 110a with the election identity of TK2025 (there is no TK2025 110a). */
function tk2025Definition(): Buffer {
  const text = readFileSync(eml('tk2023', 'Verkiezingsdefinitie_TK2023.eml.xml'), 'utf8');
  const out = text
    .replace('<ElectionIdentifier Id="TK2023">', '<ElectionIdentifier Id="TK2025">')
    .replace('<ElectionName>Tweede Kamer der Staten-Generaal 2023</ElectionName>', '<ElectionName>Tweede Kamer der Staten-Generaal 2025</ElectionName>')
    .replace('<kr:ElectionDate>2023-11-22</kr:ElectionDate>', '<kr:ElectionDate>2025-10-29</kr:ElectionDate>')
    .replace('<kr:NominationDate>2023-10-09</kr:NominationDate>', '<kr:NominationDate>2025-09-15</kr:NominationDate>');
  assert.equal((out.match(/TK2025|2025-10-29|2025-09-15|Staten-Generaal 2025/g) ?? []).length, 4, 'all four replaced');
  return Buffer.from(out, 'utf8');
}

interface RealStation {
  readonly number: number;
  /** As the user types it: without the leading "Stembureau " the 510b writes. */
  readonly name: string;
  readonly postcode: string | null;
  readonly form: EntryForm;
}

/** The stations of a real 510b as typed PVs (Z left empty when the file has 0, as the TK2025 file does). */
function realStations(v: Eml510, lists: Pick<CandidateLists, 'affiliations'>): RealStation[] {
  return v.units.map((u) => {
    const m = /^\d{4}::SB(\d+)$/.exec(u.id);
    assert.ok(m, u.id);
    const { name, postcode } = parsePollingStationText(u.name);
    assert.ok(name.startsWith('Stembureau '), name);
    const form = countsToForm(u.counts, lists);
    return {
      number: Number(m[1]),
      name: name.slice('Stembureau '.length),
      postcode,
      form: u.counts.cast === 0 ? { ...form, scalars: { ...form.scalars, Z: null } } : form,
    };
  });
}

async function submitAcknowledging(t: ApiClient, code: string, form: EntryForm): Promise<string> {
  const c = await t.post(`/api/counts/${code}/claim`);
  assert.equal(c.status, 200, `${code} claim: ${c.text}`);
  let r = await t.post(`/api/counts/${code}/submit`, { form, acknowledged: [] });
  assert.equal(r.status, 200, `${code}: ${r.text}`);
  if (r.json.outcome.kind === 'needs_attention' && r.json.outcome.blocking === 'warnings') {
    const warnings = (r.json.checks as { code: string; severity: string }[]).filter((x) => x.severity === 'warning').map((x) => x.code);
    r = await t.post(`/api/counts/${code}/submit`, { form, acknowledged: warnings });
    assert.equal(r.status, 200, `${code}: ${r.text}`);
  }
  return r.json.state as string;
}

const PV = {
  session: { place: 'Beneden-Leeuwen, gemeentehuis', date: '30 oktober 2025', time: '14:00 uur' },
  members: [
    { name: 'mr. P. van Dalen', role: 'voorzitter' },
    { name: 'S. de Wit', role: 'lid' },
  ],
  objections: null,
  remarks: null,
};

describe('gemeente West Maas en Waal (TK2025): from typed polling-station PVs to the real 510b and CSV', () => {
  let server: TestServer;
  let admin: ApiClient;
  let leader: ApiClient;
  let typists: ApiClient[];
  let reader: ApiClient;
  let real: Eml510;
  let stations: RealStation[];
  let ownCert: string;
  const created = new Map<string, { id: number; fileName: string }>();

  before(async () => {
    server = await startTestServer({ clock: new TestClock(new Date('2025-10-01T08:00:00.000Z')) });
    admin = await adminClient(server);
    leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
    typists = [await userClient(server, admin, 'invoer', 'invoer1'), await userClient(server, admin, 'invoer', 'invoer2')];
    reader = await userClient(server, admin, 'alleen_lezen', 'lezer');
    real = await readCountFile(WMW_FILE);
    stations = realStations(real, readListsFile(eml('tk2025', NIJMEGEN_LISTS)));
  });
  after(() => server?.close());

  test('phase 1: definition (stemgebied GEMEENTE 668), Nijmegen lists, own key, 11 polling stations by CSV', async () => {
    const def = tk2025Definition();
    const p = await admin.upload('/api/election/definition/preview', 'Verkiezingsdefinitie_TK2025.eml.xml', def);
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.json.municipalities.find((m: { number: number }) => m.number === 668), {
      number: 668,
      code: '0668',
      name: 'West Maas en Waal',
      kieskring: 6,
    });
    const c = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, stemgebied: { category: 'GEMEENTE', number: 668 } });
    assert.equal(c.status, 200, c.text);
    const listBytes = readFileSync(eml('tk2025', NIJMEGEN_LISTS));
    const lp = await admin.upload('/api/election/candidate-lists/preview', NIJMEGEN_LISTS, listBytes);
    assert.equal(lp.status, 200, lp.text);
    const g = hashGroups(sha256Hex(listBytes));
    const lc = await admin.post('/api/election/candidate-lists/confirm', {
      uploadId: lp.json.uploadId,
      groups: [g[lp.json.hiddenGroups[0]], g[lp.json.hiddenGroups[1]]],
    });
    assert.equal(lc.status, 200, lc.text);
    const k = await admin.post('/api/keys/own');
    assert.equal(k.status, 201, k.text);
    assert.match(k.json.key.subject, /UID=PSB0668/);
    ownCert = (await admin.get('/api/keys/own/certificate')).text;

    const csv = ['nummer;naam;postcode', ...stations.map((s) => `${s.number};"${s.name.replace(/"/g, '""')}";${s.postcode ?? ''}`)].join('\n');
    const r = await admin.upload('/api/polling-stations/import', 'stembureaus.csv', csv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 11);
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
  });

  test('phase 2: every station typed twice; finalise refused while a station or the eligible voters are missing', async () => {
    for (const s of stations) assert.equal(await submitAcknowledging(typists[0]!, `SB${s.number}`, s.form), 'first_done', `SB${s.number}`);
    for (const s of stations.slice(0, -1)) assert.equal(await submitAcknowledging(typists[1]!, `SB${s.number}`, s.form), 'complete', `SB${s.number}`);

    const status = await reader.get('/api/finalise');
    assert.equal(status.status, 200, status.text);
    assert.equal(status.json.ready, false);
    assert.equal(status.json.unitKind, 'stembureau');
    assert.equal(status.json.eligibleVotersMissing, true);
    assert.equal(status.json.total, 11);
    assert.equal(status.json.complete, 10);
    assert.deepEqual(status.json.pvDetailsMissing.at(-1), 'aanwezige leden van het gemeentelijk stembureau');

    const refused = await leader.post('/api/finalise');
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.error.code, 'phase.not_ready');
    assert.deepEqual(refused.json.error.missing, [
      { code: 'SB11', name: 'Dorpshuis De Hucht', state: 'first_done', missing: 'De tweede invoer ontbreekt.' },
    ]);
    assert.equal(refused.json.error.eligibleVotersMissing, true);
    assert.match(refused.json.error.message, /Stembureau 11 Dorpshuis De Hucht: De tweede invoer ontbreekt\./);
    assert.match(refused.json.error.message, /aantal kiesgerechtigden/);

    const last = stations.at(-1)!;
    assert.equal(await submitAcknowledging(typists[1]!, `SB${last.number}`, last.form), 'complete');
    const onlyZ = await leader.post('/api/finalise');
    assert.equal(onlyZ.status, 409, onlyZ.text);
    assert.deepEqual(onlyZ.json.error.missing, []);
    assert.equal(onlyZ.json.error.eligibleVotersMissing, true);
    assert.equal((await leader.post('/api/phase', { target: 3 })).status, 409);

    const z = await admin.request('PUT', '/api/election/eligible-voters', { count: real.total!.cast });
    assert.equal(z.status, 200, z.text);
    assert.equal((await reader.get('/api/finalise')).json.ready, true);
    const pv = await leader.request('PUT', '/api/pv-details', PV);
    assert.equal(pv.status, 200, pv.text);
    const fin = await leader.post('/api/finalise');
    assert.equal(fin.status, 200, fin.text);
    assert.equal(fin.json.phase, 3);
  });

  test('concept PV, then the files: 510b as the real file but for the time (XSD-valid), the reference CSV byte for byte', async () => {
    const concept = await reader.get('/api/documents/preview/o3.pdf');
    assert.equal(concept.status, 200, concept.text);
    assert.match(concept.headers.get('content-disposition') ?? '', /CONCEPT_Proces-verbaal_TK2025_gemeente_West_Maas_en_Waal\.pdf/);
    assert.equal(concept.bytes.subarray(0, 5).toString(), '%PDF-');

    const job = await createDocuments(leader);
    assert.equal(job.json.error, null, JSON.stringify(job.json));
    assert.equal(job.json.stage, 'done');
    const list = await reader.get('/api/documents');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.kinds.map((k: { kind: string }) => k.kind), ['eml510b', 'pv_pdf', 'pv_odt', 'zip_gemeente', 'csv_osv43']);
    const set = list.json.sets[0];
    assert.equal(set.status, 'geldig');
    for (const d of set.documents) created.set(d.kind, { id: d.id, fileName: d.fileName });
    assert.deepEqual(
      set.documents.map((d: { fileName: string }) => d.fileName),
      [
        'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml',
        'Proces-verbaal_TK2025_gemeente_West_Maas_en_Waal.pdf',
        'Proces-verbaal_TK2025_gemeente_West_Maas_en_Waal.odt',
        'Telling_TK2025_gemeente_West_Maas_en_Waal.zip',
        'osv4-3_telling_tk2025_gemeente_westmaasenwaal.csv',
      ],
    );

    const emlFile = await reader.get(`/api/documents/${created.get('eml510b')!.id}/download`);
    assert.equal(emlFile.status, 200);
    const officialBytes = readFileSync(WMW_FILE);
    const diff = firstDifference(WITHOUT_TIME(emlFile.bytes), WITHOUT_TIME(officialBytes));
    assert.equal(diff, null, diff ?? '');
    assert.equal(emlFile.bytes.length, officialBytes.length);
    assert.match(emlFile.text, /<kr:CreationDateTime>2025-10-01T\d\d:\d\d:\d\d\.\d{3}<\/kr:CreationDateTime>/);
    assert.deepEqual(xsdErrors(emlFile.bytes), []);
    assert.equal(set.emlHash.replace(/ /g, '').toLowerCase(), sha256Hex(emlFile.bytes));

    const csv = await reader.get(`/api/documents/${created.get('csv_osv43')!.id}/download`);
    assert.ok(csv.bytes.equals(readFileSync(WMW_CSV)), firstDifference(csv.text, readFileSync(WMW_CSV, 'utf8')) ?? '');
    const exported = await reader.get('/api/results/osv43.csv');
    assert.equal(exported.status, 200);
    assert.ok(exported.bytes.equals(csv.bytes));
    assert.match(exported.headers.get('content-disposition') ?? '', /osv4-3_telling_tk2025_gemeente_westmaasenwaal\.csv/);
  });

  test('the signed zip: exactly the 510b and its signature, valid with the gemeente certificate (and openssl)', async () => {
    const z = await reader.get(`/api/documents/${created.get('zip_gemeente')!.id}/download`);
    assert.equal(z.status, 200);
    const entries = await unzip(z.bytes);
    assert.deepEqual(entries.map(([n]) => n), ['Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml.signature']);
    const contents = await readTransferZip(z.bytes);
    assert.ok(contents.ok, JSON.stringify(contents));
    const emlFile = await reader.get(`/api/documents/${created.get('eml510b')!.id}/download`);
    assert.ok(contents.value.eml.equals(emlFile.bytes));
    const v = verifyDetached(contents.value.eml, contents.value.signature, ownCert);
    assert.ok(v.ok, JSON.stringify(v));
    // and a tampered file does not verify
    const bad = Buffer.from(contents.value.eml);
    bad.writeUInt8(bad.readUInt8(bad.length - 20) ^ 1, bad.length - 20);
    assert.equal(verifyDetached(bad, contents.value.signature, ownCert).ok, false);
    {
      const dir = mkdtempSync(path.join(tmpdir(), 'uitslag-gem-'));
      try {
        writeFileSync(path.join(dir, 'e.xml'), contents.value.eml);
        writeFileSync(path.join(dir, 's.der'), contents.value.signature);
        writeFileSync(path.join(dir, 'c.pem'), ownCert);
        const r = spawnSync(tool('openssl'), ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 's.der', '-content', 'e.xml', '-CAfile', 'c.pem', '-no_check_time', '-out', '/dev/null'], { cwd: dir });
        assert.equal(r.status, 0, r.stderr.toString());
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  test('the PV as PDF and ODT: gemeente title, the 510b hash, polling stations in the appendix', async () => {
    const pdf = await reader.get(`/api/documents/${created.get('pv_pdf')!.id}/download`);
    assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
    const odt = await reader.get(`/api/documents/${created.get('pv_odt')!.id}/download`);
    const content = (await unzip(odt.bytes)).find(([n]) => n === 'content.xml')![1].toString('utf8');
    const styles = (await unzip(odt.bytes)).find(([n]) => n === 'styles.xml')![1].toString('utf8');
    assert.match(content, /Proces-verbaal van de uitslag van de gemeente/);
    assert.match(content, /Gemeente West Maas en Waal \(0668\), kieskring 6 Nijmegen/);
    assert.match(content, /Zitting van het gemeentelijk stembureau/);
    assert.match(content, /Totalen per stembureau/);
    assert.match(content, /Dorpshuis De Hucht/);
    // counts with thousands separators, as the official models print them
    assert.ok(content.includes(formatCount(real.total!.cast)), 'the municipality Z');
    assert.ok(content.includes(formatCount(real.total!.totalCounted)), 'valid votes');
    const hash = (await reader.get('/api/documents')).json.sets[0].emlHash as string;
    assert.ok(styles.includes(`SHA-256 telbestand (EML 510b): ${hash}`) || content.includes(hash), 'hash in the footer');
    const pdftotext = spawnSync('pdftotext', ['-layout', '-', '-'], { input: pdf.bytes });
    if (pdftotext.error === undefined && pdftotext.status === 0) {
      const text = pdftotext.stdout.toString();
      assert.match(text, /Proces-verbaal van de uitslag van de gemeente/);
      assert.match(text, /EML 510b/);
      assert.ok(text.includes(hash.split(' ')[0]!), 'hash on the pages');
    }
  });

  test('creating twice refused; archive with the polling stations; back to phase 2 voids the set', async () => {
    const again = await leader.post('/api/documents/create');
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'documents.exist');
    const a = await admin.get('/api/archive/download');
    assert.equal(a.status, 200, a.text);
    assert.match(a.headers.get('content-disposition') ?? '', /Archief_TK2025_gemeente_West_Maas_en_Waal_\d{8}-\d{6}\.zip/);
    const files = new Map(await unzip(a.bytes));
    const st = JSON.parse(files.get('invoer/stembureaus.json')!.toString('utf8'));
    assert.equal(st.pollingStations.length, 11);
    assert.equal(st.eligibleVoters.eligible_voters, real.total!.cast);
    assert.ok(files.has('documenten/geldig/set-1/Telling_TK2025_gemeente_West_Maas_en_Waal.zip'));
    assert.match(files.get('MANIFEST.txt')!.toString(), /gemeente 0668 West Maas en Waal/);

    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
    const list = await reader.get('/api/documents');
    assert.equal(list.json.sets[0].status, 'vervallen');
    const d = await reader.get(`/api/documents/${created.get('zip_gemeente')!.id}/download`);
    assert.equal(d.headers.get('x-document-status'), 'VERVALLEN');
    assert.match(d.headers.get('content-disposition') ?? '', /VERVALLEN_Telling_TK2025_gemeente_West_Maas_en_Waal\.zip/);
    assert.equal((await reader.get('/api/results/osv43.csv')).status, 409);
  });
});

/** The real TK2023 110a, read (election identity, regions). */
function tk2023Definition(): ElectionDefinition {
  const d = readElectionDefinition(readFileSync(eml('tk2023', 'Verkiezingsdefinitie_TK2023.eml.xml')));
  assert.ok(d.ok, d.ok ? '' : d.message);
  return d.value;
}

/**
 * Candidate lists (230b) for kieskring 3 Assen, TK2023. ../shared/eml holds only Amsterdam's: its
 * lists 1-23 are, by number, registered name and number of candidates, exactly those of the real
 * Aa en Hunze 510b (checked below); lists 24-26 did not compete in Assen. So: Amsterdam's file with
 * the contest of Assen and without lists 24-26. A 510b carries no candidate names, so the names of
 * Amsterdam's candidates do not show in the files compared.
 */
function assenLists230b(): Buffer {
  const text = readFileSync(eml('tk2023', 'Kandidatenlijsten_TK2023_Amsterdam.eml.xml'), 'utf8');
  const out = text
    .replace('<ContestIdentifier Id="9"><ContestName>Amsterdam</ContestName></ContestIdentifier>', '<ContestIdentifier Id="3"><ContestName>Assen</ContestName></ContestIdentifier>')
    .replace(/<Affiliation><AffiliationIdentifier Id="2[456]">.*?<\/Affiliation>/gs, '');
  assert.equal((out.match(/<Affiliation>/g) ?? []).length, 23);
  assert.ok(out.includes('<ContestName>Assen</ContestName>'));
  return Buffer.from(out, 'utf8');
}

describe('gemeente Aa en Hunze (TK2023): the real 110a, every polling station typed twice → the real 510b', () => {
  let server: TestServer;
  let admin: ApiClient;
  let leader: ApiClient;
  let typists: ApiClient[];
  let real: Eml510;
  let stations: RealStation[];

  before(async () => {
    server = await startTestServer({ clock: new TestClock(new Date('2023-11-01T08:00:00.000Z')) });
    admin = await adminClient(server);
    leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
    typists = [await userClient(server, admin, 'invoer', 'invoer1'), await userClient(server, admin, 'invoer', 'invoer2')];
    real = await readCountFile(AEH_FILE);
  });
  after(() => server?.close());

  test('phase 1: the real TK2023 110a (stemgebied GEMEENTE 1680, kieskring 3 Assen), the lists, own key, 24 polling stations', async () => {
    const p = await admin.upload('/api/election/definition/preview', 'Verkiezingsdefinitie_TK2023.eml.xml', readFileSync(eml('tk2023', 'Verkiezingsdefinitie_TK2023.eml.xml')));
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.json.municipalities.find((m: { number: number }) => m.number === 1680), { number: 1680, code: '1680', name: 'Aa en Hunze', kieskring: 3 });
    const c = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, stemgebied: { category: 'GEMEENTE', number: 1680 } });
    assert.equal(c.status, 200, c.text);
    const listBytes = assenLists230b();
    const lp = await admin.upload('/api/election/candidate-lists/preview', 'Kandidatenlijsten_TK2023_Assen.eml.xml', listBytes);
    assert.equal(lp.status, 200, lp.text);
    const g = hashGroups(sha256Hex(listBytes));
    const lc = await admin.post('/api/election/candidate-lists/confirm', { uploadId: lp.json.uploadId, groups: [g[lp.json.hiddenGroups[0]], g[lp.json.hiddenGroups[1]]] });
    assert.equal(lc.status, 200, lc.text);
    const lists = readCandidateLists(listBytes);
    assert.ok(lists.ok);
    // the 510b's lists are these lists: numbers, names and candidates
    assert.deepEqual(
      real.total!.lists.map((l) => [l.listNumber, real.listNames.find((n) => n.listNumber === l.listNumber)!.name, l.candidates.length]),
      lists.value.affiliations.map((a) => [a.listNumber, listNameFor510(a), a.candidates.length]),
    );
    stations = realStations(real, lists.value);
    assert.equal(stations.length, 24);
    assert.equal((await admin.post('/api/keys/own')).status, 201);
    const csv = ['nummer;naam;postcode', ...stations.map((s) => `${s.number};"${s.name.replace(/"/g, '""')}";${s.postcode ?? ''}`)].join('\n');
    const r = await admin.upload('/api/polling-stations/import', 'stembureaus.csv', csv);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 24);
    assert.equal((await admin.request('PUT', '/api/election/eligible-voters', { count: real.total!.cast })).status, 200);
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
    const shape = await typists[0]!.get('/api/counts/form-shape');
    assert.equal(shape.json.rules, 'TK2023');
    assert.ok(!shape.json.scalars.some((f: { key: string }) => f.key.startsWith('P')), 'no postal reasons in TK2023');
  });

  test('phase 2 and 3: every station typed twice (as the UI sends it), definitief maken; the 510b is the real file but for the time', async () => {
    const keys = ((await typists[0]!.get('/api/counts/form-shape')).json.scalars as { key: string }[]).map((f) => f.key);
    const sent = (f: EntryForm): EntryForm => ({ scalars: Object.fromEntries(Object.entries(f.scalars).filter(([k]) => keys.includes(k))) as EntryForm['scalars'], lists: f.lists });
    for (const s of stations) assert.equal(await submitAcknowledging(typists[0]!, `SB${s.number}`, sent(s.form)), 'first_done', `SB${s.number}`);
    for (const s of stations) assert.equal(await submitAcknowledging(typists[1]!, `SB${s.number}`, sent(s.form)), 'complete', `SB${s.number}`);
    assert.equal((await leader.request('PUT', '/api/pv-details', { ...PV, session: { place: 'Gieten', date: '23 november 2023', time: '10:00 uur' } })).status, 200);
    const fin = await leader.post('/api/finalise');
    assert.equal(fin.status, 200, fin.text);
    const job = await createDocuments(leader);
    assert.equal(job.json.stage, 'done', job.text);
    const set = (await leader.get('/api/documents')).json.sets[0];
    const d = set.documents.find((x: { kind: string }) => x.kind === 'eml510b');
    assert.equal(d.fileName, 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml');
    const b = await leader.get(`/api/documents/${d.id}/download`);
    const official = readFileSync(AEH_FILE);
    const diff = firstDifference(WITHOUT_TIME(b.bytes), WITHOUT_TIME(official));
    assert.equal(diff, null, diff ?? '');
    assert.equal(b.bytes.length, official.length);
    assert.deepEqual(xsdErrors(b.bytes), []);
  });
});

test('TK2023 Aa en Hunze: stored station forms → renderDocuments → the real 510b but for the time (election and kieskring from the real 110a)', async () => {
  const v = await readCountFile(AEH_FILE);
  const def = tk2023Definition();
  const region = def.regions.find((r) => r.category === 'GEMEENTE' && r.number === 1680)!;
  const kieskring = def.regions.find((r) => r.category === 'KIESKRING' && r.number === region.superiorNumber)!;
  assert.deepEqual([region.name, kieskring.number, kieskring.name], ['Aa en Hunze', 3, 'Assen']);
  // The lists' shape (numbers, names, positions) from the file itself: a 510b carries no candidate names.
  const lists = listsFromCount(v, { id: def.id, name: def.name, date: def.electionDate }, (position) => ({
    initials: 'A.',
    lastName: `K${position}`,
  }));
  assert.deepEqual([lists.contestId, lists.contestName], [String(kieskring.number), kieskring.name]);
  const stations = realStations(v, lists);
  // as the server stores them: the agreed form, back to counts (station Z typed: the file has it)
  const key = await generateRsaKeyPair();
  const cert = createSelfSignedCertificate({
    privateKeyPem: key.privateKeyPem,
    publicKeyPem: key.publicKeyPem,
    subject: municipalitySubject({ electionId: def.id, code: '1680', name: region.name, program: 'uitslag test' }),
    notBefore: new Date('2023-10-01T00:00:00Z'),
    notAfter: new Date('2024-02-22T00:00:00Z'),
    serial: Buffer.from([1]),
  });
  const input: RenderInput = {
    election: { id: def.id, name: def.name, category: def.category, subcategory: def.subcategory, date: def.electionDate },
    kieskring: { number: kieskring.number, name: kieskring.name },
    candidateLists: lists,
    municipalities: [],
    pv: { session: { place: 'Gieten', date: '23 november 2023', time: '10:00' }, members: [{ name: 'A. Voorzitter', role: 'voorzitter' }], objections: null, remarks: null },
    createdAt: '2023-11-23T09:00:00.000Z',
    key: { privateKeyPem: key.privateKeyPem, certificatePem: cert },
    gemeente: {
      municipality: { code: '1680', name: 'Aa en Hunze' },
      eligibleVoters: v.total!.cast,
      pollingStations: stations.map((s) => ({ number: s.number, name: s.name, postcode: s.postcode, counts: formToCounts(s.form) })),
    },
  };
  const r = await renderDocuments(input);
  assert.ok(r.ok, JSON.stringify(r));
  const b = r.value.find((f) => f.kind === 'eml510b')!;
  assert.equal(b.fileName, 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml');
  const official = readFileSync(AEH_FILE);
  const diff = firstDifference(WITHOUT_TIME(b.bytes), WITHOUT_TIME(official));
  assert.equal(diff, null, diff ?? '');
  assert.match(b.bytes.toString(), /<kr:CreationDateTime>2023-11-23T10:00:00\.000<\/kr:CreationDateTime>/);
  assert.deepEqual(xsdErrors(b.bytes), []);
  assert.equal(stationEmlName('Gemeentehuis Gieten'), 'Stembureau Gemeentehuis Gieten');
  assert.equal(stationEmlName('Stembureau Gemeentehuis Gieten'), 'Stembureau Gemeentehuis Gieten');
});
