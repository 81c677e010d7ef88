import {
  memo,
  useCallback,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type FocusEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import {
  api,
  type ApiFailure,
  type CheckResult,
  type Claim,
  type EntryForm,
  type FieldId,
  type FormShape,
  type MunicipalityDetail,
  type SubmitResult,
} from '../api.ts';
import { ErrorMessage, PageTitle, showToast, useApp, useConfirm, useLoad } from '../components.tsx';
import { fieldLabel } from '../counts.tsx';
import { href, navigate } from '../router.ts';
import { NotAllowed } from './CreateElection.tsx';

type Num = number | null;
const AUTOSAVE_MS = 3000;
const MAX_DIGITS = 9;
/** Shown at a field whose text is not a count; the text stays as typed (never altered). */
export const INVALID_NUMBER_MESSAGE = "Vul alleen een heel getal van 0 of meer in, zonder punten of komma's.";
const TOO_LARGE_MESSAGE = `Dit getal is te groot: ten hoogste ${MAX_DIGITS} cijfers.`;

/**
 * The value of a field's text: a number, empty (null), or invalid with the reason. Nothing is
 * guessed: "1,5", "-3", "12.000", letters and numbers of more than 9 digits are refused as typed.
 */
export function parseFieldText(text: string): { ok: true; value: Num } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (!/^[0-9]+$/.test(t)) return { ok: false, message: INVALID_NUMBER_MESSAGE };
  if (t.replace(/^0+(?=.)/, '').length > MAX_DIGITS) return { ok: false, message: TOO_LARGE_MESSAGE };
  return { ok: true, value: Number(t) };
}
const nl = new Intl.NumberFormat('nl-NL');

/**
 * The values of one entry, outside React: the 1,100 inputs are uncontrolled (typing re-renders
 * nothing but the small running-sum displays that subscribe to their own list).
 */
class FormStore {
  private readonly scalars = new Map<string, Num>();
  private readonly lists = new Map<number, { total: Num; candidates: Num[] }>();
  private readonly subs = new Map<string, Set<() => void>>();
  private readonly versions = new Map<string, number>();
  /** Fields whose text is not a count (kept visible, left out of the draft, blocks finishing). */
  readonly invalid = new Map<FieldId, string>();
  dirty = false;

  constructor(
    readonly shape: FormShape,
    form: EntryForm | null,
  ) {
    for (const s of shape.scalars) {
      const v = form?.scalars[s.key as keyof EntryForm['scalars']];
      this.scalars.set(s.key, v ?? null);
    }
    for (const l of shape.lists) {
      const fl = form?.lists.find((x) => x.listNumber === l.listNumber);
      this.lists.set(l.listNumber, {
        total: fl?.total ?? null,
        candidates: l.candidates.map((_, i) => fl?.candidates[i] ?? null),
      });
    }
  }

  private static parse(id: FieldId): { list: number; pos: number | null } | null {
    const m = /^list\.(\d+)(?:\.(\d+))?$/.exec(id);
    return m ? { list: Number(m[1]), pos: m[2] === undefined ? null : Number(m[2]) } : null;
  }

  /** The subscription key of a field: its list ('list.3') or 'scalars'. */
  static keyOf(id: FieldId): string {
    const p = FormStore.parse(id);
    return p ? `list.${p.list}` : 'scalars';
  }

  get(id: FieldId): Num {
    const p = FormStore.parse(id);
    if (!p) return this.scalars.get(id) ?? null;
    const l = this.lists.get(p.list);
    if (!l) return null;
    return p.pos === null ? l.total : (l.candidates[p.pos - 1] ?? null);
  }

  set(id: FieldId, v: Num): void {
    const p = FormStore.parse(id);
    if (!p) {
      if (!this.scalars.has(id) || this.scalars.get(id) === v) return;
      this.scalars.set(id, v);
    } else {
      const l = this.lists.get(p.list);
      if (!l) return;
      if (p.pos === null) {
        if (l.total === v) return;
        l.total = v;
      } else {
        if (l.candidates[p.pos - 1] === v) return;
        l.candidates[p.pos - 1] = v;
      }
    }
    this.dirty = true;
    this.emit(FormStore.keyOf(id));
  }

  private emit(key: string): void {
    this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    for (const f of this.subs.get(key) ?? []) f();
  }

