/**
 * No dead ends (issue 12): GET /api/phase names what later steps still need — the own key, the
 * municipalities' public keys (HSB), the PV details — in the menu's words; each item goes away
 * once it is done. The UI shows them in the confirmations of "Activeren steminvoer fase" and
 * "Definitief maken".
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LISTS_FILE, LELYSTAD_MUNICIPALITIES, importMunicipalityKey, importTk2021Election, municipalityCertificate, testKeyPair } from '../support/counts.ts';
import { adminClient, startTestServer, userClient, type ApiClient, type TestServer } from '../support/server.ts';

let server: TestServer;
let admin: ApiClient;
before(async () => {
  server = await startTestServer();
  admin = await adminClient(server);
});
after(async () => {
  await server?.close();
});

const kinds = async () => ((await admin.get('/api/phase')).json.laterSteps as { kind: string }[]).map((s) => s.kind);

test('laterSteps: nothing before an election; then own key, municipalities\' keys and PV details until each is there', async () => {
  assert.deepEqual(await kinds(), []);
  await importTk2021Election(admin, 5, LISTS_FILE);
  const first = (await admin.get('/api/phase')).json.laterSteps as { kind: string; text: string }[];
  assert.deepEqual(first.map((s) => s.kind), ['own_key', 'municipality_keys', 'pv_details']);
  assert.match(first[0]!.text, /“Ophalen \(downloaden\) publieke sleutel”/);
  assert.match(first[1]!.text, /Van 6 gemeenten .*Almere \(0034\)/);
  assert.match(first[2]!.text, /“Definitief maken & PV gebiedsuitslag”/);

  assert.equal((await admin.post('/api/keys/own')).status, 201);
  assert.deepEqual(await kinds(), ['municipality_keys', 'pv_details']);
  const key = await testKeyPair();
  for (const m of LELYSTAD_MUNICIPALITIES.slice(1)) await importMunicipalityKey(admin, m.code, municipalityCertificate(m.code, m.name, key));
  const one = (await admin.get('/api/phase')).json.laterSteps as { kind: string; text: string }[];
  assert.match(one[0]!.text, /^Van 1 gemeente is .*\(Almere \(0034\)\)/);
  await importMunicipalityKey(admin, '0034', municipalityCertificate('0034', 'Almere', key));
  assert.deepEqual(await kinds(), ['pv_details']);

  const leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
  assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
  assert.deepEqual(await kinds(), ['pv_details']);
  const pv = await leader.request('PUT', '/api/pv-details', {
    session: { place: 'Lelystad', date: '19 maart 2021', time: '10.00 uur' },
    members: [{ name: 'A. Voorzitter', role: 'voorzitter' }],
    objections: null,
    remarks: null,
  });
  assert.equal(pv.status, 200, pv.text);
  assert.deepEqual(await kinds(), []);
});
