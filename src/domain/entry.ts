/**
 * One data entry of a municipality's totals (docs/entry.md): the fields of the municipality's PV
 * as typed (or imported). Fields may be empty (null) while the typist works: an empty field is never
 * silently a number. Converting a complete entry to `VoteCounts` gives the EML/aggregation form.
 */

import type { CandidateLists } from './election.ts';
import type { UncountedEntry, VoteCounts } from './counts.ts';
import { uncountedValue } from './counts.ts';

export type Num = number | null;

/** The scalar fields of the form, with their PV letters. */
export const SCALAR_FIELDS = [
  { key: 'Z', label: 'Aantal kiesgerechtigden', reason: null },
  { key: 'A', label: 'Geldige stempassen', reason: 'geldige stempassen' },
  { key: 'B', label: 'Geldige volmachtbewijzen', reason: 'geldige volmachtbewijzen' },
  { key: 'C', label: 'Geldige kiezerspassen', reason: 'geldige kiezerspassen' },
  { key: 'D', label: 'Toegelaten kiezers (A + B + C)', reason: 'toegelaten kiezers' },
  { key: 'E', label: 'Totaal geldige stemmen op lijsten', reason: null },
  { key: 'F', label: 'Blanco stemmen', reason: null },
  { key: 'G', label: 'Ongeldige stemmen', reason: null },
  { key: 'H', label: 'Aangetroffen stembiljetten (E + F + G)', reason: null },
  { key: 'I', label: 'Meer getelde stembiljetten', reason: 'meer getelde stembiljetten' },
  { key: 'J', label: 'Minder getelde stembiljetten', reason: 'minder getelde stembiljetten' },
  { key: 'K', label: 'Meegenomen stembiljetten', reason: 'meegenomen stembiljetten' },
  { key: 'L', label: 'Te weinig uitgereikte stembiljetten', reason: 'te weinig uitgereikte stembiljetten' },
  { key: 'M', label: 'Te veel uitgereikte stembiljetten', reason: 'te veel uitgereikte stembiljetten' },
  { key: 'N', label: 'Geen verklaring', reason: 'geen verklaring' },
  { key: 'O', label: 'Andere verklaring', reason: 'andere verklaring' },
  { key: 'P1', label: 'Kwijtgeraakte stembiljetten', reason: 'kwijtgeraakte stembiljetten' },
  { key: 'P2', label: 'Te veel briefstembiljetten', reason: 'te veel briefstembiljetten' },
  { key: 'P3', label: 'Geen briefstembiljetten', reason: 'geen briefstembiljetten' },
] as const;

export type ScalarKey = (typeof SCALAR_FIELDS)[number]['key'];

/** Fields that must be filled in (0 typed explicitly) before an entry can be completed. */
export const REQUIRED_SCALARS: readonly ScalarKey[] = ['Z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];
/** The "differences" section (I..O and the postal reasons): empty counts as 0. */
export const DIFFERENCE_SCALARS: readonly ScalarKey[] = ['I', 'J', 'K', 'L', 'M', 'N', 'O', 'P1', 'P2', 'P3'];

export interface ListEntry {
  readonly listNumber: number;
  readonly total: Num;
  /** Votes by candidate, index = position - 1. */
  readonly candidates: readonly Num[];
}

export interface EntryForm {
  readonly scalars: Readonly<Record<ScalarKey, Num>>;
  readonly lists: readonly ListEntry[];
}

/** Field ids used by checks and the UI: 'Z', 'A', ..., 'list.3', 'list.3.7' (list 3, candidate 7). */
export type FieldId = string;

export function listFieldId(listNumber: number): FieldId {
  return `list.${listNumber}`;
}

export function candidateFieldId(listNumber: number, position: number): FieldId {
  return `list.${listNumber}.${position}`;
}

/** Largest number accepted in any field: far above any real municipality or kieskring. */
export const MAX_COUNT = 999_999_999;

export function isValidCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= MAX_COUNT;
}

