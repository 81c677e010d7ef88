import { useState } from 'react';
import { api, path, type ApiResult, type ApiFailure } from '../api.ts';
import {
  ErrorMessage,
  Facts,
  PageTitle,
  formatDateTime,
  showToast,
  useApp,
  useConfirm,
  useLoad,
  useReason,
} from '../components.tsx';
import { IndicatorIcon, STATE_LABELS, fieldLabel, usePolling } from '../counts.tsx';
import { href } from '../router.ts';
import { formShapePath, isKieskringCode, unitPath, unitWords } from '../stemgebied.ts';
import { auditDetailLabel, auditValueText } from '../auditWords.ts';

const OUTCOME_LABELS: Record<string, string> = {
  first_done: 'Eerste invoer afgerond',
  first_with_errors: 'Eerste invoer afgerond met fouten op het proces-verbaal',
  complete: 'Tweede invoer afgerond: gelijk aan de eerste',
  differences: 'Tweede invoer afgerond: verschilt van de eerste (bevestigd)',
  needs_attention: 'Controle: nog niet afgerond',
  not_identical: 'Tweede invoer wijkt af van de eerste (nog niet bevestigd)',
};

/** A history row in words: the action, and for submissions what came of it. */
function historyText(action: string, details: unknown): string {
  const d = (details ?? {}) as Record<string, unknown>;
  const entry = d.entry === 1 ? 'eerste' : d.entry === 2 ? 'tweede' : null;
  switch (action) {
    case 'claim':
      return entry ? `Begonnen met de ${entry} invoer` : 'Invoer begonnen';
    case 'submit':
      return OUTCOME_LABELS[String(d.outcome)] ?? 'Invoer opgeslagen';
    case 'import':
      return 'Tellingbestand geïmporteerd (eerste invoer)';
    case 'release':
      return entry ? `De ${entry} invoer is vrijgegeven` : 'Invoer vrijgegeven';
    case 'delete':
      return 'Steminvoer verwijderd';
    case 'resolve':
      return typeof d.choice === 'string' && d.choice in CHOICE_LABELS
        ? `Verschillen opgelost: ${CHOICE_LABELS[d.choice as keyof typeof CHOICE_LABELS]}`
        : 'Verschillen opgelost';
    default:
      return action;
  }
}

const HIDDEN_DETAILS = new Set(['outcome', 'entry', 'source', 'fields', 'checks', 'blocking', 'choice', 'code', 'name', 'from', 'to', 'unitKind', 'number']);
const DETAIL_LABELS: Record<string, string> = {
  reason: 'Reden',
  fileName: 'Bestand',
  hash: 'Hashcode',
  signer: 'Ondertekend door',
  acknowledged: 'Bevestigde waarschuwingen',
};

const CHOICE_LABELS = {
  first: 'Eerste invoer overnemen',
  second: 'Tweede invoer overnemen',
  delete_both: 'Verwijder eerste en tweede invoer',
} as const;

/**
 * One municipality: its entries (who, when, import or typed), checks, history and the actions this
 * user may take now (from the server's `actions`): entering, releasing a claim, deleting an entry,
 * resolving differences (guide step 9).
 */
