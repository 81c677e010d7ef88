/**
 * Phase 3 (domain.md §7, §8; guide steps 10-13): the PV's free-text parts, finalisation readiness,
 * and the one all-or-nothing creation of the HSB's files: EML 510c, PV O 3 (PDF and ODT), the
 * signed kieskring zip, the kiesraad zip and the CSV "OSV 4-3 Tellingsoverzicht".
 * A gemeente installation (stemgebied GEMEENTE, domain.md §9) creates instead: EML 510b (one
 * ReportingUnitVotes per polling station), its PV "Proces-verbaal van de uitslag van de gemeente"
 * (PDF and ODT), the signed gemeente zip for the HSB and the CSV with the polling stations as columns.
 *
 * Rendering (`renderDocuments`) is pure apart from CPU: it takes plain data (counts, lists, free
 * text, the creation time and the own key) and returns the files. The PV's PDF is laid out by Typst in
 * the render worker, a thread started with the server and kept (this same module is its entry point),
 * so other users keep being served meanwhile; the other files are made beside it. Storing is one transaction: a set of documents exists completely or not
 * at all. Stored files never change (table triggers); going back from phase 3 voids the valid set
 * (trigger on the phase-change audit record, migration 3).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { signDetached } from '../crypto/cms.ts';
import { HSB, installationOf, type Installation } from '../domain/installation.ts';
import { UNIT_STATE_TEXT, type UnitState } from '../domain/doubleEntry.ts';
import type { CandidateLists } from '../domain/election.ts';
import { sumCounts, type VoteCounts } from '../domain/counts.ts';
import { fileNamePart } from '../domain/election.ts';
import { formatHash } from '../domain/hashcode.ts';
import { fail, ok, type Result } from '../domain/result.ts';
import {
  writeEml510b,
  writeEml510c,
  type ElectionIdentifierInput,
  type MunicipalityCounts,
  type PollingStationCounts,
} from '../eml/eml510write.ts';
import { sha256Hex } from '../eml/hash.ts';
import { osv43CsvGemeente, osv43CsvHsb } from '../reports/csv.ts';
import { buildGemeentePvModel, gemeentePvOdtFile, gemeentePvPdf, type GemeentePvInput } from '../reports/o3/gemeente.ts';
import { buildO3Model, type O3Input, type O3Model } from '../reports/o3/model.ts';
import { o3Odt } from '../reports/o3/odt.ts';
import { o3Pdf } from '../reports/o3/pdf.ts';
import { amsterdamWallClock } from '../transfer/wallClock.ts';
import { compressOnce, transferEmlName, transferZipName, writeTransferZip, SIGNATURE_SUFFIX, type TransferZipEntry } from '../transfer/zip.ts';
import type { AppContext } from './context.ts';
import { completedUnits, reportingUnits } from './counts.ts';
import { auditHead } from './integrity.ts';
import { ApiError } from './http.ts';
import { buildP22Model, type P22Input } from '../reports/p22/model.ts';
import { p22Odt } from '../reports/p22/odt.ts';
import { p22Pdf } from '../reports/p22/pdf.ts';
import { candidateListsFile, eligibleVoters, installation, requireElection, stemgebiedOf } from './state.ts';
import { candidateListsVersionRows, electionVersionRows, storedLists } from './store/election.ts';
import {
  documentRows,
  documentSets,
  insertDocumentSet,
  pvDetailsVersion,
  readPvDetails,
  storedDocument,
  validDocumentSet,
  type DocumentSetRow,
  type PvDetails,
  type StoredDocument,
} from './store/documents.ts';
import { lastPhaseChangeId } from './store/audit.ts';
import { unitKinds, unitVersions } from './store/counts.ts';
import { getOwnKey } from './store/keys.ts';
import { eligibleVotersVersions, pollingStationVersions } from './store/pollingStations.ts';
import { userNames } from './store/users.ts';
import { isWorkerLoadFailure, workerBootstrapUrl, workerExecArgv } from './worker.ts';

// ---------------------------------------------------------------------------------------------
// Free-text parts of the PV ("Gegevens proces-verbaal")
// ---------------------------------------------------------------------------------------------

// (what they hold, PvDetails, is declared by its schema in the store: src/server/store/documents.ts)

export const EMPTY_PV_DETAILS: PvDetails = { session: { place: '', date: '', time: '' }, members: [], objections: null, remarks: null };

export function loadPvDetails(ctx: AppContext): { details: PvDetails; updatedAt: string | null } {
  return readPvDetails(ctx.db) ?? { details: EMPTY_PV_DETAILS, updatedAt: null };
}

/** What the PV still lacks before it can be made final (Dutch, for the screen). */
export function pvDetailsMissing(d: PvDetails, of: Installation = HSB): string[] {
  const missing: string[] = [];
  if (d.session.place.trim() === '') missing.push('plaats van de zitting');
  if (d.session.date.trim() === '') missing.push('datum van de zitting');
  if (d.session.time.trim() === '') missing.push('tijd van de zitting');
  if (d.members.length === 0) missing.push(`aanwezige leden van het ${of.body}`);
  return missing;
}

// ---------------------------------------------------------------------------------------------
// Readiness for finalisation
// ---------------------------------------------------------------------------------------------

export interface MunicipalityReadiness {
  readonly code: string;
  readonly name: string;
  readonly state: UnitState['kind'];
  readonly complete: boolean;
  /** Empty when complete; otherwise what is missing, in Dutch. */
  readonly missing: string;
}

/** Per reporting unit (a municipality, a polling station 'SB<n>' or a kieskring 'HSB<n>'): complete or what is missing. */
export function readiness(ctx: AppContext): MunicipalityReadiness[] {
  const kinds = unitKinds(ctx.db);
  return reportingUnits(ctx).map((m) => {
    const state = kinds.get(m.code) ?? 'empty';
    return { code: m.code, name: m.name, state, complete: state === 'complete', missing: UNIT_STATE_TEXT[state].missing };
  });
}

/** The agreed count of every complete municipality of the kieskring, by code (HSB). */
export function completedCounts(ctx: AppContext): MunicipalityCounts[] {
  return completedUnits(ctx)
    .filter((u) => u.kind === 'gemeente')
    .map((u) => ({ code: u.code, name: u.name, counts: u.counts }));
}

// ---------------------------------------------------------------------------------------------
// Rendering (pure apart from CPU; runs in a worker thread)
// ---------------------------------------------------------------------------------------------

