/**
 * All or nothing, and immutability (issue 4): document creation that fails midway (the renderer
 * fails after some stages; the storing fails after the set row and some files were written)
 * leaves no document set, no document and no `documents.create` audit record, and the job says
 * `failed` with a Dutch message; afterwards a normal creation works. Stored documents and sets
 * cannot be changed or deleted with SQL (database triggers).
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { LELYSTAD_MUNICIPALITIES, preparePhase2, type Phase2Setup } from '../support/counts.ts';
import { completeMunicipality, createDocuments } from '../support/documents.ts';
import { startTestServer, type ApiClient, type TestServer } from '../support/server.ts';
import { fail, ok } from '../../src/domain/result.ts';
import { renderDocuments, setRenderHookForTests } from '../../src/server/documents.ts';
import { DB_FILE } from '../../src/server/main.ts';

describe('document creation is all or nothing; stored documents never change', () => {
  let server: TestServer;
  let s: Phase2Setup;
  let db: Database.Database;

  before(async () => {
    server = await startTestServer();
    s = await preparePhase2(server);
    assert.equal((await s.admin.post('/api/keys/own')).status, 201);
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    for (const m of LELYSTAD_MUNICIPALITIES) await completeMunicipality(t1, t2, m.code);
    const pv = await s.leader.request('PUT', '/api/pv-details', {
      session: { place: 'Lelystad', date: '19 maart 2021', time: '10:00 uur' },
      members: [{ name: 'mr. J. de Vries', role: 'voorzitter' }],
      objections: null,
      remarks: null,
    });
    assert.equal(pv.status, 200, pv.text);
    assert.equal((await s.leader.post('/api/finalise')).status, 200);
    db = new Database(path.join(server.dataDir, DB_FILE));
  });
  after(async () => {
    setRenderHookForTests(null);
    db?.close();
    await server?.close();
  });

  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  const creations = () => (db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'documents.create'").get() as { n: number }).n;

  test('the renderer fails after the 510c and the PDF: nothing stored, the job failed with a Dutch message', async () => {
    setRenderHookForTests(async (input, progress) => {
      progress('eml', 0.05);
      progress('pdf', 0.15);
      progress('odt', 0.7);
      assert.ok(input.key, 'the key was read');
      return fail('documents.render', 'Het proces-verbaal (ODT) kon niet worden gemaakt.', 'injected');
    });
    const j = await createDocuments(s.leader);
    assert.equal(j.json.stage, 'failed', j.text);
    assert.deepEqual(j.json.error, { code: 'documents.render', message: 'Het proces-verbaal (ODT) kon niet worden gemaakt.' });
    assert.equal(j.json.setId, null);
    assert.deepEqual([count('document_sets'), count('documents'), creations()], [0, 0, 0]);
  });

  test('a renderer that throws: nothing stored, failed with a Dutch message', async () => {
    setRenderHookForTests(async () => {
      throw new Error('boom');
    });
    const j = await createDocuments(s.leader);
    assert.equal(j.json.stage, 'failed', j.text);
    assert.equal(j.json.error.code, 'documents.internal');
    assert.match(j.json.error.message, /^De documenten konden niet worden gemaakt/);
    assert.deepEqual([count('document_sets'), count('documents'), creations()], [0, 0, 0]);
  });

  test('storing fails midway (after the set row and some files): rolled back, nothing stored, failed in Dutch', async () => {
    setRenderHookForTests(async (input, progress) => {
      const r = await renderDocuments(input, progress);
      if (!r.ok) return r;
      // The fourth file repeats the kind of the first: the UNIQUE (set_id, kind) insert fails midway.
      const files = [...r.value];
      files.splice(3, 0, { ...files[0]!, fileName: 'dubbel.xml' });
      return ok(files);
    });
    const j = await createDocuments(s.leader);
    assert.equal(j.json.stage, 'failed', j.text);
    assert.equal(j.json.error.code, 'documents.internal');
    assert.match(j.json.error.message, /^De bestanden konden niet worden opgeslagen/);
    assert.deepEqual([count('document_sets'), count('documents'), creations()], [0, 0, 0]);
    assert.equal((await s.reader.get('/api/documents')).json.sets.length, 0);
  });

  test('without a failure the same action stores the complete set', async () => {
    setRenderHookForTests(null);
    const j = await createDocuments(s.leader);
    assert.equal(j.json.stage, 'done', j.text);
    assert.deepEqual([count('document_sets'), count('documents'), creations()], [1, 6, 1]);
  });

  test('a stored document or set cannot be changed or deleted with SQL (triggers)', () => {
    const before = db.prepare('SELECT id, sha256, bytes FROM documents ORDER BY id').all();
    assert.throws(() => db.prepare("UPDATE documents SET file_name = 'x'").run(), /generated documents never change/);
    assert.throws(() => db.prepare('UPDATE documents SET bytes = ? WHERE id = (SELECT min(id) FROM documents)').run(Buffer.from('x')), /never change/);
    assert.throws(() => db.prepare('DELETE FROM documents').run(), /generated documents are kept/);
    assert.throws(() => db.prepare('DELETE FROM document_sets').run(), /document sets are kept/);
    assert.throws(() => db.prepare("UPDATE document_sets SET eml_hash = 'x'").run(), /can only be voided/);
    assert.deepEqual(db.prepare('SELECT id, sha256, bytes FROM documents ORDER BY id').all(), before);
    assert.deepEqual([count('document_sets'), count('documents')], [1, 6]);
  });
});
