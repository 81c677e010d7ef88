/**
 * The double-entry ("four-eyes") state machine of one municipality's totals (docs/double-entry.md,
 * guide steps 7-9). Pure: the server loads the state, applies an action, and stores the new state
 * together with the audit record in one transaction.
 *
 *   empty ──claim──▶ first_in_progress ──submit──▶ first_done ──claim──▶ second_in_progress
 *     │                     │ (errors, confirmed)                              │ submit
 *     └──import (leader)──▶ first_done        first_with_errors           equal│   │different (confirmed)
 *                                                                             ▼   ▼
 *                                                                      complete ◀── differences
 *                                                    resolve first/second (leader, no errors)   │ resolve delete_both
 *                                                                                              ▼
 *                                                                                            empty
 */

import { checkEntry, hasErrors, unacknowledgedWarnings, type CheckContext, type CheckResult } from './checks.ts';
import { agreedOf, differingFields, type EntryForm, type FieldId } from './entry.ts';
import { can, type Role } from './permissions.ts';
import { fail, ok, type Result } from './result.ts';

export interface UserRef {
  readonly id: number;
  readonly username: string;
  readonly role: Role;
}

export interface Draft {
  readonly by: UserRef;
  /** Work in progress (null right after claiming); saved on every page so nothing is lost. */
  readonly form: EntryForm | null;
  /**
   * The sequence number of the save that stored `form` (rising per save of the screen): a save that
   * arrives late, after a newer one, is ignored instead of overwriting newer numbers.
   */
  readonly seq?: number;
}

export interface EntryRecord {
  readonly by: UserRef;
  readonly source: 'typed' | 'import';
  readonly form: EntryForm;
  /** Warning codes the typist (or importer) acknowledged. */
  readonly acknowledged: readonly string[];
}

export type UnitState =
  | { readonly kind: 'empty' }
  | { readonly kind: 'first_in_progress'; readonly draft: Draft }
  | { readonly kind: 'first_with_errors'; readonly first: EntryRecord }
  | { readonly kind: 'first_done'; readonly first: EntryRecord }
  | { readonly kind: 'second_in_progress'; readonly first: EntryRecord; readonly draft: Draft }
  | { readonly kind: 'differences'; readonly first: EntryRecord; readonly second: EntryRecord }
  | {
      readonly kind: 'complete';
      readonly first: EntryRecord;
      readonly second: EntryRecord;
      /**
       * Absent: the two entries are equal (`formsEqual`) and the agreed form is `agreedOf(first, second)`.
       * Present: they differ and the election leader took one of them over ("Eerste/Tweede invoer
       * overnemen", guide step 9) after looking at the differences; that entry is the agreed form.
       */
      readonly decision?: Decision;
    };

/** The election leader's choice of one of two differing entries (the second pair of eyes). */
export interface Decision {
  readonly by: UserRef;
  readonly choice: 'first' | 'second';
  /** Why, in the leader's words (shown in the history and the audit log). */
  readonly reason: string;
}

export type UnitStateKind = UnitState['kind'];

export const EMPTY: UnitState = { kind: 'empty' };

export type Action =
  | { readonly type: 'claim'; readonly user: UserRef }
  | { readonly type: 'save'; readonly user: UserRef; readonly form: EntryForm; readonly seq?: number }
  | {
      readonly type: 'submit';
      readonly user: UserRef;
      readonly form: EntryForm;
      readonly acknowledged: readonly string[];
      /** First entry: the typist confirms the paper really has these errors (goes to the election leader). */
      readonly confirmErrors?: boolean;
      /** Second entry: "Bevestigen steminvoer" after "Eerste en tweede steminvoer zijn niet identiek". */
      readonly confirmDifferent?: boolean;
    }
  | { readonly type: 'release'; readonly user: UserRef }
  | { readonly type: 'import'; readonly user: UserRef; readonly form: EntryForm; readonly acknowledged: readonly string[] }
  | { readonly type: 'delete'; readonly user: UserRef }
  | {
      readonly type: 'resolve';
      readonly user: UserRef;
      readonly choice: 'first' | 'second' | 'delete_both';
      /** Required for 'first' and 'second' (the leader's reason for taking that entry over). */
      readonly reason?: string;
    };

