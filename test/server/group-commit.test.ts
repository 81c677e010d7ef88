/**
 * Group commit (src/server/db/groupCommit.ts): the actions of one event-loop turn share a
 * transaction, yet each keeps its own rows and audit record; one that fails is rolled back alone;
 * when the shared transaction does not commit, nothing of it is stored and no action of it is
 * acknowledged. Through the API: concurrent submits each have their own audit record, and a refused
 * action in the same burst changes nothing of the others.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { SYSTEM_ACTOR, verifyChain, writeAudit } from '../../src/server/audit.ts';
import { openDatabase, type Db } from '../../src/server/db/database.ts';
import { BatchRolledBackError, groupCommit, onBatchRolledBack } from '../../src/server/db/groupCommit.ts';
import { DB_FILE } from '../../src/server/main.ts';
import { expectStatus, formFromOfficial, preparePhase2 } from '../support/counts.ts';
import { startTestServer } from '../support/server.ts';

const AT = new Date('2021-03-18T10:00:00.000Z');

function withDb(f: (db: Db, file: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'uitslag-group-'));
    const file = path.join(dir, 'db.sqlite');
    const db = openDatabase(file);
    try {
      db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL);
               CREATE TABLE parent (id INTEGER PRIMARY KEY);
               CREATE TABLE child (pid INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
      await f(db, file);
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** An action: a row and its audit record, like a unit action. */
const action = (db: Db, v: string) => () => {
  db.prepare('INSERT INTO t (v) VALUES (?)').run(v);
  writeAudit(db, AT, SYSTEM_ACTOR, 'counts.first_entry', { v });
  return v;
};

const rows = (db: Db) => (db.prepare('SELECT v FROM t ORDER BY id').all() as { v: string }[]).map((r) => r.v);
const audited = (db: Db) => (db.prepare('SELECT details_json FROM audit_log ORDER BY id').all() as { details_json: string }[]).map((r) => (JSON.parse(r.details_json) as { v: string }).v);

