import { useState, type FormEvent } from 'react';
import { api, type ApiFailure, type DefinitionPreview, type Election } from '../api.ts';
import { ErrorMessage, Facts, FileField, HashCode, PageTitle, formatDate, useApp, useConfirm } from '../components.tsx';
import { href, navigate } from '../router.ts';

/** "Aanmaken verkiezing": upload the 110a, check its hash code, choose the stemgebied, import. */
export function CreateElection() {
  const { election, refreshElection, can } = useApp();
  const [preview, setPreview] = useState<DefinitionPreview | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [hashConfirmed, setHashConfirmed] = useState(false);
  const [kieskring, setKieskring] = useState('');
  const [fileKey, setFileKey] = useState(0);
  const [confirm, dialog] = useConfirm();

  async function onFile(file: File) {
    setError(null);
    setPreview(null);
    setHashConfirmed(false);
    setKieskring('');
    setBusy(true);
    const r = await api.upload<DefinitionPreview>('/api/election/definition/preview', file);
    setBusy(false);
    if (!r.ok) {
      setError(r);
      setFileKey((k) => k + 1);
    } else setPreview(r.value);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!preview || !hashConfirmed || kieskring === '') return;
    const current = election?.election;
    if (current) {
      const yes = await confirm({
        title: 'Verkiezingsdefinitie vervangen',
        body: (
          <p>
            De huidige verkiezingsdefinitie ({current.name}, kieskring {current.stemgebied.number}{' '}
            {current.stemgebied.name}) wordt vervangen door {preview.name}. Dit wordt vastgelegd in het auditlog.
          </p>
        ),
        confirmLabel: 'Vervangen',
        danger: true,
      });
      if (!yes) return;
    }
    setBusy(true);
    setError(null);
    const r = await api.post<{ election: Election }>('/api/election/definition/confirm', {
      uploadId: preview.uploadId,
      hashConfirmed: true,
      kieskring: preview.kieskringen.find((k) => String(k.number) === kieskring)?.number ?? kieskring,
    });
    setBusy(false);
    if (!r.ok) return setError(r);
    await refreshElection();
    navigate('/verkiezing/kandidatenlijsten/importeren');
  }

  if (!can('election.import')) return <NotAllowed />;
  const existing = election?.election;
  // A re-import (to correct the choice) is possible in phase 1 until lists or keys exist.
  const locked = existing ? existing.candidateLists !== null || election?.phase !== 1 : false;
  if (existing && locked) {
    return (
      <>
        <PageTitle>Aanmaken verkiezing</PageTitle>
        <div className="message info" role="status">
          De verkiezing {existing.name} is al aangemaakt voor kieskring {existing.stemgebied.number}{' '}
          {existing.stemgebied.name}.
        </div>
        <p>
          <a href={href('/')}>Naar het overzicht</a>
        </p>
      </>
    );
  }

  return (
    <>
      <PageTitle>Aanmaken verkiezing</PageTitle>
      {existing ? (
        <div className="message info" role="status">
          De verkiezing {existing.name} is al aangemaakt voor kieskring {existing.stemgebied.number}{' '}
          {existing.stemgebied.name}. Zolang er nog geen kandidatenlijsten en sleutels zijn, kunt u de
          verkiezingsdefinitie opnieuw importeren; de huidige wordt dan vervangen.
        </div>
      ) : null}
      <p>
        Kies het bestand met de verkiezingsdefinitie (EML 110a), bijvoorbeeld{' '}
        <code>Verkiezingsdefinitie_TK2021.eml.xml</code>. Er wordt nog niets geïmporteerd: u controleert eerst de
        hashcode.
      </p>
      <FileField
        key={fileKey}
        label="Bestand met verkiezingsdefinitie"
        accept=".xml,.eml.xml"
        onFile={(f) => void onFile(f)}
        autoFocus
        disabled={busy}
      />
      {busy && !preview ? <p role="status">Bestand wordt gecontroleerd…</p> : null}
      <ErrorMessage error={error} />
      {preview ? (
        <form onSubmit={submit} className="form">
          <Facts
            rows={[
              ['Bestand', preview.fileName],
              ['Verkiezing', `${preview.name} (${preview.electionId})`],
              ['Verkiezingsdatum', formatDate(preview.electionDate)],
              ['Aantal zetels', String(preview.numberOfSeats)],
            ]}
          />
          <h2>Hashcode</h2>
          <p>Vergelijk deze hashcode met de hashcode die de Kiesraad heeft gepubliceerd.</p>
          <HashCode hex={preview.hash} label="Hashcode verkiezingsdefinitie" />
          <div className="field checkbox">
            <input
              id="hash-confirmed"
              type="checkbox"
              checked={hashConfirmed}
              onChange={(e) => setHashConfirmed(e.target.checked)}
            />
            <label htmlFor="hash-confirmed">
              De hashcode is gelijk aan de hashcode die de Kiesraad heeft gepubliceerd
            </label>
          </div>
          <div className="field">
            <label htmlFor="stemgebied">Stemgebied</label>
            <select id="stemgebied" value={kieskring} onChange={(e) => setKieskring(e.target.value)} required>
              <option value="">— kies de kieskring van dit hoofdstembureau —</option>
              {preview.kieskringen.map((k) => (
                <option key={String(k.number)} value={String(k.number)}>
                  Kieskring {k.number} {k.name}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || !hashConfirmed || kieskring === ''}>
              Importeren
            </button>
          </div>
          {!hashConfirmed || kieskring === '' ? (
            <p className="hint">
              Importeren kan zodra u de hashcode hebt bevestigd en het stemgebied hebt gekozen.
            </p>
          ) : null}
        </form>
      ) : null}
      {dialog}
    </>
  );
}

export function NotAllowed() {
  return (
    <>
      <PageTitle>Geen toegang</PageTitle>
      <ErrorMessage error="U hebt met uw rol geen toegang tot dit scherm." />
    </>
  );
}