/** What happened, for the UI's notices and the audit log. */
export type Outcome =
  | { readonly kind: 'claimed'; readonly entry: 1 | 2 }
  | { readonly kind: 'saved' }
  /** A draft save older than the stored one (it arrived late): nothing changed. */
  | { readonly kind: 'stale' }
  | { readonly kind: 'released' }
  /** Nothing completed: the typist must first look at these checks (the draft is kept). */
  | { readonly kind: 'needs_attention'; readonly checks: readonly CheckResult[]; readonly blocking: 'errors' | 'warnings' | 'empty' }
  /** Second entry differs from the first; the typist may correct or confirm. */
  | { readonly kind: 'not_identical'; readonly fields: readonly FieldId[] }
  | { readonly kind: 'first_done'; readonly source: 'typed' | 'import' }
  | { readonly kind: 'first_with_errors' }
  | { readonly kind: 'complete' }
  | { readonly kind: 'differences'; readonly fields: readonly FieldId[] }
  | { readonly kind: 'deleted' }
  | { readonly kind: 'resolved'; readonly choice: 'first' | 'second' | 'delete_both' };

export interface Transition {
  readonly state: UnitState;
  readonly outcome: Outcome;
}

export type EntryError =
  | 'entry.forbidden'
  | 'entry.claimed'
  | 'entry.same_user'
  | 'entry.wrong_state'
  | 'entry.not_owner'
  | 'entry.import_invalid'
  | 'entry.chosen_has_errors'
  | 'entry.reason_required';

function typist(user: UserRef): Result<true, EntryError> {
  return can(user.role, 'counts.enter')
    ? ok(true)
    : fail('entry.forbidden', 'Alleen gebruikers met de rol invoer kunnen stemaantallen invoeren.');
}

function leader(user: UserRef, permission: 'counts.resolve' | 'counts.import'): Result<true, EntryError> {
  return can(user.role, permission)
    ? ok(true)
    : fail('entry.forbidden', 'Alleen de verkiezingsleider kan dit doen.');
}

function claimedBy(draft: Draft): Result<never, EntryError> {
  return fail('entry.claimed', `Deze gemeente wordt al ingevoerd door ${draft.by.username}.`);
}

function wrongState(what: string): Result<never, EntryError> {
  return fail('entry.wrong_state', what);
}

/** The draft currently being typed, if any. */
export function currentDraft(s: UnitState): Draft | null {
  return s.kind === 'first_in_progress' || s.kind === 'second_in_progress' ? s.draft : null;
}

