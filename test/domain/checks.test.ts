import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkEntry, hasErrors, unacknowledgedWarnings } from '../../src/domain/checks.ts';
import { countsToForm, emptyForm, formToCounts, type EntryForm, type ScalarKey } from '../../src/domain/entry.ts';
import { arithmeticProblems } from '../../src/domain/counts.ts';

const shape = {
  affiliations: [
    { listNumber: 1, candidates: [{}, {}, {}] },
    { listNumber: 4, candidates: [{}, {}] },
  ],
} as never;

/** A consistent municipality: 1000 eligible, 800 admitted, 790 found (10 fewer counted). */
function good(): EntryForm {
  const f = emptyForm(shape);
  return {
    scalars: { ...f.scalars, Z: 1000, A: 780, B: 15, C: 5, D: 800, E: 780, F: 6, G: 4, H: 790, I: 0, J: 10, K: 0, L: 0, M: 0, N: 10, O: 0, P1: 0, P2: 0, P3: 0 },
    lists: [
      { listNumber: 1, total: 500, candidates: [400, 60, 40] },
      { listNumber: 4, total: 280, candidates: [280, 0] },
    ],
  };
}

const codes = (f: EntryForm) => checkEntry(f).map((c) => c.code);
const set = (f: EntryForm, k: ScalarKey, v: number | null): EntryForm => ({ ...f, scalars: { ...f.scalars, [k]: v } });

test('a consistent entry has no errors and no warnings', () => {
  assert.deepEqual(checkEntry(good()), []);
});

test('each error check fires on its own inconsistency and marks its fields', () => {
  assert.ok(codes(set(good(), 'D', 801)).includes('F.201'));
  const f202 = checkEntry(set(good(), 'E', 781)).find((c) => c.code === 'F.202');
  assert.ok(f202);
  assert.ok(f202.fields.includes('E') && f202.fields.includes('list.1'));
  assert.ok(codes(set(good(), 'H', 791)).includes('F.203'));
  assert.deepEqual(codes({ ...good(), scalars: { ...good().scalars, E: 0 } }).filter((c) => c === 'F.204'), ['F.204']);
  const g = good();
  const f402 = checkEntry({ ...g, lists: [{ listNumber: 1, total: 501, candidates: [400, 60, 40] }, g.lists[1]!] });
  assert.ok(f402.some((c) => c.code === 'F.402' && c.fields.includes('list.1.2')));
  const f401 = checkEntry({ ...g, lists: [{ listNumber: 1, total: 0, candidates: [400, 60, 40] }, g.lists[1]!] });
  assert.ok(f401.some((c) => c.code === 'F.401'));
  assert.ok(codes(set(good(), 'J', 9)).includes('F.308'));
  // H > D: more counted than admitted
  const more = { ...good(), scalars: { ...good().scalars, D: 780, A: 760, J: 0, I: 5 } };
  assert.ok(codes(more).includes('F.306'));
  assert.ok(!codes({ ...more, scalars: { ...more.scalars, I: 10 } }).some((c) => c.startsWith('F.')));
  // H == D but I and J filled inconsistently
  const eq = { ...good(), scalars: { ...good().scalars, D: 790, A: 770, J: 3, I: 0 } };
  assert.ok(codes(eq).includes('F.312'));
});

test('warnings: blank/invalid share, big difference, zero found, zero or too few eligible, identical result', () => {
  assert.ok(codes({ ...good(), scalars: { ...good().scalars, F: 30, E: 756, G: 4 }, lists: [{ listNumber: 1, total: 476, candidates: [376, 60, 40] }, good().lists[1]!] }).includes('W.201'));
  assert.ok(codes({ ...good(), scalars: { ...good().scalars, G: 30, E: 754 }, lists: [{ listNumber: 1, total: 474, candidates: [374, 60, 40] }, good().lists[1]!] }).includes('W.202'));
  const diff = { ...good(), scalars: { ...good().scalars, J: 15, N: 15, H: 785, E: 775 }, lists: [{ listNumber: 1, total: 495, candidates: [395, 60, 40] }, good().lists[1]!] };
  assert.ok(!codes(diff).includes('W.203'), '15 of 785 is under 2 %');
  const big = { ...good(), scalars: { ...good().scalars, J: 30, N: 30, H: 770, E: 760 }, lists: [{ listNumber: 1, total: 480, candidates: [380, 60, 40] }, good().lists[1]!] };
  assert.deepEqual(codes(big), ['W.203']);
  assert.ok(codes(set(good(), 'Z', 0)).includes('W.205'));
  assert.ok(codes(set(good(), 'Z', 799)).includes('W.206'));
  assert.ok(checkEntry(good(), { others: [{ name: 'Gemeente Urk', form: good() }] }).some((c) => c.code === 'W.210' && c.message.includes('Urk')));
  const zero = emptyForm(shape);
  const allZero: EntryForm = { scalars: Object.fromEntries(Object.keys(zero.scalars).map((k) => [k, 0])) as never, lists: zero.lists.map((l) => ({ ...l, total: 0, candidates: l.candidates.map(() => 0) })) };
  assert.ok(codes(allZero).includes('W.204'));
  const w = checkEntry(set(good(), 'Z', 0));
  assert.equal(unacknowledgedWarnings(w, ['W.205']).length, 0);
  assert.equal(unacknowledgedWarnings(w, []).length, 1);
});

test('empty and invalid fields are named, never treated as numbers', () => {
  const e = checkEntry(set(good(), 'B', null));
  assert.equal(e[0]!.code, 'F.101');
  assert.deepEqual(e[0]!.fields, ['B']);
  const blank = checkEntry(emptyForm(shape));
  assert.equal(blank[0]!.fields.length, 9 + 2 + 5);
  for (const bad of [-1, 1.5, Number.NaN, 1e12]) {
    const r = checkEntry(set(good(), 'A', bad));
    assert.deepEqual(r.map((c) => c.code), ['F.100'], String(bad));
    assert.ok(hasErrors(r));
  }
});

test('property: any form built from consistent counts passes F.202/F.402 exactly when the counts do', () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(fc.nat(5000), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
      fc.nat(50), fc.nat(50), fc.integer({ min: -3, max: 3 }),
      (lists, blanco, ongeldig, skew) => {
        const listVotes = lists.map((c, i) => ({ listNumber: i + 1, total: c.reduce((a, b) => a + b, 0) + (i === 0 ? skew : 0), candidates: c.map((votes, j) => ({ position: j + 1, votes })) }));
        const E = listVotes.reduce((a, l) => a + l.total, 0);
        if (listVotes.some((l) => l.total < 0)) return true;
        const counts = { cast: E * 2 + 100, totalCounted: E, rejected: { ongeldig, blanco }, uncounted: [], lists: listVotes };
        const shapeLists = { affiliations: lists.map((c, i) => ({ listNumber: i + 1, candidates: c.map((_, j) => ({ position: j + 1 })) })) } as never;
        const form = countsToForm(counts, shapeLists);
        const formCodes = checkEntry(form).map((c) => c.code).filter((c) => c === 'F.202' || c === 'F.402' || c === 'F.401');
        const countCodes = arithmeticProblems(counts).map((p) => p.code);
        // F.401 replaces F.402 when a list total is 0 while candidates have votes
        return (formCodes.length === 0) === (countCodes.length === 0) && formToCounts(form).totalCounted === E;
      },
    ),
  );
});
