import { memo, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type FocusEvent, type FormEvent, type KeyboardEvent } from 'react';
import { namedFields } from '../../domain/checks.ts';
import type { Num } from '../../domain/entry.ts';
import {
  entrySections,
  fieldLabel,
  isCandidateField,
  isRequiredField,
  listSectionId,
  parseFieldId,
  SECTION_STATUS_LABELS,
  sectionOfField,
  sectionStatus,
  type EntrySection,
  type SectionId,
  type SectionStatus,
} from '../../domain/entryStructure.ts';
import { api, path, type ApiFailure, type CheckResult, type Claim, type FieldId, type FormShape } from '../api.ts';
import { ErrorMessage, PageTitle, showToast, useApp, useConfirm, useLoad } from '../components.tsx';
import { parseFieldText, INVALID_NUMBER_MESSAGE } from '../entry/fieldText.ts';
import { FormStore } from '../entry/formStore.ts';
import { href, navigate } from '../router.ts';
import { NotAllowed } from './CreateElection.tsx';
import { entryPaths, formShapePath } from '../stemgebied.ts';

export { parseFieldText, INVALID_NUMBER_MESSAGE };

const AUTOSAVE_MS = 3000;
const nl = new Intl.NumberFormat('nl-NL');

const domId = (id: FieldId) => `veld-${id.replace(/\./g, '-')}`;
const storageKey = (user: string, code: string, entry: number) => `uitslag.invoer.${user}.${code}.${entry}`;

/**
 * "Invoer stemmen" (guide step 8): the typist enters every number of the PV, section by section:
 * "Kiezers en stemmen", "Verschillen", then one page per list (the sections of the domain,
 * src/domain/entryStructure.ts), with a sidebar showing each section's state. Tab/Enter next field,
 * Shift+Tab/Shift+Enter previous; Enter on a page's last field goes to the next page; space in
 * "Kiezers en stemmen" opens "Verschillen"; Ctrl+Enter is "Invoer afronden". The draft is saved on
 * every page change and every few seconds of typing, so a reload or a server restart loses nothing.
 */
