/**
 * The report model of PV model O 3, "Proces-verbaal van het hoofdstembureau" (domain.md §8.2):
 * a plain, JSON-friendly data object with every number and name the PV shows, built from explicit
 * inputs (no clock, no I/O). The renderers (PDF via Typst, ODT) only lay this object out; they
 * compute nothing, so the numbers are tested here once.
 *
 * Sections: 1 election; 2 session (place, date, time as entered; kieskring; eligible voters);
 * 3 votes (valid, blank, invalid; per list: position, candidate name, votes; list total);
 * 4 differences between admitted voters and counted ballots (more/fewer, explanations K..O);
 * 5 proxy votes (volmachtbewijzen) and voter passes (kiezerspassen); 6 objections (none / see
 * appendix); 7 members of the HSB; 8 signatures. Appendix: the totals per municipality, since the
 * HSB adds up municipalities.
 */

import {
  ballotsFound,
  sumCounts,
  uncountedValue,
  type UncountedReason,
  type VoteCounts,
} from '../../domain/counts.ts';
import { candidateDisplayName, municipalityCode, type Candidate, type CandidateLists, type Gender } from '../../domain/election.ts';
import { formatHash } from '../../domain/hashcode.ts';
import { fail, ok, type Result } from '../../domain/result.ts';
import { reasonsWritten, ruleSetFor, type ElectionRuleSet, type Level } from '../../domain/ruleSets.ts';
import { listNameFor510, type MunicipalityCounts } from '../../eml/eml510write.ts';
import { dutchDate, dutchDateTime, parseCreatedAt, type CreatedAtParts } from '../../domain/dates.ts';

export interface O3Member {
  readonly name: string;
  /** e.g. 'voorzitter', 'plaatsvervangend voorzitter', 'lid'; free text, may be empty. */
  readonly role?: string;
}

/** What every PV (O 3 and the gemeente's) takes besides its numbers: the free text, the EML's hash, the time. */
export interface PvTextInput {
  /** Free text entered in the application (section 2). */
  readonly session: { readonly place: string; readonly date: string; readonly time: string };
  /** Members present (section 7); they sign (section 8). */
  readonly members: readonly O3Member[];
  /** Objections by voters present (section 6): null or blank = none; otherwise the appendix text. */
  readonly objections: string | null;
  /** Other remarks (optional free text, printed after section 6). */
  readonly remarks?: string | null;
  /** SHA-256 (hex) of the PV's EML (510c, or a gemeente's 510b); null for a "Concept" preview (watermark, no hash). */
  readonly emlHash: string | null;
  /** Creation date-time, local, 'yyyy-mm-ddThh:mm:ss' (milliseconds allowed, ignored); injected. */
  readonly createdAt: string;
  /**
   * The audit chain's head when the numbers were gathered (length, hash hex): printed in the footer,
   * so the paper the members sign anchors the audit log. Absent or null: not printed.
   */
  readonly auditHead?: { readonly length: number; readonly hash: string } | null;
}

export interface O3Input extends PvTextInput {
  readonly election: {
    /** e.g. 'TK2021' */
    readonly id: string;
    readonly name: string;
    /** yyyy-mm-dd */
    readonly date: string;
  };
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly candidateLists: CandidateLists;
  /** Every municipality of the kieskring with its (final) count. */
  readonly municipalities: readonly MunicipalityCounts[];
  /**
   * The election's rules (default: chosen from the candidate lists' category and the election
   * date): section 4 shows the explanations the 510c writes (TK2021 also the postal reasons).
   */
  readonly rules?: ElectionRuleSet;
  /** Whose file the PV accompanies (default: the HSB's 510c; a gemeente's PV: its 510b). */
  readonly level?: Level;
}

export interface O3Candidate {
  readonly position: number;
  /** As on the lists: "Ark, T. van (Tamara)", with " (m)"/" (v)"/" (x)" where the list publishes gender. */
  readonly name: string;
  readonly locality: string | null;
  readonly votes: number;
}

export interface O3List {
  readonly listNumber: number;
  /** The registered name, or "Blanco (<last name>, <initials>)" as in the 510c. */
  readonly name: string;
  readonly candidates: readonly O3Candidate[];
  readonly total: number;
}

export interface O3Explanation {
  /** The letter on the PV models (K..O) or '' for the postal/other reasons. */
  readonly letter: string;
  readonly reason: string;
  /** Dutch label as printed. */
  readonly label: string;
  readonly count: number;
}

