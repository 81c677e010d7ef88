/**
 * The seat allocation (src/domain/seats) on synthetic cases: each rule of Kieswet P 5-P 10 and
 * every place where lots can be needed, with hand-computed expectations (kiesdeler 100 where
 * possible, so the remainders and averages can be checked by eye). The real results are in
 * test/national/seats-official.test.ts; properties in seats-properties.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allocateSeats,
  partyLists,
  type DrawnLot,
  type LotRequired,
  type SeatAllocation,
  type SeatOutcome,
} from '../../src/domain/seats/allocate.ts';
import { add, compare, div, floor, formatMixed, frac, mul, sub } from '../../src/domain/seats/fraction.ts';
import { seatParameters } from '../../src/domain/seats/parameters.ts';
import type { Result } from '../../src/domain/result.ts';

const ID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

interface Opts {
  candidates?: (number | undefined)[];
  lots?: DrawnLot[];
}

function run(category: string, seats: number, votes: number[], opts: Opts = {}): Result<SeatOutcome> {
  const p = seatParameters(category, seats);
  assert.ok(p.ok);
  return allocateSeats({
    seats,
    lists: votes.map((v, i) => {
      const c = opts.candidates?.[i];
      return c === undefined ? { id: ID[i]!, votes: v } : { id: ID[i]!, votes: v, candidates: c };
    }),
    parameters: p.value,
    lots: opts.lots ?? [],
  });
}

function allocation(category: string, seats: number, votes: number[], opts: Opts = {}): SeatAllocation {
  const r = run(category, seats, votes, opts);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.value.kind, 'allocated', JSON.stringify(r.value, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  return (r.value as Extract<SeatOutcome, { kind: 'allocated' }>).allocation;
}

/** Seats per list as a string "A5 B2 C0", easy to compare. */
function seats(category: string, total: number, votes: number[], opts: Opts = {}): string {
  const a = allocation(category, total, votes, opts);
  assert.equal(a.lists.reduce((s, l) => s + l.seats, 0) + a.unfilled, total, 'every seat is given or unfilled');
  return a.lists.map((l) => `${l.id}${l.seats}`).join(' ');
}

function lot(category: string, total: number, votes: number[], opts: Opts = {}): LotRequired {
  const r = run(category, total, votes, opts);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.value.kind, 'lots');
  return (r.value as Extract<SeatOutcome, { kind: 'lots' }>).lot;
}

function stages(a: SeatAllocation): string {
  return a.steps.map((s) => (s.kind === 'residual' ? `${s.stage}:${s.listId}` : `P9:${s.from}->${s.to}`)).join(' ');
}

describe('fractions', () => {
  it('are reduced, exact and ordered', () => {
    assert.deepEqual(frac(6, -4), { n: -3n, d: 2n });
    assert.equal(compare(frac(1, 3), frac(333333, 1000000)), 1);
    assert.equal(compare(add(frac(1, 3), frac(1, 6)), frac(1, 2)), 0);
    assert.deepEqual(sub(frac(1, 2), frac(1, 3)), frac(1, 6));
    assert.deepEqual(mul(frac(2, 3), frac(3, 4)), frac(1, 2));
    assert.deepEqual(div(frac(1, 2), frac(1, 4)), frac(2));
    assert.equal(floor(frac(7, 2)), 3n);
    assert.equal(floor(frac(-7, 2)), -4n);
    assert.equal(floor(frac(-8, 2)), -4n);
    assert.throws(() => frac(1, 0));
  });
  it('format as in the proces-verbaal: the TK2021 kiesdeler is 69 485 17/25', () => {
    assert.equal(formatMixed(frac(10422852, 150)), '69485 17/25');
    assert.equal(formatMixed(frac(6)), '6');
    assert.equal(formatMixed(frac(2, 3)), '2/3');
    assert.equal(formatMixed(frac(-7, 2)), '-3 1/2');
  });
});

