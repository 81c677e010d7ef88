/**
 * `uitslag result`: recompute the result of an election with kieskringen from the published
 * files (the 110a, the kieskringen's 230b and either the CSB's 510d or the kieskringen's 510c),
 * and write `Totaaltelling_<ID>.eml.xml` (510d) and `Resultaat_<ID>.eml.xml` (520). The reading
 * and the report; the file system and exit codes are in commands.ts.
 */
import type { VoteCounts } from '../domain/counts.ts';
import type { CandidateLists, ElectionDefinition } from '../domain/election.ts';
import { checkCandidateListsMatch } from '../domain/imports.ts';
import { fail, ok, type Result } from '../domain/result.ts';
import { formatMixed } from '../domain/seats/fraction.ts';
import { nationalResult, type NationalResult } from '../domain/seats/national.ts';
import { readCandidateLists } from '../eml/eml230b.ts';
import { readElectionDefinition } from '../eml/eml110a.ts';
import { readEml510 } from '../eml/eml510read.ts';
import { readEml510dBlocks } from '../eml/eml510d.ts';
import { detectEmlKind } from '../eml/kind.ts';
import { writeEml510d, writeEml520, type CsbFileInput } from '../eml/resultwrite.ts';
import { listNameFor510 } from '../eml/eml510write.ts';

export interface NamedBytes {
  readonly name: string;
  readonly bytes: Buffer;
}

export interface ResultInput {
  readonly definition: NamedBytes;
  /** Every file of the candidate-lists folder; files that are not a 230b are skipped. */
  readonly folder: readonly NamedBytes[];
  readonly counts: readonly NamedBytes[];
  /** kr:CreationDateTime of the 520 (and of the 510d unless `countCreatedAt`). */
  readonly createdAt: string;
  /** kr:CreationDateTime of the 510d. */
  readonly countCreatedAt?: string;
}

export type ResultOutcome =
  | { readonly kind: 'written'; readonly files: readonly NamedBytes[]; readonly report: string }
  | { readonly kind: 'lots'; readonly report: string };

/** The names of the written files: the 510d, then the 520. */
export function resultFileNames(electionId: string): [string, string] {
  return [`Totaaltelling_${electionId}.eml.xml`, `Resultaat_${electionId}.eml.xml`];
}

