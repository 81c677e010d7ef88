/**
 * Phase 2: the double-entry state of every reporting unit of the stemgebied: the municipalities of the
 * kieskring (HSB, codes '0034'), the polling stations of the gemeente (codes 'SB<n>') or the
 * kieskringen (CSB, codes 'HSB<n>'), and the append-only entry history (both stored by
 * src/server/store/counts.ts). The state machine in src/domain/doubleEntry.ts alone decides
 * transitions; this module loads the state, applies one action and stores the new state, its history
 * row and its audit record in ONE immediate transaction, so a crash leaves either the old or the new
 * state, never a mix.
 */
import type { AuditAction } from '../domain/auditActions.ts';
import { z } from 'zod';
import { checkEntry, type CheckContext, type CheckResult } from '../domain/checks.ts';
import {
  agreedForm,
  applyAction,
  currentDraft,
  indicator,
  type Action,
  type EntryRecord,
  type Outcome,
  type Transition,
  type UnitState,
  type UnitStateKind,
  UNIT_STATE_TEXT,
} from '../domain/doubleEntry.ts';
import { kieskringen, municipalitiesOf, municipalityCode, type Affiliation, type CandidateLists } from '../domain/election.ts';
import { formMatchesLists, formToCounts, MAX_COUNT, SCALAR_FIELDS, type EntryForm, type ScalarKey } from '../domain/entry.ts';
import { hasField, type ElectionRuleSet } from '../domain/ruleSets.ts';
import type { VoteCounts } from '../domain/counts.ts';
import { installationOf, UNITS, type UnitKind } from '../domain/installation.ts';
import { pollingStationCode } from '../domain/pollingStations.ts';
import { pollingStations } from './pollingStations.ts';
import { writeAudit } from './audit.ts';
import { completionHashes, formSha256 } from './integrity.ts';
import type { AppContext } from './context.ts';
import { deepFreeze } from './db/electionCache.ts';
import { electionExists, storedLists } from './store/election.ts';
import { onBatchRolledBack } from './db/groupCommit.ts';
import {
  anyEntryExists as anyStoredEntry,
  appendHistory,
  completeCodes,
  otherCompleteUnits,
  readAgreedForm,
  readAllUnits,
  readUnit,
  unitHasEntries as storedUnitHasEntries,
  writeUnit,
  type LoadedUnit,
  type UnitMeta,
} from './store/counts.ts';
import { ApiError, type SessionUser } from './http.ts';
import { actorOf, currentPhase, definitionOf, eligibleVoters, installation, requireElection } from './state.ts';

export interface Municipality {
  readonly code: string;
  readonly number: number;
  readonly name: string;
}

/** The municipalities of this installation's kieskring, by number. */
export function kieskringMunicipalities(ctx: AppContext): Municipality[] {
  const e = requireElection(ctx);
  return municipalitiesOf(definitionOf(e), e.kieskring_number).map((m) => ({
    code: municipalityCode(m.number),
    number: m.number,
    name: m.name,
  }));
}

/** What the units of the entry engine are (src/domain/installation.ts). */
export type { UnitKind };

/**
 * A reporting unit of the stemgebied: for an HSB a municipality of the kieskring (code '0034'), for a
 * gemeente one of its polling stations (code 'SB<n>', as in the 510b Id `<gemeente code>::SB<n>`).
 */
export interface ReportingUnit extends Municipality {
  readonly kind: UnitKind;
  /** '1234 AB' or null (always null for a municipality). */
  readonly postcode: string | null;
  /**
   * When this unit came into being (a polling station's creation time; null for a municipality).
   * History under the same code from before that belongs to an earlier, deleted polling station.
   */
  readonly since: string | null;
}

export function unitKindOf(ctx: AppContext): UnitKind {
  return installation(ctx).unit.kind;
}

/** The reporting units of this installation's stemgebied, in order (municipality or station number). */
export function reportingUnits(ctx: AppContext): ReportingUnit[] {
  const e = requireElection(ctx);
  const kind = installationOf(e.stemgebied_category).unit.kind;
  if (kind === 'stembureau') {
    return pollingStations(ctx).map((p) => ({
      code: pollingStationCode(p.number),
      number: p.number,
      name: p.name,
      postcode: p.postcode,
      kind: 'stembureau' as const,
      since: p.createdAt,
    }));
  }
  if (kind === 'kieskring') {
    // The CSB: the kieskringen, coded as in the 510d ('HSB1').
    return kieskringen(definitionOf(e))
      .sort((a, b) => a.number - b.number)
      .map((k) => ({ code: kieskringUnitCode(k.number), number: k.number, name: k.name, postcode: null, kind: 'kieskring' as const, since: null }));
  }
  return kieskringMunicipalities(ctx).map((m) => ({ ...m, postcode: null, kind: 'gemeente' as const, since: null }));
}

