/**
 * Issue 8, signing keys, over the real server: after phase 1 a municipality's key is replaced only
 * after the election leader confirmed the new key (fingerprint and reason; audited, used once), and a
 * count file checked under the old key is verified again at confirm time against the key current then.
 * (Documents signed with an expired or not yet valid own certificate: integrity-snapshot.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  buildSignedCountZip,
  municipalityCertificate,
  preparePhase2,
  testKeyPair,
  typedGroups,
  uploadCountZip,
  importCountZip,
  type Phase2Setup,
} from '../support/counts.ts';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.ts';

describe("a municipality's key after phase 1 (Almere)", () => {
  let server: TestServer;
  let s: Phase2Setup;
  let certA: string;
  let certB: string;

  before(async () => {
    server = await startTestServer();
    const a = await testKeyPair('a');
    certA = municipalityCertificate('0034', 'Almere', a);
    certB = municipalityCertificate('0034', 'Almere', await testKeyPair('b'));
    s = await preparePhase2(server, { keysFor: ['0034'], key: a });
  });
  after(() => server.close());

  async function preview(admin: ApiClient, pem: string) {
    const p = await admin.upload('/api/election/regions/0034/key/preview', 'public_key_0034.crt', pem);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.importable, true, p.text);
    return p.json as { uploadId: string; fingerprint: string; replaceNeedsLeader: boolean };
  }

  test('a file checked under the old key, the key replaced (with the leader’s confirmation), then the import confirmed: refused, nothing stored', async () => {
    const a = await testKeyPair('a');
    const signedA = await buildSignedCountZip({ code: '0034', key: a, cert: certA });
    const job = await uploadCountZip(s.leader, signedA.zip, signedA.fileName);
    assert.equal(job.json.stage, 'ready', job.text);

    // The beheerder alone cannot replace the key in phase 2.
    const p = await preview(s.admin, certB);
    assert.equal(p.replaceNeedsLeader, true);
    const alone = await s.admin.post('/api/election/regions/0034/key/confirm', { uploadId: p.uploadId, replace: true });
    assert.equal(alone.status, 409, alone.text);
    assert.equal(alone.json.error.code, 'key.replace_needs_leader');
    assert.match(alone.json.error.message, /alleen worden vervangen nadat de verkiezingsleider dit heeft bevestigd/);
    // The leader confirms the new key's fingerprint (a wrong one is refused), with a reason.
    const wrong = await s.leader.post('/api/election/regions/0034/key/approve-replace', { fingerprint: '00:11', reason: 'nieuwe sleutel van Almere' });
    assert.equal(wrong.status, 409, wrong.text);
    assert.equal(wrong.json.error.code, 'key.replace_unknown');
    assert.equal((await s.admin.post('/api/election/regions/0034/key/approve-replace', { fingerprint: p.fingerprint, reason: 'x' })).status, 403);
    const ok = await s.leader.post('/api/election/regions/0034/key/approve-replace', { fingerprint: p.fingerprint, reason: 'Almere heeft een nieuwe sleutel gemaakt' });
    assert.equal(ok.status, 200, ok.text);
    const replaced = await s.admin.post('/api/election/regions/0034/key/confirm', { uploadId: p.uploadId, replace: true });
    assert.equal(replaced.status, 200, replaced.text);
    const records = (await s.leader.get('/api/audit?limit=50')).json.records as { action: string; username: string; details: Record<string, unknown> }[];
    const approved = records.find((r) => r.action === 'key.municipality.replace_approved')!;
    assert.equal(approved.username, 'leider');
    assert.equal(approved.details.fingerprint, p.fingerprint);
    const rec = records.find((r) => r.action === 'key.municipality.replace')!;
    assert.equal(rec.details.approvedBy, 'leider');
    assert.equal(rec.details.approvalReason, 'Almere heeft een nieuwe sleutel gemaakt');
    // The confirmation is used once: going back to the old key needs a new one.
    const back = await preview(s.admin, certA);
    const again = await s.admin.post('/api/election/regions/0034/key/confirm', { uploadId: back.uploadId, replace: true });
    assert.equal(again.json.error.code, 'key.replace_needs_leader');

    // The job checked under key A: at confirm time the key is B, so it is refused.
    const preview0 = job.json.preview;
    const confirm = await s.leader.post('/api/counts/import/confirm', {
      uploadId: preview0.uploadId,
      groups: typedGroups(signedA.eml, preview0.hiddenGroups),
      acknowledged: preview0.checks.filter((c: { severity: string }) => c.severity === 'warning').map((c: { code: string }) => c.code),
    });
    assert.equal(confirm.status, 409, confirm.text);
    assert.equal(confirm.json.error.code, 'import.key_changed');
    assert.match(confirm.json.error.message, /De publieke sleutel van Almere is vervangen nadat dit bestand werd gecontroleerd/);
    assert.equal((await s.leader.get('/api/counts/0034')).json.state, 'empty');
    assert.equal((await s.leader.get('/api/audit?limit=20')).json.records.some((r: { action: string }) => r.action === 'counts.import'), false);

    // A file signed with the current key imports.
    const signedB = await buildSignedCountZip({ code: '0034', key: await testKeyPair('b'), cert: certB });
    const done = await importCountZip(s.leader, signedB);
    assert.equal(done.status, 200, done.text);
  });
});