export async function computeResult(input: ResultInput): Promise<Result<ResultOutcome>> {
  const def = readElectionDefinition(input.definition.bytes);
  if (!def.ok) return fail(def.code, `${input.definition.name}: ${def.message}`);
  const staat = def.value.regions.find((r) => r.category === 'STAAT');
  if (staat === undefined) return fail('result.no-staat', `${input.definition.name}: de verkiezingsdefinitie heeft geen regio van het niveau STAAT.`);

  const lists = new Map<number, CandidateLists>();
  for (const f of input.folder) {
    const kind = detectEmlKind(f.bytes);
    if (!kind.ok || kind.value.id !== '230b') continue;
    const r = readCandidateLists(f.bytes);
    if (!r.ok) return fail(r.code, `${f.name}: ${r.message}`);
    const k = Number(r.value.contestId);
    const match = checkCandidateListsMatch(def.value, k, r.value);
    if (!match.ok) return fail(match.code, `${f.name}: ${match.message}`);
    if (lists.has(k)) return fail('result.duplicate', `${f.name}: de kandidatenlijsten van kieskring ${k} staan er twee keer in.`);
    lists.set(k, r.value);
  }
  if (lists.size === 0) return fail('result.no-lists', 'In de map staan geen kandidatenlijsten (EML 230b).');

  const counts = new Map<number, VoteCounts>();
  const add = (k: number, c: VoteCounts, from: string): Result<void> => {
    if (counts.has(k)) return fail('result.duplicate', `${from}: de telling van kieskring ${k} is al ingelezen.`);
    counts.set(k, c);
    return ok(undefined);
  };
  for (const f of input.counts) {
    const kind = detectEmlKind(f.bytes);
    if (!kind.ok) return fail(kind.code, `${f.name}: ${kind.message}`);
    if (kind.value.id === '510d') {
      const r = await readEml510dBlocks(f.bytes);
      if (!r.ok) return fail(r.code, `${f.name}: ${r.message}`);
      if (r.value.header.election.id !== def.value.id) return otherElection(f.name, r.value.header.election.id, def.value);
      for (const [k, b] of r.value.kieskringen) {
        const a = add(k, b.counts, f.name);
        if (!a.ok) return a;
      }
    } else if (kind.value.id === '510c') {
      const r = await readEml510(f.bytes);
      if (!r.ok) return fail(r.code, `${f.name}: ${r.message}`);
      if (r.value.header.election.id !== def.value.id) return otherElection(f.name, r.value.header.election.id, def.value);
      if (r.value.total === null) return fail('result.no-total', `${f.name}: het bestand heeft geen totaal (TotalVotes).`);
      const a = add(Number(r.value.header.contest.id), r.value.total, f.name);
      if (!a.ok) return a;
    } else {
      return fail('result.kind', `${f.name}: dit is geen totaaltelling (510d) of telling van een kieskring (510c), maar EML ${kind.value.id}.`);
    }
  }
  const missing = [...lists.keys()].filter((k) => !counts.has(k)).sort((a, b) => a - b);
  if (missing.length) return fail('result.missing-counts', `De telling ontbreekt van kieskring ${missing.join(', ')}.`);
  const extra = [...counts.keys()].filter((k) => !lists.has(k));
  if (extra.length) return fail('result.missing-lists', `De kandidatenlijsten ontbreken van kieskring ${extra.join(', ')}.`);

  const kieskringen = [...lists].map(([kieskring, l]) => ({ kieskring, lists: l }));
  const r = nationalResult({ category: def.value.category, seats: def.value.numberOfSeats, kieskringen, counts });
  if (!r.ok) return r;
  if (r.value.kind === 'seat-lots') {
    const lot = r.value.lot;
    return ok({ kind: 'lots', report: `Loting nodig (zetelverdeling, ${lot.stage}) tussen de lijsten ${lot.between.join(', ')} om ${lot.seats} ${lot.seats === 1 ? 'zetel' : 'zetels'}.\n` });
  }
  if (r.value.kind === 'candidate-lots') {
    const { lot, listNumber } = r.value;
    return ok({ kind: 'lots', report: `Loting nodig (lijst ${listNumber}, ${lot.stage}) tussen ${lot.between.join(', ')} om ${lot.seats}.\n` });
  }
  const result = r.value.result;
  const base: Omit<CsbFileInput, 'creationDateTime'> = {
    election: { id: def.value.id, name: def.value.name, category: def.value.category, subcategory: def.value.subcategory, date: def.value.electionDate },
    domain: { id: String(staat.number), name: staat.name },
  };
  const blocks = kieskringen.map((k) => {
    const region = def.value.regions.find((x) => x.category === 'KIESKRING' && x.number === k.kieskring);
    return { number: k.kieskring, name: region?.name ?? k.lists.contestName, lists: k.lists, counts: counts.get(k.kieskring)! };
  });
  const [countName, resultName] = resultFileNames(def.value.id);
  const files = [
    { name: countName, bytes: writeEml510d({ ...base, creationDateTime: input.countCreatedAt ?? input.createdAt }, result, blocks) },
    { name: resultName, bytes: writeEml520({ ...base, creationDateTime: input.createdAt }, result) },
  ];
  return ok({ kind: 'written', files, report: report(result) });
}

function otherElection(name: string, found: string, def: ElectionDefinition): Result<never> {
  return fail('result.other-election', `${name}: dit bestand hoort bij verkiezing ${found}, niet bij ${def.id}.`);
}

/** The seat table and the elected candidates, as text. */
export function report(result: NationalResult): string {
  const a = result.allocation;
  let out = `Kiesdeler: ${formatMixed(a.quota)} (${a.totalVotes} stemmen op lijsten, ${a.totalSeats} zetels)\n\n`;
  out += 'Lijst;Naam;Stemmen;Volle zetels;Restzetels;Zetels\n';
  result.parties.forEach((p, i) => {
    const l = a.lists[i]!;
    out += `${p.party.listNumber};${listNameFor510(p.party.affiliation)};${p.votes};${l.fullSeats};${l.residualSeats};${l.seats}\n`;
  });
  out += '\nGekozen kandidaten\n';
  for (const p of result.parties) {
    if (p.result === null) continue;
    out += `\n${p.party.listNumber} ${listNameFor510(p.party.affiliation)} (${p.seats})\n`;
    const byKey = new Map(p.party.persons.map((x) => [x.key, x]));
    for (const e of p.result.elected) {
      const c = byKey.get(e.person)!.candidate;
      const name = `${c.lastName}, ${c.initials}${c.prefix ? ` ${c.prefix}` : ''}`;
      out += `  ${name}${e.ranking === 1 ? ' (voorkeurstemmen)' : ''}\n`;
    }
  }
  return out;
}
