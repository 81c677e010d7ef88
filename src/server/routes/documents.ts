/**
 * Phase 3 routes: PV free text, finalisation ("Definitief maken & PV gebiedsuitslag"), the concept
 * preview, the one-step creation of the files, the documents overview and downloads, the CSV
 * export, the archive and the destruction.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { checkPhaseChange } from '../../domain/phases.ts';
import { formatHash } from '../../domain/hashcode.ts';
import { allCountsComplete, anyEntryExists, UnitStateKindDto } from '../counts.ts';
import { checkOwnPassword, throttledError } from './session.ts';
import { buildArchive, destroyElection, retentionDate, withinRetention } from '../archive.ts';
import { dutchDate } from '../../domain/dates.ts';
import { writeAudit } from '../audit.ts';
import { IntegrityAnswer, anchorAudit, integrityDto, integrityProblems, requireIntegrity } from '../integrity.ts';
import type { AppContext } from '../context.ts';
import {
  DOCUMENT_KINDS,
  documentKindsOf,
  downloadName,
  changedInputs,
  gatherRenderInput,
  inputVersions,
  listDocuments,
  loadDocument,
  loadPvDetails,
  localDateTime,
  pvDetailsMissing,
  readiness,
  renderInWorker,
  requireValidOwnCertificate,
  storeDocumentSet,
  validSet,
  type ConceptFormat,
  type RenderStage,
} from '../documents.ts';
import { ApiError, ErrorCodeDto, route, type SessionUser } from '../http.ts';
import type { ErrorCode } from '../../domain/errorCodes.ts';
import { lastArchiveCreate, type DocumentsCreateDetails } from '../store/audit.ts';
import { PvDetailsSchema, documentIdOfKind, savePvDetails } from '../store/documents.ts';
import { getUser, setPhase } from '../store/users.ts';
import { phaseWorkers } from '../phaseWorkers.ts';
import { JOB_WAIT_MS, JobWaitQuery, JobWatch } from '../jobWatch.ts';
import { actorOf, candidateListsFile, currentPhase, electionRow, eligibleVoters, installation, requireElection } from '../state.ts';
import type { FastifyReply } from 'fastify';

// ---------------------------------------------------------------------------------------------
// Jobs (one creation at a time per installation)
// ---------------------------------------------------------------------------------------------

interface DocumentJob {
  readonly id: string;
  readonly userId: number;
  stage: RenderStage | 'queued' | 'storing' | 'failed';
  progress: number;
  error: { code: ErrorCode; message: string } | null;
  setId: number | null;
  finished: boolean;
  /** Told after every change of the job (`?wait=1`, see `jobChange`). */
  readonly watch: JobWatch;
}

/** Tell whoever waits on this job (`?wait=1`) that it changed. */
function notify(j: DocumentJob): void {
  j.watch.changed();
}

const jobsByCtx = new WeakMap<AppContext, Map<string, DocumentJob>>();
const previewRunning = new WeakSet<AppContext>();

function jobsOf(ctx: AppContext): Map<string, DocumentJob> {
  let m = jobsByCtx.get(ctx);
  if (!m) jobsByCtx.set(ctx, (m = new Map()));
  return m;
}

function runningJob(ctx: AppContext): DocumentJob | undefined {
  return [...jobsOf(ctx).values()].find((j) => !j.finished);
}

/** The stage label; the count file is the installation's (an HSB's 510c, a gemeente's 510b). */
function stageLabel(ctx: AppContext, stage: DocumentJob['stage']): string {
  return stage === 'eml' ? `EML ${installation(ctx).countFile} aanmaken` : STAGE_LABELS[stage];
}

const JOB_STAGES = ['queued', 'eml', 'pdf', 'odt', 'csv', 'signature', 'zips', 'done', 'storing', 'failed'] as const satisfies readonly DocumentJob['stage'][];

