/**
 * Polling stations from an EML 110b through the server (issue 5, item 2): the same import route as the
 * CSV (`POST /api/polling-stations/import`, the format recognised by the content), all or nothing,
 * audited with the file's SHA-256 and format, replace only with confirmation, phase 1 only, gemeente only.
 * The installation is Almere (0034) from the real TK2021 110a; the 110b files are hand-made and valid
 * against the XSD (test/eml/eml110b.test.ts).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ALMERE_STATIONS, build110b, placeLine } from '../support/eml110b.ts';
import { adminClient, startTestServer, userClient, type ApiClient, type ApiResponse, type TestServer } from '../support/server.ts';
import { DEFINITION_FILE, importCandidateLists, importDefinition, tk2021 } from './fixtures.ts';

const ALMERE = 34;

function upload(client: ApiClient, text: string | Buffer, query = '', name = 'stembureaus.eml.xml'): Promise<ApiResponse> {
  return client.upload(`/api/polling-stations/import${query}`, name, text);
}

interface AuditRecord {
  action: string;
  details: Record<string, unknown>;
}

async function audit(admin: ApiClient): Promise<AuditRecord[]> {
  const r = await admin.get('/api/audit?limit=500');
  assert.equal(r.status, 200, r.text);
  return r.json.records as AuditRecord[];
}

describe('gemeente installation: polling stations from an EML 110b', () => {
  let server: TestServer;
  let admin: ApiClient;
  let leader: ApiClient;

  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
    const p = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
    assert.equal(p.status, 200, p.text);
    const c = await admin.post('/api/election/definition/confirm', {
      uploadId: p.json.uploadId,
      hashConfirmed: true,
      stemgebied: { category: 'GEMEENTE', number: ALMERE },
    });
    assert.equal(c.status, 200, c.text);
    await importCandidateLists(admin);
  });
  after(() => server.close());

  test('a good 110b: imported, sorted, postcodes normalised, audited with format and SHA-256', async () => {
    const text = build110b({ stations: [...ALMERE_STATIONS].reverse() });
    const r = await upload(admin, text);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 3);
    assert.equal(r.json.format, 'eml110b');
    assert.deepEqual(
      r.json.pollingStations.map((p: { code: string; name: string; postcode: string | null }) => [p.code, p.name, p.postcode]),
      [
        ['SB1', 'Stembureau Stadhuis', '1315 HR'],
        ['SB2', 'Stembureau Bibliotheek "De Nieuwe Bibliotheek"', '1315 HZ'],
        ['SB4', 'Mobiel stembureau', null],
      ],
    );
    const rec = (await audit(admin))[0]!;
    assert.equal(rec.action, 'polling_station.import');
    assert.deepEqual(rec.details, {
      fileName: 'stembureaus.eml.xml',
      sha256: createHash('sha256').update(text).digest('hex'),
      format: 'eml110b',
      count: 3,
      numbers: [1, 2, 4],
    });
  });

  test('every bad file refused with its code and message; nothing changed, nothing audited', async () => {
    const before = (await admin.get('/api/polling-stations')).json.pollingStations;
    const auditBefore = (await audit(admin)).length;
    const dup = build110b({
      stations: [
        { id: '1', name: 'A', postcode: '1315 HR' },
        { id: '2', name: 'B', postcode: '1315 SA' },
        { id: '1', name: 'C' },
      ],
    });
    const cases: [string, string | Buffer, string, RegExp][] = [
      ['the real 110a', tk2021(DEFINITION_FILE), 'eml.wrong_kind', /geen stembureaubestand \(EML 110b\) maar een verkiezingsdefinitie \(EML 110a\)/],
      ['another election', build110b({ electionId: 'TK2023', electionDate: '2023-11-22', stations: ALMERE_STATIONS }), 'polling_station.eml110b_election', /andere verkiezing \(TK2023\), niet voor TK2021/],
      ['another date', build110b({ electionDate: '2021-03-18', stations: ALMERE_STATIONS }), 'polling_station.eml110b_election', /verkiezingsdatum 2021-03-18/],
      ['another municipality', build110b({ municipalityCode: '0363', municipalityName: 'Amsterdam', stations: ALMERE_STATIONS }), 'polling_station.eml110b_municipality', /van gemeente Amsterdam \(0363\) \(regel 5\), niet van Almere \(0034\)/],
      ['duplicate and bad postcode', dup, 'polling_station.eml110b', /er zijn 2 fouten/],
      ['no stations', build110b({ stations: [] }), 'polling_station.eml110b', /bevat geen stembureaus/],
      ['truncated', build110b({ stations: ALMERE_STATIONS }).slice(0, 600), 'xml.truncated', /./],
      ['DOCTYPE', '<?xml version="1.0"?>\n<!DOCTYPE EML [<!ENTITY a "b">]>\n<EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="110b"/>', 'xml.doctype', /DOCTYPE/],
    ];
    for (const [what, body, code, re] of cases) {
      const r = await upload(admin, body, '?replace=true');
      assert.equal(r.status, 422, `${what}: ${r.text}`);
      assert.equal(r.json.error.code, code, what);
      assert.match(r.json.error.message, re, what);
    }
    const r = await upload(admin, dup, '?replace=true');
    assert.deepEqual(r.json.error.lines, [
      { line: placeLine(dup, 1), message: 'Stembureau 2: "1315 SA" is geen geldige postcode: de letters SA worden niet gebruikt.' },
      { line: placeLine(dup, 2), message: `Stembureau 1 komt al voor op regel ${placeLine(dup, 0)}.` },
    ]);
    assert.deepEqual((await admin.get('/api/polling-stations')).json.pollingStations, before);
    assert.equal((await audit(admin)).length, auditBefore, 'a refusal writes no audit record');
  });

  test('replacing needs confirmation; a CSV is still recognised as a CSV', async () => {
    const text = build110b({ stations: [{ id: '10', name: 'Sporthal', postcode: '1325 AA' }] });
    const no = await upload(admin, text);
    assert.equal(no.status, 409, no.text);
    assert.equal(no.json.error.code, 'polling_station.exists');
    assert.equal((await admin.get('/api/polling-stations')).json.pollingStations.length, 3);
    const yes = await upload(admin, text, '?replace=true');
    assert.equal(yes.status, 200, yes.text);
    assert.deepEqual(yes.json.pollingStations.map((p: { number: number }) => p.number), [10]);
    const rec = (await audit(admin))[0]!;
    assert.equal(rec.action, 'polling_station.import.replace');
    assert.equal(rec.details.format, 'eml110b');
    assert.equal(rec.details.previousCount, 3);

    const csv = await upload(admin, 'nummer;naam;postcode\n1;Stadhuis;1315 HR\n', '?replace=true', 'stembureaus.csv');
    assert.equal(csv.status, 200, csv.text);
    assert.equal(csv.json.format, 'csv');
    assert.equal((await audit(admin))[0]!.details.format, 'csv');
    // an XML file named .csv is read as XML: the content decides
    const xmlAsCsv = await upload(admin, build110b({ stations: ALMERE_STATIONS }), '?replace=true', 'stembureaus.csv');
    assert.equal(xmlAsCsv.status, 200, xmlAsCsv.text);
    assert.equal(xmlAsCsv.json.format, 'eml110b');
  });

  test('the typist cannot import; in phase 2 the import is refused and nothing changes', async () => {
    const typist = await userClient(server, admin, 'invoer', 'invoer1');
    assert.equal((await upload(typist, build110b({ stations: ALMERE_STATIONS }), '?replace=true')).status, 403);
    const before = (await admin.get('/api/polling-stations')).json.pollingStations;
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
    const r = await upload(admin, build110b({ stations: [{ id: '8', name: 'Nieuw' }] }), '?replace=true');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'phase.wrong');
    assert.deepEqual((await admin.get('/api/polling-stations')).json.pollingStations, before);
  });
});

describe('HSB installation: a 110b import is refused', () => {
  let server: TestServer;
  after(() => server?.close());
  test('409 stemgebied.not_gemeente', async () => {
    server = await startTestServer();
    const admin = await adminClient(server);
    await importDefinition(admin);
    const r = await upload(admin, build110b({ stations: ALMERE_STATIONS }));
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'stemgebied.not_gemeente');
  });
});
