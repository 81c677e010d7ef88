/**
 * Writers of EML 510 count files in the exact byte form of the official OSV files
 * (docs/files.md): 510c for a hoofdstembureau (municipalities as reporting units) and 510b
 * for a gemeente (polling stations as reporting units). Output is canonical XML (xmlwriter.ts),
 * so its raw SHA-256 equals its C14N hash.
 *
 * What decides what is written (derived from the 7 official TK2021 510c files and the two real
 * 510b files, nothing file-specific):
 * - Lists and candidates: every affiliation of the candidate lists (230b) in file order, each
 *   followed by every candidate in list order; a list or candidate without votes is written
 *   with 0. A list whose RegisteredName is empty is written as "Blanco (<last name>, <initials>)"
 *   of its first candidate (TK2021 list 30: "Blanco (Zeven, A.J.L.B.)").
 * - Reporting units: 510c by municipality code, 510b by polling-station number.
 * - UncountedVotes reasons (the same set in every block of a file): the election's rule set
 *   (src/domain/ruleSets.ts, chosen from the election's category and date) says which reasons the
 *   level writes and in which order (`reasonsWritten`); a 510c never carries 'geldige stempassen'
 *   nor 'toegelaten kiezers'. A block that lacks a written reason gets 0 for it. A count carrying a
 *   reason the election does not know is refused (never silently dropped).
 * - The TotalVotes of a 510c is the sum of the municipalities (sumCounts), computed here.
 */

import { sumCounts, uncountedValue, type VoteCounts } from '../domain/counts.ts';
import { reasonsWritten, ruleSetFor, unknownReasons, type ElectionRuleSet, type Level } from '../domain/ruleSets.ts';
import { municipalityCode, type Affiliation, type CandidateLists } from '../domain/election.ts';
import { fail, ok, type Result } from '../domain/result.ts';
import { C14N_WITH_COMMENTS } from './c14n.ts';
import { XmlWriter } from './xmlwriter.ts';

export const EML_NAMESPACES: readonly (readonly [string, string])[] = [
  ['xmlns', 'urn:oasis:names:tc:evs:schema:eml'],
  ['xmlns:ds', 'http://www.w3.org/2000/09/xmldsig#'],
  ['xmlns:kr', 'http://www.kiesraad.nl/extensions'],
  ['xmlns:xal', 'urn:oasis:names:tc:ciq:xsdschema:xAL:2.0'],
  ['xmlns:xnl', 'urn:oasis:names:tc:ciq:xsdschema:xNL:2.0'],
];

export interface ElectionIdentifierInput {
  /** e.g. 'TK2021' */
  readonly id: string;
  readonly name: string;
  /** e.g. 'TK' */
  readonly category: string;
  readonly subcategory: string;
  /** yyyy-mm-dd */
  readonly date: string;
}

export interface ReportingUnitInput {
  /** ReportingUnitIdentifier@Id */
  readonly id: string;
  /** ReportingUnitIdentifier text */
  readonly name: string;
  readonly counts: VoteCounts;
}

/** The generic form: everything explicit. */
export interface Eml510Input {
  readonly kind: '510b' | '510c';
  readonly authority: { readonly id: string; readonly name: string };
  /** kr:CreationDateTime, local time with milliseconds, e.g. '2021-03-19T15:11:10.150' (injected). */
  readonly creationDateTime: string;
  readonly election: ElectionIdentifierInput;
  readonly contest: { readonly id: string; readonly name: string };
  readonly candidateLists: CandidateLists;
  readonly total: VoteCounts;
  readonly units: readonly ReportingUnitInput[];
  /** The election's rules and the level of this file: which reasons are written, in which order. */
  readonly rules: ElectionRuleSet;
  readonly level: Level;
}

export type Eml510WriteError =
  | 'telling_onbekende_lijst'
  | 'telling_onbekende_kandidaat'
  | 'telling_dubbel_gebied'
  | 'telling_verkeerde_kieskring'
  | 'telling_onbekende_reden';

/** RegisteredName as written in a 510: the registered name, or "Blanco (<last name>, <initials>)". */
export function listNameFor510(aff: Affiliation): string {
  if (aff.registeredName !== '') return aff.registeredName;
  const first = aff.candidates[0];
  if (first === undefined) return '';
  // Only seen without prefix (TK2021 "Blanco (Zeven, A.J.L.B.)"); with a prefix we follow the
  // "Ark, T. van" convention of candidateDisplayName (unverified against an official file).
  const prefix = first.prefix ? ` ${first.prefix}` : '';
  return `Blanco (${first.lastName}, ${first.initials}${prefix})`;
}

