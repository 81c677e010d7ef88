import { useEffect, useMemo, useState } from 'react';
import { api, path, type Indicator, type IntegrityStatus, type MunicipalityStatus } from '../api.ts';
import { ErrorMessage, PageTitle, formatDateTime, useApp, useLoad } from '../components.tsx';
import { INDICATOR_LABELS, INDICATOR_ORDER, IndicatorIcon, STATE_LABELS, usePolling } from '../counts.tsx';
import { href } from '../router.ts';
import { stemgebiedLabel, unitPath, unitWords, type UnitWords } from '../stemgebied.ts';

const POLL_MS = 3000;

type SortKey = 'number' | 'name' | 'status';

/** The typist's button text; its accessible name adds the unit's name (the visible text comes first, WCAG 2.5.3). */
function openText(o: string, state: string): string {
  return o === 'continue' ? 'Verder met invoer' : state === 'first_done' ? 'Tweede invoer' : 'Eerste invoer';
}

/** A municipality as its 4-digit code ("0034", as everywhere else), a polling station by its number. */
function unitNumber(m: { code: string; number: number | string }): string {
  return /^\d{4}$/.test(m.code) ? m.code : String(m.number);
}

/** The progress bar "x van y gemeenten afgerond" (or "stembureaus" in a gemeente installation). */
export function Progress({ complete, total, words = unitWords('gemeente') }: { complete: number; total: number; words?: UnitWords }) {
  const pct = total === 0 ? 0 : Math.round((complete / total) * 100);
  return (
    <div className="progress-block">
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={complete}
        aria-label={`${words.Many} afgerond`}
      >
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="progress-text" data-testid="progress-text">
        {complete} van {total} {words.many} afgerond
      </p>
    </div>
  );
}

/** The server found changes outside the program (database or files edited): shown until resolved. */
export function IntegrityAlert({ integrity }: { integrity: Pick<IntegrityStatus, 'ok' | 'problems'> | undefined }) {
  if (!integrity || integrity.ok) return null;
  return (
    <div className="message error" role="alert" data-testid="integrity-problems">
      <p>
        <strong>Let op: de gegevens zijn buiten het programma om gewijzigd.</strong> Er worden geen bestanden gemaakt tot dit is
        opgehelderd.
      </p>
      <ul>
        {integrity.problems.map((p, i) => (
          <li key={i}>{p.message}</li>
        ))}
      </ul>
    </div>
  );
}

function sortMunicipalities(list: MunicipalityStatus[], key: SortKey): MunicipalityStatus[] {
  const byNumber = (a: MunicipalityStatus, b: MunicipalityStatus) => Number(a.number) - Number(b.number) || a.name.localeCompare(b.name, 'nl');
  const copy = [...list];
  if (key === 'name') copy.sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  else if (key === 'status') copy.sort((a, b) => INDICATOR_ORDER.indexOf(a.indicator) - INDICATOR_ORDER.indexOf(b.indicator) || byNumber(a, b));
  else copy.sort(byNumber);
  return copy;
}

/**
 * "Invoeren stemmen status" (guide step 7): every municipality with its indicator, counts per
 * indicator (also a filter), sorting, a progress bar; refreshes itself every few seconds.
 * A typist (rol invoer) sees the simpler "kies een gemeente" list instead.
 */
export function CountsStatus() {
  const { can } = useApp();
  if (can('counts.enter')) return <ChooseMunicipality />;
  return <StatusOverview />;
}

