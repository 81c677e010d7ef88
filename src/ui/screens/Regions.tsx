import { useState, type FormEvent, type ReactNode } from 'react';
import { api, path, type ApiFailure, type KeyInfo, type KeyPreview, type Regions as RegionsData } from '../api.ts';
import {
  ErrorMessage,
  Facts,
  FileField,
  Notice,
  PageTitle,
  TextField,
  formatDate,
  formatDateTime,
  useApp,
  useConfirm,
  useLoad,
} from '../components.tsx';
import { href, navigate } from '../router.ts';
import { municipalityLabel } from '../stemgebied.ts';

/** "Tonen stemgebieden": the kieskring's municipalities and the status of their public keys. */
export function Regions() {
  const { can } = useApp();
  const [data, error] = useLoad(() => api.get('/api/election/regions'));
  const withKey = data?.municipalities.filter((m) => m.key !== null).length ?? 0;
  const own = data?.stemgebied?.category === 'GEMEENTE' ? data.stemgebied : null;
  if (data && own) {
    // A gemeente installation: its stemgebied is the municipality itself; its units are the polling stations.
    return (
      <>
        <PageTitle>Tonen stemgebieden</PageTitle>
        <Facts
          rows={[
            ['Stemgebied', `${municipalityLabel(own.code, own.name)} (code ${own.code})`],
            ['Kieskring', `Kieskring ${own.kieskring.number} ${own.kieskring.name}`],
          ]}
        />
        <p>
          Deze installatie is van de gemeente. De uitslagen worden per stembureau ingevoerd;{' '}
          <a href={href('/verkiezing/stembureaus')}>Stembureaus</a> toont en beheert de stembureaus. Het tellingbestand en de publieke
          sleutel van de gemeente gaan naar het hoofdstembureau van kieskring {own.kieskring.name}.
        </p>
      </>
    );
  }
  return (
    <>
      <PageTitle>Tonen stemgebieden</PageTitle>
      <ErrorMessage error={error} />
      {data ? (
        <>
          <p>
            Kieskring {data.kieskring.number} {data.kieskring.name}: {data.municipalities.length} gemeenten, waarvan{' '}
            {withKey} met een geïmporteerde publieke sleutel.
          </p>
          <table>
            <caption className="sr-only">Gemeenten in kieskring {data.kieskring.name}</caption>
            <thead>
              <tr>
                {can('keys.import') ? <th scope="col">Menu</th> : null}
                <th scope="col">Code</th>
                <th scope="col">Gemeente</th>
                <th scope="col">Publieke sleutel</th>
              </tr>
            </thead>
            <tbody>
              {data.municipalities.map((m) => (
                <tr key={m.code} data-code={m.code}>
                  {can('keys.import') ? (
                    <td>
                      <a
                        className="button secondary small"
                        href={href(`/verkiezing/stemgebieden/${encodeURIComponent(m.code)}/publieke-sleutel`)}
                        aria-label={`Importeren publieke sleutel ${m.name}`}
                      >
                        Importeren publieke sleutel
                      </a>
                    </td>
                  ) : null}
                  <td className="num">{m.code}</td>
                  <td>{m.name}</td>
                  <td>
                    <KeyStatus fingerprint={m.key?.fingerprint ?? null} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {can('phase.change') ? <ApproveKeyReplacement municipalities={data.municipalities} /> : null}
        </>
      ) : null}
    </>
  );
}

/**
 * After phase 1 the beheerder replaces a municipality's key only after the election leader confirmed
 * the new key here: its fingerprint (as the beheerder's screen shows it) and a reason; used once.
 */
function ApproveKeyReplacement({ municipalities }: { municipalities: RegionsData['municipalities'] }) {
  const withKey = municipalities.filter((m) => m.key !== null);
  const [code, setCode] = useState(withKey[0]?.code ?? '');
  const [fingerprint, setFingerprint] = useState('');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (withKey.length === 0) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await api.post(path('/api/election/regions/:code/key/approve-replace', { code }), { fingerprint, reason });
    setBusy(false);
    if (!r.ok) return setError(r);
    setDone(`Bevestigd: de beheerder kan de sleutel van ${withKey.find((m) => m.code === code)?.name ?? code} nu vervangen door de sleutel met vingerafdruk ${r.value.fingerprint}.`);
    setFingerprint('');
    setReason('');
  }

  return (
    <section aria-labelledby="approve-key-title">
      <h2 id="approve-key-title">Vervangen publieke sleutel bevestigen</h2>
      <p>
        Na fase 1 vervangt de beheerder de publieke sleutel van een gemeente alleen nadat u de nieuwe sleutel hebt bevestigd. Neem de
        vingerafdruk over die het scherm van de beheerder toont en geef de reden op; dit wordt vastgelegd in het auditlog.
      </p>
      {done ? <Notice>{done}</Notice> : null}
      <ErrorMessage error={error} />
      <form onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor="approve-key-code">Gemeente</label>
          <select id="approve-key-code" value={code} onChange={(e) => setCode(e.target.value)}>
            {withKey.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name} ({m.code})
              </option>
            ))}
          </select>
        </div>
        <TextField label="Vingerafdruk van de nieuwe sleutel" value={fingerprint} onChange={setFingerprint} required />
        <TextField label="Reden" value={reason} onChange={setReason} required />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Bevestigen
          </button>
        </div>
      </form>
    </section>
  );
}

