/**
 * Seat allocation over lists (Kieswet hoofdstuk P, §1 "zetelverdeling", as in force since
 * 1 December 2017), in exact rational arithmetic. Pure: no I/O, no randomness; where the law
 * leaves a tie that only lots can break, the result says so (`kind: 'lots'`) and names the lists,
 * and the caller runs the allocation again with the drawn outcome in `lots`.
 *
 * - P 5  kiesdeler = total of the list votes / seats (blank and invalid votes are not list votes).
 * - P 6  full seats = ⌊votes / kiesdeler⌋.
 * - P 7  bodies of `largeBodySeats` (19) seats or more: residual seats one at a time by largest
 *        averages, votes / (seats + 1); with a `residualSeatThreshold` (TK, EP: P 7(2)) a list whose
 *        votes are lower than that fraction of the kiesdeler gets no residual seat.
 * - P 8  smaller bodies: (1) largest remainders for lists with at least `remainderThreshold` (75 %)
 *        of the kiesdeler, one each; (3) then largest averages, at most one seat per list in that
 *        round, all lists taking part; then (only reachable through exhaustion, the law is silent)
 *        plain largest averages, as OSV2020 and Abacus do.
 * - P 9  a list with more than half of the votes but not more than half of the seats gets one
 *        more seat, taken from the list that got the last residual seat (several lists at the
 *        same value of the same round: lots). Applies only if the list has a candidate left.
 * - P 10 a list cannot take more seats than it has candidates (`candidates`): its surplus full
 *        seats join the residual seats, and an exhausted list takes no part in any later round,
 *        so its seats pass on "by continuing the same procedure". Seats no list can take stay
 *        unfilled (`unfilled`).
 * - Ties: lots are drawn only "zo nodig", when more lists are tied than there are seats left
 *        for them in that round (a tie of three lists for three seats gives each one seat).
 *
 * A group of identical lists (P 2) or a list group (P 3) counts as one list here: see
 * `partyLists` to add up its lists first.
 * The order of `lists` never changes a result: ties are decided by lots, not by position.
 * Where OSV2020 and Abacus differ and how this reads the law: docs/seats.md.
 */
import { fail, ok, type Failure, type Result } from '../result.ts';
import { compare, equals, frac, floor, mul, sub, type Fraction } from './fraction.ts';
import type { SeatParameters } from './parameters.ts';

export interface SeatList {
  /** Unique within the allocation (list number, party name, ...). */
  readonly id: string;
  /** List votes (a non-negative integer). */
  readonly votes: number;
  /** The most seats the list can take (P 10): its number of eligible candidates. Absent: no limit. */
  readonly candidates?: number;
}

/** The rounds of the allocation, each of which may need lots. */
export type SeatStage =
  /** P 7: largest averages (bodies of 19 seats or more). */
  | 'averages'
  /** P 8(1): largest remainders, one seat per list. */
  | 'remainders'
  /** P 8(3): largest averages, at most one seat per list in this round. */
  | 'averages-once'
  /** After P 8(3), only through exhaustion: plain largest averages. */
  | 'averages-fallback'
  /** P 9: from which list the absolute-majority seat is taken. */
  | 'absolute-majority';

export type ResidualStage = Exclude<SeatStage, 'absolute-majority'>;

/** A drawn lot, given back to the allocation in the order in which the lots were asked for. */
export interface DrawnLot {
  readonly stage: SeatStage;
  /** The lists between which the lot was drawn (as `LotRequired.between`, in any order). */
  readonly between: readonly string[];
  /**
   * The lists the lot designated: for a residual stage those that get a seat (as many as
   * `LotRequired.seats`), for 'absolute-majority' the one list that gives up its seat.
   */
  readonly drawn: readonly string[];
}

export interface LotRequired {
  readonly stage: SeatStage;
  /** The tied lists, in the order of the input. */
  readonly between: readonly string[];
  /** How many of them the lot designates. */
  readonly seats: number;
  /** The tied remainder or average (for the absolute-majority stage: that of the last residual seat). */
  readonly value: Fraction;
}

export type SeatStep =
  | {
      readonly kind: 'residual';
      readonly stage: ResidualStage;
      readonly listId: string;
      /** The remainder or average with which the seat was won. */
      readonly value: Fraction;
      readonly byLot: boolean;
      /**
       * Every list that took part in this step with its remainder or average, in the order of the
       * input (the proces-verbaal shows the values compared).
       */
      readonly compared: readonly { readonly listId: string; readonly value: Fraction }[];
    }
  | {
      readonly kind: 'absolute-majority';
      readonly to: string;
      readonly from: string;
      readonly byLot: boolean;
    };

export interface ListSeats {
  readonly id: string;
  readonly votes: bigint;
  /** P 6, limited to the number of candidates. */
  readonly fullSeats: number;
  /** Full seats the list could not take for lack of candidates (P 10). */
  readonly surplusFullSeats: number;
  /** Residual seats won in P 7/P 8 (before P 9). */
  readonly residualSeats: number;
  /** The final number of seats (after P 9). */
  readonly seats: number;
  /** Excluded from the residual seats by the threshold (P 7(2)). */
  readonly belowResidualThreshold: boolean;
  /** Has as many seats as candidates. */
  readonly exhausted: boolean;
}