export type DocumentKind =
  | 'eml510c'
  | 'o3_pdf'
  | 'o3_odt'
  | 'zip_kieskring'
  | 'zip_kiesraad'
  | 'csv_osv43'
  // a gemeente's set
  | 'eml510b'
  | 'pv_pdf'
  | 'pv_odt'
  | 'zip_gemeente'
  // the centraal stembureau's set (csb.ts)
  | 'eml510d'
  | 'eml520'
  | 'p22_pdf'
  | 'p22_odt'
  | 'csv';

/** Display order and Dutch labels of the document types. */
export const DOCUMENT_KINDS: readonly { readonly kind: DocumentKind; readonly label: string }[] = [
  { kind: 'eml510c', label: 'EML 510c (telling kieskring)' },
  { kind: 'o3_pdf', label: 'Proces-verbaal model O 3 (PDF)' },
  { kind: 'o3_odt', label: 'Proces-verbaal model O 3 (ODT)' },
  { kind: 'zip_kieskring', label: 'Overdrachtsbestand Teluitslagen (zip)' },
  { kind: 'zip_kiesraad', label: 'Overdrachtsbestand Kiesraad (zip)' },
  { kind: 'csv_osv43', label: 'OSV 4-3 Tellingsoverzicht (CSV)' },
];

/** The document types of a gemeente installation, in display order. */
export const GEMEENTE_DOCUMENT_KINDS: readonly { readonly kind: DocumentKind; readonly label: string }[] = [
  { kind: 'eml510b', label: 'EML 510b (telling gemeente)' },
  { kind: 'pv_pdf', label: 'Proces-verbaal uitslag gemeente (PDF)' },
  { kind: 'pv_odt', label: 'Proces-verbaal uitslag gemeente (ODT)' },
  { kind: 'zip_gemeente', label: 'Overdrachtsbestand voor het hoofdstembureau (zip)' },
  { kind: 'csv_osv43', label: 'OSV 4-3 Tellingsoverzicht (CSV)' },
];

/** The document types of a CSB installation (Vaststellen uitslag, csb.ts), in display order. */
export const CSB_DOCUMENT_KINDS: readonly { readonly kind: DocumentKind; readonly label: string }[] = [
  { kind: 'eml510d', label: 'EML 510d (totaaltelling)' },
  { kind: 'eml520', label: 'EML 520 (resultaat: zetelverdeling en gekozen kandidaten)' },
  { kind: 'p22_pdf', label: 'Proces-verbaal model P 22-1 (PDF)' },
  { kind: 'p22_odt', label: 'Proces-verbaal model P 22-1 (ODT)' },
  { kind: 'csv', label: 'Uitslag (CSV)' },
];

/** The document types per set of documents (src/domain/installation.ts `documents`). */
const KINDS_OF_SET: { readonly [S in Installation['documents']]: readonly { readonly kind: DocumentKind; readonly label: string }[] } = {
  o3: DOCUMENT_KINDS,
  gemeente: GEMEENTE_DOCUMENT_KINDS,
  // The CSB's files (Vaststellen uitslag, src/server/csb.ts).
  result: CSB_DOCUMENT_KINDS,
};

export function documentKindsOf(ctx: AppContext): readonly { readonly kind: DocumentKind; readonly label: string }[] {
  return KINDS_OF_SET[installation(ctx).documents];
}

/** The gemeente part of the render input (absent for an HSB). */
export interface GemeenteRenderInput {
  readonly municipality: { readonly code: string; readonly name: string };
  /** The municipality's Z. */
  readonly eligibleVoters: number;
  /** Every polling station's agreed count, by number; `name` as stored (see stationEmlName). */
  readonly pollingStations: readonly PollingStationCounts[];
}

export interface RenderInput {
  readonly election: ElectionIdentifierInput;
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly candidateLists: CandidateLists;
  readonly municipalities: readonly MunicipalityCounts[];
  readonly pv: PvDetails;
  /** The instant of creation (ISO, UTC); written as Europe/Amsterdam local time. */
  readonly createdAt: string;
  /** null for a concept preview of the O 3 PDF (nothing else is rendered). */
  readonly key: { readonly privateKeyPem: string; readonly certificatePem: string } | null;
  /** Set for a gemeente installation: then the 510b set is rendered (`municipalities` is ignored). */
  readonly gemeente?: GemeenteRenderInput;
  /** The audit chain's head when the input was gathered (final documents): printed on the PV. */
  readonly auditHead?: { readonly length: number; readonly hash: string } | null;
  /** Practice mode: PV, CSV and every file name marked "OEFENING" (the 510c/510b bytes stay as in a real run). */
  readonly practice?: boolean;
}

export interface RenderedFile {
  readonly kind: DocumentKind;
  readonly fileName: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export type RenderStage = 'eml' | 'pdf' | 'odt' | 'csv' | 'signature' | 'zips' | 'done';
export type RenderProgress = (stage: RenderStage, progress: number) => void;

/** 'yyyy-mm-ddThh:mm:ss.mmm' in Dutch local time (the form of kr:CreationDateTime in the official files). */
export function localDateTime(instant: Date): string {
  const t = amsterdamWallClock(instant);
  const two = (n: number): string => String(n).padStart(2, '0');
  const ms = String(instant.getUTCMilliseconds()).padStart(3, '0');
  return `${t.year}-${two(t.month)}-${two(t.day)}T${two(t.hour)}:${two(t.minute)}:${two(t.second)}.${ms}`;
}

/**
 * 'osv4-3_telling_tk2021_kieskring_lelystad.csv' (as the Kiesraad names its CSV files;
 * 'osv4-3_telling_tk2025_gemeente_westmaasenwaal.csv' for a gemeente).
 */
export function csvFileName(electionId: string, kieskringName: string, level: 'kieskring' | 'gemeente' = 'kieskring'): string {
  const flat = kieskringName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '');
  return `osv4-3_telling_${electionId.toLowerCase()}_${level}_${flat}.csv`;
}

/** 'Proces-verbaal_TK2021_gemeente_Almere.pdf' (the gemeente's PV). */
export function gemeentePvFileName(electionId: string, name: string, ext: 'pdf' | 'odt', concept = false): string {
  return `${concept ? 'CONCEPT_' : ''}Proces-verbaal_${electionId}_gemeente_${fileNamePart(name)}.${ext}`;
}

/**
 * The name of a polling station as the 510b writes it (ReportingUnitIdentifier, before
 * " (postcode: …)"): the real TK2023 and TK2025 files write every station as "Stembureau <name>"
 * and the CSV column drops that word again. A stored name that already starts with "Stembureau "
 * or "Briefstembureau " is written as is; otherwise "Stembureau " is put in front.
 */
export function stationEmlName(name: string): string {
  return /^(?:Stembureau|Briefstembureau) /.test(name) ? name : `Stembureau ${name}`;
}

