import { createHash } from 'node:crypto';
import { verifyDetached } from '../../crypto/cms.ts';
import { z } from 'zod';
import { checkEntry, type CheckResult } from '../../domain/checks.ts';
import { availableActions, currentDraft, indicator, type UnitActionName, type UnitState, type UserRef } from '../../domain/doubleEntry.ts';
import { applyAction } from '../../domain/doubleEntry.ts';
import { candidateDisplayName } from '../../domain/election.ts';
import { countsToForm, differingFields, emptyForm, SCALAR_FIELDS, type EntryForm } from '../../domain/entry.ts';
import { buildFormShape, fieldLabel, fieldValue, type FormShape } from '../../domain/entryStructure.ts';
import { ERROR_CODES, type ErrorCode } from '../../domain/errorCodes.ts';
import { chooseHiddenGroups, confirmHiddenGroups, formatHash, maskedHash } from '../../domain/hashcode.ts';
import { can } from '../../domain/permissions.ts';
import { hasField, type ElectionRuleSet } from '../../domain/ruleSets.ts';
import { listNameFor510 } from '../../eml/eml510write.ts';
import { writeAudit } from '../audit.ts';
import type { AppContext } from '../context.ts';
import { groupCommit } from '../db/groupCommit.ts';
import { IMPORT_INTERNAL, runImportInWorker, type ImportStage, type ImportWorkInput, type ImportWorkValue } from '../countImport.ts';
import {
  Acknowledged,
  applyUnitAction,
  checkContextFor,
  checkFormShape,
  FormSchema,
  formForElection,
  latestRecord,
  loadAllUnits,
  loadUnit,
  optionalScalarsFor,
  reportingUnits,
  requireLists,
  requirePhase2,
  requireUnit,
  SubmitBody,
  SubmitAnswer,
  ClaimAnswer,
  DraftAnswer,
  StateAnswer,
  FormShapeDto,
  EntryFormDto,
  CheckResultDto,
  UnitStateKindDto,
  submitEntry,
  unitKindOf,
  type CandidateShape,
  type LoadedUnit,
  type ReportingUnit,
  type UnitKind,
} from '../counts.ts';
import { ApiError, freeText, route, type SessionUser } from '../http.ts';
import { IntegrityAnswer, integrityDto, quickIntegrityProblems } from '../integrity.ts';
import { actorOf, currentPhase, electionRules, installation, requireElection } from '../state.ts';
import { requireCsb, requireKieskring, requireKieskringLists } from '../csb.ts';
import { storeImportedCountFile, unitHistory } from '../store/counts.ts';
import { getMunicipalityKey, listMunicipalityKeys } from '../store/keys.ts';
import { JOB_WAIT_MS, JobWaitQuery, JobWatch } from '../jobWatch.ts';

/** Largest accepted upload of a count zip (a 510b of ~70 MB compresses to a few MB; generous). */
export const MAX_COUNT_ZIP_BYTES = 100 * 1024 * 1024;

/** A municipality '0034' (HSB), a polling station 'SB12' (gemeente) or a kieskring 'HSB5' (CSB). */
const CodeParams = z.object({
  code: z
    .string()
    .regex(
      /^(\d{4}|SB[1-9]\d{0,4}|HSB[1-9]\d{0,2})$/,
      'Een gemeentecode bestaat uit 4 cijfers; een stembureau heet SB gevolgd door zijn nummer (SB1); een kieskring HSB gevolgd door zijn nummer (HSB5).',
    ),
});
const JobParams = z.object({ jobId: z.string().regex(/^[0-9a-f]{32}$/, 'Ongeldige taak-id.') });
const Reason = freeText('Reden', 1000, { multiline: true }).trim().min(1, 'Geef een reden op.');

