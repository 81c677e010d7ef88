/**
 * The count of one reporting unit (polling station, municipality, kieskring): the numbers of a
 * PV as carried by an EML 510 vote block (domain.md §5.2). Pure data and arithmetic; no I/O.
 *
 * EML 510 (schema 510-count-kiesraad-strict.xsd) makes `Cast`, `TotalCounted` and both
 * `RejectedVotes` (ongeldig, blanco) mandatory, and every `UncountedVotes` reason optional
 * (0..14). So presence is only meaningful for the uncounted reasons: `uncounted` holds exactly
 * the reasons present, in order; an absent reason is simply not in the list (which is not the
 * same as a reason present with 0).
 */

import { listSumMessage, validVotesMessage } from './sums.ts';
import { fail, ok, type Result } from './result.ts';

/** The UncountedVotes reason codes of EML 510, in the canonical order in which OSV writes them. */
export const UNCOUNTED_REASONS = [
  'geldige stempassen', // A
  'geldige volmachtbewijzen', // B
  'geldige kiezerspassen', // C
  'toegelaten kiezers', // D
  'meer getelde stembiljetten', // I
  'minder getelde stembiljetten', // J
  'meegenomen stembiljetten', // K
  'te weinig uitgereikte stembiljetten', // L
  'te veel uitgereikte stembiljetten', // M
  'geen verklaring', // N
  'andere verklaring', // O
  'kwijtgeraakte stembiljetten',
  'te veel briefstembiljetten',
  'geen briefstembiljetten',
] as const;

export type UncountedReason = (typeof UNCOUNTED_REASONS)[number];

export function isUncountedReason(s: string): s is UncountedReason {
  return (UNCOUNTED_REASONS as readonly string[]).includes(s);
}

export interface CandidateVotes {
  /** CandidateIdentifier@Id: the position on the list (1-based). */
  readonly position: number;
  readonly votes: number;
}

export interface ListVotes {
  /** AffiliationIdentifier@Id. */
  readonly listNumber: number;
  /** The list total (E.n). */
  readonly total: number;
  /** In position order as read/entered; may omit candidates (an omitted candidate counts as 0). */
  readonly candidates: readonly CandidateVotes[];
}

export interface UncountedEntry {
  readonly reason: string;
  readonly count: number;
}

export interface VoteCounts {
  /** Z: kiesgerechtigden (EML `Cast`). */
  readonly cast: number;
  /** E: total valid votes on lists (EML `TotalCounted`). */
  readonly totalCounted: number;
  /** G and F (EML `RejectedVotes`, written ongeldig then blanco). */
  readonly rejected: { readonly ongeldig: number; readonly blanco: number };
  /** The UncountedVotes present, in order (an ordered map reason → number, JSON friendly). */
  readonly uncounted: readonly UncountedEntry[];
  readonly lists: readonly ListVotes[];
}

/** The value of an uncounted reason, or null when the reason is absent. */
export function uncountedValue(counts: VoteCounts, reason: string): number | null {
  const e = counts.uncounted.find((u) => u.reason === reason);
  return e === undefined ? null : e.count;
}

/** H: aangetroffen stembiljetten = E + F + G. */
export function ballotsFound(counts: VoteCounts): number {
  return counts.totalCounted + counts.rejected.blanco + counts.rejected.ongeldig;
}

/** An all-zero count with the given reasons present (0) and the lists/candidates of a shape. */
export function emptyCounts(
  lists: readonly { listNumber: number; candidates: readonly { position: number }[] }[],
  reasons: readonly string[] = [],
): VoteCounts {
  return {
    cast: 0,
    totalCounted: 0,
    rejected: { ongeldig: 0, blanco: 0 },
    uncounted: reasons.map((reason) => ({ reason, count: 0 })),
    lists: lists.map((l) => ({
      listNumber: l.listNumber,
      total: 0,
      candidates: l.candidates.map((c) => ({ position: c.position, votes: 0 })),
    })),
  };
}

/**
 * Sort reasons: the known ones in canonical order, unknown ones after them alphabetically
 * (a deterministic, input-order independent order).
 */
export function orderReasons(reasons: Iterable<string>): string[] {
  const set = new Set(reasons);
  const known = UNCOUNTED_REASONS.filter((r) => set.has(r));
  const unknown = [...set].filter((r) => !isUncountedReason(r)).sort();
  return [...known, ...unknown];
}