export interface O3MunicipalityRow {
  /** 4-digit code. */
  readonly code: string;
  readonly name: string;
  /** Z */
  readonly eligible: number;
  /** B, C (null when not in the count) */
  readonly proxies: number | null;
  readonly voterPasses: number | null;
  /** E, F, G, H */
  readonly valid: number;
  readonly blank: number;
  readonly invalid: number;
  readonly ballots: number;
  /** I, J (null when not in the count) */
  readonly more: number | null;
  readonly fewer: number | null;
  /** List totals in the order of `O3Model.lists`. */
  readonly listTotals: readonly number[];
}

/**
 * A count as the official models print it: thousands separated by a point ("230.595", "1.234",
 * "41"). Used by the PV's PDF (the same rule in its Typst template, `num`) and ODT.
 */
export function formatCount(x: number): string {
  const digits = String(Math.abs(x)).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return x < 0 ? `-${digits}` : digits;
}

export interface O3Model {
  readonly title: string;
  /** True for a preview: "Concept" watermark and no hash. */
  readonly concept: boolean;
  /** True in practice mode: "OEFENING" watermark on every page (and in the ODT's page header). */
  readonly practice?: boolean;
  /** The 510c hash as 16 groups of 4 (upper case), or null for a concept. */
  readonly hash: string | null;
  /** 'Auditlog: 123 records, laatste hash ABCD …' or null (see PvTextInput.auditHead). */
  readonly auditLog: string | null;
  /** e.g. '26-03-2021 10:11' */
  readonly createdAt: string;
  /** ISO parts for document metadata. */
  readonly createdAtIso: CreatedAtParts;
  readonly election: { readonly id: string; readonly name: string; readonly date: string; readonly dateText: string };
  readonly session: { readonly place: string; readonly date: string; readonly time: string };
  readonly kieskring: { readonly number: number; readonly name: string };
  /** The municipality (the gemeente's PV only; absent in the HSB's O 3). */
  readonly gemeente?: { readonly code: string; readonly name: string };
  /** Z */
  readonly eligibleVoters: number;
  readonly votes: { readonly valid: number; readonly blank: number; readonly invalid: number; readonly total: number };
  readonly lists: readonly O3List[];
  readonly differences: {
    /** D summed over the municipalities, when every municipality's count carries it; else null. */
    readonly admittedVoters: number | null;
    /** H */
    readonly ballotsFound: number;
    /** I, J */
    readonly more: number;
    readonly fewer: number;
    readonly explanations: readonly O3Explanation[];
    /** Municipalities with I or J > 0, for the reader to look up. */
    readonly municipalities: readonly { readonly code: string; readonly name: string; readonly more: number; readonly fewer: number }[];
  };
  readonly proxies: { readonly proxyVotes: number; readonly voterPasses: number };
  readonly objections: { readonly none: boolean; readonly text: string };
  readonly remarks: string;
  readonly members: readonly { readonly name: string; readonly role: string }[];
  readonly municipalities: readonly O3MunicipalityRow[];
}

/**
 * The fixed texts that differ between the HSB's O 3 and the gemeente's PV (constants, never user
 * text; the `*Expr` and `*Markup` parts are Typst code over the model `d`). The ODT uses the plain
 * parts.
 */
export interface O3Labels {
  /** Above the title, e.g. 'Model O 3'. */
  readonly model: string;
  /** Who sits and signs: 'het hoofdstembureau'. */
  readonly body: string;
  /** '510c' / '510b' (footer: the hash of that file). */
  readonly emlKind: string;
  /** Appendix column heads of a reporting unit: 'Code' + 'Gemeente'. */
  readonly unitCode: string;
  readonly unit: string;
  /** 'Gemeenten' / 'gemeenten' / 'gemeente' (per …). */
  readonly unitsTitle: string;
  readonly unitsLower: string;
  readonly perUnit: string;
  /** Label of the total row of the appendix tables: 'Kieskring'. */
  readonly totalRow: string;
  /** Typst: ' – <area>' after the election name in the document title; the author. */
  readonly areaTitleExpr: string;
  readonly authorExpr: string;
  /** Typst markup: the line under the election name. */
  readonly subtitleMarkup: string;
  /** Typst: the area rows of section 2 (each ending in ",\n"). */
  readonly areaRows: string;
}