function checkAgainstLists(counts: VoteCounts, lists: CandidateLists, where: string): Result<void, Eml510WriteError> {
  for (const l of counts.lists) {
    const aff = lists.affiliations.find((a) => a.listNumber === l.listNumber);
    if (aff === undefined) {
      return fail('telling_onbekende_lijst', `${where}: lijst ${l.listNumber} staat niet op de kandidatenlijsten.`);
    }
    for (const c of l.candidates) {
      if (!aff.candidates.some((k) => k.position === c.position)) {
        return fail(
          'telling_onbekende_kandidaat',
          `${where}: kandidaat ${c.position} staat niet op lijst ${l.listNumber} van de kandidatenlijsten.`,
        );
      }
    }
  }
  return ok(undefined);
}

function writeVotes(w: XmlWriter, counts: VoteCounts, lists: CandidateLists, names: readonly string[], reasons: readonly string[]): void {
  lists.affiliations.forEach((aff, i) => {
    const lv = counts.lists.find((l) => l.listNumber === aff.listNumber);
    w.open('Selection')
      .open('AffiliationIdentifier', [['Id', String(aff.listNumber)]])
      .leaf('RegisteredName', [], names[i]!)
      .close()
      .leaf('ValidVotes', [], String(lv?.total ?? 0))
      .close();
    const byPosition = new Map((lv?.candidates ?? []).map((c) => [c.position, c.votes]));
    for (const cand of aff.candidates) {
      w.open('Selection')
        .open('Candidate')
        .leaf('CandidateIdentifier', [['Id', String(cand.position)]])
        .close()
        .leaf('ValidVotes', [], String(byPosition.get(cand.position) ?? 0))
        .close();
    }
  });
  w.leaf('Cast', [], String(counts.cast));
  w.leaf('TotalCounted', [], String(counts.totalCounted));
  w.leaf('RejectedVotes', [['ReasonCode', 'ongeldig']], String(counts.rejected.ongeldig));
  w.leaf('RejectedVotes', [['ReasonCode', 'blanco']], String(counts.rejected.blanco));
  for (const reason of reasons) {
    w.leaf('UncountedVotes', [['ReasonCode', reason]], String(uncountedValue(counts, reason) ?? 0));
  }
}

/**
 * Write an EML 510 from explicit inputs. `onChunk` streams the output; without it the whole file
 * is returned.
 */
export function writeEml510(input: Eml510Input, onChunk?: (chunk: Buffer) => void): Result<Buffer, Eml510WriteError> {
  const lists = input.candidateLists;
  const seen = new Set<string>();
  for (const u of input.units) {
    if (seen.has(u.id)) return fail('telling_dubbel_gebied', `Het gebied ${u.id} komt twee keer voor.`);
    seen.add(u.id);
    const r = checkAgainstLists(u.counts, lists, u.name);
    if (!r.ok) return r;
  }
  const rt = checkAgainstLists(input.total, lists, 'Totaal');
  if (!rt.ok) return rt;

  const blocks = [input.total, ...input.units.map((u) => u.counts)];
  const unknown = unknownReasons(input.rules, blocks);
  if (unknown.length > 0) {
    return fail(
      'telling_onbekende_reden',
      `De telling bevat ${unknown.length === 1 ? 'een reden' : 'redenen'} die deze verkiezing niet kent: ${unknown.join(', ')}.`,
      `rule set ${input.rules.id}`,
    );
  }
  const names = lists.affiliations.map(listNameFor510);
  const reasons = reasonsWritten(input.rules, input.level, blocks);
  const w = new XmlWriter(onChunk);
  w.open('EML', [...EML_NAMESPACES, ['Id', input.kind], ['SchemaVersion', '5']]);
  w.leaf('TransactionId', [], '1');
  w.open('ManagingAuthority')
    .leaf('AuthorityIdentifier', [['Id', input.authority.id]], input.authority.name)
    .leaf('AuthorityAddress')
    .close();
  w.leaf('kr:CreationDateTime', [], input.creationDateTime);
  w.leaf('ds:CanonicalizationMethod', [['Algorithm', C14N_WITH_COMMENTS]]);
  w.open('Count').leaf('EventIdentifier').open('Election');
  w.open('ElectionIdentifier', [['Id', input.election.id]])
    .leaf('ElectionName', [], input.election.name)
    .leaf('ElectionCategory', [], input.election.category)
    .leaf('kr:ElectionSubcategory', [], input.election.subcategory)
    .leaf('kr:ElectionDate', [], input.election.date)
    .close();
  w.open('Contests').open('Contest');
  w.open('ContestIdentifier', [['Id', input.contest.id]]).leaf('ContestName', [], input.contest.name).close();
  w.open('TotalVotes');
  writeVotes(w, input.total, lists, names, reasons);
  w.close('TotalVotes');
  for (const u of input.units) {
    w.open('ReportingUnitVotes');
    w.leaf('ReportingUnitIdentifier', [['Id', u.id]], u.name);
    writeVotes(w, u.counts, lists, names, reasons);
    w.close('ReportingUnitVotes');
  }
  w.close('Contest').close('Contests').close('Election').close('Count').close('EML');
  return ok(w.finish());
}

