/**
 * The CSB installation (centraal stembureau, stemgebied STAAT; issue 10, docs/csb.md): the
 * candidate lists (230b) of every kieskring, the hoofdstembureaus' public keys (`UID=HSB<k>`), the
 * reading and checking of a kieskring's signed count zip (`Telling_<ID>_kieskring_<Name>.zip`, the zip
 * our HSB installation writes), and phase 3: the 510d and 520 from the agreed kieskring results.
 *
 * The reporting units are the kieskringen, coded 'HSB<k>' as in the 510d (counts.ts
 * `kieskringUnitCode`); their double entry is the HSB's (counts.ts `applyUnitAction`), with the form
 * of that kieskring's lists.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { verifyDetached } from '../crypto/cms.ts';
import { arithmeticProblems, type VoteCounts } from '../domain/counts.ts';
import { candidateDisplayName, fileNamePart, kieskringen, type CandidateLists } from '../domain/election.ts';
import { countsToForm, differingFields, formToCounts, type EntryForm } from '../domain/entry.ts';
import { ruleSetFor, unknownReasons } from '../domain/ruleSets.ts';
import type { DrawnLot } from '../domain/seats/allocate.ts';
import type { DrawnCandidateLot } from '../domain/seats/candidates.ts';
import { nationalResult, type NationalResult } from '../domain/seats/national.ts';
import { resultCsv } from '../reports/resultCsv.ts';
import type { P22Correction, P22Input, P22Lot } from '../reports/p22/model.ts';
import { fieldLabel, fieldValue } from '../domain/entryStructure.ts';
import { seatParameters, type SeatParameters } from '../domain/seats/parameters.ts';
import { personKey } from '../domain/seats/persons.ts';
import { stageText } from '../domain/seats/stages.ts';
import { listNameFor510 } from '../eml/eml510write.ts';
import { loadPvDetails, localDateTime, practiceFileName, PRACTICE_MARK, type DocumentKind } from './documents.ts';
import { auditHead } from './integrity.ts';
import { readCandidateLists } from '../eml/eml230b.ts';
import { readEml510 } from '../eml/eml510read.ts';
import { emlHash, sha256Hex } from '../eml/hash.ts';
import { detectEmlKind } from '../eml/kind.ts';
import { writeEml510d, writeEml520, type CsbFileInput, type KieskringBlock } from '../eml/resultwrite.ts';
import { readTransferZip } from '../transfer/zip.ts';
import type { AppContext } from './context.ts';
import { agreedForm } from '../domain/doubleEntry.ts';
import { kieskringUnitCode, loadAllUnits } from './counts.ts';
import { ApiError, MAX_EML_BYTES } from './http.ts';
import { definitionOf, requireElection, type ElectionRow } from './state.ts';
import { lastResolvedAt } from './store/counts.ts';
import { activeLots, activeLotsEntered, csbListBytes, csbListRows, hsbKey } from './store/csb.ts';
import { isCsbElection } from './store/election.ts';

/** The election row of a CSB installation, or 409. */
export function requireCsb(ctx: AppContext, what = 'Dit'): ElectionRow {
  const e = requireElection(ctx);
  if (e.stemgebied_category !== 'STAAT') {
    throw new ApiError(409, 'stemgebied.not_csb', `${what} kan alleen in de installatie van een centraal stembureau.`);
  }
  return e;
}

export interface KieskringRegion {
  readonly number: number;
  readonly name: string;
  readonly code: string;
}

/** A kieskring as the API shows it. */
export const KieskringRegionDto = z.object({ number: z.number().int(), name: z.string(), code: z.string() });

/** The kieskringen of the 110a, by number. */
export function csbKieskringen(e: ElectionRow): KieskringRegion[] {
  return kieskringen(definitionOf(e))
    .sort((a, b) => a.number - b.number)
    .map((k) => ({ number: k.number, name: k.name, code: kieskringUnitCode(k.number) }));
}

/** The kieskring of a unit code 'HSB<k>', or 404. */
export function requireKieskring(e: ElectionRow, code: string): KieskringRegion {
  const k = csbKieskringen(e).find((x) => x.code === code);
  if (!k) throw new ApiError(404, 'region.not_found', `${code} is geen kieskring van deze verkiezing.`);
  return k;
}

// ---------------------------------------------------------------------------------------------
// Candidate lists per kieskring
// ---------------------------------------------------------------------------------------------

