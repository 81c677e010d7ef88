/**
 * The result of an election with kieskringen (TK; EP and PS with several kieskringen alike) as the
 * centraal stembureau determines it: the kieskringen's counts added up per party and per person,
 * the seats over the parties (P 5-P 10, a party's lists counting as one: P 2, P 3), and per party
 * the elected candidates (P 12-P 18). Pure; the EML writers and the CLI build on it.
 */
import type { VoteCounts } from '../counts.ts';
import { fail, ok, type Result } from '../result.ts';
import { allocateSeats, type DrawnLot, type LotRequired, type SeatAllocation } from './allocate.ts';
import { electCandidates, type CandidateLot, type DrawnCandidateLot, type ElectedCandidate, type GroupList, type PartyResult } from './candidates.ts';
import { seatParameters } from './parameters.ts';
import { partiesOf, totalVotesOrder, type KieskringLists, type Party } from './persons.ts';

export interface NationalInput {
  readonly category: string;
  readonly seats: number;
  readonly kieskringen: readonly KieskringLists[];
  /** The counts (TotalVotes) of every kieskring, by kieskring number. */
  readonly counts: ReadonlyMap<number, VoteCounts>;
  /** Person keys of deceased candidates, per list number (P 19a). */
  readonly deceased?: ReadonlyMap<number, ReadonlySet<string>>;
  readonly seatLots?: readonly DrawnLot[];
  /** Drawn lots for the candidates, per list number. */
  readonly candidateLots?: ReadonlyMap<number, readonly DrawnCandidateLot[]>;
}

export interface NationalParty {
  readonly party: Party;
  /** List votes over all kieskringen. */
  readonly votes: number;
  /** Votes per person (key) over all kieskringen. */
  readonly personVotes: ReadonlyMap<string, number>;
  /** The party's lists for P 12 (a set of identical lists is one), with the kieskringen of each, ascending. */
  readonly lists: readonly NationalList[];
  readonly seats: number;
  /** For a party with seats. */
  readonly result: PartyResult | null;
}

/** A list of a party at the national level: one kieskring's list, or a set of identical lists (key `set<n>` or `kk<k>`). */
export interface NationalList extends GroupList {
  readonly kieskringen: readonly number[];
}

export interface NationalResult {
  readonly allocation: SeatAllocation;
  readonly parties: readonly NationalParty[];
}

export type NationalOutcome =
  | { readonly kind: 'result'; readonly result: NationalResult }
  | { readonly kind: 'seat-lots'; readonly lot: LotRequired }
  | { readonly kind: 'candidate-lots'; readonly listNumber: number; readonly lot: CandidateLot };

export function nationalResult(input: NationalInput): Result<NationalOutcome> {
  const params = seatParameters(input.category, input.seats);
  if (!params.ok) return params;
  for (const k of input.kieskringen) {
    if (!input.counts.has(k.kieskring)) return fail('seats.missing-counts', `De telling van kieskring ${k.kieskring} ontbreekt.`);
  }
  const byKieskring = new Map(input.kieskringen.map((k) => [k.kieskring, k.lists]));
  const parties = partiesOf(input.kieskringen);
  const built = parties.map((party) => {
    let votes = 0;
    const personVotes = new Map(party.persons.map((p) => [p.key, 0]));
    const lists = new Map<string, { key: string; kieskring: number; kieskringen: number[]; votes: number; candidates: { person: string; votes: number }[] }>();
    const keyOf = new Map<string, string>(); // kieskring/position -> person key
    for (const p of party.persons) for (const pl of p.placements) keyOf.set(`${pl.kieskring}/${pl.position}`, p.key);
    for (const k of party.kieskringen) {
      const aff = byKieskring.get(k)!.affiliations.find((a) => a.listNumber === party.listNumber)!;
      const counted = input.counts.get(k)!.lists.find((l) => l.listNumber === party.listNumber);
      const byPosition = new Map((counted?.candidates ?? []).map((c) => [c.position, c.votes]));
      votes += counted?.total ?? 0;
      const key = aff.belongsToSet !== null ? `set${aff.belongsToSet}` : `kk${k}`;
      let gl = lists.get(key);
      if (gl === undefined) {
        gl = { key, kieskring: k, kieskringen: [], votes: 0, candidates: aff.candidates.map((c) => ({ person: keyOf.get(`${k}/${c.position}`)!, votes: 0 })) };
        lists.set(key, gl);
      }
      gl.kieskringen.push(k);
      gl.votes += counted?.total ?? 0;
      for (const c of aff.candidates) {
        const person = keyOf.get(`${k}/${c.position}`)!;
        const v = byPosition.get(c.position) ?? 0;
        personVotes.set(person, personVotes.get(person)! + v);
        const entry = gl.candidates.find((x) => x.person === person);
        if (entry) entry.votes += v;
      }
    }
    return { party, votes, personVotes, lists: [...lists.values()] };
  });

  const alloc = allocateSeats({
    seats: input.seats,
    lists: built.map((b) => ({ id: String(b.party.listNumber), votes: b.votes, candidates: b.party.persons.length - (input.deceased?.get(b.party.listNumber)?.size ?? 0) })),
    parameters: params.value,
    lots: input.seatLots ?? [],
  });
  if (!alloc.ok) return alloc;
  if (alloc.value.kind === 'lots') return ok({ kind: 'seat-lots', lot: alloc.value.lot });
  const allocation = alloc.value.allocation;

  const out: NationalParty[] = [];
  for (const [i, b] of built.entries()) {
    const seats = allocation.lists[i]!.seats;
    let result: PartyResult | null = null;
    if (seats > 0) {
      const r = electCandidates({
        seats,
        lists: b.lists,
        quota: allocation.quota,
        preferenceThreshold: params.value.preferenceThreshold,
        deceased: input.deceased?.get(b.party.listNumber) ?? new Set(),
        lots: input.candidateLots?.get(b.party.listNumber) ?? [],
      });
      if (!r.ok) return r;
      if (r.value.kind === 'lots') return ok({ kind: 'candidate-lots', listNumber: b.party.listNumber, lot: r.value.lot });
      result = r.value.result;
    }
    out.push({ ...b, seats, result });
  }
  return ok({ kind: 'result', result: { allocation, parties: out } });
}

/**
 * A party's elected candidates in the order of the EML 520 (and of the proces-verbaal and the CSV):
 * first the preference-elected (P 15) in order of election, then the others in the order of the
 * 510d TotalVotes (persons.ts `totalVotesOrder`).
 */
export function electedInOrder(p: Pick<NationalParty, 'party' | 'result'>): ElectedCandidate[] {
  if (p.result === null) return [];
  const order = new Map(totalVotesOrder(p.party.persons).map((x, i) => [x.key, i]));
  const rank = (e: ElectedCandidate): number => order.get(e.person) ?? Number.MAX_SAFE_INTEGER;
  return [...p.result.elected.filter((e) => e.ranking === 1), ...p.result.elected.filter((e) => e.ranking === 2).sort((a, b) => rank(a) - rank(b))];
}
