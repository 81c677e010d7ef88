/**
 * The cache of election data (src/server/db/electionCache.ts) and of prepared statements
 * (src/server/db/database.ts): a value read once is reused until one of the cached tables is
 * written, never survives a rollback, is not cached from inside a writing transaction, and is frozen.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openDatabase, type Db } from '../../src/server/db/database.ts';
import { cachedElectionData } from '../../src/server/db/electionCache.ts';

function lists(db: Db): { n: number; names: string[] } {
  let loads = 0;
  const value = cachedElectionData(db, 'test-lists', () => {
    loads++;
    return (db.prepare('SELECT name FROM affiliations ORDER BY list_number').all() as { name: string }[]).map((r) => r.name);
  });
  return { n: loads, names: value };
}

const add = (db: Db, n: number, name: string) =>
  db.prepare('INSERT INTO affiliations (list_number, name, type, publish_gender) VALUES (?, ?, ?, 0)').run(n, name, 'x');

describe('election data cache', () => {
  test('reused until the table is written; a rollback or a read inside the writing transaction never leaves a wrong value', () => {
    const db = openDatabase(':memory:');
    try {
      add(db, 1, 'A');
      assert.deepEqual(lists(db), { n: 1, names: ['A'] });
      assert.deepEqual(lists(db), { n: 0, names: ['A'] }, 'cached');
      assert.ok(Object.isFrozen(lists(db).names));
      add(db, 2, 'B');
      assert.deepEqual(lists(db), { n: 1, names: ['A', 'B'] }, 'a write invalidates');
      // Written and read inside a transaction that then rolls back.
      assert.throws(() =>
        db.transaction(() => {
          add(db, 3, 'C');
          assert.deepEqual(lists(db).names, ['A', 'B', 'C']);
          assert.equal(lists(db).n, 1, 'not cached inside the writing transaction');
          throw new Error('rollback');
        })(),
      /rollback/);
      assert.deepEqual(lists(db), { n: 1, names: ['A', 'B'] }, 'after the rollback the committed value');
      assert.deepEqual(lists(db), { n: 0, names: ['A', 'B'] });
      // Deleting everything (a destroy) invalidates too.
      db.prepare('DELETE FROM affiliations').run();
      assert.deepEqual(lists(db), { n: 1, names: [] });
    } finally {
      db.close();
    }
  });

  test('prepared statements are reused, also after pluck, and a busy one is not handed out twice', () => {
    const db = openDatabase(':memory:');
    try {
      add(db, 1, 'A');
      add(db, 2, 'B');
      const sql = 'SELECT list_number, name FROM affiliations ORDER BY list_number';
      assert.equal(db.prepare(sql), db.prepare(sql));
      assert.deepEqual(db.prepare(sql).pluck().all(), [1, 2]);
      assert.deepEqual(db.prepare(sql).get(), { list_number: 1, name: 'A' }, 'pluck reset');
      const seen: unknown[] = [];
      for (const outer of db.prepare(sql).iterate() as Iterable<{ list_number: number }>) {
        seen.push([outer.list_number, (db.prepare(sql).all() as unknown[]).length]);
      }
      assert.deepEqual(seen, [[1, 2], [2, 2]]);
    } finally {
      db.close();
    }
  });
});
