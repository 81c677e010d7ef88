/** "Archiveren en vernietigen" (guide step 14). */
import { useState, type FormEvent } from 'react';
import { api, type ApiFailure } from '../api.ts';
import { ErrorMessage, Notice, PageTitle, TextField, formatDate, formatDateTime, useApp, useLoad } from '../components.tsx';

export function Archive() {
  const { can, refreshElection } = useApp();
  const [status, loadError, reload] = useLoad(() => api.get('/api/archive'));
  const [confirmation, setConfirmation] = useState('');
  const [password, setPassword] = useState('');
  const [force, setForce] = useState(false);
  const [forceText, setForceText] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState<{ compacted: boolean } | null>(null);

  async function destroy(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const r = await api.post('/api/election/destroy', {
      confirmation,
      password,
      ...(force ? { forceBeforeRetention: true, forceConfirmation: forceText } : {}),
    });
    setPassword('');
    if (!r.ok) return setError(r);
    setDone({ compacted: r.value.compacted });
    reload();
    await refreshElection();
  }

  return (
    <>
      <PageTitle>Archiveren en vernietigen</PageTitle>
      <ErrorMessage error={loadError} />
      <section>
        <h2>Archiveren</h2>
        <p>
          Het archiefpakket bevat de geïmporteerde bestanden, alle aangemaakte documenten (geldig en vervallen), het
          auditlog, de logbestanden en een MANIFEST met de SHA-256-hashcode van elk bestand. Kopieer het naar een cd of
          dvd.
        </p>
        {status?.lastArchive && (
          <p className="hint">
            Laatste archief: {status.lastArchive.fileName} ({formatDateTime(status.lastArchive.at)})
          </p>
        )}
        {status?.election && (
          <a className="button primary" href="/api/archive/download" download onClick={() => window.setTimeout(reload, 2000)}>
            Archiefpakket downloaden (zip)
          </a>
        )}
      </section>
      {can('election.destroy') && status?.election && (
        <section>
          <h2>Vernietigen</h2>
          <p>
            De bestanden moeten worden bewaard tot 3 maanden na de benoeming van de nieuwe leden; daarna kunnen ze worden
            vernietigd. Bewaartermijn tot en met: <strong>{formatDate(status.retentionDate)}</strong>.
          </p>
          <p>
            Vernietigen wist alle gegevens van de verkiezing uit de database (ook uit de vrijgekomen ruimte in het
            databasebestand), de privésleutel en de logbestanden. Gebruikers en hun wachtwoorden blijven bestaan. Het auditlog
            begint opnieuw met de vernietiging.
          </p>
          {!status.lastArchive && (
            <div className="message warning" role="status">
              Er is nog geen archiefpakket gemaakt.
            </div>
          )}
          <ErrorMessage error={error} />
          <form className="form" onSubmit={(e) => void destroy(e)}>
            <TextField label="Typ VERNIETIGEN" name="confirmation" value={confirmation} onChange={setConfirmation} />
            <TextField
              label="Uw wachtwoord"
              name="password"
              type="password"
              value={password}
              autoComplete="current-password"
              onChange={setPassword}
            />
            {status.beforeRetention && (
              <fieldset>
                <legend>De bewaartermijn is nog niet verstreken</legend>
                <div className="field checkbox">
                  <input id="destroy-force" type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
                  <label htmlFor="destroy-force">Toch vernietigen vóór het einde van de bewaartermijn</label>
                </div>
                {force && (
                  <TextField label={`Typ “${status.forceConfirmation}”`} name="forceConfirmation" value={forceText} onChange={setForceText} />
                )}
              </fieldset>
            )}
            <button type="submit" className="button danger" disabled={confirmation !== 'VERNIETIGEN' || password === ''}>
              Vernietigen
            </button>
          </form>
        </section>
      )}
      {done && <Notice>De gegevens van de verkiezing zijn vernietigd. U kunt een nieuwe verkiezing aanmaken.</Notice>}
      {done && !done.compacted && (
        <div className="message warning" role="status">
          Het databasebestand kon niet worden opgeschoond (het was bezet). Gewiste gegevens kunnen nog in het bestand staan. Wilt u daar
          zeker van zijn, stop dan het programma en verwijder de datamap.
        </div>
      )}
    </>
  );
}