const DraftBody = z.object({ form: FormSchema, seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional() });
const DeleteBody = z.object({ reason: Reason });
const ResolveBody = z.object({ choice: z.enum(['first', 'second', 'delete_both']), reason: Reason });
const ConfirmBody = z.object({
  uploadId: z.string().regex(/^[0-9a-f]{32}$/, 'Ongeldige upload-id.'),
  groups: z.tuple([z.string().max(20), z.string().max(20)]),
  acknowledged: Acknowledged.default([]),
});

function userRef(u: SessionUser): UserRef {
  return { id: u.id, username: u.username, role: u.role };
}

/** The form's fields: those the election has (its rule set), with the lists and candidates. */
function formShape(lists: CandidateShape, unitKind: UnitKind, rules: ElectionRuleSet): FormShape {
  return buildFormShape({
    unitKind,
    rules: rules.id,
    optional: optionalScalarsFor(unitKind),
    scalarKeys: SCALAR_FIELDS.filter((f) => hasField(rules, f.key)).map((f) => f.key),
    lists: lists.affiliations.map((a) => ({
      listNumber: a.listNumber,
      name: listNameFor510(a),
      candidates: a.candidates.map((c) => ({ position: c.position, name: candidateDisplayName(c) })),
    })),
  });
}

function actionsFor(ctx: AppContext, user: SessionUser, s: UnitState): UnitActionName[] {
  if (currentPhase(ctx) !== 2) return [];
  return availableActions(s, userRef(user), { imports: installation(ctx).countImports });
}

const Source = z.enum(['typed', 'import']);
const UnitKindDto = z.enum(['gemeente', 'stembureau', 'kieskring']);
const IndicatorDto = z.enum(['geen_invoer', 'invoer_aanwezig', 'waarschuwing', 'afgerond']);
const ActionDto = z.enum(['claim', 'continue', 'release', 'delete', 'resolve', 'import']);

/** One reporting unit's row in the status overview (and the head of its detail). */
const UnitSummary = z.object({
  code: z.string(),
  number: z.number().int(),
  name: z.string(),
  unitKind: UnitKindDto,
  postcode: z.string().nullable(),
  state: UnitStateKindDto,
  indicator: IndicatorDto,
  first: z.object({ username: z.string(), source: Source, at: z.string().nullable() }).nullable(),
  second: z.object({ username: z.string(), at: z.string().nullable() }).nullable(),
  claimedBy: z.object({ username: z.string(), entry: z.union([z.literal(1), z.literal(2)]), since: z.string().nullable() }).nullable(),
  warnings: z.array(z.string()),
  updatedAt: z.string().nullable(),
});

const CountsStatus = z.object({
  phase: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  unitKind: UnitKindDto,
  total: z.number().int(),
  complete: z.number().int(),
  byIndicator: z.object({ geen_invoer: z.number().int(), invoer_aanwezig: z.number().int(), waarschuwing: z.number().int(), afgerond: z.number().int() }),
  municipalities: z.array(UnitSummary),
  integrity: IntegrityAnswer,
});

const UnitDetail = UnitSummary.extend({
  municipality: z.object({ code: z.string(), number: z.number().int(), name: z.string() }),
  unit: z.object({ kind: UnitKindDto, code: z.string(), number: z.number().int(), name: z.string(), postcode: z.string().nullable() }),
  checks: z.array(CheckResultDto).readonly(),
  forms: z.object({ first: EntryFormDto.nullable(), second: EntryFormDto.nullable() }).nullable(),
  history: z.array(z.object({ at: z.string(), username: z.string().nullable(), role: z.string().nullable(), action: z.string(), details: z.record(z.string(), z.unknown()) })),
  actions: z.array(ActionDto),
});

const Differences = z.object({
  first: z.object({ username: z.string(), source: Source }),
  second: z.object({ username: z.string(), source: Source }),
  fields: z.array(z.object({ id: z.string(), label: z.string(), first: z.number().nullable(), second: z.number().nullable() })),
});

