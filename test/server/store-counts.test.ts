/**
 * The counts and polling stations stores (issue 14): the JSON columns of count_units and
 * count_history are read through their schemas, a state is parsed once per stored text (the save
 * path, issue 13) yet never differs from the row, and the set-up tables round-trip.
 * Property test: fresh seed per run, FC_SEED to repeat.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { EntryRecord, UnitState, UserRef } from '../../src/domain/doubleEntry.ts';
import { SCALAR_FIELDS, type EntryForm, type ScalarKey } from '../../src/domain/entry.ts';
import { ROLES } from '../../src/domain/permissions.ts';
import { openDatabase } from '../../src/server/db/database.ts';
import {
  appendHistory,
  codesWithEntries,
  completeUnitStates,
  readAgreedForm,
  readUnit,
  UnitStateSchema,
  unitHistory,
  writeUnit,
} from '../../src/server/store/counts.ts';
import { CorruptRow, readJson } from '../../src/server/store/json.ts';
import {
  anySetupEntered,
  deletePollingStationRow,
  insertPollingStation,
  readEligibleVoters,
  readPollingStations,
  updatePollingStationRow,
  writeEligibleVoters,
} from '../../src/server/store/pollingStations.ts';
import { assertProperty } from '../support/seed.ts';

const num = fc.option(fc.nat({ max: 1_000_000 }), { nil: null });
const form: fc.Arbitrary<EntryForm> = fc.record({
  scalars: fc.tuple(...SCALAR_FIELDS.map(() => num)).map((vs) => Object.fromEntries(SCALAR_FIELDS.map((f, i) => [f.key, vs[i] ?? null])) as Record<ScalarKey, number | null>),
  lists: fc.array(fc.record({ listNumber: fc.integer({ min: 1, max: 99 }), total: num, candidates: fc.array(num, { maxLength: 50 }) }), { maxLength: 8 }),
});
const user: fc.Arbitrary<UserRef> = fc.record({ id: fc.integer({ min: 1, max: 50 }), username: fc.string({ minLength: 1, maxLength: 12 }), role: fc.constantFrom(...ROLES) });
const record: fc.Arbitrary<EntryRecord> = fc.record({ by: user, source: fc.constantFrom('typed' as const, 'import' as const), form, acknowledged: fc.array(fc.constantFrom('W.201', 'W.203', 'W.210')) });
const draft = fc.record({ by: user, form: fc.option(form, { nil: null }), seq: fc.option(fc.nat(), { nil: undefined }) }).map((d) => (d.seq === undefined ? { by: d.by, form: d.form } : d));
const state: fc.Arbitrary<UnitState> = fc.oneof(
  fc.constant({ kind: 'empty' as const }),
  draft.map((d) => ({ kind: 'first_in_progress' as const, draft: d })),
  record.map((r) => ({ kind: 'first_with_errors' as const, first: r })),
  record.map((r) => ({ kind: 'first_done' as const, first: r })),
  fc.tuple(record, draft).map(([r, d]) => ({ kind: 'second_in_progress' as const, first: r, draft: d })),
  fc.tuple(record, record).map(([a, b]) => ({ kind: 'differences' as const, first: a, second: b })),
  fc.tuple(record, record).map(([a, b]) => ({ kind: 'complete' as const, first: a, second: b })),
  fc.tuple(record, record, user, fc.constantFrom('first' as const, 'second' as const), fc.string()).map(([a, b, by, choice, reason]) => ({
    kind: 'complete' as const,
    first: a,
    second: b,
    decision: { by, choice, reason },
  })),
);

const AT = '2026-03-18T20:00:00.000Z';
const someForm = (n: number): EntryForm => ({
  scalars: Object.fromEntries(SCALAR_FIELDS.map((f) => [f.key, f.key === 'Z' ? n : null])) as Record<ScalarKey, number | null>,
  lists: [{ listNumber: 1, total: n, candidates: [n, 0] }],
});
const typist: UserRef = { id: 7, username: 'invoer1', role: 'invoer' };
const complete = (n: number): UnitState => {
  const r: EntryRecord = { by: typist, source: 'typed', form: someForm(n), acknowledged: [] };
  return { kind: 'complete', first: r, second: { ...r, by: { ...typist, id: 8 } } };
};

function withDbs(run: (db: ReturnType<typeof openDatabase>, other: ReturnType<typeof openDatabase>) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'uitslag-store-counts-'));
  const db = openDatabase(path.join(dir, 'u.sqlite'));
  const other = openDatabase(path.join(dir, 'u.sqlite'));
  try {
    run(db, other);
  } finally {
    db.close();
    other.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('counts store', () => {
  test('every state the domain can make is stored and read back as itself (another connection parses the text)', () => {
    withDbs((db, other) => {
      let i = 0;
      assertProperty(
        fc.property(state, (s) => {
          const code = String(1000 + (i++ % 9000)).padStart(4, '0');
          writeUnit(db, { code, state: s, meta: { firstAt: AT, checkCodes: ['W.201'] }, claimedBy: null, at: AT });
          const plain: unknown = JSON.parse(JSON.stringify(s)); // fast-check's records have no prototype
          assert.deepEqual(readUnit(other, code).state, plain);
          assert.deepEqual(readUnit(other, code).meta, { firstAt: AT, checkCodes: ['W.201'] });
          assert.deepEqual(readJson(UnitStateSchema, JSON.stringify(s), 't'), plain);
        }),
        { numRuns: 200 },
      );
    });
  });

  test('a stored state its schema refuses is a corrupt row naming the unit, not a state', () => {
    withDbs((db) => {
      const bad = (stateJson: string, metaJson = '{}'): void => {
        db.prepare("INSERT OR REPLACE INTO count_units (code, kind, state_json, meta_json, version, updated_at) VALUES ('0034', 'complete', ?, ?, 1, ?)").run(stateJson, metaJson, AT);
      };
      bad('{"kind":"complete"}');
      assert.throws(() => readUnit(db, '0034'), (e: unknown) => e instanceof CorruptRow && /count_units\.state_json \(0034\)/.test(e.message));
      const c = complete(5) as Extract<UnitState, { kind: 'complete' }>;
      bad(JSON.stringify({ ...c, first: { ...c.first, form: { ...c.first.form, scalars: { ...c.first.form.scalars, A: '12' } } } }));
      assert.throws(() => readUnit(db, '0034'), (e: unknown) => e instanceof CorruptRow && /first\.form\.scalars\.A/.test(e.message));
      assert.throws(() => readAgreedForm(db, '0034'), CorruptRow);
      const [only] = completeUnitStates(db);
      assert.ok(only && 'corrupt' in only && only.corrupt instanceof CorruptRow, 'the integrity check gets the reason, not an exception');
      bad(JSON.stringify(c), '{"checkCodes":"W.201"}');
      assert.throws(() => readUnit(db, '0034'), (e: unknown) => e instanceof CorruptRow && /count_units\.meta_json/.test(e.message));
    });
  });

  test('a save reads the state it wrote without parsing it again, yet a row changed outside the program or rolled back is read as it is', () => {
    withDbs((db) => {
      const s1 = complete(1);
      writeUnit(db, { code: '0034', state: s1, meta: {}, claimedBy: null, at: AT });
      const read1 = readUnit(db, '0034');
      assert.equal(read1.state, s1, 'the written state itself: no parse');
      const candidates = (read1.state as Extract<UnitState, { kind: 'complete' }>).first.form.lists[0]?.candidates;
      assert.ok(candidates !== undefined, 'the state has a list');
      assert.ok(Object.isFrozen(read1.state) && Object.isFrozen(candidates), 'shared, so frozen');
      assert.equal(readUnit(db, '0034').version, 1);
      // Changed outside the program (same version and time): the row's text decides.
      db.prepare("UPDATE count_units SET state_json = ? WHERE code = '0034'").run(JSON.stringify(complete(1000)));
      assert.deepEqual(readUnit(db, '0034').state, complete(1000));
      assert.equal(readAgreedForm(db, '0034')?.scalars.Z, 1000);
      // A write in a transaction that rolled back leaves the row's state.
      assert.throws(
        () =>
          db.transaction(() => {
            writeUnit(db, { code: '0034', state: complete(2), meta: {}, claimedBy: null, at: AT });
            assert.equal(readUnit(db, '0034').version, 2);
            throw new Error('rolled back');
          })(),
        /rolled back/,
      );
      assert.deepEqual(readUnit(db, '0034').state, complete(1000));
      assert.equal(readUnit(db, '0034').version, 1);
      assert.deepEqual([...codesWithEntries(db)], ['0034']);
    });
  });

  test('the history keeps the details as an object and gives them back from a time on', () => {
    withDbs((db) => {
      const row = { code: 'SB1', user: typist, action: 'submit', outcome: 'first_done', entry: 1, source: 'typed' as const, form: someForm(3), stateAfter: 'first_done' as const };
      appendHistory(db, { ...row, at: '2026-03-18T19:00:00.000Z', details: { formSha256: 'a' } });
      appendHistory(db, { ...row, at: AT, details: { formSha256: 'b', checks: ['W.201'] } });
      assert.deepEqual(
        unitHistory(db, 'SB1', AT).map((h) => h.details),
        [{ formSha256: 'b', checks: ['W.201'] }],
      );
      assert.equal(unitHistory(db, 'SB1', '').length, 2);
      db.prepare("INSERT INTO count_history (code, at, action, outcome, details_json, state_after) VALUES ('SB1', ?, 'x', 'y', '[1]', 'empty')").run(AT);
      assert.throws(() => unitHistory(db, 'SB1', ''), (e: unknown) => e instanceof CorruptRow && /count_history\.details_json/.test(e.message));
    });
  });
});

describe('polling stations store', () => {
  test('stations and the eligible voters are stored, changed and removed', () => {
    withDbs((db) => {
      assert.equal(anySetupEntered(db), false);
      insertPollingStation(db, { number: 2, name: 'Stadhuis', postcode: '1234 AB' }, AT);
      insertPollingStation(db, { number: 1, name: 'School', postcode: null }, AT);
      assert.equal(anySetupEntered(db), true);
      updatePollingStationRow(db, 2, { number: 3, name: 'Raadhuis', postcode: null }, '2026-03-18T21:00:00.000Z');
      assert.deepEqual(readPollingStations(db), [
        { number: 1, name: 'School', postcode: null, createdAt: AT, updatedAt: AT },
        { number: 3, name: 'Raadhuis', postcode: null, createdAt: AT, updatedAt: '2026-03-18T21:00:00.000Z' },
      ]);
      deletePollingStationRow(db, 1);
      deletePollingStationRow(db, 3);
      assert.equal(anySetupEntered(db), false);
      assert.equal(readEligibleVoters(db), null);
      writeEligibleVoters(db, 12000, AT, null);
      writeEligibleVoters(db, 12345, '2026-03-18T21:00:00.000Z', null);
      assert.deepEqual(readEligibleVoters(db), { count: 12345, updatedAt: '2026-03-18T21:00:00.000Z' });
      assert.equal(anySetupEntered(db), true);
    });
  });
});