/** Apply one action. Checks are run here so that the state machine alone decides completion. */
export function applyAction(s: UnitState, a: Action, ctx: CheckContext = {}): Result<Transition, EntryError> {
  switch (a.type) {
    case 'claim': {
      const r = typist(a.user);
      if (!r.ok) return r;
      if (s.kind === 'empty') return ok({ state: { kind: 'first_in_progress', draft: { by: a.user, form: null } }, outcome: { kind: 'claimed', entry: 1 } });
      if (s.kind === 'first_done') {
        if (s.first.by.id === a.user.id) {
          return fail(
            'entry.same_user',
            s.first.source === 'import'
              ? 'U heeft het tellingbestand van deze gemeente geïmporteerd; de tweede invoer moet door een andere gebruiker worden gedaan.'
              : 'U heeft de eerste invoer van deze gemeente gedaan; de tweede invoer moet door een andere gebruiker worden gedaan.',
          );
        }
        return ok({ state: { kind: 'second_in_progress', first: s.first, draft: { by: a.user, form: null } }, outcome: { kind: 'claimed', entry: 2 } });
      }
      const d = currentDraft(s);
      if (d !== null) {
        if (d.by.id === a.user.id) {
          return ok({ state: s, outcome: { kind: 'claimed', entry: s.kind === 'first_in_progress' ? 1 : 2 } });
        }
        return claimedBy(d);
      }
      return wrongState(stateMessage(s));
    }
    case 'save': {
      const r = typist(a.user);
      if (!r.ok) return r;
      const d = currentDraft(s);
      if (d === null) return wrongState('Er is geen invoer in behandeling voor deze gemeente.');
      if (d.by.id !== a.user.id) return claimedBy(d);
      if (a.seq !== undefined && d.seq !== undefined && a.seq <= d.seq) return ok({ state: s, outcome: { kind: 'stale' } });
      const draft: Draft = a.seq !== undefined ? { by: a.user, form: a.form, seq: a.seq } : { by: a.user, form: a.form };
      return ok({ state: withDraft(s, draft), outcome: { kind: 'saved' } });
    }
    case 'submit': {
      const r = typist(a.user);
      if (!r.ok) return r;
      const d = currentDraft(s);
      if (d === null) return wrongState('Er is geen invoer in behandeling voor deze gemeente.');
      if (d.by.id !== a.user.id) return claimedBy(d);
      const kept = withDraft(s, { by: a.user, form: a.form });
      const checks = checkEntry(a.form, ctx);
      if (checks.some((c) => c.code === 'F.100' || c.code === 'F.101')) {
        return ok({ state: kept, outcome: { kind: 'needs_attention', checks, blocking: 'empty' } });
      }
      const record: EntryRecord = { by: a.user, source: 'typed', form: a.form, acknowledged: [...a.acknowledged] };
      if (s.kind === 'first_in_progress') {
        if (hasErrors(checks)) {
          if (!a.confirmErrors) return ok({ state: kept, outcome: { kind: 'needs_attention', checks, blocking: 'errors' } });
          return ok({ state: { kind: 'first_with_errors', first: record }, outcome: { kind: 'first_with_errors' } });
        }
        if (unacknowledgedWarnings(checks, a.acknowledged).length > 0) {
          return ok({ state: kept, outcome: { kind: 'needs_attention', checks, blocking: 'warnings' } });
        }
        return ok({ state: { kind: 'first_done', first: record }, outcome: { kind: 'first_done', source: 'typed' } });
      }
      // second entry
      const first = (s as Extract<UnitState, { kind: 'second_in_progress' }>).first;
      const fields = differingFields(first.form, a.form);
      if (fields.length === 0) {
        // The agreed form (not only the typed one) must pass every error check: a unit is never
        // complete with an F-check failing, however it got here.
        const agreedChecks = checkEntry(agreedOf(first, record), ctx);
        if (hasErrors(agreedChecks) || hasErrors(checks)) {
          return ok({ state: kept, outcome: { kind: 'needs_attention', checks: hasErrors(checks) ? checks : agreedChecks, blocking: 'errors' } });
        }
        if (unacknowledgedWarnings(checks, a.acknowledged).length > 0) {
          return ok({ state: kept, outcome: { kind: 'needs_attention', checks, blocking: 'warnings' } });
        }
        return ok({ state: { kind: 'complete', first, second: record }, outcome: { kind: 'complete' } });
      }
      if (!a.confirmDifferent) return ok({ state: kept, outcome: { kind: 'not_identical', fields } });
      return ok({ state: { kind: 'differences', first, second: record }, outcome: { kind: 'differences', fields } });
    }
    case 'release': {
      const d = currentDraft(s);
      if (d === null) return wrongState('Er is geen invoer in behandeling om vrij te geven.');
      if (d.by.id !== a.user.id) {
        const r = leader(a.user, 'counts.resolve');
        if (!r.ok) return fail('entry.not_owner', `Deze invoer is van ${d.by.username}; alleen de verkiezingsleider kan haar vrijgeven.`);
      }
      const state: UnitState = s.kind === 'second_in_progress' ? { kind: 'first_done', first: s.first } : EMPTY;
      return ok({ state, outcome: { kind: 'released' } });
    }
    case 'import': {
      const r = leader(a.user, 'counts.import');
      if (!r.ok) return r;
      if (s.kind !== 'empty') {
        const d = currentDraft(s);
        return wrongState(
          d !== null
            ? `Deze gemeente wordt al handmatig ingevoerd door ${d.by.username}; importeren kan alleen zolang er geen invoer is.`
            : 'Deze gemeente heeft al een invoer; importeren kan alleen zolang er geen invoer is. Verwijder eerst de bestaande invoer.',
        );
      }
      const checks = checkEntry(a.form, ctx);
      if (hasErrors(checks)) {
        return fail(
          'entry.import_invalid',
          `De telling in het bestand klopt niet: ${checks.filter((c) => c.severity === 'error').map((c) => c.message).join(' ')}`,
          checks.map((c) => c.code).join(','),
        );
      }
      const open = unacknowledgedWarnings(checks, a.acknowledged);
      if (open.length > 0) {
        return fail(
          'entry.import_invalid',
          `Bevestig eerst de waarschuwingen: ${open.map((c) => `${c.code} ${c.message}`).join(' ')}`,
          open.map((c) => c.code).join(','),
        );
      }
      const first: EntryRecord = { by: a.user, source: 'import', form: a.form, acknowledged: [...a.acknowledged] };
      return ok({ state: { kind: 'first_done', first }, outcome: { kind: 'first_done', source: 'import' } });
    }
    case 'delete': {
      const r = leader(a.user, 'counts.resolve');
      if (!r.ok) return r;
      if (s.kind === 'first_done' || s.kind === 'first_with_errors' || s.kind === 'complete') {
        return ok({ state: EMPTY, outcome: { kind: 'deleted' } });
      }
      if (s.kind === 'differences') return wrongState('Kies bij verschillen tussen eerste en tweede invoer een van de oplossingen.');
      const d = currentDraft(s);
      if (d !== null) return wrongState(`Deze gemeente wordt nog ingevoerd door ${d.by.username}; geef de invoer eerst vrij.`);
      return wrongState('Er is geen invoer om te verwijderen.');
    }
    case 'resolve': {
      const r = leader(a.user, 'counts.resolve');
      if (!r.ok) return r;
      if (s.kind !== 'differences') return wrongState('Er zijn geen verschillen op te lossen voor deze gemeente.');
      if (a.choice === 'delete_both') return ok({ state: EMPTY, outcome: { kind: 'resolved', choice: a.choice } });
      // "Eerste/Tweede invoer overnemen": the leader's choice, after looking at the differences, is the
      // second pair of eyes. Final only when the chosen entry passes every error check.
      const reason = (a.reason ?? '').trim();
      if (reason === '') {
        return fail('entry.reason_required', 'Geef een reden op waarom u deze invoer overneemt.');
      }
      const chosen = a.choice === 'first' ? s.first : s.second;
      const errors = checkEntry(chosen.form, ctx).filter((c) => c.severity === 'error');
      if (errors.length > 0) {
        return fail(
          'entry.chosen_has_errors',
          `De ${a.choice === 'first' ? 'eerste' : 'tweede'} invoer bevat fouten (${errors.map((c) => c.code).join(', ')}) en kan daarom niet worden overgenomen. Kies de andere invoer of "Verwijder eerste en tweede invoer".`,
          errors.map((c) => c.code).join(','),
        );
      }
      const decision: Decision = { by: a.user, choice: a.choice, reason };
      return ok({ state: { kind: 'complete', first: s.first, second: s.second, decision }, outcome: { kind: 'resolved', choice: a.choice } });
    }
  }
}