export function shortFingerprint(fp: string): string {
  const clean = fp.replace(/[^0-9A-Fa-f]/g, '').toUpperCase();
  return clean.length > 16 ? `${clean.slice(0, 8)}…${clean.slice(-8)}` : fp;
}

/** Whether a public key is imported, with its (shortened) fingerprint. */
export function KeyStatus({ fingerprint }: { fingerprint: string | null }) {
  return fingerprint !== null ? (
    <span className="status ok">
      Geïmporteerd · <span className="mono">{shortFingerprint(fingerprint)}</span>
    </span>
  ) : (
    <span className="status none">Geen sleutel</span>
  );
}

/**
 * A previewed public key (a municipality's or a hoofdstembureau's): its facts, `children` (a notice),
 * why it cannot be imported (or, importable, what to note), and Terug / Importeren; without a
 * preview the way back to the stemgebieden.
 */
export function KeyPreviewDetails({
  preview,
  forWhom,
  busy,
  onImport,
  children,
}: {
  preview: Pick<KeyPreview, 'commonName' | 'locality' | 'subject' | 'fingerprint' | 'notBefore' | 'notAfter' | 'importable' | 'reasons'> | null;
  /** 'deze gemeente', 'dit hoofdstembureau'. */
  forWhom: string;
  busy: boolean;
  onImport: () => void;
  children?: ReactNode;
}) {
  if (!preview) {
    return (
      <div className="actions">
        <button type="button" className="secondary" onClick={() => navigate('/verkiezing/stemgebieden')}>
          Terug naar stemgebieden
        </button>
      </div>
    );
  }
  return (
    <section aria-label="Gegevens van de sleutel">
      <Facts
        rows={[
          ['Naam (CN)', preview.commonName],
          ['Plaats (L)', preview.locality],
          ['Onderwerp (subject)', <span className="mono">{preview.subject}</span>],
          ['Vingerafdruk (SHA-256)', <span className="mono fingerprint">{preview.fingerprint}</span>],
          ['Geldig van', formatDate(preview.notBefore)],
          ['Geldig tot', formatDate(preview.notAfter)],
        ]}
      />
      {children}
      {preview.reasons.length > 0 ? (
        <div className={`message ${preview.importable ? 'info' : 'error'}`} id="key-reasons">
          <p>{preview.importable ? 'Let op:' : `Deze sleutel kan niet worden geïmporteerd voor ${forWhom}:`}</p>
          <ul>
            {preview.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="actions">
        <button type="button" className="secondary" onClick={() => navigate('/verkiezing/stemgebieden')}>
          Terug
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || !preview.importable}
          aria-describedby={preview.reasons.length > 0 ? 'key-reasons' : undefined}
          onClick={onImport}
        >
          Importeren
        </button>
      </div>
    </section>
  );
}

/** "Importeren publieke sleutel" for one municipality. */
export function ImportRegionKey({ code }: { code: string }) {
  const { can } = useApp();
  const [regions, loadError, reload] = useLoad(() => api.get('/api/election/regions'));
  const [preview, setPreview] = useState<KeyPreview | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [imported, setImported] = useState<KeyInfo | null>(null);
  const [fileKey, setFileKey] = useState(0);
  const [confirm, dialog] = useConfirm();
  const municipality = regions?.municipalities.find((m) => m.code === code) ?? null;

  async function onFile(file: File) {
    setError(null);
    setPreview(null);
    setImported(null);
    setBusy(true);
    const r = await api.upload(path('/api/election/regions/:code/key/preview', { code }), file);
    setBusy(false);
    if (!r.ok) {
      setError(r);
      setFileKey((k) => k + 1);
    } else setPreview(r.value);
  }

  async function doImport() {
    // A key that cannot be imported has no upload (its button is disabled).
    if (!preview || !municipality || preview.uploadId === null) return;
    const { uploadId } = preview;
    const replace = municipality.key !== null;
    if (replace) {
      const yes = await confirm({
        title: 'Publieke sleutel vervangen',
        body: (
          <>
            <p>
              Voor {municipality.name} is al een publieke sleutel geïmporteerd (vingerafdruk{' '}
              <span className="mono">{municipality.key!.fingerprint}</span>).
            </p>
            <p>
              Wilt u deze vervangen door de nieuwe sleutel (vingerafdruk{' '}
              <span className="mono">{preview.fingerprint}</span>)? Dit wordt vastgelegd in het auditlog.
            </p>
          </>
        ),
        confirmLabel: 'Vervangen',
        danger: true,
      });
      if (!yes) return;
    }
    setBusy(true);
    setError(null);
    const r = await api.post(path('/api/election/regions/:code/key/confirm', { code }), {
      uploadId,
      replace,
    });
    setBusy(false);
    if (!r.ok) return setError(r);
    setImported(r.value.key);
    setPreview(null);
    setFileKey((k) => k + 1);
    reload();
  }

  const title = `Importeren publieke sleutel${municipality ? ` ${municipality.name}` : ''}`;
  if (!can('keys.import')) {
    return (
      <>
        <PageTitle>{title}</PageTitle>
        <ErrorMessage error="U hebt met uw rol geen toegang tot dit scherm." />
      </>
    );
  }
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <ErrorMessage error={loadError} />
      {regions && !municipality ? <ErrorMessage error={`Gemeente met code ${code} hoort niet bij deze kieskring.`} /> : null}
      {municipality ? (
        <>
          <Facts
            rows={[
              ['Gemeente', `${municipality.name} (code ${municipality.code})`],
              [
                'Huidige sleutel',
                municipality.key ? (
                  <>
                    <span className="mono fingerprint">{municipality.key.fingerprint}</span>, geïmporteerd op{' '}
                    {formatDateTime(municipality.key.importedAt)}
                  </>
                ) : (
                  'Geen sleutel'
                ),
              ],
            ]}
          />
          {imported ? (
            <Notice>
              De publieke sleutel van {municipality.name} is geïmporteerd (vingerafdruk{' '}
              <span className="mono">{imported.fingerprint}</span>).
            </Notice>
          ) : null}
          <FileField
            key={fileKey}
            label="Bestand met publieke sleutel"
            accept=".crt,.pem,.cer"
            autoFocus
            disabled={busy}
            onFile={(f) => void onFile(f)}
          />
        </>
      ) : null}
      <ErrorMessage error={error} />
      <KeyPreviewDetails preview={preview} forWhom="deze gemeente" busy={busy} onImport={() => void doImport()}>
        {preview?.replaceNeedsLeader ? (
          <div className="message info" role="status" data-testid="key-needs-leader">
            Fase 1 is voorbij: deze sleutel vervangt de huidige pas nadat de verkiezingsleider de vingerafdruk hierboven heeft
            bevestigd (Tonen stemgebieden &gt; Vervangen publieke sleutel bevestigen).
          </div>
        ) : null}
      </KeyPreviewDetails>
      {dialog}
    </>
  );
}
