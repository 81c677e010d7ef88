/**
 * Issue 14: the documents', audit log's and archive's stores. A JSON column is read through its
 * schema (a damaged PV row is a corrupt row naming the column, never a value of another shape); the
 * integrity checks' readers of audit details skip a damaged record and the chain check reports it; a
 * stored set reads back as stored; vernietigen empties every election table with its triggers kept;
 * a job's error code is one of the error codes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { SYSTEM_ACTOR, verifyChain, writeAudit } from '../../src/server/audit.ts';
import { openDatabase, type Db } from '../../src/server/db/database.ts';
import { ErrorCodeDto } from '../../src/server/http.ts';
import { eraseElectionTables } from '../../src/server/store/archive.ts';
import { countRecords, documentsCreateRecords, lastArchiveCreate } from '../../src/server/store/audit.ts';
import {
  documentIdOfKind,
  documentsOfSet,
  insertDocumentSet,
  readPvDetails,
  savePvDetails,
  storedDocument,
  validDocumentSet,
} from '../../src/server/store/documents.ts';
import { CorruptRow } from '../../src/server/store/json.ts';

const AT = new Date('2026-12-03T10:00:00Z');

function freshDb(): Db {
  const db = openDatabase(':memory:');
  db.prepare("INSERT INTO users (id, username, full_name, role, password_hash, created_at) VALUES (1, 'vl', 'V. Leider', 'verkiezingsleider', 'x', ?)").run(AT.toISOString());
  return db;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('pv_details: the free text reads back as saved; a damaged row is a corrupt row naming the column', () => {
  const db = freshDb();
  assert.equal(readPvDetails(db), undefined);
  const details = { session: { place: 'Lelystad', date: '20 maart', time: '10:00' }, members: [{ name: 'A. Lid', role: 'voorzitter' }], objections: null, remarks: 'geen' };
  savePvDetails(db, details, AT, 1);
  assert.deepEqual(readPvDetails(db), { details, updatedAt: AT.toISOString() });
  db.prepare('UPDATE pv_details SET details_json = ? WHERE id = 1').run(JSON.stringify({ ...details, members: 'A. Lid' }));
  assert.throws(
    () => readPvDetails(db),
    (e: unknown) => e instanceof CorruptRow && /pv_details\.details_json/.test(e.message) && /members/.test(e.message),
  );
  db.close();
});

test("pv_details: text saved under an earlier version's rules (before the free-text rule) is still read", () => {
  const db = freshDb();
  const details = { session: { place: 'Lelystad\u202e', date: '20 maart', time: '10:00' }, members: [], objections: null, remarks: null };
  db.prepare('INSERT INTO pv_details (id, details_json, updated_at, updated_by) VALUES (1, ?, ?, 1)').run(JSON.stringify(details), AT.toISOString());
  assert.deepEqual(readPvDetails(db)?.details, details);
  db.close();
});

test('audit details: the readers of the integrity checks skip a damaged record, the chain check reports it', () => {
  const db = freshDb();
  writeAudit(db, AT, SYSTEM_ACTOR, 'counts.import', { code: '0034', agreedSha256: 'a'.repeat(64) });
  writeAudit(db, AT, SYSTEM_ACTOR, 'counts.delete', { code: '0035' }); // no hashes: still this unit's last record
  writeAudit(db, AT, SYSTEM_ACTOR, 'counts.import', { note: 'names no unit' });
  writeAudit(db, AT, SYSTEM_ACTOR, 'documents.create', { setId: 1, creationDateTime: 'x', files: [{ kind: 'eml510c', fileName: 'a.xml', size: 1, sha256: 'b'.repeat(64) }] });
  writeAudit(db, AT, SYSTEM_ACTOR, 'documents.create', { setId: 2, creationDateTime: 'x', files: [{ kind: 'eml510c', fileName: 'a.xml', size: 1, sha256: 'c'.repeat(64) }] });
  writeAudit(db, AT, SYSTEM_ACTOR, 'archive.create', { fileName: 'Archief.zip' });
  assert.deepEqual(
    [...countRecords(db)].map((r) => r.details?.code ?? null),
    ['0034', '0035', null],
  );
  assert.deepEqual([...documentsCreateRecords(db)].map((d) => d.setId), [1, 2]);
  assert.equal(lastArchiveCreate(db)?.details.fileName, 'Archief.zip');
  assert.deepEqual(verifyChain(db), { intact: true, firstBrokenId: null });

  // Record 5 damaged outside the program: no longer JSON.
  db.exec('DROP TRIGGER audit_log_no_update');
  db.prepare("UPDATE audit_log SET details_json = '{not json' WHERE id = 5").run();
  assert.deepEqual([...documentsCreateRecords(db)].map((d) => d.setId), [1]);
  assert.deepEqual(verifyChain(db), { intact: false, firstBrokenId: 5 });
  // A record of the right action whose files are not a list is skipped as well.
  db.prepare(`UPDATE audit_log SET details_json = '{"setId":1,"creationDateTime":"x","files":"a.xml"}' WHERE id = 4`).run();
  assert.deepEqual([...documentsCreateRecords(db)], []);
  db.close();
});

test('documents: a stored set reads back as stored; vernietigen empties every election table and keeps their triggers', () => {
  const db = freshDb();
  const files = [
    { kind: 'eml510c' as const, fileName: 'Telling.eml.xml', contentType: 'application/xml', bytes: Buffer.from('<eml/>') },
    { kind: 'csv_osv43' as const, fileName: 'osv4-3.csv', contentType: 'text/csv; charset=utf-8', bytes: Buffer.from('a;b\r\n') },
  ].map((f) => ({ ...f, sha256: sha(f.bytes) }));
  const setId = insertDocumentSet(db, { createdAt: AT, createdBy: 1, creationDateTime: '2026-12-03T11:00:00.000', emlHash: sha(Buffer.from('<eml/>')) }, files);
  assert.equal(validDocumentSet(db)?.id, setId);
  assert.deepEqual(
    documentsOfSet(db, setId).map((d) => [d.kind, d.file_name]),
    [
      ['eml510c', 'Telling.eml.xml'],
      ['csv_osv43', 'osv4-3.csv'],
    ],
  );
  const csvId = documentIdOfKind(db, setId, 'csv_osv43');
  assert.ok(csvId !== undefined);
  const csv = storedDocument(db, csvId);
  assert.equal(csv?.bytes.toString(), 'a;b\r\n');
  assert.equal(csv?.size, 5);
  assert.equal(csv?.voided_at, null);
  assert.equal(documentIdOfKind(db, setId, 'o3_pdf'), undefined);
  assert.throws(() => db.prepare('DELETE FROM documents').run(), /generated documents are kept/);

  const triggers = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").pluck().all();
  const before = triggers();
  const erased = db.transaction(() => eraseElectionTables(db))();
  assert.equal(erased.documents, 2);
  assert.equal(erased.document_sets, 1);
  assert.equal(validDocumentSet(db), undefined);
  assert.deepEqual(triggers(), before);
  db.close();
});

test("a job's error code is one of the error codes", () => {
  assert.equal(ErrorCodeDto.parse('documents.internal'), 'documents.internal');
  assert.equal(ErrorCodeDto.safeParse('documents.no_such_code').success, false);
});