  subscribe = (key: string, f: () => void): (() => void) => {
    let set = this.subs.get(key);
    if (!set) this.subs.set(key, (set = new Set()));
    set.add(f);
    return () => void set.delete(f);
  };

  version(key: string): number {
    return this.versions.get(key) ?? 0;
  }

  listState(n: number): { total: Num; sum: number; empty: number } {
    const l = this.lists.get(n)!;
    let sum = 0;
    let empty = l.total === null ? 1 : 0;
    for (const c of l.candidates) {
      if (c === null) empty++;
      else sum += c;
    }
    return { total: l.total, sum, empty };
  }

  /** Empty candidate fields (not list totals or the other fields: those the typist must type). */
  emptyCandidateFields(): FieldId[] {
    const out: FieldId[] = [];
    for (const [n, l] of this.lists)
      l.candidates.forEach((c, i) => c === null && !this.invalid.has(`list.${n}.${i + 1}`) && out.push(`list.${n}.${i + 1}`));
    return out;
  }

  toForm(): EntryForm {
    return {
      scalars: Object.fromEntries(this.scalars) as EntryForm['scalars'],
      lists: [...this.lists].map(([listNumber, l]) => ({ listNumber, total: l.total, candidates: [...l.candidates] })),
    };
  }
}

const domId = (id: FieldId) => `veld-${id.replace(/\./g, '-')}`;
const positionKey = (user: string, code: string, entry: number) => `uitslag.invoer.${user}.${code}.${entry}`;

/**
 * "Invoer stemmen" (guide step 8): the typist enters every number of the municipality's PV.
 * Tab/Enter next field, Shift+Tab/Shift+Enter previous, space on "Verschillen" expands it; jump to
 * list N; running sums; empty stays empty. The draft is saved on every section change and every
 * few seconds of typing, so a reload or a server restart loses nothing.
 */
export function CountEntry({ code }: { code: string }) {
  const { can, session } = useApp();
  const [shape, shapeError] = useLoad(() => api.get<FormShape>('/api/counts/form-shape'));
  const [claim, setClaim] = useState<Claim | null>(null);
  const [claimError, setClaimError] = useState<ApiFailure | null>(null);
  const [name, setName] = useState<string>(code);

  useEffect(() => {
    let live = true;
    void api.get<MunicipalityDetail>(`/api/counts/${encodeURIComponent(code)}`).then((r) => {
      if (!live || !r.ok) return;
      const m = r.value.municipality;
      // A polling station: "stembureau 3 Bibliotheek"; a municipality: its name.
      setName(r.value.unit?.kind === 'stembureau' ? `stembureau ${m.number} ${m.name}` : m.name);
    });
    void api.post<Claim>(`/api/counts/${encodeURIComponent(code)}/claim`).then((r) => {
      if (!live) return;
      if (r.ok) setClaim(r.value);
      else setClaimError(r);
    });
    return () => {
      live = false;
    };
  }, [code]);

  if (!can('counts.enter')) return <NotAllowed />;
  const title = claim ? `${claim.entry === 1 ? 'Eerste' : 'Tweede'} invoer ${name}` : `Invoer ${name}`;
  return (
    <>
      <p className="crumbs">
        <a href={href('/steminvoer')}>Invoer stemmen</a>
      </p>
      <PageTitle>{title}</PageTitle>
      <ErrorMessage error={shapeError ?? claimError} />
      {claimError ? (
        <p>
          <a href={href('/steminvoer')}>Terug naar de lijst</a>
        </p>
      ) : null}
      {shape && claim ? <EntryEditor key={`${code}.${claim.entry}`} code={code} name={name} shape={shape} claim={claim} user={session.user.username} /> : null}
      {!claimError && !(shape && claim) ? <p>Laden…</p> : null}
    </>
  );
}

type Panel =
  | { kind: 'invalid'; fields: FieldId[] }
  | { kind: 'empty'; fields: FieldId[]; checks: CheckResult[] }
  | { kind: 'checks'; blocking: 'errors' | 'warnings'; checks: CheckResult[] }
  | { kind: 'not_identical'; fields: FieldId[] };

