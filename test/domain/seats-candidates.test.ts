/**
 * From a party's seats to its elected candidates (src/domain/seats/candidates.ts): preference
 * votes (P 15) with the threshold reached exactly or exceeded, lots, deceased candidates (P 19a),
 * the division over a list group (P 12, P 13), placement on the lists (P 16, P 16(2)) and list
 * order over several lists (P 17, P 18). TK2021 as a whole is in test/national/result-tk2021.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { electCandidates, type CandidateLot, type DrawnCandidateLot, type GroupList, type PartyResult } from '../../src/domain/seats/candidates.ts';
import { frac, type Fraction } from '../../src/domain/seats/fraction.ts';

/** A list from "name votes" pairs; the list votes are the sum. */
function list(key: string, kieskring: number, cands: [string, number][]): GroupList {
  return { key, kieskring, votes: cands.reduce((a, [, v]) => a + v, 0), candidates: cands.map(([person, votes]) => ({ person, votes })) };
}

interface Opts {
  quota?: Fraction;
  deceased?: string[];
  lots?: DrawnCandidateLot[];
}

function run(seats: number, lists: GroupList[], opts: Opts = {}) {
  return electCandidates({
    seats,
    lists,
    quota: opts.quota ?? frac(100),
    preferenceThreshold: frac(1, 4),
    deceased: new Set(opts.deceased ?? []),
    lots: opts.lots ?? [],
  });
}

function elect(seats: number, lists: GroupList[], opts: Opts = {}): PartyResult {
  const r = run(seats, lists, opts);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.value.kind, 'elected');
  return (r.value as { result: PartyResult }).result;
}

function lot(seats: number, lists: GroupList[], opts: Opts = {}): CandidateLot {
  const r = run(seats, lists, opts);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.value.kind, 'lots');
  return (r.value as { lot: CandidateLot }).lot;
}

/** "a1@kk1 b2@kk1": person, ranking, list. */
function show(r: PartyResult): string {
  return r.elected.map((e) => `${e.person}${e.ranking}@${e.list}`).join(' ');
}

function seatsOf(r: PartyResult): string {
  return [...r.listSeats].map(([k, s]) => `${k}:${s}`).join(' ');
}

describe('P 15: preference votes (threshold 25 % of kiesdeler 100 = 25)', () => {
  it('more than the threshold: elected first, by votes; exactly the threshold is not enough', () => {
    const r = elect(2, [list('kk1', 1, [['a', 0], ['b', 0], ['c', 26], ['d', 25]])]);
    assert.equal(show(r), 'c1@kk1 a2@kk1');
    assert.deepEqual(r.aboveThreshold, ['c']);
  });
  it('more candidates above the threshold than seats: the most votes', () => {
    assert.equal(show(elect(2, [list('kk1', 1, [['a', 30], ['b', 50], ['c', 40]])])), 'b1@kk1 c1@kk1');
  });
  it('equal votes: lots only when there are fewer seats than tied candidates', () => {
    assert.equal(show(elect(2, [list('kk1', 1, [['a', 30], ['b', 30]])])), 'a1@kk1 b1@kk1');
    const l = lot(1, [list('kk1', 1, [['a', 30], ['b', 30], ['c', 0]])]);
    assert.deepEqual(l, { stage: 'preference', between: ['a', 'b'], seats: 1 });
    const r = elect(1, [list('kk1', 1, [['a', 30], ['b', 30], ['c', 0]])], { lots: [{ stage: 'preference', between: ['b', 'a'], drawn: ['b'] }] });
    assert.equal(show(r), 'b1@kk1');
  });
  it('a drawn lot that does not fit, or is not needed, is refused', () => {
    const lists = [list('kk1', 1, [['a', 30], ['b', 30], ['c', 0]])];
    const bad = run(1, lists, { lots: [{ stage: 'preference', between: ['a', 'c'], drawn: ['a'] }] });
    assert.equal(!bad.ok && bad.code, 'seats.lot-mismatch');
    const unused = run(2, lists, { lots: [{ stage: 'preference', between: ['a', 'b'], drawn: ['a'] }] });
    assert.equal(!unused.ok && unused.code, 'seats.lot-unused');
  });
});

describe('P 17, P 19a: list order, deceased candidates', () => {
  it('the remaining seats in list order', () => {
    assert.equal(show(elect(3, [list('kk1', 1, [['a', 5], ['b', 1], ['c', 20], ['d', 3]])])), 'a2@kk1 b2@kk1 c2@kk1');
  });
  it('a deceased candidate is passed over, even with votes above the threshold', () => {
    const r = elect(2, [list('kk1', 1, [['a', 100], ['b', 0], ['c', 0]])], { deceased: ['a'] });
    assert.equal(show(r), 'b2@kk1 c2@kk1');
  });
  it('seats without candidates stay unfilled', () => {
    const r = elect(3, [list('kk1', 1, [['a', 5], ['b', 1]])]);
    assert.equal(r.unfilled, 1);
    assert.equal(show(r), 'a2@kk1 b2@kk1');
  });
});