export type { CsbListsRow } from './store/csb.ts';

/** Parsed 230b files by their (canonical) hash: the bytes never change under a hash. */
const parsedLists = new Map<string, CandidateLists>();

/** The imported candidate lists by kieskring number. */
export function csbLists(ctx: AppContext): Map<number, CandidateLists> {
  const rows = csbListBytes(ctx.db);
  const out = new Map<number, CandidateLists>();
  for (const r of rows) {
    let lists = parsedLists.get(r.hash);
    if (!lists) {
      const parsed = readCandidateLists(r.bytes, { maxBytes: MAX_EML_BYTES });
      if (!parsed.ok) throw new Error(`stored 230b of kieskring ${r.kieskring} does not read: ${parsed.message}`);
      lists = parsed.value;
      parsedLists.set(r.hash, lists);
    }
    out.set(r.kieskring, lists);
  }
  return out;
}

/** The candidate lists of one kieskring, or 409 when they are not imported. */
export function requireKieskringLists(ctx: AppContext, k: KieskringRegion): CandidateLists {
  const lists = csbLists(ctx).get(k.number);
  if (!lists) {
    throw new ApiError(409, 'csb.lists_missing', `De kandidatenlijsten van kieskring ${k.number} (${k.name}) zijn nog niet geïmporteerd.`);
  }
  return lists;
}

/** The kieskringen of the 110a whose 230b is not imported yet. */
export function kieskringenWithoutLists(ctx: AppContext, e: ElectionRow): KieskringRegion[] {
  const have = new Set(csbListRows(ctx.db).map((r) => r.kieskring));
  return csbKieskringen(e).filter((k) => !have.has(k.number));
}

/** A CSB installation with the 230b of every kieskring imported (what phase 2 needs). */
export function csbListsComplete(ctx: AppContext): boolean {
  if (!isCsbElection(ctx.db)) return false;
  return kieskringenWithoutLists(ctx, requireElection(ctx)).length === 0;
}

// ---------------------------------------------------------------------------------------------
// A kieskring's signed count zip
// ---------------------------------------------------------------------------------------------

export interface KieskringFile {
  readonly kieskring: KieskringRegion;
  readonly emlName: string;
  /** The EML's hash code (hex). */
  readonly hashHex: string;
  readonly rawSha256Hex: string;
  readonly signature: Buffer;
  readonly signer: { readonly subject: string; readonly fingerprint: string; readonly embeddedMatchesTrusted: boolean };
  /** The 510c's TotalVotes. */
  readonly total: VoteCounts;
  /** The same as an entry form in the shape of the kieskring's lists. */
  readonly form: EntryForm;
  /** Municipalities (ReportingUnitVotes) in the file. */
  readonly units: number;
}

/** 'Telling_TK2021_kieskring_Lelystad.zip' → 'Lelystad' (also with a browser's ' (1)'); null otherwise. */
export function kieskringPartOfName(name: string, ext: '.zip' | '.eml.xml'): string | null {
  const re = ext === '.zip' ? /^Telling_[^_]+_kieskring_(.+?)(?: \(\d+\))?\.zip$/i : /^Telling_[^_]+_kieskring_(.+?)\.eml\.xml$/i;
  const m = re.exec(name);
  return m?.[1] ?? null;
}


function refuse(code: ApiError['code'], message: string, detail?: string): never {
  throw new ApiError(422, code, message, detail);
}

/**
 * Read and check a kieskring's count zip: the zip's two entries, the EML a 510c of this election
 * for a kieskring of the 110a, the signature against that HSB's imported key (before anything in the
 * file is trusted), the file names against the kieskring, every list and candidate on that
 * kieskring's lists, no reason the election does not know, and the arithmetic of the totals.
 * Throws an ApiError with a Dutch message for every refusal.
 */