export interface MunicipalityCounts {
  /** The municipality number (e.g. 34 or '0034'); written as 4-digit code. */
  readonly code: number | string;
  readonly name: string;
  readonly counts: VoteCounts;
}

export interface Eml510cInput {
  readonly election: ElectionIdentifierInput;
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly candidateLists: CandidateLists;
  readonly municipalities: readonly MunicipalityCounts[];
  readonly creationDateTime: string;
  /** The election's rules (default: chosen from `election`). */
  readonly rules?: ElectionRuleSet;
}

function code4(code: number | string): string {
  return typeof code === 'number' ? municipalityCode(code) : code.padStart(4, '0');
}

/**
 * The HSB's 510c: authority `HSB<k>` named after the kieskring, contest = the kieskring,
 * TotalVotes = the sum of the municipalities, one ReportingUnitVotes `HSB<k>::<code>` per
 * municipality by code.
 */
export function writeEml510c(input: Eml510cInput, onChunk?: (chunk: Buffer) => void): Result<Buffer, Eml510WriteError> {
  const k = input.kieskring;
  if (input.candidateLists.contestId !== String(k.number)) {
    return fail(
      'telling_verkeerde_kieskring',
      `De kandidatenlijsten horen bij kieskring ${input.candidateLists.contestId}, niet bij kieskring ${k.number}.`,
    );
  }
  const munis = [...input.municipalities].sort((a, b) => Number(code4(a.code)) - Number(code4(b.code)));
  return writeEml510(
    {
      kind: '510c',
      authority: { id: `HSB${k.number}`, name: k.name },
      creationDateTime: input.creationDateTime,
      election: input.election,
      contest: { id: String(k.number), name: k.name },
      candidateLists: input.candidateLists,
      total: sumCounts(munis.map((m) => m.counts)),
      units: munis.map((m) => ({ id: `HSB${k.number}::${code4(m.code)}`, name: m.name, counts: m.counts })),
      rules: input.rules ?? ruleSetFor(input.election),
      level: 'hsb510c',
    },
    onChunk,
  );
}

export interface PollingStationCounts {
  /** The polling-station number n (Id `<code>::SB<n>`). */
  readonly number: number;
  /** The name as registered, e.g. 'Stembureau Gemeentehuis'. */
  readonly name: string;
  /** '1234 AB', or null when unknown. */
  readonly postcode: string | null;
  readonly counts: VoteCounts;
}

export interface Eml510bInput {
  readonly election: ElectionIdentifierInput;
  readonly municipality: { readonly code: number | string; readonly name: string };
  /** The kieskring the municipality belongs to (the Contest). */
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly candidateLists: CandidateLists;
  /** The municipality totals (TotalVotes), including Z, which polling stations may not report. */
  readonly total: VoteCounts;
  readonly pollingStations: readonly PollingStationCounts[];
  readonly creationDateTime: string;
  /** The election's rules (default: chosen from `election`). */
  readonly rules?: ElectionRuleSet;
}

/** ReportingUnitIdentifier text of a polling station: "<name> (postcode: 1234 AB)". */
export function pollingStationText(name: string, postcode: string | null): string {
  return postcode ? `${name} (postcode: ${postcode})` : name;
}

/** Inverse of pollingStationText. */
export function parsePollingStationText(text: string): { name: string; postcode: string | null } {
  const m = /^(.*) \(postcode: ([^)]*)\)$/.exec(text);
  return m ? { name: m[1]!, postcode: m[2]! } : { name: text, postcode: null };
}

/** The gemeente's 510b: authority = the municipality (4-digit code), contest = its kieskring. */
export function writeEml510b(input: Eml510bInput, onChunk?: (chunk: Buffer) => void): Result<Buffer, Eml510WriteError> {
  const k = input.kieskring;
  if (input.candidateLists.contestId !== String(k.number)) {
    return fail(
      'telling_verkeerde_kieskring',
      `De kandidatenlijsten horen bij kieskring ${input.candidateLists.contestId}, niet bij kieskring ${k.number}.`,
    );
  }
  const code = code4(input.municipality.code);
  const stations = [...input.pollingStations].sort((a, b) => a.number - b.number);
  return writeEml510(
    {
      kind: '510b',
      authority: { id: code, name: input.municipality.name },
      creationDateTime: input.creationDateTime,
      election: input.election,
      contest: { id: String(k.number), name: k.name },
      candidateLists: input.candidateLists,
      total: input.total,
      units: stations.map((s) => ({ id: `${code}::SB${s.number}`, name: pollingStationText(s.name, s.postcode), counts: s.counts })),
      rules: input.rules ?? ruleSetFor(input.election),
      level: 'gemeente510b',
    },
    onChunk,
  );
}
