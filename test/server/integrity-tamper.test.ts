/**
 * Issue 8, defect 5, over the real server: tampering shows. With the database file edited directly
 * (as someone with access to the laptop could): 1,000 votes added to a complete municipality (both
 * entries, every sum kept) are refused before documents are made and reported on the status screens
 * and at the next start; a stored document whose bytes were replaced is reported; the last audit
 * records deleted, or the chain rewritten after an edited record, are reported at the next start
 * (the chain's head is anchored outside the database in logs/audit-anker.jsonl). The audit log itself
 * refuses UPDATE and DELETE; vernietigen still empties it.
 */
import type { AuditRow } from '../../src/server/audit.ts';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { UnitState } from '../../src/domain/doubleEntry.ts';
import type { EntryForm } from '../../src/domain/entry.ts';
import { formatHash } from '../../src/domain/hashcode.ts';
import { canonicalJson } from '../../src/server/audit.ts';
import { LELYSTAD_MUNICIPALITIES, preparePhase2, type Phase2Setup } from '../support/counts.ts';
import { completeMunicipality, createDocuments, createOwnKey, PV_DETAILS } from '../support/documents.ts';
import { ADMIN_PASSWORD, ApiClient, startTestServer, USER_PASSWORD, type TestServer } from '../support/server.ts';
import { unzip } from '../support/zip.ts';

const DB = 'uitslag.sqlite';

/** 1,000 votes more for candidate 1 of list 1, with every sum kept (list total, E, H, D, A). */
function plus1000(form: EntryForm): EntryForm {
  const s = { ...form.scalars } as Record<string, number | null>;
  for (const k of ['E', 'H', 'D', 'A']) if (s[k] !== null && s[k] !== undefined) s[k] = s[k]! + 1000;
  return {
    scalars: s as EntryForm['scalars'],
    lists: form.lists.map((l) =>
      l.listNumber !== 1 ? l : { ...l, total: (l.total ?? 0) + 1000, candidates: l.candidates.map((v, i) => (i === 0 ? (v ?? 0) + 1000 : v)) },
    ),
  };
}