describe('parameters per election category', () => {
  it('threshold for residual seats, preference threshold', () => {
    const tk = seatParameters('TK', 150);
    assert.ok(tk.ok);
    assert.deepEqual(tk.value.residualSeatThreshold, frac(1));
    assert.deepEqual(tk.value.preferenceThreshold, frac(1, 4));
    const ep = seatParameters('EP', 31);
    assert.ok(ep.ok);
    assert.deepEqual(ep.value.residualSeatThreshold, frac(1));
    assert.deepEqual(ep.value.preferenceThreshold, frac(1, 10));
    for (const c of ['PS', 'AB', 'GR', 'ER']) {
      const large = seatParameters(c, 19);
      assert.ok(large.ok);
      assert.equal(large.value.residualSeatThreshold, null, c);
      assert.deepEqual(large.value.preferenceThreshold, frac(1, 4), c);
      assert.deepEqual(large.value.remainderThreshold, frac(3, 4), c);
    }
    const small = seatParameters('GR', 18);
    assert.ok(small.ok);
    assert.deepEqual(small.value.preferenceThreshold, frac(1, 2));
    const ab = seatParameters('AB', 18);
    assert.ok(ab.ok);
    assert.deepEqual(ab.value.preferenceThreshold, frac(1, 4), 'P 15(2) is for councils only');
  });
  it('EK and unknown categories are refused as values', () => {
    const ek = seatParameters('EK', 75);
    assert.equal(ek.ok, false);
    assert.equal(!ek.ok && ek.code, 'seats.unsupported-category');
    assert.equal(seatParameters('XX', 10).ok, false);
  });
});

describe('invalid input is a value, not an exception', () => {
  it('no votes, duplicate lists, bad numbers', () => {
    const noVotes = run('GR', 9, [0, 0]);
    assert.equal(!noVotes.ok && noVotes.code, 'seats.no-votes');
    const p = seatParameters('GR', 9);
    assert.ok(p.ok);
    const dup = allocateSeats({ seats: 9, lists: [{ id: 'A', votes: 1 }, { id: 'A', votes: 2 }], parameters: p.value });
    assert.equal(!dup.ok && dup.code, 'seats.invalid-input');
    assert.equal(run('GR', 9, [-1, 5]).ok, false);
    assert.equal(run('GR', 9, [1.5, 5]).ok, false);
    assert.equal(run('GR', 0, [1, 5]).ok, false);
    assert.equal(run('GR', 9, [1, 5], { candidates: [-1, 3] }).ok, false);
  });
});

