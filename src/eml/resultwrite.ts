/**
 * Writers of the centraal stembureau's files in the exact byte form of the official TK2021 files
 * (national.md §3): EML 510d `Totaaltelling_<ID>.eml.xml` (the kieskringen added up) and EML 520
 * `Resultaat_<ID>.eml.xml` (the elected lists and candidates). Canonical XML (xmlwriter.ts), one
 * line, namespace declarations as in the 510c.
 *
 * 510d: TotalVotes has every list in number order with its votes over the kieskringen, then every
 * person of the party by ShortCode only (persons.ts `totalVotesOrder`), then the statistics summed,
 * with every UncountedVotes reason that any kieskring has; then one ReportingUnitVotes `HSB<k>`
 * ("Kieskring <name>") per kieskring: its 510c TotalVotes with candidates as `Id` + `ShortCode`,
 * its own reasons, without `geldige kiezerspassen`.
 * 520: only lists with seats, in number order, each followed by its elected candidates: first the
 * preference-elected (Ranking 1) by votes, then the others (Ranking 2) in TotalVotes order; `Id` is
 * the 1-based place in that order; personal data from the person's first kieskring list; Gender
 * only where the list publishes it; the locality only (no country code).
 */
import { orderReasons, sumCounts, uncountedValue, type VoteCounts } from '../domain/counts.ts';
import type { Candidate, CandidateLists } from '../domain/election.ts';
import type { NationalResult } from '../domain/seats/national.ts';
import { totalVotesOrder, type Person } from '../domain/seats/persons.ts';
import { C14N_WITH_COMMENTS } from './c14n.ts';
import { EML_NAMESPACES, listNameFor510, type ElectionIdentifierInput } from './eml510write.ts';
import { XmlWriter } from './xmlwriter.ts';

export interface CsbFileInput {
  /** kr:CreationDateTime, e.g. '2021-03-23T20:11:35.240' (injected). */
  readonly creationDateTime: string;
  readonly election: ElectionIdentifierInput;
  /** The STAAT region of the 110a: kr:ElectionDomain and the authority name. */
  readonly domain: { readonly id: string; readonly name: string };
}

export interface KieskringBlock {
  readonly number: number;
  readonly name: string;
  readonly lists: CandidateLists;
  readonly counts: VoteCounts;
}

/** Reasons a 510c carries and the 510d does not (national.md §3.2). */
export const NOT_IN_510D: readonly string[] = ['geldige kiezerspassen'];

function header(w: XmlWriter, kind: '510d' | '520', input: CsbFileInput): void {
  w.open('EML', [...EML_NAMESPACES, ['Id', kind], ['SchemaVersion', '5']]);
  w.leaf('TransactionId', [], '1');
  w.open('ManagingAuthority').leaf('AuthorityIdentifier', [['Id', 'CSB']], input.domain.name).leaf('AuthorityAddress').close();
  w.leaf('kr:CreationDateTime', [], input.creationDateTime);
  w.leaf('ds:CanonicalizationMethod', [['Algorithm', C14N_WITH_COMMENTS]]);
}

function electionIdentifier(w: XmlWriter, input: CsbFileInput): void {
  w.open('ElectionIdentifier', [['Id', input.election.id]])
    .leaf('ElectionName', [], input.election.name)
    .leaf('ElectionCategory', [], input.election.category)
    .leaf('kr:ElectionSubcategory', [], input.election.subcategory)
    .leaf('kr:ElectionDomain', [['Id', input.domain.id]], input.domain.name)
    .leaf('kr:ElectionDate', [], input.election.date)
    .close();
}

function statistics(w: XmlWriter, counts: VoteCounts, reasons: readonly string[]): void {
  w.leaf('Cast', [], String(counts.cast));
  w.leaf('TotalCounted', [], String(counts.totalCounted));
  w.leaf('RejectedVotes', [['ReasonCode', 'ongeldig']], String(counts.rejected.ongeldig));
  w.leaf('RejectedVotes', [['ReasonCode', 'blanco']], String(counts.rejected.blanco));
  for (const reason of reasons) w.leaf('UncountedVotes', [['ReasonCode', reason]], String(uncountedValue(counts, reason) ?? 0));
}

function reasonsOf(blocks: readonly VoteCounts[]): string[] {
  return orderReasons(blocks.flatMap((b) => b.uncounted.map((u) => u.reason))).filter((r) => !NOT_IN_510D.includes(r));
}