function EntryEditor(props: { code: string; name: string; shape: FormShape; claim: Claim; user: string }) {
  const { code, shape, claim, user } = props;
  const storeRef = useRef<FormStore | null>(null);
  if (storeRef.current === null) storeRef.current = new FormStore(shape, claim.form);
  const store = storeRef.current;
  const formRef = useRef<HTMLFormElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [saveError, setSaveError] = useState<ApiFailure | null>(null);
  const [submitError, setSubmitError] = useState<ApiFailure | null>(null);
  const [panel, setPanel] = useState<Panel | null>(null);
  const [acknowledged, setAcknowledged] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [confirm, dialog] = useConfirm();
  const diffOpen = useRef<(open: boolean) => void>(() => {});
  const section = useRef<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const draftUrl = `/api/counts/${encodeURIComponent(code)}/draft`;
  const posKey = positionKey(user, code, claim.entry);

  const save = useCallback(async () => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    if (!store.dirty) return true;
    store.dirty = false;
    const r = await api.put<{ saved: boolean }>(draftUrl, { form: store.toForm() });
    if (r.ok) {
      setSavedAt(new Date());
      setSaveError(null);
      return true;
    }
    store.dirty = true;
    setSaveError(r);
    return false;
  }, [store, draftUrl]);

  // A reload or closing the tab: send what is not saved yet (keepalive outlives the page).
  useEffect(() => {
    const flush = () => {
      if (!store.dirty) return;
      store.dirty = false;
      void fetch(draftUrl, {
        method: 'PUT',
        keepalive: true,
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ form: store.toForm() }),
      }).catch(() => undefined);
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      if (timer.current) clearTimeout(timer.current);
      flush();
    };
  }, [store, draftUrl]);

  const fieldEl = useCallback((id: FieldId) => formRef.current?.querySelector<HTMLInputElement>(`input[data-field="${id}"]`) ?? null, []);

  const focusField = useCallback(
    (id: FieldId) => {
      if (/^(I|J|K|L|M|N|O|P1|P2|P3)$/.test(id)) diffOpen.current(true);
      setTimeout(() => {
        const el = fieldEl(id);
        if (!el) return;
        el.scrollIntoView({ block: 'center' });
        el.focus();
        el.select();
      }, 0);
    },
    [fieldEl],
  );

  // Continue where the typist was (after a reload), else at the first empty field.
  useEffect(() => {
    const last = localStorage.getItem(posKey);
    const inputs = [...(formRef.current?.querySelectorAll<HTMLInputElement>('input[data-field]') ?? [])];
    // Fields that are not required (Z of a polling station) are not where a new entry starts.
    const target =
      (last && inputs.some((i) => i.dataset.field === last) ? last : null) ??
      inputs.find((i) => i.value === '' && i.dataset.optional === undefined)?.dataset.field ??
      inputs[0]?.dataset.field;
    if (target) focusField(target);
  }, [posKey, focusField]);

  /** Mark fields (checks, differences) straight in the DOM: no re-render of 1,100 inputs. */
  const mark = useCallback((ids: Iterable<FieldId>) => {
    const set = new Set(ids);
    for (const el of formRef.current?.querySelectorAll<HTMLInputElement>('input[data-field]') ?? []) {
      const on = set.has(el.dataset.field!) || store.invalid.has(el.dataset.field!);
      el.classList.toggle('marked', on);
      if (on) el.setAttribute('aria-invalid', 'true');
      else el.removeAttribute('aria-invalid');
    }
  }, [store]);

  const onInput = useCallback(
    (e: FormEvent<HTMLFormElement>) => {
      const el = e.target as HTMLInputElement;
      const id = el.dataset?.field;
      if (!id) return;
      // Never alter what was typed: an invalid text stays visible, marked, out of the draft.
      const parsed = parseFieldText(el.value);
      store.set(id, parsed.ok ? parsed.value : null);
      const msg = el.parentElement?.querySelector<HTMLElement>(`[data-field-error="${id}"]`) ?? null;
      if (parsed.ok) {
        store.invalid.delete(id);
        el.classList.remove('marked', 'invalid');
        el.removeAttribute('aria-invalid');
        if (msg) {
          msg.hidden = true;
          msg.textContent = '';
        }
        if (store.invalid.size === 0) setPanel((p) => (p?.kind === 'invalid' ? null : p));
      } else {
        store.invalid.set(id, parsed.message);
        el.classList.add('marked', 'invalid');
        el.setAttribute('aria-invalid', 'true');
        if (msg) {
          msg.textContent = parsed.message;
          msg.hidden = false;
        }
      }
      if (!timer.current) timer.current = setTimeout(() => void save(), AUTOSAVE_MS);
    },
    [store, save],
  );

  const onFocus = useCallback(
    (e: FocusEvent<HTMLFormElement>) => {
      const el = e.target as HTMLElement;
      const id = (el as HTMLInputElement).dataset?.field;
      if (id) localStorage.setItem(posKey, id);
      const s = el.closest<HTMLElement>('[data-section]')?.dataset.section ?? null;
      if (s && s !== section.current) {
        const before = section.current;
        section.current = s;
        if (before !== null) void save(); // every section change saves the draft
      }
    },
    [posKey, save],
  );

  const onKeyDown = useCallback((e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key !== 'Enter') return;
    const el = e.target as HTMLInputElement;
    if (!el.dataset?.field) return;
    e.preventDefault();
    const inputs = [...(formRef.current?.querySelectorAll<HTMLInputElement>('input[data-field]') ?? [])];
    const i = inputs.indexOf(el);
    const next = inputs[e.shiftKey ? i - 1 : i + 1];
    if (next) {
      next.focus();
      next.select();
    } else if (!e.shiftKey) {
      formRef.current?.querySelector<HTMLButtonElement>('button[data-submit]')?.focus();
    }
  }, []);

  const gotoList = useCallback((n: number) => focusField(`list.${n}`), [focusField]);

  async function submit(options: { confirmErrors?: boolean; confirmDifferent?: boolean } = {}, ack = acknowledged) {
    if (store.invalid.size > 0) {
      // Refused in the browser: the server never sees a number that was not typed.
      const fields = [...store.invalid.keys()];
      setPanel({ kind: 'invalid', fields });
      mark(fields);
      setTimeout(() => {
        panelRef.current?.scrollIntoView({ block: 'start' });
        panelRef.current?.querySelector<HTMLElement>('h2')?.focus();
      }, 0);
      return;
    }
    setBusy(true);
    setSubmitError(null);
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    const r = await api.post<SubmitResult>(`/api/counts/${encodeURIComponent(code)}/submit`, {
      form: store.toForm(),
      acknowledged: ack,
      ...options,
    });
    setBusy(false);
    if (!r.ok) {
      setSubmitError(r);
      return;
    }
    store.dirty = false;
    setSavedAt(new Date());
    const { outcome } = r.value;
    const checks = r.value.checks ?? ('checks' in outcome ? (outcome.checks ?? []) : []);
    const show = (p: Panel, marked: FieldId[]) => {
      setPanel(p);
      mark(marked);
      setTimeout(() => {
        panelRef.current?.scrollIntoView({ block: 'start' });
        panelRef.current?.querySelector<HTMLElement>('h2')?.focus();
      }, 0);
    };
    switch (outcome.kind) {
      case 'needs_attention': {
        if (outcome.blocking === 'empty') {
          const empty = checks.find((c) => c.code === 'F.101')?.fields ?? [];
          const invalid = checks.find((c) => c.code === 'F.100')?.fields ?? [];
          show({ kind: 'empty', fields: [...invalid, ...empty], checks: checks.filter((c) => c.code === 'F.100' || c.code === 'F.101') }, [...invalid, ...empty]);
        } else {
          show({ kind: 'checks', blocking: outcome.blocking, checks }, checks.flatMap((c) => [...c.fields]));
        }
        return;
      }
      case 'not_identical':
        show({ kind: 'not_identical', fields: outcome.fields }, outcome.fields);
        return;
      default: {
        localStorage.removeItem(posKey);
        showToast('success', 'De invoer is opgeslagen');
        const orange =
          outcome.kind === 'first_done'
            ? 'Geblokkeerd voor tweede invoer'
            : outcome.kind === 'complete'
              ? 'Invoer afgerond'
              : outcome.kind === 'first_with_errors'
                ? 'Doorgestuurd naar de verkiezingsleider (fouten op het proces-verbaal)'
                : 'Invoer afgerond; de verkiezingsleider beoordeelt de verschillen';
        showToast('warning', orange);
        navigate('/steminvoer');
      }
    }
  }

  async function zeroEmptyCandidates() {
    const fields = store.emptyCandidateFields();
    if (fields.length === 0) return;
    const yes = await confirm({
      title: 'Lege kandidaatvelden op 0 zetten',
      body: (
        <p>
          {fields.length === 1 ? 'Eén leeg kandidaatveld krijgt' : `${fields.length} lege kandidaatvelden krijgen`} de waarde 0. Doe dit
          alleen als deze kandidaten op het proces-verbaal geen stemmen hebben (een leeg vak).
        </p>
      ),
      confirmLabel: 'Op 0 zetten',
    });
    if (!yes) return;
    for (const id of fields) {
      store.set(id, 0);
      const el = fieldEl(id);
      if (el) {
        el.value = '0';
        el.classList.remove('marked');
        el.removeAttribute('aria-invalid');
      }
    }
    await save();
    setPanel((p) => (p?.kind === 'empty' ? { ...p, fields: p.fields.filter((f) => !fields.includes(f)) } : p));
  }

  async function stop() {
    await save();
    navigate('/steminvoer');
  }

  const warnings = panel?.kind === 'checks' ? panel.checks.filter((c) => c.severity === 'warning') : [];
  const errors = panel?.kind === 'checks' ? panel.checks.filter((c) => c.severity === 'error') : [];

  return (
    <>
      <div className="entry-bar" role="region" aria-label="Invoerbalk">
        <label className="goto">
          Ga naar lijst{' '}
          <select
            value=""
            onChange={(e) => {
              if (e.target.value) gotoList(Number(e.target.value));
            }}
          >
            <option value="">Kies…</option>
            {shape.lists.map((l) => (
              <option key={l.listNumber} value={l.listNumber}>
                {l.listNumber}. {l.name}
              </option>
            ))}
          </select>
        </label>
        <span className="save-status" role="status" data-saved={savedAt ? 'ja' : 'nee'}>
          {saveError ? <span className="save-error">Niet opgeslagen: {saveError.message}</span> : savedAt ? `Tussentijds opgeslagen om ${savedAt.toLocaleTimeString('nl-NL')}` : 'Wordt automatisch tussentijds opgeslagen'}
        </span>
        <button type="button" className="secondary small" onClick={() => void stop()}>
          Opslaan en later verder
        </button>
      </div>
      <p className="hint keys-hint">
        <kbd>Tab</kbd> of <kbd>Enter</kbd>: volgend veld · <kbd>Shift</kbd>+<kbd>Tab</kbd> of <kbd>Shift</kbd>+<kbd>Enter</kbd>: vorig veld ·
        een leeg vak op het proces-verbaal is 0: typ dan 0.
      </p>
      <form
        ref={formRef}
        className="entry-form"
        autoComplete="off"
        noValidate
        onInput={onInput}
        onFocus={onFocus}
        onKeyDown={onKeyDown}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <ScalarSections shape={shape} store={store} openRef={diffOpen} />
        {shape.lists.map((l) => (
          <ListSection key={l.listNumber} list={l} store={store} />
        ))}

        <div ref={panelRef} className="submit-panel-anchor">
          {panel ? (
            <SubmitPanel
              panel={panel}
              shape={shape}
              entry={claim.entry}
              errors={errors}
              warnings={warnings}
              acknowledged={acknowledged}
              setAcknowledged={setAcknowledged}
              busy={busy}
              onJump={focusField}
              onZero={() => void zeroEmptyCandidates()}
              onConfirmErrors={() => void submit({ confirmErrors: true })}
              onConfirmDifferent={() => void submit({ confirmDifferent: true })}
              onCorrect={() => {
                const first = panel.kind === 'not_identical' ? panel.fields[0] : undefined;
                setPanel(null);
                if (first) focusField(first);
              }}
            />
          ) : null}
        </div>
        <ErrorMessage error={submitError} />
        <div className="actions">
          <button type="submit" className="primary" data-submit disabled={busy}>
            {claim.entry === 1 ? 'Invoer afronden' : 'Tweede invoer afronden'}
          </button>
        </div>
      </form>
      {dialog}
    </>
  );
}

