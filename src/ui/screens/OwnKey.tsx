import { useState } from 'react';
import { api, type ApiFailure } from '../api.ts';
import { ErrorMessage, Facts, Notice, PageTitle, formatDate, useApp, useLoad } from '../components.tsx';
import { navigate } from '../router.ts';
import { authorityLabel, isGemeente } from '../stemgebied.ts';
import { NotAllowed } from './CreateElection.tsx';

const CERTIFICATE_URL = '/api/keys/own/certificate';

/**
 * "Ophalen (downloaden) publieke sleutel" (guide step 4): the key pair is made once (at the first
 * click), then the certificate is downloaded to be carried to the Kiesraad on a USB stick.
 */
async function waitForKey(): Promise<{ ok: true } | ApiFailure> {
  for (let i = 0; i < 120; i++) {
    const r = await api.get('/api/keys/own');
    if (!r.ok) return r;
    if (r.value.key !== null) return { ok: true };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return {
    ok: false,
    status: 0,
    code: 'key.timeout',
    message: 'Het aanmaken van het sleutelpaar duurt te lang. Probeer het opnieuw.',
  };
}

export function OwnKey() {
  const { can, election } = useApp();
  const [data, loadError, reload] = useLoad(() => api.get('/api/keys/own'));
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [downloaded, setDownloaded] = useState(false);

  async function download() {
    setError(null);
    if (data && data.key === null) {
      setBusy(true);
      const r = await api.post('/api/keys/own');
      if (!r.ok && !(r.status === 409 && (r.code === 'key.exists' || r.code === 'key.busy'))) {
        setBusy(false);
        return setError(r);
      }
      // Generation takes a few seconds (or was already running): wait until the key exists.
      const ready = await waitForKey();
      setBusy(false);
      reload();
      if (!ready.ok) return setError(ready);
    }
    const a = document.createElement('a');
    a.href = CERTIFICATE_URL;
    a.download = '';
    document.body.append(a);
    a.click();
    a.remove();
    setDownloaded(true);
  }

  if (!can('keys.own')) return <NotAllowed />;
  const key = data?.key ?? null;
  const noElection = election !== null && election.election === null;
  const e = election?.election ?? null;
  const gemeente = isGemeente(e);
  return (
    <>
      <PageTitle>Ophalen (downloaden) publieke sleutel</PageTitle>
      <p>
        Download de publieke sleutel van deze installatie en breng het bestand met een USB-stick naar een computer met
        internet. Upload het daar op het platform Samenwerkruimte “Publieke Sleutel”. De geheime sleutel blijft op deze
        computer.
      </p>
      {e ? (
        <p data-testid="own-key-for">
          Dit is de sleutel van <strong>{authorityLabel(e.stemgebied)}</strong>.
          {e.stemgebied.category === 'GEMEENTE'
            ? ` Het hoofdstembureau van kieskring ${e.stemgebied.kieskring.number} ${e.stemgebied.kieskring.name} controleert er de handtekening van het tellingbestand van de gemeente mee.`
            : null}
        </p>
      ) : null}
      <ErrorMessage error={loadError ?? error} />
      {noElection ? (
        <div className="message info" role="status">
          Er is nog geen verkiezing aangemaakt. Importeer eerst de verkiezingsdefinitie.
        </div>
      ) : null}
      {key ? (
        <Facts
          rows={[
            ['Onderwerp (subject)', <span className="mono">{key.subject}</span>],
            ['Vingerafdruk (SHA-256)', <span className="mono fingerprint">{key.fingerprint}</span>],
            ['Geldig van', formatDate(key.notBefore)],
            ['Geldig tot', formatDate(key.notAfter)],
            ['Bestandsnaam', key.fileName],
          ]}
        />
      ) : data ? (
        <p className="hint">Het sleutelpaar wordt aangemaakt bij de eerste keer ophalen. Dat duurt enkele seconden.</p>
      ) : null}
      {busy ? <p role="status">Sleutelpaar wordt aangemaakt…</p> : null}
      {downloaded ? <Notice>De publieke sleutel is gedownload. Bewaar het bestand op de USB-stick.</Notice> : null}
      <div className="actions">
        <button type="button" className="primary" disabled={busy || !data || noElection} onClick={() => void download()}>
          Ophalen (downloaden)
        </button>
        <button type="button" className="secondary" disabled={!key} onClick={() => navigate(gemeente ? '/verkiezing/stembureaus' : '/verkiezing/stemgebieden')}>
          Verder
        </button>
      </div>
    </>
  );
}
