/**
 * "Documenten": "Aanmaken bestanden na definitief maken" (one action, with progress) and "Tonen
 * documentenoverzicht" (every generated file with type, time, size, hash and status), plus
 * "Resultaten > Exporteren resultaat".
 */
import { useEffect, useRef, useState } from 'react';
import { api, path, type ApiFailure, type DocumentJob, type DocumentJobStatus } from '../api.ts';
import { ErrorMessage, Notice, PageTitle, formatDateTime, useApp, useLoad } from '../components.tsx';
import { href } from '../router.ts';
import { isGemeente } from '../stemgebied.ts';

/** A job as started (POST) or as polled (GET, with its stage in words). */
type Job = DocumentJob & Partial<Pick<DocumentJobStatus, 'stageLabel'>>;

function size(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toLocaleString('nl-NL', { maximumFractionDigits: 1 })} kB`;
  return `${(n / 1024 / 1024).toLocaleString('nl-NL', { maximumFractionDigits: 1 })} MB`;
}

/**
 * A hash code in the overview table: four lines of 4 groups of 4, at a readable size (the text
 * stays "AAAA BBBB …", 16 groups separated by single spaces, so a copy-paste or a test reads the
 * canonical form).
 */
export function TableHash({ hash }: { hash: string }) {
  const groups = hash.split(' ');
  if (groups.length !== 16) return <code className="hash">{hash}</code>;
  return (
    <code className="hash">
      <span className="hash-line">{groups.slice(0, 4).join(' ')}</span> <span className="hash-line">{groups.slice(4, 8).join(' ')}</span>{' '}
      <span className="hash-line">{groups.slice(8, 12).join(' ')}</span> <span className="hash-line">{groups.slice(12).join(' ')}</span>
    </code>
  );
}

/** Date and time on two lines ("15-02-2021," / "09:00:06"), the text as formatDateTime writes it. */
function DateTimeLines({ value }: { value: string }) {
  const text = formatDateTime(value);
  const at = text.indexOf(', ');
  if (at < 0) return <>{text}</>;
  return (
    <>
      <span className="nowrap">{text.slice(0, at + 1)}</span> <span className="nowrap">{text.slice(at + 2)}</span>
    </>
  );
}

/** A file name that may wrap after "_" and "." (long Kiesraad names), without changing its text. */
export function BreakableName({ name }: { name: string }) {
  const parts = name.split(/(?<=[_.])/);
  return (
    <>
      {parts.map((p, i) => (
        <span key={i}>
          {p}
          {i < parts.length - 1 && <wbr />}
        </span>
      ))}
    </>
  );
}

export function CreateDocuments() {
  const { can, election } = useApp();
  const gemeente = isGemeente(election?.election);
  const [status, loadError, reload] = useLoad(() => api.get('/api/finalise'));
  const [error, setError] = useState<ApiFailure | { message: string } | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const timer = useRef<number | null>(null);
  useEffect(() => () => void (timer.current !== null && window.clearTimeout(timer.current)), []);

  async function poll(id: string) {
    // The server answers as soon as the job moved on or finished (at most 2 s later): "klaar" shows at once.
    const r = await api.poll(path('/api/documents/jobs/:jobId', { jobId: id }, { wait: '1' }));
    if (!r.ok) return setError(r);
    setJob(r.value);
    if (r.value.finished) {
      if (r.value.error) setError(r.value.error);
      reload();
      return;
    }
    timer.current = window.setTimeout(() => void poll(id), 0);
  }

  async function create() {
    setError(null);
    const r = await api.post('/api/documents/create');
    if (!r.ok) return setError(r);
    setJob(r.value);
    void poll(r.value.jobId);
  }

  const running = job !== null && !job.finished;
  const done = job?.finished === true && job.error === null;
  return (
    <>
      <PageTitle>Aanmaken bestanden na definitief maken</PageTitle>
      <ErrorMessage error={loadError} />
      {status && status.phase !== 3 && (
        <div className="message info" role="status">
          Bestanden aanmaken kan nadat de uitslag definitief is gemaakt.{' '}
          <a href={href('/verkiezingsproces/definitief-maken')}>Definitief maken &amp; PV gebiedsuitslag</a>
        </div>
      )}
      {status && status.pvDetailsMissing.length > 0 && (
        <div className="message warning" role="status">
          Vul eerst de <a href={href('/verkiezingsproces/definitief-maken')}>gegevens van het proces-verbaal</a> in:{' '}
          {status.pvDetailsMissing.join(', ')}.
        </div>
      )}
      {gemeente ? (
        <p>
          Met “Aanmaken” worden in één keer aangemaakt: de EML 510b (telling van de gemeente, per stembureau), het proces-verbaal
          als PDF en ODT, het CSV-bestand met de uitslag per stembureau, en het ondertekende overdrachtsbestand
          Telling_…_gemeente_….zip voor het hoofdstembureau.
        </p>
      ) : (
        <p>
          Met “Aanmaken” worden in één keer aangemaakt: de EML 510c (telling), het proces-verbaal O 3 als PDF en ODT, de
          overdrachtsbestanden Telling_…_kieskring_….zip (Teluitslagen) en Telling_…_kiesraad_….zip (Kiesraad), en het
          CSV-bestand OSV 4-3 Tellingsoverzicht.
        </p>
      )}
      {status?.documents && !running && (
        <Notice>
          De bestanden zijn aangemaakt op {formatDateTime(status.documents.createdAt)}.{' '}
          <a href={href('/documenten')}>Tonen documentenoverzicht</a>
        </Notice>
      )}
      {running && (
        <div className="progress-block">
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(job.progress * 100)}>
            <div className="progress-fill" style={{ width: `${Math.round(job.progress * 100)}%` }} />
          </div>
          <p className="progress-text" data-testid="documents-progress">
            {job.stageLabel ?? job.stage} ({Math.round(job.progress * 100)}%)
          </p>
        </div>
      )}
      <ErrorMessage error={error ? error.message : null} />
      {done && (
        <Notice>
          <span data-testid="documents-created">De bestanden zijn aangemaakt.</span> <a href={href('/documenten')}>Tonen documentenoverzicht</a>
        </Notice>
      )}
      {can('documents.create') && status?.phase === 3 && !status.documents && !running && (
        <button type="button" className="button primary" onClick={() => void create()}>
          Aanmaken
        </button>
      )}
    </>
  );
}

export function DocumentsOverview() {
  const [data, loadError] = useLoad(() => api.get('/api/documents'));
  return (
    <>
      <PageTitle>Documentenoverzicht</PageTitle>
      <ErrorMessage error={loadError} />
      {data && data.sets.length === 0 && <p>Er zijn nog geen bestanden aangemaakt.</p>}
      {data?.sets.map((s) => (
        <section key={s.id} data-testid={`document-set-${s.id}`} className={s.status === 'vervallen' ? 'void' : undefined}>
          <h2>
            Aangemaakt op {formatDateTime(s.createdAt)}
            {s.createdBy ? ` door ${s.createdBy}` : ''} —{' '}
            <span className={s.status === 'vervallen' ? 'badge warning' : 'badge ok'}>{s.status === 'vervallen' ? 'Vervallen' : 'Geldig'}</span>
          </h2>
          {s.voidedAt && (
            <div className="message warning" role="status">
              Vervallen op {formatDateTime(s.voidedAt)}: de verkiezingsleider is teruggegaan naar fase 2. Deze bestanden zijn
              bewaard maar gelden niet meer.
            </div>
          )}
          <table className="documents">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Bestand</th>
                <th scope="col">Tijd</th>
                <th scope="col" className="num">
                  Grootte
                </th>
                <th scope="col">Hashcode (SHA-256)</th>
                <th scope="col" className="doc-status">Status</th>
              </tr>
            </thead>
            <tbody>
              {s.documents.map((d) => (
                <tr key={d.id} data-kind={d.kind}>
                  <td>{d.label}</td>
                  <td className="file">
                    <a href={`/api/documents/${d.id}/download`} download>
                      <BreakableName name={d.status === 'vervallen' ? `VERVALLEN_${d.fileName}` : d.fileName} />
                    </a>
                  </td>
                  <td className="doc-time">
                    <DateTimeLines value={d.createdAt} />
                  </td>
                  <td className="num nowrap">{size(d.size)}</td>
                  <td>
                    <TableHash hash={d.hash} />
                  </td>
                  <td className="doc-status">{d.status === 'vervallen' ? 'Vervallen' : 'Geldig'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}

/** "Resultaten > Exporteren resultaat". */
export function ExportResults() {
  const [status] = useLoad(() => api.get('/api/finalise'));
  return (
    <>
      <PageTitle>Exporteren resultaat</PageTitle>
      <p>
        Kies “Opslaan als…” en open het bestand niet eerst in Excel of LibreOffice: die programma’s kunnen de
        bestandsindeling veranderen.
      </p>
      {status && !status.documents && (
        <div className="message info" role="status">
          Het tellingsoverzicht is beschikbaar nadat de uitslag definitief is gemaakt en de bestanden zijn aangemaakt.
        </div>
      )}
      {status?.documents && (
        <p>
          <a className="button primary" href="/api/results/osv43.csv" download>
            OSV 4-3 Tellingsoverzicht (CSV)
          </a>
        </p>
      )}
    </>
  );
}
