/**
 * From a party's seats to its elected candidates (Kieswet P 12, P 13, P 15-P 18), for a party
 * whose lists may differ per kieskring (a list group) or be identical (a set, which counts as one
 * list here, P 2). Pure and exact; ties that need lots are returned as a value, as in allocate.ts.
 *
 * - P 12 groepskiesdeler = party votes / party seats; each list ⌊votes / groepskiesdeler⌋, the rest
 *   by largest remainders (lot on a tie of more lists than seats), at most the list's candidates
 *   (P 13: a seat a list cannot fill passes on within the group by the same remainders, then by
 *   largest averages).
 * - P 15 a candidate whose votes over all lists of the party are *greater than* the preference
 *   threshold (a fraction of the kiesdeler) is elected, in order of votes, as long as the party
 *   has seats (lot on a tie of more candidates than seats left).
 * - P 16 each of them is placed on the list with a seat left on which they got the most votes
 *   (tie: lowest kieskring); with no seat left on any of their lists, on their best list, and the
 *   seat that P 12 gave last to a list of the group with a seat left moves there (P 16(2)).
 * - P 17/P 18 in rounds: every list's free seats go to its next candidates in list order; a
 *   candidate picked on several lists is placed where they got the most votes (tie: lowest
 *   kieskring), and the other lists pick again, until every seat is filled or no candidate is left.
 *   A free seat of a list whose candidates are all elected (elsewhere) passes to a list of the group
 *   that has candidates left (P 13), by largest averages; a tie there goes to the lowest kieskring
 *   instead of lots (not met in real data; to be checked against the law).
 * - P 19a a deceased candidate is passed over; their votes still count for the list.
 */
import { fail, ok, type Result } from '../result.ts';
import { compare, frac, mul, sub, type Fraction } from './fraction.ts';

export interface GroupList {
  /** Unique within the party, e.g. `set1` or `kk7`. */
  readonly key: string;
  /** The lowest kieskring of the list (ties in P 16/P 18). */
  readonly kieskring: number;
  readonly votes: number;
  /** The list's candidates in list order, with their votes on this list. */
  readonly candidates: readonly { readonly person: string; readonly votes: number }[];
}

export type CandidateStage = 'group-remainders' | 'group-averages' | 'preference';

export interface CandidateLot {
  readonly stage: CandidateStage;
  /** Lists (group stages) or persons (preference) between which the lot is drawn. */
  readonly between: readonly string[];
  /** How many of them the lot designates. */
  readonly seats: number;
}

export interface DrawnCandidateLot {
  readonly stage: CandidateStage;
  readonly between: readonly string[];
  readonly drawn: readonly string[];
}

export interface ElectedCandidate {
  readonly person: string;
  /** 1: by preference votes (P 15), 2: in list order (P 17/P 18). */
  readonly ranking: 1 | 2;
  /** The list on which the candidate is placed. */
  readonly list: string;
  /** The candidate's votes over all lists of the party. */
  readonly votes: number;
}

/** A residual seat of P 12/P 13 within a list group, in the order given. */
export interface GroupStep {
  readonly stage: 'group-remainders' | 'group-averages';
  readonly list: string;
  /** The remainder or average with which the seat was won. */
  readonly value: Fraction;
  readonly byLot: boolean;
}

/** A seat that moved between the lists of a group after P 12: P 16(2) (to a preference-elected candidate's list) or P 13 (a list without candidates left). */
export interface GroupMove {
  readonly rule: 'P 16(2)' | 'P 13';
  readonly from: string;
  readonly to: string;
  /** P 16(2): the candidate for whom the seat moved. */
  readonly person: string | null;
}

/** The division of a list group's seats over its lists (P 12), for the proces-verbaal. */
export interface GroupDivision {
  /** The groepskiesdeler: the group's votes / its seats. */
  readonly quota: Fraction;
  /** ⌊votes / groepskiesdeler⌋ per list (at most its candidates). */
  readonly fullSeats: ReadonlyMap<string, number>;
  readonly steps: readonly GroupStep[];
  readonly moves: readonly GroupMove[];
}

export interface PartyResult {
  /** Seats per list after P 12/P 13 and P 16(2). */
  readonly listSeats: ReadonlyMap<string, number>;
  /** P 12 for a party with more than one list (null: one list, or a set of identical lists). */
  readonly group: GroupDivision | null;
  /** Preference-elected in order of election, then the others in order of assignment. */
  readonly elected: readonly ElectedCandidate[];
  /** Seats no candidate could take (too few living candidates in the party). */
  readonly unfilled: number;
  /** Candidates with votes above the threshold (for P 19), by votes. */
  readonly aboveThreshold: readonly string[];
}

export type PartyOutcome = { readonly kind: 'elected'; readonly result: PartyResult } | { readonly kind: 'lots'; readonly lot: CandidateLot; readonly lotIndex: number };