export async function readKieskringZip(ctx: AppContext, e: ElectionRow, zipBytes: Buffer, fileName: string): Promise<KieskringFile> {
  const zip = await readTransferZip(zipBytes, { maxEmlBytes: MAX_EML_BYTES, maxSignatureBytes: 256 * 1024 });
  if (!zip.ok) throw ApiError.from(422, zip);
  const { eml, signature, emlName } = zip.value;
  const kind = detectEmlKind(eml);
  if (!kind.ok) throw ApiError.from(422, kind);
  if (kind.value.id !== '510c') {
    refuse('import.kind', `Dit is geen telbestand van een kieskring (EML 510c), maar een bestand van soort ${kind.value.id}.`, `EML@Id=${kind.value.id}`);
  }
  // Which kieskring: the contest of the file (read again below once the signature holds).
  const contest = /<ContestIdentifier Id="(\d+)"/.exec(eml.subarray(0, 64 * 1024).toString('utf8'));
  const k = contest ? csbKieskringen(e).find((x) => x.number === Number(contest[1])) : undefined;
  if (!k) {
    refuse('import.other_kieskring', `Dit bestand is niet van een kieskring van deze verkiezing${contest ? ` (kieskring ${contest[1]})` : ''}.`);
  }
  const key = hsbKey(ctx.db, k.number);
  if (!key) {
    refuse(
      'import.key_missing',
      `Importeer eerst de publieke sleutel van hoofdstembureau ${k.name} (kieskring ${k.number}); zonder die sleutel kan de handtekening niet worden gecontroleerd.`,
      `no HSB key for kieskring ${k.number}`,
    );
  }
  const rawSha256 = createHash('sha256').update(eml).digest();
  const verified = verifyDetached({ sha256: rawSha256 }, signature, key.certificate_pem);
  if (!verified.ok) throw new ApiError(422, verified.code, `${verified.message} Het bestand is niet geïmporteerd.`, verified.detail);

  for (const [part, what] of [
    [kieskringPartOfName(fileName, '.zip'), `de zip (${fileName})`],
    [kieskringPartOfName(emlName, '.eml.xml'), `het EML-bestand in de zip (${emlName})`],
  ] as const) {
    if (part !== null && part.toLowerCase() !== fileNamePart(k.name).toLowerCase()) {
      refuse(
        'import.name_mismatch',
        `De naam van ${what} noemt kieskring "${part.replace(/_/g, ' ')}", maar het bestand zelf is van kieskring ${k.number} (${k.name}). Controleer of u het juiste bestand heeft gekozen.`,
      );
    }
  }
  const read = await readEml510(eml);
  if (!read.ok) throw ApiError.from(422, read);
  const h = read.value.header;
  if (h.election.id !== e.election_id || h.election.category !== e.category || (h.election.date ?? '') !== e.election_date) {
    refuse(
      'import.other_election',
      `Dit bestand hoort bij verkiezing ${h.election.id} (${h.election.name ?? h.election.category}, ${h.election.date ?? 'zonder datum'}), maar deze installatie is voor verkiezing ${e.election_id} (${e.name}, ${e.election_date}).`,
    );
  }
  const total = read.value.total;
  if (total === null) refuse('import.no_total', 'Het bestand bevat geen totaal van de kieskring (TotalVotes).');
  const lists = requireKieskringLists(ctx, k);
  const where = `totaal van kieskring ${k.name}`;
  const positions = new Map(lists.affiliations.map((a) => [a.listNumber, new Set(a.candidates.map((c) => c.position))]));
  for (const l of total.lists) {
    const p = positions.get(l.listNumber);
    if (!p) refuse('import.unknown_list', `${where}: lijst ${l.listNumber} staat niet op de kandidatenlijsten van deze kieskring.`);
    for (const c of l.candidates) {
      if (!p.has(c.position)) {
        refuse('import.unknown_candidate', `${where}: kandidaat ${c.position} van lijst ${l.listNumber} staat niet op de kandidatenlijsten van deze kieskring.`);
      }
    }
  }
  const rules = ruleSetFor({ category: e.category, date: e.election_date });
  const unknown = unknownReasons(rules, [total]);
  if (unknown.length > 0) {
    refuse('import.unknown_reason', `${where}: het bestand bevat ${unknown.map((r) => `"${r}"`).join(', ')}; deze verkiezing kent dat niet (${rules.description}).`);
  }
  const problems = arithmeticProblems(total);
  const problem = problems[0];
  if (problem !== undefined) refuse('import.sums', `De aantallen in het bestand tellen niet op (${where}): ${problem.message}`);
  const hash = emlHash(eml, { maxBytes: MAX_EML_BYTES });
  if (!hash.ok) throw ApiError.from(422, hash);
  return {
    kieskring: k,
    emlName,
    hashHex: hash.value.hex,
    rawSha256Hex: rawSha256.toString('hex'),
    signature,
    signer: { subject: key.subject, fingerprint: key.fingerprint, embeddedMatchesTrusted: verified.value.embeddedMatchesTrusted },
    total,
    form: countsToForm(total, lists),
    units: read.value.units.length,
  };
}