describe('P 5-P 7: bodies of 19 seats or more', () => {
  it('kiesdeler, full seats and residual seats by largest averages', () => {
    // kiesdeler 100; full A15 B2 C1; averages A 1590/16 = 99.4, then A 1590/17 = 93.5 before C 180/2 = 90
    const a = allocation('GR', 20, [1590, 230, 180]);
    assert.deepEqual(a.quota, frac(100));
    assert.deepEqual(a.lists.map((l) => l.fullSeats), [15, 2, 1]);
    assert.equal(stages(a), 'averages:A averages:A');
    assert.deepEqual(a.steps[0]!.kind === 'residual' && a.steps[0]!.value, frac(1590, 16));
    assert.deepEqual(a.steps[1]!.kind === 'residual' && a.steps[1]!.value, frac(1590, 17));
  });
  it('P 7(2): below the kiesdeler no residual seat for TK and EP, but for GR', () => {
    // kiesdeler 100; full A9 B9 C0; TK: averages A 99.9, then A 90.8 (C, 98, below the kiesdeler); GR: A 99.9, then C 98
    assert.equal(seats('TK', 20, [999, 903, 98]), 'A11 B9 C0');
    assert.equal(seats('EP', 20, [999, 903, 98]), 'A11 B9 C0');
    assert.equal(seats('GR', 20, [999, 903, 98]), 'A10 B9 C1');
    const tk = allocation('TK', 20, [999, 903, 98]);
    assert.deepEqual(tk.lists.map((l) => l.belowResidualThreshold), [false, false, true]);
  });
  it('P 7(2) threshold reached exactly: a list with exactly the kiesdeler takes part', () => {
    // 19 seats, 1900 votes: kiesdeler 100. Ten lists of exactly 100 (one full seat each, average 50),
    // nine of 99 and one of 9 (below the kiesdeler). 9 residual seats.
    const votes = [...Array<number>(10).fill(100), ...Array<number>(9).fill(99), 9];
    // TK: only the ten lists at the kiesdeler take part, all at average 50, for 9 seats: lots
    const l = lot('TK', 19, votes);
    assert.equal(l.stage, 'averages');
    assert.deepEqual(l.between, [...ID.slice(0, 10)]);
    assert.equal(l.seats, 9);
    assert.deepEqual(l.value, frac(50));
    // GR (no threshold): the nine lists of 99 take the residual seats
    assert.equal(seats('GR', 19, votes), [...ID.slice(0, 10)].map((c) => `${c}1`).concat([...ID.slice(10, 19)].map((c) => `${c}1`), ['T0']).join(' '));
    const tk = allocation('TK', 19, votes, { lots: [{ stage: 'averages', between: [...ID.slice(0, 10)], drawn: [...ID.slice(1, 10)] }] });
    assert.equal(tk.lists.filter((x) => x.seats === 2).map((x) => x.id).join(''), 'BCDEFGHIJ');
    assert.equal(tk.lists[0]!.seats, 1);
    assert.ok(tk.steps.every((s) => s.kind === 'residual' && s.byLot));
    assert.deepEqual(tk.lists.map((x) => x.belowResidualThreshold), [...Array<boolean>(10).fill(false), ...Array<boolean>(10).fill(true)]);
  });
  it('equal averages need no lot when there are seats enough for all of them', () => {
    // kiesdeler 100; full 6 each; averages 650/7 all equal, 3 residual seats for 3 lists
    assert.equal(seats('GR', 21, [650, 650, 650, 80, 70]), 'A7 B7 C7 D0 E0');
    const l = lot('GR', 20, [650, 650, 650, 50]); // 2 seats for 3 tied lists
    assert.deepEqual(l.between, ['A', 'B', 'C']);
    assert.equal(l.seats, 2);
  });
});

describe('P 8: bodies of fewer than 19 seats', () => {
  it('largest remainders for lists with at least 75 % of the kiesdeler, reached exactly', () => {
    // kiesdeler 100; full A5 B2 C1 D0; remainders A 75, B 50, C 0, D 75 (exactly 75 %)
    assert.equal(seats('GR', 10, [575, 250, 100, 75]), 'A6 B2 C1 D1');
    // D one vote short of 75 %: its remainder 74 beats B's 50, but it does not take part
    const a = allocation('GR', 10, [576, 250, 100, 74]);
    assert.equal(a.lists.map((l) => `${l.id}${l.seats}`).join(' '), 'A6 B3 C1 D0');
    assert.equal(stages(a), 'remainders:A remainders:B');
  });
  it('a list without remainder counts as having the smallest remainder', () => {
    // kiesdeler 100; full A3 B3 (remainders 0); C-H are below 75 %; 4 seats: A and B one each, then averages
    const a = allocation('GR', 10, [300, 300, 72, 71, 69, 68, 60, 60]);
    assert.equal(a.lists.map((l) => `${l.id}${l.seats}`).join(' '), 'A4 B4 C1 D1 E0 F0 G0 H0');
    assert.equal(stages(a), 'remainders:A remainders:B averages-once:C averages-once:D');
  });
  it('P 8(3): after the remainders, largest averages with at most one seat per list', () => {
    // kiesdeler 100; full A6; remainders: only A takes part (A7); then averages once each: A 690/8, B 72, C 71
    const a = allocation('GR', 10, [690, 72, 71, 67, 50, 50]);
    assert.equal(a.lists.map((l) => `${l.id}${l.seats}`).join(' '), 'A8 B1 C1 D0 E0 F0');
    assert.equal(stages(a), 'remainders:A averages-once:A averages-once:B averages-once:C');
    // without the one-seat limit (19 seats or more) A would take the second average seat too: 690/9 > 72
    assert.ok(compare(frac(690, 9), frac(72)) > 0);
  });
  it('after P 8(3), plain largest averages (only reachable through exhaustion)', () => {
    // kiesdeler 100; A has 1 candidate: full A1 (6 surplus), B2, C1; 6 seats left
    const a = allocation('GR', 10, [700, 200, 100], { candidates: [1, undefined, undefined] });
    assert.equal(a.lists.map((l) => `${l.id}${l.seats}`).join(' '), 'A1 B6 C3');
    assert.equal(a.lists[0]!.surplusFullSeats, 6);
    assert.equal(stages(a), 'remainders:B remainders:C averages-once:B averages-once:C averages-fallback:B averages-fallback:B');
  });
});