/** The municipality total of a gemeente: the sum of its polling stations, with Z = its eligible voters. */
export function gemeenteTotal(g: GemeenteRenderInput): VoteCounts {
  return { ...sumCounts(g.pollingStations.map((s) => s.counts)), cast: g.eligibleVoters };
}

export function o3FileName(electionId: string, kieskringName: string, ext: 'pdf' | 'odt', concept = false): string {
  return `${concept ? 'CONCEPT_' : ''}Model_O3_${electionId}_kieskring_${transferEmlName(electionId, 'kieskring', kieskringName).replace(/^Telling_[^_]+_kieskring_/, '').replace(/\.eml\.xml$/, '')}.${ext}`;
}

function o3Input(input: RenderInput, emlHash: string | null): O3Input {
  return {
    election: { id: input.election.id, name: input.election.name, date: input.election.date },
    kieskring: input.kieskring,
    candidateLists: input.candidateLists,
    municipalities: input.municipalities,
    session: input.pv.session,
    members: input.pv.members,
    objections: input.pv.objections,
    remarks: input.pv.remarks,
    emlHash,
    createdAt: localDateTime(new Date(input.createdAt)),
    auditHead: input.auditHead ?? null,
  };
}

function gemeentePvInput(input: RenderInput, g: GemeenteRenderInput, emlHash: string | null): GemeentePvInput {
  return {
    election: { id: input.election.id, name: input.election.name, date: input.election.date },
    gemeente: g.municipality,
    kieskring: input.kieskring,
    candidateLists: input.candidateLists,
    eligibleVoters: g.eligibleVoters,
    pollingStations: g.pollingStations,
    session: input.pv.session,
    members: input.pv.members,
    objections: input.pv.objections,
    remarks: input.pv.remarks,
    emlHash,
    createdAt: localDateTime(new Date(input.createdAt)),
    auditHead: input.auditHead ?? null,
  };
}

/** The gemeente's 510b (polling station names as written in the EML). */
function gemeenteEml(input: RenderInput, g: GemeenteRenderInput, creationDateTime: string): Result<Buffer> {
  return writeEml510b({
    election: input.election,
    municipality: g.municipality,
    kieskring: input.kieskring,
    candidateLists: input.candidateLists,
    total: gemeenteTotal(g),
    pollingStations: emlStations(g),
    creationDateTime,
  });
}

/** The gemeente's OSV 4-3 CSV (polling station names as in the EML). */
function gemeenteCsv(input: RenderInput, g: GemeenteRenderInput): Buffer {
  return osv43CsvGemeente({
    electionName: csvElectionName(input),
    electionDate: input.election.date,
    municipality: g.municipality,
    candidateLists: input.candidateLists,
    total: gemeenteTotal(g),
    pollingStations: emlStations(g),
  });
}

function emlStations(g: GemeenteRenderInput): PollingStationCounts[] {
  return g.pollingStations.map((s) => ({ ...s, name: stationEmlName(s.name) }));
}

/** The kieskring's 510c. */
function kieskringEml(input: RenderInput, creationDateTime: string): Result<Buffer> {
  return writeEml510c({
    election: input.election,
    kieskring: input.kieskring,
    candidateLists: input.candidateLists,
    municipalities: input.municipalities,
    creationDateTime,
  });
}

/** The kieskring's OSV 4-3 CSV. */
function kieskringCsv(input: RenderInput): Buffer {
  return osv43CsvHsb({
    electionName: csvElectionName(input),
    electionDate: input.election.date,
    kieskring: input.kieskring,
    candidateLists: input.candidateLists,
    municipalities: input.municipalities,
  });
}

// ---------------------------------------------------------------------------------------------
// Practice mode ("OEFENING"): nothing made in practice can pass for the real thing
// ---------------------------------------------------------------------------------------------

export const PRACTICE_MARK = 'OEFENING';

/** The PV model of a practice run: "OEFENING" in the title and as watermark on every page. */
function practiceModel<M extends { readonly title: string }>(input: Pick<RenderInput, 'practice'>, m: M): M {
  return input.practice ? { ...m, title: `${PRACTICE_MARK} – ${m.title}`, practice: true } : m;
}

/** The election name in a practice run's CSV. */
function csvElectionName(input: RenderInput): string {
  return input.practice ? `${PRACTICE_MARK} – ${input.election.name}` : input.election.name;
}

/** A file name of a practice run: 'OEFENING_Telling_TK2021_kieskring_Lelystad.zip'. */
export function practiceFileName(input: Pick<RenderInput, 'practice'>, name: string): string {
  return input.practice ? `${PRACTICE_MARK}_${name}` : name;
}

function markPracticeFiles(input: RenderInput, files: RenderedFile[]): RenderedFile[] {
  return input.practice ? files.map((f) => ({ ...f, fileName: practiceFileName(input, f.fileName) })) : files;
}

/** A PV's PDF, its rendering failure as `documents.render` with the given Dutch message. */
function pvPdfOrFail(pdf: Result<Buffer>, message: string): Result<Buffer> {
  return pdf.ok ? pdf : fail('documents.render', message, `${pdf.code}: ${pdf.message} ${pdf.detail ?? ''}`);
}

/** The zip entries of a signed count file: the EML and its detached signature. */
function signedEmlEntries(emlName: string, eml: Buffer, signature: Buffer): TransferZipEntry[] {
  return [
    { name: emlName, data: eml },
    { name: emlName + SIGNATURE_SUFFIX, data: signature },
  ];
}

const CONCEPT_PDF_FAILED = 'Het concept-proces-verbaal kon niet worden gemaakt.';
const PDF_FAILED = 'Het proces-verbaal (PDF) kon niet worden gemaakt.';

/** The concept O 3 (watermark, no hash); for a gemeente its concept PV. */
export function renderConceptPdf(input: RenderInput): Result<RenderedFile> {
  const r = conceptPdf(input);
  return r.ok ? ok(markPracticeFiles(input, [r.value])[0]!) : r;
}

function conceptPdf(input: RenderInput): Result<RenderedFile> {
  const g = input.gemeente;
  if (g) {
    const built = buildGemeentePvModel(gemeentePvInput(input, g, null));
    if (!built.ok) return built;
    const model = { ...built, value: practiceModel(input, built.value) };
    const pdf = pvPdfOrFail(gemeentePvPdf(model.value), CONCEPT_PDF_FAILED);
    if (!pdf.ok) return pdf;
    return ok({ kind: 'pv_pdf', fileName: gemeentePvFileName(input.election.id, g.municipality.name, 'pdf', true), contentType: 'application/pdf', bytes: pdf.value });
  }
  const built = buildO3Model(o3Input(input, null));
  if (!built.ok) return built;
  const model = { ...built, value: practiceModel(input, built.value) };
  const pdf = pvPdfOrFail(o3Pdf(model.value), CONCEPT_PDF_FAILED);
  if (!pdf.ok) return pdf;
  return ok({ kind: 'o3_pdf', fileName: o3FileName(input.election.id, input.kieskring.name, 'pdf', true), contentType: 'application/pdf', bytes: pdf.value });
}