// ---------------------------------------------------------------------------------------------
// Phase 3: the 510d and the 520
// ---------------------------------------------------------------------------------------------

export interface CsbFile {
  readonly kind: Extract<DocumentKind, 'eml510d' | 'eml520' | 'csv'>;
  readonly fileName: string;
  readonly bytes: Buffer;
}

export type CsbOutcome =
  | {
      readonly kind: 'result';
      readonly result: NationalResult;
      /** The 510d (whose hash the document set carries). */
      readonly count: CsbFile;
      /** The 510d, the 520, the CSV of the result. */
      readonly files: readonly CsbFile[];
      /** What the PV P 22-1 adds to the result: the agreed counts per kieskring and the parameters. */
      readonly kieskringCounts: readonly { readonly number: number; readonly name: string; readonly counts: VoteCounts }[];
      readonly parameters: SeatParameters;
      readonly area: string;
    }
  | { readonly kind: 'lots'; readonly message: string; readonly lot: RequiredLot };

/** The lot the law asks for now: over the seats (lists) or, within a list, over its lists or candidates. */
export interface RequiredLot {
  readonly kind: 'seats' | 'candidates';
  /** For a lot within a list (kind 'candidates'). */
  readonly listNumber: number | null;
  readonly stage: string;
  /** List numbers (seats), group lists or person keys (candidates). */
  readonly between: readonly string[];
  /** How many of them the lot designates. */
  readonly seats: number;
}

/** A `RequiredLot` as the API shows it. */
export const RequiredLotDto = z.object({
  kind: z.enum(['seats', 'candidates']),
  listNumber: z.number().int().nullable(),
  stage: z.string(),
  between: z.array(z.string()).readonly(),
  seats: z.number().int(),
});

/**
 * The lists or candidates of a lot in words, for the screen where the chair enters the drawn outcome:
 * a list number ('3' → 'Lijst 3 VVD'), a list of a group ('set2' → the lists of set 2 and their
 * kieskringen; 'kk7' → the list in kieskring 7) or a person (the candidate's name and locality).
 */
export function lotOptions(byKieskring: ReadonlyMap<number, CandidateLists>, lot: RequiredLot): { value: string; label: string }[] {
  const lists = [...byKieskring].sort((a, b) => a[0] - b[0]);
  const affiliationsOf = (listNumber: number) =>
    lists.flatMap(([kieskring, l]) => l.affiliations.filter((a) => a.listNumber === listNumber).map((a) => ({ kieskring, a })));
  const listName = (listNumber: number) => {
    const a = affiliationsOf(listNumber)[0]?.a;
    return `Lijst ${listNumber}${a ? ` ${listNameFor510(a)}` : ''}`;
  };
  const label = (value: string): string => {
    if (lot.kind === 'seats' || lot.listNumber === null) return /^\d+$/.test(value) ? listName(Number(value)) : value;
    const inList = affiliationsOf(lot.listNumber);
    const set = /^set(\d+)$/.exec(value);
    if (set) {
      const ks = inList.filter((x) => x.a.belongsToSet === Number(set[1])).map((x) => x.kieskring);
      return `De lijst van groep ${set[1]} (kieskring${ks.length === 1 ? '' : 'en'} ${ks.join(', ')})`;
    }
    const kk = /^kk(\d+)$/.exec(value);
    if (kk) return `De lijst in kieskring ${kk[1]}`;
    for (const { a } of inList) {
      const c = a.candidates.find((x) => personKey(x) === value);
      if (c) return `${candidateDisplayName(c)}${c.locality ? `, ${c.locality}` : ''}`;
    }
    return value;
  };
  return lot.between.map((value) => ({ value, label: label(value) }));
}

/** The drawn lots entered so far, in the order they were asked for. */
function drawnLots(ctx: AppContext): { seatLots: DrawnLot[]; candidateLots: Map<number, DrawnCandidateLot[]> } {
  const seatLots: DrawnLot[] = [];
  const candidateLots = new Map<number, DrawnCandidateLot[]>();
  for (const r of activeLots(ctx.db)) {
    const { between, drawn } = r;
    if (r.kind === 'seats') seatLots.push({ stage: r.stage, between, drawn });
    else candidateLots.set(r.listNumber, [...(candidateLots.get(r.listNumber) ?? []), { stage: r.stage, between, drawn }]);
  }
  return { seatLots, candidateLots };
}