const DocumentJobDto = z.object({
  jobId: z.string(),
  stage: z.enum(JOB_STAGES),
  progress: z.number(),
  finished: z.boolean(),
  error: z.object({ code: ErrorCodeDto, message: z.string() }).nullable(),
  setId: z.number().int().nullable(),
});


const Readiness = z.object({ code: z.string(), name: z.string(), state: UnitStateKindDto, complete: z.boolean(), missing: z.string() });

const FinaliseStatus = z.object({
  phase: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  ready: z.boolean(),
  complete: z.number().int(),
  total: z.number().int(),
  municipalities: z.array(Readiness),
  pvDetailsMissing: z.array(z.string()),
  documents: z.object({ setId: z.number().int(), createdAt: z.string(), emlHash: z.string() }).nullable(),
  running: DocumentJobDto.nullable(),
  integrity: IntegrityAnswer,
  unitKind: z.literal('stembureau').optional(),
  eligibleVotersMissing: z.boolean().optional(),
});

const PvDetailsAnswer = z.object({
  details: PvDetailsSchema,
  updatedAt: z.string().nullable(),
  missing: z.array(z.string()),
  editable: z.boolean(),
  reason: z.string().nullable(),
});

const DocumentStatus = z.enum(['geldig', 'vervallen']);

const DocumentsOverview = z.object({
  kinds: z.array(z.object({ kind: z.string(), label: z.string() }).readonly()).readonly(),
  sets: z.array(
    z.object({
      id: z.number().int(),
      status: DocumentStatus,
      createdAt: z.string(),
      createdBy: z.string().nullable(),
      creationDateTime: z.string(),
      emlHash: z.string(),
      voidedAt: z.string().nullable(),
      voidedAuditId: z.number().int().nullable(),
      documents: z.array(
        z.object({
          id: z.number().int(),
          kind: z.string(),
          label: z.string(),
          fileName: z.string(),
          contentType: z.string(),
          size: z.number().int(),
          hash: z.string(),
          createdAt: z.string(),
          status: DocumentStatus,
        }),
      ),
    }),
  ),
});

const LastArchive = z.object({ at: z.string(), fileName: z.string() }).nullable();

const ArchiveStatus = z.object({
  election: z.string().nullable(),
  retentionDate: z.string().nullable(),
  beforeRetention: z.boolean().nullable(),
  lastArchive: LastArchive,
  forceConfirmation: z.string(),
});

const DestroyResult = z.object({
  destroyed: z.boolean(),
  erased: z.record(z.string(), z.number()),
  keyFilesRemoved: z.number().int(),
  compacted: z.boolean(),
  logFilesCleared: z.number().int(),
  beforeRetention: z.boolean(),
  lastArchive: LastArchive,
});

/** Resolves when the job is finished or its stage changed, or after `maxMs`. */
function jobChange(j: DocumentJob, maxMs: number): Promise<void> {
  const stage = j.stage;
  return j.watch.until(() => j.finished || j.stage !== stage, maxMs);
}

function jobDto(j: DocumentJob): z.input<typeof DocumentJobDto> {
  return { jobId: j.id, stage: j.stage, progress: j.progress, finished: j.finished, error: j.error, setId: j.setId };
}

const STAGE_LABELS: Record<DocumentJob['stage'], string> = {
  queued: 'In de wachtrij',
  eml: 'EML 510c aanmaken',
  pdf: 'Proces-verbaal O 3 (PDF) opmaken',
  odt: 'Proces-verbaal O 3 (ODT) aanmaken',
  csv: 'Tellingsoverzicht (CSV) aanmaken',
  signature: 'Telbestand ondertekenen',
  zips: 'Overdrachtsbestanden (zip) aanmaken',
  storing: 'Bestanden opslaan',
  done: 'Klaar',
  failed: 'Mislukt',
};

// ---------------------------------------------------------------------------------------------
// Preconditions
// ---------------------------------------------------------------------------------------------