/** An empty form of the shape of the candidate lists (every field empty). */
export function emptyForm(lists: Pick<CandidateLists, 'affiliations'>): EntryForm {
  const scalars = Object.fromEntries(SCALAR_FIELDS.map((f) => [f.key, null])) as Record<ScalarKey, Num>;
  return {
    scalars,
    lists: lists.affiliations.map((a) => ({
      listNumber: a.listNumber,
      total: null,
      candidates: a.candidates.map(() => null),
    })),
  };
}

/** Does the form have exactly the lists and candidates of the candidate lists? */
export function formMatchesLists(form: EntryForm, lists: Pick<CandidateLists, 'affiliations'>): boolean {
  if (form.lists.length !== lists.affiliations.length) return false;
  return lists.affiliations.every((a, i) => {
    const l = form.lists[i];
    return l !== undefined && l.listNumber === a.listNumber && l.candidates.length === a.candidates.length;
  });
}

/**
 * The fields that must be filled in but are empty, in form order. `optional`: required scalars that
 * this kind of unit may leave empty (a polling station's PV has no Z: the gemeente's eligible voters
 * are entered once for the whole municipality).
 */
export function emptyRequiredFields(form: EntryForm, optional: readonly ScalarKey[] = []): FieldId[] {
  const out: FieldId[] = [];
  for (const k of REQUIRED_SCALARS) if (form.scalars[k] === null && !optional.includes(k)) out.push(k);
  for (const l of form.lists) {
    if (l.total === null) out.push(listFieldId(l.listNumber));
    l.candidates.forEach((v, i) => {
      if (v === null) out.push(candidateFieldId(l.listNumber, i + 1));
    });
  }
  return out;
}

/** Fields holding a value that is not a whole number in [0, MAX_COUNT]. */
export function invalidFields(form: EntryForm): FieldId[] {
  const out: FieldId[] = [];
  for (const f of SCALAR_FIELDS) {
    const v = form.scalars[f.key];
    if (v !== null && !isValidCount(v)) out.push(f.key);
  }
  for (const l of form.lists) {
    if (l.total !== null && !isValidCount(l.total)) out.push(listFieldId(l.listNumber));
    l.candidates.forEach((v, i) => {
      if (v !== null && !isValidCount(v)) out.push(candidateFieldId(l.listNumber, i + 1));
    });
  }
  return out;
}

/**
 * The four-eyes comparison of one scalar: an empty scalar and 0 are the same answer (the paper's box
 * left blank or holding 0), so a typist who types 0 where the other left the box empty (or where the
 * signed count file leaves the reason out) agrees with them. Which of the two the documents then
 * write is decided once, in `agreedOf`.
 */
export function sameScalar(a: Num, b: Num): boolean {
  return (a ?? 0) === (b ?? 0);
}

/** Field-by-field differences between two entries (for W.001 and the side-by-side view). */
export function differingFields(a: EntryForm, b: EntryForm): FieldId[] {
  const out: FieldId[] = [];
  for (const f of SCALAR_FIELDS) if (!sameScalar(a.scalars[f.key], b.scalars[f.key])) out.push(f.key);
  const bLists = new Map(b.lists.map((l) => [l.listNumber, l]));
  for (const la of a.lists) {
    const lb = bLists.get(la.listNumber);
    if (lb === undefined || la.total !== lb.total) out.push(listFieldId(la.listNumber));
    const n = Math.max(la.candidates.length, lb?.candidates.length ?? 0);
    for (let i = 0; i < n; i++) {
      if ((la.candidates[i] ?? null) !== (lb?.candidates[i] ?? null)) out.push(candidateFieldId(la.listNumber, i + 1));
    }
  }
  for (const lb of b.lists) if (!a.lists.some((l) => l.listNumber === lb.listNumber)) out.push(listFieldId(lb.listNumber));
  return out;
}

export function formsEqual(a: EntryForm, b: EntryForm): boolean {
  return differingFields(a, b).length === 0;
}