/** The 510d. `kieskringen` in any order; written by number. */
export function writeEml510d(input: CsbFileInput, result: NationalResult, kieskringen: readonly KieskringBlock[]): Buffer {
  const blocks = [...kieskringen].sort((a, b) => a.number - b.number);
  const total = sumCounts(blocks.map((b) => b.counts));
  const w = new XmlWriter();
  header(w, '510d', input);
  w.open('Count').leaf('EventIdentifier').open('Election');
  electionIdentifier(w, input);
  w.open('Contests').open('Contest').leaf('ContestIdentifier', [['Id', 'alle']]);
  w.open('TotalVotes');
  for (const p of result.parties) {
    w.open('Selection')
      .open('AffiliationIdentifier', [['Id', String(p.party.listNumber)]])
      .leaf('RegisteredName', [], listNameFor510(p.party.affiliation))
      .close()
      .leaf('ValidVotes', [], String(p.votes))
      .close();
    for (const person of totalVotesOrder(p.party.persons)) {
      w.open('Selection')
        .open('Candidate')
        .leaf('CandidateIdentifier', [['ShortCode', person.shortCode]])
        .close()
        .leaf('ValidVotes', [], String(p.personVotes.get(person.key) ?? 0))
        .close();
    }
  }
  statistics(w, total, reasonsOf(blocks.map((b) => b.counts)));
  w.close('TotalVotes');
  const codes = new Map<string, string>(); // kieskring/list/position -> ShortCode
  for (const p of result.parties) {
    for (const person of p.party.persons) for (const pl of person.placements) codes.set(`${pl.kieskring}/${p.party.listNumber}/${pl.position}`, person.shortCode);
  }
  for (const b of blocks) {
    w.open('ReportingUnitVotes');
    w.leaf('ReportingUnitIdentifier', [['Id', `HSB${b.number}`]], `Kieskring ${b.name}`);
    for (const aff of b.lists.affiliations) {
      const lv = b.counts.lists.find((l) => l.listNumber === aff.listNumber);
      w.open('Selection')
        .open('AffiliationIdentifier', [['Id', String(aff.listNumber)]])
        .leaf('RegisteredName', [], listNameFor510(aff))
        .close()
        .leaf('ValidVotes', [], String(lv?.total ?? 0))
        .close();
      const byPosition = new Map((lv?.candidates ?? []).map((c) => [c.position, c.votes]));
      for (const c of aff.candidates) {
        w.open('Selection')
          .open('Candidate')
          .leaf('CandidateIdentifier', [
            ['Id', String(c.position)],
            ['ShortCode', codes.get(`${b.number}/${aff.listNumber}/${c.position}`) ?? ''],
          ])
          .close()
          .leaf('ValidVotes', [], String(byPosition.get(c.position) ?? 0))
          .close();
      }
    }
    statistics(w, b.counts, reasonsOf([b.counts]));
    w.close('ReportingUnitVotes');
  }
  w.close('Contest').close('Contests').close('Election').close('Count').close('EML');
  return w.finish();
}

function candidate(w: XmlWriter, id: number, person: Person, c: Candidate, publishGender: boolean, ranking: 1 | 2): void {
  w.open('Selection').open('Candidate');
  w.leaf('CandidateIdentifier', [
    ['Id', String(id)],
    ['ShortCode', person.shortCode],
  ]);
  w.open('CandidateFullName')
    .open('xnl:PersonName')
    .leaf('xnl:NameLine', [['NameType', 'Initials']], c.initials)
    .leaf('xnl:FirstName', [], c.firstName ?? '')
    .leaf('xnl:NamePrefix', [], c.prefix ?? '')
    .leaf('xnl:LastName', [], c.lastName)
    .close()
    .close();
  const gender = c.gender === 'x' ? 'unknown' : c.gender;
  if (publishGender && gender !== null) w.leaf('Gender', [], gender);
  w.open('QualifyingAddress')
    .open('xal:Locality')
    .leaf('xal:LocalityName', [], c.locality ?? '')
    .close()
    .close();
  w.close('Candidate');
  w.leaf('Ranking', [], String(ranking)).leaf('Elected', [], 'yes').close('Selection');
}

/** The 520. */
export function writeEml520(input: CsbFileInput, result: NationalResult): Buffer {
  const w = new XmlWriter();
  header(w, '520', input);
  w.open('Result').open('Election');
  electionIdentifier(w, input);
  w.open('Contest').leaf('ContestIdentifier', [['Id', 'alle']]);
  for (const p of result.parties) {
    if (p.result === null || p.result.elected.length === 0) continue;
    w.open('Selection')
      .open('AffiliationIdentifier', [['Id', String(p.party.listNumber)]])
      .leaf('RegisteredName', [], listNameFor510(p.party.affiliation))
      .close()
      .leaf('Elected', [], 'yes')
      .close();
    const byKey = new Map(p.party.persons.map((x) => [x.key, x]));
    const second = new Set(p.result.elected.filter((e) => e.ranking === 2).map((e) => e.person));
    const order: [Person, 1 | 2][] = [
      ...p.result.elected.filter((e) => e.ranking === 1).map((e): [Person, 1 | 2] => [byKey.get(e.person)!, 1]),
      ...totalVotesOrder(p.party.persons)
        .filter((x) => second.has(x.key))
        .map((x): [Person, 1 | 2] => [x, 2]),
    ];
    order.forEach(([person, ranking], i) => candidate(w, i + 1, person, person.candidate, p.party.affiliation.publishGender, ranking));
  }
  w.close('Contest').close('Election').close('Result').close('EML');
  return w.finish();
}