describe('P 9: absolute majority', () => {
  it('a list with more than half of the votes gets the seat of the last residual seat', () => {
    // kiesdeler 100; full A5 B1 C1 D1; remainders D 70, B 65; A has 5 of 10 seats
    const a = allocation('GR', 10, [510, 165, 155, 170]);
    assert.equal(a.lists.map((l) => `${l.id}${l.seats}`).join(' '), 'A6 B1 C1 D2');
    assert.equal(stages(a), 'remainders:D remainders:B P9:B->A');
  });
  it('exactly half of the votes is no absolute majority', () => {
    assert.equal(seats('GR', 10, [500, 170, 166, 164]), 'A5 B2 C2 D1');
  });
  it('P 9 for a large body', () => {
    // 19 seats, kiesdeler 100: A 951 full 9, B 520 full 5, C 429 full 4; averages B 86.7, C 85.8, A 95.1 -> A10 already
    assert.equal(seats('GR', 19, [951, 520, 429]), 'A10 B5 C4');
    // 20 seats, kiesdeler 100: A 1001 (> half) full 10, B 560 full 5, C 439 full 4; 1 seat: B 93.3 (A 91.0, C 87.8); P 9 takes it
    assert.equal(seats('GR', 20, [1001, 560, 439]), 'A11 B5 C4');
  });
  it('lots between the lists that got the last residual seat at the same value', () => {
    // kiesdeler 100; full A5 B1 C1 D1; remainders B 65 and C 65 both get a seat; which one gives it to A?
    const votes = [510, 165, 165, 160];
    const l = lot('GR', 10, votes);
    assert.equal(l.stage, 'absolute-majority');
    assert.deepEqual(l.between, ['B', 'C']);
    assert.equal(l.seats, 1);
    const a = allocation('GR', 10, votes, { lots: [{ stage: 'absolute-majority', between: ['C', 'B'], drawn: ['C'] }] });
    assert.equal(a.lists.map((x) => `${x.id}${x.seats}`).join(' '), 'A6 B2 C1 D1');
    assert.deepEqual(a.steps.at(-1), { kind: 'absolute-majority', to: 'A', from: 'C', byLot: true });
  });
  it('no P 9 seat for a list without candidates left', () => {
    assert.equal(seats('GR', 10, [510, 165, 155, 170], { candidates: [5] }), 'A5 B2 C1 D2');
  });
});

