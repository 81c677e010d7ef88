/**
 * Practice mode ("OEFENING", issue 12): with the clock years after TK2021, a real election's own
 * key is refused (election date + 3 months in the past) and the refusal names the way on; chosen
 * at "Aanmaken verkiezing", the election is stored as practice, the own certificate is valid from
 * now, and every file name, the PV and the CSV are marked while the 510c bytes stay as in a real run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sumCounts } from '../../src/domain/counts.ts';
import { EMPTY_PV_DETAILS, renderConcept, renderDocuments, type RenderInput } from '../../src/server/documents.ts';
import { createSelfSignedCertificate, hsbSubject } from '../../src/crypto/certificate.ts';
import { seededRandom, stationCounts } from '../../bench/synthetic.ts';
import { LISTS_FILE, importCandidateListsFile, lelystadLists, testKeyPair, TK2021_ELECTION } from '../support/counts.ts';
import { eml } from '../support/paths.ts';
import { unzip } from '../support/zip.ts';
import { TestClock, adminClient, startTestServer, type ApiClient, type TestServer } from '../support/server.ts';

/** Years after TK2021 (2021-03-17): its date + 3 months lies in the past. */
const LATER = '2026-11-20T09:00:00.000Z';

async function createElection(admin: ApiClient, practice: boolean | undefined): Promise<void> {
  const defName = 'Verkiezingsdefinitie_TK2021.eml.xml';
  const p = await admin.upload('/api/election/definition/preview', defName, readFileSync(eml('tk2021', defName)));
  assert.equal(p.status, 200, p.text);
  const c = await admin.post('/api/election/definition/confirm', {
    uploadId: p.json.uploadId,
    hashConfirmed: true,
    kieskring: 5,
    ...(practice === undefined ? {} : { practice }),
  });
  assert.equal(c.status, 200, c.text);
}

describe('practice mode (OEFENING)', () => {
  let server: TestServer;
  let admin: ApiClient;
  before(async () => {
    server = await startTestServer({ clock: new TestClock(new Date(LATER)) });
    admin = await adminClient(server);
  });
  after(async () => {
    await server?.close();
  });

  test('a real past election: the own key is refused, and the message names "Aanmaken verkiezing" and "Oefening"', async () => {
    await createElection(admin, undefined);
    const e = await admin.get('/api/election');
    assert.equal(e.json.election.practice, false);
    const k = await admin.post('/api/keys/own');
    assert.equal(k.status, 409);
    assert.equal(k.json.error.code, 'certificate.election-past');
    assert.match(k.json.error.message, /"Aanmaken verkiezing"/);
    assert.match(k.json.error.message, /"Oefening"/);
  });

  test('practice chosen at Aanmaken verkiezing: stored, audited, and the own certificate is valid from now', async () => {
    await createElection(admin, true);
    const e = await admin.get('/api/election');
    assert.equal(e.json.election.practice, true);
    await importCandidateListsFile(admin, LISTS_FILE);
    const k = await admin.post('/api/keys/own');
    assert.equal(k.status, 201, k.text);
    const notBefore = new Date(k.json.key.notBefore).getTime();
    const now = server.clock.now().getTime();
    assert.ok(Math.abs(now - notBefore) < 60_000, `geldig vanaf nu (${k.json.key.notBefore})`);
    assert.ok(new Date(k.json.key.notAfter).getTime() > now + 80 * 86_400_000, `geldig tot ongeveer drie maanden na vandaag (${k.json.key.notAfter})`);
    const audit = await admin.get('/api/audit?limit=20');
    const replaced = audit.json.records.find((r: { action: string }) => r.action === 'election.definition.replace');
    assert.equal(replaced?.details.practice, true);
  });

  test('the archive of a practice run is named OEFENING_…', async () => {
    const r = await admin.get('/api/archive/download');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-disposition') ?? '', /filename="OEFENING_Archief_TK2021_kieskring_Lelystad_/);
  });
});