/** The count unit code of a kieskring at the CSB: 'HSB5' (the 510d's ReportingUnitVotes Id). */
export function kieskringUnitCode(kieskring: number): string {
  return `HSB${kieskring}`;
}

/** The unit with this code, or 404 (a polling station that no longer exists is refused here). */
export function requireUnit(ctx: AppContext, code: string): ReportingUnit {
  const units = reportingUnits(ctx);
  const u = units.find((x) => x.code === code);
  if (u) return u;
  const notFound = installation(ctx).unitNotFound(code);
  throw new ApiError(404, notFound.code, notFound.message);
}


/** The scalars a unit of this kind may leave empty (a polling station's PV has no Z). */
export function optionalScalarsFor(kind: UnitKind): readonly ScalarKey[] {
  return UNITS[kind].optionalScalars;
}

export function requirePhase2(ctx: AppContext): void {
  const phase = currentPhase(ctx);
  if (phase !== 2) {
    throw new ApiError(409, 'phase.wrong', `Stemmen invoeren kan alleen in fase 2 (invoeren stemmen); nu is fase ${phase} actief.`);
  }
}

export function requireLists(ctx: AppContext): { affiliations: Affiliation[] } {
  const lists = storedLists(ctx.db); // cached and frozen: do not change them
  if (lists.affiliations.length === 0) {
    throw new ApiError(409, 'election.no_lists', 'De kandidatenlijsten zijn nog niet geïmporteerd.');
  }
  return lists;
}

export type CandidateShape = Pick<CandidateLists, 'affiliations'>;

// ---------------------------------------------------------------------------------------------
// The form as it arrives over the API
// ---------------------------------------------------------------------------------------------

const Count = z
  .number({ error: 'Vul een heel getal in (alleen cijfers).' })
  .int({ error: 'Vul een heel getal in (geen komma of punt).' })
  .min(0, { error: 'Een aantal kan niet negatief zijn.' })
  .max(MAX_COUNT, { error: `Een aantal kan niet groter zijn dan ${MAX_COUNT.toLocaleString('nl-NL')}.` })
  .nullable();

/**
 * The form as it arrives. A scalar the election does not have (src/domain/ruleSets.ts; e.g. the
 * postal reasons after TK2021) may be left out; `formForElection` then makes the form whole.
 */
export const FormSchema = z
  .object({
    scalars: z
      .object(Object.fromEntries(SCALAR_FIELDS.map((f) => [f.key, Count.optional()])) as Record<(typeof SCALAR_FIELDS)[number]['key'], z.ZodOptional<typeof Count>>)
      .strict(),
    lists: z
      .array(
        z
          .object({
            listNumber: z.number().int().positive(),
            total: Count,
            candidates: z.array(Count).max(2000),
          })
          .strict(),
      )
      .max(500),
  })
  .strict();

export type FormInput = z.output<typeof FormSchema>;

// ---------------------------------------------------------------------------------------------
// The entry as the API answers it (response schemas of the entry routes)
// ---------------------------------------------------------------------------------------------

const ScalarKeyDto = z.enum(SCALAR_FIELDS.map((f) => f.key));
const FieldIds = z.array(z.string()).readonly();

/** An entry form as the server answers it: every scalar (a number or empty) and the lists (`EntryForm`). */
export const EntryFormDto = z
  .object({
    scalars: z.record(ScalarKeyDto, z.number().int().nullable()).readonly(),
    lists: z
      .array(
        z.object({ listNumber: z.number().int(), total: z.number().int().nullable(), candidates: z.array(z.number().int().nullable()).readonly() }).readonly(),
      )
      .readonly(),
  })
  .readonly();