describe('group commit', () => {
  test('the actions of one turn share one transaction; each keeps its own audit record; a failing one is rolled back alone', withDb(async (db, file) => {
    const other = new Database(file, { readonly: true });
    let seenByOther: string[] | null = null;
    const results = await Promise.allSettled([
      groupCommit(db, action(db, 'a')),
      groupCommit(db, () => {
        action(db, 'b')();
        throw new Error('b fails after writing its row and audit record');
      }),
      groupCommit(db, () => {
        // Another connection does not see 'a' yet: it is not committed before the turn's one commit.
        seenByOther = (other.prepare('SELECT v FROM t').all() as { v: string }[]).map((r) => r.v);
        return action(db, 'c')();
      }),
    ]);
    other.close();
    assert.deepEqual(seenByOther, [], 'a was not committed on its own: a and c share a transaction');
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.match(String((results[1] as PromiseRejectedResult).reason), /b fails/);
    assert.deepEqual(rows(db), ['a', 'c']);
    assert.deepEqual(audited(db), ['a', 'c'], 'one audit record per committed action, none for the failed one');
    assert.deepEqual(verifyChain(db), { intact: true, firstBrokenId: null });
    // Committed: a fresh connection sees them.
    const check = new Database(file, { readonly: true });
    assert.equal((check.prepare('SELECT COUNT(*) AS n FROM t').get() as { n: number }).n, 2);
    check.close();
  }));

  test('a commit that fails stores nothing of the batch and acknowledges none of its actions', withDb(async (db) => {
    await groupCommit(db, action(db, 'before'));
    let forgotten = 0;
    onBatchRolledBack(db, () => forgotten++);
    const results = await Promise.allSettled([
      groupCommit(db, action(db, 'x')),
      // A deferred foreign key: the violation shows only at COMMIT.
      groupCommit(db, () => db.prepare('INSERT INTO child (pid) VALUES (99)').run()),
      groupCommit(db, action(db, 'y')),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
    for (const r of results) assert.ok((r as PromiseRejectedResult).reason instanceof BatchRolledBackError);
    assert.equal(forgotten, 1, 'caches are told to forget what they read inside the batch');
    assert.equal(db.inTransaction, false);
    assert.deepEqual(rows(db), ['before']);
    assert.deepEqual(audited(db), ['before']);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM child').get() as { n: number }).n, 0);
    // The next turn works as before.
    assert.equal(await groupCommit(db, action(db, 'after')), 'after');
    assert.deepEqual(audited(db), ['before', 'after']);
    assert.deepEqual(verifyChain(db), { intact: true, firstBrokenId: null });
  }));

  test('when SQLite ends the shared transaction midway, the actions before it are refused and those after it committed', withDb(async (db) => {
    const results = await Promise.allSettled([
      groupCommit(db, action(db, 'p')),
      groupCommit(db, () => {
        action(db, 'q')();
        db.exec('ROLLBACK'); // as SQLite does on an I/O error or a full disk
        throw new Error('disk I/O error');
      }),
      groupCommit(db, action(db, 'r')),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'fulfilled']);
    assert.ok((results[0] as PromiseRejectedResult).reason instanceof BatchRolledBackError, 'p was rolled back with the batch: not acknowledged');
    assert.deepEqual(rows(db), ['r']);
    assert.deepEqual(audited(db), ['r']);
    assert.deepEqual(verifyChain(db), { intact: true, firstBrokenId: null });
  }));
});

describe('group commit through the API', () => {
  const cleanup: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanup) await c();
  });

  test('concurrent submits each have their own audit record; a refused action in the same burst changes nothing of the others', async () => {
    const server = await startTestServer();
    cleanup.push(() => server.close());
    const { typists, leader } = await preparePhase2(server);
    const [t1, t2, t3] = typists as [typeof typists[0], typeof typists[0], typeof typists[0]];
    const codes = ['0034', '0050', '0303'] as const;
    const forms = await Promise.all(codes.map((c) => formFromOfficial(c)));
    for (const [i, t] of [t1, t2, t3].entries()) expectStatus(await t.post(`/api/counts/${codes[i]}/claim`), 200, 'claim');
    const before = (await leader.get('/api/audit?limit=500')).json.records.length as number;
    // One burst: three drafts, two submits, and t3 submitting a unit t1 claimed (refused).
    const burst = await Promise.all([
      t1.request('PUT', '/api/counts/0034/draft', { form: forms[0] }),
      t2.request('PUT', '/api/counts/0050/draft', { form: forms[1] }),
      t3.request('PUT', '/api/counts/0303/draft', { form: forms[2] }),
      t1.post('/api/counts/0034/submit', { form: forms[0], acknowledged: [] }),
      t2.post('/api/counts/0050/submit', { form: forms[1], acknowledged: [] }),
      t3.post('/api/counts/0034/submit', { form: forms[2], acknowledged: [] }),
    ]);
    for (const r of burst.slice(0, 3)) expectStatus(r, 200, 'draft');
    const outcomes = burst.slice(3, 5).map((r) => (r.json as { outcome: { kind: string } }).outcome.kind);
    for (const [i, r] of burst.slice(3, 5).entries()) {
      expectStatus(r, 200, 'submit');
      assert.ok(['first_done', 'needs_attention'].includes(outcomes[i] ?? ''), r.text);
    }
    assert.ok(burst[5] !== undefined && burst[5].status >= 400 && burst[5].status < 500, `refused: ${burst[5]?.text}`);
    const audit = await leader.get('/api/audit?limit=500');
    assert.deepEqual(audit.json.chain, { intact: true, firstBrokenId: null });
    const added = (audit.json.records as { action: string; details: { code?: string } }[]).slice(0, audit.json.records.length - before);
    const firstEntries = added.filter((r) => r.action.startsWith('counts.first_entry')).map((r) => r.details.code).sort();
    const expected = codes.slice(0, 2).filter((_, i) => outcomes[i] === 'first_done');
    assert.deepEqual(firstEntries, [...expected].sort(), 'one record per completed first entry, none for the refused one');
    // The stored state matches every answer (read from the file, as another process would).
    const db = new Database(path.join(server.dataDir, DB_FILE), { readonly: true });
    try {
      const kinds = new Map((db.prepare('SELECT code, kind FROM count_units').all() as { code: string; kind: string }[]).map((r) => [r.code, r.kind]));
      for (const [i, code] of codes.slice(0, 2).entries()) assert.equal(kinds.get(code), outcomes[i] === 'first_done' ? 'first_done' : 'first_in_progress', code);
      assert.equal(kinds.get('0303'), 'first_in_progress');
    } finally {
      db.close();
    }
  });
});