/**
 * The sum of several counts (e.g. a kieskring = the sum of its municipalities; a municipality = the
 * sum of its polling stations, except `cast`, which a polling station does not report).
 * A reason present in any unit is present in the sum (absent counts as 0); lists and candidates
 * are matched by number/position and come out sorted. Associative and commutative.
 */
export function sumCounts(units: readonly VoteCounts[]): VoteCounts {
  let cast = 0;
  let totalCounted = 0;
  let ongeldig = 0;
  let blanco = 0;
  const uncounted = new Map<string, number>();
  const lists = new Map<number, { total: number; candidates: Map<number, number> }>();
  for (const u of units) {
    cast += u.cast;
    totalCounted += u.totalCounted;
    ongeldig += u.rejected.ongeldig;
    blanco += u.rejected.blanco;
    for (const e of u.uncounted) uncounted.set(e.reason, (uncounted.get(e.reason) ?? 0) + e.count);
    for (const l of u.lists) {
      let acc = lists.get(l.listNumber);
      if (acc === undefined) {
        acc = { total: 0, candidates: new Map() };
        lists.set(l.listNumber, acc);
      }
      acc.total += l.total;
      for (const c of l.candidates) acc.candidates.set(c.position, (acc.candidates.get(c.position) ?? 0) + c.votes);
    }
  }
  return {
    cast,
    totalCounted,
    rejected: { ongeldig, blanco },
    uncounted: orderReasons(uncounted.keys()).map((reason) => ({ reason, count: uncounted.get(reason) ?? 0 })),
    lists: [...lists.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([listNumber, acc]) => ({
        listNumber,
        total: acc.total,
        candidates: [...acc.candidates.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(([position, votes]) => ({ position, votes })),
      })),
  };
}

/**
 * A count in normal form: lists by number, candidates by position, reasons in canonical order.
 * Two counts with the same numbers have equal normal forms (useful to compare counts).
 */
export function normalizeCounts(c: VoteCounts): VoteCounts {
  return sumCounts([c]);
}

export type CountProblemCode = 'F.202' | 'F.402' | 'dubbele_lijst' | 'dubbele_kandidaat';

export interface CountProblem {
  readonly code: CountProblemCode;
  /** Dutch, for the user. */
  readonly message: string;
  readonly listNumber?: number;
}

/**
 * The arithmetic consistency checks used at import (domain.md §5.4): no list or candidate twice;
 * per list the candidates add up to the list total (F.402); the list totals add up to
 * `TotalCounted` (F.202). Returns every problem found, in list order.
 */
export function arithmeticProblems(c: VoteCounts): CountProblem[] {
  const problems: CountProblem[] = [];
  const seenLists = new Set<number>();
  let sumLists = 0;
  for (const l of c.lists) {
    if (seenLists.has(l.listNumber)) {
      problems.push({ code: 'dubbele_lijst', message: `Lijst ${l.listNumber} komt twee keer voor.`, listNumber: l.listNumber });
    }
    seenLists.add(l.listNumber);
    sumLists += l.total;
    const seen = new Set<number>();
    let sum = 0;
    for (const cand of l.candidates) {
      if (seen.has(cand.position)) {
        problems.push({
          code: 'dubbele_kandidaat',
          message: `Kandidaat ${cand.position} van lijst ${l.listNumber} komt twee keer voor.`,
          listNumber: l.listNumber,
        });
      }
      seen.add(cand.position);
      sum += cand.votes;
    }
    if (sum !== l.total) {
      problems.push({
        code: 'F.402',
        message: listSumMessage(l.listNumber, l.total, sum),
        listNumber: l.listNumber,
      });
    }
  }
  if (sumLists !== c.totalCounted) {
    problems.push({
      code: 'F.202',
      message: validVotesMessage(c.totalCounted, sumLists),
    });
  }
  return problems;
}

/** `arithmeticProblems` as a Result: ok with the counts, or one failure naming every problem. */
export function checkArithmetic(c: VoteCounts, unitName?: string): Result<VoteCounts, 'telling_klopt_niet'> {
  const problems = arithmeticProblems(c);
  if (problems.length === 0) return ok(c);
  const where = unitName ? ` (${unitName})` : '';
  return fail(
    'telling_klopt_niet',
    `De telling${where} klopt niet: ${problems.map((p) => p.message).join(' ')}`,
    problems.map((p) => p.code).join(','),
  );
}