/** What a user can do with a unit, as the screens offer it ('continue': resume the own draft). */
export type UnitActionName = 'claim' | 'continue' | 'release' | 'delete' | 'resolve' | 'import';

/** Refusals about the content of an action, not about who or when: the action itself is available. */
const CONTENT_REFUSALS: readonly EntryError[] = ['entry.import_invalid', 'entry.chosen_has_errors', 'entry.reason_required'];

/**
 * The actions `user` may take on a unit in state `s`, decided by `applyAction` itself (each action is
 * tried on the state, nothing is stored), so the screens never re-state its preconditions.
 * `imports`: whether this installation imports count files at all (an HSB does, a gemeente does not).
 */
export function availableActions(s: UnitState, user: UserRef, options: { readonly imports: boolean }): UnitActionName[] {
  const allowed = (a: Action): boolean => {
    const r = applyAction(s, a);
    return r.ok || CONTENT_REFUSALS.includes(r.code);
  };
  const probe: EntryForm = { scalars: {} as EntryForm['scalars'], lists: [] };
  const out: UnitActionName[] = [];
  const d = currentDraft(s);
  if (d !== null && d.by.id === user.id && allowed({ type: 'claim', user })) out.push('continue');
  else if (allowed({ type: 'claim', user })) out.push('claim');
  if (allowed({ type: 'release', user })) out.push('release');
  if (allowed({ type: 'delete', user })) out.push('delete');
  if (allowed({ type: 'resolve', user, choice: 'delete_both', reason: '-' })) out.push('resolve');
  if (options.imports && allowed({ type: 'import', user, form: probe, acknowledged: [] })) out.push('import');
  return out;
}

