import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openDatabase } from '../../src/server/db/database.ts';
import { CorruptRow } from '../../src/server/store/json.ts';
import { getUpload, insertUpload } from '../../src/server/store/uploads.ts';
import { insertUser } from '../../src/server/store/users.ts';

function freshDb() {
  const db = openDatabase(':memory:');
  const userId = insertUser(db, { username: 'invoer1', fullName: 'Invoer Een', role: 'invoer', passwordHash: 'x', createdAt: '2026-01-01T00:00:00.000Z' });
  return { db, userId };
}

const base = { fileName: 'f.xml', bytes: Buffer.from('<x/>'), hash: 'ab', createdAt: '2026-01-01T00:00:00.000Z', expiresAt: '2026-01-01T01:00:00.000Z' };

test("an upload's context is read back through its kind's schema", () => {
  const { db, userId } = freshDb();
  try {
    insertUpload(db, { ...base, id: 'u1', kind: 'candidate_lists', userId, context: { hiddenGroups: [2, 7], csbKieskring: 4 } });
    insertUpload(db, { ...base, id: 'u2', kind: 'municipality_key', userId, context: { code: '0363' } });
    assert.deepEqual(getUpload(db, 'u1', 'candidate_lists', userId)?.context, { hiddenGroups: [2, 7], csbKieskring: 4 });
    assert.deepEqual(getUpload(db, 'u2', 'municipality_key', userId)?.context, { code: '0363' });
    // another kind or another user does not find it
    assert.equal(getUpload(db, 'u2', 'candidate_lists', userId), undefined);
    assert.equal(getUpload(db, 'u2', 'municipality_key', userId + 1), undefined);
  } finally {
    db.close();
  }
});

test('a stored context that does not fit its kind is a corrupt row; a wrong one is not written', () => {
  const { db, userId } = freshDb();
  try {
    insertUpload(db, { ...base, id: 'u1', kind: 'kieskring_count', userId, context: { hiddenGroups: [0, 1], code: 'HSB3' } });
    db.prepare(`UPDATE uploads SET context_json = '{"hiddenGroups":[0],"code":"HSB3"}' WHERE id = 'u1'`).run();
    assert.throws(() => getUpload(db, 'u1', 'kieskring_count', userId), (e: unknown) => e instanceof CorruptRow && /uploads\.context_json/.test(e.message));
    assert.throws(
      () => insertUpload(db, { ...base, id: 'u2', kind: 'municipality_key', userId, context: { code: 363 } as unknown as { code: string } }),
      CorruptRow,
    );
    assert.equal(db.prepare(`SELECT COUNT(*) FROM uploads WHERE id = 'u2'`).pluck().get(), 0);
  } finally {
    db.close();
  }
});
