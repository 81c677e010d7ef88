/** Shared pieces of the phase 2 screens: status indicators, state texts, field labels, polling. */
import { useEffect, useRef, useState } from 'react';
import type { ApiFailure, ApiResult, Indicator, UnitStateKind } from './api.ts';
import { UNIT_STATE_TEXT } from '../domain/doubleEntry.ts';

export const INDICATOR_LABELS: Record<Indicator, string> = {
  geen_invoer: 'Geen invoer',
  invoer_aanwezig: 'Invoer aanwezig',
  waarschuwing: 'Waarschuwingen',
  afgerond: 'Eerste en tweede invoer afgerond',
};

export const INDICATOR_ORDER: Indicator[] = ['geen_invoer', 'invoer_aanwezig', 'waarschuwing', 'afgerond'];

/** The state texts of the domain (one place: src/domain/doubleEntry.ts). */
export const STATE_LABELS: Record<UnitStateKind, string> = Object.fromEntries(
  Object.entries(UNIT_STATE_TEXT).map(([k, v]) => [k, v.label]),
) as Record<UnitStateKind, string>;

/**
 * The indicators of the guide (step 7) as small inline pictures, always with their text:
 * white document with a circle, green document with a circle, an orange exclamation mark, a green
 * document with a flag.
 */
export function IndicatorIcon({ indicator, withLabel = true }: { indicator: Indicator; withLabel?: boolean }) {
  const label = INDICATOR_LABELS[indicator];
  return (
    <span className={`indicator ${indicator}`} data-indicator={indicator}>
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
        {indicator === 'waarschuwing' ? (
          <>
            <path d="M12 2 L23 21 H1 Z" fill="#e07b00" stroke="#a14f00" strokeWidth="1" strokeLinejoin="round" />
            <rect x="11" y="8" width="2" height="7" fill="#fff" />
            <rect x="11" y="16.5" width="2" height="2" fill="#fff" />
          </>
        ) : (
          <>
            <path
              d="M5 2 H15 L20 7 V22 H5 Z"
              fill={indicator === 'geen_invoer' ? '#ffffff' : '#2e8b47'}
              stroke={indicator === 'geen_invoer' ? '#5a6472' : '#1e6b33'}
              strokeWidth="1.3"
              strokeLinejoin="round"
            />
            <path d="M15 2 V7 H20" fill="none" stroke={indicator === 'geen_invoer' ? '#5a6472' : '#1e6b33'} strokeWidth="1.3" />
            {indicator === 'afgerond' ? (
              <>
                <rect x="9" y="9" width="1.6" height="10" fill="#fff" />
                <path d="M10.6 9 H16.5 L15 11.5 L16.5 14 H10.6 Z" fill="#fff" />
              </>
            ) : (
              <circle cx="12.5" cy="14" r="3.6" fill="none" stroke={indicator === 'geen_invoer' ? '#5a6472' : '#fff'} strokeWidth="1.6" />
            )}
          </>
        )}
      </svg>
      {withLabel ? <span className="indicator-label">{label}</span> : <span className="sr-only">{label}</span>}
    </span>
  );
}

export { fieldLabel } from '../domain/entryStructure.ts';

/**
 * Fetch now and then every `ms` milliseconds (paused while the tab is hidden); returns the latest
 * data, the latest error and a function to refresh at once.
 */
export function usePolling<T>(load: () => Promise<ApiResult<T>>, ms: number, deps: unknown[] = []): [T | null, ApiFailure | null, () => void] {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `tick` (refresh now) and the caller's `deps` restart the polling; `load` is read through a ref
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (!document.hidden) {
        const r = await loadRef.current();
        if (!live) return;
        if (r.ok) {
          setData(r.value);
          setError(null);
        } else setError(r);
      }
      if (live) timer = setTimeout(() => void run(), ms);
    };
    void run();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [ms, tick, ...deps]);
  return [data, error, () => setTick((t) => t + 1)];
}