export interface SeatAllocation {
  readonly totalSeats: number;
  readonly totalVotes: bigint;
  /** P 5. */
  readonly quota: Fraction;
  readonly large: boolean;
  readonly lists: readonly ListSeats[];
  /** Residual seats in the order they were given, then the P 9 move if any. */
  readonly steps: readonly SeatStep[];
  /** Seats that no list could take (P 10, all lists exhausted). */
  readonly unfilled: number;
  /** How many drawn lots were used. */
  readonly lotsUsed: number;
}

export type SeatOutcome =
  | { readonly kind: 'allocated'; readonly allocation: SeatAllocation }
  | { readonly kind: 'lots'; readonly lot: LotRequired; /** 0-based: the lot asked for after `lotIndex` drawn ones. */ readonly lotIndex: number };

export type SeatErrorCode = 'seats.invalid-input' | 'seats.no-votes' | 'seats.lot-mismatch' | 'seats.lot-unused';

export interface SeatInput {
  readonly seats: number;
  readonly lists: readonly SeatList[];
  readonly parameters: Pick<SeatParameters, 'largeBodySeats' | 'residualSeatThreshold' | 'remainderThreshold'>;
  /** Drawn outcomes of earlier `kind: 'lots'` results, in order. */
  readonly lots?: readonly DrawnLot[];
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** The allocation of `input.seats` seats over `input.lists`. */
export function allocateSeats(input: SeatInput): Result<SeatOutcome, SeatErrorCode> {
  const { lists, parameters } = input;
  const S = input.seats;
  if (!Number.isSafeInteger(S) || S < 1) return fail('seats.invalid-input', `Ongeldig aantal zetels: ${S}.`);
  const ids = new Set<string>();
  for (const l of lists) {
    if (ids.has(l.id)) return fail('seats.invalid-input', `Lijst ${l.id} komt twee keer voor.`);
    ids.add(l.id);
    if (!isCount(l.votes)) return fail('seats.invalid-input', `Ongeldig aantal stemmen voor lijst ${l.id}: ${l.votes}.`);
    if (l.candidates !== undefined && !isCount(l.candidates)) {
      return fail('seats.invalid-input', `Ongeldig aantal kandidaten voor lijst ${l.id}: ${l.candidates}.`);
    }
  }
  const n = lists.length;
  const votes = lists.map((l) => BigInt(l.votes));
  const V = votes.reduce((a, b) => a + b, 0n);
  if (V === 0n) return fail('seats.no-votes', 'Er zijn geen stemmen op lijsten uitgebracht; de zetels kunnen niet worden verdeeld.');
  const cap = lists.map((l) => l.candidates ?? Number.POSITIVE_INFINITY);
  const quota = frac(V, S);
  const large = S >= parameters.largeBodySeats;
  const drawn = input.lots ?? [];
  let lotsUsed = 0;

  const seats = new Array<number>(n).fill(0);
  const full = new Array<number>(n).fill(0);
  const surplus = new Array<number>(n).fill(0);
  const residual = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const f = Number(floor(frac(votes[i]! * BigInt(S), V)));
    full[i] = Math.min(f, cap[i]!);
    surplus[i] = f - full[i]!;
    seats[i] = full[i]!;
  }
  let left = S - seats.reduce((a, b) => a + b, 0);
  const steps: SeatStep[] = [];
  const canTake = (i: number): boolean => seats[i]! < cap[i]!;
  const average = (i: number): Fraction => frac(votes[i]!, seats[i]! + 1);
  const remainder = (i: number): Fraction => sub(frac(votes[i]!), mul(quota, frac(full[i]!)));
  const threshold = parameters.residualSeatThreshold;
  const belowThreshold = votes.map((v) => large && threshold !== null && compare(frac(v), mul(threshold, quota)) < 0);

  /** The drawn outcome for a lot, a request for it, or a mismatch. */
  function lot(stage: SeatStage, tied: number[], count: number, value: Fraction): number[] | SeatOutcome | Failure<SeatErrorCode> {
    const between = tied.map((i) => lists[i]!.id);
    const d = drawn[lotsUsed];
    if (d === undefined) return { kind: 'lots', lot: { stage, between, seats: count, value }, lotIndex: lotsUsed };
    const sameSet = d.between.length === between.length && between.every((id) => d.between.includes(id));
    const picked = tied.filter((i) => d.drawn.includes(lists[i]!.id));
    if (d.stage !== stage || !sameSet || picked.length !== count || d.drawn.length !== count) {
      return fail(
        'seats.lot-mismatch',
        `De ingevoerde loting ${lotsUsed + 1} past niet: nodig is een loting (${stage}) tussen ${between.join(', ')} om ${count} ${count === 1 ? 'lijst' : 'lijsten'}.`,
        JSON.stringify(d),
      );
    }
    lotsUsed++;
    return picked;
  }

