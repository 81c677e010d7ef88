/**
 * Phase 2 through the real server: imports of signed count files, double entry, differences,
 * warnings, the status overview, and who may see and do what. Numbers come from the official
 * TK2021 kieskring file of Lelystad (test/support/counts.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sumCounts } from '../../src/domain/counts.ts';
import { formToCounts } from '../../src/domain/entry.ts';
import {
  buildSignedCountZip,
  changeForm,
  expectStatus,
  formFromOfficial,
  importCountZip,
  municipalityCertificate,
  municipalityTotals,
  preparePhase2,
  testKeyPair,
  typeEntry,
  type Phase2Setup,
} from '../support/counts.ts';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.ts';

describe('phase 2: steminvoer (complete flow)', () => {
  let server: TestServer;
  let s: Phase2Setup;
  let leader: ApiClient;
  let t1: ApiClient, t2: ApiClient, t3: ApiClient;

  before(async () => {
    server = await startTestServer();
    s = await preparePhase2(server, { keysFor: ['0034', '0050'] });
    leader = s.leader;
    [t1, t2, t3] = s.typists as [ApiClient, ApiClient, ApiClient];
  });
  after(() => server.close());

  test('form shape and empty status overview', async () => {
    const shape = await t1.get('/api/counts/form-shape');
    assert.equal(shape.status, 200, shape.text);
    assert.equal(shape.json.scalars[0].key, 'Z');
    assert.equal(shape.json.lists[0].listNumber, 1);
    assert.equal(shape.json.lists[0].name, 'VVD');
    assert.match(shape.json.lists[0].candidates[0].name, /^Rutte, M\./);
    const st = await s.reader.get('/api/counts/status');
    assert.equal(st.status, 200);
    assert.equal(st.json.total, 6);
    assert.equal(st.json.complete, 0);
    assert.deepEqual(st.json.byIndicator, { geen_invoer: 6, invoer_aanwezig: 0, waarschuwing: 0, afgerond: 0 });
  });

  test('two municipalities by import, then a typed second entry by another user', async () => {
    const key = await testKeyPair();
    for (const code of ['0034', '0050']) {
      const z = await buildSignedCountZip({ code, key, cert: municipalityCertificate(code, code === '0034' ? 'Almere' : 'Zeewolde', key) });
      const c = await importCountZip(leader, z);
      assert.equal(c.status, 200, c.text);
      assert.equal(c.json.state, 'first_done');
    }
    const audit = await s.admin.get('/api/audit?limit=20');
    const rec = audit.json.records.find((r: { action: string }) => r.action === 'counts.import');
    assert.ok(rec, 'import audited');
    assert.match(rec.details.hash, /^[0-9A-F]{4}( [0-9A-F]{4}){15}$/);
    assert.match(rec.details.signer, /UID=PSB00(34|50)/);
    assert.match(rec.details.fileName, /^Telling_TK2021_gemeente_(Almere|Zeewolde)\.zip$/);
    assert.equal(audit.json.chain.intact, true);

    // The leader can never claim or type.
    const lc = await leader.post('/api/counts/0034/claim');
    assert.equal(lc.status, 403);

    // Second entry by a typist: the GET does not reveal the imported numbers.
    const detail = await t1.get('/api/counts/0034');
    assert.equal(detail.status, 200);
    assert.equal(detail.json.forms, null);
    assert.deepEqual(detail.json.checks, []);
    assert.ok(!JSON.stringify(detail.json).includes(String((await municipalityTotals('0034')).counts.totalCounted)));
    assert.deepEqual(detail.json.actions, ['claim']);
    const claim = await t1.post('/api/counts/0034/claim');
    assert.equal(claim.status, 200, claim.text);
    assert.equal(claim.json.entry, 2);
    assert.equal(claim.json.form.scalars.E, null, 'the second typist gets an empty form');
    const sub = await t1.post('/api/counts/0034/submit', { form: await formFromOfficial('0034'), acknowledged: [] });
    assert.equal(sub.status, 200, sub.text);
    assert.equal(sub.json.outcome.kind, 'complete');
    assert.equal(sub.json.state, 'complete');
  });

  test('the importer cannot type the second entry (importer is the leader: 403); typed twice elsewhere', async () => {
    // Zeewolde: second entry by t2
    const r = await typeEntry(t2, '0050', await formFromOfficial('0050'));
    assert.equal(r.json.outcome.kind, 'complete', r.text);
  });

  test('two typed entries; the same typist may not type both', async () => {
    const form = await formFromOfficial('0171');
    const first = await typeEntry(t1, '0171', form);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.outcome.kind, 'first_done');
    const again = await t1.post('/api/counts/0171/claim');
    assert.equal(again.status, 409);
    assert.equal(again.json.error.code, 'entry.same_user');
    const second = await typeEntry(t2, '0171', form);
    assert.equal(second.json.outcome.kind, 'complete', second.text);
  });

  test('a difference: not identical, confirmed, resolved with "Tweede invoer overnemen"', async () => {
    const form = await formFromOfficial('0184');
    const wrong = changeForm(form, { 'list.1.1': (form.lists[0]!.candidates[0] ?? 0) - 1, 'list.1.2': (form.lists[0]!.candidates[1] ?? 0) + 1 });
    const first = await typeEntry(t1, '0184', wrong);
    assert.equal(first.json.outcome.kind, 'first_done', first.text);
    const c2 = await t2.post('/api/counts/0184/claim');
    assert.equal(c2.status, 200);
    const s1 = await t2.post('/api/counts/0184/submit', { form, acknowledged: [] });
    assert.equal(s1.json.outcome.kind, 'not_identical');
    assert.deepEqual(s1.json.outcome.fields, ['list.1.1', 'list.1.2']);
    assert.equal(s1.json.state, 'second_in_progress');
    const s2 = await t2.post('/api/counts/0184/submit', { form, acknowledged: [], confirmDifferent: true });
    assert.equal(s2.json.outcome.kind, 'differences');
    assert.equal(s2.json.state, 'differences');

    // The typists cannot see the differences; the leader can.
    assert.equal((await t3.get('/api/counts/0184/differences')).status, 403);
    const diff = await leader.get('/api/counts/0184/differences');
    assert.equal(diff.status, 200, diff.text);
    assert.deepEqual(
      diff.json.fields.map((f: { id: string }) => f.id),
      ['list.1.1', 'list.1.2'],
    );
    assert.equal(diff.json.fields[0].second, form.lists[0]!.candidates[0]);
    assert.equal(diff.json.fields[0].first, (form.lists[0]!.candidates[0] ?? 0) - 1);
    assert.match(diff.json.fields[0].label, /Lijst 1 VVD: 1\. Rutte/);
    const st = await s.reader.get('/api/counts/status');
    assert.equal(st.json.municipalities.find((m: { code: string }) => m.code === '0184').indicator, 'waarschuwing');

    assert.equal((await leader.post('/api/counts/0184/resolve', { choice: 'second' })).status, 400, 'a reason is required');
    const res = await leader.post('/api/counts/0184/resolve', { choice: 'second', reason: 'Tweede invoer klopt met het proces-verbaal' });
    assert.equal(res.status, 200, res.text);
    // "Tweede invoer overnemen" is final (guide step 9): the leader's choice is the second pair of eyes.
    assert.equal(res.json.state, 'complete');
    assert.equal((await t3.post('/api/counts/0184/claim')).json.error.code, 'entry.wrong_state');
    const h = await leader.get('/api/counts/0184');
    const actions = h.json.history.map((x: { action: string }) => x.action);
    assert.ok(actions.includes('resolve'));
    assert.equal(h.json.history.find((x: { action: string }) => x.action === 'resolve').details.reason, 'Tweede invoer klopt met het proces-verbaal');
  });

  test('a draft save that arrives after a newer one is ignored (sequence numbers); the newer numbers stay', async () => {
    const form = await formFromOfficial('0995');
    expectStatus(await t3.post('/api/counts/0995/claim'), 200, 'claim');
    const newer = changeForm(form, { Z: 111 });
    const older = changeForm(form, { Z: 99 });
    const a = await t3.request('PUT', '/api/counts/0995/draft', { form: newer, seq: 2000 });
    assert.equal(a.json.saved, true, a.text);
    const b = await t3.request('PUT', '/api/counts/0995/draft', { form: older, seq: 1000 });
    assert.equal(b.status, 200, b.text);
    assert.deepEqual([b.json.saved, b.json.stale], [false, true]);
    assert.equal((await t3.post('/api/counts/0995/claim')).json.form.scalars.Z, 111);
    expectStatus(await t3.post('/api/counts/0995/release'), 200, 'release');
  });

  test('a warning must be acknowledged (W.205: kiesgerechtigden 0)', async () => {
    const form = changeForm(await formFromOfficial('0303'), { Z: 0 });
    const r = await typeEntry(t1, '0303', form);
    assert.equal(r.json.outcome.kind, 'needs_attention', r.text);
    assert.equal(r.json.outcome.blocking, 'warnings');
    assert.ok(r.json.checks.some((c: { code: string }) => c.code === 'W.205'));
    const ok1 = await t1.post('/api/counts/0303/submit', { form, acknowledged: ['W.205'] });
    assert.equal(ok1.json.outcome.kind, 'first_done', ok1.text);
    const two = await typeEntry(t3, '0303', form, { acknowledged: ['W.205'] });
    assert.equal(two.json.outcome.kind, 'complete', two.text);
    const st = await s.reader.get('/api/counts/status');
    assert.deepEqual(st.json.municipalities.find((m: { code: string }) => m.code === '0303').warnings, ['W.205']);
  });

  test('a difference resolved with "Verwijder eerste en tweede invoer": empty, reason in history and audit', async () => {
    const form = await formFromOfficial('0995');
    const wrong = changeForm(form, { 'list.2.1': (form.lists[1]!.candidates[0] ?? 0) + 3, 'list.2': (form.lists[1]!.total ?? 0) + 3 });
    assert.equal((await typeEntry(t1, '0995', form)).json.outcome.kind, 'first_done');
    const second = await typeEntry(t3, '0995', wrong, { confirmDifferent: true });
    assert.equal(second.json.outcome.kind, 'differences', second.text);
    assert.equal((await t3.post('/api/counts/0995/resolve', { choice: 'delete_both', reason: 'x' })).status, 403, 'a typist may not resolve');
    assert.equal((await leader.post('/api/counts/0995/resolve', { choice: 'delete_both', reason: '   ' })).status, 400, 'a reason is required');
    const reason = 'Beide invoeren twijfelachtig; proces-verbaal opnieuw ingevoerd (verzoek HSB-voorzitter).';
    const res = await leader.post('/api/counts/0995/resolve', { choice: 'delete_both', reason });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.state, 'empty');
    const d = await leader.get('/api/counts/0995');
    assert.equal(d.json.state, 'empty');
    assert.equal(d.json.forms?.first ?? null, null, 'no first entry left');
    const resolve = d.json.history.find((x: { action: string }) => x.action === 'resolve');
    assert.ok(resolve, JSON.stringify(d.json.history.map((x: { action: string }) => x.action)));
    assert.equal(resolve.details.reason, reason);
    assert.equal(resolve.by?.username ?? resolve.user?.username ?? resolve.username, 'leider', JSON.stringify(resolve));
    const st = await s.reader.get('/api/counts/status');
    assert.equal(st.json.municipalities.find((m: { code: string }) => m.code === '0995').indicator, 'geen_invoer');
    const audit = await s.admin.get('/api/audit?limit=1000');
    const rec = audit.json.records.find((r: { action: string; details: { code?: string } }) => r.action === 'counts.resolve.delete_both' && r.details.code === '0995');
    assert.ok(rec, 'audit record counts.resolve.delete_both');
    assert.equal(rec.details.reason, reason);
    assert.equal(rec.details.from, 'differences');
    assert.equal(rec.details.to, 'empty');
    assert.equal(rec.username, 'leider');
    // Both typists may start again: invoer1 takes the first entry anew.
    const again = await t1.post('/api/counts/0995/claim');
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.entry, 1);
    assert.equal(again.json.form.scalars.Z, null, 'the deleted entries are not handed back');
    assert.equal((await t1.post('/api/counts/0995/release')).json.state, 'empty');
  });

  test('first entry with errors goes to the leader; deleting it allows a new entry', async () => {
    const form = await formFromOfficial('0995');
    const bad = changeForm(form, { E: (form.scalars.E ?? 0) + 10 });
    const r = await typeEntry(t2, '0995', bad);
    assert.equal(r.json.outcome.kind, 'needs_attention');
    assert.equal(r.json.outcome.blocking, 'errors');
    const c = await t2.post('/api/counts/0995/submit', { form: bad, acknowledged: [], confirmErrors: true });
    assert.equal(c.json.outcome.kind, 'first_with_errors', c.text);
    assert.equal((await t3.post('/api/counts/0995/claim')).status, 409);
    const del = await leader.post('/api/counts/0995/delete', { reason: 'Fout op het proces-verbaal gecorrigeerd' });
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.state, 'empty');
    // Phase 3 not yet possible.
    const ph = await leader.get('/api/phase');
    assert.equal(ph.json.phases[2].canActivate, false);
    assert.equal((await typeEntry(t2, '0995', form)).json.outcome.kind, 'first_done');
    assert.equal((await typeEntry(t3, '0995', form)).json.outcome.kind, 'complete');
  });

  test('status overview: all complete; phase 3 can be activated; going back to phase 1 is refused', async () => {
    const st = await s.reader.get('/api/counts/status');
    assert.equal(st.json.complete, 6);
    assert.deepEqual(st.json.byIndicator, { geen_invoer: 0, invoer_aanwezig: 0, waarschuwing: 0, afgerond: 6 });
    for (const m of st.json.municipalities) {
      assert.equal(m.state, 'complete');
      assert.ok(m.first.at && m.second.at, m.code);
    }
    assert.equal(st.json.municipalities.find((m: { code: string }) => m.code === '0034').first.source, 'import');
    // The kieskring total is the sum of the official municipality totals (Z of Dronten typed as 0).
    const detail = await leader.get('/api/counts/0171');
    assert.deepEqual(formToCounts(detail.json.forms.first).lists, formToCounts(await formFromOfficial('0171')).lists);
    void sumCounts;
    const ph = await leader.get('/api/phase');
    assert.equal(ph.json.phases[0].canActivate, false);
    assert.match(ph.json.phases[0].reason, /invoer/);
    assert.equal(ph.json.phases[2].canActivate, true);
    const back = await leader.post('/api/phase', { target: 1 });
    assert.equal(back.status, 409);
    const audit = await s.admin.get('/api/audit?limit=1000');
    assert.equal(audit.json.chain.intact, true);
    const three = await leader.post('/api/phase', { target: 3 });
    assert.equal(three.status, 200, three.text);
    // Phase 2 actions are refused in phase 3.
    const late = await leader.post('/api/counts/0034/delete', { reason: 'te laat' });
    assert.equal(late.status, 409);
    assert.equal(late.json.error.code, 'phase.wrong');
  });
});
