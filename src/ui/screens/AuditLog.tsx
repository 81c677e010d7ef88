import { useEffect, useState } from 'react';
import { api, path, type ApiFailure, type AuditPage, type AuditRecord } from '../api.ts';
import { ErrorMessage, PageTitle, formatDateTime } from '../components.tsx';
import { ROLE_LABELS, isRole } from '../../domain/permissions.ts';
import { auditActionText, auditDetailLabel, auditValueText } from '../auditWords.ts';

const PAGE = 100;

/** "Auditlog": newest first, the integrity of the hash chain, export as CSV. */
export function AuditLog() {
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [chain, setChain] = useState<AuditPage['chain'] | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [more, setMore] = useState(false);
  const [loading, setLoading] = useState(false);

  async function load(before: number | null) {
    setLoading(true);
    const r = await api.get(path('/api/audit', {}, { limit: PAGE, before: before ?? undefined }));
    setLoading(false);
    if (!r.ok) return setError(r);
    setError(null);
    setChain(r.value.chain);
    setRecords((old) => (before === null ? r.value.records : [...old, ...r.value.records]));
    setMore(r.value.records.length === PAGE);
  }

  // biome-ignore lint/correctness/useExhaustiveDependencies: the first page once, when the screen opens
  useEffect(() => {
    void load(null);
  }, []);

  const last = records[records.length - 1];
  return (
    <>
      <PageTitle>Auditlog</PageTitle>
      <ErrorMessage error={error} />
      {chain ? (
        chain.intact ? (
          <div className="message success" role="status">
            De keten van het auditlog is intact: geen regel is gewijzigd of verwijderd.
          </div>
        ) : (
          <div className="message error" role="alert">
            De keten van het auditlog is verbroken vanaf regel {chain.firstBrokenId}. Het auditlog is mogelijk gewijzigd.
            Waarschuw de verkiezingsleider.
          </div>
        )
      ) : null}
      <div className="actions left">
        <a className="button secondary" href="/api/audit/export" download>
          Exporteren (CSV)
        </a>
        <button type="button" className="secondary" onClick={() => void load(null)} disabled={loading}>
          Vernieuwen
        </button>
      </div>
      <table className="audit">
        <caption className="sr-only">Auditlog</caption>
        <colgroup>
          <col style={{ width: '3em' }} />
          <col style={{ width: '12.5em' }} />
          <col style={{ width: '7em' }} />
          <col style={{ width: '10em' }} />
          <col style={{ width: '13em' }} />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" className="num">
              Nr.
            </th>
            <th scope="col">Tijd</th>
            <th scope="col">Gebruiker</th>
            <th scope="col">Rol</th>
            <th scope="col">Actie</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr key={r.id}>
              <td className="num">{r.id}</td>
              <td className="nowrap">{formatDateTime(r.at)}</td>
              <td>{r.username ?? '—'}</td>
              <td>{r.role && isRole(r.role) ? ROLE_LABELS[r.role] : (r.role ?? '—')}</td>
              <td data-action={r.action}>{auditActionText(r.action)}</td>
              <td className="details">
                <AuditDetails action={r.action} details={r.details} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && last ? (
        <div className="actions left">
          <button type="button" className="secondary" disabled={loading} onClick={() => void load(last.id)}>
            Oudere regels tonen
          </button>
        </div>
      ) : null}
    </>
  );
}

/** What a row is about, in a few words (the municipality, the user, the file), from its details. */
function summary(details: Record<string, unknown>): string | null {
  const s = (k: string) => (typeof details[k] === 'string' || typeof details[k] === 'number' ? String(details[k]) : null);
  if (s('name') && s('code')) return `${s('name')} (${s('code')})`;
  if (s('gemeenteName') && s('gemeente')) return `${s('gemeenteName')} (${s('gemeente')})`;
  if (typeof details.from === 'number' && typeof details.to === 'number') return `Van fase ${details.from} naar fase ${details.to}`;
  return s('username') ?? s('fileName') ?? s('name');
}

/** A short summary, and the technical details (in words, the codes kept) behind a "details" toggle. */
function AuditDetails({ action, details }: { action: string; details: unknown }) {
  if (details === null || details === undefined) return null;
  if (typeof details !== 'object' || Array.isArray(details)) return <>{auditValueText(details)}</>;
  const d = details as Record<string, unknown>;
  const entries = Object.entries(d);
  if (entries.length === 0) return null;
  const short = summary(d);
  return (
    <>
      {short ? <span className="audit-summary">{short}</span> : null}
      <details className="tech">
        <summary>details</summary>
        <ul className="kv">
          <li>
            <span className="k">Actie (code)</span> <code>{action}</code>
          </li>
          {entries.map(([k, v]) => (
            <li key={k}>
              <span className="k">{auditDetailLabel(k)}</span> {auditValueText(v)}
            </li>
          ))}
        </ul>
      </details>
    </>
  );
}