function requirePhase3(ctx: AppContext): void {
  const phase = currentPhase(ctx);
  if (phase !== 3) {
    throw new ApiError(
      409,
      'phase.wrong',
      `Bestanden aanmaken kan alleen in fase 3 (definitief maken & PV gebiedsuitslag); nu is fase ${phase} actief.`,
    );
  }
}

function refuseWhenValidSet(ctx: AppContext): void {
  const s = validSet(ctx);
  if (s) {
    throw new ApiError(
      409,
      'documents.exist',
      `De bestanden zijn al aangemaakt op ${localDateTime(new Date(s.created_at)).slice(0, 16).replace('T', ' ')} en zijn geldig. ` +
        'Opnieuw aanmaken kan alleen na teruggaan naar fase 2 (de huidige bestanden vervallen dan).',
      `set ${s.id}`,
    );
  }
}

function requirePvDetails(ctx: AppContext): void {
  const missing = pvDetailsMissing(loadPvDetails(ctx).details, installation(ctx));
  if (missing.length > 0) {
    throw new ApiError(
      409,
      'documents.pv_details_missing',
      `Vul eerst de gegevens van het proces-verbaal in (Gegevens proces-verbaal): ${missing.join(', ')}.`,
      missing.join(','),
      { missing },
    );
  }
}

const ELIGIBLE_MISSING = 'Het aantal kiesgerechtigden van de gemeente is nog niet ingevuld (Stembureaus > Aantal kiesgerechtigden).';

function finaliseStatus(ctx: AppContext): z.input<typeof FinaliseStatus> {
  const e = electionRow(ctx);
  const municipalities = e ? readiness(ctx) : [];
  const kind = installation(ctx);
  const gemeente = e !== undefined && kind.eligibleVoters;
  const eligibleMissing = gemeente && eligibleVoters(ctx) === null;
  const pv = loadPvDetails(ctx);
  const set = e ? validSet(ctx) : undefined;
  return {
    phase: currentPhase(ctx),
    ready: e !== undefined && municipalities.length > 0 && municipalities.every((m) => m.complete) && !eligibleMissing,
    complete: municipalities.filter((m) => m.complete).length,
    total: municipalities.length,
    municipalities,
    pvDetailsMissing: pvDetailsMissing(pv.details, kind),
    documents: set ? { setId: set.id, createdAt: set.created_at, emlHash: formatHash(set.eml_hash) } : null,
    running: runningJob(ctx) ? jobDto(runningJob(ctx)!) : null,
    // Tampering shows: every complete unit and stored document against the audit chain (issue 8).
    integrity: integrityDto(e ? integrityProblems(ctx) : []),
    // a gemeente: the rows above are its polling stations ('SB<n>'); its eligible voters are needed too
    ...(gemeente ? { unitKind: 'stembureau' as const, eligibleVotersMissing: eligibleMissing } : {}),
  };
}

/**
 * The concept previews (guide step 10, before finalising): built from the completed units, never
 * stored, named "CONCEPT_…" and sent with X-Document-Status: CONCEPT. A gemeente gets its PV,
 * 510b and CSV at the same addresses.
 */
const PREVIEWS: readonly { url: string; format: ConceptFormat; produces: string; summary: string }[] = [
  {
    url: '/api/documents/preview/o3.pdf',
    format: 'pdf',
    produces: 'application/pdf',
    summary: 'Concept van het proces-verbaal O 3 (PDF met watermerk "Concept", zonder hashcode), met de afgeronde gemeenten.',
  },
  {
    url: '/api/documents/preview/o3.odt',
    format: 'odt',
    produces: 'application/vnd.oasis.opendocument.text',
    summary: 'Concept van het proces-verbaal O 3 als ODT ("CONCEPT" in de kop, zonder hashcode), met de afgeronde gemeenten.',
  },
  {
    url: '/api/documents/preview/eml.xml',
    format: 'eml',
    produces: 'application/xml',
    summary: 'Concept van het telbestand (EML 510c; een gemeente: 510b) met de afgeronde eenheden; niet opgeslagen, niet ondertekend.',
  },
  {
    url: '/api/documents/preview/osv43.csv',
    format: 'csv',
    produces: 'text/csv',
    summary: 'Concept van het OSV 4-3 Tellingsoverzicht (CSV) met de afgeronde eenheden; niet opgeslagen.',
  },
];

