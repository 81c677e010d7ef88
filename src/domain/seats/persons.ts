/**
 * The candidates of a party over all kieskringen, as the centraal stembureau sees them: one person
 * may stand on the lists of several kieskringen (a set of identical lists, P 2, or a list group,
 * P 3) and is one candidate for the preference votes (P 15) and in the EML 510d/520.
 *
 * - A party is a list number (in a TK election the same in every kieskring).
 * - A person is identified within the party by the name fields and the locality (national.md §3.3);
 *   the same person on two parties' lists is two candidates.
 * - The ShortCode (not in the 230b; generated at the CSB, as OSV does) is
 *   letters(last name)[: 14 - letters(initials)] + letters(initials), `letters` keeping Unicode
 *   letters only; assigned in the order kieskring, list number, position; a code already taken
 *   gets the suffix 1, 2, ... Verified on all 20,909 list positions of TK2021.
 * - A person's personal data are those of the lowest-numbered kieskring list on which they stand.
 */
import type { Affiliation, Candidate, CandidateLists } from '../election.ts';

export interface KieskringLists {
  /** The kieskring number (ContestIdentifier of the 230b). */
  readonly kieskring: number;
  readonly lists: CandidateLists;
}

export interface Placement {
  readonly kieskring: number;
  /** The position on that kieskring's list. */
  readonly position: number;
}

export interface Person {
  readonly key: string;
  readonly shortCode: string;
  /** From the lowest-numbered kieskring list on which the person stands. */
  readonly candidate: Candidate;
  /** Every list position of the person in this party, by kieskring. */
  readonly placements: readonly Placement[];
}

export interface Party {
  readonly listNumber: number;
  /** The affiliation as in the lowest-numbered kieskring where the list takes part. */
  readonly affiliation: Affiliation;
  /** The kieskringen where the list takes part, ascending. */
  readonly kieskringen: readonly number[];
  /** In order of first appearance (kieskring, position). */
  readonly persons: readonly Person[];
}

export const SHORT_CODE_LENGTH = 14;

function letters(s: string): string[] {
  return Array.from(s).filter((ch) => /\p{L}/u.test(ch));
}

/** The ShortCode before a clash suffix. */
export function shortCodeBase(c: Pick<Candidate, 'lastName' | 'initials'>): string {
  const initials = letters(c.initials);
  return letters(c.lastName).slice(0, Math.max(0, SHORT_CODE_LENGTH - initials.length)).join('') + initials.join('');
}

/** The identity of a person within a party. */
export function personKey(c: Candidate): string {
  return JSON.stringify([c.lastName, c.prefix ?? '', c.initials, c.firstName ?? '', c.locality ?? '', c.countryCode ?? '']);
}

/** The parties (list numbers ascending) with their persons and ShortCodes. */
export function partiesOf(kieskringen: readonly KieskringLists[]): Party[] {
  const ordered = [...kieskringen].sort((a, b) => a.kieskring - b.kieskring);
  const parties = new Map<number, { affiliation: Affiliation; kieskringen: number[]; persons: Map<string, { shortCode: string; candidate: Candidate; placements: Placement[] }> }>();
  const used = new Set<string>();
  for (const k of ordered) {
    const affiliations = [...k.lists.affiliations].sort((a, b) => a.listNumber - b.listNumber);
    for (const aff of affiliations) {
      let party = parties.get(aff.listNumber);
      if (party === undefined) parties.set(aff.listNumber, (party = { affiliation: aff, kieskringen: [], persons: new Map() }));
      party.kieskringen.push(k.kieskring);
      for (const c of [...aff.candidates].sort((a, b) => a.position - b.position)) {
        const key = personKey(c);
        let p = party.persons.get(key);
        if (p === undefined) {
          const base = shortCodeBase(c);
          let code = base;
          for (let i = 1; used.has(code); i++) code = `${base}${i}`;
          used.add(code);
          party.persons.set(key, (p = { shortCode: code, candidate: c, placements: [] }));
        }
        p.placements.push({ kieskring: k.kieskring, position: c.position });
      }
    }
  }
  return [...parties.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([listNumber, p]) => ({
      listNumber,
      affiliation: p.affiliation,
      kieskringen: p.kieskringen,
      persons: [...p.persons.entries()].map(([key, x]) => ({ key, shortCode: x.shortCode, candidate: x.candidate, placements: x.placements })),
    }));
}

/**
 * The order of a party's candidates in the 510d TotalVotes: by the position on the list of the
 * lowest-numbered kieskring where the person stands, then by ShortCode (code points).
 */
export function totalVotesOrder(persons: readonly Person[]): Person[] {
  const first = (p: Person) => p.placements.reduce((a, b) => (b.kieskring < a.kieskring ? b : a));
  return [...persons].sort((a, b) => {
    const d = first(a).position - first(b).position;
    if (d !== 0) return d;
    return a.shortCode < b.shortCode ? -1 : a.shortCode > b.shortCode ? 1 : 0;
  });
}