test('practice documents: every file name starts with OEFENING_, the PV and CSV say OEFENING, the 510c is as in a real run', async () => {
  const lists = lelystadLists();
  const rnd = seededRandom(5);
  const key = await testKeyPair();
  const certificatePem = createSelfSignedCertificate({
    privateKeyPem: key.privateKeyPem,
    publicKeyPem: key.publicKeyPem,
    subject: hsbSubject({ electionId: 'TK2021', kieskringNumber: 5, name: 'Lelystad', program: 'test' }),
    notBefore: new Date('2021-02-01T00:00:00Z'),
    notAfter: new Date('2021-06-17T23:59:59Z'),
    serial: Buffer.from([5]),
  });
  const real: RenderInput = {
    election: TK2021_ELECTION,
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: lists,
    municipalities: [{ code: '0034', name: 'Almere', counts: sumCounts([stationCounts(lists, rnd), stationCounts(lists, rnd)]) }],
    pv: { ...EMPTY_PV_DETAILS, session: { place: 'x', date: 'y', time: 'z' }, members: [{ name: 'n', role: 'voorzitter' }] },
    createdAt: '2026-11-20T10:00:00.000Z',
    key: { privateKeyPem: key.privateKeyPem, certificatePem },
  };
  const practice: RenderInput = { ...real, practice: true };
  const a = await renderDocuments(real);
  const b = await renderDocuments(practice);
  assert.ok(a.ok && b.ok);
  assert.deepEqual(
    b.value.map((f) => f.fileName),
    a.value.map((f) => `OEFENING_${f.fileName}`),
  );
  const eml = (fs: typeof a.value) => fs.find((f) => f.kind === 'eml510c')!.bytes;
  assert.ok(eml(b.value).equals(eml(a.value)), 'de 510c is byte voor byte als in een echte uitslag');
  const csv = b.value.find((f) => f.kind === 'csv_osv43')!.bytes.toString('utf8');
  assert.match(csv.split('\n')[0]!, /^\uFEFF"Verkiezing";;"OEFENING – /);
  const odt = await renderConcept(practice, 'odt');
  assert.ok(odt.ok);
  assert.match(odt.value.fileName, /^OEFENING_CONCEPT_/);
  // The ODT: OEFENING in the page header (with CONCEPT for a preview) and in the title.
  const parts = new Map(await unzip(odt.value.bytes));
  assert.match(parts.get('styles.xml')!.toString('utf8'), /OEFENING – CONCEPT/);
  assert.match(parts.get('content.xml')!.toString('utf8'), /OEFENING – Proces-verbaal/);
  // Inside the Kiesraad zip: the PV and CSV named OEFENING_, the signed 510c under its real name.
  const kiesraad = new Map(await unzip(b.value.find((f) => f.kind === 'zip_kiesraad')!.bytes));
  assert.deepEqual([...kiesraad.keys()].sort(), [
    'OEFENING_Model_O3_TK2021_kieskring_Lelystad.pdf',
    'OEFENING_osv4-3_telling_tk2021_kieskring_lelystad.csv',
    'Telling_TK2021_kieskring_Lelystad.eml.xml',
    'Telling_TK2021_kieskring_Lelystad.eml.xml.signature',
  ]);
  const pdf = b.value.find((f) => f.kind === 'o3_pdf')!;
  assert.ok(!pdf.bytes.equals(a.value.find((f) => f.kind === 'o3_pdf')!.bytes));
  // The PV: OEFENING in the title and as watermark on every page (pdftotext, when installed).
  if (spawnSync('pdftotext', ['-v']).error !== undefined) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'uitslag-oefening-'));
  try {
    const f = path.join(dir, 'pv.pdf');
    writeFileSync(f, pdf.bytes);
    const pages = spawnSync('pdftotext', [f, '-'], { encoding: 'utf8' }).stdout.split('\f').filter((p) => p.trim() !== '');
    assert.ok(pages.length > 1);
    assert.match(pages[0]!, /OEFENING – Proces-verbaal/);
    for (const [i, p] of pages.entries()) assert.match(p, /OEFENING/, `pagina ${i + 1}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --oefenen (practiceOnly): every election created is a practice run, even without the choice', async () => {
  const server = await startTestServer({ clock: new TestClock(new Date(LATER)), config: { practiceOnly: true } });
  try {
    const admin = await adminClient(server);
    assert.equal((await admin.get('/api/election')).json.practiceOnly, true);
    await createElection(admin, false);
    assert.equal((await admin.get('/api/election')).json.election.practice, true);
  } finally {
    await server.close();
  }
});
