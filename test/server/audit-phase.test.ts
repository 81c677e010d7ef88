import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { adminClient, startTestServer, userClient, type ApiClient, type TestServer } from '../support/server.ts';
import { DEFINITION_FILE, importCandidateLists, importDefinition, tk2021 } from './fixtures.ts';

describe('phases and audit log', () => {
  let server: TestServer;
  let admin: ApiClient;
  let leader: ApiClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
  });
  after(() => server.close());

  test('phase 2 needs definition and candidate lists; back to 1 is allowed; 3 not yet', async () => {
    const p = await leader.get('/api/phase');
    assert.equal(p.json.phase, 1);
    const two = p.json.phases.find((x: { number: number }) => x.number === 2);
    assert.equal(two.canActivate, false);
    assert.match(two.reason, /verkiezingsdefinitie/);
    assert.equal(p.json.phases.find((x: { number: number }) => x.number === 1).active, true);

    const early = await leader.post('/api/phase', { target: 2 });
    assert.equal(early.status, 409);
    assert.equal(early.json.error.code, 'phase.not_ready');
    assert.equal((await leader.post('/api/phase', { target: 4 })).status, 400);
    assert.equal((await admin.post('/api/phase', { target: 2 })).status, 403, 'beheerder may not change phases');

    await importDefinition(admin);
    await importCandidateLists(admin);
    assert.equal((await leader.get('/api/phase')).json.phases[1].canActivate, true);
    const go = await leader.post('/api/phase', { target: 2 });
    assert.equal(go.status, 200, go.text);
    assert.equal(go.json.phase, 2);
    assert.equal((await leader.get('/api/election')).json.phase, 2);

    // In phase 2 no imports of definition or candidate lists.
    const def = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
    assert.equal(def.status, 409);
    const lists = await admin.upload('/api/election/candidate-lists/preview', 'x.xml', '<x/>');
    assert.equal(lists.status, 409);

    const three = await leader.post('/api/phase', { target: 3 });
    assert.equal(three.status, 409);
    const back = await leader.post('/api/phase', { target: 1 });
    assert.equal(back.json.phase, 1);
    const skip = await leader.post('/api/phase', { target: 3 });
    assert.equal(skip.status, 409);
    assert.equal(skip.json.error.code, 'phase.skip');
  });

  test('records for every action with who and role; intact chain; CSV export is logged', async () => {
    const a = await leader.get('/api/audit?limit=500');
    assert.equal(a.status, 200);
    assert.deepEqual(a.json.chain, { intact: true, firstBrokenId: null });
    const recs = a.json.records as { id: number; action: string; username: string | null; role: string | null; details: Record<string, unknown> }[];
    for (let i = 1; i < recs.length; i++) assert.equal(recs[i - 1]!.id, recs[i]!.id + 1, 'newest first, no gaps');
    const actions = new Set(recs.map((r) => r.action));
    for (const action of [
      'installation.create',
      'user.create',
      'login',
      'password.change',
      'election.definition.import',
      'election.candidate_lists.import',
      'phase.change',
    ]) {
      assert.ok(actions.has(action), action);
    }
    const phaseRecs = recs.filter((r) => r.action === 'phase.change');
    assert.equal(phaseRecs.length, 2);
    assert.equal(phaseRecs[0]!.username, 'leider');
    assert.equal(phaseRecs[0]!.role, 'verkiezingsleider');
    assert.deepEqual(phaseRecs[0]!.details, { from: 2, to: 1 });
    const created = recs.find((r) => r.action === 'user.create' && r.details.username === 'leider')!;
    assert.equal(created.username, 'admin');
    assert.equal(created.role, 'beheerder');

    const page = await leader.get(`/api/audit?limit=2&before=${recs[0]!.id}`);
    assert.deepEqual(
      page.json.records.map((r: { id: number }) => r.id),
      [recs[0]!.id - 1, recs[0]!.id - 2],
    );
    assert.equal((await leader.get('/api/audit?limit=0')).status, 400);

    const csv = await leader.get('/api/audit/export');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="auditlog-.*\.csv"/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    assert.equal(lines[0], 'id;tijdstip;gebruiker_id;gebruikersnaam;rol;actie;details;vorige_hash;hash');
    assert.equal(lines.length, recs.length + 2, 'all records plus the export record itself');
    assert.match(lines.at(-1)!, /;leider;verkiezingsleider;audit\.export;/);
    const after = await leader.get('/api/audit?limit=1');
    assert.equal(after.json.records[0].action, 'audit.export');
  });

  test('tampering with a row in SQLite shows as a broken chain', async () => {
    const file = path.join(server.dataDir, 'uitslag.sqlite');
    const db = new Database(file);
    try {
      const row = db.prepare(`SELECT id, details_json FROM audit_log WHERE action = 'phase.change' ORDER BY id LIMIT 1`).get() as {
        id: number;
        details_json: string;
      };
      // The table refuses changes (migration 6); someone with the database file can drop the triggers.
      assert.throws(() => db.prepare('UPDATE audit_log SET details_json = ? WHERE id = ?').run('{}', row.id), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM audit_log WHERE id = ?').run(row.id), /append-only/);
      db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
      db.prepare('UPDATE audit_log SET details_json = ? WHERE id = ?').run(row.details_json.replace('"to":2', '"to":3'), row.id);
      const r = await leader.get('/api/audit');
      assert.deepEqual(r.json.chain, { intact: false, firstBrokenId: row.id });
      db.prepare('UPDATE audit_log SET details_json = ? WHERE id = ?').run(row.details_json, row.id);
      assert.equal((await leader.get('/api/audit')).json.chain.intact, true);
      // Deleting a record breaks the chain too.
      db.prepare('DELETE FROM audit_log WHERE id = ?').run(row.id + 1);
      assert.deepEqual((await leader.get('/api/audit')).json.chain, { intact: false, firstBrokenId: row.id + 2 });
    } finally {
      db.close();
    }
  });
});