describe('P 12, P 13: a list group', () => {
  it('groepskiesdeler and largest remainders', () => {
    // group votes 400, 3 seats, groepskiesdeler 133 1/3: kk1 2 full (remainder 33 1/3), kk2 0 (remainder 100)
    const r = elect(3, [list('kk1', 1, [['a', 100], ['b', 100], ['c', 100]]), list('kk2', 2, [['d', 50], ['e', 50]])], { quota: frac(1000) });
    assert.equal(seatsOf(r), 'kk1:2 kk2:1');
    assert.equal(show(r), 'a2@kk1 b2@kk1 d2@kk2');
  });
  it('equal remainders for fewer seats: lots', () => {
    const lists = [list('kk1', 1, [['a', 200]]), list('kk2', 2, [['b', 200]])];
    assert.deepEqual(lot(1, lists, { quota: frac(10000) }), { stage: 'group-remainders', between: ['kk1', 'kk2'], seats: 1 });
    const r = elect(1, lists, { quota: frac(10000), lots: [{ stage: 'group-remainders', between: ['kk1', 'kk2'], drawn: ['kk2'] }] });
    assert.equal(show(r), 'b2@kk2');
  });
  it('P 13: a list without candidates left passes its seats on within the group', () => {
    // kk1 would get 2 full seats but has 1 candidate; kk2 takes its remainder seat and then one by averages
    const r = elect(3, [list('kk1', 1, [['a', 300]]), list('kk2', 2, [['b', 40], ['c', 30], ['d', 30]])], { quota: frac(100000) });
    assert.equal(seatsOf(r), 'kk1:1 kk2:2');
    assert.equal(show(r), 'a2@kk1 b2@kk2 c2@kk2');
  });
});

describe('P 16: placing the preference-elected on a list', () => {
  it('on the list with a seat on which they got the most votes', () => {
    // p stands on both lists: 40 votes on kk1, 10 on kk2; both lists have a seat
    const lists = [list('kk1', 1, [['p', 40], ['x', 20], ['x2', 20], ['x3', 20]]), list('kk2', 2, [['p', 10], ['y', 30], ['y2', 30], ['y3', 30]])];
    const r = elect(2, lists, { quota: frac(180) }); // threshold 45: p (50) only
    assert.equal(seatsOf(r), 'kk1:1 kk2:1');
    assert.equal(show(r), 'p1@kk1 y2@kk2');
  });
  it('not on their best list when it has no seat, but on one that has (PvdA Nijboer, TK2021)', () => {
    // group 200 votes, 2 seats: kk1 (45) none, kk2 (155) both; p has 40 on kk1 and 10 on kk2
    const lists = [list('kk1', 1, [['p', 40], ['x', 5]]), list('kk2', 2, [['p', 10], ['y', 35], ['z', 35], ['w', 35], ['v', 40]])];
    const r = elect(2, lists, { quota: frac(180) });
    assert.equal(seatsOf(r), 'kk1:0 kk2:2');
    assert.equal(show(r), 'p1@kk2 y2@kk2');
  });
  it('P 16(2): none of their lists has a seat: the last P 12 seat moves to their best list', () => {
    // kk1 (p alone, 46 votes) gets no seat by P 12; kk2 (154) gets 1 full and the remainder seat
    const lists = [list('kk1', 1, [['p', 46]]), list('kk2', 2, [['y', 40], ['z', 40], ['w', 40], ['v', 34]])];
    const r = elect(2, lists, { quota: frac(180) });
    assert.equal(seatsOf(r), 'kk1:1 kk2:1');
    assert.equal(show(r), 'p1@kk1 y2@kk2');
  });
});

describe('P 18: a candidate elected on several lists', () => {
  it('counts for the list with the most votes; the other list elects its next candidate', () => {
    const lists = [list('kk1', 1, [['q', 10], ['r', 90]]), list('kk2', 2, [['q', 60], ['s', 40]])];
    const r = elect(2, lists, { quota: frac(10000) });
    assert.equal(seatsOf(r), 'kk1:1 kk2:1');
    assert.equal(show(r), 'q2@kk2 r2@kk1');
  });
  it('equal votes: the list of the lowest kieskring', () => {
    const lists = [list('kk3', 3, [['q', 30], ['r', 70]]), list('kk2', 2, [['q', 30], ['s', 70]])];
    const r = elect(2, lists, { quota: frac(10000) });
    assert.equal(show(r), 'q2@kk2 r2@kk3');
  });
});

/** The P 12/P 13 residual seats of a group: "stage:list:value[:lot]". */
function steps(r: PartyResult): string[] {
  return (r.group?.steps ?? []).map((s) => `${s.stage}:${s.list}:${s.value.n}/${s.value.d}${s.byLot ? ':lot' : ''}`);
}