export const HSB_LABELS: O3Labels = {
  model: 'Model O 3',
  body: 'het hoofdstembureau',
  emlKind: '510c',
  unitCode: 'Code',
  unit: 'Gemeente',
  unitsTitle: 'Gemeenten',
  unitsLower: 'gemeenten',
  perUnit: 'gemeente',
  totalRow: 'Kieskring',
  areaTitleExpr: '" – kieskring " + str(d.kieskring.number) + " " + d.kieskring.name',
  authorExpr: '"Hoofdstembureau " + d.kieskring.name',
  subtitleMarkup: 'Kieskring #str(d.kieskring.number) #d.kieskring.name',
  areaRows: '  ([Kieskring], [#str(d.kieskring.number) – #d.kieskring.name]),\n',
};

/** Lists per table in the appendix "stemmen per lijst per gemeente" (keeps A4 portrait readable). */
export const LISTS_PER_APPENDIX_TABLE = 8;

export type O3Error = 'o3_onbekende_lijst' | 'o3_onbekende_kandidaat' | 'o3_datum' | 'o3_hash' | 'o3_geen_gemeenten';

const GENDER_MARK: Record<Exclude<Gender, null>, string> = { male: 'm', female: 'v', x: 'x' };

/** Candidate name on the PV: as on the lists, plus the gender where the list publishes it. */
export function o3CandidateName(c: Candidate, publishGender: boolean): string {
  const base = candidateDisplayName(c);
  return publishGender && c.gender !== null ? `${base} (${GENDER_MARK[c.gender]})` : base;
}

/**
 * The explanations of section 4, with their PV letters and printed labels, in order; of these the
 * PV shows those the election's 510c writes (`reasonsWritten`).
 */
export const EXPLANATIONS: readonly (readonly [letter: string, reason: UncountedReason, label: string])[] = [
  ['K', 'meegenomen stembiljetten', 'Kiezers met een stembiljet hebben niet gestemd (meegenomen stembiljetten)'],
  ['L', 'te weinig uitgereikte stembiljetten', 'Er zijn te weinig stembiljetten uitgereikt'],
  ['M', 'te veel uitgereikte stembiljetten', 'Er zijn te veel stembiljetten uitgereikt'],
  ['N', 'geen verklaring', 'Geen verklaring'],
  ['O', 'andere verklaring', 'Andere verklaring'],
  ['', 'kwijtgeraakte stembiljetten', 'Kwijtgeraakte stembiljetten'],
  ['', 'te veel briefstembiljetten', 'Te veel briefstembiljetten'],
  ['', 'geen briefstembiljetten', 'Geen briefstembiljetten'],
];

function code4(code: number | string): string {
  return typeof code === 'number' ? municipalityCode(code) : code.padStart(4, '0');
}



