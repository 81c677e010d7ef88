/**
 * The rules that differ between elections of the same kind (docs/entry.md, docs/files.md): which
 * fields of the municipality's PV an election has, and which UncountedVotes reason codes each level
 * writes into its EML 510, in which order. One table per rule set; the election (its category and
 * date, as read from the 110a) chooses the table. Nothing else in the program asks which election it
 * is: the entry form, the checks' input, the 510b/510c writers, the CSV and the PV O 3 read the table.
 *
 * Where the tables come from (the real files in ../shared/eml, nothing file-specific):
 * - TK2021 (17 March 2021, under the temporary covid-19 law: postal voting for voters of 70 and
 *   older): the 7 official kieskring files write B, C, I..O, then 'te veel briefstembiljetten' and
 *   'geen briefstembiljetten' in every block; 'kwijtgeraakte stembiljetten' only where a municipality
 *   entered it (only 's-Gravenhage), between 'andere verklaring' and the postal reasons.
 * - TK2023 (22 November 2023) and TK2025 (29 October 2025): the temporary measures are gone. The
 *   TK2023 kieskring file (Amsterdam) writes B, C, I..O; the municipal files (TK2023 Aa en Hunze,
 *   TK2025 West Maas en Waal) write A, B, C, D, I..O. No postal reasons anywhere.
 * - Every level never writes what the table leaves out: a 510c carries neither A (geldige
 *   stempassen) nor D (toegelaten kiezers), although the HSB enters both (they enable F.201, F.312).
 */

import type { UncountedReason } from './counts.ts';
import type { ScalarKey } from './entry.ts';

/** 'always': in every vote block, 0 when not entered; 'when_entered': only when some block carries it. */
export type ReasonPresence = 'always' | 'when_entered';

export interface ReasonRule {
  readonly reason: UncountedReason;
  readonly written: ReasonPresence;
}

export interface ElectionRuleSet {
  /** The election whose rules these are first, e.g. 'TK2023' (also for later elections under the same rules). */
  readonly id: string;
  /** Dutch, for the screen. */
  readonly description: string;
  /** The fields of the entry form (keys of SCALAR_FIELDS) the election has, in form order. */
  readonly fields: readonly ScalarKey[];
  /** The reasons of a gemeente's 510b (TotalVotes and every polling station), in the order written. */
  readonly gemeente510b: readonly ReasonRule[];
  /** The reasons of an HSB's 510c (TotalVotes and every municipality), in the order written. */
  readonly hsb510c: readonly ReasonRule[];
}

const always = (...reasons: UncountedReason[]): ReasonRule[] => reasons.map((reason) => ({ reason, written: 'always' }));
const whenEntered = (...reasons: UncountedReason[]): ReasonRule[] => reasons.map((reason) => ({ reason, written: 'when_entered' }));

/** B, C (the admission reasons a 510c carries). */
const ADMISSION_510C = ['geldige volmachtbewijzen', 'geldige kiezerspassen'] as const;
/** A, B, C, D. */
const ADMISSION_510B = ['geldige stempassen', 'geldige volmachtbewijzen', 'geldige kiezerspassen', 'toegelaten kiezers'] as const;
/** I..O. */
const DIFFERENCES = [
  'meer getelde stembiljetten',
  'minder getelde stembiljetten',
  'meegenomen stembiljetten',
  'te weinig uitgereikte stembiljetten',
  'te veel uitgereikte stembiljetten',
  'geen verklaring',
  'andere verklaring',
] as const;

/** TK2021: the temporary covid-19 measures (postal ballots for voters of 70 and older). */
export const TK2021_RULES: ElectionRuleSet = {
  id: 'TK2021',
  description: 'Tweede Kamerverkiezing 2021 (tijdelijke wet verkiezingen covid-19, met briefstemmen)',
  fields: ['Z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P1', 'P2', 'P3'],
  gemeente510b: [
    ...always(...ADMISSION_510B, ...DIFFERENCES),
    ...whenEntered('kwijtgeraakte stembiljetten', 'te veel briefstembiljetten', 'geen briefstembiljetten'),
  ],
  hsb510c: [
    ...always(...ADMISSION_510C, ...DIFFERENCES),
    ...whenEntered('kwijtgeraakte stembiljetten'),
    ...always('te veel briefstembiljetten', 'geen briefstembiljetten'),
  ],
};

/** TK2023 and later (TK2025): no postal reasons. */
export const TK2023_RULES: ElectionRuleSet = {
  id: 'TK2023',
  description: 'Tweede Kamerverkiezing vanaf 2023',
  fields: ['Z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O'],
  gemeente510b: always(...ADMISSION_510B, ...DIFFERENCES),
  hsb510c: always(...ADMISSION_510C, ...DIFFERENCES),
};

/**
 * Which rule set an election follows, by category and election date (inclusive, yyyy-mm-dd; `until`
 * null: open-ended). The first matching row wins. An election that matches no row follows
 * LATEST_RULES (the law as it stands): a new election under the same rules needs no change here.
 */
export const RULE_SET_CHOICE: readonly { readonly category: string; readonly from: string; readonly until: string | null; readonly rules: ElectionRuleSet }[] = [
  { category: 'TK', from: '2021-01-01', until: '2022-12-31', rules: TK2021_RULES },
  { category: 'TK', from: '2023-01-01', until: null, rules: TK2023_RULES },
];

export const LATEST_RULES: ElectionRuleSet = TK2023_RULES;

/** The rule set of an election (category as in the 110a, e.g. 'TK'; date yyyy-mm-dd). */
export function ruleSetFor(election: { readonly category: string; readonly date: string }): ElectionRuleSet {
  const row = RULE_SET_CHOICE.find(
    (r) => r.category === election.category && election.date >= r.from && (r.until === null || election.date <= r.until),
  );
  return row?.rules ?? LATEST_RULES;
}

export type Level = 'gemeente510b' | 'hsb510c';

/** Every reason the election knows at any level (the reasons its municipal count files may carry). */
export function knownReasons(rules: ElectionRuleSet): readonly UncountedReason[] {
  const out: UncountedReason[] = [];
  for (const r of [...rules.gemeente510b, ...rules.hsb510c]) if (!out.includes(r.reason)) out.push(r.reason);
  return out;
}

/**
 * The reasons a level writes in every vote block of its file, in the table's order: the 'always'
 * ones, and a 'when_entered' one when any block carries it. A reason the table does not list (A and
 * D at HSB level) is not written.
 */
export function reasonsWritten(rules: ElectionRuleSet, level: Level, blocks: readonly { readonly uncounted: readonly { readonly reason: string }[] }[]): UncountedReason[] {
  const present = new Set<string>();
  for (const b of blocks) for (const u of b.uncounted) present.add(u.reason);
  return rules[level].filter((r) => r.written === 'always' || present.has(r.reason)).map((r) => r.reason);
}

/** Reasons carried by the blocks that the election does not know (a count that cannot be written). */
export function unknownReasons(rules: ElectionRuleSet, blocks: readonly { readonly uncounted: readonly { readonly reason: string }[] }[]): string[] {
  const known = new Set<string>(knownReasons(rules));
  const out = new Set<string>();
  for (const b of blocks) for (const u of b.uncounted) if (!known.has(u.reason)) out.add(u.reason);
  return [...out].sort();
}

/** Does the election have this form field? */
export function hasField(rules: ElectionRuleSet, key: string): boolean {
  return (rules.fields as readonly string[]).includes(key);
}
