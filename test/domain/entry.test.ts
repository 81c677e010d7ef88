import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { countsToForm, differingFields, emptyForm, formToCounts, SCALAR_FIELDS } from '../../src/domain/entry.ts';
import { normalizeCounts, UNCOUNTED_REASONS, type VoteCounts } from '../../src/domain/counts.ts';

const countsArb = fc
  .record({
    lists: fc.array(fc.array(fc.nat(100_000), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
    cast: fc.nat(1_000_000),
    ongeldig: fc.nat(1000),
    blanco: fc.nat(1000),
    reasons: fc.subarray([...UNCOUNTED_REASONS]),
    reasonValues: fc.array(fc.nat(100_000), { minLength: 14, maxLength: 14 }),
  })
  .map(({ lists, cast, ongeldig, blanco, reasons, reasonValues }): VoteCounts => {
    const listVotes = lists.map((c, i) => ({
      listNumber: i * 2 + 1,
      total: c.reduce((a, b) => a + b, 0),
      candidates: c.map((votes, j) => ({ position: j + 1, votes })),
    }));
    return {
      cast,
      totalCounted: listVotes.reduce((a, l) => a + l.total, 0),
      rejected: { ongeldig, blanco },
      uncounted: reasons.map((reason, i) => ({ reason, count: reasonValues[i]! })),
      lists: listVotes,
    };
  });

const shapeOf = (c: VoteCounts) =>
  ({ affiliations: c.lists.map((l) => ({ listNumber: l.listNumber, candidates: l.candidates.map((x) => ({ position: x.position })) })) }) as never;

test('property: counts -> form -> counts is the identity (absent reasons stay absent, 0 stays 0)', () => {
  fc.assert(
    fc.property(countsArb, (c) => {
      const back = formToCounts(countsToForm(c, shapeOf(c)));
      assert.deepEqual(normalizeCounts(back), normalizeCounts(c));
    }),
    { numRuns: 300 },
  );
});

test('an empty reason field is absent from the counts, a typed 0 is present', () => {
  const f = emptyForm({ affiliations: [] } as never);
  const withZero = { ...f, scalars: { ...f.scalars, P1: 0 } };
  assert.equal(formToCounts(f).uncounted.length, 0);
  assert.deepEqual(formToCounts(withZero).uncounted, [{ reason: 'kwijtgeraakte stembiljetten', count: 0 }]);
  assert.equal(SCALAR_FIELDS.filter((s) => s.reason !== null).length, UNCOUNTED_REASONS.length);
});

test('differingFields names exactly the fields that differ', () => {
  const c: VoteCounts = {
    cast: 10, totalCounted: 5, rejected: { ongeldig: 0, blanco: 1 }, uncounted: [],
    lists: [{ listNumber: 1, total: 5, candidates: [{ position: 1, votes: 3 }, { position: 2, votes: 2 }] }],
  };
  const a = countsToForm(c, shapeOf(c));
  const b = { ...a, scalars: { ...a.scalars, F: 2 }, lists: [{ ...a.lists[0]!, candidates: [3, 1] }] };
  assert.deepEqual(differingFields(a, b), ['F', 'list.1.2']);
  assert.deepEqual(differingFields(a, a), []);
});