describe('what the proces-verbaal shows: the division over a list group (P 12, P 13, P 16(2))', () => {
  it('the groepskiesdeler, each list\'s full seats and the residual seats in order', () => {
    const r = elect(3, [list('kk1', 1, [['a', 100], ['b', 100], ['c', 100]]), list('kk2', 2, [['d', 50], ['e', 50]])], { quota: frac(1000) });
    assert.deepEqual(r.group?.quota, frac(400, 3));
    assert.deepEqual([...(r.group?.fullSeats ?? [])], [['kk1', 2], ['kk2', 0]]);
    assert.deepEqual(steps(r), ['group-remainders:kk2:100/1']);
    assert.deepEqual(r.group?.moves, []);
  });
  it('a list that cannot fill its full seats (P 13): its seats go by remainders, then averages', () => {
    const r = elect(3, [list('kk1', 1, [['a', 300]]), list('kk2', 2, [['b', 40], ['c', 30], ['d', 30]])], { quota: frac(100000) });
    assert.deepEqual([...(r.group?.fullSeats ?? [])], [['kk1', 1], ['kk2', 0]]);
    assert.deepEqual(steps(r), ['group-remainders:kk2:100/1', 'group-averages:kk2:50/1']);
  });
  it('P 16(2): the seat that moves to the preference-elected candidate\'s list', () => {
    const r = elect(2, [list('kk1', 1, [['p', 46]]), list('kk2', 2, [['y', 40], ['z', 40], ['w', 40], ['v', 34]])], { quota: frac(180) });
    assert.deepEqual(r.group?.moves, [{ rule: 'P 16(2)', from: 'kk2', to: 'kk1', person: 'p' }]);
  });
  it('one list (or a set of identical lists) has no division', () => {
    assert.equal(elect(2, [list('set1', 1, [['a', 5], ['b', 1]])]).group, null);
  });
});

describe('lots at the P 13 stage, deceased candidates in a list group, other preference thresholds', () => {
  it('equal averages within the group (P 13) for fewer seats: lots', () => {
    // 4 seats, 500 votes, groepskiesdeler 125: kk1 (one candidate) 1; kk2 and kk3 a remainder seat each; the last seat
    // by averages: kk2 100/2 = kk3 100/2
    const lists = [list('kk1', 1, [['a', 300]]), list('kk2', 2, [['b', 100], ['c', 0]]), list('kk3', 3, [['d', 100], ['e', 0]])];
    assert.deepEqual(lot(4, lists, { quota: frac(100000) }), { stage: 'group-averages', between: ['kk2', 'kk3'], seats: 1 });
    const r = elect(4, lists, { quota: frac(100000), lots: [{ stage: 'group-averages', between: ['kk3', 'kk2'], drawn: ['kk3'] }] });
    assert.equal(seatsOf(r), 'kk1:1 kk2:1 kk3:2');
    assert.equal(show(r), 'a2@kk1 b2@kk2 d2@kk3 e2@kk3');
    assert.deepEqual(steps(r), ['group-remainders:kk2:100/1', 'group-remainders:kk3:100/1', 'group-averages:kk3:50/1:lot']);
  });
  it('a deceased candidate on two lists of the group is passed over on both; the votes still count for the lists (P 19a)', () => {
    const lists = [list('kk1', 1, [['p', 40], ['x', 10]]), list('kk2', 2, [['p', 10], ['y', 40]])];
    const alive = elect(2, lists, { quota: frac(100000) });
    assert.equal(seatsOf(alive), 'kk1:1 kk2:1');
    assert.equal(show(alive), 'p2@kk1 y2@kk2');
    const r = elect(2, lists, { quota: frac(100000), deceased: ['p'] });
    assert.equal(seatsOf(r), 'kk1:1 kk2:1');
    assert.equal(show(r), 'x2@kk1 y2@kk2');
  });
  it('a list whose only candidate died gets no seat in the division; the group\'s other list takes them', () => {
    const r = elect(2, [list('kk1', 1, [['p', 60]]), list('kk2', 2, [['y', 20], ['z', 20]])], { quota: frac(100000), deceased: ['p'] });
    assert.equal(seatsOf(r), 'kk1:0 kk2:2');
    assert.equal(show(r), 'y2@kk2 z2@kk2');
    assert.deepEqual([...(r.group?.fullSeats ?? [])], [['kk1', 0], ['kk2', 0]]);
  });
  it('the threshold is the election\'s: 50 % (GR under 19 seats) and 10 % (EP) reached exactly is not enough', () => {
    const at = (threshold: Fraction, votes: [string, number][]) =>
      electCandidates({ seats: 2, lists: [list('kk1', 1, votes)], quota: frac(100), preferenceThreshold: threshold });
    const half = at(frac(1, 2), [['a', 50], ['c', 0], ['b', 51]]);
    assert.ok(half.ok && half.value.kind === 'elected');
    if (half.value.kind === 'elected') assert.equal(show(half.value.result), 'b1@kk1 a2@kk1');
    const tenth = at(frac(1, 10), [['a', 10], ['c', 0], ['b', 11]]);
    assert.ok(tenth.ok && tenth.value.kind === 'elected');
    if (tenth.value.kind === 'elected') assert.equal(show(tenth.value.result), 'b1@kk1 a2@kk1');
  });
});