function sendFile(reply: FastifyReply, bytes: Buffer, fileName: string, contentType: string, status: boolean | 'CONCEPT') {
  reply
    .type(contentType)
    .header('content-disposition', `attachment; filename="${fileName.replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .header('x-document-status', status === 'CONCEPT' ? 'CONCEPT' : status ? 'VERVALLEN' : 'geldig');
  return reply.send(bytes);
}

async function startCreation(ctx: AppContext, user: SessionUser, now: Date): Promise<DocumentJob> {
  requireElection(ctx);
  requirePhase3(ctx);
  refuseWhenValidSet(ctx);
  requirePvDetails(ctx);
  if (runningJob(ctx)) throw new ApiError(409, 'documents.busy', 'De bestanden worden al aangemaakt. Wacht tot dat klaar is.');
  if (installation(ctx).eligibleVoters && eligibleVoters(ctx) === null) throw new ApiError(409, 'documents.eligible_voters_missing', ELIGIBLE_MISSING);
  // Every complete unit and stored document against the audit chain, the chain against its anchor.
  requireIntegrity(ctx);
  requireValidOwnCertificate(ctx, now);
  // The snapshot: the version of every input, before gathering it; storing refuses if any changed.
  const versions = inputVersions(ctx);
  const input = await gatherRenderInput(ctx, now, true);
  const job: DocumentJob = {
    id: ctx.random.randomBytes(16).toString('hex'),
    userId: user.id,
    stage: 'queued',
    progress: 0,
    error: null,
    setId: null,
    finished: false,
    watch: new JobWatch(),
  };
  jobsOf(ctx).set(job.id, job);
  void (async () => {
    const r = await renderInWorker('final', input, (stage, progress) => {
      job.stage = stage;
      job.progress = progress;
      notify(job);
    });
    if (!r.ok) {
      job.stage = 'failed';
      job.error = { code: r.code, message: r.message };
      job.finished = true;
      notify(job);
      ctx.log.error({ code: r.code, detail: r.detail }, 'documenten aanmaken mislukt');
      return;
    }
    try {
      await ctx.testHooks?.documentsRendered?.();
    } catch {
      // a test hook never stops the job
    }
    job.stage = 'storing';
    notify(job);
    const at = ctx.clock();
    try {
      job.setId = ctx.db.transaction(() => {
        // The state may have changed while rendering: check again, inside the transaction.
        requirePhase3(ctx);
        refuseWhenValidSet(ctx);
        const changed = changedInputs(ctx, versions, inputVersions(ctx));
        if (changed.length > 0) {
          throw new ApiError(
            409,
            'documents.inputs_changed',
            `Tijdens het aanmaken van de bestanden is gewijzigd: ${changed.join('; ')}. De bestanden zouden niet meer kloppen met de opgeslagen gegevens; er is niets opgeslagen. Maak de bestanden opnieuw aan.`,
            changed.join('; '),
          );
        }
        requireValidOwnCertificate(ctx, at);
        requireIntegrity(ctx);
        const setId = storeDocumentSet(ctx, r.value, at, localDateTime(new Date(input.createdAt)), user.id);
        const eml = r.value.find((f) => f.kind === 'eml510c' || f.kind === 'eml510b')!;
        writeAudit(ctx.db, at, actorOf(user), 'documents.create', {
          setId,
          creationDateTime: localDateTime(new Date(input.createdAt)),
          emlHash: formatHash(sha(eml.bytes)),
          files: r.value.map((f) => ({ kind: f.kind, fileName: f.fileName, size: f.bytes.length, sha256: sha(f.bytes) })),
        } satisfies DocumentsCreateDetails);
        return setId;
      }).immediate();
      job.stage = 'done';
      job.progress = 1;
      anchorAudit(ctx, at);
    } catch (e) {
      job.stage = 'failed';
      job.error =
        e instanceof ApiError
          ? { code: e.code, message: e.message }
          : { code: 'documents.internal', message: 'De bestanden konden niet worden opgeslagen. De fout is vastgelegd in het logbestand.' };
      if (!(e instanceof ApiError)) ctx.log.error({ err: e }, 'documenten opslaan mislukt');
    }
    job.finished = true;
    notify(job);
  })();
  return job;
}

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

const JobParams = z.object({ jobId: z.string().regex(/^[0-9a-f]{32}$/, 'Ongeldige taak-id.') });
const DocParams = z.object({ id: z.coerce.number().int().positive() });
const DestroyBody = z
  .object({
    confirmation: z.string(),
    password: z.string().min(1).max(1000),
    /** Before the retention date: both this flag and the second confirmation text are needed. */
    forceBeforeRetention: z.boolean().optional(),
    forceConfirmation: z.string().optional(),
  })
  .strict();

export const FORCE_CONFIRMATION = 'VOOR EINDE BEWAARTERMIJN';

export const documentRoutes = [
  route({
    method: 'GET',
    url: '/api/pv-details',
    access: 'election.view',
    tag: 'documenten',
    summary: 'De vrije tekst van het proces-verbaal O 3 (zitting, aanwezige leden, bezwaren, opmerkingen).',
    response: PvDetailsAnswer,
    handler: ({ ctx }) => {
      const p = loadPvDetails(ctx);
      return { ...p, missing: pvDetailsMissing(p.details, installation(ctx)), editable: editableReason(ctx) === null, reason: editableReason(ctx) };
    },
  }),
  route({
    method: 'PUT',
    url: '/api/pv-details',
    access: 'documents.create',
    tag: 'documenten',
    summary: 'Sla de vrije tekst van het proces-verbaal op (fase 2 of 3, zolang er geen geldige bestanden zijn).',
    body: PvDetailsSchema,
    response: PvDetailsAnswer,
    handler: ({ ctx, user, body, now }) => {
      ctx.db.transaction(() => {
        const reason = editableReason(ctx);
        if (reason !== null) throw new ApiError(409, 'pv_details.locked', reason);
        savePvDetails(ctx.db, body, now, user!.id);
        writeAudit(ctx.db, now, actorOf(user!), 'pv_details.save', body);
      }).immediate();
      const p = loadPvDetails(ctx);
      return { ...p, missing: pvDetailsMissing(p.details, installation(ctx)), editable: true, reason: null };
    },
  }),
  route({
    method: 'GET',
    url: '/api/finalise',
    access: 'election.view',
    tag: 'documenten',
    summary: 'Kan er definitief worden gemaakt? Per gemeente wat nog ontbreekt; de huidige geldige bestanden.',
    response: FinaliseStatus,
    handler: ({ ctx }) => finaliseStatus(ctx),
  }),
  route({
    method: 'POST',
    url: '/api/finalise',
    access: 'phase.change',
    tag: 'documenten',
    summary: 'Definitief maken: van fase 2 naar fase 3, alleen als elke gemeente is afgerond. Anders 409 met wat ontbreekt.',
    response: FinaliseStatus,
    handler: ({ ctx, user, now }) => {
      requireElection(ctx);
      ctx.db.transaction(() => {
        const current = currentPhase(ctx);
        if (current === 3) throw new ApiError(409, 'phase.same', 'De uitslag is al definitief gemaakt (fase 3 is actief).');
        const munis = readiness(ctx);
        const missing = munis.filter((m) => !m.complete);
        const gemeente = installation(ctx).eligibleVoters;
        const eligibleMissing = gemeente && eligibleVoters(ctx) === null;
        const check = checkPhaseChange(
          {
            current,
            definitionImported: true,
            candidateListsImported: candidateListsFile(ctx) !== undefined,
            allCountsComplete: missing.length === 0 && allCountsComplete(ctx),
            anyEntries: anyEntryExists(ctx),
          },
          3,
        );
        if (!check.ok) {
          const list = missing.map((m) =>
            gemeente ? `Stembureau ${m.code.slice(2)} ${m.name}: ${m.missing}` : `${m.name} (${m.code}): ${m.missing}`,
          );
          if (!gemeente) {
            throw new ApiError(
              409,
              check.code,
              missing.length > 0 ? `Definitief maken kan nog niet. Nog niet afgerond: ${list.join(' ')}` : check.message,
              missing.map((m) => `${m.code}:${m.state}`).join(','),
              { missing: missing.map((m) => ({ code: m.code, name: m.name, state: m.state, missing: m.missing })) },
            );
          }
          const parts = [
            ...(munis.length === 0 ? ['Er zijn nog geen stembureaus vastgelegd.'] : []),
            ...(missing.length > 0 ? [`Nog niet afgerond: ${list.join(' ')}`] : []),
            ...(eligibleMissing ? [ELIGIBLE_MISSING] : []),
          ];
          throw new ApiError(
            409,
            check.code,
            parts.length > 0 ? `Definitief maken kan nog niet. ${parts.join(' ')}` : check.message,
            [...missing.map((m) => `${m.code}:${m.state}`), ...(eligibleMissing ? ['kiesgerechtigden'] : [])].join(','),
            {
              missing: missing.map((m) => ({ code: m.code, name: m.name, state: m.state, missing: m.missing })),
              eligibleVotersMissing: eligibleMissing,
            },
          );
        }
        setPhase(ctx.db, 3);
        writeAudit(ctx.db, now, actorOf(user!), 'phase.change', { from: current, to: 3, via: 'finalise' });
      }).immediate();
      phaseWorkers(ctx); // phase 3: the render worker starts, the import worker stops
      return finaliseStatus(ctx);
    },
  }),
  ...PREVIEWS.map((p) =>
    route({
      method: 'GET',
      url: p.url,
      access: 'election.view',
      tag: 'documenten',
      summary: p.summary,
      produces: p.produces,
      handler: async ({ ctx, reply, now }) => {
        requireElection(ctx);
        if (previewRunning.has(ctx)) throw new ApiError(409, 'documents.busy', 'Er wordt al een concept gemaakt. Probeer het zo opnieuw.');
        const input = await gatherRenderInput(ctx, now, false);
        if (input.gemeente ? input.gemeente.pollingStations.length === 0 : input.municipalities.length === 0) {
          throw new ApiError(
            409,
            'documents.no_counts',
            `Er is nog ${input.gemeente ? 'geen stembureau' : 'geen gemeente'} afgerond; een concept kan nog niet worden getoond.`,
          );
        }
        previewRunning.add(ctx);
        try {
          const r = await renderInWorker('concept', input, () => {}, p.format);
          if (!r.ok) throw ApiError.from(422, r);
          const f = r.value[0]!;
          return sendFile(reply, f.bytes, f.fileName, f.contentType, 'CONCEPT');
        } finally {
          previewRunning.delete(ctx);
        }
      },
    }),
  ),
  route({
    method: 'POST',
    url: '/api/documents/create',
    access: 'documents.create',
    tag: 'documenten',
    summary: 'Aanmaken bestanden na definitief maken (fase 3): 510c, O 3 (PDF en ODT), zips en CSV in één keer; 202 met een taak-id.',
    status: 202,
    response: DocumentJobDto,
    handler: async ({ ctx, user, now }) => jobDto(await startCreation(ctx, user!, now)),
  }),
  route({
    method: 'GET',
    url: '/api/documents/jobs/:jobId',
    access: 'documents.create',
    tag: 'documenten',
    summary:
      'Voortgang van het aanmaken van de bestanden. Met ?wait=1 komt het antwoord pas als de taak een stap verder of klaar is (hoogstens na 2 s), zodat het scherm "klaar" meteen ziet.',
    params: JobParams,
    response: DocumentJobDto.extend({ stageLabel: z.string() }),
    query: JobWaitQuery,
    handler: async ({ ctx, params, query }) => {
      const j = jobsOf(ctx).get(params.jobId);
      if (!j) throw new ApiError(404, 'documents.job_not_found', 'Deze taak bestaat niet (meer).');
      if (query.wait === '1') await jobChange(j, JOB_WAIT_MS);
      return { ...jobDto(j), stageLabel: stageLabel(ctx, j.stage) };
    },
  }),
  route({
    method: 'GET',
    url: '/api/documents',
    access: 'election.view',
    tag: 'documenten',
    summary: 'Documentenoverzicht: alle aangemaakte bestanden per set, met type, tijd, grootte, hashcode en status (geldig/vervallen).',
    response: DocumentsOverview,
    handler: ({ ctx }) => ({ kinds: electionRow(ctx) ? documentKindsOf(ctx) : DOCUMENT_KINDS, sets: listDocuments(ctx) }),
  }),
  route({
    method: 'GET',
    url: '/api/documents/:id/download',
    access: 'election.view',
    tag: 'documenten',
    summary: 'Download een aangemaakt bestand (altijd als bijlage). Een vervallen bestand heet "VERVALLEN_…" en draagt X-Document-Status: VERVALLEN.',
    params: DocParams,
    produces: 'application/octet-stream',
    handler: ({ ctx, reply, params }) => {
      const d = loadDocument(ctx, params.id);
      if (!d) throw new ApiError(404, 'documents.not_found', 'Dit bestand bestaat niet.');
      return sendFile(reply, d.bytes, downloadName(d), d.content_type, d.voided_at !== null);
    },
  }),
  route({
    method: 'GET',
    url: '/api/results/osv43.csv',
    access: 'election.view',
    tag: 'documenten',
    summary: 'Exporteren resultaat: OSV 4-3 Tellingsoverzicht (CSV) zoals opgeslagen bij het aanmaken van de bestanden.',
    produces: 'text/csv',
    handler: ({ ctx, reply }) => {
      const s = validSet(ctx);
      if (!s) {
        throw new ApiError(
          409,
          'documents.none',
          'Het tellingsoverzicht is beschikbaar nadat de uitslag definitief is gemaakt en de bestanden zijn aangemaakt.',
        );
      }
      const id = documentIdOfKind(ctx.db, s.id, 'csv_osv43');
      const d = id === undefined ? undefined : loadDocument(ctx, id);
      if (d === undefined) throw new Error(`document set ${s.id} has no csv_osv43`);
      return sendFile(reply, d.bytes, d.file_name, 'text/csv; charset=utf-8', false);
    },
  }),
  route({
    method: 'GET',
    url: '/api/archive',
    access: 'election.archive',
    tag: 'archief',
    summary: 'Archiveren en vernietigen: bewaartermijn, laatste archief, of vernietigen al mag.',
    response: ArchiveStatus,
    handler: ({ ctx, now }) => archiveStatus(ctx, now),
  }),
  route({
    method: 'GET',
    url: '/api/archive/download',
    access: 'election.archive',
    tag: 'archief',
    summary: 'Het archiefpakket (zip): geïmporteerde bestanden, alle documenten (geldig en vervallen), auditlog, logbestanden en MANIFEST met SHA-256.',
    produces: 'application/zip',
    handler: async ({ ctx, user, reply, now }) => {
      const a = await buildArchive(ctx, now, actorOf(user!));
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${a.fileName}"`)
        .header('x-content-type-options', 'nosniff')
        .header('x-manifest-sha256', a.manifestHash)
        .send(a.zip);
    },
  }),
  route({
    method: 'POST',
    url: '/api/election/destroy',
    access: 'election.destroy',
    tag: 'archief',
    summary:
      'Vernietigen: wist alle gegevens van de verkiezing (typ VERNIETIGEN en het eigen wachtwoord). Vóór het einde van de bewaartermijn alleen met een tweede bevestiging.',
    body: DestroyBody,
    response: DestroyResult,
    handler: async ({ ctx, req, reply, user, body, now }) => {
      const e = requireElection(ctx);
      if (body.confirmation !== 'VERNIETIGEN') {
        throw new ApiError(400, 'destroy.confirmation', 'Typ VERNIETIGEN (in hoofdletters) om te bevestigen.');
      }
      const passwordHash = getUser(ctx.db, user!.id)?.password_hash ?? '';
      const check = await checkOwnPassword(ctx, user!.username, req.ip, body.password, passwordHash, now);
      if (check.kind === 'throttled') {
        if (check.audit) ctx.db.transaction(() => writeAudit(ctx.db, now, actorOf(user!), 'election.destroy.refused', { reason: 'throttled' }))();
        throw throttledError(reply, 'password.throttled', check.wait);
      }
      if (check.kind === 'wrong') {
        ctx.db.transaction(() => writeAudit(ctx.db, now, actorOf(user!), 'election.destroy.refused', { reason: 'password' }))();
        throw new ApiError(403, 'destroy.password', 'Het wachtwoord is onjuist. Er is niets vernietigd.');
      }
      const retention = retentionDate(e.election_date);
      const before = withinRetention(now, retention);
      if (before && !(body.forceBeforeRetention === true && body.forceConfirmation === FORCE_CONFIRMATION)) {
        throw new ApiError(
          409,
          'destroy.retention',
          `De bewaartermijn loopt tot en met ${dutchDate(retention) ?? retention}. Vernietigen vóór die datum kan alleen met een tweede bevestiging: typ "${FORCE_CONFIRMATION}".`,
          retention,
          { retentionDate: retention },
        );
      }
      const lastArchive = lastArchiveRecord(ctx);
      const outcome = destroyElection(ctx, now, actorOf(user!), {
        election: e.election_id,
        kieskring: e.kieskring_number,
        retentionDate: retention,
        beforeRetention: before,
        lastArchive,
      });
      phaseWorkers(ctx); // phase 1: no worker
      ctx.log.warn({ election: e.election_id, erased: outcome.erased, compacted: outcome.compacted, logFilesCleared: outcome.logFilesCleared }, 'verkiezingsgegevens vernietigd');
      return { destroyed: true, ...outcome, beforeRetention: before, lastArchive };
    },
  }),
];

function editableReason(ctx: AppContext): string | null {
  const phase = currentPhase(ctx);
  if (phase === 1) return 'De gegevens van het proces-verbaal kunnen worden ingevuld vanaf fase 2.';
  if (phase === 3 && validSet(ctx)) {
    return 'De bestanden zijn al aangemaakt. Ga terug naar fase 2 om de gegevens van het proces-verbaal te wijzigen (de bestanden vervallen dan).';
  }
  return null;
}

function lastArchiveRecord(ctx: AppContext): { at: string; fileName: string } | null {
  const r = lastArchiveCreate(ctx.db);
  return r ? { at: r.at, fileName: r.details.fileName } : null;
}

function archiveStatus(ctx: AppContext, now: Date): z.input<typeof ArchiveStatus> {
  const e = electionRow(ctx);
  if (!e) return { election: null, retentionDate: null, beforeRetention: null, lastArchive: null, forceConfirmation: FORCE_CONFIRMATION };
  const retention = retentionDate(e.election_date);
  return {
    election: e.election_id,
    retentionDate: retention,
    beforeRetention: withinRetention(now, retention),
    lastArchive: lastArchiveRecord(ctx),
    forceConfirmation: FORCE_CONFIRMATION,
  };
}