function withDraft(s: UnitState, draft: Draft): UnitState {
  if (s.kind === 'first_in_progress') return { kind: 'first_in_progress', draft };
  if (s.kind === 'second_in_progress') return { kind: 'second_in_progress', first: s.first, draft };
  return s;
}

function stateMessage(s: UnitState): string {
  switch (s.kind) {
    case 'complete':
      return 'De invoer van deze gemeente is al afgerond.';
    case 'differences':
      return 'De eerste en tweede invoer verschillen; de verkiezingsleider moet dit eerst oplossen.';
    case 'first_with_errors':
      return 'De eerste invoer bevat fouten; de verkiezingsleider moet dit eerst beoordelen.';
    default:
      return 'Deze actie kan nu niet.';
  }
}

/**
 * THE agreed result of a unit, or null while it is not complete: the one form that the status, W.210,
 * the 510b/510c, the PV and the CSV read. Two equal entries: `agreedOf(first, second)` (entry.ts says
 * how an empty field and a 0 are reconciled); the leader's choice of one of two differing entries:
 * that entry as it was entered.
 */
export function agreedForm(s: UnitState): EntryForm | null {
  if (s.kind !== 'complete') return null;
  if (s.decision !== undefined) return s.decision.choice === 'first' ? s.first.form : s.second.form;
  return agreedOf(s.first, s.second);
}

/**
 * How a unit's state reads for people: `label` in the status overviews, `missing` in the list of what
 * still stands in the way of "Definitief maken" (empty when complete).
 */
export const UNIT_STATE_TEXT: Record<UnitStateKind, { readonly label: string; readonly missing: string }> = {
  empty: { label: 'Geen invoer', missing: 'Nog geen invoer.' },
  first_in_progress: { label: 'Eerste invoer wordt ingevoerd', missing: 'De eerste invoer is nog bezig.' },
  first_with_errors: {
    label: 'Eerste invoer met fouten: de verkiezingsleider beoordeelt deze',
    missing: 'De eerste invoer bevat fouten; de verkiezingsleider moet deze beoordelen.',
  },
  first_done: { label: 'Eerste invoer afgerond, wacht op de tweede invoer', missing: 'De tweede invoer ontbreekt.' },
  second_in_progress: { label: 'Tweede invoer wordt ingevoerd', missing: 'De tweede invoer is nog bezig.' },
  differences: {
    label: 'Eerste en tweede invoer zijn niet gelijk: de verkiezingsleider beslist',
    missing: 'Er zijn verschillen tussen de eerste en de tweede invoer die moeten worden opgelost.',
  },
  complete: { label: 'Eerste en tweede invoer afgerond', missing: '' },
};

/** Status indicator of the overview (guide step 7). */
export type Indicator = 'geen_invoer' | 'invoer_aanwezig' | 'waarschuwing' | 'afgerond';

export function indicator(s: UnitState): Indicator {
  switch (s.kind) {
    case 'empty':
      return 'geen_invoer';
    case 'first_in_progress':
      // "Invoer aanwezig" only once something was typed, not when a typist merely opened the form
      return s.draft.form === null ? 'geen_invoer' : 'invoer_aanwezig';
    case 'complete':
      return 'afgerond';
    case 'differences':
    case 'first_with_errors':
      return 'waarschuwing';
    default:
      return 'invoer_aanwezig';
  }
}