describe('tampering with the database shows (Lelystad)', () => {
  let dataDir: string;
  let server: TestServer;
  let s: Phase2Setup;
  let leader: ApiClient;

  async function restart(): Promise<void> {
    await server.close();
    server = await startTestServer({ dataDir, clock: server.clock });
    leader = new ApiClient(server.url);
    assert.equal((await leader.login('leider', USER_PASSWORD + '!')).status, 200);
  }

  function withDb<T>(f: (db: Database.Database) => T): T {
    const db = new Database(path.join(dataDir, DB));
    try {
      return f(db);
    } finally {
      db.close();
    }
  }

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'uitslag-tamper-'));
    server = await startTestServer({ dataDir });
    s = await preparePhase2(server);
    leader = s.leader;
    await createOwnKey(s.admin);
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    for (const m of LELYSTAD_MUNICIPALITIES) await completeMunicipality(t1, t2, m.code);
    assert.equal((await leader.post('/api/finalise')).status, 200);
    assert.equal((await leader.request('PUT', '/api/pv-details', PV_DETAILS)).status, 200);
    assert.equal((await createDocuments(leader)).json.stage, 'done');
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('untouched: nothing reported; every count record carries the form hash, completions the agreed form hash', async () => {
    const i = await leader.get('/api/integrity');
    assert.equal(i.status, 200, i.text);
    assert.deepEqual(i.json.problems, []);
    assert.equal((await leader.get('/api/counts/status')).json.integrity.ok, true);
    assert.equal((await leader.get('/api/finalise')).json.integrity.ok, true);
    const records = (await leader.get('/api/audit?limit=1000')).json.records as { action: string; details: Record<string, unknown> }[];
    const entries = records.filter((r) => r.action === 'counts.first_entry' || r.action === 'counts.second_entry');
    assert.equal(entries.length, 12);
    for (const r of entries) assert.match(String(r.details.formSha256), /^[0-9a-f]{64}$/);
    for (const r of entries.filter((x) => x.action === 'counts.second_entry')) assert.match(String(r.details.agreedSha256), /^[0-9a-f]{64}$/);
    assert.ok(existsSync(path.join(dataDir, 'logs', 'audit-anker.jsonl')));
  });

  test("the archive's manifest names the audit chain's head (with the archive's own record)", async () => {
    const a = await leader.get('/api/archive/download');
    assert.equal(a.status, 200);
    const files = new Map(await unzip(a.bytes));
    const head = (await leader.get('/api/integrity')).json.auditHead as { length: number; hash: string };
    const records = (await leader.get('/api/audit?limit=1')).json.records as { id: number; action: string }[];
    assert.equal(records[0]!.action, 'archive.create');
    assert.equal(head.length, records[0]!.id);
    assert.match(files.get('MANIFEST.txt')!.toString('utf8'), new RegExp(`^# Auditlog bij het archiveren: ${head.length} records, laatste hash ${formatHash(head.hash)}$`, 'm'));
    assert.deepEqual(JSON.parse(files.get('manifest.json')!.toString('utf8')).auditLog, { length: head.length, lastHash: head.hash });
    // The anchor file is in the archive too, ending with that head.
    const anchor = files.get('logs/audit-anker.jsonl')!.toString('utf8').trim().split('\n');
    assert.equal(JSON.parse(anchor.at(-1)!).head, head.hash);
  });

  test('the audit log refuses UPDATE and DELETE', () => {
    withDb((db) => {
      assert.throws(() => db.prepare("UPDATE audit_log SET action = 'x' WHERE id = 1").run(), /append-only/);
      assert.throws(() => db.prepare('DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)').run(), /append-only/);
    });
  });

  test("a stored document's bytes replaced: reported on the status screens and at the next start", async () => {
    const docs = (await leader.get('/api/documents')).json.sets[0].documents as { id: number; kind: string; fileName: string }[];
    const pdf = docs.find((d) => d.kind === 'o3_pdf')!;
    const original = withDb((db) => (db.prepare('SELECT bytes FROM documents WHERE id = ?').get(pdf.id) as { bytes: Buffer }).bytes);
    const replaced = Buffer.from(original);
    replaced[replaced.length - 10] = replaced[replaced.length - 10]! ^ 1;
    withDb((db) => {
      db.exec('DROP TRIGGER documents_no_update');
      db.prepare('UPDATE documents SET bytes = ? WHERE id = ?').run(replaced, pdf.id);
    });
    const i = await leader.get('/api/integrity');
    assert.equal(i.json.ok, false);
    assert.deepEqual(i.json.problems.map((p: { kind: string }) => p.kind), ['document']);
    assert.match(i.json.problems[0].message, new RegExp(`Het opgeslagen bestand ${pdf.fileName.replace(/\./g, '\\.')} \\(set \\d+\\) is gewijzigd`));
    assert.equal((await leader.get('/api/finalise')).json.integrity.ok, false);
    await restart();
    assert.match(server.printed.join(''), /LET OP: de controle bij het starten vond wijzigingen.*\n- Het opgeslagen bestand Model_O3_TK2021_kieskring_Lelystad\.pdf/);
    assert.equal((await leader.get('/api/counts/status')).json.integrity.ok, false);
    withDb((db) => db.prepare('UPDATE documents SET bytes = ? WHERE id = ?').run(original, pdf.id));
    assert.equal((await leader.get('/api/integrity')).json.ok, true);
  });

  test('1,000 votes added to a complete municipality (both entries, sums kept): documents refused, reported on the status screen and at the next start', async () => {
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
    assert.equal((await leader.post('/api/finalise')).status, 200);
    const before = withDb((db) => (db.prepare("SELECT state_json FROM count_units WHERE code = '0034'").get() as { state_json: string }).state_json);
    const st = JSON.parse(before) as Extract<UnitState, { kind: 'complete' }>;
    const edited = { ...st, first: { ...st.first, form: plus1000(st.first.form) }, second: { ...st.second, form: plus1000(st.second.form) } };
    withDb((db) => db.prepare("UPDATE count_units SET state_json = ? WHERE code = '0034'").run(JSON.stringify(edited)));
    const sets = (await leader.get('/api/documents')).json.sets.length;
    const r = await leader.post('/api/documents/create');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'integrity.mismatch');
    assert.match(r.json.error.message, /er worden geen bestanden gemaakt.*De opgeslagen aantallen van gemeente 0034 wijken af van wat het auditlog vastlegde \(de vastgestelde uitslag, de eerste invoer, de tweede invoer/);
    assert.equal((await leader.get('/api/documents')).json.sets.length, sets, 'nothing stored');
    const status = (await leader.get('/api/counts/status')).json.integrity;
    assert.equal(status.ok, false);
    assert.match(status.problems[0].message, /gemeente 0034/);
    await restart();
    assert.match(server.printed.join(''), /- De opgeslagen aantallen van gemeente 0034 wijken af/);
    withDb((db) => db.prepare("UPDATE count_units SET state_json = ? WHERE code = '0034'").run(before));
    assert.equal((await leader.get('/api/integrity')).json.ok, true);
  });

  test('the last audit records deleted: reported at the next start (and documents refused)', async () => {
    await server.close();
    const backup = path.join(dataDir, 'backup.sqlite');
    copyFileSync(path.join(dataDir, DB), backup);
    withDb((db) => {
      db.exec('DROP TRIGGER audit_log_no_delete');
      db.prepare('DELETE FROM audit_log WHERE id > (SELECT max(id) - 3 FROM audit_log)').run();
    });
    server = await startTestServer({ dataDir, clock: server.clock });
    assert.match(server.printed.join(''), /- Het auditlog is ingekort: volgens logs\/audit-anker\.jsonl had het op .* al \d+ records, nu nog \d+\./);
    leader = new ApiClient(server.url);
    assert.equal((await leader.login('leider', USER_PASSWORD + '!')).status, 200);
    const i = await leader.get('/api/integrity');
    assert.equal(i.json.ok, false);
    assert.equal(i.json.problems[0].kind, 'anchor');
    const r = await leader.post('/api/documents/create');
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'integrity.mismatch');
    // It keeps showing: the anchor does not follow the shortened chain.
    await restart();
    assert.match(server.printed.join(''), /Het auditlog is (ingekort|herschreven)/);
    await server.close();
    copyFileSync(backup, path.join(dataDir, DB));
    rmSync(backup);
    server = await startTestServer({ dataDir, clock: server.clock });
    assert.doesNotMatch(server.printed.join(''), /LET OP/);
  });

  test('the chain rewritten after an edited record: reported at the next start', async () => {
    await server.close();
    withDb((db) => {
      db.exec('DROP TRIGGER audit_log_no_update');
      const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as AuditRow[];
      const victim = rows.find((r) => r.action === 'counts.second_entry')!;
      victim.details_json = victim.details_json.replace(/"name":"[^"]*"/, '"name":"Elders"');
      let prev = rows[victim.id - 2]!.hash;
      for (const r of rows.slice(victim.id - 1)) {
        const content = { id: r.id, at: r.at, userId: r.user_id, username: r.username, role: r.role, action: r.action, details: JSON.parse(r.details_json) };
        const hash = createHash('sha256').update(prev + canonicalJson(content), 'utf8').digest('hex');
        db.prepare('UPDATE audit_log SET details_json = ?, prev_hash = ?, hash = ? WHERE id = ?').run(r.details_json, prev, hash, r.id);
        prev = hash;
      }
    });
    server = await startTestServer({ dataDir, clock: server.clock });
    const printed = server.printed.join('');
    assert.match(printed, /- Het auditlog is herschreven: record \d+ heeft niet meer de hash die op .* in logs\/audit-anker\.jsonl is vastgelegd\./);
    assert.doesNotMatch(printed, /hashketen .* verbroken/, 'the rewritten chain is intact in itself: only the anchor shows it');
    leader = new ApiClient(server.url);
    assert.equal((await leader.login('leider', USER_PASSWORD + '!')).status, 200);
    assert.equal((await leader.get('/api/integrity')).json.ok, false);
  });

  test('vernietigen still empties the audit log (a controlled path); the anchor starts again', async () => {
    const admin = new ApiClient(server.url);
    assert.equal((await admin.login('admin', ADMIN_PASSWORD)).status, 200);
    const r = await admin.post('/api/election/destroy', {
      confirmation: 'VERNIETIGEN',
      password: ADMIN_PASSWORD,
      forceBeforeRetention: true,
      forceConfirmation: 'VOOR EINDE BEWAARTERMIJN',
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(withDb((db) => (db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n), 1);
    const anchor = readFileSync(path.join(dataDir, 'logs', 'audit-anker.jsonl'), 'utf8').trim().split('\n');
    assert.equal(anchor.length, 1);
    assert.equal(JSON.parse(anchor[0]!).length, 1);
    await restart();
    assert.doesNotMatch(server.printed.join(''), /LET OP/);
  });
});

describe('a database from an earlier version (complete units without hashes in the audit log)', () => {
  test('the first start records their hashes once (counts.integrity_baseline); a later edit shows', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'uitslag-legacy-'));
    let server = await startTestServer({ dataDir });
    try {
      const s = await preparePhase2(server);
      const [t1, t2] = s.typists as [ApiClient, ApiClient];
      await completeMunicipality(t1, t2, '0050');
      await server.close();
      // Make it look like schema 5: no hashes in the records (the chain recomputed), no migrations 6, 7 and 8 (practice, the CSB), no anchor.
      const db = new Database(path.join(dataDir, DB));
      try {
        db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DROP TABLE key_replace_approvals; DROP TABLE integrity_baseline_pending; ALTER TABLE election DROP COLUMN practice;');
        db.exec('ALTER TABLE election DROP COLUMN staat; DROP TABLE csb_candidate_lists; DROP TABLE hsb_keys; DROP TRIGGER csb_lots_void_on_phase_back; DROP TABLE csb_lots;');
        const rows = db.prepare('SELECT * FROM audit_log ORDER BY id').all() as Omit<AuditRow, 'prev_hash' | 'hash'>[];
        let prev = '0'.repeat(64);
        for (const r of rows) {
          const details = JSON.parse(r.details_json) as Record<string, unknown>;
          for (const k of ['formSha256', 'agreedSha256', 'firstSha256', 'secondSha256']) delete details[k];
          const content = { id: r.id, at: r.at, userId: r.user_id, username: r.username, role: r.role, action: r.action, details };
          const hash = createHash('sha256').update(prev + canonicalJson(content), 'utf8').digest('hex');
          db.prepare('UPDATE audit_log SET details_json = ?, prev_hash = ?, hash = ? WHERE id = ?').run(canonicalJson(details), prev, hash, r.id);
          prev = hash;
        }
        db.pragma('user_version = 5');
      } finally {
        db.close();
      }
      rmSync(path.join(dataDir, 'logs', 'audit-anker.jsonl'));
      server = await startTestServer({ dataDir, clock: server.clock });
      assert.doesNotMatch(server.printed.join(''), /LET OP/);
      const leader = new ApiClient(server.url);
      assert.equal((await leader.login('leider', USER_PASSWORD + '!')).status, 200);
      assert.equal((await leader.get('/api/integrity')).json.ok, true);
      const records = (await leader.get('/api/audit?limit=100')).json.records as { action: string; details: Record<string, unknown> }[];
      const baseline = records.filter((r) => r.action === 'counts.integrity_baseline');
      assert.equal(baseline.length, 1);
      assert.equal(baseline[0]!.details.code, '0050');
      assert.match(String(baseline[0]!.details.agreedSha256), /^[0-9a-f]{64}$/);
      // Once only, and from now on an edit shows.
      await server.close();
      server = await startTestServer({ dataDir, clock: server.clock });
      const again = new ApiClient(server.url);
      assert.equal((await again.login('leider', USER_PASSWORD + '!')).status, 200);
      assert.equal(((await again.get('/api/audit?limit=100')).json.records as { action: string }[]).filter((r) => r.action === 'counts.integrity_baseline').length, 1);
      const edit = new Database(path.join(dataDir, DB));
      try {
        const row = edit.prepare("SELECT state_json FROM count_units WHERE code = '0050'").get() as { state_json: string };
        edit.prepare("UPDATE count_units SET state_json = ? WHERE code = '0050'").run(row.state_json.replace('"scalars":{"Z":', '"scalars":{"Z":1'));
      } finally {
        edit.close();
      }
      assert.equal((await again.get('/api/integrity')).json.ok, false);
    } finally {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
