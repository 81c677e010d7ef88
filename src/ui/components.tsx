/** Small shared building blocks: messages, confirmation dialog, hash codes, file fields, dates. */
import { createContext, useContext, useEffect, useId, useLayoutEffect, useRef, useState, useSyncExternalStore, type ReactNode, type RefObject } from 'react';
import type { Permission } from '../domain/permissions.ts';
import { hashGroups } from '../domain/hashcode.ts';
import type { ApiFailure, ElectionState, Session } from './api.ts';

export interface AppContextValue {
  session: Session;
  can: (p: Permission) => boolean;
  election: ElectionState | null;
  refreshElection: () => Promise<void>;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const ctx = useContext(AppContext);
  if (ctx === null) throw new Error('useApp outside AppContext');
  return ctx;
}

export function ErrorMessage({ error }: { error: ApiFailure | string | null | undefined }) {
  if (error === null || error === undefined) return null;
  const text = typeof error === 'string' ? error : error.message;
  return (
    <div className="message error" role="alert">
      {text}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="message success" role="status">
      {children}
    </div>
  );
}

/** The page title; receives focus on a new screen so screen readers and keyboards start at the top. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const practice = useContext(AppContext)?.election?.election?.practice === true;
  useLayoutEffect(() => {
    setDocumentTitle(ref.current?.textContent ?? '', practice);
  });
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}

/** The browser tab's title: the screen's title, the program's name, and OEFENING in practice mode. */
export function setDocumentTitle(screen: string, practice = false): void {
  const t = `${practice ? 'OEFENING – ' : ''}${screen.trim() ? `${screen.trim()} – ` : ''}Uitslag`;
  if (document.title !== t) document.title = t;
}

