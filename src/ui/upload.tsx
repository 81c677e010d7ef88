/**
 * What every import screen shares (candidate lists at a HSB, gemeente or the CSB; a count file at a
 * HSB or the CSB): a file is uploaded, the server answers with a preview and its hash code with two
 * groups hidden; the user types those two groups from the hash code on paper (or as published),
 * acknowledges each warning, and confirms with "Importeren". The server checks the groups again.
 */
import { useCallback, useRef, useState, type ReactNode } from 'react';
import type { ApiFailure, ApiResult } from './api.ts';

/** The two typed groups of a hash code. */
export type HashGroups = [string, string];

/** The two typed groups of a hash code (spaces left out, upper case), or a message when they are not 4 hex characters each. */
export function typedGroups(groups: HashGroups): HashGroups | string {
  const typed: HashGroups = [clean(groups[0]), clean(groups[1])];
  if (typed.some((g) => !/^[0-9A-F]{4}$/.test(g))) return 'Een hashcode-groep bestaat uit precies 4 tekens (0-9, A-F). Vul beide groepen in.';
  return typed;
}

const clean = (g: string) => g.replace(/\s+/g, '').toUpperCase();

/**
 * The server discarded the upload when the confirmation was refused (wrong groups, or the upload
 * expired): the file is checked again, and two new groups are asked.
 */
export function uploadDiscarded(r: ApiFailure): boolean {
  return r.code === 'hash.mismatch' || r.code === 'upload.unknown' || r.status === 404 || r.status === 410;
}

/** A check of the preview (the server's rule code, whether it is a warning). */
interface Check {
  readonly code: string;
  readonly severity: string;
}

/**
 * The state of one import screen: the preview of the uploaded file, the file field (`fileKey`: a new
 * key empties it), the typed hash-code groups, the acknowledged warnings, the message shown and
 * whether a request is under way.
 */
export function useImport<P>() {
  const [preview, setPreview] = useState<P | null>(null);
  const [fileKey, setFileKey] = useState(0);
  const [groups, setGroups] = useState<HashGroups>(['', '']);
  const [acknowledged, setAcknowledged] = useState<string[]>([]);
  const [error, setError] = useState<ApiFailure | string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstGroup = useRef<HTMLInputElement>(null);

  /** Forget the preview, the typed groups and the acknowledged warnings. */
  function clear(): void {
    setPreview(null);
    setGroups(['', '']);
    setAcknowledged([]);
  }

  /** Put the cursor in the first hash-code group (once it is shown). The same function every render. */
  const focusFirstGroup = useCallback((): void => {
    setTimeout(() => firstGroup.current?.focus(), 0);
  }, []);

  /** Show a preview and put the cursor in the first hash-code group. */
  function show(p: P): void {
    setPreview(p);
    focusFirstGroup();
  }

  /** Send the file for its preview (the earlier one forgotten); the preview is shown, a refusal returned. */
  async function upload(request: () => Promise<ApiResult<P>>): Promise<ApiResult<P>> {
    clear();
    setBusy(true);
    const r = await request();
    setBusy(false);
    if (r.ok) show(r.value);
    return r;
  }

  /**
   * The typed groups, if the preview may be confirmed: both groups typed and every warning among
   * `checks` acknowledged. Otherwise null, and the message says what is missing.
   */
  function confirmable(checks: readonly Check[] = []): HashGroups | null {
    const typed = typedGroups(groups);
    if (typeof typed === 'string') {
      setError(typed);
      return null;
    }
    if (checks.some((c) => c.severity === 'warning' && !acknowledged.includes(c.code))) {
      setError('Bevestig eerst elke waarschuwing door het vakje aan te vinken.');
      return null;
    }
    return typed;
  }

  /** The confirmation: the buttons disabled and the earlier message gone while it is sent. */
  async function confirm<T>(request: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> {
    setBusy(true);
    setError(null);
    const r = await request();
    setBusy(false);
    return r;
  }

  return {
    preview,
    fileKey,
    /** Empty the file field (the file is refused, or the import is done). */
    resetFile: () => setFileKey((k) => k + 1),
    error,
    setError,
    busy,
    clear,
    focusFirstGroup,
    upload,
    confirmable,
    confirm,
    /** The props of `HashCodeCheck` for the typed groups. */
    hashInput: { values: groups, onChange: setGroups, firstRef: firstGroup },
    /** The props of `AcknowledgeWarnings` for the acknowledged warnings. */
    warningsInput: { acknowledged, onChange: setAcknowledged },
  };
}

/** The buttons under a preview: any others (`children`), then "Importeren", which submits the form. */
export function ImportActions({ busy, children }: { busy: boolean; children?: ReactNode }) {
  return (
    <div className="actions">
      {children}
      <button type="submit" className="primary" disabled={busy}>
        Importeren
      </button>
    </div>
  );
}