describe('P 10: list exhaustion in each round', () => {
  it('full seats beyond the candidates pass on (large body)', () => {
    const a = allocation('GR', 19, [1500, 400], { candidates: [12] });
    assert.equal(a.lists.map((l) => `${l.id}${l.seats}`).join(' '), 'A12 B7');
    assert.equal(a.lists[0]!.surplusFullSeats, 3);
    assert.ok(a.lists[0]!.exhausted);
  });
  it('during the largest averages', () => {
    // kiesdeler 100: A would take both residual seats (99.4, 93.5); with 16 candidates the second goes to C (90)
    assert.equal(seats('GR', 20, [1590, 230, 180]), 'A17 B2 C1');
    assert.equal(seats('GR', 20, [1590, 230, 180], { candidates: [16] }), 'A16 B2 C2');
  });
  it('a list whose full seats use all its candidates takes no remainder seat', () => {
    assert.equal(seats('GR', 10, [560, 440]), 'A6 B4');
    assert.equal(seats('GR', 10, [560, 440], { candidates: [5] }), 'A5 B5');
  });
  it('during the averages with one seat per list', () => {
    // as P 8(3) above, A (7 candidates) is exhausted by its remainder seat
    const a = allocation('GR', 10, [690, 72, 71, 67, 50, 50], { candidates: [7] });
    assert.equal(a.lists.map((l) => `${l.id}${l.seats}`).join(' '), 'A7 B1 C1 D1 E0 F0');
    assert.equal(stages(a), 'remainders:A averages-once:B averages-once:C averages-once:D');
  });
  it('during the plain averages after P 8(3)', () => {
    assert.equal(seats('GR', 10, [700, 200, 100], { candidates: [1, 5] }), 'A1 B5 C4');
  });
  it('seats that no list can take stay unfilled', () => {
    const a = allocation('GR', 5, [300, 200, 0], { candidates: [1, 1, 10] });
    assert.equal(a.unfilled, 3);
    assert.deepEqual(a.lists.map((l) => l.seats), [1, 1, 0], 'a list without votes takes no seat');
  });
  it('exhaustion at TK: the seats go to other lists that reach the kiesdeler', () => {
    // kiesdeler 100; A (10 candidates) takes the first residual seat, the second goes to B (90.3), not to C (98, below)
    assert.equal(seats('TK', 20, [999, 903, 98], { candidates: [10] }), 'A10 B10 C0');
  });
});

describe('lots at every stage, and drawn outcomes', () => {
  it('largest remainders', () => {
    const votes = [350, 350, 300];
    const l = lot('GR', 10, votes);
    assert.deepEqual([l.stage, l.between, l.seats], ['remainders', ['A', 'B'], 1]);
    assert.deepEqual(l.value, frac(50));
    assert.equal(seats('GR', 10, votes, { lots: [{ stage: 'remainders', between: ['A', 'B'], drawn: ['B'] }] }), 'A3 B4 C3');
  });
  it('averages with one seat per list', () => {
    const votes = [690, 70, 70, 70, 50, 50];
    const l = lot('GR', 10, votes);
    assert.deepEqual([l.stage, l.between, l.seats], ['averages-once', ['B', 'C', 'D'], 2]);
    assert.equal(seats('GR', 10, votes, { lots: [{ stage: 'averages-once', between: ['B', 'C', 'D'], drawn: ['D', 'B'] }] }), 'A8 B1 C0 D1 E0 F0');
  });
  it('plain averages after P 8(3)', () => {
    // kiesdeler 100; A 1 candidate: B and C tie in every round; the last seat needs a lot
    const opts = { candidates: [1] };
    const l = lot('GR', 10, [700, 150, 150], opts);
    assert.deepEqual([l.stage, l.between, l.seats], ['averages-fallback', ['B', 'C'], 1]);
    assert.equal(seats('GR', 10, [700, 150, 150], { ...opts, lots: [{ stage: 'averages-fallback', between: ['B', 'C'], drawn: ['C'] }] }), 'A1 B4 C5');
  });
  it('a tie of more lists than seats', () => {
    // kiesdeler 100; full 3 3 1 1; remainders all 50 for 2 seats
    const l = lot('GR', 10, [350, 350, 150, 150]);
    assert.deepEqual([l.stage, l.between, l.seats], ['remainders', ['A', 'B', 'C', 'D'], 2]);
  });
  it('several lots in a row are given back in order', () => {
    // kiesdeler 100; full A5 B1 C1 D1; remainders B C D 65 for 2 seats: lot; then A (505 votes, 5 seats)
    // takes a seat by P 9 from one of the two drawn lists: a second lot
    const votes = [505, 165, 165, 165];
    const first = run('GR', 10, votes);
    assert.ok(first.ok && first.value.kind === 'lots');
    assert.deepEqual([first.value.lot.stage, first.value.lot.between, first.value.lot.seats, first.value.lotIndex], ['remainders', ['B', 'C', 'D'], 2, 0]);
    const drawn1: DrawnLot = { stage: 'remainders', between: ['B', 'C', 'D'], drawn: ['D', 'B'] };
    const second = run('GR', 10, votes, { lots: [drawn1] });
    assert.ok(second.ok && second.value.kind === 'lots');
    assert.deepEqual([second.value.lot.stage, second.value.lot.between, second.value.lot.seats, second.value.lotIndex], ['absolute-majority', ['B', 'D'], 1, 1]);
    const a = allocation('GR', 10, votes, { lots: [drawn1, { stage: 'absolute-majority', between: ['B', 'D'], drawn: ['D'] }] });
    assert.equal(a.lists.map((x) => `${x.id}${x.seats}`).join(' '), 'A6 B2 C1 D1');
    assert.equal(a.lotsUsed, 2);
    assert.equal(stages(a), 'remainders:B remainders:D P9:D->A');
  });
  it('a drawn lot that does not fit the tie, or is not needed, is refused', () => {
    const wrongSet = run('GR', 10, [350, 350, 300], { lots: [{ stage: 'remainders', between: ['A', 'C'], drawn: ['A'] }] });
    assert.equal(!wrongSet.ok && wrongSet.code, 'seats.lot-mismatch');
    const tooMany = run('GR', 10, [350, 350, 300], { lots: [{ stage: 'remainders', between: ['A', 'B'], drawn: ['A', 'B'] }] });
    assert.equal(!tooMany.ok && tooMany.code, 'seats.lot-mismatch');
    const wrongStage = run('GR', 10, [350, 350, 300], { lots: [{ stage: 'averages', between: ['A', 'B'], drawn: ['A'] }] });
    assert.equal(!wrongStage.ok && wrongStage.code, 'seats.lot-mismatch');
    const unused = run('GR', 10, [400, 300, 300], { lots: [{ stage: 'remainders', between: ['A', 'B'], drawn: ['A'] }] });
    assert.equal(!unused.ok && unused.code, 'seats.lot-unused');
  });
});

