/** Reading the real EML files of ../shared/eml in tests (a read failure fails the test). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { CandidateLists } from '../../src/domain/election.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readEml510, type Eml510 } from '../../src/eml/eml510read.ts';
import { eml } from './paths.ts';

/** The candidate lists (230b) of a file. */
export function readListsFile(file: string): CandidateLists {
  const r = readCandidateLists(readFileSync(file));
  if (!r.ok) assert.fail(`${file}: ${r.message}`);
  return r.value;
}

/** The count (510) of a file. */
export async function readCountFile(file: string): Promise<Eml510> {
  const r = await readEml510(readFileSync(file));
  if (!r.ok) assert.fail(`${file}: ${r.message}`);
  return r.value;
}

/**
 * Candidate lists in the shape of a count file, for when no 230b is available (TK2023): list
 * numbers, names and candidate positions from the 510 itself; type, gender and locality empty, the
 * candidates' names from `candidateName` (default: empty initials and last name).
 */
export function listsFromCount(
  v: Eml510,
  election: { readonly id: string; readonly name: string; readonly date: string },
  candidateName: (position: number) => { readonly initials: string; readonly lastName: string } = () => ({ initials: '', lastName: '' }),
): CandidateLists {
  return {
    electionId: election.id,
    electionName: election.name,
    electionCategory: 'TK',
    electionDate: election.date,
    contestId: v.header.contest.id,
    contestName: v.header.contest.name!,
    affiliations: v.total!.lists.map((l) => ({
      listNumber: l.listNumber,
      registeredName: v.listNames.find((n) => n.listNumber === l.listNumber)!.name,
      type: '',
      publishGender: false,
      belongsToSet: null,
      candidates: l.candidates.map((c) => {
        const { initials, lastName } = candidateName(c.position);
        return { position: c.position, initials, firstName: null, prefix: null, lastName, gender: null, locality: null };
      }),
    })),
  };
}

const ELECTION_2023 = { id: 'TK2023', name: 'Tweede Kamer der Staten-Generaal 2023', category: 'TK', subcategory: 'TK', date: '2023-11-22' } as const;
const ELECTION_2025 = { id: 'TK2025', name: 'Tweede Kamer der Staten-Generaal 2025', category: 'TK', subcategory: 'TK', date: '2025-10-29' } as const;

/**
 * The real gemeente count files (510b) the writer is checked against:
 * [label, file, election, candidate lists file (null: none available, see listsFromCount), municipality].
 */
export const REAL_GEMEENTE_COUNTS = [
  ['tk2025 West Maas en Waal', eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml'), ELECTION_2025, eml('tk2025', 'Kandidatenlijsten_TK2025_Nijmegen.eml.xml'), { code: 668, name: 'West Maas en Waal' }],
  ['tk2023 Aa en Hunze', eml('tk2023', 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml'), ELECTION_2023, null, { code: 1680, name: 'Aa en Hunze' }],
] as const;

/** The text of an EML file with its kr:CreationDateTime emptied (the one value that differs between runs). */
export const WITHOUT_TIME = (b: Buffer | string): string =>
  (typeof b === 'string' ? b : b.toString('utf8')).replace(/<kr:CreationDateTime>[^<]*<\/kr:CreationDateTime>/, '<kr:CreationDateTime></kr:CreationDateTime>');

/** Equal strings, or a short description of the first difference (no megabyte dumps). */
export function firstDifference(a: string, b: string): string | null {
  if (a === b) return null;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `differ at ${i} (lengths ${a.length}/${b.length}): ours …${a.slice(Math.max(0, i - 200), i + 120)}… official …${b.slice(Math.max(0, i - 200), i + 120)}…`;
}
