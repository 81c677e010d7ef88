/**
 * Properties of the candidate level (src/domain/seats/candidates.ts) over random parties with
 * one to four lists that share some candidates: every seat goes to a distinct living candidate as
 * long as there are any, the preference-elected are those above the threshold by votes, and every
 * candidate sits on one of their own lists within its seats. Lots resolved by random draws.
 * Fresh seed per run, FC_SEED to repeat.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { electCandidates, type DrawnCandidateLot, type GroupList, type PartyResult } from '../../src/domain/seats/candidates.ts';
import { compare, frac } from '../../src/domain/seats/fraction.ts';
import { assertProperty } from '../support/seed.ts';

const PERSONS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9'];

const partyArb = fc.record({
  seats: fc.integer({ min: 1, max: 10 }),
  lists: fc.array(
    fc.record({
      persons: fc.uniqueArray(fc.constantFrom(...PERSONS), { minLength: 1, maxLength: 6 }),
      votes: fc.array(fc.oneof(fc.nat(5), fc.nat(200)), { minLength: 6, maxLength: 6 }),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  deceased: fc.subarray(PERSONS, { maxLength: 2 }),
  quota: fc.integer({ min: 1, max: 400 }),
});

test('property: seats go to distinct living candidates, preference first, each on one of their own lists', () => {
  assertProperty(
    fc.property(partyArb, fc.infiniteStream(fc.nat()), (party, stream) => {
      const lists: GroupList[] = party.lists.map((l, i) => {
        const candidates = l.persons.map((person, j) => ({ person, votes: l.votes[j]! }));
        return { key: `kk${i + 1}`, kieskring: i + 1, votes: candidates.reduce((a, c) => a + c.votes, 0), candidates };
      });
      fc.pre(lists.reduce((a, l) => a + l.votes, 0) > 0);
      const deceased = new Set(party.deceased);
      const it = stream[Symbol.iterator]();
      const lots: DrawnCandidateLot[] = [];
      let result: PartyResult | null = null;
      for (let n = 0; n < 20 && result === null; n++) {
        const r = electCandidates({ seats: party.seats, lists, quota: frac(party.quota), preferenceThreshold: frac(1, 4), deceased, lots });
        assert.ok(r.ok, r.ok ? '' : r.message);
        if (r.value.kind === 'elected') result = r.value.result;
        else {
          const { lot } = r.value;
          assert.ok(lot.between.length > lot.seats && lot.seats >= 1);
          const pool = [...lot.between];
          const drawn: string[] = [];
          while (drawn.length < lot.seats) drawn.push(pool.splice(it.next().value! % pool.length, 1)[0]!);
          lots.push({ stage: lot.stage, between: lot.between, drawn });
        }
      }
      assert.ok(result !== null, 'lots end');
      const living = new Set(lists.flatMap((l) => l.candidates.map((c) => c.person)).filter((p) => !deceased.has(p)));
      const elected = result.elected.map((e) => e.person);
      assert.equal(new Set(elected).size, elected.length, 'distinct');
      assert.ok(elected.every((p) => living.has(p)), 'living candidates only');
      assert.equal(elected.length, Math.min(party.seats, living.size), 'every seat filled while candidates are left');
      assert.equal(result.unfilled, party.seats - elected.length);
      // P 15
      const total = new Map<string, number>();
      for (const l of lists) for (const c of l.candidates) total.set(c.person, (total.get(c.person) ?? 0) + c.votes);
      const threshold = frac(party.quota, 4);
      const first = result.elected.filter((e) => e.ranking === 1);
      assert.ok(first.every((e) => compare(frac(total.get(e.person)!), threshold) > 0), 'preference-elected above the threshold');
      for (let i = 1; i < first.length; i++) assert.ok(first[i - 1]!.votes >= first[i]!.votes, 'in order of votes');
      const aboveNotElected = [...living].filter((p) => compare(frac(total.get(p)!), threshold) > 0 && !elected.includes(p));
      if (aboveNotElected.length > 0) assert.equal(first.length, party.seats, 'a candidate above the threshold is left out only when all seats are preference seats');
      // placement
      const placed = new Map<string, number>();
      for (const e of result.elected) {
        const l = lists.find((x) => x.key === e.list)!;
        assert.ok(l.candidates.some((c) => c.person === e.person), `${e.person} sits on their own list`);
        placed.set(e.list, (placed.get(e.list) ?? 0) + 1);
      }
      for (const [k, n] of placed) assert.ok(n <= result.listSeats.get(k)!, `${k}: ${n} placed, ${result.listSeats.get(k)} seats`);
      assert.ok([...result.listSeats.values()].reduce((a, b) => a + b, 0) <= party.seats);
    }),
    { numRuns: 500 },
  );
});
