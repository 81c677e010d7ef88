import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  arithmeticProblems,
  ballotsFound,
  checkArithmetic,
  normalizeCounts,
  orderReasons,
  sumCounts,
  uncountedValue,
  UNCOUNTED_REASONS,
  type VoteCounts,
} from '../../src/domain/counts.ts';

/** Arbitrary consistent counts over a fixed shape of lists (numbers with gaps) and candidates. */
const SHAPE = [
  { listNumber: 1, size: 3 },
  { listNumber: 2, size: 2 },
  { listNumber: 5, size: 4 },
];
const nat = fc.nat({ max: 1000 });
const countsArb: fc.Arbitrary<VoteCounts> = fc
  .record({
    cast: nat,
    ongeldig: nat,
    blanco: nat,
    reasons: fc.subarray([...UNCOUNTED_REASONS]).chain((rs) => fc.tuple(fc.constant(rs), fc.array(nat, { minLength: rs.length, maxLength: rs.length }))),
    votes: fc.tuple(...SHAPE.map((s) => fc.array(nat, { minLength: s.size, maxLength: s.size }))),
    listSubset: fc.subarray(SHAPE.map((_, i) => i), { minLength: 0 }),
  })
  .map(({ cast, ongeldig, blanco, reasons, votes, listSubset }) => {
    const lists = listSubset.map((i) => {
      const s = SHAPE[i]!;
      const cands = votes[i]!.map((v, p) => ({ position: p + 1, votes: v }));
      return { listNumber: s.listNumber, total: cands.reduce((a, c) => a + c.votes, 0), candidates: cands };
    });
    return {
      cast,
      totalCounted: lists.reduce((a, l) => a + l.total, 0),
      rejected: { ongeldig, blanco },
      uncounted: reasons[0].map((reason, i) => ({ reason, count: reasons[1][i]! })),
      lists,
    };
  });

test('sumCounts is commutative and associative (fast-check)', () => {
  fc.assert(
    fc.property(countsArb, countsArb, countsArb, (a, b, c) => {
      assert.deepEqual(sumCounts([a, b]), sumCounts([b, a]));
      assert.deepEqual(sumCounts([sumCounts([a, b]), c]), sumCounts([a, sumCounts([b, c])]));
      assert.deepEqual(sumCounts([a, b, c]), sumCounts([sumCounts([a, b]), c]));
    }),
  );
});

test('sumCounts: the sum of consistent counts is consistent, totals add up (fast-check)', () => {
  fc.assert(
    fc.property(fc.array(countsArb, { maxLength: 6 }), (units) => {
      for (const u of units) assert.deepEqual(arithmeticProblems(u), []);
      const s = sumCounts(units);
      assert.deepEqual(arithmeticProblems(s), []);
      const add = (f: (u: VoteCounts) => number) => units.reduce((acc, u) => acc + f(u), 0);
      assert.equal(s.cast, add((u) => u.cast));
      assert.equal(s.totalCounted, add((u) => u.totalCounted));
      assert.equal(ballotsFound(s), add(ballotsFound));
      assert.equal(s.lists.reduce((a, l) => a + l.total, 0), s.totalCounted);
      for (const r of UNCOUNTED_REASONS) {
        const present = units.some((u) => uncountedValue(u, r) !== null);
        assert.equal(uncountedValue(s, r), present ? add((u) => uncountedValue(u, r) ?? 0) : null);
      }
      // the zero element: adding an empty list of units changes nothing
      assert.deepEqual(sumCounts([s, sumCounts([])]), s);
      // normal form is idempotent
      assert.deepEqual(normalizeCounts(s), s);
    }),
  );
});

test('sumCounts keeps the canonical reason order and puts unknown reasons last', () => {
  assert.deepEqual(orderReasons(['geen briefstembiljetten', 'zzz', 'geldige stempassen', 'aaa']), [
    'geldige stempassen',
    'geen briefstembiljetten',
    'aaa',
    'zzz',
  ]);
  const s = sumCounts([
    { cast: 1, totalCounted: 0, rejected: { ongeldig: 0, blanco: 0 }, uncounted: [{ reason: 'andere verklaring', count: 2 }], lists: [] },
    { cast: 2, totalCounted: 0, rejected: { ongeldig: 0, blanco: 0 }, uncounted: [{ reason: 'geldige kiezerspassen', count: 3 }], lists: [] },
  ]);
  assert.deepEqual(s.uncounted, [
    { reason: 'geldige kiezerspassen', count: 3 },
    { reason: 'andere verklaring', count: 2 },
  ]);
  assert.equal(uncountedValue(s, 'geen verklaring'), null);
});

test('checkArithmetic reports list and total mismatches in Dutch', () => {
  const bad: VoteCounts = {
    cast: 10,
    totalCounted: 9,
    rejected: { ongeldig: 0, blanco: 0 },
    uncounted: [],
    lists: [
      { listNumber: 1, total: 5, candidates: [{ position: 1, votes: 3 }, { position: 2, votes: 1 }] },
      { listNumber: 3, total: 3, candidates: [{ position: 1, votes: 3 }, { position: 1, votes: 0 }] },
    ],
  };
  const problems = arithmeticProblems(bad);
  assert.deepEqual(problems.map((p) => p.code), ['F.402', 'dubbele_kandidaat', 'F.202']);
  const r = checkArithmetic(bad, 'Almere');
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.equal(r.code, 'telling_klopt_niet');
    assert.match(r.message, /De telling \(Almere\) klopt niet: Lijst 1: het lijsttotaal \(5\) is niet gelijk aan de som van de stemmen op de kandidaten \(4\)\./);
    assert.match(r.message, /som van de lijsttotalen \(8\)/);
  }
  const good = { ...bad, totalCounted: 7, lists: [{ listNumber: 1, total: 4, candidates: [{ position: 1, votes: 4 }] }, { listNumber: 3, total: 3, candidates: [] }] };
  assert.equal(checkArithmetic(good).ok, false); // list 3: 0 != 3
  const fine = { ...good, lists: [good.lists[0]!, { listNumber: 3, total: 3, candidates: [{ position: 2, votes: 3 }] }] };
  assert.deepEqual(checkArithmetic(fine), { ok: true, value: fine });
});