export function CountDetail({ code }: { code: string }) {
  const { can } = useApp();
  const [data, error, reload] = usePolling(() => api.poll(path('/api/counts/:code', { code })), 5000, [code]);
  const [shape] = useLoad(() => api.get(formShapePath(code)), [code]);
  const mayResolve = can('counts.resolve');
  const hasDiff = data?.state === 'differences' && mayResolve;
  const [diff, diffError] = useLoad(
    () =>
      hasDiff
        ? api.get(path('/api/counts/:code/differences', { code }))
        : Promise.resolve({ ok: true as const, value: null }),
    [hasDiff, code, data?.second?.at],
  );
  const [actionError, setActionError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [askReason, reasonDialog] = useReason();
  const [confirm, confirmDialog] = useConfirm();
  const words = unitWords(data?.unit?.kind ?? (/^SB\d+$/.test(code) ? 'stembureau' : isKieskringCode(code) ? 'kieskring' : 'gemeente'));

  async function run(request: () => Promise<ApiResult<unknown>>, done: string) {
    setBusy(true);
    setActionError(null);
    const r = await request();
    setBusy(false);
    if (!r.ok) {
      setActionError(r);
      return;
    }
    showToast('success', done);
    reload();
  }

  async function release() {
    if (!data) return;
    const yes = await confirm({
      title: 'Invoer vrijgeven',
      body: (
        <p>
          {data.claimedBy ? `${data.claimedBy.username} is bezig met de ${data.claimedBy.entry === 1 ? 'eerste' : 'tweede'} invoer. ` : ''}
          Na het vrijgeven kan een andere gebruiker deze invoer opnieuw beginnen; wat nog niet is afgerond, vervalt.
        </p>
      ),
      confirmLabel: 'Invoer vrijgeven',
      danger: true,
    });
    if (yes) await run(() => api.post(path('/api/counts/:code/release', { code })), `De invoer van ${data.municipality.name} is vrijgegeven.`);
  }

  async function remove() {
    if (!data) return;
    const reason = await askReason({
      title: 'Verwijder steminvoer',
      body: (
        <p>
          De invoer van {data.municipality.name} wordt verwijderd. Daarna moet {words.kind === 'stembureau' ? 'het stembureau' : 'de gemeente'}{' '}
          opnieuw worden ingevoerd{words.kind === 'stembureau' ? '' : ' (of het tellingbestand opnieuw worden geïmporteerd)'}.
        </p>
      ),
      confirmLabel: 'Verwijder steminvoer',
      danger: true,
    });
    if (reason !== null) await run(() => api.post(path('/api/counts/:code/delete', { code }), { reason }), `De steminvoer van ${data.municipality.name} is verwijderd.`);
  }

  async function resolve(choice: keyof typeof CHOICE_LABELS) {
    if (!data) return;
    const body =
      choice === 'delete_both' ? (
        <p>Beide invoeren worden verwijderd. De eerste en tweede steminvoer van {data.municipality.name} moeten opnieuw worden ingevoerd.</p>
      ) : (
        <p>
          De {choice === 'first' ? 'eerste' : 'tweede'} invoer wordt overgenomen als uitslag van {data.municipality.name}; de invoer
          is daarmee afgerond. Uw keuze na het bekijken van de verschillen geldt als tweede controle en wordt met uw reden vastgelegd.
          Dat kan alleen als deze invoer geen fouten bevat.
        </p>
      );
    const reason = await askReason({ title: CHOICE_LABELS[choice], body, confirmLabel: CHOICE_LABELS[choice], danger: choice === 'delete_both' });
    if (reason !== null) await run(() => api.post(path('/api/counts/:code/resolve', { code }), { choice, reason }), `${CHOICE_LABELS[choice]}: uitgevoerd voor ${data.municipality.name}.`);
  }

  const name = data?.municipality.name ?? code;
  const a = data?.actions ?? [];
  const unit = data?.unit;
  return (
    <>
      <PageTitle>
        {words.One} {words.kind === 'stembureau' && data ? `${data.municipality.number} ` : ''}
        {name}
      </PageTitle>
      {/* After the h1: the title comes first in reading order. */}
      <p className="crumbs">
        <a href={href('/steminvoer')}>Invoeren stemmen status</a>
      </p>
      <ErrorMessage error={error} />
      {data ? (
        <>
          <div className="detail-status">
            <IndicatorIcon indicator={data.indicator} />
            <span className="state-text">{STATE_LABELS[data.state]}</span>
          </div>
          <Facts
            rows={[
              // A municipality by its 4-digit code ("Almere (0034)"), a polling station by its number.
              [words.One, words.kind === 'stembureau' ? `${data.municipality.number} ${data.municipality.name}` : `${data.municipality.name} (${data.municipality.code})`],
              ...(words.kind === 'stembureau' ? ([['Postcode', unit?.postcode ?? '—']] as [string, string][]) : []),
              [
                'Eerste invoer',
                data.first
                  ? `${data.first.source === 'import' ? 'Geïmporteerd tellingbestand' : 'Ingevoerd'} door ${data.first.username}, ${formatDateTime(data.first.at)}`
                  : '—',
              ],
              ['Tweede invoer', data.second ? `Ingevoerd door ${data.second.username}, ${formatDateTime(data.second.at)}` : '—'],
              [
                'Nu bezig',
                data.claimedBy
                  ? `${data.claimedBy.entry === 1 ? 'Eerste' : 'Tweede'} invoer door ${data.claimedBy.username} (sinds ${formatDateTime(data.claimedBy.since)})`
                  : '—',
              ],
            ]}
          />
          <ErrorMessage error={actionError} />

          {a.includes('claim') || a.includes('continue') || a.includes('import') ? (
            <div className="actions left">
              {a.includes('claim') || a.includes('continue') ? (
                <a className="button primary" href={href(unitPath(code, '/invoer'))}>
                  {a.includes('continue') ? 'Verder met invoer' : 'Invoeren'}
                </a>
              ) : null}
              {a.includes('import') ? (
                <a className="button secondary" href={href('/steminvoer/importeren')}>
                  Importeren steminvoer
                </a>
              ) : null}
            </div>
          ) : null}

          {data.checks.length > 0 ? (
            <>
              <h2>Controles</h2>
              <ul className="checks">
                {data.checks.map((c) => (
                  <li key={c.code} className={`check ${c.severity}`} data-code={c.code}>
                    <span className="check-code">{c.code}</span>{' '}
                    <span className="check-kind">{c.severity === 'error' ? 'Fout' : 'Waarschuwing'}</span>
                    <p>{c.message}</p>
                    {c.fields.length > 0 && c.fields.length <= 12 ? (
                      <p className="hint">Velden: {c.fields.map((f) => fieldLabel(shape, f)).join('; ')}</p>
                    ) : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}

          {hasDiff ? (
            <section aria-labelledby="diff-title">
              <h2 id="diff-title">Verschillen tussen eerste en tweede invoer</h2>
              <ErrorMessage error={diffError} />
              {diff ? (
                <table className="diff-table">
                  <thead>
                    <tr>
                      <th scope="col">Veld</th>
                      <th scope="col" className="num">
                        Eerste invoer{diff.first ? ` (${diff.first.username})` : ''}
                      </th>
                      <th scope="col" className="num">
                        Tweede invoer{diff.second ? ` (${diff.second.username})` : ''}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {diff.fields.map((f) => (
                      <tr key={f.id} data-field={f.id}>
                        <td>{f.label || fieldLabel(shape, f.id)}</td>
                        <td className="num">{f.first ?? 'leeg'}</td>
                        <td className="num">{f.second ?? 'leeg'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              {a.includes('resolve') ? (
                <div className="actions left">
                  <button type="button" className="primary" disabled={busy} onClick={() => void resolve('first')}>
                    {CHOICE_LABELS.first}
                  </button>
                  <button type="button" className="primary" disabled={busy} onClick={() => void resolve('second')}>
                    {CHOICE_LABELS.second}
                  </button>
                  <button type="button" className="danger" disabled={busy} onClick={() => void resolve('delete_both')}>
                    {CHOICE_LABELS.delete_both}
                  </button>
                </div>
              ) : null}
            </section>
          ) : null}

          <h2>Geschiedenis</h2>
          {data.history.length === 0 ? (
            <p className="hint">Nog niets gebeurd.</p>
          ) : (
            <table className="history">
              <thead>
                <tr>
                  <th scope="col">Tijdstip</th>
                  <th scope="col">Gebruiker</th>
                  <th scope="col">Actie</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {data.history
                  .filter((h) => h.action !== 'save')
                  .map((h, i) => (
                  <tr key={i} data-action={h.action}>
                    <td className="nowrap">{formatDateTime(h.at)}</td>
                    <td>{h.username ?? '—'}</td>
                    <td>{historyText(h.action, h.details)}</td>
                    <td>
                      <HistoryDetails details={h.details} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}

          {a.includes('release') || a.includes('delete') ? (
            <div className="actions left bottom-actions">
              {a.includes('release') ? (
                <button type="button" className="secondary" disabled={busy} onClick={() => void release()}>
                  Invoer vrijgeven
                </button>
              ) : null}
              {a.includes('delete') ? (
                <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
                  Verwijder steminvoer
                </button>
              ) : null}
            </div>
          ) : null}
        </>
      ) : null}
      {reasonDialog}
      {confirmDialog}
    </>
  );
}

function HistoryDetails({ details }: { details: unknown }) {
  if (details === null || details === undefined) return null;
  if (typeof details !== 'object') return <>{String(details)}</>;
  const entries = Object.entries(details as Record<string, unknown>).filter(([k, v]) => !HIDDEN_DETAILS.has(k) && v !== null && v !== undefined);
  if (entries.length === 0) return null;
  // The reason a leader typed stays in view; the rest (file, hashes, signer) is behind "details".
  const shown = entries.filter(([k]) => k === 'reason');
  const technical = entries.filter(([k]) => k !== 'reason');
  const item = ([k, v]: [string, unknown]) => (
    <li key={k}>
      <span className="k">{DETAIL_LABELS[k] ?? auditDetailLabel(k)}</span> {auditValueText(v)}
    </li>
  );
  return (
    <>
      {shown.length > 0 ? <ul className="kv">{shown.map(item)}</ul> : null}
      {technical.length > 0 ? (
        <details className="tech">
          <summary>details</summary>
          <ul className="kv">{technical.map(item)}</ul>
        </details>
      ) : null}
    </>
  );
}
