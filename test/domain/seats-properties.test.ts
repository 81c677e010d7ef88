/**
 * Properties of the seat allocation (src/domain/seats) over random elections: every seat is
 * accounted for, the order of the lists and the scale of the votes change nothing, more votes
 * never cost a list a seat (largest averages), and without thresholds, limits or a majority it
 * is textbook D'Hondt. Lots are resolved with random draws. Fresh seed per run, FC_SEED to repeat.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { allocateSeats, type DrawnLot, type SeatAllocation, type SeatList, type SeatOutcome } from '../../src/domain/seats/allocate.ts';
import { seatParameters } from '../../src/domain/seats/parameters.ts';
import { assertProperty } from '../support/seed.ts';

interface Election {
  category: string;
  seats: number;
  lists: SeatList[];
}

const votesArb = fc.oneof(fc.nat(30), fc.nat(2000), fc.nat(100_000));
const electionArb = (opts: { categories?: string[]; minSeats?: number; maxSeats?: number; limits?: boolean } = {}): fc.Arbitrary<Election> =>
  fc
    .record({
      category: fc.constantFrom(...(opts.categories ?? ['TK', 'EP', 'PS', 'AB', 'GR', 'ER'])),
      seats: fc.integer({ min: opts.minSeats ?? 1, max: opts.maxSeats ?? 60 }),
      lists: fc.array(fc.record({ votes: votesArb, candidates: opts.limits === false ? fc.constant(undefined) : fc.option(fc.nat(25), { nil: undefined }) }), {
        minLength: 1,
        maxLength: 10,
      }),
    })
    .filter((e) => e.lists.some((l) => l.votes > 0))
    .map((e) => ({
      category: e.category,
      seats: e.seats,
      lists: e.lists.map((l, i) => (l.candidates === undefined ? { id: `L${i + 1}`, votes: l.votes } : { id: `L${i + 1}`, votes: l.votes, candidates: l.candidates })),
    }));

function outcome(e: Election, lots: DrawnLot[] = []): SeatOutcome {
  const p = seatParameters(e.category, e.seats);
  assert.ok(p.ok);
  const r = allocateSeats({ seats: e.seats, lists: e.lists, parameters: p.value, lots });
  assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
  return r.value;
}

/** The allocation with every lot drawn by `draw` (indices into the tied lists). */
function resolved(e: Election, draw: (n: number, k: number) => number[]): { allocation: SeatAllocation; lots: DrawnLot[] } {
  const lots: DrawnLot[] = [];
  for (;;) {
    const o = outcome(e, lots);
    if (o.kind === 'allocated') return { allocation: o.allocation, lots };
    assert.ok(o.lot.between.length > o.lot.seats && o.lot.seats >= 1, 'a lot only for more tied lists than seats');
    assert.equal(o.lotIndex, lots.length);
    lots.push({ stage: o.lot.stage, between: o.lot.between, drawn: draw(o.lot.between.length, o.lot.seats).map((i) => o.lot.between[i]!) });
    assert.ok(lots.length <= 3 * e.seats + 5, 'lots end');
  }
}