describe('P 2, P 3: the lists of a party count as one', () => {
  it('adds up the votes and counts each candidate once', () => {
    const parties = partyLists([
      { party: 'X', votes: 10, candidates: ['a', 'b'] },
      { party: 'Y', votes: 7, candidates: ['c'] },
      { party: 'X', votes: 5, candidates: ['b', 'd'] },
    ]);
    assert.deepEqual(parties, [
      { id: 'X', votes: 15, candidates: 3 },
      { id: 'Y', votes: 7, candidates: 1 },
    ]);
  });
});

describe('what the proces-verbaal shows: the values compared at every residual seat', () => {
  /** "A:999/10 B:903/10" per residual step. */
  function compared(a: SeatAllocation): string[] {
    return a.steps.flatMap((s) => (s.kind === 'residual' ? [s.compared.map((c) => `${c.listId}:${c.value.n}/${c.value.d}`).join(' ')] : []));
  }
  it('largest averages: the lists below the kiesdeler (P 7(2)) are not compared', () => {
    // kiesdeler 100; full A9 B9 C0; A 99.9 > B 90.3, then A 90.8 > B 90.3; C (98) below the kiesdeler
    const a = allocation('TK', 20, [999, 903, 98]);
    assert.deepEqual(compared(a), ['A:999/10 B:903/10', 'A:999/11 B:903/10']);
  });
  it('P 8: the remainders of the lists at 75 %, then the averages of those without a seat in this round', () => {
    const a = allocation('GR', 10, [690, 72, 71, 67, 50, 50]);
    assert.deepEqual(compared(a), ['A:90/1', 'A:345/4 B:72/1 C:71/1 D:67/1 E:50/1 F:50/1', 'B:72/1 C:71/1 D:67/1 E:50/1 F:50/1', 'C:71/1 D:67/1 E:50/1 F:50/1']);
  });
  it('an exhausted list is no longer compared (P 10)', () => {
    const a = allocation('GR', 20, [1590, 230, 180], { candidates: [16] });
    assert.deepEqual(compared(a), ['A:795/8 B:230/3 C:90/1', 'B:230/3 C:90/1']);
    // the winner has the largest value of those compared, each time
    for (const s of a.steps) {
      if (s.kind === 'residual') assert.ok(s.compared.every((c) => compare(c.value, s.value) <= 0));
    }
  });
});