export interface ConfirmOptions {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

/**
 * `const [confirm, dialog] = useConfirm()`; render `dialog`, then `if (await confirm({...}))`.
 * Uses the native modal <dialog> (focus trapped, Esc cancels).
 */
export function useConfirm(): [(o: ConfirmOptions) => Promise<boolean>, ReactNode] {
  const [state, setState] = useState<{ options: ConfirmOptions; resolve: (v: boolean) => void } | null>(null);
  const confirm = (options: ConfirmOptions) =>
    new Promise<boolean>((resolve) => setState({ options, resolve }));
  const close = (v: boolean) => {
    state?.resolve(v);
    setState(null);
  };
  const dialog = state ? <ConfirmDialog {...state.options} onClose={close} /> : null;
  return [confirm, dialog];
}

function ConfirmDialog(props: ConfirmOptions & { onClose: (confirmed: boolean) => void }) {
  return (
    <Modal title={props.title} onCancel={() => props.onClose(false)}>
      <div className="dialog-body">{props.body}</div>
      <div className="actions">
        <button type="button" className="secondary" autoFocus={props.danger} onClick={() => props.onClose(false)}>
          Annuleren
        </button>
        <button
          type="button"
          autoFocus={!props.danger}
          className={props.danger ? 'danger' : 'primary'}
          onClick={() => props.onClose(true)}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

/** A modal dialog (native <dialog> with showModal: focus stays inside, Esc cancels). */
export function Modal(props: { title: string; onCancel: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const focusedBefore = document.activeElement as HTMLElement | null;
    return () => focusedBefore?.focus?.();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** A SHA-256 hash code in 16 groups of 4, large and monospaced. */
export function HashCode({ hex, label }: { hex: string; label?: string }) {
  const groups = /^[0-9a-fA-F]{64}$/.test(hex) ? hashGroups(hex) : hex.split(/\s+/);
  return (
    <div className="hash" aria-label={label ?? 'Hashcode'} data-hash={groups.join(' ')}>
      {groups.map((g, i) => (
        <span key={i} className="hash-group">
          {g}
        </span>
      ))}
    </div>
  );
}

/** A labelled text (or password) input in the standard field layout, with an optional hint below it. */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** A fixed id, for screens that focus the field themselves; otherwise a generated one. */
  id?: string;
  name?: string;
  type?: 'text' | 'password';
  autoComplete?: string;
  autoFocus?: boolean;
  required?: boolean;
  /** The id of a text elsewhere on the page that describes the field (e.g. a password policy). */
  describedBy?: string;
  hint?: ReactNode;
}) {
  const generated = useId();
  const id = props.id ?? generated;
  const hintId = `${id}-hint`;
  const describedBy = [props.describedBy, props.hint ? hintId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.autoComplete ?? 'off'}
        autoFocus={props.autoFocus}
        required={props.required}
        aria-describedby={describedBy}
        onChange={(e) => props.onChange(e.target.value)}
      />
      {props.hint != null && props.hint !== false && props.hint !== '' ? (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

/**
 * A labelled file input that reports the chosen file. The native input is visually hidden (its
 * button text follows the browser's language) and replaced by a Dutch button; it keeps its label.
 */
export function FileField(props: {
  label: string;
  accept?: string;
  disabled?: boolean;
  onFile: (file: File) => void;
  autoFocus?: boolean;
  /** Several files at once: `onFiles` gets them all (`onFile` the first). */
  multiple?: boolean;
  onFiles?: (files: File[]) => void;
}) {
  const id = useId();
  const labelId = useId();
  const [name, setName] = useState<string | null>(null);
  return (
    <div className="field">
      <span className="label" id={labelId}>
        {props.label}
      </span>
      <div className="file-row">
        <input
          id={id}
          type="file"
          className="file-input"
          aria-labelledby={labelId}
          accept={props.accept}
          disabled={props.disabled}
          autoFocus={props.autoFocus}
          multiple={props.multiple}
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            const file = files[0];
            setName(files.length > 1 ? `${files.length} bestanden gekozen` : (file?.name ?? null));
            if (props.onFiles) props.onFiles(files);
            else if (file) props.onFile(file);
          }}
        />
        <label htmlFor={id} className={`button secondary${props.disabled ? ' disabled' : ''}`} aria-hidden="true">
          {props.multiple ? 'Bestanden kiezen…' : 'Bestand kiezen…'}
        </label>
        <span className="file-name">{name ?? 'Geen bestand gekozen'}</span>
      </div>
    </div>
  );
}

const dateFormat = new Intl.DateTimeFormat('nl-NL', { day: 'numeric', month: 'long', year: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat('nl-NL', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00` : value);
  return Number.isNaN(d.getTime()) ? value : dateFormat.format(d);
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTimeFormat.format(d);
}

/** Definition list helper for "label: value" summaries. */
export function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Load data on mount (and when `deps` change); returns [data, error, reload]. */
export function useLoad<T>(
  load: () => Promise<{ ok: true; value: T } | ApiFailure>,
  deps: unknown[] = [],
): [T | null, ApiFailure | null, () => void] {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller's `deps` and `tick` decide when to load again (`load` is a new closure every render)
  useEffect(() => {
    let live = true;
    void load().then((r) => {
      if (!live) return;
      if (r.ok) {
        setData(r.value);
        setError(null);
      } else setError(r);
    });
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [data, error, () => setTick((t) => t + 1)];
}

/**
 * The warnings of an imported count, each to be ticked as checked against the proces-verbaal
 * (`acknowledged`: the codes ticked); nothing without warnings.
 */
export function AcknowledgeWarnings({
  checks,
  acknowledged,
  onChange,
}: {
  checks: readonly { readonly code: string; readonly severity: string; readonly message: string }[];
  acknowledged: readonly string[];
  onChange: (codes: string[]) => void;
}) {
  const warnings = checks.filter((c) => c.severity === 'warning');
  if (warnings.length === 0) return null;
  return (
    <>
      <h2>Waarschuwingen</h2>
      <p>Controleer elke waarschuwing met het proces-verbaal en vink aan dat u deze heeft gezien.</p>
      {warnings.map((c) => (
        <div className="field checkbox" key={c.code}>
          <input
            id={`ack-${c.code}`}
            type="checkbox"
            checked={acknowledged.includes(c.code)}
            onChange={(e) => onChange(e.target.checked ? [...acknowledged, c.code] : acknowledged.filter((x) => x !== c.code))}
          />
          <label htmlFor={`ack-${c.code}`}>
            <span className="check-code">{c.code}</span> {c.message}
          </label>
        </div>
      ))}
    </>
  );
}

/**
 * "Hashcode": what to compare the code with (`against`: 'de hashcode die de Kiesraad heeft
 * gepubliceerd'), which two groups to type, and the code with those groups as inputs.
 */
export function HashCodeCheck(props: {
  against: string;
  masked: string;
  hidden: [number, number];
  values: [string, string];
  onChange: (v: [string, string]) => void;
  firstRef: RefObject<HTMLInputElement | null>;
}) {
  return (
    <>
      <h2>Hashcode</h2>
      <p>
        Controleer de hashcode met {props.against} en vul de twee ontbrekende groepen in (groep {props.hidden[0] + 1} en groep {props.hidden[1] + 1}).
      </p>
      <MaskedHash masked={props.masked} hidden={props.hidden} values={props.values} onChange={props.onChange} firstRef={props.firstRef} />
    </>
  );
}

/** A hash code with two groups hidden, each replaced by an input the user types from the published code. */
export function MaskedHash(props: {
  masked: string;
  hidden: [number, number];
  values: [string, string];
  onChange: (v: [string, string]) => void;
  firstRef: RefObject<HTMLInputElement | null>;
}) {
  const groups = props.masked.trim().split(/\s+/);
  const second = useRef<HTMLInputElement>(null);
  return (
    <div className="hash masked" aria-label="Hashcode met twee ontbrekende groepen">
      {groups.map((g, i) => {
        const slot = props.hidden.indexOf(i);
        if (slot === -1) {
          return (
            <span key={i} className="hash-group">
              {g}
            </span>
          );
        }
        const id = `hash-group-${i + 1}`;
        return (
          <span key={i} className="hash-group hidden-group">
            <input
              id={id}
              ref={slot === 0 ? props.firstRef : second}
              className="group-input"
              maxLength={4}
              size={4}
              autoComplete="off"
              spellCheck={false}
              value={props.values[slot]}
              onChange={(e) => {
                const v = e.target.value.toUpperCase();
                const next: [string, string] = [...props.values];
                next[slot] = v;
                props.onChange(next);
                if (slot === 0 && v.replace(/\s+/g, '').length === 4) second.current?.focus();
              }}
            />
            <label htmlFor={id} className="group-label">
              groep {i + 1}
            </label>
          </span>
        );
      })}
    </div>
  );
}

/** A refusal: the Dutch message, and the technical detail for IT staff behind a disclosure. */
export function RefusalMessage({ error }: { error: ApiFailure | { message: string; detail?: string } | null | undefined }) {
  if (!error) return null;
  const detail = 'detail' in error ? error.detail : undefined;
  const code = 'code' in error ? (error as { code?: string }).code : undefined;
  return (
    <div className="message error" role="alert">
      <p>{error.message}</p>
      {detail || code ? (
        <details className="technical">
          <summary>Technische details</summary>
          <pre>{[code ? `Code: ${code}` : null, detail ?? null].filter(Boolean).join('\n')}</pre>
        </details>
      ) : null}
    </div>
  );
}

// ---- Notices top right ("meldingen rechtsboven", guide step 8) ----

export interface Toast {
  id: number;
  kind: 'success' | 'warning';
  text: string;
}

let toasts: Toast[] = [];
let toastId = 0;
const toastListeners = new Set<() => void>();
function emitToasts() {
  for (const l of toastListeners) l();
}

/** Show a notice top right; it stays about 12 seconds (or until closed). */
export function showToast(kind: Toast['kind'], text: string, ms = 12_000): void {
  const id = ++toastId;
  toasts = [...toasts, { id, kind, text }];
  emitToasts();
  setTimeout(() => dismissToast(id), ms);
}

export function dismissToast(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  emitToasts();
}

export function Toasts() {
  const list = useSyncExternalStore(
    (l) => {
      toastListeners.add(l);
      return () => void toastListeners.delete(l);
    },
    () => toasts,
  );
  return (
    <div className="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} data-kind={t.kind}>
          <span>{t.text}</span>
          <button type="button" className="toast-close" aria-label="Melding sluiten" onClick={() => dismissToast(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

// ---- Confirmation with a reason (resolutions are logged with who and why) ----

export interface ReasonOptions {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

/** `const [ask, dialog] = useReason()`; `const reason = await ask({...})` is null when cancelled. */
export function useReason(): [(o: ReasonOptions) => Promise<string | null>, ReactNode] {
  const [state, setState] = useState<{ options: ReasonOptions; resolve: (v: string | null) => void } | null>(null);
  const ask = (options: ReasonOptions) => new Promise<string | null>((resolve) => setState({ options, resolve }));
  const close = (v: string | null) => {
    state?.resolve(v);
    setState(null);
  };
  const dialog = state ? <ReasonDialog {...state.options} onClose={close} /> : null;
  return [ask, dialog];
}

function ReasonDialog(props: ReasonOptions & { onClose: (reason: string | null) => void }) {
  const [reason, setReason] = useState('');
  const id = useId();
  const ok = reason.trim().length >= 3;
  return (
    <Modal title={props.title} onCancel={() => props.onClose(null)}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) props.onClose(reason.trim());
        }}
      >
        <div className="dialog-body">{props.body}</div>
        <div className="field">
          <label htmlFor={id}>Reden (wordt vastgelegd in het auditlog)</label>
          <textarea id={id} rows={3} value={reason} autoFocus onChange={(e) => setReason(e.target.value)} />
        </div>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => props.onClose(null)}>
            Annuleren
          </button>
          <button type="submit" className={props.danger ? 'danger' : 'primary'} disabled={!ok}>
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