/** What the entry form of a unit looks like (`buildFormShape`). */
export const FormShapeDto = z
  .object({
    unitKind: z.enum(['gemeente', 'stembureau', 'kieskring']).optional(),
    rules: z.string().optional(),
    scalars: z
      .array(z.object({ key: ScalarKeyDto, label: z.string(), required: z.boolean(), section: z.enum(['kiezers', 'stemmen', 'verschillen']) }).readonly())
      .readonly(),
    lists: z
      .array(
        z
          .object({
            listNumber: z.number().int(),
            name: z.string(),
            candidates: z.array(z.object({ position: z.number().int(), name: z.string() }).readonly()).readonly(),
          })
          .readonly(),
      )
      .readonly(),
  })
  .readonly();

/** One check of an entry (`CheckResult`, src/domain/checks.ts). */
export const CheckResultDto = z
  .object({ code: z.string(), severity: z.enum(['error', 'warning']), fields: FieldIds, named: FieldIds.optional(), message: z.string() })
  .readonly();

/** The kind of a unit's double-entry state (`UnitStateKind`). */
export const UnitStateKindDto = z.enum(Object.keys(UNIT_STATE_TEXT) as UnitStateKind[]);

/** What an action on a unit did (`Outcome`, src/domain/doubleEntry.ts). */
export const OutcomeDto = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('claimed'), entry: z.union([z.literal(1), z.literal(2)]) }),
  z.object({ kind: z.literal('saved') }),
  z.object({ kind: z.literal('stale') }),
  z.object({ kind: z.literal('released') }),
  z.object({ kind: z.literal('needs_attention'), checks: z.array(CheckResultDto).readonly(), blocking: z.enum(['errors', 'warnings', 'empty']) }),
  z.object({ kind: z.literal('not_identical'), fields: FieldIds }),
  z.object({ kind: z.literal('first_done'), source: z.enum(['typed', 'import']) }),
  z.object({ kind: z.literal('first_with_errors') }),
  z.object({ kind: z.literal('complete') }),
  z.object({ kind: z.literal('differences'), fields: FieldIds }),
  z.object({ kind: z.literal('deleted') }),
  z.object({ kind: z.literal('resolved'), choice: z.enum(['first', 'second', 'delete_both']) }),
]);

/**
 * The entry form of the election's rules: every field the election has must be present (a number
 * or empty); a field it does not have must be empty or left out, and is stored empty (so it is
 * never written, src/eml/eml510write.ts).
 */
export function formForElection(form: FormInput, rules: ElectionRuleSet): EntryForm {
  const scalars = {} as Record<ScalarKey, number | null>;
  for (const f of SCALAR_FIELDS) {
    const v = form.scalars[f.key];
    if (hasField(rules, f.key)) {
      if (v === undefined) {
        throw new ApiError(400, 'entry.form_shape', `Het veld ${f.key} (${f.label}) ontbreekt in het formulier. Laad de pagina opnieuw.`, `missing scalar ${f.key}`);
      }
      scalars[f.key] = v;
    } else {
      if (v !== undefined && v !== null) {
        throw new ApiError(
          400,
          'entry.field_not_in_election',
          `Het veld ${f.key} (${f.label}) hoort niet bij deze verkiezing (${rules.description}). Laat het leeg.`,
          `scalar ${f.key} not in rule set ${rules.id}`,
        );
      }
      scalars[f.key] = null;
    }
  }
  return { scalars, lists: form.lists };
}