/** The formats of a concept preview: the PV (PDF, ODT), the count file (510c/510b) and the CSV. */
export type ConceptFormat = 'pdf' | 'odt' | 'eml' | 'csv';
export const CONCEPT_FORMATS: readonly ConceptFormat[] = ['pdf', 'odt', 'eml', 'csv'];

/**
 * One concept file, built from the currently completed units and never stored: the PV with
 * CONCEPT in its header and no hash (PDF or ODT), or the 510c/510b and the CSV exactly as they
 * would be (marked only by the "CONCEPT_" file name and the X-Document-Status header).
 */
export async function renderConcept(input: RenderInput, format: ConceptFormat): Promise<Result<RenderedFile>> {
  const r = await conceptFile(input, format);
  return r.ok ? ok(markPracticeFiles(input, [r.value])[0]!) : r;
}

async function conceptFile(input: RenderInput, format: ConceptFormat): Promise<Result<RenderedFile>> {
  if (format === 'pdf') return conceptPdf(input);
  const id = input.election.id;
  const creationDateTime = localDateTime(new Date(input.createdAt));
  const g = input.gemeente;
  if (g) {
    const name = g.municipality.name;
    if (format === 'odt') {
      const built = buildGemeentePvModel(gemeentePvInput(input, g, null));
      if (!built.ok) return built;
      const model = { ...built, value: practiceModel(input, built.value) };
      const odt = await gemeentePvOdtFile(model.value);
      return ok({ kind: 'pv_odt', fileName: gemeentePvFileName(id, name, 'odt', true), contentType: 'application/vnd.oasis.opendocument.text', bytes: odt });
    }
    if (format === 'eml') {
      const eml = gemeenteEml(input, g, creationDateTime);
      if (!eml.ok) return eml;
      return ok({ kind: 'eml510b', fileName: `CONCEPT_${transferEmlName(id, 'gemeente', name)}`, contentType: 'application/xml', bytes: eml.value });
    }
    const csv = gemeenteCsv(input, g);
    return ok({ kind: 'csv_osv43', fileName: `CONCEPT_${csvFileName(id, name, 'gemeente')}`, contentType: 'text/csv; charset=utf-8', bytes: csv });
  }
  const k = input.kieskring;
  if (format === 'odt') {
    const built = buildO3Model(o3Input(input, null));
    if (!built.ok) return built;
    const model = { ...built, value: practiceModel(input, built.value) };
    const odt = await o3Odt(model.value);
    return ok({ kind: 'o3_odt', fileName: o3FileName(id, k.name, 'odt', true), contentType: 'application/vnd.oasis.opendocument.text', bytes: odt });
  }
  if (format === 'eml') {
    const eml = kieskringEml(input, creationDateTime);
    if (!eml.ok) return eml;
    return ok({ kind: 'eml510c', fileName: `CONCEPT_${transferEmlName(id, 'kieskring', k.name)}`, contentType: 'application/xml', bytes: eml.value });
  }
  const csv = kieskringCsv(input);
  return ok({ kind: 'csv_osv43', fileName: `CONCEPT_${csvFileName(id, k.name)}`, contentType: 'text/csv; charset=utf-8', bytes: csv });
}

/** A PV to lay out as PDF (Typst): the O 3 of the HSB, or the gemeente's PV. */
export type PdfJob = { readonly kind: 'o3'; readonly model: O3Model } | { readonly kind: 'gemeente'; readonly model: O3Model };

/** Lays out a PV as PDF: in this thread (`pdfInThread`) or in the pre-started render worker. */
export type PdfRenderer = (job: PdfJob) => Promise<Result<Buffer>>;

export function pdfInThread(job: PdfJob): Result<Buffer> {
  return job.kind === 'o3' ? o3Pdf(job.model) : gemeentePvPdf(job.model);
}

const pdfHere: PdfRenderer = async (job) => pdfInThread(job);

/** Let other work of this thread run between two stages. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * All six files, in DOCUMENT_KINDS order (a gemeente: its five files, in GEMEENTE_DOCUMENT_KINDS order).
 * `pdf` lays out the PV; it is started as soon as the model exists, and the ODT, CSV, signature and
 * first zip are made while it runs (issue 13: with the render worker, on the other core).
 */
export async function renderDocuments(input: RenderInput, progress: RenderProgress = () => {}, pdf: PdfRenderer = pdfHere): Promise<Result<RenderedFile[]>> {
  const r = await renderDocumentFiles(input, progress, pdf);
  return r.ok ? ok(markPracticeFiles(input, r.value)) : r;
}

async function renderDocumentFiles(input: RenderInput, progress: RenderProgress, pdfOf: PdfRenderer): Promise<Result<RenderedFile[]>> {
  if (!input.key) return fail('documents.no_key', 'Er is geen eigen sleutel om het telbestand te ondertekenen.');
  if (input.gemeente) return renderGemeenteDocuments(input, input.gemeente, input.key, progress, pdfOf);
  const id = input.election.id;
  const k = input.kieskring;
  const created = new Date(input.createdAt);
  progress('eml', 0.05);
  const eml = kieskringEml(input, localDateTime(created));
  if (!eml.ok) return eml;
  const emlHash = sha256Hex(eml.value);
  const built = buildO3Model(o3Input(input, emlHash));
  if (!built.ok) return built;
  const model = { ...built, value: practiceModel(input, built.value) };
  progress('pdf', 0.15);
  const pdfDone = pdfOf({ kind: 'o3', model: model.value });
  await nextTurn();
  progress('odt', 0.2);
  const odt = await o3Odt(model.value);
  await nextTurn();
  progress('csv', 0.3);
  const csv = kieskringCsv(input);
  await nextTurn();
  progress('signature', 0.35);
  const signature = signDetached(eml.value, input.key.privateKeyPem, input.key.certificatePem);
  progress('zips', 0.4);
  const emlName = transferEmlName(id, 'kieskring', k.name);
  const pdfName = o3FileName(id, k.name, 'pdf');
  const csvName = csvFileName(id, k.name);
  // Both zips hold the 510c: compressed once.
  compressOnce(eml.value);
  const signed = signedEmlEntries(emlName, eml.value, signature);
  const zipKieskring = await writeTransferZip(signed, { mtime: created });
  progress('pdf', 0.5);
  const pdf = pvPdfOrFail(await pdfDone, PDF_FAILED);
  if (!pdf.ok) return pdf;
  progress('zips', 0.9);
  const zipKiesraad = await writeTransferZip(
    [...signed, { name: practiceFileName(input, pdfName), data: pdf.value }, { name: practiceFileName(input, csvName), data: csv }],
    { mtime: created },
  );
  progress('done', 1);
  return ok([
    { kind: 'eml510c', fileName: emlName, contentType: 'application/xml', bytes: eml.value },
    { kind: 'o3_pdf', fileName: pdfName, contentType: 'application/pdf', bytes: pdf.value },
    { kind: 'o3_odt', fileName: o3FileName(id, k.name, 'odt'), contentType: 'application/vnd.oasis.opendocument.text', bytes: odt },
    { kind: 'zip_kieskring', fileName: transferZipName(id, 'kieskring', k.name), contentType: 'application/zip', bytes: zipKieskring },
    { kind: 'zip_kiesraad', fileName: transferZipName(id, 'kiesraad', k.name), contentType: 'application/zip', bytes: zipKiesraad },
    { kind: 'csv_osv43', fileName: csvName, contentType: 'text/csv; charset=utf-8', bytes: csv },
  ]);
}