/**
 * The national result from the agreed forms of every kieskring (each complete), with the 510d
 * (`Totaaltelling_<ID>.eml.xml`) and the 520 (`Resultaat_<ID>.eml.xml`). A tie the law leaves to lot
 * gives `lots`, naming the lists or candidates.
 */
export function csbResult(ctx: AppContext, creationDateTime: string): CsbOutcome {
  const e = requireCsb(ctx);
  const def = definitionOf(e);
  const lists = csbLists(ctx);
  const units = loadAllUnits(ctx);
  const counts = new Map<number, VoteCounts>();
  const blocks: KieskringBlock[] = [];
  for (const k of csbKieskringen(e)) {
    const l = lists.get(k.number);
    const s = units.get(k.code)?.state;
    const form = s ? agreedForm(s) : null;
    if (!l || form === null) {
      throw new ApiError(409, 'csb.not_complete', `De uitslag van kieskring ${k.number} (${k.name}) is nog niet vastgesteld (eerste en tweede invoer).`);
    }
    const c = formToCounts(form);
    counts.set(k.number, c);
    blocks.push({ number: k.number, name: k.name, lists: l, counts: c });
  }
  const { seatLots, candidateLots } = drawnLots(ctx);
  const r = nationalResult({
    category: e.category,
    seats: e.number_of_seats,
    kieskringen: [...lists].map(([kieskring, l]) => ({ kieskring, lists: l })),
    counts,
    seatLots,
    candidateLots,
  });
  if (!r.ok) throw ApiError.from(422, r);
  if (r.value.kind === 'seat-lots') {
    const lot = r.value.lot;
    const between = lot.between.map(String);
    return {
      kind: 'lots',
      lot: { kind: 'seats', listNumber: null, stage: lot.stage, between, seats: lot.seats },
      message: `Loting nodig (zetelverdeling, ${stageText(lot.stage)}) tussen de lijsten ${between.join(', ')} om ${lot.seats} ${lot.seats === 1 ? 'zetel' : 'zetels'}.`,
    };
  }
  if (r.value.kind === 'candidate-lots') {
    const { lot, listNumber } = r.value;
    const required: RequiredLot = { kind: 'candidates', listNumber, stage: lot.stage, between: lot.between.map(String), seats: lot.seats };
    // In words, as GET /api/csb/lots names them: a candidate's name and locality, not the person key.
    const names = lotOptions(lists, required).map((o) => o.label);
    return {
      kind: 'lots',
      lot: required,
      message: `Loting nodig (lijst ${listNumber}, ${stageText(lot.stage)}) tussen ${names.join('; ')} om ${lot.seats} ${lot.seats === 1 ? 'zetel' : 'zetels'}.`,
    };
  }
  const staat = def.regions.find((x) => x.category === 'STAAT');
  const input: Omit<CsbFileInput, 'creationDateTime'> = {
    election: { id: e.election_id, name: e.name, category: e.category, subcategory: e.subcategory, date: e.election_date },
    domain: { id: String(staat?.number ?? e.kieskring_number), name: staat?.name ?? e.kieskring_name },
  };
  const result = r.value.result;
  // Practice mode: every file name marked "OEFENING" (the EML bytes stay as in a real run), as at the HSB.
  const practice = { practice: e.practice === 1 };
  const count: CsbFile = {
    kind: 'eml510d',
    fileName: practiceFileName(practice, `Totaaltelling_${e.election_id}.eml.xml`),
    bytes: writeEml510d({ ...input, creationDateTime }, result, blocks),
  };
  const outcome: CsbFile = {
    kind: 'eml520',
    fileName: practiceFileName(practice, `Resultaat_${e.election_id}.eml.xml`),
    bytes: writeEml520({ ...input, creationDateTime }, result),
  };
  const params = seatParameters(e.category, e.number_of_seats);
  if (!params.ok) throw ApiError.from(422, params);
  const csv: CsbFile = {
    kind: 'csv',
    fileName: practiceFileName(practice, `uitslag_${e.election_id}.csv`),
    bytes: resultCsv(result, {
      electionName: practice.practice ? `${PRACTICE_MARK} – ${e.name}` : e.name,
      electionDate: e.election_date,
      areaName: input.domain.name,
      preferenceThreshold: params.value.preferenceThreshold,
    }),
  };
  return {
    kind: 'result',
    result,
    count,
    files: [count, outcome, csv],
    kieskringCounts: blocks.map((b) => ({ number: b.number, name: b.name, counts: b.counts })),
    parameters: params.value,
    area: input.domain.name,
  };
}