export function CountEntry({ code }: { code: string }) {
  const { can, session } = useApp();
  const [shape, shapeError] = useLoad(() => api.get(formShapePath(code)), [code]);
  const [claim, setClaim] = useState<Claim | null>(null);
  const [claimError, setClaimError] = useState<ApiFailure | null>(null);
  const [name, setName] = useState<string>(code);

  useEffect(() => {
    let live = true;
    void api.get(path('/api/counts/:code', { code })).then((r) => {
      if (!live || !r.ok) return;
      const m = r.value.municipality;
      // A polling station: "stembureau 3 Bibliotheek"; a kieskring: "kieskring 5 Lelystad"; a municipality: its name.
      setName(
        r.value.unit?.kind === 'stembureau'
          ? `stembureau ${m.number} ${m.name}`
          : r.value.unit?.kind === 'kieskring'
            ? `kieskring ${m.number} ${m.name}`
            : m.name,
      );
    });
    void api.post(entryPaths(code).claim).then((r) => {
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
      {shape && claim ? <EntryEditor key={`${code}.${claim.entry}`} code={code} shape={shape} claim={claim} user={session.user.username} /> : null}
      {!claimError && !(shape && claim) ? <p aria-busy="true">Laden…</p> : null}
    </>
  );
}

type Panel =
  | { kind: 'invalid'; fields: FieldId[] }
  | { kind: 'empty'; fields: FieldId[]; checks: CheckResult[] }
  | { kind: 'checks'; blocking: 'errors' | 'warnings'; checks: CheckResult[] }
  | { kind: 'not_identical'; fields: FieldId[] };

/** The fields a panel marks on the form. */
function panelFields(p: Panel): FieldId[] {
  return p.kind === 'checks' ? p.checks.flatMap((c) => [...c.fields]) : p.fields;
}

/** Where the typist lands after a check fails: the first field of the first problem (errors before warnings). */
function firstProblemField(p: Panel): FieldId | undefined {
  if (p.kind !== 'checks') return p.fields[0];
  const ordered = [...p.checks.filter((c) => c.severity === 'error'), ...p.checks.filter((c) => c.severity === 'warning')];
  for (const c of ordered) {
    const f = namedFields(c)[0] ?? c.fields[0];
    if (f !== undefined) return f;
  }
  return undefined;
}

function EntryEditor(props: { code: string; shape: FormShape; claim: Claim; user: string }) {
  const { code, shape, claim, user } = props;
  const storeRef = useRef<FormStore | null>(null);
  if (storeRef.current === null) storeRef.current = new FormStore(shape, claim.form);
  const store = storeRef.current;
  const sections = useMemo(() => entrySections(shape), [shape]);
  const formRef = useRef<HTMLFormElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const submitRef = useRef<HTMLButtonElement>(null);
  const key = storageKey(user, code, claim.entry);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [saveError, setSaveError] = useState<ApiFailure | null>(null);
  const [submitError, setSubmitError] = useState<ApiFailure | null>(null);
  // The panel of the last "Invoer afronden" survives a reload (kept with the cursor position).
  const [panel, setPanelState] = useState<Panel | null>(() => {
    try {
      const raw = localStorage.getItem(`${key}.panel`);
      return raw ? (JSON.parse(raw) as Panel) : null;
    } catch {
      return null;
    }
  });
  const setPanel = useCallback(
    (p: Panel | null | ((old: Panel | null) => Panel | null)) => {
      setPanelState((old) => {
        const next = typeof p === 'function' ? p(old) : p;
        if (next) localStorage.setItem(`${key}.panel`, JSON.stringify(next));
        else localStorage.removeItem(`${key}.panel`);
        return next;
      });
    },
    [key],
  );
  const [acknowledged, setAcknowledged] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [confirm, dialog] = useConfirm();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seq = useRef(0);
  const draftUrl = entryPaths(code).draft;

  // The section shown: where the typist was (after a reload), else the first with an empty required field.
  const [current, setCurrent] = useState<SectionId>(() => {
    const last = localStorage.getItem(key);
    const fromLast = last ? sectionOfField(last) : null;
    if (fromLast && sections.some((s) => s.id === fromLast)) return fromLast;
    const open = sections.find((s) => s.fields.some((f) => store.get(f) === null && isRequiredField(shape, f)));
    return (open ?? sections[0]!).id;
  });
  const pendingFocus = useRef<FieldId | 'panel' | null>(null);
  const [focusTick, setFocusTick] = useState(0);

  /** A rising number per save: the server ignores a save that arrives after a newer one. */
  const nextSeq = useCallback(() => (seq.current = Math.max(seq.current + 1, Date.now())), []);

  const save = useCallback(async () => {
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    if (!store.dirty) return true;
    store.dirty = false;
    const r = await api.put(draftUrl, { form: store.toForm(), seq: nextSeq() });
    if (r.ok) {
      setSavedAt(new Date());
      setSaveError(null);
      return true;
    }
    store.dirty = true;
    setSaveError(r);
    return false;
  }, [store, draftUrl, nextSeq]);

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
        body: JSON.stringify({ form: store.toForm(), seq: nextSeq() }),
      }).catch(() => undefined);
    };
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      if (timer.current) clearTimeout(timer.current);
      flush();
    };
  }, [store, draftUrl, nextSeq]);

  const fieldEl = useCallback((id: FieldId) => formRef.current?.querySelector<HTMLInputElement>(`input[data-field="${id}"]`) ?? null, []);

  /** Show a section and put the cursor in a field of it (default: its first empty field, else its first). */
  const goTo = useCallback(
    (sectionId: SectionId, field?: FieldId | 'panel' | 'last') => {
      const s = sections.find((x) => x.id === sectionId);
      if (!s) return;
      let target: FieldId | 'panel' | undefined = field === 'last' ? s.fields[s.fields.length - 1] : field;
      // (a field that may stay empty, such as a polling station's Z, is not where typing starts)
      target ??= s.fields.find((f) => store.get(f) === null && !store.invalid.has(f) && isRequiredField(shape, f)) ?? s.fields[0];
      if (sectionId !== current) void save(); // every page change saves the draft
      setCurrent(sectionId);
      pendingFocus.current = target ?? null;
      setFocusTick((t) => t + 1);
    },
    [sections, store, shape, current, save],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: `focusTick` and `current` are the triggers: focus once the page asked for is shown
  useEffect(() => {
    const target = pendingFocus.current;
    if (target === null) return;
    pendingFocus.current = null;
    if (target === 'panel') {
      panelRef.current?.querySelector<HTMLElement>('h2')?.focus();
      return;
    }
    const el = fieldEl(target);
    if (!el) return;
    el.focus();
    el.select();
  }, [focusTick, current, fieldEl]);

  // Start: the cursor where the typist was, else the first empty field of the section shown.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when the screen opens
  useEffect(() => {
    const last = localStorage.getItem(key);
    if (panel) goTo(current, 'panel');
    else goTo(current, last && sectionOfField(last) === current ? last : undefined);
  }, []);

  /** Mark fields (checks, differences) straight in the DOM: no re-render of 1,100 inputs. */
  const mark = useCallback(
    (ids: Iterable<FieldId>) => {
      const set = new Set(ids);
      for (const el of formRef.current?.querySelectorAll<HTMLInputElement>('input[data-field]') ?? []) {
        const on = set.has(el.dataset.field!) || store.invalid.has(el.dataset.field!);
        el.classList.toggle('marked', on);
        if (on) el.setAttribute('aria-invalid', 'true');
        else el.removeAttribute('aria-invalid');
      }
    },
    [store],
  );
  useEffect(() => {
    if (panel) mark(panelFields(panel));
  }, [panel, mark]);

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
    [store, save, setPanel],
  );

  const onFocus = useCallback(
    (e: FocusEvent<HTMLFormElement>) => {
      const id = (e.target as HTMLElement).dataset?.field;
      if (id) localStorage.setItem(key, id);
    },
    [key],
  );

  /** Differences between D and H, or a difference field already typed: then "Verschillen" is not skipped. */
  const differencesWanted = useCallback(() => {
    const D = store.get('D');
    const H = store.get('H');
    const verschillen = sections.find((s) => s.id === 'verschillen');
    return (D !== null && H !== null && D !== H) || (verschillen?.fields.some((f) => store.get(f) !== null) ?? false);
  }, [store, sections]);

  /** The section after/before `id` in the walk of Enter/Shift+Enter ("Verschillen" only when wanted). */
  const neighbour = useCallback(
    (id: SectionId, step: 1 | -1): EntrySection | null => {
      let i = sections.findIndex((s) => s.id === id) + step;
      while (sections[i] && sections[i]!.id === 'verschillen' && !differencesWanted()) i += step;
      return sections[i] ?? null;
    },
    [sections, differencesWanted],
  );

  const submitNow = useRef<() => void>(() => {});

  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLFormElement>) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        submitNow.current();
        return;
      }
      const el = e.target as HTMLInputElement;
      const id = el.dataset?.field;
      if (!id) return;
      if (e.key === ' ' && current === 'kiezers' && sections.some((s) => s.id === 'verschillen')) {
        // A count has no spaces: the space bar opens "Verschillen".
        e.preventDefault();
        goTo('verschillen');
        return;
      }
      if (e.key !== 'Enter') return;
      e.preventDefault();
      const section = sections.find((s) => s.id === current);
      if (!section) return;
      const i = section.fields.indexOf(id);
      const next = section.fields[e.shiftKey ? i - 1 : i + 1];
      if (next !== undefined) {
        const n = fieldEl(next);
        n?.focus();
        n?.select();
        return;
      }
      const other = neighbour(current, e.shiftKey ? -1 : 1);
      if (other) goTo(other.id, e.shiftKey ? 'last' : other.fields[0]);
      else if (!e.shiftKey) submitRef.current?.focus();
    },
    [current, sections, neighbour, goTo, fieldEl],
  );

  async function submit(options: { confirmErrors?: boolean; confirmDifferent?: boolean } = {}, ack = acknowledged) {
    const show = (p: Panel) => {
      setPanel(p);
      mark(panelFields(p));
      const f = firstProblemField(p);
      const s = f !== undefined ? sectionOfField(f) : null;
      goTo(s ?? current, 'panel');
    };
    if (store.invalid.size > 0) {
      // Refused in the browser: the server never sees a number that was not typed.
      show({ kind: 'invalid', fields: [...store.invalid.keys()] });
      return;
    }
    setBusy(true);
    setSubmitError(null);
    if (timer.current) {
      clearTimeout(timer.current);
      timer.current = null;
    }
    const r = await api.post(entryPaths(code).submit, { form: store.toForm(), acknowledged: ack, ...options });
    setBusy(false);
    if (!r.ok) {
      setSubmitError(r);
      return;
    }
    store.dirty = false;
    setSavedAt(new Date());
    const { outcome } = r.value;
    const checks = r.value.checks ?? ('checks' in outcome ? (outcome.checks ?? []) : []);
    switch (outcome.kind) {
      case 'needs_attention': {
        if (outcome.blocking === 'empty') {
          const empty = checks.find((c) => c.code === 'F.101')?.fields ?? [];
          const invalid = checks.find((c) => c.code === 'F.100')?.fields ?? [];
          show({ kind: 'empty', fields: [...invalid, ...empty], checks: checks.filter((c) => c.code === 'F.100' || c.code === 'F.101') });
        } else {
          show({ kind: 'checks', blocking: outcome.blocking, checks: [...checks] });
        }
        return;
      }
      case 'not_identical':
        show({ kind: 'not_identical', fields: [...outcome.fields] });
        return;
      default: {
        localStorage.removeItem(key);
        setPanel(null);
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
  submitNow.current = () => void submit();

  async function zeroEmptyCandidates() {
    const fields = store.emptyCandidateFields();
    if (fields.length === 0) return;
    const yes = await confirm({
      title: 'Lege kandidaatvelden op 0 zetten',
      body: (
        <p>
          {fields.length === 1 ? 'Eén leeg kandidaatveld krijgt' : `${fields.length} lege kandidaatvelden krijgen`} de waarde 0. Doe dit alleen
          als deze kandidaten op het proces-verbaal geen stemmen hebben (een leeg vak).
        </p>
      ),
      confirmLabel: 'Op 0 zetten',
    });
    if (!yes) {
      goTo(current, 'panel');
      return;
    }
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
    const left = panel?.kind === 'empty' ? panel.fields.filter((f) => !fields.includes(f)) : [];
    setPanel((p) => (p?.kind === 'empty' ? { ...p, fields: left } : p));
    // Focus is never lost: the next empty field, else "Invoer afronden".
    const next = left[0];
    if (next !== undefined) goTo(sectionOfField(next) ?? current, next);
    else submitRef.current?.focus();
  }

  async function stop() {
    await save();
    navigate('/steminvoer');
  }

  const checksForStatus = panel?.kind === 'checks' ? panel.checks : [];
  const invalidAsChecks: CheckResult[] = panel?.kind === 'invalid' || panel?.kind === 'not_identical' ? [{ code: 'X', severity: 'error', fields: panel.fields, message: '' }] : [];
  const submitLabel = claim.entry === 1 ? 'Invoer afronden' : 'Tweede invoer afronden';
  const currentIndex = sections.findIndex((s) => s.id === current);
  const previous = sections[currentIndex - 1] ?? null;
  const following = sections[currentIndex + 1] ?? null;

  return (
    <div className="entry-layout">
      <Sidebar sections={sections} current={current} store={store} shape={shape} checks={[...checksForStatus, ...invalidAsChecks]} onGo={(id) => goTo(id)} />
      <div className="entry-main">
        <div className="entry-bar" role="region" aria-label="Invoerbalk">
          <label className="goto">
            Ga naar lijst{' '}
            <select
              value=""
              onChange={(e) => {
                if (e.target.value) goTo(listSectionId(Number(e.target.value)));
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
            {saveError ? (
              <span className="save-error">Niet opgeslagen: {saveError.message}</span>
            ) : savedAt ? (
              `Tussentijds opgeslagen om ${savedAt.toLocaleTimeString('nl-NL')}`
            ) : (
              'Wordt automatisch tussentijds opgeslagen'
            )}
          </span>
          <button type="button" className="secondary small" onClick={() => void stop()}>
            Opslaan en later verder
          </button>
          <button ref={submitRef} type="button" className="primary small" data-submit disabled={busy} onClick={() => void submit()} aria-keyshortcuts="Control+Enter">
            {submitLabel}
          </button>
        </div>
        <p className="hint keys-hint">
          <kbd>Tab</kbd> of <kbd>Enter</kbd>: volgend veld (na het laatste veld: volgende pagina) · <kbd>Shift</kbd>+<kbd>Tab</kbd> of <kbd>Shift</kbd>+
          <kbd>Enter</kbd>: vorig veld · <kbd>spatiebalk</kbd> bij Kiezers en stemmen: naar Verschillen · <kbd>Ctrl</kbd>+<kbd>Enter</kbd>: {submitLabel.toLowerCase()} · een
          leeg vak op het proces-verbaal is 0: typ dan 0.
        </p>
        <div ref={panelRef} className="submit-panel-anchor">
          {panel ? (
            <SubmitPanel
              panel={panel}
              shape={shape}
              entry={claim.entry}
              acknowledged={acknowledged}
              setAcknowledged={setAcknowledged}
              busy={busy}
              onJump={(id) => goTo(sectionOfField(id) ?? current, id)}
              onZero={() => void zeroEmptyCandidates()}
              onConfirmErrors={() => void submit({ confirmErrors: true })}
              onConfirmDifferent={() => void submit({ confirmDifferent: true })}
              onCorrect={() => {
                const first = panel.kind === 'not_identical' ? panel.fields[0] : undefined;
                setPanel(null);
                if (first) goTo(sectionOfField(first) ?? current, first);
              }}
            />
          ) : null}
        </div>
        <ErrorMessage error={submitError} />
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
          {sections.map((s) => (
            <SectionPage key={s.id} section={s} shape={shape} store={store} hidden={s.id !== current} />
          ))}
        </form>
        <div className="actions page-nav">
          {previous ? (
            <button type="button" className="secondary" onClick={() => goTo(previous.id)}>
              Vorige: {previous.short}
            </button>
          ) : null}
          {following ? (
            <button type="button" className="secondary" onClick={() => goTo(following.id)}>
              Volgende: {following.short}
            </button>
          ) : null}
        </div>
      </div>
      {dialog}
    </div>
  );
}

function useStoreVersion(store: FormStore, key: string): number {
  return useSyncExternalStore(
    (f) => store.subscribe(key, f),
    () => store.version(key),
  );
}

const STATUS_ICONS: Record<SectionStatus, string> = { leeg: '○', bezig: '◐', klaar: '✓', fout: '✕', waarschuwing: '!' };

/** The sections with their state; the current one marked. Re-renders on every change (cheap: ~35 rows). */
function Sidebar(props: { sections: EntrySection[]; current: SectionId; store: FormStore; shape: FormShape; checks: CheckResult[]; onGo: (id: SectionId) => void }) {
  const { store, shape } = props;
  useStoreVersion(store, '*');
  return (
    <nav className="entry-sidebar" aria-label="Onderdelen van de invoer">
      <ol>
        {props.sections.map((s) => {
          const status = sectionStatus(s, (f) => store.get(f), (f) => isRequiredField(shape, f), props.checks);
          return (
            <li key={s.id} className={`status-${status}${s.id === props.current ? ' current' : ''}`} data-section-status={status} data-section-link={s.id}>
              <a
                href={`#${s.id}`}
                aria-current={s.id === props.current ? 'step' : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  props.onGo(s.id);
                }}
              >
                <span className="section-icon" aria-hidden="true">
                  {STATUS_ICONS[status]}
                </span>{' '}
                {s.short}
                <span className="sr-only">: {SECTION_STATUS_LABELS[status]}</span>
              </a>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

/** One page of the form. Every page stays mounted (hidden when not shown), so no typed value is ever lost or shown stale. */
const SectionPage = memo(function SectionPage(props: { section: EntrySection; shape: FormShape; store: FormStore; hidden: boolean }) {
  const { section, shape, store } = props;
  if (section.listNumber !== null) {
    const list = shape.lists.find((l) => l.listNumber === section.listNumber)!;
    return (
      <section className="entry-section list-section" id={`lijst-${list.listNumber}`} data-section={section.id} hidden={props.hidden} aria-labelledby={`${section.id}-titel`}>
        <h2 id={`${section.id}-titel`}>
          Lijst {list.listNumber} <span className="list-name">{list.name}</span>
        </h2>
        <div className="list-total">
          <label htmlFor={domId(section.fields[0]!)}>Totaal lijst {list.listNumber}</label>
          <NumInput id={section.fields[0]!} initial={store.get(section.fields[0]!)} label={`Totaal lijst ${list.listNumber}`} className="total" />
          <ListSum store={store} listNumber={list.listNumber} />
        </div>
        <ol className="candidates">
          {list.candidates.map((c, i) => {
            const id = section.fields[i + 1]!;
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
  }
  const scalars = shape.scalars.filter((s) => section.fields.includes(s.key));
  const optional = (s: FormShape['scalars'][number]) => !s.required && s.section !== 'verschillen';
  return (
    <section className={`entry-section${section.id === 'verschillen' ? ' differences' : ''}`} data-section={section.id} hidden={props.hidden} aria-labelledby={`${section.id}-titel`}>
      <h2 id={`${section.id}-titel`}>{section.title}</h2>
      {section.id === 'verschillen' ? <p className="hint">Een leeg vak op het proces-verbaal is 0.</p> : null}
      {section.id === 'kiezers' ? <DifferenceNote store={store} /> : null}
      {scalars.map((s) => (
        <div className="scalar-row" key={s.key}>
          <label htmlFor={domId(s.key)}>
            <span className="letter">{s.key}</span> {s.label}
            {optional(s) ? <span className="optional"> (niet verplicht)</span> : null}
          </label>
          <NumInput id={s.key} initial={store.get(s.key)} label={`${s.key} ${s.label}${optional(s) ? ' (niet verplicht)' : ''}`} optional={optional(s)} />
        </div>
      ))}
    </section>
  );
});

/** On "Kiezers en stemmen": D and H differ, so "Verschillen" must be filled in. */
function DifferenceNote({ store }: { store: FormStore }) {
  useStoreVersion(store, 'scalars');
  const D = store.get('D');
  const H = store.get('H');
  if (D === null || H === null || D === H) return null;
  return (
    <p className="diff-note" role="note">
      Toegelaten kiezers (D) en aangetroffen stembiljetten (H) verschillen: {nl.format(Math.abs(D - H))}. Vul daarna de Verschillen in (Enter na H, of de
      spatiebalk).
    </p>
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
      <span id={`${domId(props.id)}-fout`} className="field-error" data-field-error={props.id} role="alert" hidden />
    </>
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

function SubmitPanel(props: {
  panel: Panel;
  shape: FormShape;
  entry: 1 | 2;
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
  const fieldLinks = (ids: readonly FieldId[], max = 8) => (
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
    const candidateEmpty = panel.fields.filter(isCandidateField).length;
    return (
      <div className="submit-panel attention" aria-labelledby="panel-title" data-panel="empty">
        <h2 id="panel-title" tabIndex={-1}>
          Nog niet alle velden zijn ingevuld
        </h2>
        {panel.checks.map((c) => (
          <p key={c.code}>
            <span className="check-code">{c.code}</span> {c.message}
          </p>
        ))}
        <EmptyBySection fields={panel.fields} shape={shape} onJump={props.onJump} />
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
      <div className="submit-panel attention" aria-labelledby="panel-title" data-panel="not_identical">
        <h2 id="panel-title" tabIndex={-1}>
          Eerste en tweede steminvoer zijn niet identiek
        </h2>
        <p>
          Uw invoer wijkt af van de eerste invoer in {panel.fields.length === 1 ? 'dit veld' : `deze ${panel.fields.length} velden`} (gemarkeerd). Controleer uw
          invoer met het proces-verbaal.
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
  const errors = panel.checks.filter((c) => c.severity === 'error');
  const warnings = panel.checks.filter((c) => c.severity === 'warning');
  const allAck = warnings.every((w) => props.acknowledged.includes(w.code));
  return (
    <div className="submit-panel attention" aria-labelledby="panel-title" data-panel="checks">
      <h2 id="panel-title" tabIndex={-1}>
        {errors.length > 0 ? 'Controle: fouten gevonden' : 'Controle: waarschuwingen'}
      </h2>
      <ul className="checks">
        {[...errors, ...warnings].map((c) => (
          <li key={c.code} className={`check ${c.severity}`} data-code={c.code}>
            <span className="check-code">{c.code}</span> <span className="check-kind">{c.severity === 'error' ? 'Fout' : 'Waarschuwing'}</span>
            <p>{c.message}</p>
            {namedFields(c).length > 0 ? fieldLinks(namedFields(c), 4) : null}
            {c.severity === 'warning' ? (
              <div className="field checkbox">
                <input
                  id={`ack-${c.code}`}
                  type="checkbox"
                  checked={props.acknowledged.includes(c.code)}
                  onChange={(e) => props.setAcknowledged(e.target.checked ? [...props.acknowledged, c.code] : props.acknowledged.filter((x) => x !== c.code))}
                />
                <label htmlFor={`ack-${c.code}`}>Ik heb deze waarschuwing gecontroleerd: het proces-verbaal klopt zo ({c.code})</label>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      {errors.length > 0 ? (
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

/** Empty fields grouped per section: one line per page with the candidate numbers, a jump to the first. */
function EmptyBySection(props: { fields: readonly FieldId[]; shape: FormShape; onJump: (id: FieldId) => void }) {
  const sections = entrySections(props.shape);
  const bySection = new Map<SectionId, FieldId[]>();
  for (const f of props.fields) {
    const s = sectionOfField(f);
    if (s === null) continue;
    bySection.set(s, [...(bySection.get(s) ?? []), f]);
  }
  return (
    <ul className="empty-fields">
      {sections
        .filter((s) => bySection.has(s.id))
        .map((s) => {
          const fields = bySection.get(s.id)!;
          const what =
            s.listNumber === null
              ? fields.join(', ')
              : [
                  fields.includes(s.fields[0]!) ? 'lijsttotaal' : null,
                  fields.filter(isCandidateField).length > 0
                    ? `${fields.filter(isCandidateField).length === 1 ? 'kandidaat' : 'kandidaten'} ${fields
                        .map(parseFieldId)
                        .flatMap((r) => (r?.kind === 'candidate' ? [r.position] : []))
                        .join(', ')}`
                    : null,
                ]
                  .filter(Boolean)
                  .join('; ');
          return (
            <li key={s.id}>
              <button type="button" className="link" onClick={() => props.onJump(fields[0]!)}>
                {s.title}
              </button>
              : {what}
            </li>
          );
        })}
    </ul>
  );
}
