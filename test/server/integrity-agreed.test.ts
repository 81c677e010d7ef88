/**
 * Issue 8, defect 2, over the real server: the municipalities' signed count files (510b) of kieskring
 * Lelystad are imported as first entries; the second typist types 0 in every difference field that
 * the signed file leaves empty (as the entry screen tells typists to do for an empty box). Empty and
 * 0 agree for the four-eyes comparison, so every municipality becomes complete; the 510c is made from
 * the agreed form (`agreedForm`: the signed file's numbers), so it stays byte-identical to the
 * official file and gains no `<UncountedVotes ReasonCode="kwijtgeraakte stembiljetten">0`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DIFFERENCE_SCALARS, type EntryForm } from '../../src/domain/entry.ts';
import {
  buildSignedCountZip,
  KIESKRING_FILE,
  LELYSTAD_MUNICIPALITIES,
  municipalityCertificate,
  municipalityName,
  importCountZip,
  municipalityTotals,
  preparePhase2,
  testKeyPair,
  typeEntry,
  type Phase2Setup,
} from '../support/counts.ts';
import { createDocuments, createOwnKey, PV_DETAILS } from '../support/documents.ts';
import { firstDifference, WITHOUT_TIME } from '../support/eml.ts';
import { eml } from '../support/paths.ts';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.ts';

const OFFICIAL = readFileSync(eml('tk2021', KIESKRING_FILE));
let server: TestServer;
let s: Phase2Setup;

before(async () => {
  server = await startTestServer();
  const codes = LELYSTAD_MUNICIPALITIES.map((m) => m.code);
  const key = await testKeyPair();
  s = await preparePhase2(server, { keysFor: codes, key });
  await createOwnKey(s.admin);
  for (const code of codes) {
    const cert = municipalityCertificate(code, municipalityName(code), key);
    const r = await importCountZip(s.leader, await buildSignedCountZip({ code, key, cert }));
    assert.equal(r.status, 200, r.text);
  }
});
after(() => server.close());

/** The form with 0 typed in every difference field the signed file leaves empty. */
function zeroesTyped(form: EntryForm): EntryForm {
  const scalars = { ...form.scalars };
  for (const k of DIFFERENCE_SCALARS) scalars[k] = scalars[k] ?? 0;
  return { ...form, scalars };
}

test('second entries with 0 where the signed file is empty complete every municipality; the 510c stays the official file', async () => {
  const [t1] = s.typists as [ApiClient];
  let zeroes = 0;
  for (const m of LELYSTAD_MUNICIPALITIES) {
    const signed = (await municipalityTotals(m.code)).form;
    const typed = zeroesTyped(signed);
    zeroes += DIFFERENCE_SCALARS.filter((k) => signed.scalars[k] === null).length;
    let r = await typeEntry(t1, m.code, typed);
    if (r.json?.outcome?.kind === 'needs_attention') {
      const warnings = (r.json.checks as { code: string; severity: string }[]).filter((c) => c.severity === 'warning').map((c) => c.code);
      r = await t1.post(`/api/counts/${m.code}/submit`, { form: typed, acknowledged: warnings });
    }
    assert.equal(r.json?.outcome?.kind, 'complete', `${m.code}: ${r.text}`);
  }
  assert.ok(zeroes >= LELYSTAD_MUNICIPALITIES.length, 'the test types 0 where the signed files leave a reason out');
  assert.equal((await s.leader.post('/api/finalise')).status, 200);
  assert.equal((await s.leader.request('PUT', '/api/pv-details', PV_DETAILS)).status, 200);
  const j = await createDocuments(s.leader);
  assert.equal(j.json.stage, 'done', j.text);
  const list = await s.reader.get('/api/documents');
  const doc = list.json.sets[0].documents.find((d: { kind: string }) => d.kind === 'eml510c');
  const bytes = (await s.reader.get(`/api/documents/${doc.id}/download`)).bytes;
  assert.equal(bytes.includes('ReasonCode="kwijtgeraakte stembiljetten"'), false);
  assert.equal(firstDifference(WITHOUT_TIME(bytes), WITHOUT_TIME(OFFICIAL)), null);
});