export interface PartyInput {
  readonly seats: number;
  readonly lists: readonly GroupList[];
  /** The kiesdeler of the election (P 5). */
  readonly quota: Fraction;
  /** P 15: the fraction of the kiesdeler a candidate's votes must exceed. */
  readonly preferenceThreshold: Fraction;
  readonly deceased?: ReadonlySet<string>;
  readonly lots?: readonly DrawnCandidateLot[];
}

type Lots = { used: number; drawn: readonly DrawnCandidateLot[] };

/** The drawn outcome of a lot, or the lot asked for. */
function drawLot(lots: Lots, stage: CandidateStage, between: string[], seats: number): string[] | PartyOutcome | { error: string } {
  const d = lots.drawn[lots.used];
  if (d === undefined) return { kind: 'lots', lot: { stage, between, seats }, lotIndex: lots.used };
  const same = d.stage === stage && d.between.length === between.length && between.every((x) => d.between.includes(x));
  const picked = between.filter((x) => d.drawn.includes(x));
  if (!same || picked.length !== seats || d.drawn.length !== seats) {
    return { error: `De ingevoerde loting ${lots.used + 1} past niet: nodig is een loting (${stage}) tussen ${between.join(', ')} om ${seats}.` };
  }
  lots.used++;
  return picked;
}

