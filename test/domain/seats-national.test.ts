/**
 * The national result (src/domain/seats/national.ts) on a small synthetic election with two
 * kieskringen: a set of identical lists and a list group each count as one list (P 2, P 3), a
 * person's votes add up over the kieskringen, lots at party and candidate level come back as
 * values, deceased candidates (P 19a), missing counts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VoteCounts } from '../../src/domain/counts.ts';
import type { Affiliation, CandidateLists } from '../../src/domain/election.ts';
import { nationalResult, type NationalInput, type NationalResult } from '../../src/domain/seats/national.ts';
import { personKey } from '../../src/domain/seats/persons.ts';

function aff(listNumber: number, name: string, set: number | null, lastNames: string[]): Affiliation {
  return {
    listNumber,
    registeredName: name,
    type: set === null ? 'lijstengroep' : 'stel gelijkluidende lijsten',
    publishGender: false,
    belongsToSet: set,
    candidates: lastNames.map((lastName, i) => ({ position: i + 1, initials: 'X.', firstName: null, prefix: null, lastName, gender: null, locality: 'Ergens' })),
  };
}

function lists(kieskring: number, affiliations: Affiliation[]): { kieskring: number; lists: CandidateLists } {
  return {
    kieskring,
    lists: { electionId: 'XX2030', electionName: 'X', electionCategory: 'TK', electionDate: '2030-01-01', contestId: String(kieskring), contestName: `K${kieskring}`, affiliations },
  };
}

/** Counts from [listNumber, candidate votes by position]. */
function counts(lists: [number, number[]][]): VoteCounts {
  const l = lists.map(([listNumber, votes]) => ({ listNumber, total: votes.reduce((a, b) => a + b, 0), candidates: votes.map((v, i) => ({ position: i + 1, votes: v })) }));
  const total = l.reduce((a, x) => a + x.total, 0);
  return { cast: total, totalCounted: total, rejected: { ongeldig: 0, blanco: 0 }, uncounted: [], lists: l };
}

// Party 1: a set of identical lists in both kieskringen. Party 2: a list group (other lists per kieskring).
const A = ['Aa', 'Ab', 'Ac', 'Ad', 'Ae', 'Af'];
const K1 = lists(1, [aff(1, 'Een', 1, A), aff(2, 'Twee', null, ['Ba', 'Bb', 'Bc'])]);
const K2 = lists(2, [aff(1, 'Een', 1, A), aff(2, 'Twee', null, ['Bd', 'Ba', 'Be'])]);
// kieskring 1: party 1 400, party 2 250; kieskring 2: party 1 200, party 2 150
const C1: [number, number[]][] = [
  [1, [300, 40, 30, 30, 0, 0]],
  [2, [100, 100, 50]],
];
const C2: [number, number[]][] = [
  [1, [100, 50, 30, 20, 0, 0]],
  [2, [50, 60, 40]],
];
const DRAWN_KK2 = new Map([[2, [{ stage: 'group-remainders' as const, between: ['kk1', 'kk2'], drawn: ['kk2'] }]]]);

function run(seats: number, c1: [number, number[]][], c2: [number, number[]][], extra: Partial<NationalInput> = {}) {
  return nationalResult({
    category: 'TK',
    seats,
    kieskringen: [K1, K2],
    counts: new Map([
      [1, counts(c1)],
      [2, counts(c2)],
    ]),
    ...extra,
  });
}