function SubmitPanel(props: {
  panel: Panel;
  shape: FormShape;
  entry: 1 | 2;
  errors: CheckResult[];
  warnings: CheckResult[];
  acknowledged: string[];
  setAcknowledged: (a: string[]) => void;
  busy: boolean;
  onJump: (id: FieldId) => void;
  onZero: () => void;
  onConfirmErrors: () => void;
  onConfirmDifferent: () => void;
  onCorrect: () => void;
}) {
  const { panel, shape } = props;
  const fieldLinks = (ids: readonly FieldId[], max = 15) => (
    <ul className="field-links">
      {ids.slice(0, max).map((id) => (
        <li key={id}>
          <button type="button" className="link" onClick={() => props.onJump(id)}>
            {fieldLabel(shape, id)}
          </button>
        </li>
      ))}
      {ids.length > max ? <li className="hint">en nog {ids.length - max} velden</li> : null}
    </ul>
  );
  if (panel.kind === 'invalid') {
    return (
      <div className="submit-panel attention" aria-labelledby="panel-title" data-panel="invalid">
        <h2 id="panel-title" tabIndex={-1}>
          Niet alle velden bevatten een geldig getal
        </h2>
        <p>{INVALID_NUMBER_MESSAGE} Verbeter de gemarkeerde velden; daarna kunt u de invoer afronden.</p>
        {fieldLinks(panel.fields)}
      </div>
    );
  }
  if (panel.kind === 'empty') {
    const candidateEmpty = panel.fields.filter((f) => /^list\.\d+\.\d+$/.test(f)).length;
    return (
      <div className="submit-panel attention" aria-labelledby="panel-title">
        <h2 id="panel-title" tabIndex={-1}>
          Nog niet alle velden zijn ingevuld
        </h2>
        {panel.checks.map((c) => (
          <p key={c.code}>
            <span className="check-code">{c.code}</span> {c.message}
          </p>
        ))}
        <EmptyByList fields={panel.fields} shape={shape} onJump={props.onJump} />
        {candidateEmpty > 0 ? (
          <div className="actions left">
            <button type="button" className="secondary" onClick={props.onZero}>
              Lege kandidaatvelden op 0 zetten
            </button>
          </div>
        ) : null}
      </div>
    );
  }
  if (panel.kind === 'not_identical') {
    return (
      <div className="submit-panel attention" aria-labelledby="panel-title">
        <h2 id="panel-title" tabIndex={-1}>
          Eerste en tweede steminvoer zijn niet identiek
        </h2>
        <p>
          Uw invoer wijkt af van de eerste invoer in {panel.fields.length === 1 ? 'dit veld' : `deze ${panel.fields.length} velden`} (gemarkeerd).
          Controleer uw invoer met het proces-verbaal.
        </p>
        {fieldLinks(panel.fields)}
        <div className="actions left">
          <button type="button" className="secondary" onClick={props.onCorrect}>
            Corrigeren steminvoer
          </button>
          <button type="button" className="primary" disabled={props.busy} onClick={props.onConfirmDifferent}>
            Bevestigen steminvoer
          </button>
        </div>
      </div>
    );
  }
  const allAck = props.warnings.every((w) => props.acknowledged.includes(w.code));
  return (
    <div className="submit-panel attention" aria-labelledby="panel-title">
      <h2 id="panel-title" tabIndex={-1}>
        {props.errors.length > 0 ? 'Controle: fouten gevonden' : 'Controle: waarschuwingen'}
      </h2>
      <ul className="checks">
        {[...props.errors, ...props.warnings].map((c) => (
          <li key={c.code} className={`check ${c.severity}`} data-code={c.code}>
            <span className="check-code">{c.code}</span> <span className="check-kind">{c.severity === 'error' ? 'Fout' : 'Waarschuwing'}</span>
            <p>{c.message}</p>
            {c.fields.length > 0 ? fieldLinks(c.fields, 8) : null}
            {c.severity === 'warning' ? (
              <div className="field checkbox">
                <input
                  id={`ack-${c.code}`}
                  type="checkbox"
                  checked={props.acknowledged.includes(c.code)}
                  onChange={(e) =>
                    props.setAcknowledged(e.target.checked ? [...props.acknowledged, c.code] : props.acknowledged.filter((x) => x !== c.code))
                  }
                />
                <label htmlFor={`ack-${c.code}`}>Ik heb deze waarschuwing gecontroleerd: het proces-verbaal klopt zo ({c.code})</label>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {props.errors.length > 0 ? (
        <>
          <p>Corrigeer de gemarkeerde velden als u verkeerd heeft getypt.</p>
          {props.entry === 1 ? (
            <div className="actions left">
              <button type="button" className="secondary" disabled={props.busy || !allAck} onClick={props.onConfirmErrors}>
                De fouten staan zo op het proces-verbaal
              </button>
            </div>
          ) : null}
        </>
      ) : (
        <p>Vink elke waarschuwing aan en kies daarna opnieuw “Invoer afronden”.</p>
      )}
    </div>
  );
}

/** Empty fields grouped per list: one line per list with the candidate numbers, a jump to the first. */
function EmptyByList(props: { fields: readonly FieldId[]; shape: FormShape; onJump: (id: FieldId) => void }) {
  const scalars = props.fields.filter((f) => !f.startsWith('list.'));
  const lists = new Map<number, { total: boolean; positions: number[]; first: FieldId }>();
  for (const f of props.fields) {
    const m = /^list\.(\d+)(?:\.(\d+))?$/.exec(f);
    if (!m) continue;
    const n = Number(m[1]);
    const g = lists.get(n) ?? { total: false, positions: [], first: f };
    if (m[2] === undefined) g.total = true;
    else g.positions.push(Number(m[2]));
    lists.set(n, g);
  }
  return (
    <ul className="empty-fields">
      {scalars.map((id) => (
        <li key={id}>
          <button type="button" className="link" onClick={() => props.onJump(id)}>
            {fieldLabel(props.shape, id)}
          </button>
        </li>
      ))}
      {[...lists].map(([n, g]) => {
        const list = props.shape.lists.find((l) => l.listNumber === n);
        const parts = [g.total ? 'lijsttotaal' : null, g.positions.length > 0 ? `${g.positions.length === 1 ? 'kandidaat' : 'kandidaten'} ${g.positions.join(', ')}` : null];
        return (
          <li key={n}>
            <button type="button" className="link" onClick={() => props.onJump(g.first)}>
              Lijst {n} {list?.name ?? ''}
            </button>
            : {parts.filter(Boolean).join('; ')}
          </li>
        );
      })}
    </ul>
  );
}

const NumInput = memo(function NumInput(props: { id: FieldId; initial: Num; label: string; className?: string; optional?: boolean }) {
  return (
    <>
      <input
        id={domId(props.id)}
        data-field={props.id}
        data-optional={props.optional ? '' : undefined}
        className={`num-input ${props.className ?? ''}`}
        type="text"
        inputMode="numeric"
        pattern="[0-9]*"
        defaultValue={props.initial === null ? '' : String(props.initial)}
        aria-label={props.label}
        aria-describedby={`${domId(props.id)}-fout`}
        spellCheck={false}
      />
      <span
        id={`${domId(props.id)}-fout`}
        className="field-error"
        data-field-error={props.id}
        role="alert"
        hidden
        style={{ gridColumn: '1 / -1', color: 'var(--err)', fontSize: '0.9em', justifySelf: 'end', textAlign: 'right' }}
      />
    </>
  );
});

function useStoreVersion(store: FormStore, key: string): number {
  return useSyncExternalStore(
    (f) => store.subscribe(key, f),
    () => store.version(key),
  );
}

/**
 * A field the typist may leave empty outside "Verschillen" (where empty means 0 anyway): Z of a
 * polling station, whose PV has no number of eligible voters (the form shape says required: false).
 */
const optional = (s: FormShape['scalars'][number]) => !s.required && s.section !== 'verschillen';

const ScalarSections = memo(function ScalarSections(props: { shape: FormShape; store: FormStore; openRef: { current: (o: boolean) => void } }) {
  const { shape, store } = props;
  const rows = (section: 'kiezers' | 'stemmen' | 'verschillen') =>
    shape.scalars
      .filter((s) => s.section === section)
      .map((s) => (
        <div className="scalar-row" key={s.key}>
          <label htmlFor={domId(s.key)}>
            <span className="letter">{s.key}</span> {s.label}
            {optional(s) ? <span className="optional"> (niet verplicht)</span> : null}
          </label>
          <NumInput id={s.key} initial={store.get(s.key)} label={`${s.key} ${s.label}${optional(s) ? ' (niet verplicht)' : ''}`} optional={optional(s)} />
        </div>
      ));
  return (
    <>
      <fieldset className="entry-section" data-section="kiezers">
        <legend>Kiezers</legend>
        {rows('kiezers')}
      </fieldset>
      <fieldset className="entry-section" data-section="stemmen">
        <legend>Stemmen</legend>
        {rows('stemmen')}
      </fieldset>
      <Differences store={store} openRef={props.openRef}>
        {rows('verschillen')}
      </Differences>
    </>
  );
});

const DIFF_KEYS = ['I', 'J', 'K', 'L', 'M', 'N', 'O', 'P1', 'P2', 'P3'];

/** "Verschillen": collapsed; space on the toggle opens it; it opens by itself when D ≠ H. */
function Differences(props: { store: FormStore; openRef: { current: (o: boolean) => void }; children: ReactNode }) {
  const { store } = props;
  const [open, setOpen] = useState(() => DIFF_KEYS.some((k) => store.get(k) !== null));
  props.openRef.current = setOpen;
  const v = useStoreVersion(store, 'scalars');
  const D = store.get('D');
  const H = store.get('H');
  const differ = D !== null && H !== null && D !== H;
  useEffect(() => {
    if (differ) setOpen(true);
  }, [differ, v]);
  return (
    <section className="entry-section differences" data-section="verschillen" aria-labelledby="verschillen-toggle">
      <button
        type="button"
        id="verschillen-toggle"
        className="toggle"
        aria-expanded={open}
        aria-controls="verschillen-velden"
        onClick={() => setOpen(!open)}
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> Verschillen tussen toegelaten kiezers en getelde stembiljetten
        {differ ? <span className="diff-note"> (D en H verschillen: {nl.format(Math.abs(D - H))})</span> : null}
      </button>
      <div id="verschillen-velden" hidden={!open}>
        {open ? props.children : null}
      </div>
    </section>
  );
}

const ListSection = memo(function ListSection(props: { list: FormShape['lists'][number]; store: FormStore }) {
  const { list, store } = props;
  const totalId = `list.${list.listNumber}`;
  return (
    <section className="entry-section list-section" id={`lijst-${list.listNumber}`} data-section={totalId} aria-labelledby={`lijst-${list.listNumber}-titel`}>
      <h2 id={`lijst-${list.listNumber}-titel`}>
        Lijst {list.listNumber} <span className="list-name">{list.name}</span>
      </h2>
      <div className="list-total">
        <label htmlFor={domId(totalId)}>Totaal lijst {list.listNumber}</label>
        <NumInput id={totalId} initial={store.get(totalId)} label={`Totaal lijst ${list.listNumber}`} className="total" />
        <ListSum store={store} listNumber={list.listNumber} />
      </div>
      <ol className="candidates">
        {list.candidates.map((c) => {
          const id = `list.${list.listNumber}.${c.position}`;
          return (
            <li key={c.position}>
              <label htmlFor={domId(id)}>
                <span className="pos">{c.position}</span> <span className="cname">{c.name}</span>
              </label>
              <NumInput id={id} initial={store.get(id)} label={`Lijst ${list.listNumber} kandidaat ${c.position} ${c.name}`} />
            </li>
          );
        })}
      </ol>
    </section>
  );
});

/** Running sum of the candidates against the typed list total (green when equal). */
function ListSum({ store, listNumber }: { store: FormStore; listNumber: number }) {
  useStoreVersion(store, `list.${listNumber}`);
  const { total, sum, empty } = store.listState(listNumber);
  const equal = total !== null && total === sum;
  return (
    <span className={`list-sum ${equal ? 'equal' : total === null ? 'open' : 'unequal'}`} data-list-sum={listNumber} aria-live="off">
      Kandidaten samen: <strong>{nl.format(sum)}</strong>
      {total !== null ? (equal ? ' = lijsttotaal' : ` ≠ lijsttotaal ${nl.format(total)}`) : ''}
      {empty > 0 ? <span className="empty-count"> · {empty === 1 ? '1 leeg veld' : `${empty} lege velden`}</span> : null}
    </span>
  );
}