/** The form must have exactly the lists and candidates of the imported candidate lists. */
export function checkFormShape(form: EntryForm, lists: CandidateShape): void {
  if (!formMatchesLists(form, lists)) {
    throw new ApiError(
      400,
      'entry.form_shape',
      'Het formulier past niet bij de kandidatenlijsten (lijsten of kandidaten ontbreken of zijn te veel). Laad de pagina opnieuw.',
      `expected lists ${lists.affiliations.map((a) => `${a.listNumber}:${a.candidates.length}`).join(',')}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------

export type { LoadedUnit, UnitMeta };

export function loadUnit(ctx: AppContext, code: string): LoadedUnit {
  return readUnit(ctx.db, code);
}

export function loadAllUnits(ctx: AppContext): Map<string, LoadedUnit> {
  return readAllUnits(ctx.db);
}

/** Does this unit have an entry (draft or record)? */
export function unitHasEntries(ctx: AppContext, code: string): boolean {
  return storedUnitHasEntries(ctx.db, code);
}

/** Does any municipality have an entry (draft or record)? */
export function anyEntryExists(ctx: AppContext): boolean {
  return anyStoredEntry(ctx.db);
}

/**
 * Every reporting unit complete (and at least one unit): for an HSB every municipality of the kieskring,
 * for a gemeente every polling station (and the municipality's number of eligible voters entered).
 */
export function allCountsComplete(ctx: AppContext): boolean {
  if (!electionExists(ctx.db)) return false;
  if (installation(ctx).eligibleVoters && eligibleVoters(ctx) === null) return false;
  const munis = reportingUnits(ctx);
  if (munis.length === 0) return false;
  const complete = completeCodes(ctx.db);
  return munis.every((m) => complete.has(m.code));
}

/**
 * The agreed forms of complete units, per database, by code, with the row's version and time: a
 * unit's state changes only with its version (applyUnitAction), and after a destroy a reused code and
 * version come with a later time. W.210 then parses only what changed since the last save instead of
 * every complete unit (137 ms at 450 polling stations). Read inside the transaction of a save of
 * another unit: committed rows, or (group commit) rows of an earlier action of the same batch, which
 * are forgotten when that batch rolls back.
 */
const agreedForms = new WeakMap<AppContext['db'], Map<string, { version: number; updatedAt: string; form: EntryForm | null }>>();

function agreedFormOf(ctx: AppContext, code: string, version: number, updatedAt: string): EntryForm | null {
  let byCode = agreedForms.get(ctx.db);
  if (byCode === undefined) {
    const fresh = new Map<string, { version: number; updatedAt: string; form: EntryForm | null }>();
    agreedForms.set(ctx.db, (byCode = fresh));
    // Group commit: a unit completed earlier in a batch is read uncommitted; forget it if the batch rolls back.
    onBatchRolledBack(ctx.db, () => fresh.clear());
  }
  const hit = byCode.get(code);
  if (hit !== undefined && hit.version === version && hit.updatedAt === updatedAt) return hit.form;
  const form = readAgreedForm(ctx.db, code);
  byCode.set(code, { version, updatedAt, form: form === null ? null : deepFreeze(form) });
  return form;
}

/** The completed results of the other units (W.210), and the optional fields of this kind of unit. */
export function checkContextFor(ctx: AppContext, code: string): CheckContext {
  const units = reportingUnits(ctx);
  const names = new Map(units.map((m) => [m.code, m.kind === 'stembureau' ? `stembureau ${m.number} (${m.name})` : m.name]));
  const optional = optionalScalarsFor(unitKindOf(ctx));
  return {
    others: otherCompleteUnits(ctx.db, code).flatMap((r) => {
      const form = agreedFormOf(ctx, r.code, r.version, r.updatedAt);
      return form ? [{ name: names.get(r.code) ?? r.code, form }] : [];
    }),
    ...(optional.length > 0 ? { optionalScalars: optional } : {}),
  };
}

/** The entry record whose checks the overview shows (the final or current entry). */
export function latestRecord(s: UnitState): EntryRecord | null {
  switch (s.kind) {
    case 'complete':
    case 'differences':
      return s.second;
    case 'first_done':
    case 'first_with_errors':
    case 'second_in_progress':
      return s.first;
    default:
      return null;
  }
}

function nextMeta(prev: UnitMeta, before: UnitState, t: Transition, now: string, checks: () => CheckResult[]): UnitMeta {
  const o = t.outcome;
  switch (o.kind) {
    case 'claimed':
      return { ...prev, claimedSince: now };
    case 'released':
      return { ...prev, claimedSince: null };
    case 'first_done':
    case 'first_with_errors':
      return { firstAt: now, secondAt: null, claimedSince: null, checkCodes: checks().map((c) => c.code) };
    case 'complete':
    case 'differences':
      return { ...prev, secondAt: now, claimedSince: null, checkCodes: checks().map((c) => c.code) };
    case 'deleted':
      return {};
    case 'resolved':
      if (o.choice === 'delete_both') return {};
      // taken over by the leader: complete, with the checks of the agreed (chosen) form
      return { ...prev, claimedSince: null, checkCodes: before.kind === 'differences' ? checks().map((c) => c.code) : (prev.checkCodes ?? []) };
    default:
      return prev;
  }
}

function statusFor(code: string): number {
  switch (code) {
    case 'entry.forbidden':
      return 403;
    case 'entry.import_invalid':
      return 422;
    default:
      return 409;
  }
}

export interface ApplyOptions {
  readonly code: string;
  readonly user: SessionUser;
  readonly action: Action;
  readonly now: Date;
  /** Extra details for the history row and the audit record (reason, file name, hash, signer). */
  readonly details?: Record<string, unknown>;
  /** Runs inside the transaction before the action (e.g. re-check that nothing changed). */
  readonly precondition?: () => void;
}

/** Audit action names per outcome (draft saves and "look again" outcomes are history only). */
function auditAction(o: Outcome, action: Action): AuditAction | null {
  switch (o.kind) {
    case 'claimed':
      return 'counts.claim';
    case 'released':
      return 'counts.release';
    case 'first_done':
      return o.source === 'import' ? 'counts.import' : 'counts.first_entry';
    case 'first_with_errors':
      return 'counts.first_entry_with_errors';
    case 'complete':
      return 'counts.second_entry';
    case 'differences':
      return 'counts.second_entry_different';
    case 'deleted':
      return 'counts.delete';
    case 'resolved':
      return `counts.resolve.${o.choice}`;
    default:
      void action;
      return null;
  }
}

function entryNumber(s: UnitState): 1 | 2 | null {
  if (s.kind === 'first_in_progress') return 1;
  if (s.kind === 'second_in_progress') return 2;
  return null;
}

/**
 * Load → applyAction → store state + history + audit, in one immediate transaction.
 * A refused action throws an ApiError (nothing stored).
 */
export function applyUnitAction(ctx: AppContext, opts: ApplyOptions): Transition {
  requireUnit(ctx, opts.code);
  const at = opts.now.toISOString();
  const run = ctx.db.transaction((): Transition => {
    requirePhase2(ctx);
    // Again inside the transaction: the unit (a polling station) must still exist.
    const municipality = requireUnit(ctx, opts.code);
    opts.precondition?.();
    const unit = loadUnit(ctx, opts.code);
    const needsChecks = opts.action.type === 'submit' || opts.action.type === 'import' || opts.action.type === 'resolve';
    const checkCtx: CheckContext = needsChecks ? checkContextFor(ctx, opts.code) : {};
    const r = applyAction(unit.state, opts.action, checkCtx);
    if (!r.ok) throw ApiError.from(statusFor(r.code), r);
    const t = r.value;
    if (t.state === unit.state) return t; // nothing changed (e.g. the owner claims again)
    const shown = agreedForm(t.state) ?? latestRecord(t.state)?.form ?? null;
    const meta = nextMeta(unit.meta, unit.state, t, at, () => (shown ? checkEntry(shown, checkContextFor(ctx, opts.code)) : []));
    const draft = currentDraft(t.state);
    writeUnit(ctx.db, { code: opts.code, state: t.state, meta, claimedBy: draft?.by.id ?? null, at });
    const a = opts.action;
    const form = a.type === 'save' || a.type === 'submit' || a.type === 'import' ? a.form : null;
    const outcomeDetails: Record<string, unknown> = { outcome: t.outcome.kind };
    if (t.outcome.kind === 'needs_attention') {
      outcomeDetails.blocking = t.outcome.blocking;
      outcomeDetails.checks = t.outcome.checks.map((c) => c.code);
    }
    if (t.outcome.kind === 'not_identical' || t.outcome.kind === 'differences') outcomeDetails.fields = t.outcome.fields.length;
    if ((a.type === 'submit' || a.type === 'import') && a.acknowledged.length > 0) outcomeDetails.acknowledged = [...a.acknowledged];
    // Tampering shows (integrity.ts): the form as entered, and when the unit completes its two entries
    // and its agreed form, as SHA-256 in the history row and the audit record.
    if (a.type === 'submit' || a.type === 'import') outcomeDetails.formSha256 = formSha256(a.form);
    const completion = completionHashes(t.state);
    if (completion !== null && unit.state.kind !== 'complete') Object.assign(outcomeDetails, completion);
    const details = { ...outcomeDetails, ...(opts.details ?? {}) };
    appendHistory(ctx.db, {
      code: opts.code,
      at,
      user: opts.user,
      action: a.type,
      outcome: t.outcome.kind,
      entry: entryNumber(unit.state) ?? entryNumber(t.state),
      source: a.type === 'import' ? 'import' : form ? 'typed' : null,
      form,
      details,
      stateAfter: t.state.kind,
    });
    const audit = auditAction(t.outcome, a);
    if (audit) {
      writeAudit(ctx.db, opts.now, actorOf(opts.user), audit, {
        code: opts.code,
        name: municipality.name,
        ...(municipality.kind === 'stembureau' ? { unitKind: municipality.kind, number: municipality.number } : {}),
        from: unit.state.kind,
        to: t.state.kind,
        ...(entryNumber(unit.state) ?? entryNumber(t.state) ? { entry: entryNumber(unit.state) ?? entryNumber(t.state) } : {}),
        ...details,
      });
    }
    return t;
  });
  return run.immediate();
}

/** The warning codes a typist (or importer) acknowledged, as they arrive. */
export const Acknowledged = z.array(z.string().regex(/^[WF]\.\d{3}$/, 'Ongeldige code van een waarschuwing.')).max(50);

/** A submitted entry: the form, the acknowledged warnings and the typist's confirmations. */
export const SubmitBody = z.object({
  form: FormSchema,
  acknowledged: Acknowledged.default([]),
  confirmErrors: z.boolean().optional(),
  confirmDifferent: z.boolean().optional(),
});

/** The answer of a submit (`submitEntry`). */
export const SubmitAnswer = z.object({ outcome: OutcomeDto, state: UnitStateKindDto, checks: z.array(CheckResultDto).readonly() });

/** The answer of claiming an entry: which entry (1 or 2), its form (the draft or empty), the state. */
export const ClaimAnswer = z.object({ entry: z.union([z.literal(1), z.literal(2)]), form: EntryFormDto, state: UnitStateKindDto });

/** The answer of saving a draft (`stale`: an older save that arrived late, ignored). */
export const DraftAnswer = z.object({ saved: z.boolean(), stale: z.boolean().optional(), checks: z.array(CheckResultDto).readonly() });

/** The answer of an action that only changes the state (release, delete, resolve). */
export const StateAnswer = z.object({ state: UnitStateKindDto });

/**
 * Complete the first or second entry of a unit (a municipality, polling station or kieskring): the
 * form made whole for the election's rules and checked against the unit's lists, the submit applied,
 * and the checks the typist sees (those that stopped it, or those of the stored form).
 */
export function submitEntry(
  ctx: AppContext,
  opts: {
    readonly code: string;
    readonly user: SessionUser;
    readonly body: z.output<typeof SubmitBody>;
    readonly rules: ElectionRuleSet;
    readonly lists: CandidateShape;
    readonly now: Date;
  },
): z.input<typeof SubmitAnswer> {
  const { code, user, body, now } = opts;
  const form = formForElection(body.form, opts.rules);
  checkFormShape(form, opts.lists);
  const t = applyUnitAction(ctx, {
    code,
    user,
    action: {
      type: 'submit',
      user: { id: user.id, username: user.username, role: user.role },
      form,
      acknowledged: body.acknowledged,
      ...(body.confirmErrors !== undefined ? { confirmErrors: body.confirmErrors } : {}),
      ...(body.confirmDifferent !== undefined ? { confirmDifferent: body.confirmDifferent } : {}),
    },
    now,
  });
  const checks = t.outcome.kind === 'needs_attention' ? t.outcome.checks : checkEntry(form, checkContextFor(ctx, code));
  return { outcome: t.outcome, state: t.state.kind, checks };
}

export { indicator };

// ---------------------------------------------------------------------------------------------
// For the documents (phase 3)
// ---------------------------------------------------------------------------------------------

export interface CompletedUnit {
  readonly kind: UnitKind;
  /** '0034' (municipality) or 'SB1' (polling station). */
  readonly code: string;
  readonly number: number;
  readonly name: string;
  /** '1234 AB' or null (always null for a municipality). */
  readonly postcode: string | null;
  /** The agreed entry (first and second entry equal). */
  readonly form: EntryForm;
  /** The same as counts; for a polling station `cast` is its Z if typed, else 0 (the 510b convention). */
  readonly counts: VoteCounts;
}

/**
 * The completed units of the stemgebied in unit order (municipality code or polling station number),
 * for the 510c/510b, the PV and the CSV. Units that are not complete are left out: callers check
 * `allCountsComplete(ctx)` first. For a gemeente, the municipality's Z is `eligibleVoters(ctx)`.
 */
export function completedUnits(ctx: AppContext): CompletedUnit[] {
  const states = loadAllUnits(ctx);
  const out: CompletedUnit[] = [];
  for (const u of reportingUnits(ctx)) {
    const s = states.get(u.code)?.state;
    const form = s ? agreedForm(s) : null;
    if (form === null) continue;
    out.push({ kind: u.kind, code: u.code, number: u.number, name: u.name, postcode: u.postcode, form, counts: formToCounts(form) });
  }
  return out;
}