// ---------------------------------------------------------------------------------------------
// The PV P 22-1: what it shows besides the result
// ---------------------------------------------------------------------------------------------

/** The local time (as the documents state it) of an ISO instant; null when there is none. */
function localOf(iso: string | null | undefined): string | null {
  return iso === undefined || iso === null ? null : localDateTime(new Date(iso));
}

/**
 * The kieskringen whose two entries differed and whose agreed figures the election leader chose
 * (docs/csb.md "Corrections": e.g. 's-Gravenhage's Cast taken over from the second entry): the fields
 * that differ with both values, the entry taken over, the reason, who and when (count history).
 */
export function csbCorrections(ctx: AppContext): P22Correction[] {
  const e = requireCsb(ctx);
  const lists = csbLists(ctx);
  const units = loadAllUnits(ctx);
  const out: P22Correction[] = [];
  for (const k of csbKieskringen(e)) {
    const s = units.get(k.code)?.state;
    if (s?.kind !== 'complete' || s.decision === undefined) continue;
    const affiliations = lists.get(k.number)?.affiliations ?? [];
    const shape = {
      lists: affiliations.map((a) => ({
        listNumber: a.listNumber,
        name: listNameFor510(a),
        candidates: a.candidates.map((c) => ({ position: c.position, name: candidateDisplayName(c) })),
      })),
    };
    const resolvedAt = lastResolvedAt(ctx.db, k.code);
    out.push({
      kieskring: { number: k.number, name: k.name },
      choice: s.decision.choice,
      firstSource: s.first.source,
      fields: differingFields(s.first.form, s.second.form).map((id) => ({
        label: fieldLabel(shape, id),
        first: fieldValue(s.first.form, id),
        second: fieldValue(s.second.form, id),
      })),
      reason: s.decision.reason,
      by: s.decision.by.username,
      at: localOf(resolvedAt),
    });
  }
  return out;
}

/** The drawn lots (csb_lots, not voided) in the order they were asked for, with when and by whom. */
export function csbLotsForPv(ctx: AppContext): P22Lot[] {
  return activeLotsEntered(ctx.db).map((r) => ({
    kind: r.kind,
    listNumber: r.listNumber,
    stage: r.stage,
    between: r.between,
    drawn: r.drawn,
    enteredAt: localOf(r.enteredAt),
    enteredBy: r.enteredBy,
  }));
}

/** The input of the PV P 22-1 for a result: the result's files' hashes, corrections, lots, the PV's free text, the audit head. */
export function csbP22Input(ctx: AppContext, out: Extract<CsbOutcome, { kind: 'result' }>, creationDateTime: string): P22Input {
  const e = requireCsb(ctx);
  const pv = loadPvDetails(ctx).details;
  const head = auditHead(ctx.db);
  const hashOf = (kind: CsbFile['kind']): string | null => {
    const f = out.files.find((x) => x.kind === kind);
    return f ? sha256Hex(f.bytes) : null;
  };
  return {
    election: { id: e.election_id, name: e.name, date: e.election_date },
    area: out.area,
    result: out.result,
    kieskringen: out.kieskringCounts,
    parameters: out.parameters,
    corrections: csbCorrections(ctx),
    lots: csbLotsForPv(ctx),
    countHash: hashOf('eml510d'),
    emlHash: hashOf('eml520'),
    createdAt: creationDateTime,
    session: pv.session,
    members: pv.members,
    objections: pv.objections,
    remarks: pv.remarks,
    auditHead: head.hash === null ? null : { length: head.length, hash: head.hash },
    ...(e.practice === 1 ? { practice: true } : {}),
  };
}

/**
 * What the PV says besides the result, to compare what was rendered with the state it is stored
 * with: corrections, lots, the PV's free text (the result itself is compared by its files).
 */
export function p22Fingerprint(input: P22Input): string {
  const { corrections, lots, session, members, objections, remarks, practice } = input;
  return JSON.stringify({ corrections, lots, session, members, objections, remarks, practice: practice === true });
}