/** k distinct indices below n, from a random permutation. */
const drawArb = fc.infiniteStream(fc.nat()).map((stream) => {
  const it = stream[Symbol.iterator]();
  return (n: number, k: number): number[] => {
    const idx = [...Array(n).keys()];
    for (let i = n - 1; i > 0; i--) {
      const j = it.next().value! % (i + 1);
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx.slice(0, k);
  };
});

function seatMap(a: SeatAllocation): Map<string, number> {
  return new Map(a.lists.map((l) => [l.id, l.seats]));
}

/** Seats per id, or the lot asked for (as a comparable string). */
function signature(o: SeatOutcome): string {
  if (o.kind === 'lots') return `lots ${o.lot.stage} ${[...o.lot.between].sort().join(',')} ${o.lot.seats}`;
  return [...seatMap(o.allocation)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => `${id}:${s}`).join(' ') + ` unfilled ${o.allocation.unfilled}`;
}

test('property: every seat is given or unfilled; no list above its candidates; at least the full seats', () => {
  assertProperty(
    fc.property(electionArb(), drawArb, (e, draw) => {
      const { allocation: a } = resolved(e, draw);
      assert.equal(a.lists.reduce((s, l) => s + l.seats, 0) + a.unfilled, e.seats);
      const V = e.lists.reduce((s, l) => s + l.votes, 0);
      e.lists.forEach((l, i) => {
        const got = a.lists[i]!;
        const cap = l.candidates ?? Infinity;
        assert.ok(got.seats <= cap, `${l.id} ${got.seats} > ${cap}`);
        if (l.votes === 0) assert.equal(got.seats, 0);
        // the full seats, computed independently: ⌊votes × seats / total⌋
        assert.ok(got.seats >= Math.min(Math.floor((l.votes * e.seats) / V), cap), `${l.id} below its full seats`);
      });
      if (e.lists.every((l) => l.candidates === undefined)) assert.equal(a.unfilled, 0);
      if (a.unfilled > 0) {
        // seats stay empty only when no list that could still take part has a candidate left
        assert.ok(a.lists.every((l) => l.exhausted || l.votes === 0n || l.belowResidualThreshold));
      }
      if (e.seats < 19 && e.lists.every((l) => l.candidates === undefined)) {
        assert.ok(a.steps.every((s) => s.kind !== 'residual' || s.stage !== 'averages-fallback'), 'the fallback round needs exhaustion');
      }
    }),
    { numRuns: 400 },
  );
});

test('property: the order of the lists changes nothing', () => {
  assertProperty(
    fc.property(
      electionArb().chain((e) => fc.tuple(fc.constant(e), fc.shuffledSubarray(e.lists, { minLength: e.lists.length, maxLength: e.lists.length }))),
      ([e, shuffled]) => {
        assert.equal(signature(outcome({ ...e, lists: shuffled })), signature(outcome(e)));
      },
    ),
    { numRuns: 400 },
  );
});

test('property: multiplying all votes by the same number changes nothing (exact arithmetic)', () => {
  assertProperty(
    fc.property(electionArb(), fc.integer({ min: 2, max: 1_000_003 }), (e, k) => {
      const scaled = { ...e, lists: e.lists.map((l) => ({ ...l, votes: l.votes * k })) };
      assert.equal(signature(outcome(scaled)), signature(outcome(e)));
    }),
    { numRuns: 300 },
  );
});

test('property: more votes never cost a list a seat (19 seats or more)', () => {
  assertProperty(
    fc.property(electionArb({ minSeats: 19 }), fc.nat(9), fc.integer({ min: 1, max: 50_000 }), drawArb, (e, which, extra, draw) => {
      const i = which % e.lists.length;
      const more = { ...e, lists: e.lists.map((l, j) => (j === i ? { ...l, votes: l.votes + extra } : l)) };
      const before = outcome(e);
      const after = outcome(more);
      fc.pre(before.kind === 'allocated' && after.kind === 'allocated');
      const id = e.lists[i]!.id;
      assert.ok(seatMap(resolved(more, draw).allocation).get(id)! >= seatMap(resolved(e, draw).allocation).get(id)!);
    }),
    { numRuns: 400 },
  );
});

test('property: one seat more never costs a list a seat (19 seats or more, no threshold, no majority)', () => {
  assertProperty(
    fc.property(electionArb({ categories: ['GR', 'PS', 'AB'], minSeats: 19 }), (e) => {
      const V = e.lists.reduce((s, l) => s + l.votes, 0);
      fc.pre(e.lists.every((l) => 2 * l.votes <= V));
      const a = outcome(e);
      const b = outcome({ ...e, seats: e.seats + 1 });
      fc.pre(a.kind === 'allocated' && b.kind === 'allocated');
      if (a.kind !== 'allocated' || b.kind !== 'allocated') return;
      const sa = seatMap(a.allocation);
      for (const [id, s] of seatMap(b.allocation)) assert.ok(s >= sa.get(id)!, id);
    }),
    { numRuns: 400 },
  );
});

test('property: without threshold, candidate limits or a majority it is textbook D\'Hondt', () => {
  assertProperty(
    fc.property(electionArb({ categories: ['GR', 'PS', 'AB'], minSeats: 19, limits: false }), (e) => {
      const V = e.lists.reduce((s, l) => s + l.votes, 0);
      fc.pre(e.lists.every((l) => 2 * l.votes <= V));
      // all quotients votes/k, k = 1..seats, largest first; ties at the cut need lots
      const quotients = e.lists.flatMap((l) => Array.from({ length: e.seats }, (_, k) => ({ id: l.id, n: l.votes, d: k + 1 })));
      quotients.sort((x, y) => y.n * x.d - x.n * y.d);
      const cut = quotients[e.seats - 1]!;
      const eq = (q: { n: number; d: number }) => q.n * cut.d === cut.n * q.d;
      const above = quotients.filter((q) => q.n * cut.d > cut.n * q.d);
      const atCut = quotients.filter(eq);
      const o = outcome(e);
      if (above.length + atCut.length > e.seats && cut.n > 0) {
        assert.equal(o.kind, 'lots');
        return;
      }
      assert.equal(o.kind, 'allocated');
      if (o.kind !== 'allocated') return;
      const expected = new Map(e.lists.map((l) => [l.id, 0]));
      for (const q of quotients.slice(0, e.seats)) if (q.n > 0) expected.set(q.id, expected.get(q.id)! + 1);
      assert.deepEqual(seatMap(o.allocation), expected);
    }),
    { numRuns: 400 },
  );
});