function result(seats: number, c1: [number, number[]][], c2: [number, number[]][], extra: Partial<NationalInput> = {}): NationalResult {
  const r = run(seats, c1, c2, extra);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.value.kind, 'result', JSON.stringify(r.value, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
  return (r.value as { result: NationalResult }).result;
}

function electedNames(r: NationalResult, listNumber: number): string {
  const p = r.parties.find((x) => x.party.listNumber === listNumber)!;
  const byKey = new Map(p.party.persons.map((x) => [x.key, x.candidate.lastName]));
  return (p.result?.elected ?? []).map((e) => `${byKey.get(e.person)}${e.ranking}`).join(' ');
}

describe('national result, synthetic', () => {
  it('a tie between the lists of a group needs lots: the candidate-level lot names the party', () => {
    // 10 seats, kiesdeler 100: party 1 6, party 2 4; groepskiesdeler 100: kk1 2 (remainder 50), kk2 1 (remainder 50)
    const r = run(10, C1, C2);
    assert.ok(r.ok && r.value.kind === 'candidate-lots');
    if (r.value.kind !== 'candidate-lots') return;
    assert.equal(r.value.listNumber, 2);
    assert.deepEqual(r.value.lot, { stage: 'group-remainders', between: ['kk1', 'kk2'], seats: 1 });
  });

  it('adds up a party over the kieskringen; a set is one list, a group has one list per kieskring', () => {
    const r = result(10, C1, C2, { candidateLots: DRAWN_KK2 });
    assert.deepEqual(r.parties.map((p) => [p.votes, p.seats]), [[600, 6], [400, 4]]);
    assert.deepEqual(r.parties[0]!.lists.map((l) => l.key), ['set1']);
    assert.deepEqual(r.parties[1]!.lists.map((l) => l.key), ['kk1', 'kk2']);
    const ba = r.parties[1]!.party.persons.find((p) => p.candidate.lastName === 'Ba')!;
    assert.equal(r.parties[1]!.personVotes.get(ba.key), 160, 'Ba: 100 in kieskring 1 + 60 in kieskring 2');
    assert.deepEqual(ba.placements, [{ kieskring: 1, position: 1 }, { kieskring: 2, position: 2 }]);
    // threshold 25: Aa 400, Ab 90, Ac 60, Ad 50 by preference, then list order
    assert.equal(electedNames(r, 1), 'Aa1 Ab1 Ac1 Ad1 Ae2 Af2');
  });

  it('with the drawn lot the group goes on: preference votes over both lists, P 16 and P 16(2)', () => {
    const r = result(10, C1, C2, { candidateLots: DRAWN_KK2 });
    const p2 = r.parties[1]!;
    // Ba 160, Bb 100, Bc 50, Bd 50 (Be 40): 4 seats. Ba and Bb fill kk1's 2 seats; Bc stands on kk1 only,
    // which has none left: the seat the lot gave kk2 moves to kk1 (P 16(2)); Bd takes kk2's other seat
    assert.equal(electedNames(r, 2), 'Ba1 Bb1 Bc1 Bd1');
    assert.deepEqual([...p2.result!.listSeats], [['kk1', 3], ['kk2', 1]]);
    assert.deepEqual(p2.result!.elected.map((e) => e.list), ['kk1', 'kk1', 'kk1', 'kk2']);
  });

  it('a tie between parties needs lots at party level', () => {
    const r = run(1, [[1, [50, 0, 0, 0, 0, 0]], [2, [50, 0, 0]]], [[1, [0, 0, 0, 0, 0, 0]], [2, [0, 0, 0]]]);
    assert.ok(r.ok && r.value.kind === 'seat-lots');
    if (r.value.kind === 'seat-lots') assert.deepEqual([r.value.lot.stage, r.value.lot.between, r.value.lot.seats], ['averages-once', ['1', '2'], 1]);
  });

  it('a deceased candidate is passed over and counts against the seats a party can take (P 10, P 19a)', () => {
    const aa = personKey(K1.lists.affiliations[0]!.candidates[0]!);
    const r = result(10, C1, C2, { deceased: new Map([[1, new Set([aa])]]) });
    // party 1 has 5 living candidates: 5 seats; the sixth goes to party 2 (a remainder seat)
    assert.deepEqual(r.parties.map((p) => p.seats), [5, 5]);
    assert.equal(electedNames(r, 1), 'Ab1 Ac1 Ad1 Ae2 Af2');
    assert.equal(r.parties[0]!.votes, 600, 'the votes of the deceased still count for the list');
  });

  it('refuses when a kieskring has no counts', () => {
    const r = nationalResult({ category: 'TK', seats: 10, kieskringen: [K1, K2], counts: new Map([[1, counts(C1)]]) });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /kieskring 2 ontbreekt/);
  });
});
