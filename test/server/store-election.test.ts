/**
 * The election and CSB stores (src/server/store/election.ts, src/server/store/csb.ts): what they
 * write they read back in the domain's shape (real TK2021 files), their JSON columns are read through
 * their schema (a stored value that does not match is a corrupt row, naming the column), and the
 * lots keep their order, their kind and their voiding.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readElectionDefinition } from '../../src/eml/eml110a.ts';
import { openDatabase, type Db } from '../../src/server/db/database.ts';
import { activeLots, activeLotsEntered, allLotRows, insertLot } from '../../src/server/store/csb.ts';
import {
  definitionOf,
  loadElection,
  replaceCandidateLists,
  replaceElection,
  storedLists,
} from '../../src/server/store/election.ts';
import { CorruptRow } from '../../src/server/store/json.ts';
import { DEFINITION_FILE, LELYSTAD, LELYSTAD_LISTS_FILE, tk2021 } from './fixtures.ts';

function freshDb(): Db {
  const db = openDatabase(':memory:');
  db.prepare(
    `INSERT INTO users (id, username, full_name, role, password_hash, created_at) VALUES (1, 'beheer', 'Beheerder', 'beheerder', 'x', '2021-01-01T00:00:00.000Z')`,
  ).run();
  return db;
}

function tk2021Definition() {
  const def = readElectionDefinition(tk2021(DEFINITION_FILE));
  assert.ok(def.ok);
  return def.value;
}

function importTk2021(db: Db, stemgebiedCategory: 'KIESKRING' | 'STAAT' = 'KIESKRING'): void {
  const definition = tk2021Definition();
  const kieskring = definition.regions.find((r) => r.category === (stemgebiedCategory === 'STAAT' ? 'STAAT' : 'KIESKRING') && (stemgebiedCategory === 'STAAT' || r.number === LELYSTAD));
  assert.ok(kieskring);
  replaceElection(db, {
    definition,
    kieskring,
    stemgebiedCategory,
    municipality: null,
    fileName: DEFINITION_FILE,
    hash: 'ab'.repeat(32),
    bytes: tk2021(DEFINITION_FILE),
    importedAt: '2021-03-01T10:00:00.000Z',
    importedBy: 1,
    practice: false,
  });
}

describe('election store', () => {
  test('an imported definition is read back as the 110a read it (frozen), and stored as its JSON text', () => {
    const db = freshDb();
    try {
      importTk2021(db);
      const e = loadElection(db);
      assert.ok(e);
      assert.equal(e.stemgebied_category, 'KIESKRING');
      assert.equal(e.kieskring_number, LELYSTAD);
      const def = tk2021Definition();
      assert.equal(e.definition_json, JSON.stringify(def));
      assert.deepEqual(definitionOf(e), def);
      assert.ok(Object.isFrozen(definitionOf(e).regions[0]));
      assert.equal(definitionOf(e), definitionOf(e), 'parsed once per cached row');
      assert.equal((db.prepare('SELECT COUNT(*) AS n FROM regions').get() as { n: number }).n, def.regions.length);
    } finally {
      db.close();
    }
  });

  test('the CSB: the election row says STAAT', () => {
    const db = freshDb();
    try {
      importTk2021(db, 'STAAT');
      assert.equal(loadElection(db)?.stemgebied_category, 'STAAT');
      assert.deepEqual(db.prepare('SELECT stemgebied_category, staat FROM election').get(), { stemgebied_category: 'KIESKRING', staat: 1 });
    } finally {
      db.close();
    }
  });

  test('a definition stored before the committees were kept is read; one that does not match its schema is a corrupt row', () => {
    const db = freshDb();
    try {
      importTk2021(db);
      const def = tk2021Definition();
      const old = { ...def, regions: def.regions.map(({ committees: _, ...r }) => r) };
      db.prepare('UPDATE election SET definition_json = ?').run(JSON.stringify(old));
      const reread = loadElection(db);
      assert.ok(reread);
      assert.deepEqual(definitionOf(reread), old);
      db.prepare('UPDATE election SET definition_json = ?').run(JSON.stringify({ ...def, numberOfSeats: '150' }));
      const corrupt = loadElection(db);
      assert.ok(corrupt);
      assert.throws(() => definitionOf(corrupt), (e: unknown) => {
        assert.ok(e instanceof CorruptRow);
        assert.match(e.message, /election\.definition_json/);
        assert.match(e.message, /numberOfSeats/);
        return true;
      });
    } finally {
      db.close();
    }
  });

  test('imported candidate lists are read back in the 230b\'s shape', () => {
    const db = freshDb();
    try {
      importTk2021(db);
      const lists = readCandidateLists(tk2021(LELYSTAD_LISTS_FILE));
      assert.ok(lists.ok);
      replaceCandidateLists(db, {
        lists: lists.value,
        fileName: LELYSTAD_LISTS_FILE,
        hash: 'cd'.repeat(32),
        bytes: tk2021(LELYSTAD_LISTS_FILE),
        importedAt: '2021-03-01T11:00:00.000Z',
        importedBy: 1,
      });
      const stored = storedLists(db).affiliations;
      const expected = lists.value.affiliations.map((a) => ({ ...a, candidates: a.candidates.map(({ countryCode: _, ...c }) => c) }));
      assert.deepEqual(stored, [...expected].sort((a, b) => a.listNumber - b.listNumber));
    } finally {
      db.close();
    }
  });
});

describe('CSB store: lots', () => {
  test('lots are read in the order entered, by kind, and a voided lot no longer counts', () => {
    const db = freshDb();
    try {
      insertLot(db, { kind: 'seats', listNumber: null, stage: 'remainders', between: ['3', '7'], drawn: ['7'], enteredAt: '2021-03-29T10:00:00.000Z', enteredBy: 1 });
      insertLot(db, { kind: 'candidates', listNumber: 4, stage: 'preference', between: ['p1', 'p2', 'p3'], drawn: ['p2', 'p3'], enteredAt: '2021-03-29T10:05:00.000Z', enteredBy: 1 });
      assert.deepEqual(activeLots(db), [
        { kind: 'seats', listNumber: null, stage: 'remainders', between: ['3', '7'], drawn: ['7'] },
        { kind: 'candidates', listNumber: 4, stage: 'preference', between: ['p1', 'p2', 'p3'], drawn: ['p2', 'p3'] },
      ]);
      assert.deepEqual(
        activeLotsEntered(db).map((l) => [l.enteredAt, l.enteredBy]),
        [
          ['2021-03-29T10:00:00.000Z', 'beheer'],
          ['2021-03-29T10:05:00.000Z', 'beheer'],
        ],
      );
      db.prepare("UPDATE csb_lots SET voided_at = '2021-03-29T11:00:00.000Z' WHERE id = 1").run();
      assert.deepEqual(
        activeLots(db).map((l) => l.kind),
        ['candidates'],
      );
      assert.equal(allLotRows(db).length, 2, 'the archive keeps voided lots');
    } finally {
      db.close();
    }
  });

  test('a stored lot that does not match its schema or stage is a corrupt row, naming the column', () => {
    const db = freshDb();
    try {
      insertLot(db, { kind: 'seats', listNumber: null, stage: 'averages', between: ['1', '2'], drawn: ['1'], enteredAt: '2021-03-29T10:00:00.000Z', enteredBy: 1 });
      db.prepare(`UPDATE csb_lots SET between_json = '[1, 2]'`).run();
      assert.throws(() => activeLots(db), (e: unknown) => e instanceof CorruptRow && /csb_lots\.between_json/.test(e.message));
      db.prepare(`UPDATE csb_lots SET between_json = '["1","2"]', stage = 'preference'`).run();
      assert.throws(() => activeLots(db), (e: unknown) => e instanceof CorruptRow && /csb_lots\.stage/.test(e.message));
    } finally {
      db.close();
    }
  });
});