function StatusOverview() {
  const { can } = useApp();
  const [data, error] = usePolling(() => api.poll('/api/counts/status'), POLL_MS);
  const [filter, setFilter] = useState<Indicator | null>(null);
  const [sort, setSort] = useState<SortKey>('number');
  const mayPhase = can('phase.change');
  const [phases] = useLoad(
    () => (mayPhase ? api.get('/api/phase') : Promise.resolve({ ok: true as const, value: null })),
    [mayPhase, data?.complete, data?.total],
  );
  const phase3 = phases?.phases.find((p) => p.number === 3);
  const words = unitWords(data?.unitKind);
  const rows = useMemo(
    () => (data ? sortMunicipalities(data.municipalities, sort).filter((m) => filter === null || m.indicator === filter) : []),
    [data, sort, filter],
  );

  return (
    <>
      <PageTitle>Invoeren stemmen status</PageTitle>
      <ErrorMessage error={error} />
      {data ? (
        <>
          <IntegrityAlert integrity={data.integrity} />
          {data.phase !== 2 ? (
            <div className="message info" role="status">
              {data.phase < 2
                ? 'De steminvoer fase is nog niet actief. De verkiezingsleider activeert deze onder Verkiezingsproces.'
                : 'De steminvoer is afgesloten.'}
            </div>
          ) : null}
          <Progress complete={data.complete} total={data.total} words={words} />
          {mayPhase && data.phase === 2 && phase3?.canActivate ? (
            <div className="message info" role="status">
              Alle {words.many} zijn twee keer ingevoerd.{' '}
              <a className="button primary small" href={href('/verkiezingsproces')}>
                {words.kind === 'kieskring' ? 'Vaststellen uitslag' : 'Definitief maken & PV gebiedsuitslag'}
              </a>
            </div>
          ) : null}
          <div className="toolbar">
            <div className="filters" role="group" aria-label="Filter op status">
              <button type="button" className="chip" aria-pressed={filter === null} onClick={() => setFilter(null)}>
                Alle <span className="count">{data.total}</span>
              </button>
              {INDICATOR_ORDER.map((ind) => (
                <button
                  key={ind}
                  type="button"
                  className="chip"
                  aria-pressed={filter === ind}
                  data-indicator={ind}
                  onClick={() => setFilter(filter === ind ? null : ind)}
                >
                  <IndicatorIcon indicator={ind} withLabel={false} /> {INDICATOR_LABELS[ind]}{' '}
                  <span className="count">{data.byIndicator[ind] ?? 0}</span>
                </button>
              ))}
            </div>
            <label className="sort">
              Sorteren op{' '}
              <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
                <option value="number">Nummer</option>
                <option value="name">Naam</option>
                <option value="status">Status</option>
              </select>
            </label>
            <a className="button secondary small" href={href('/presentatie')}>
              Presentatie
            </a>
          </div>
          <StatusTable rows={rows} words={words} />
          <p className="hint" aria-live="off">
            Dit overzicht ververst zichzelf elke {POLL_MS / 1000} seconden.
          </p>
        </>
      ) : !error ? (
        <p>Laden…</p>
      ) : null}
    </>
  );
}