  /** One round of residual seats; returns an outcome or failure when it cannot go on. */
  function round(stage: ResidualStage, eligible: (i: number) => boolean, value: (i: number) => Fraction, once: boolean): SeatOutcome | Failure<SeatErrorCode> | null {
    const served = new Set<number>();
    while (left > 0) {
      let best: Fraction | null = null;
      let tied: number[] = [];
      const compared: { listId: string; value: Fraction }[] = [];
      for (let i = 0; i < n; i++) {
        if (!eligible(i) || !canTake(i) || (once && served.has(i))) continue;
        const v = value(i);
        compared.push({ listId: lists[i]?.id ?? String(i), value: v });
        const c = best === null ? 1 : compare(v, best);
        if (c > 0) {
          best = v;
          tied = [i];
        } else if (c === 0) tied.push(i);
      }
      if (best === null) return null;
      let chosen: number[];
      let byLot = false;
      if (tied.length <= left) chosen = [tied[0]!];
      else {
        const r = lot(stage, tied, left, best);
        if (!Array.isArray(r)) return r;
        chosen = r;
        byLot = true;
      }
      for (const i of chosen) {
        seats[i]!++;
        residual[i]!++;
        left--;
        served.add(i);
        steps.push({ kind: 'residual', stage, listId: lists[i]!.id, value: best, byLot, compared });
      }
    }
    return null;
  }

  const hasVotes = (i: number): boolean => votes[i]! > 0n;
  const rounds: [ResidualStage, (i: number) => boolean, (i: number) => Fraction, boolean][] = large
    ? [['averages', (i) => hasVotes(i) && !belowThreshold[i], average, false]]
    : [
        ['remainders', (i) => hasVotes(i) && compare(frac(votes[i]!), mul(parameters.remainderThreshold, quota)) >= 0, remainder, true],
        ['averages-once', hasVotes, average, true],
        ['averages-fallback', hasVotes, average, false],
      ];
  for (const [stage, eligible, value, once] of rounds) {
    const r = round(stage, eligible, value, once);
    if (r !== null) return 'ok' in r ? r : ok(r);
  }
  const unfilled = left;

  // P 9: absolute majority of the votes, not of the seats.
  for (let a = 0; a < n; a++) {
    if (!(2n * votes[a]! > V && 2 * seats[a]! <= S && canTake(a))) continue;
    const others = steps.filter((s): s is Extract<SeatStep, { kind: 'residual' }> => s.kind === 'residual' && s.listId !== lists[a]!.id);
    const last = others.at(-1);
    if (last === undefined) continue;
    const tiedIds = new Set(others.filter((s) => s.stage === last.stage && equals(s.value, last.value)).map((s) => s.listId));
    const tied = lists.map((_, i) => i).filter((i) => tiedIds.has(lists[i]!.id));
    let from: number;
    let byLot = false;
    if (tied.length === 1) from = tied[0]!;
    else {
      const r = lot('absolute-majority', tied, 1, last.value);
      if (!Array.isArray(r)) return 'ok' in r ? r : ok(r);
      from = r[0]!;
      byLot = true;
    }
    seats[from]!--;
    seats[a]!++;
    steps.push({ kind: 'absolute-majority', to: lists[a]!.id, from: lists[from]!.id, byLot });
  }

  if (lotsUsed < drawn.length) {
    return fail('seats.lot-unused', `Er ${drawn.length - lotsUsed === 1 ? 'is een loting' : 'zijn lotingen'} ingevoerd die niet nodig ${drawn.length - lotsUsed === 1 ? 'is' : 'zijn'}.`);
  }
  return ok({
    kind: 'allocated',
    allocation: {
      totalSeats: S,
      totalVotes: V,
      quota,
      large,
      lists: lists.map((l, i) => ({
        id: l.id,
        votes: votes[i]!,
        fullSeats: full[i]!,
        surplusFullSeats: surplus[i]!,
        residualSeats: residual[i]!,
        seats: seats[i]!,
        belowResidualThreshold: belowThreshold[i]!,
        exhausted: !canTake(i),
      })),
      steps,
      unfilled,
      lotsUsed,
    },
  });
}

export interface PartyList {
  /** The party: lists with the same key form a set of identical lists (P 2) or a list group (P 3). */
  readonly party: string;
  readonly votes: number;
  /** The list's eligible candidates, as person keys (a person on several lists of the party counts once). */
  readonly candidates: readonly string[];
}

/**
 * P 2 and P 3: the lists of a party (identical lists or a list group, e.g. over the kieskringen)
 * count as one list, with the sum of their votes; it can take as many seats as it has distinct
 * candidates. Parties in order of first appearance.
 */
export function partyLists(lists: readonly PartyList[]): SeatList[] {
  const byParty = new Map<string, { votes: number; persons: Set<string> }>();
  for (const l of lists) {
    let p = byParty.get(l.party);
    if (p === undefined) byParty.set(l.party, (p = { votes: 0, persons: new Set() }));
    p.votes += l.votes;
    for (const c of l.candidates) p.persons.add(c);
  }
  return [...byParty].map(([id, p]) => ({ id, votes: p.votes, candidates: p.persons.size }));
}