/** The gemeente's files: 510b, PV (PDF, ODT), the signed zip for the HSB, the CSV. */
async function renderGemeenteDocuments(
  input: RenderInput,
  g: GemeenteRenderInput,
  key: { readonly privateKeyPem: string; readonly certificatePem: string },
  progress: RenderProgress,
  pdfOf: PdfRenderer,
): Promise<Result<RenderedFile[]>> {
  const id = input.election.id;
  const name = g.municipality.name;
  const created = new Date(input.createdAt);
  progress('eml', 0.05);
  const eml = gemeenteEml(input, g, localDateTime(created));
  if (!eml.ok) return eml;
  const emlHash = sha256Hex(eml.value);
  const built = buildGemeentePvModel(gemeentePvInput(input, g, emlHash));
  if (!built.ok) return built;
  const model = { ...built, value: practiceModel(input, built.value) };
  progress('pdf', 0.15);
  const pdfDone = pdfOf({ kind: 'gemeente', model: model.value });
  await nextTurn();
  progress('odt', 0.2);
  const odt = await gemeentePvOdtFile(model.value);
  await nextTurn();
  progress('csv', 0.3);
  const csv = gemeenteCsv(input, g);
  await nextTurn();
  progress('signature', 0.35);
  const signature = signDetached(eml.value, key.privateKeyPem, key.certificatePem);
  progress('zips', 0.4);
  const emlName = transferEmlName(id, 'gemeente', name);
  const zip = await writeTransferZip(signedEmlEntries(emlName, eml.value, signature), { mtime: created });
  progress('pdf', 0.5);
  const pdf = pvPdfOrFail(await pdfDone, PDF_FAILED);
  if (!pdf.ok) return pdf;
  progress('done', 1);
  return ok([
    { kind: 'eml510b', fileName: emlName, contentType: 'application/xml', bytes: eml.value },
    { kind: 'pv_pdf', fileName: gemeentePvFileName(id, name, 'pdf'), contentType: 'application/pdf', bytes: pdf.value },
    { kind: 'pv_odt', fileName: gemeentePvFileName(id, name, 'odt'), contentType: 'application/vnd.oasis.opendocument.text', bytes: odt },
    { kind: 'zip_gemeente', fileName: transferZipName(id, 'gemeente', name), contentType: 'application/zip', bytes: zip },
    { kind: 'csv_osv43', fileName: csvFileName(id, name, 'gemeente'), contentType: 'text/csv; charset=utf-8', bytes: csv },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Gathering the input from the database
// ---------------------------------------------------------------------------------------------

/** The candidate lists as stored in phase 1, in the shape the writers need. */
export async function storedCandidateLists(ctx: AppContext): Promise<CandidateLists> {
  const e = requireElection(ctx);
  const file = candidateListsFile(ctx);
  if (!file) throw new ApiError(409, 'election.no_lists', 'De kandidatenlijsten zijn nog niet geïmporteerd.');
  return {
    electionId: e.election_id,
    electionName: e.name,
    electionCategory: e.category,
    electionDate: e.election_date,
    contestId: file.contest_id,
    contestName: file.contest_name,
    affiliations: storedLists(ctx.db).affiliations,
  };
}

export async function ownKeyPair(ctx: AppContext): Promise<{ privateKeyPem: string; certificatePem: string }> {
  const row = getOwnKey(ctx.db);
  if (!row) {
    throw new ApiError(
      409,
      'documents.no_key',
      'Er is nog geen eigen sleutelpaar. De beheerder maakt dit aan met "Ophalen (downloaden) publieke sleutel" in het menu Verkiezing; daarmee wordt het telbestand ondertekend.',
    );
  }
  try {
    const privateKeyPem = await readFile(path.join(ctx.keysDir, path.basename(row.private_key_file)), 'utf8');
    return { privateKeyPem, certificatePem: row.certificate_pem };
  } catch (e) {
    throw new ApiError(409, 'documents.key_unreadable', 'De eigen privésleutel kan niet worden gelezen uit de gegevensmap.', (e as Error).message);
  }
}

/**
 * The gemeente part of the render input from the database: the completed polling stations (by
 * number) and the municipality's eligible voters (0 when not entered: only a concept can then be
 * made, since finalising needs them).
 */
export function gatherGemeenteInput(ctx: AppContext): GemeenteRenderInput | undefined {
  const s = stemgebiedOf(requireElection(ctx));
  if (s.category !== 'GEMEENTE') return undefined;
  return {
    municipality: { code: s.code, name: s.name },
    eligibleVoters: eligibleVoters(ctx)?.count ?? 0,
    pollingStations: completedUnits(ctx).map((u) => ({ number: u.number, name: u.name, postcode: u.postcode, counts: u.counts })),
  };
}

export async function gatherRenderInput(ctx: AppContext, now: Date, withKey: boolean): Promise<RenderInput> {
  const e = requireElection(ctx);
  if (installationOf(e.stemgebied_category).documents === 'result') {
    // The CSB's files are the 510d, the 520 and the CSV of the result (src/server/csb.ts).
    throw new ApiError(409, 'stemgebied.csb', 'Een centraal stembureau maakt deze documenten niet; het stelt de uitslag vast (Vaststellen uitslag).');
  }
  const gemeente = gatherGemeenteInput(ctx);
  return {
    election: { id: e.election_id, name: e.name, category: e.category, subcategory: e.subcategory, date: e.election_date },
    kieskring: { number: e.kieskring_number, name: e.kieskring_name },
    candidateLists: await storedCandidateLists(ctx),
    municipalities: gemeente ? [] : completedCounts(ctx),
    pv: loadPvDetails(ctx).details,
    createdAt: now.toISOString(),
    key: withKey ? await ownKeyPair(ctx) : null,
    ...(gemeente ? { gemeente } : {}),
    ...(withKey ? { auditHead: finalAuditHead(ctx) } : {}),
    ...(e.practice === 1 ? { practice: true } : {}),
  };
}

function finalAuditHead(ctx: AppContext): { length: number; hash: string } | null {
  const h = auditHead(ctx.db);
  return h.hash === null ? null : { length: h.length, hash: h.hash };
}

// ---------------------------------------------------------------------------------------------
// The snapshot: the version of every input, recorded when gathering, compared when storing
// ---------------------------------------------------------------------------------------------

/**
 * What the documents are made of, as versions: per reporting unit its count_units version (0 when it
 * has no row), the last phase change, the election definition, the candidate lists, the PV details,
 * the polling stations and eligible voters (gemeente) and the own key. Documents are stored only if
 * every one of them is still the same (`changedInputs`), so a stored set is a pure function of the
 * state it is stored with.
 */
export interface InputVersions {
  readonly units: Readonly<Record<string, number>>;
  readonly phaseRecord: number;
  readonly election: string;
  readonly lists: string;
  readonly pv: string;
  readonly pollingStations: string;
  readonly eligibleVoters: string;
  readonly ownKey: string;
}

export function inputVersions(ctx: AppContext): InputVersions {
  const units: Record<string, number> = {};
  for (const r of unitVersions(ctx.db)) {
    units[r.code] = r.version;
  }
  return {
    units,
    phaseRecord: lastPhaseChangeId(ctx.db) ?? 0,
    election: JSON.stringify(electionVersionRows(ctx.db)),
    lists: JSON.stringify(candidateListsVersionRows(ctx.db)),
    pv: pvDetailsVersion(ctx.db),
    pollingStations: JSON.stringify(pollingStationVersions(ctx.db)),
    eligibleVoters: JSON.stringify(eligibleVotersVersions(ctx.db)),
    ownKey: getOwnKey(ctx.db)?.fingerprint ?? '',
  };
}

/** What changed between two snapshots, in Dutch (empty: nothing). */
export function changedInputs(ctx: AppContext, before: InputVersions, now: InputVersions): string[] {
  const out: string[] = [];
  const codes = [...new Set([...Object.keys(before.units), ...Object.keys(now.units)])].sort();
  const changedUnits = codes.filter((c) => (before.units[c] ?? 0) !== (now.units[c] ?? 0));
  if (changedUnits.length > 0) {
    const names = new Map(reportingUnits(ctx).map((u) => [u.code, u.kind === 'stembureau' ? `stembureau ${u.number}` : `${u.name} (${u.code})`]));
    out.push(`de steminvoer van ${changedUnits.map((c) => names.get(c) ?? c).join(', ')}`);
  }
  if (before.phaseRecord !== now.phaseRecord) out.push('de fase van het verkiezingsproces');
  if (before.election !== now.election) out.push('de verkiezingsdefinitie');
  if (before.lists !== now.lists) out.push('de kandidatenlijsten');
  if (before.pv !== now.pv) out.push('de gegevens van het proces-verbaal');
  if (before.pollingStations !== now.pollingStations) out.push('de stembureaus');
  if (before.eligibleVoters !== now.eligibleVoters) out.push('het aantal kiesgerechtigden');
  if (before.ownKey !== now.ownKey) out.push('de eigen sleutel');
  return out;
}

/**
 * Documents are never signed with a certificate that is not valid at `at` (clear message; nothing is
 * made or stored).
 */
export function requireValidOwnCertificate(ctx: AppContext, at: Date): void {
  const row = getOwnKey(ctx.db);
  if (!row) return; // ownKeyPair() refuses with its own message
  const when = (iso: string) => localDateTime(new Date(iso)).slice(0, 16).replace('T', ' ');
  if (at.getTime() < new Date(row.not_before).getTime()) {
    throw new ApiError(
      409,
      'documents.certificate_not_yet_valid',
      `Het eigen certificaat is pas geldig vanaf ${when(row.not_before)}; de klok van deze computer staat daarvóór (${when(at.toISOString())}). Er wordt niets ondertekend of opgeslagen. Controleer de datum en tijd van de computer.`,
      `not_before ${row.not_before}, now ${at.toISOString()}`,
    );
  }
  if (at.getTime() > new Date(row.not_after).getTime()) {
    throw new ApiError(
      409,
      'documents.certificate_expired',
      `Het eigen certificaat is verlopen op ${when(row.not_after)}. Met een verlopen certificaat wordt niets ondertekend; er is niets opgeslagen.`,
      `not_after ${row.not_after}, now ${at.toISOString()}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Storing and listing
// ---------------------------------------------------------------------------------------------

// (the statements on document_sets and documents are in src/server/store/documents.ts)

export function validSet(ctx: AppContext): DocumentSetRow | undefined {
  return validDocumentSet(ctx.db);
}

export function storeDocumentSet(ctx: AppContext, files: readonly RenderedFile[], createdAt: Date, creationDateTime: string, userId: number): number {
  const eml = files.find((f) => f.kind === 'eml510c' || f.kind === 'eml510b');
  if (!eml) throw new Error('no 510c/510b among the rendered files');
  return insertDocumentSet(
    ctx.db,
    { createdAt, createdBy: userId, creationDateTime, emlHash: sha256Hex(eml.bytes) },
    files.map((f) => ({ kind: f.kind, fileName: f.fileName, contentType: f.contentType, bytes: f.bytes, sha256: sha256Hex(f.bytes) })),
  );
}

export function listDocuments(ctx: AppContext) {
  const sets = documentSets(ctx.db);
  const docs = documentRows(ctx.db);
  const users = new Map(userNames(ctx.db).map((u) => [u.id, u]));
  const label = new Map([...DOCUMENT_KINDS, ...GEMEENTE_DOCUMENT_KINDS, ...CSB_DOCUMENT_KINDS].map((d) => [d.kind, d.label]));
  return sets.map((s) => ({
    id: s.id,
    status: s.voided_at === null ? ('geldig' as const) : ('vervallen' as const),
    createdAt: s.created_at,
    createdBy: s.created_by !== null ? (users.get(s.created_by)?.username ?? null) : null,
    creationDateTime: s.creation_datetime,
    emlHash: formatHash(s.eml_hash),
    voidedAt: s.voided_at,
    voidedAuditId: s.voided_audit_id,
    documents: docs
      .filter((d) => d.set_id === s.id)
      .map((d) => ({
        id: d.id,
        kind: d.kind,
        label: label.get(d.kind) ?? d.kind,
        fileName: d.file_name,
        contentType: d.content_type,
        size: d.size,
        hash: formatHash(d.sha256),
        createdAt: d.created_at,
        status: s.voided_at === null ? ('geldig' as const) : ('vervallen' as const),
      })),
  }));
}

export function loadDocument(ctx: AppContext, id: number): StoredDocument | undefined {
  return storedDocument(ctx.db, id);
}

/** The file name a download carries: a void file's name starts with "VERVALLEN_". */
export function downloadName(d: Pick<StoredDocument, 'file_name' | 'voided_at'>): string {
  return d.voided_at === null ? d.file_name : `VERVALLEN_${d.file_name}`;
}

// ---------------------------------------------------------------------------------------------
// Worker thread
// ---------------------------------------------------------------------------------------------

const RENDER_INTERNAL = { code: 'documents.internal', message: 'De documenten konden niet worden gemaakt door een interne fout.' } as const;

/** The file names of the PV P 22-1. */
export function p22FileName(electionId: string, ext: 'pdf' | 'odt'): string {
  return `Model_P22-1_${electionId}.${ext}`;
}

/** The CSB's PV P 22-1 as PDF and ODT (pure apart from CPU; runs in the worker thread). */
export async function renderP22(input: P22Input, progress: RenderProgress = () => {}): Promise<Result<RenderedFile[]>> {
  progress('pdf', 0.1);
  const built = buildP22Model(input);
  if (!built.ok) return built;
  const model = practiceModel(input, built.value); // practice: "OEFENING" in the title too, as the O 3
  const pdf = pvPdfOrFail(p22Pdf(model), PDF_FAILED);
  if (!pdf.ok) return pdf;
  progress('odt', 0.7);
  const odt = await p22Odt(model);
  progress('done', 1);
  return ok([
    { kind: 'p22_pdf', fileName: practiceFileName({ practice: input.practice === true }, p22FileName(input.election.id, 'pdf')), contentType: 'application/pdf', bytes: pdf.value },
    { kind: 'p22_odt', fileName: practiceFileName({ practice: input.practice === true }, p22FileName(input.election.id, 'odt')), contentType: 'application/vnd.oasis.opendocument.text', bytes: odt },
  ]);
}

/** Render the PV P 22-1 in the render worker (in this thread when no worker can start). */
export async function renderP22InWorker(input: P22Input): Promise<Result<RenderedFile[]>> {
  try {
    return await renderWorker().p22(input);
  } catch (err) {
    return fail(RENDER_INTERNAL.code, RENDER_INTERNAL.message, String(err));
  }
}

/**
 * Test hook: when set, the final rendering runs this function in this thread instead of
 * `renderDocuments` (to prove that a failure midway stores nothing). Never set in production code.
 */
let renderHook: ((input: RenderInput, progress: RenderProgress) => Promise<Result<RenderedFile[]>>) | null = null;
export function setRenderHookForTests(hook: typeof renderHook): void {
  renderHook = hook;
}

/**
 * Render: the final set (the PV's PDF in the render worker, the other files meanwhile in this
 * thread: in phase 3 nobody types, and every stage is short) or one concept file (wholly in the
 * render worker). Without a worker everything runs in this thread.
 */
export async function renderInWorker(
  mode: 'final' | 'concept',
  input: RenderInput,
  progress: RenderProgress,
  format?: ConceptFormat,
): Promise<Result<RenderedFile[]>> {
  try {
    if (mode === 'final') {
      if (renderHook !== null) return await renderHook(input, progress);
      return await renderDocuments(input, progress, (job) => renderWorker().pdf(job));
    }
    return await renderWorker().concept(input, format ?? 'pdf');
  } catch (err) {
    return fail(RENDER_INTERNAL.code, RENDER_INTERNAL.message, String(err));
  }
}

// ---------------------------------------------------------------------------------------------
// The render worker: one thread, started with the server and kept (issue 13: a fresh worker per
// render cost 0.9 s before Typst began, then a cold compile). At start it lays out a small PV, so
// Typst's fonts and the template are loaded before the first real render. This module is its entry
// point. Messages: `{ id, task }` in, `{ id, result }` out.
// ---------------------------------------------------------------------------------------------

type WorkerTask =
  | { readonly type: 'pdf'; readonly job: PdfJob }
  | { readonly type: 'concept'; readonly input: RenderInput; readonly format: ConceptFormat }
  /** The CSB's PV P 22-1 (the national result travels by structured clone: Maps and bigints included). */
  | { readonly type: 'p22'; readonly input: P22Input };

interface TaskMessage {
  readonly id: number;
  readonly task: WorkerTask;
}
interface ResultMessage {
  readonly id: number;
  readonly result: Result<Buffer> | Result<RenderedFile> | Result<RenderedFile[]>;
}

interface RenderWorker {
  pdf(job: PdfJob): Promise<Result<Buffer>>;
  concept(input: RenderInput, format: ConceptFormat): Promise<Result<RenderedFile[]>>;
  p22(input: P22Input): Promise<Result<RenderedFile[]>>;
  /** Settles once the worker has loaded Typst and laid out its warm-up PV (or is gone). */
  readonly ready: Promise<void>;
  /**
   * Ends the worker thread (server close, leaving phase 3); a later render starts a new one. With
   * `drain`, what it is rendering is finished first (a job then ends with its own message, e.g. that the
   * phase changed, instead of an internal error).
   */
  stop(drain?: boolean): Promise<void>;
}

/** Buffers arrive as Uint8Arrays. */
const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

let theWorker: RenderWorker | null = null;
let workersStarted = 0;

/** How many render worker threads this process started (one, unless one died). */
export function renderWorkersStarted(): number {
  return workersStarted;
}

/** The render worker (started when not yet running, e.g. after it died). */
function renderWorker(): RenderWorker {
  theWorker ??= startWorker();
  return theWorker;
}

/**
 * Start the render worker now (when phase 3 is entered, or at server start in phase 3), so the first
 * documents do not wait for it.
 */
export function startRenderWorker(): void {
  renderWorker();
}

/** Settles when the render worker (started if not running) is ready: Typst and its fonts loaded. */
export function renderWorkerReady(): Promise<void> {
  return renderWorker().ready;
}

/**
 * Stop the render worker (at server close, and on leaving phase 3: its Typst compiler and fonts are
 * ~45 MiB the count-file import should not have beside it): an idle worker thread would otherwise
 * keep the process alive after `serve` is asked to stop.
 */
export async function stopRenderWorker(opts: { readonly drain?: boolean } = {}): Promise<void> {
  const w = theWorker;
  theWorker = null;
  await w?.stop(opts.drain === true);
}

function inThread(): RenderWorker {
  return {
    pdf: async (job) => pdfInThread(job),
    concept: async (input, format) => {
      const r = await renderConcept(input, format);
      return r.ok ? ok([r.value]) : r;
    },
    p22: (input) => renderP22(input),
    ready: Promise.resolve(),
    stop: async () => {},
  };
}

function startWorker(): RenderWorker {
  const url = workerBootstrapUrl(new URL(import.meta.url));
  if (url === null) return inThread();
  let worker: Worker;
  try {
    worker = new Worker(url, { workerData: { uitslagRenderWorker: true }, resourceLimits: { maxOldGenerationSizeMb: 1024 }, execArgv: workerExecArgv() });
  } catch {
    return inThread();
  }
  workersStarted++;
  worker.unref();
  const pending = new Map<number, { readonly task: WorkerTask; readonly settle: (r: ResultMessage['result']) => void }>();
  let nextId = 1;
  let started = false;
  let fallback: RenderWorker | null = null;
  let markReady = (): void => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  /** Called when nothing is pending any more (a draining stop waits for it). */
  let drained: (() => void) | null = null;
  const settledAll = (): void => {
    const d = drained;
    drained = null;
    d?.();
  };
  worker.on('message', (m: ResultMessage | { readonly ready: true }) => {
    started = true;
    if ('ready' in m) return markReady();
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    p?.settle(m.result);
    if (pending.size === 0) settledAll();
  });
  worker.on('error', (err) => {
    markReady();
    if (theWorker === self) theWorker = null;
    const waiting = [...pending.values()];
    pending.clear();
    // The module cannot be loaded as a worker (e.g. an unknown file extension): render in this
    // thread, also what was already sent.
    if (!started && isWorkerLoadFailure(err)) {
      fallback = inThread();
      theWorker = fallback;
      for (const p of waiting) {
        void runTask(p.task)
          .catch((e: unknown): ResultMessage['result'] => fail(RENDER_INTERNAL.code, RENDER_INTERNAL.message, String(e)))
          .then(p.settle);
      }
      return;
    }
    for (const p of waiting) p.settle(fail(RENDER_INTERNAL.code, RENDER_INTERNAL.message, err.message));
    settledAll();
  });
  worker.on('exit', (code) => {
    markReady();
    if (theWorker === self) theWorker = null;
    for (const p of pending.values()) p.settle(fail(RENDER_INTERNAL.code, RENDER_INTERNAL.message, `render worker exited with ${code}`));
    pending.clear();
    settledAll();
  });
  const send = <R extends ResultMessage['result']>(task: WorkerTask): Promise<R> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, { task, settle: resolve as (r: ResultMessage['result']) => void });
      worker.ref();
      worker.postMessage({ id, task } satisfies TaskMessage);
    });
  const self: RenderWorker = {
    ready,
    pdf: async (job) => {
      if (fallback) return fallback.pdf(job);
      const r = await send<Result<Buffer>>({ type: 'pdf', job });
      return r.ok ? ok(asBuffer(r.value)) : r;
    },
    concept: async (input, format) => {
      if (fallback) return fallback.concept(input, format);
      const r = await send<Result<RenderedFile>>({ type: 'concept', input, format });
      return r.ok ? ok([{ ...r.value, bytes: asBuffer(r.value.bytes) }]) : r;
    },
    stop: async (drain = false) => {
      if (drain && pending.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      await worker.terminate();
    },
    p22: async (input) => {
      if (fallback) return fallback.p22(input);
      const r = await send<Result<RenderedFile[]>>({ type: 'p22', input });
      return r.ok ? ok(r.value.map((f) => ({ ...f, bytes: asBuffer(f.bytes) }))) : r;
    },
  };
  return self;
}

/** A small PV laid out once at the worker's start: loads Typst, its fonts and the template. */
function warmUp(): void {
  const counts: VoteCounts = {
    cast: 10,
    totalCounted: 1,
    rejected: { ongeldig: 0, blanco: 0 },
    uncounted: [],
    lists: [{ listNumber: 1, total: 1, candidates: [{ position: 1, votes: 1 }] }],
  };
  const lists: CandidateLists = {
    electionId: 'TK2021',
    electionName: 'Tweede Kamer',
    electionCategory: 'TK',
    electionDate: '2021-03-17',
    contestId: '1',
    contestName: 'Opwarmen',
    affiliations: [
      {
        listNumber: 1,
        registeredName: 'Lijst',
        type: 'x',
        publishGender: false,
        belongsToSet: null,
        candidates: [{ position: 1, initials: 'A.', firstName: null, prefix: null, lastName: 'B', gender: 'male', locality: null }],
      },
    ],
  };
  const m = buildO3Model({
    election: { id: lists.electionId, name: lists.electionName, date: lists.electionDate },
    kieskring: { number: 1, name: lists.contestName },
    candidateLists: lists,
    municipalities: [{ code: '0001', name: 'Opwarmen', counts }],
    session: { place: 'p', date: 'd', time: 't' },
    members: [{ name: 'n', role: 'r' }],
    objections: null,
    emlHash: '0'.repeat(64),
    createdAt: '2021-03-19T10:00:00.000',
  });
  if (m.ok) o3Pdf(m.value);
}

async function runTask(task: WorkerTask): Promise<ResultMessage['result']> {
  if (task.type === 'pdf') return pdfInThread(task.job);
  if (task.type === 'p22') return renderP22(task.input);
  return renderConcept(task.input, task.format);
}

if (!isMainThread && parentPort && (workerData as { uitslagRenderWorker?: boolean } | undefined)?.uitslagRenderWorker === true) {
  const port = parentPort;
  try {
    warmUp();
  } catch {
    // only a warm-up; the real render reports its own failure
  }
  port.postMessage({ ready: true });
  port.on('message', (m: TaskMessage) => {
    void runTask(m.task)
      .catch((err: unknown): ResultMessage['result'] => fail(RENDER_INTERNAL.code, RENDER_INTERNAL.message, String(err)))
      .then((result) => port.postMessage({ id: m.id, result } satisfies ResultMessage));
  });
}