function StatusTable({ rows, words }: { rows: MunicipalityStatus[]; words: UnitWords }) {
  const stations = words.kind === 'stembureau';
  if (rows.length === 0) return <p>Geen {words.many} met deze status.</p>;
  return (
    <table className="status-table">
      <caption className="sr-only">Status van de steminvoer per {words.one}</caption>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Nr.
          </th>
          <th scope="col">{words.One}</th>
          {stations ? <th scope="col">Postcode</th> : null}
          <th scope="col">Eerste invoer</th>
          <th scope="col">Tweede invoer</th>
          <th scope="col">Bijzonderheden</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((m) => (
          <tr key={m.code} data-code={m.code} data-indicator={m.indicator}>
            <td className="nowrap">
              <IndicatorIcon indicator={m.indicator} />
            </td>
            <td className="num">{unitNumber(m)}</td>
            <td>
              <a href={href(unitPath(m.code))}>{m.name}</a>
            </td>
            {stations ? <td className="nowrap">{m.postcode ?? '—'}</td> : null}
            <td>{m.first ? `${m.first.source === 'import' ? 'Import' : 'Ingevoerd'} door ${m.first.username}` : '—'}</td>
            <td>{m.second ? `Ingevoerd door ${m.second.username}` : '—'}</td>
            <td>
              {m.claimedBy ? (
                <span>
                  {m.claimedBy.entry === 1 ? 'Eerste' : 'Tweede'} invoer door {m.claimedBy.username}
                </span>
              ) : m.state === 'differences' ? (
                <span>Verschillen tussen eerste en tweede invoer</span>
              ) : m.state === 'first_with_errors' ? (
                <span>Fouten op het proces-verbaal</span>
              ) : null}
              {m.warnings.length > 0 ? <span className="codes"> {m.warnings.join(', ')}</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** For the typist: the municipalities, and where an entry can be started or continued. */
function ChooseMunicipality() {
  const { session } = useApp();
  const me = session.user.username;
  const [data, error] = usePolling(() => api.poll('/api/counts/status'), 5000);
  const rows = useMemo(() => (data ? sortMunicipalities(data.municipalities, 'number') : []), [data]);
  const words = unitWords(data?.unitKind);
  const stations = words.kind === 'stembureau';
  const open = (m: MunicipalityStatus): 'start' | 'continue' | null => {
    if (m.claimedBy) return m.claimedBy.username === me ? 'continue' : null;
    if (m.state === 'empty') return 'start';
    if (m.state === 'first_done' && m.first?.username !== me) return 'start';
    return null;
  };
  return (
    <>
      <PageTitle>Invoer stemmen</PageTitle>
      <ErrorMessage error={error} />
      {data && data.phase !== 2 ? (
        <div className="message info" role="status">
          U kunt stemmen invoeren zodra de verkiezingsleider de steminvoer fase heeft geactiveerd.
        </div>
      ) : null}
      {data ? (
        <>
          <p>Kies een {words.one} om de aantallen van het proces-verbaal in te voeren.</p>
          {rows.length === 0 ? <p>Er zijn nog geen {words.many}.</p> : null}
          <table className="status-table">
            <caption className="sr-only">{words.Many}</caption>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Nr.
                </th>
                <th scope="col">{words.One}</th>
                {stations ? <th scope="col">Postcode</th> : null}
                <th scope="col">Invoer</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((m) => {
                const o = data.phase === 2 ? open(m) : null;
                return (
                  <tr key={m.code} data-code={m.code} data-indicator={m.indicator}>
                    <td className="nowrap">
                      <IndicatorIcon indicator={m.indicator} />
                    </td>
                    <td className="num">{unitNumber(m)}</td>
                    <td>{m.name}</td>
                    {stations ? <td className="nowrap">{m.postcode ?? '—'}</td> : null}
                    <td>
                      {o ? (
                        <a
                          className="button primary small"
                          href={href(unitPath(m.code, '/invoer'))}
                          aria-label={`${openText(o, m.state)} ${m.name}`}
                        >
                          {openText(o, m.state)}
                        </a>
                      ) : m.claimedBy ? (
                        <span className="hint">Wordt ingevoerd door {m.claimedBy.username}</span>
                      ) : m.state === 'first_done' && m.first?.username === me ? (
                        <span className="hint">U deed de eerste invoer; een collega doet de tweede</span>
                      ) : (
                        <span className="hint">{STATE_LABELS[m.state]}</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      ) : null}
    </>
  );
}

/**
 * Projector mode ("Presentatie") for the public session: large, no menus, keeps itself current;
 * the server keeps a read-only session alive while it is polled with ?projector=1.
 */
export function Projector() {
  const { election } = useApp();
  const [data, error] = usePolling(() => api.poll(path('/api/counts/status', {}, { projector: '1' })), POLL_MS);
  const rows = useMemo(() => (data ? sortMunicipalities(data.municipalities, 'number') : []), [data]);
  const words = unitWords(data?.unitKind);
  const [updated, setUpdated] = useState<string | null>(null);
  useEffect(() => {
    if (data) setUpdated(new Date().toISOString());
  }, [data]);
  const e = election?.election;
  return (
    <main className="projector" id="main">
      <header className="projector-head">
        <div>
          <PageTitle>Voortgang steminvoer</PageTitle>
          {e ? (
            <p>
              {e.name} · {stemgebiedLabel(e.stemgebied)}
            </p>
          ) : null}
        </div>
        <div className="projector-buttons">
          <button
            type="button"
            className="secondary small"
            onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}
          >
            Volledig scherm
          </button>
          <a className="button secondary small" href={href('/steminvoer')}>
            Sluiten
          </a>
        </div>
      </header>
      <ErrorMessage error={error} />
      {data ? (
        <>
          <Progress complete={data.complete} total={data.total} words={words} />
          <ul className="projector-counts">
            {INDICATOR_ORDER.map((ind) => (
              <li key={ind}>
                <IndicatorIcon indicator={ind} /> <strong>{data.byIndicator[ind] ?? 0}</strong>
              </li>
            ))}
          </ul>
          <ul className="projector-list">
            {rows.map((m) => (
              <li key={m.code} data-code={m.code} data-indicator={m.indicator}>
                <IndicatorIcon indicator={m.indicator} withLabel={false} />
                <span className="name">{m.name}</span>
                <span className="state">{INDICATOR_LABELS[m.indicator]}</span>
              </li>
            ))}
          </ul>
          <p className="hint">Bijgewerkt: {formatDateTime(updated)}</p>
        </>
      ) : null}
    </main>
  );
}