const ImportJobDto = z.object({
  jobId: z.string(),
  stage: z.enum(['queued', 'verifying', 'reading', 'checking', 'ready', 'failed']),
  progress: z.number(),
  error: z.object({ code: z.enum(Object.keys(ERROR_CODES) as ErrorCode[]), message: z.string(), detail: z.string().optional() }).optional(),
  preview: z
    .object({
      uploadId: z.string(),
      fileName: z.string(),
      municipality: z.object({ code: z.string(), name: z.string() }),
      maskedHash: z.string(),
      hiddenGroups: z.tuple([z.number().int(), z.number().int()]),
      signer: z.object({ subject: z.string(), fingerprint: z.string() }),
      embeddedMatchesTrusted: z.boolean(),
      pollingStations: z.number().int(),
      checks: z.array(CheckResultDto).readonly(),
    })
    .optional(),
});

function unitSummary(m: ReportingUnit, u: LoadedUnit): z.input<typeof UnitSummary> {
  const s = u.state;
  const first = s.kind === 'empty' || s.kind === 'first_in_progress' ? null : s.first;
  const second = s.kind === 'differences' || s.kind === 'complete' ? s.second : null;
  const d = currentDraft(s);
  return {
    code: m.code,
    number: m.number,
    name: m.name,
    unitKind: m.kind,
    postcode: m.postcode,
    state: s.kind,
    indicator: indicator(s),
    first: first ? { username: first.by.username, source: first.source, at: u.meta.firstAt ?? null } : null,
    second: second ? { username: second.by.username, at: u.meta.secondAt ?? null } : null,
    claimedBy: d ? { username: d.by.username, entry: s.kind === 'first_in_progress' ? 1 : 2, since: u.meta.claimedSince ?? null } : null,
    warnings: [...(u.meta.checkCodes ?? [])],
    updatedAt: u.updatedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Import jobs (in memory; a job belongs to its user and expires)
// ---------------------------------------------------------------------------------------------

interface ImportJob {
  readonly id: string;
  readonly userId: number;
  readonly fileName: string;
  /** The uploaded zip, exactly as received: stored with the import (the archive holds it). Dropped when refused. */
  zip: Buffer | null;
  readonly createdAt: number;
  finishedAt: number | null;
  stage: ImportStage;
  progress: number;
  error: { code: ErrorCode; message: string; detail?: string } | null;
  value: ImportWorkValue | null;
  form: EntryForm | null;
  checks: CheckResult[];
  hidden: [number, number] | null;
  /** Told after every change of the job (`?wait=1`). */
  readonly watch: JobWatch;
}

const jobStores = new WeakMap<AppContext, Map<string, ImportJob>>();

function jobsOf(ctx: AppContext): Map<string, ImportJob> {
  let jobs = jobStores.get(ctx);
  if (!jobs) jobStores.set(ctx, (jobs = new Map()));
  const now = ctx.clock().getTime();
  for (const [id, j] of jobs) {
    if (j.finishedAt !== null && now - j.finishedAt > ctx.config.uploadTtlSeconds * 1000) jobs.delete(id);
  }
  return jobs;
}

function findJob(ctx: AppContext, id: string, user: SessionUser): ImportJob {
  const j = jobsOf(ctx).get(id);
  if (!j || j.userId !== user.id) {
    throw new ApiError(404, 'upload.not_found', 'Deze import is niet (meer) beschikbaar. Upload het bestand opnieuw.');
  }
  return j;
}

function jobDto(j: ImportJob): z.input<typeof ImportJobDto> {
  return {
    jobId: j.id,
    stage: j.stage,
    progress: j.progress,
    ...(j.error ? { error: j.error } : {}),
    ...(j.stage === 'ready' && j.value && j.hidden
      ? {
          preview: {
            uploadId: j.id,
            fileName: j.fileName,
            municipality: { code: j.value.code, name: j.value.name },
            maskedHash: maskedHash(j.value.hashHex, j.hidden),
            hiddenGroups: j.hidden,
            signer: { subject: j.value.signer.subject, fingerprint: j.value.signer.fingerprint },
            embeddedMatchesTrusted: j.value.signer.embeddedMatchesTrusted,
            pollingStations: j.value.units,
            checks: j.checks,
          },
        }
      : {}),
  };
}

function failJob(ctx: AppContext, j: ImportJob, f: { code: ErrorCode; message: string; detail?: string }): void {
  j.stage = 'failed';
  j.zip = null; // a refused file is not kept in memory (issue 9, defect 2)
  j.error = { code: f.code, message: f.message, ...(f.detail !== undefined ? { detail: f.detail } : {}) };
  j.finishedAt = ctx.clock().getTime();
  j.watch.changed();
  ctx.log.info({ job: j.id, code: f.code, detail: f.detail }, 'import steminvoer geweigerd');
}

/** A step of progress worth answering a waiting request for (`?wait=1`): the bar moves visibly. */
const PROGRESS_STEP = 0.1;

/** Resolves when the job is finished, in another stage or a step further, or after `maxMs`. */
function jobChange(j: ImportJob, maxMs: number): Promise<void> {
  const { stage, progress } = j;
  return j.watch.until(() => j.finishedAt !== null || j.stage !== stage || j.progress >= progress + PROGRESS_STEP, maxMs);
}

async function runJob(ctx: AppContext, j: ImportJob, input: ImportWorkInput, user: SessionUser): Promise<void> {
  try {
    const r = await runImportInWorker(input, (stage, progress) => {
      if (j.stage === 'failed') return;
      j.stage = stage;
      j.progress = Math.max(j.progress, Math.min(progress, 0.99));
      j.watch.changed();
    });
    try {
      await ctx.testHooks?.countFileRead?.();
    } catch {
      // a test hook never stops the job
    }
    if (!r.ok) return failJob(ctx, j, r);
    j.stage = 'checking';
    j.watch.changed();
    const lists = requireLists(ctx);
    const form = countsToForm(r.value.total, lists);
    const checkCtx = checkContextFor(ctx, r.value.code);
    const checks = checkEntry(form, checkCtx);
    // Dry run of the state machine with every warning acknowledged: refuses errors and a municipality
    // that already has an entry (the confirm repeats this inside its transaction).
    const dry = applyAction(
      loadUnit(ctx, r.value.code).state,
      { type: 'import', user: userRef(user), form, acknowledged: checks.filter((c) => c.severity === 'warning').map((c) => c.code) },
      checkCtx,
    );
    if (!dry.ok) return failJob(ctx, j, dry);
    j.value = r.value;
    j.form = form;
    j.checks = checks;
    j.hidden = chooseHiddenGroups((n) => ctx.random.randomInt(n));
    j.progress = 1;
    j.stage = 'ready';
    j.finishedAt = ctx.clock().getTime();
    j.watch.changed();
  } catch (err) {
    ctx.log.error({ err }, 'import steminvoer: interne fout');
    failJob(ctx, j, { ...IMPORT_INTERNAL, detail: String(err) });
  }
}

function importInput(ctx: AppContext, zip: Buffer, fileName: string): ImportWorkInput {
  const e = requireElection(ctx);
  const lists = requireLists(ctx);
  const keys = listMunicipalityKeys(ctx.db);
  return {
    zip,
    fileName,
    election: { id: e.election_id, category: e.category, date: e.election_date, name: e.name },
    kieskring: { number: e.kieskring_number, name: e.kieskring_name },
    municipalities: reportingUnits(ctx).map((m) => ({ code: m.code, name: m.name })),
    keys: Object.fromEntries(keys.map((k) => [k.code, { pem: k.certificate_pem, subject: k.subject, fingerprint: k.fingerprint }])),
    lists: lists.affiliations.map((a) => ({ listNumber: a.listNumber, positions: a.candidates.map((c) => c.position) })),
    maxEmlBytes: ctx.config.countEmlMaxBytes,
  };
}

/** A gemeente types every polling station twice; importing count files is for the HSB only. */
function refuseImportForGemeente(ctx: AppContext): void {
  if (!installation(ctx).countImports) {
    throw new ApiError(
      409,
      'stemgebied.hsb_only',
      'Tellingbestanden importeren kan alleen in de installatie van een hoofdstembureau. Een gemeente voert de uitslag van elk stembureau twee keer in.',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------

export const countRoutes = [
  route({
    method: 'GET',
    url: '/api/counts/form-shape',
    access: 'election.view',
    tag: 'steminvoer',
    summary: 'Alles wat het invoerformulier nodig heeft: velden, lijsten en kandidaten.',
    response: FormShapeDto,
    handler: ({ ctx }) => {
      return formShape(requireLists(ctx), unitKindOf(ctx), electionRules(requireElection(ctx)));
    },
  }),
  route({
    method: 'GET',
    url: '/api/counts/status',
    access: 'election.view',
    tag: 'steminvoer',
    summary: 'Statusoverzicht: per gemeente (HSB) of per stembureau (gemeente) de stand van de invoer.',
    // `?projector=1`: the read-only projector screen, whose polls keep its session alive (src/server/app.ts).
    query: z.object({ projector: z.string().optional() }),
    response: CountsStatus,
    handler: ({ ctx }) => {
      const munis = reportingUnits(ctx);
      const units = loadAllUnits(ctx);
      const rows = munis.map((m) => unitSummary(m, units.get(m.code) ?? { code: m.code, state: { kind: 'empty' }, meta: {}, version: 0, updatedAt: null }));
      const byIndicator = { geen_invoer: 0, invoer_aanwezig: 0, waarschuwing: 0, afgerond: 0 };
      for (const r of rows) byIndicator[r.indicator]++;
      // `municipalities` holds the units of either kind (the name is kept for compatibility; see unitKind).
      return {
        phase: currentPhase(ctx),
        unitKind: unitKindOf(ctx),
        total: rows.length,
        complete: byIndicator.afgerond,
        byIndicator,
        municipalities: rows,
        // Tampering shows: complete units against the audit chain now; chain and documents as last checked.
        integrity: integrityDto(quickIntegrityProblems(ctx)),
      };
    },
  }),
  route({
    method: 'GET',
    url: '/api/counts/:code',
    access: 'election.view',
    tag: 'steminvoer',
    summary: 'Eén gemeente of stembureau: stand, controles, geschiedenis en wat deze gebruiker nu kan doen.',
    params: CodeParams,
    response: UnitDetail,
    handler: ({ ctx, user, params }) => {
      const m = requireUnit(ctx, params.code);
      const u = loadUnit(ctx, m.code);
      const typist = can(user!.role, 'counts.enter');
      const record = latestRecord(u.state);
      // Numbers (and check messages, which quote them) are never shown to a typist.
      const checks = !typist && record ? checkEntry(record.form, checkContextFor(ctx, m.code)) : [];
      const history = unitHistory(ctx.db, m.code, m.since ?? '').map((h) => ({
        at: h.at,
        username: h.username,
        role: h.role,
        action: h.action,
        details: { ...h.details, outcome: h.outcome, entry: h.entry, source: h.source },
      }));
      const s = u.state;
      return {
        municipality: { code: m.code, number: m.number, name: m.name },
        unit: { kind: m.kind, code: m.code, number: m.number, name: m.name, postcode: m.postcode },
        ...unitSummary(m, u),
        checks,
        forms:
          typist
            ? null
            : {
                first: s.kind === 'empty' || s.kind === 'first_in_progress' ? null : s.first.form,
                second: s.kind === 'differences' || s.kind === 'complete' ? s.second.form : null,
              },
        history,
        actions: actionsFor(ctx, user!, s),
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/counts/:code/claim',
    access: 'counts.enter',
    tag: 'steminvoer',
    summary: 'Begin (of ga verder met) de eerste of tweede invoer van een gemeente.',
    params: CodeParams,
    response: ClaimAnswer,
    handler: ({ ctx, user, params, now }) =>
      groupCommit(ctx.db, () => {
        const lists = requireLists(ctx);
        const t = applyUnitAction(ctx, { code: params.code, user: user!, action: { type: 'claim', user: userRef(user!) }, now });
        const d = currentDraft(t.state);
        const entry = t.outcome.kind === 'claimed' ? t.outcome.entry : t.state.kind === 'second_in_progress' ? 2 : 1;
        return { entry, form: d?.form ?? emptyForm(lists), state: t.state.kind };
      }),
  }),
  route({
    method: 'PUT',
    url: '/api/counts/:code/draft',
    access: 'counts.enter',
    tag: 'steminvoer',
    summary: 'Sla de invoer in behandeling tussentijds op (alleen de eigenaar).',
    params: CodeParams,
    body: DraftBody,
    response: DraftAnswer,
    handler: ({ ctx, user, params, body, now }) =>
      groupCommit(ctx.db, () => {
        const form = formForElection(body.form, electionRules(requireElection(ctx)));
        checkFormShape(form, requireLists(ctx));
        const t = applyUnitAction(ctx, {
          code: params.code,
          user: user!,
          action: { type: 'save', user: userRef(user!), form, ...(body.seq !== undefined ? { seq: body.seq } : {}) },
          now,
        });
        if (t.outcome.kind === 'stale') return { saved: false, stale: true, checks: [] };
        return { saved: true, checks: checkEntry(form, checkContextFor(ctx, params.code)) };
      }),
  }),
  route({
    method: 'POST',
    url: '/api/counts/:code/submit',
    access: 'counts.enter',
    tag: 'steminvoer',
    summary: 'Rond de eerste of tweede invoer af (met bevestigde waarschuwingen).',
    params: CodeParams,
    body: SubmitBody,
    response: SubmitAnswer,
    handler: ({ ctx, user, params, body, now }) =>
      groupCommit(ctx.db, () =>
        submitEntry(ctx, { code: params.code, user: user!, body, rules: electionRules(requireElection(ctx)), lists: requireLists(ctx), now }),
      ),
  }),
  route({
    method: 'POST',
    url: '/api/counts/:code/release',
    // The owner (counts.enter) releases an own claim; the election leader (counts.resolve) any claim.
    access: 'session',
    tag: 'steminvoer',
    summary: 'Geef een invoer in behandeling vrij (eigenaar, of de verkiezingsleider bij een verlaten invoer).',
    params: CodeParams,
    response: StateAnswer,
    handler: ({ ctx, user, params, now }) =>
      groupCommit(ctx.db, () => {
        const t = applyUnitAction(ctx, { code: params.code, user: user!, action: { type: 'release', user: userRef(user!) }, now });
        return { state: t.state.kind };
      }),
  }),
  route({
    method: 'POST',
    url: '/api/counts/:code/delete',
    access: 'counts.resolve',
    tag: 'steminvoer',
    summary: 'Verwijder steminvoer (met reden).',
    params: CodeParams,
    body: DeleteBody,
    response: StateAnswer,
    handler: ({ ctx, user, params, body, now }) =>
      groupCommit(ctx.db, () => {
        const t = applyUnitAction(ctx, {
          code: params.code,
          user: user!,
          action: { type: 'delete', user: userRef(user!) },
          now,
          details: { reason: body.reason },
        });
        return { state: t.state.kind };
      }),
  }),
  route({
    method: 'GET',
    url: '/api/counts/:code/differences',
    access: 'counts.resolve',
    tag: 'steminvoer',
    summary: 'De velden waarin eerste en tweede invoer verschillen.',
    params: CodeParams,
    response: Differences,
    handler: ({ ctx, params }) => {
      const m = requireUnit(ctx, params.code);
      const s = loadUnit(ctx, m.code).state;
      if (s.kind !== 'differences') {
        throw new ApiError(
          409,
          'entry.wrong_state',
          `Er zijn geen verschillen tussen eerste en tweede invoer voor ${m.kind === 'stembureau' ? 'dit stembureau' : m.kind === 'kieskring' ? 'deze kieskring' : 'deze gemeente'}.`,
        );
      }
      // At a CSB the form of a kieskring has that kieskring's lists.
      const lists = installation(ctx).phase1.kieskringen ? requireKieskringLists(ctx, requireKieskring(requireCsb(ctx), m.code)) : requireLists(ctx);
      const shape = formShape(lists, unitKindOf(ctx), electionRules(requireElection(ctx)));
      return {
        first: { username: s.first.by.username, source: s.first.source },
        second: { username: s.second.by.username, source: s.second.source },
        fields: differingFields(s.first.form, s.second.form).map((id) => ({
          id,
          label: fieldLabel(shape, id),
          first: fieldValue(s.first.form, id),
          second: fieldValue(s.second.form, id),
        })),
      };
    },
  }),
  route({
    method: 'POST',
    url: '/api/counts/:code/resolve',
    access: 'counts.resolve',
    tag: 'steminvoer',
    summary: 'Los verschillen op: eerste of tweede invoer overnemen, of beide verwijderen (met reden).',
    params: CodeParams,
    body: ResolveBody,
    response: StateAnswer,
    handler: ({ ctx, user, params, body, now }) => {
      const t = applyUnitAction(ctx, {
        code: params.code,
        user: user!,
        action: { type: 'resolve', user: userRef(user!), choice: body.choice, reason: body.reason },
        now,
        details: { reason: body.reason },
      });
      return { state: t.state.kind };
    },
  }),
  route({
    method: 'POST',
    url: '/api/counts/import',
    access: 'counts.import',
    tag: 'steminvoer',
    summary: 'Upload het getekende tellingbestand (zip) van een gemeente; de controle loopt op de achtergrond.',
    multipart: { maxBytes: MAX_COUNT_ZIP_BYTES },
    status: 202,
    response: z.object({ jobId: z.string() }),
    handler: ({ ctx, user, file }) => {
      refuseImportForGemeente(ctx);
      requirePhase2(ctx);
      const jobs = jobsOf(ctx);
      if ([...jobs.values()].some((j) => j.finishedAt === null)) {
        throw new ApiError(409, 'import.busy', 'Er wordt al een tellingbestand gecontroleerd. Wacht tot die controle klaar is en probeer het dan opnieuw.');
      }
      // A new upload replaces the user's earlier, finished ones: at most one zip per user is held.
      for (const [id, old] of jobs) if (old.userId === user!.id) jobs.delete(id);
      const f = file!;
      const input = importInput(ctx, f.bytes, f.fileName);
      const job: ImportJob = {
        id: ctx.random.randomBytes(16).toString('hex'),
        userId: user!.id,
        fileName: f.fileName,
        zip: Buffer.from(f.bytes),
        createdAt: ctx.clock().getTime(),
        finishedAt: null,
        stage: 'queued',
        progress: 0,
        error: null,
        value: null,
        form: null,
        checks: [],
        hidden: null,
        watch: new JobWatch(),
      };
      jobs.set(job.id, job);
      void runJob(ctx, job, input, user!);
      return { jobId: job.id };
    },
  }),
  route({
    method: 'GET',
    url: '/api/counts/import/:jobId',
    access: 'counts.import',
    tag: 'steminvoer',
    summary:
      'Voortgang en uitkomst van de controle van een tellingbestand. Met ?wait=1 komt het antwoord pas als de controle een stap verder of klaar is (hoogstens na 2 s), zodat het scherm de uitkomst meteen ziet.',
    params: JobParams,
    query: JobWaitQuery,
    response: ImportJobDto,
    handler: async ({ ctx, user, params, query }) => {
      const j = findJob(ctx, params.jobId, user!);
      if (query.wait === '1') await jobChange(j, JOB_WAIT_MS);
      return jobDto(j);
    },
  }),
  route({
    method: 'POST',
    url: '/api/counts/import/confirm',
    access: 'counts.import',
    tag: 'steminvoer',
    summary: 'Importeer het gecontroleerde tellingbestand als eerste invoer na het intypen van de verborgen hashcode-groepen.',
    body: ConfirmBody,
    response: z.object({ state: UnitStateKindDto, municipality: z.object({ code: z.string(), name: z.string() }) }),
    handler: ({ ctx, user, body, now }) => {
      refuseImportForGemeente(ctx);
      const j = findJob(ctx, body.uploadId, user!);
      const zip = j.zip;
      if (j.stage !== 'ready' || !j.value || !j.form || !j.hidden || !zip) {
        throw new ApiError(409, 'import.not_ready', 'Dit bestand is (nog) niet klaar om te importeren.', `stage ${j.stage}`);
      }
      const v = j.value;
      const check = confirmHiddenGroups(v.hashHex, j.hidden, body.groups);
      if (!check.ok) {
        if (check.code === 'hash.format') throw ApiError.from(400, check);
        jobsOf(ctx).delete(j.id);
        ctx.db.transaction(() => {
          writeAudit(ctx.db, now, actorOf(user!), 'counts.import.hash_mismatch', {
            code: v.code,
            name: v.name,
            fileName: j.fileName,
            hiddenGroups: j.hidden!.map((i) => i + 1),
          });
        })();
        throw ApiError.from(422, check);
      }
      const zipSha256 = createHash('sha256').update(zip).digest('hex');
      /**
       * The signature again, against the municipality's key as it is now (inside the transaction): a key
       * replaced or removed since the file was checked must not let the file in on the old key's word.
       */
      const reverify = (): { subject: string; fingerprint: string } => {
        const key = getMunicipalityKey(ctx.db, v.code);
        const again = key ? verifyDetached({ sha256: Buffer.from(v.rawSha256Hex, 'hex') }, Buffer.from(v.signature), key.certificate_pem) : null;
        if (!key || !again?.ok) {
          throw new ApiError(
            409,
            'import.key_changed',
            `De publieke sleutel van ${v.name} is ${key ? 'vervangen' : 'verwijderd'} nadat dit bestand werd gecontroleerd, en de handtekening klopt niet met de huidige sleutel. Er is niets geïmporteerd; upload het bestand opnieuw.`,
            key ? `signed by ${v.signer.fingerprint}, current key ${key.fingerprint}` : 'no key',
          );
        }
        return { subject: key.subject, fingerprint: key.fingerprint };
      };
      // One transaction: the import (its own transaction becomes a savepoint), its audit record and
      // the zip's exact bytes (archived in guide step 14).
      const t = ctx.db.transaction(() => {
        const signer = reverify();
        const transition = applyUnitAction(ctx, {
          code: v.code,
          user: user!,
          action: { type: 'import', user: userRef(user!), form: j.form!, acknowledged: body.acknowledged },
          now,
          details: {
            fileName: j.fileName,
            emlName: v.emlName,
            hash: formatHash(v.hashHex),
            signer: signer.subject,
            fingerprint: signer.fingerprint,
            embeddedMatchesTrusted: v.signer.embeddedMatchesTrusted,
            pollingStations: v.units,
            zipSize: zip.length,
            zipSha256,
          },
        });
        storeImportedCountFile(ctx.db, { code: v.code, fileName: j.fileName, bytes: zip, sha256: zipSha256, at: now.toISOString(), userId: user!.id });
        return transition;
      }).immediate();
      jobsOf(ctx).delete(j.id);
      return { state: t.state.kind, municipality: { code: v.code, name: v.name } };
    },
  }),
];