export function electCandidates(input: PartyInput): Result<PartyOutcome, 'seats.lot-mismatch' | 'seats.lot-unused' | 'seats.invalid-input'> {
  const lists = input.lists;
  const lots: Lots = { used: 0, drawn: input.lots ?? [] };
  const deceased = input.deceased ?? new Set<string>();
  const S = input.seats;
  if (lists.length === 0 || new Set(lists.map((l) => l.key)).size !== lists.length) {
    return fail('seats.invalid-input', 'Een partij zonder lijsten of met twee keer dezelfde lijst.');
  }
  const eligibleCount = (l: GroupList) => new Set(l.candidates.filter((c) => !deceased.has(c.person)).map((c) => c.person)).size;

  // P 12 / P 13
  const listSeats = new Map(lists.map((l) => [l.key, 0]));
  const rollback: string[] = [];
  let group: { quota: Fraction; fullSeats: Map<string, number>; steps: GroupStep[]; moves: GroupMove[] } | null = null;
  if (lists.length === 1) listSeats.set(lists[0]!.key, S);
  else if (S > 0) {
    const V = lists.reduce((a, l) => a + BigInt(l.votes), 0n);
    if (V === 0n) return fail('seats.invalid-input', 'Een lijstengroep met zetels maar zonder stemmen.');
    const gq = frac(V, S);
    const cap = new Map(lists.map((l) => [l.key, eligibleCount(l)]));
    let left = S;
    for (const l of lists) {
      const f = Math.min(Number((BigInt(l.votes) * BigInt(S)) / V), cap.get(l.key)!);
      listSeats.set(l.key, f);
      left -= f;
    }
    group = { quota: gq, fullSeats: new Map(listSeats), steps: [], moves: [] };
    const steps = group.steps;
    const remainder = (l: GroupList) => sub(frac(l.votes), mul(gq, frac(listSeats.get(l.key)!)));
    const average = (l: GroupList) => frac(l.votes, listSeats.get(l.key)! + 1);
    const rounds: [GroupStep['stage'], (l: GroupList) => Fraction, boolean][] = [
      ['group-remainders', remainder, true],
      ['group-averages', average, false],
    ];
    for (const [stage, value, once] of rounds) {
      const served = new Set<string>();
      while (left > 0) {
        let best: Fraction | null = null;
        let tied: GroupList[] = [];
        for (const l of lists) {
          if (listSeats.get(l.key)! >= cap.get(l.key)! || (once && served.has(l.key))) continue;
          const v = value(l);
          const c = best === null ? 1 : compare(v, best);
          if (c > 0) {
            best = v;
            tied = [l];
          } else if (c === 0) tied.push(l);
        }
        if (best === null) break;
        let chosen: string[];
        let byLot = false;
        if (tied.length <= left) chosen = [tied[0]!.key];
        else {
          const r = drawLot(lots, stage, tied.map((l) => l.key), left);
          if ('error' in r) return fail('seats.lot-mismatch', r.error);
          if (!Array.isArray(r)) return ok(r);
          chosen = r;
          byLot = true;
        }
        for (const key of chosen) {
          listSeats.set(key, listSeats.get(key)! + 1);
          served.add(key);
          rollback.push(key);
          left--;
          steps.push({ stage, list: key, value: best, byLot });
        }
      }
    }
  }

  // votes per person over the party, and per list
  const total = new Map<string, number>();
  const onList = new Map<string, Map<string, number>>();
  for (const l of lists) {
    const m = new Map<string, number>();
    for (const c of l.candidates) {
      total.set(c.person, (total.get(c.person) ?? 0) + c.votes);
      m.set(c.person, (m.get(c.person) ?? 0) + c.votes);
    }
    onList.set(l.key, m);
  }
  const byKey = new Map(lists.map((l) => [l.key, l]));
  /** The list among `keys` with the most votes for the person; tie: lowest kieskring. */
  const bestList = (person: string, keys: string[]): string =>
    keys.reduce((a, b) => {
      const va = onList.get(a)!.get(person)!;
      const vb = onList.get(b)!.get(person)!;
      return vb > va || (vb === va && byKey.get(b)!.kieskring < byKey.get(a)!.kieskring) ? b : a;
    });

  // P 15
  const threshold = mul(input.preferenceThreshold, input.quota);
  const above = [...total.entries()]
    .filter(([p, v]) => !deceased.has(p) && compare(frac(v), threshold) > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([p]) => p);
  const preferred: string[] = [];
  for (let i = 0; i < above.length && preferred.length < S; ) {
    const v = total.get(above[i]!)!;
    let j = i;
    while (j < above.length && total.get(above[j]!) === v) j++;
    const group = above.slice(i, j);
    const room = S - preferred.length;
    if (group.length <= room) preferred.push(...group);
    else {
      const r = drawLot(lots, 'preference', group, room);
      if ('error' in r) return fail('seats.lot-mismatch', r.error);
      if (!Array.isArray(r)) return ok(r);
      preferred.push(...r);
    }
    i = j;
  }

  // P 16
  const placed = new Map(lists.map((l) => [l.key, 0]));
  const free = (key: string) => listSeats.get(key)! - placed.get(key)!;
  const elected: ElectedCandidate[] = [];
  const isElected = new Set<string>();
  for (const p of preferred) {
    const own = lists.filter((l) => onList.get(l.key)!.has(p)).map((l) => l.key);
    const withRoom = own.filter((k) => free(k) > 0);
    let list: string;
    if (withRoom.length > 0) list = bestList(p, withRoom);
    else {
      list = bestList(p, own);
      // P 16(2): the seat P 12 gave last to a list of the group that still has one free moves here
      let from: string | undefined;
      for (let i = rollback.length - 1; i >= 0; i--) {
        if (free(rollback[i]!) > 0) {
          from = rollback[i]!;
          rollback.splice(i, 1);
          break;
        }
      }
      if (from === undefined) {
        // No P 12 residual seat left to withdraw (all were full seats): the free seat of the list with the
        // weakest claim, the lowest votes per seat (tie: the highest kieskring). Not settled by the text of
        // P 16(2) available here.
        const candidatesFrom = lists.filter((l) => free(l.key) > 0);
        if (candidatesFrom.length === 0) return fail('seats.invalid-input', `Geen zetel om toe te wijzen aan voorkeurkandidaat ${p} (P 16 lid 2).`);
        from = candidatesFrom.reduce((a, b) => {
          const c = compare(frac(b.votes, listSeats.get(b.key)!), frac(a.votes, listSeats.get(a.key)!));
          return c < 0 || (c === 0 && b.kieskring > a.kieskring) ? b : a;
        }).key;
      }
      listSeats.set(from, listSeats.get(from)! - 1);
      listSeats.set(list, listSeats.get(list)! + 1);
      group?.moves.push({ rule: 'P 16(2)', from, to: list, person: p });
    }
    placed.set(list, placed.get(list)! + 1);
    isElected.add(p);
    elected.push({ person: p, ranking: 1, list, votes: total.get(p)! });
  }

  // P 17 / P 18
  for (;;) {
    const picks = new Map<string, string[]>();
    for (const l of lists) {
      let n = free(l.key);
      for (const c of l.candidates) {
        if (n <= 0) break;
        if (isElected.has(c.person) || deceased.has(c.person)) continue;
        const a = picks.get(c.person);
        if (a?.includes(l.key)) continue;
        if (a) a.push(l.key);
        else picks.set(c.person, [l.key]);
        n--;
      }
    }
    if (picks.size === 0) {
      // P 13: a free seat of a list without candidates left passes to a list of the group that has some,
      // by largest averages (equal averages: the lowest kieskring)
      const stuck = lists.find((l) => free(l.key) > 0);
      const open = lists.filter((l) => l.candidates.some((c) => !isElected.has(c.person) && !deceased.has(c.person)));
      if (stuck === undefined || open.length === 0) break;
      const to = open.reduce((a, b) => {
        const c = compare(frac(b.votes, listSeats.get(b.key)! + 1), frac(a.votes, listSeats.get(a.key)! + 1));
        return c > 0 || (c === 0 && b.kieskring < a.kieskring) ? b : a;
      });
      listSeats.set(stuck.key, listSeats.get(stuck.key)! - 1);
      listSeats.set(to.key, listSeats.get(to.key)! + 1);
      group?.moves.push({ rule: 'P 13', from: stuck.key, to: to.key, person: null });
      continue;
    }
    for (const [p, keys] of picks) {
      const list = bestList(p, keys);
      placed.set(list, placed.get(list)! + 1);
      isElected.add(p);
      elected.push({ person: p, ranking: 2, list, votes: total.get(p)! });
    }
  }
  if (lots.used < lots.drawn.length) return fail('seats.lot-unused', 'Er is een loting ingevoerd die niet nodig is.');
  const unfilled = S - elected.length;
  return ok({ kind: 'elected', result: { listSeats, group, elected, unfilled, aboveThreshold: above } });
}