/** Build the O 3 report model. Fails (Dutch message) on counts that do not fit the lists or bad dates. */
export function buildO3Model(input: O3Input): Result<O3Model, O3Error> {
  const created = parseCreatedAt(input.createdAt);
  if (created === null) return fail('o3_datum', 'De aanmaakdatum van het proces-verbaal is ongeldig.', input.createdAt);
  const dateText = dutchDate(input.election.date);
  if (dateText === null) return fail('o3_datum', 'De verkiezingsdatum is ongeldig.', input.election.date);
  let hash: string | null = null;
  if (input.emlHash !== null) {
    if (!/^[0-9a-fA-F]{64}$/.test(input.emlHash)) return fail('o3_hash', 'De hashcode van het telbestand is ongeldig.', input.emlHash);
    hash = formatHash(input.emlHash);
  }
  if (input.municipalities.length === 0) {
    return fail('o3_geen_gemeenten', 'Er zijn geen gemeenten met een telling; het proces-verbaal kan niet worden gemaakt.');
  }
  const affs = input.candidateLists.affiliations;
  for (const m of input.municipalities) {
    for (const l of m.counts.lists) {
      const aff = affs.find((a) => a.listNumber === l.listNumber);
      if (aff === undefined) {
        return fail('o3_onbekende_lijst', `${m.name}: lijst ${l.listNumber} staat niet op de kandidatenlijsten.`);
      }
      for (const c of l.candidates) {
        if (!aff.candidates.some((k) => k.position === c.position)) {
          return fail('o3_onbekende_kandidaat', `${m.name}: kandidaat ${c.position} staat niet op lijst ${l.listNumber}.`);
        }
      }
    }
  }

  const munis = [...input.municipalities].sort((a, b) => Number(code4(a.code)) - Number(code4(b.code)));
  const total: VoteCounts = sumCounts(munis.map((m) => m.counts));
  const listTotal = (c: VoteCounts, n: number) => c.lists.find((l) => l.listNumber === n)?.total ?? 0;

  const lists: O3List[] = affs.map((aff) => {
    const lv = total.lists.find((l) => l.listNumber === aff.listNumber);
    const votes = new Map((lv?.candidates ?? []).map((c) => [c.position, c.votes]));
    return {
      listNumber: aff.listNumber,
      name: listNameFor510(aff),
      candidates: aff.candidates.map((c) => ({
        position: c.position,
        name: o3CandidateName(c, aff.publishGender),
        locality: c.locality,
        votes: votes.get(c.position) ?? 0,
      })),
      total: lv?.total ?? 0,
    };
  });

  const value = (c: VoteCounts, r: string) => uncountedValue(c, r);
  const everyHasD = munis.every((m) => value(m.counts, 'toegelaten kiezers') !== null);
  const rules = input.rules ?? ruleSetFor({ category: input.candidateLists.electionCategory, date: input.election.date });
  const written = reasonsWritten(rules, input.level ?? 'hsb510c', munis.map((m) => m.counts));
  const explanations: O3Explanation[] = EXPLANATIONS.filter(([, reason]) => written.includes(reason)).map(([letter, reason, label]) => ({ letter, reason, label, count: value(total, reason) ?? 0 }));

  const rows: O3MunicipalityRow[] = munis.map((m) => ({
    code: code4(m.code),
    name: m.name,
    eligible: m.counts.cast,
    proxies: value(m.counts, 'geldige volmachtbewijzen'),
    voterPasses: value(m.counts, 'geldige kiezerspassen'),
    valid: m.counts.totalCounted,
    blank: m.counts.rejected.blanco,
    invalid: m.counts.rejected.ongeldig,
    ballots: ballotsFound(m.counts),
    more: value(m.counts, 'meer getelde stembiljetten'),
    fewer: value(m.counts, 'minder getelde stembiljetten'),
    listTotals: affs.map((a) => listTotal(m.counts, a.listNumber)),
  }));

  const objectionText = (input.objections ?? '').trim();
  return ok({
    title: 'Proces-verbaal van het hoofdstembureau',
    concept: hash === null,
    hash,
    auditLog:
      input.auditHead && /^[0-9a-fA-F]{64}$/.test(input.auditHead.hash)
        ? `Auditlog: ${input.auditHead.length} records, laatste hash ${formatHash(input.auditHead.hash)}`
        : null,
    createdAt: dutchDateTime(created),
    createdAtIso: created,
    election: { id: input.election.id, name: input.election.name, date: input.election.date, dateText },
    session: { place: input.session.place, date: input.session.date, time: input.session.time },
    kieskring: { number: input.kieskring.number, name: input.kieskring.name },
    eligibleVoters: total.cast,
    votes: {
      valid: total.totalCounted,
      blank: total.rejected.blanco,
      invalid: total.rejected.ongeldig,
      total: ballotsFound(total),
    },
    lists,
    differences: {
      admittedVoters: everyHasD ? (value(total, 'toegelaten kiezers') ?? 0) : null,
      ballotsFound: ballotsFound(total),
      more: value(total, 'meer getelde stembiljetten') ?? 0,
      fewer: value(total, 'minder getelde stembiljetten') ?? 0,
      explanations,
      municipalities: rows
        .filter((r) => (r.more ?? 0) > 0 || (r.fewer ?? 0) > 0)
        .map((r) => ({ code: r.code, name: r.name, more: r.more ?? 0, fewer: r.fewer ?? 0 })),
    },
    proxies: {
      proxyVotes: value(total, 'geldige volmachtbewijzen') ?? 0,
      voterPasses: value(total, 'geldige kiezerspassen') ?? 0,
    },
    objections: { none: objectionText === '', text: objectionText },
    remarks: (input.remarks ?? '').trim(),
    members: input.members.map((m) => ({ name: m.name, role: m.role ?? '' })),
    municipalities: rows,
  });
}