/**
 * THE agreed form of two entries that `formsEqual` found equal: the one form that the status, W.210,
 * the 510b/510c, the PV and the CSV read (through `agreedForm` in doubleEntry.ts). The two entries can
 * still differ in one way only: a scalar empty in one and 0 in the other (`sameScalar`). The rule:
 * - first entry imported from a signed count file: every scalar exactly as in that file, so the
 *   documents carry what the municipality signed (a reason the file leaves out stays out, whatever
 *   the second typist typed for it);
 * - two typed entries: a scalar is empty only when both typists left it empty.
 * Lists and candidates are strictly equal already.
 */
export function agreedOf(first: { readonly source: 'typed' | 'import'; readonly form: EntryForm }, second: { readonly form: EntryForm }): EntryForm {
  if (first.source === 'import') return first.form;
  const scalars = {} as Record<ScalarKey, Num>;
  for (const f of SCALAR_FIELDS) scalars[f.key] = first.form.scalars[f.key] ?? second.form.scalars[f.key];
  return { scalars, lists: first.form.lists };
}

/**
 * A form as one deterministic text (scalars in form order, then the lists in their order), for the
 * SHA-256 that the audit record of every count action carries: the same form always gives the same
 * text, whatever order its keys arrived in.
 */
export function formCanonicalText(form: EntryForm): string {
  const scalars = SCALAR_FIELDS.map((f) => `${JSON.stringify(f.key)}:${JSON.stringify(form.scalars[f.key] ?? null)}`).join(',');
  const lists = form.lists.map((l) => `{"listNumber":${l.listNumber},"total":${JSON.stringify(l.total)},"candidates":${JSON.stringify(l.candidates)}}`).join(',');
  return `{"scalars":{${scalars}},"lists":[${lists}]}`;
}

/**
 * The counts of a complete form (every required field filled). A reason field that was left empty
 * is absent from the counts (not 0): the writers then decide, per level, which reasons they always
 * write (with 0) and which only when entered (e.g. 'kwijtgeraakte stembiljetten', which only a
 * municipality that counts postal ballots has). Everything typed is kept, 0 included.
 */
export function formToCounts(form: EntryForm): VoteCounts {
  const v = (k: ScalarKey): number => form.scalars[k] ?? 0;
  const uncounted: UncountedEntry[] = [];
  for (const f of SCALAR_FIELDS) {
    const value = form.scalars[f.key];
    if (f.reason !== null && value !== null) uncounted.push({ reason: f.reason, count: value });
  }
  return {
    cast: v('Z'),
    totalCounted: v('E'),
    rejected: { ongeldig: v('G'), blanco: v('F') },
    uncounted,
    lists: form.lists.map((l) => ({
      listNumber: l.listNumber,
      total: l.total ?? 0,
      candidates: l.candidates.map((votes, i) => ({ position: i + 1, votes: votes ?? 0 })),
    })),
  };
}

/**
 * The form for counts read from a count file (510b TotalVotes) in the shape of the candidate lists:
 * H is derived (E + F + G); absent reasons stay empty (null), never an invented number, so
 * `formToCounts(countsToForm(c))` gives back exactly the reasons the file carried.
 */
export function countsToForm(counts: VoteCounts, lists: Pick<CandidateLists, 'affiliations'>): EntryForm {
  const scalars = {} as Record<ScalarKey, Num>;
  for (const f of SCALAR_FIELDS) {
    if (f.reason === null) continue;
    scalars[f.key] = uncountedValue(counts, f.reason);
  }
  scalars.Z = counts.cast;
  scalars.E = counts.totalCounted;
  scalars.F = counts.rejected.blanco;
  scalars.G = counts.rejected.ongeldig;
  scalars.H = counts.totalCounted + counts.rejected.blanco + counts.rejected.ongeldig;
  const byList = new Map(counts.lists.map((l) => [l.listNumber, l]));
  return {
    scalars,
    lists: lists.affiliations.map((a) => {
      const l = byList.get(a.listNumber);
      const votes = new Map((l?.candidates ?? []).map((c) => [c.position, c.votes]));
      return {
        listNumber: a.listNumber,
        total: l?.total ?? 0,
        candidates: a.candidates.map((c) => votes.get(c.position) ?? 0),
      };
    }),
  };
}
