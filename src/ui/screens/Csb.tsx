/**
 * The screens of the CSB installation (centraal stembureau, docs/csb.md) where they differ from the
 * HSB's: the candidate lists of every kieskring, the hoofdstembureaus' public keys, importing a
 * kieskring's signed count file, and "Vaststellen uitslag" (the 510d, the 520 and the CSV; a lot
 * when the law leaves a tie). Typed entries, differences and the status overview are the HSB's
 * screens with the kieskringen as units.
 */
import { useState, type FormEvent } from 'react';
import {
  api,
  path,
  type ApiFailure,
  type CsbCountPreview,
  type CsbKeyImported,
  type CsbKeyPreview,
  type CsbKieskring,
  type CsbListsPreview,
  type CsbRequiredLot,
} from '../api.ts';
import {
  AcknowledgeWarnings,
  ErrorMessage,
  Facts,
  FileField,
  HashCodeCheck,
  Notice,
  PageTitle,
  RefusalMessage,
  formatDate,
  formatDateTime,
  showToast,
  useApp,
  useConfirm,
  useLoad,
} from '../components.tsx';
import { href, navigate } from '../router.ts';
import { unitPath } from '../stemgebied.ts';
import { NotAllowed } from './CreateElection.tsx';
import { CandidateListsCheck } from './ImportCandidateLists.tsx';
import { BreakableName, TableHash } from './Documents.tsx';
import { KeyPreviewDetails, KeyStatus } from './Regions.tsx';
import { ImportActions, uploadDiscarded, useImport } from '../upload.tsx';

/** The 20 kieskringen: candidate lists, the HSB's key, and (in phase 2) the state of the entry. */
function KieskringTable({ kieskringen, keyLinks }: { kieskringen: readonly CsbKieskring[]; keyLinks: boolean }) {
  return (
    <table className="status-table" data-testid="csb-kieskringen">
      <caption className="sr-only">Kieskringen</caption>
      <thead>
        <tr>
          {keyLinks ? <th scope="col">Menu</th> : null}
          <th scope="col" className="num">
            Nr.
          </th>
          <th scope="col">Kieskring</th>
          <th scope="col">Kandidatenlijsten</th>
          <th scope="col">Publieke sleutel hoofdstembureau</th>
        </tr>
      </thead>
      <tbody>
        {kieskringen.map((k) => (
          <tr key={k.code} data-code={k.code} data-lists={k.candidateLists ? 'imported' : 'missing'} data-key={k.key ? 'imported' : 'missing'}>
            {keyLinks ? (
              <td>
                <a
                  className="button secondary small"
                  href={href(`/verkiezing/kieskringen/${k.number}/publieke-sleutel`)}
                  aria-label={`Importeren publieke sleutel hoofdstembureau ${k.name}`}
                >
                  Importeren publieke sleutel
                </a>
              </td>
            ) : null}
            <td className="num">{k.number}</td>
            <td>{k.name}</td>
            <td>
              {k.candidateLists ? (
                <span className="status ok" title={k.candidateLists.hash}>
                  Geïmporteerd · {k.candidateLists.fileName}
                </span>
              ) : (
                <span className="status none">Nog niet geïmporteerd</span>
              )}
            </td>
            <td>
              <KeyStatus fingerprint={k.key?.fingerprint ?? null} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * "Importeren kandidatenlijsten" at the CSB: the 230b of every kieskring. Several files may be chosen
 * at once; each is checked by the server and its hash code confirmed (two hidden groups typed from
 * the published code), one after the other. A table shows which kieskringen are imported.
 */
export function CsbCandidateLists() {
  const { can, election } = useApp();
  const [overview, loadError, reload] = useLoad(() => api.get('/api/csb'));
  const [queue, setQueue] = useState<File[]>([]);
  const imp = useImport<CsbListsPreview>();
  const { preview, busy } = imp;
  const [refused, setRefused] = useState<{ fileName: string; message: string }[]>([]);
  const [done, setDone] = useState<string[]>([]);
  const [confirm, dialog] = useConfirm();

  /** Check the first file of the queue; a refused file is listed and the next one is checked. */
  async function next(files: File[], keepError = false) {
    if (!keepError) imp.setError(null);
    imp.clear();
    let rest = files;
    while (rest.length > 0) {
      const [f, ...others] = rest;
      if (!f) break;
      setQueue(rest);
      const r = await imp.upload(() => api.upload('/api/csb/candidate-lists/preview', f));
      if (r.ok) return;
      setRefused((x) => [...x, { fileName: f.name, message: r.message }]);
      rest = others;
    }
    setQueue([]);
    imp.resetFile();
  }

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    const f = queue[0];
    if (!preview || !f) return;
    const typed = imp.confirmable();
    if (!typed) return;
    const current = overview?.kieskringen.find((k) => k.number === preview.kieskring)?.candidateLists;
    if (current) {
      const yes = await confirm({
        title: 'Kandidatenlijsten vervangen',
        body: (
          <p>
            De kandidatenlijsten van kieskring {preview.kieskring} {preview.contestName} zijn al geïmporteerd ({current.fileName}).
            Wilt u ze vervangen door {preview.fileName}? Dit wordt vastgelegd in het auditlog.
          </p>
        ),
        confirmLabel: 'Vervangen',
        danger: true,
      });
      if (!yes) return;
    }
    const r = await imp.confirm(() => api.post('/api/csb/candidate-lists/confirm', { uploadId: preview.uploadId, groups: typed }));
    if (r.ok) {
      setDone((d) => [...d, `${preview.kieskring} ${preview.contestName}`]);
      reload();
      await next(queue.slice(1));
      return;
    }
    imp.setError(r);
    // The server discarded this upload: check the same file again, with two new hidden groups.
    if (uploadDiscarded(r)) await next(queue, true);
  }

  if (!can('election.import')) return <NotAllowed />;
  const phase1 = election?.phase === 1;
  const imported = overview?.kieskringen.filter((k) => k.candidateLists !== null).length ?? 0;
  return (
    <>
      <PageTitle>Importeren kandidatenlijsten</PageTitle>
      <ErrorMessage error={loadError} />
      {overview ? (
        <p data-testid="csb-lists-count">
          Van {imported} van de {overview.kieskringen.length} kieskringen zijn de kandidatenlijsten geïmporteerd.
        </p>
      ) : null}
      {phase1 ? (
        <>
          <p>
            Kies de kandidatenlijstenbestanden (EML 230b) van de kieskringen, bijvoorbeeld{' '}
            <code>Kandidatenlijsten_{election?.election?.id ?? 'TK2021'}_Groningen.eml.xml</code>. U kunt meerdere bestanden tegelijk
            kiezen; van elk bestand bevestigt u de hashcode.
          </p>
          <FileField
            key={imp.fileKey}
            label="Bestanden met kandidatenlijsten"
            accept=".xml,.eml.xml"
            multiple
            autoFocus
            disabled={busy || preview !== null}
            onFile={() => undefined}
            onFiles={(files) => {
              setRefused([]);
              setDone([]);
              void next(files);
            }}
          />
        </>
      ) : (
        <div className="message info" role="status">
          Kandidatenlijsten importeren kan alleen in fase 1 ‘Instellen verkiezingsgegevens’.
        </div>
      )}
      {busy && !preview ? <p role="status">Bestand wordt gecontroleerd…</p> : null}
      {done.length > 0 ? (
        <Notice>
          <span data-testid="csb-lists-done">Geïmporteerd: {done.join(', ')}.</span>
        </Notice>
      ) : null}
      {refused.length > 0 ? (
        <div className="message error" role="alert">
          <p>Niet geïmporteerd:</p>
          <ul>
            {refused.map((x, i) => (
              <li key={i}>
                {x.fileName}: {x.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorMessage error={imp.error} />
      {preview ? (
        <form onSubmit={submit} className="form" data-testid="csb-lists-preview">
          {queue.length > 1 ? <p className="hint">Nog {queue.length - 1} bestand(en) na dit bestand.</p> : null}
          <CandidateListsCheck preview={preview} kieskring={preview.kieskring} hashInput={imp.hashInput} />
          <ImportActions busy={busy}>
            <button type="button" className="secondary" disabled={busy} onClick={() => void next(queue.slice(1))}>
              Overslaan
            </button>
          </ImportActions>
        </form>
      ) : null}
      {overview ? (
        <>
          <h2>Kieskringen</h2>
          <KieskringTable kieskringen={overview.kieskringen} keyLinks={false} />
          <p>
            <a href={href('/verkiezing/stemgebieden')}>Tonen stemgebieden</a>: de publieke sleutels van de hoofdstembureaus.
          </p>
        </>
      ) : null}
      {dialog}
    </>
  );
}

/** "Tonen stemgebieden" at the CSB: the kieskringen, their candidate lists and the hoofdstembureaus' public keys. */
export function CsbKieskringen() {
  const { can } = useApp();
  const [overview, error] = useLoad(() => api.get('/api/csb'));
  const withKey = overview?.kieskringen.filter((k) => k.key !== null).length ?? 0;
  return (
    <>
      <PageTitle>Tonen stemgebieden</PageTitle>
      <ErrorMessage error={error} />
      {overview ? (
        <>
          <p>
            {overview.kieskringen.length} kieskringen, waarvan {withKey} met een geïmporteerde publieke sleutel van het hoofdstembureau.
            Met die sleutel wordt de handtekening van het tellingbestand van de kieskring gecontroleerd; een kieskring zonder
            tellingbestand wordt twee keer ingevoerd.
          </p>
          <KieskringTable kieskringen={overview.kieskringen} keyLinks={can('keys.import')} />
        </>
      ) : null}
    </>
  );
}

/** "Importeren publieke sleutel" of one kieskring's hoofdstembureau (UID=HSB<k>): preview, then import. */
export function CsbKeyImport({ kieskring }: { kieskring: string }) {
  const { can } = useApp();
  const [overview, loadError, reload] = useLoad(() => api.get('/api/csb'));
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsbKeyPreview | null>(null);
  const [imported, setImported] = useState<CsbKeyImported['key'] | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [fileKey, setFileKey] = useState(0);
  const [confirm, dialog] = useConfirm();
  const k = overview?.kieskringen.find((x) => String(x.number) === kieskring);

  async function onFile(f: File) {
    setError(null);
    setPreview(null);
    setImported(null);
    setFile(f);
    setBusy(true);
    const r = await api.upload(path('/api/csb/keys/:kieskring/preview', { kieskring }), f);
    setBusy(false);
    if (!r.ok) {
      setError(r);
      setFileKey((n) => n + 1);
      return;
    }
    setPreview(r.value);
  }

  async function doImport() {
    if (!preview || !file || !k) return;
    if (preview.existingKey && !preview.existingKey.same) {
      const yes = await confirm({
        title: 'Publieke sleutel vervangen',
        body: (
          <p>
            Voor hoofdstembureau {k.name} is al een publieke sleutel geïmporteerd (vingerafdruk{' '}
            <span className="mono">{preview.existingKey.fingerprint}</span>). Wilt u deze vervangen door de nieuwe sleutel
            (vingerafdruk <span className="mono">{preview.fingerprint}</span>)? Dit wordt vastgelegd in het auditlog.
          </p>
        ),
        confirmLabel: 'Vervangen',
        danger: true,
      });
      if (!yes) return;
    }
    setBusy(true);
    setError(null);
    const r = await api.upload(path('/api/csb/keys/:kieskring', { kieskring }), file);
    setBusy(false);
    if (!r.ok) return setError(r);
    setImported(r.value.key);
    setPreview(null);
    setFile(null);
    setFileKey((n) => n + 1);
    reload();
  }

  const title = `Importeren publieke sleutel${k ? ` hoofdstembureau ${k.name}` : ''}`;
  if (!can('keys.import')) return <NotAllowed />;
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <ErrorMessage error={loadError} />
      {overview && !k ? <ErrorMessage error={`Kieskring ${kieskring} komt niet voor in deze verkiezing.`} /> : null}
      {k ? (
        <>
          <Facts
            rows={[
              ['Kieskring', `${k.number} ${k.name}`],
              [
                'Huidige sleutel',
                k.key ? (
                  <>
                    <span className="mono fingerprint">{k.key.fingerprint}</span>, geldig tot {formatDate(k.key.notAfter)}
                  </>
                ) : (
                  'Geen sleutel'
                ),
              ],
            ]}
          />
          {imported ? (
            <Notice>
              <span data-testid="key-imported">
                De publieke sleutel van hoofdstembureau {k.name} is geïmporteerd (vingerafdruk{' '}
                <span className="mono">{imported.fingerprint}</span>).
              </span>
            </Notice>
          ) : null}
          <FileField key={fileKey} label="Bestand met publieke sleutel" accept=".crt,.pem,.cer" autoFocus disabled={busy} onFile={(f) => void onFile(f)} />
        </>
      ) : null}
      <ErrorMessage error={error} />
      <KeyPreviewDetails preview={preview} forWhom="dit hoofdstembureau" busy={busy} onImport={() => void doImport()} />
      {dialog}
    </>
  );
}

/**
 * "Importeren steminvoer" at the CSB: a kieskring's signed count file (Telling_<ID>_kieskring_<naam>.zip,
 * as the hoofdstembureau's program writes it) as first entry. The server checks the signature with the
 * hoofdstembureau's key, the file and its sums; the leader checks the signer and the hash code and
 * acknowledges the warnings.
 */
export function CsbCountImport() {
  const { can, election } = useApp();
  const imp = useImport<CsbCountPreview>();
  const { preview, busy } = imp;
  const [refusal, setRefusal] = useState<ApiFailure | null>(null);

  async function upload(f: File) {
    setRefusal(null);
    imp.setError(null);
    const r = await imp.upload(() => api.upload('/api/csb/counts/import', f));
    if (!r.ok) {
      setRefusal(r);
      imp.resetFile();
    }
  }

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    if (!preview) return;
    const typed = imp.confirmable(preview.checks);
    if (!typed) return;
    const { acknowledged } = imp.warningsInput;
    const r = await imp.confirm(() => api.post('/api/csb/counts/import/confirm', { uploadId: preview.uploadId, groups: typed, acknowledged }));
    if (r.ok) {
      showToast('success', `Het tellingbestand van kieskring ${preview.kieskring.number} ${preview.kieskring.name} is geïmporteerd als eerste invoer.`);
      navigate(unitPath(preview.kieskring.code));
      return;
    }
    if (r.code === 'hash.format') return imp.setError(r);
    // The upload is gone (wrong groups or another refusal): start again with the file.
    setRefusal(r);
    imp.clear();
    imp.resetFile();
  }

  if (!can('counts.import')) return <NotAllowed />;
  if (election && election.phase !== 2) {
    return (
      <>
        <PageTitle>Importeren steminvoer</PageTitle>
        <div className="message info" role="status" data-testid="import-not-now">
          {election.phase === 1 ? (
            <p>
              Importeren steminvoer kan pas in fase 2 ‘Invoeren stemmen’. De verkiezingsleider activeert die fase onder{' '}
              <a href={href('/verkiezingsproces')}>Fases verkiezingsproces</a>. Zorg eerst dat de publieke sleutels van de
              hoofdstembureaus zijn geïmporteerd (<a href={href('/verkiezing/stemgebieden')}>Tonen stemgebieden</a>).
            </p>
          ) : (
            <p>
              De steminvoer is afgesloten (fase 3); er kan niets meer worden geïmporteerd. Moet er toch nog een tellingbestand worden
              geïmporteerd, dan gaat de verkiezingsleider terug naar fase 2 onder{' '}
              <a href={href('/verkiezingsproces')}>Fases verkiezingsproces</a>.
            </p>
          )}
        </div>
      </>
    );
  }
  const errors = preview?.checks.filter((c) => c.severity === 'error') ?? [];
  return (
    <>
      <PageTitle>Importeren steminvoer</PageTitle>
      <p>
        Kies het tellingbestand van de kieskring (bestandsnaam <code>Telling_{election?.election?.id ?? 'TK2021'}_kieskring_…zip</code>).
        Het programma controleert de handtekening met de geïmporteerde publieke sleutel van het hoofdstembureau en daarna de telling.
      </p>
      <FileField key={imp.fileKey} label="Tellingbestand van de kieskring" accept=".zip" autoFocus disabled={busy} onFile={(f) => void upload(f)} />
      {busy && !preview ? <p role="status">Bestand wordt gecontroleerd…</p> : null}
      <RefusalMessage error={refusal} />
      {preview ? (
        <form onSubmit={submit} className="form wide" data-testid="csb-count-preview">
          <Facts
            rows={[
              ['Bestand', preview.fileName],
              ['Kieskring', `${preview.kieskring.number} ${preview.kieskring.name}`],
              ['Telbestand', preview.emlName],
              ['Ondertekend door', preview.signer.subject],
              ['Vingerafdruk sleutel', <span className="mono fingerprint">{preview.signer.fingerprint}</span>],
              ['Gemeenten in het bestand', String(preview.municipalities)],
            ]}
          />
          {!preview.signer.embeddedMatchesTrusted ? (
            <div className="message info">
              Het certificaat in het bestand wijkt af van de geïmporteerde publieke sleutel; gecontroleerd is met de geïmporteerde sleutel.
            </div>
          ) : null}
          <HashCodeCheck
            against="de hashcode op het proces-verbaal van het hoofdstembureau"
            masked={preview.maskedHash}
            hidden={preview.hiddenGroups}
            {...imp.hashInput}
          />
          {errors.length > 0 ? (
            <div className="message error" role="alert">
              <p>Fouten in de telling:</p>
              <ul>
                {errors.map((c) => (
                  <li key={c.code}>
                    <span className="check-code">{c.code}</span> {c.message}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <AcknowledgeWarnings checks={preview.checks} {...imp.warningsInput} />
          <ErrorMessage error={imp.error} />
          <ImportActions busy={busy} />
        </form>
      ) : null}
    </>
  );
}

/**
 * "Vaststellen uitslag" (phase 3): the 510d, the 520 and the CSV of the result from the kieskringen's
 * agreed figures. When the law leaves a tie, the server names the lists or candidates between which
 * lots are drawn; the verkiezingsleider (the chair) enters the drawn outcome, confirms it, and the
 * result is made again.
 */
export function CsbResult() {
  const { can, election } = useApp();
  const phase = election?.phase;
  const [lots, lotsError, reloadLots] = useLoad(() => api.get('/api/csb/lots'), [phase]);
  const [docs, docsError, reloadDocs] = useLoad(() => api.get('/api/documents'), [phase]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const valid = docs?.sets.find((s) => s.status === 'geldig') ?? null;
  const mayCreate = can('documents.create');

  async function create() {
    setBusy(true);
    setError(null);
    const r = await api.post('/api/csb/documents');
    setBusy(false);
    if (r.ok) {
      showToast('success', 'De uitslag is vastgesteld; de bestanden zijn aangemaakt.');
      reloadDocs();
      reloadLots();
      return;
    }
    // A lot is needed (csb.lots): GET /api/csb/lots names it in words.
    if (r.code !== 'csb.lots') setError(r);
    reloadLots();
  }

  const kindLabel = new Map(docs?.kinds.map((k) => [k.kind, k.label]) ?? []);
  return (
    <>
      <PageTitle>Vaststellen uitslag</PageTitle>
      <ErrorMessage error={lotsError ?? docsError ?? error} />
      {phase !== undefined && phase !== 3 ? (
        <div className="message info" role="status">
          De uitslag vaststellen kan nadat alle kieskringen twee keer zijn ingevoerd en de verkiezingsleider fase 3 heeft geactiveerd
          onder <a href={href('/verkiezingsproces')}>Fases verkiezingsproces</a>.
        </div>
      ) : null}
      <p>
        Met “Vaststellen uitslag” worden uit de vastgestelde uitkomsten van de kieskringen in één keer aangemaakt: de totaaltelling
        (EML 510d), de zetelverdeling en de gekozen kandidaten (EML 520) en de uitslag als CSV-bestand.
      </p>
      {lots?.required ? (
        <RequiredLot
          key={`${lots.required.kind}.${lots.required.listNumber ?? ''}.${lots.required.stage}.${lots.required.between.join('|')}`}
          lot={lots.required}
          mayEnter={mayCreate}
          onEntered={() => void create()}
        />
      ) : null}
      {phase === 3 && !valid && mayCreate ? (
        <div className="actions">
          <button type="button" className="primary" disabled={busy} onClick={() => void create()}>
            Vaststellen uitslag
          </button>
        </div>
      ) : null}
      {busy ? <p role="status">De uitslag wordt berekend…</p> : null}
      {valid ? (
        <section data-testid="csb-documents">
          <Notice>
            <span data-testid="documents-created">De uitslag is vastgesteld op {formatDateTime(valid.createdAt)}.</span>{' '}
            <a href={href('/documenten')}>Tonen documentenoverzicht</a>
          </Notice>
          <h2>Bestanden</h2>
          <table className="documents">
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Bestand</th>
                <th scope="col">Hashcode (SHA-256)</th>
              </tr>
            </thead>
            <tbody>
              {valid.documents.map((d) => (
                <tr key={d.id} data-kind={d.kind}>
                  <td>{kindLabel.get(d.kind) ?? d.label}</td>
                  <td className="file">
                    <a href={`/api/documents/${d.id}/download`} download>
                      <BreakableName name={d.fileName} />
                    </a>
                  </td>
                  <td>
                    <TableHash hash={d.hash} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
      {lots && lots.entered.length > 0 ? (
        <section>
          <h2>Ingevoerde lotingen</h2>
          <table data-testid="csb-lots-entered">
            <thead>
              <tr>
                <th scope="col">Loting</th>
                <th scope="col">Tussen</th>
                <th scope="col">Aangewezen</th>
                <th scope="col">Ingevoerd</th>
              </tr>
            </thead>
            <tbody>
              {lots.entered.map((l, i) => (
                <tr key={i}>
                  <td>{l.kind === 'seats' ? 'Zetelverdeling' : `Binnen lijst ${l.listNumber ?? ''}`}</td>
                  <td>{l.between.join('; ')}</td>
                  <td>{l.drawn.join('; ')}</td>
                  <td>
                    {formatDateTime(l.enteredAt)}
                    {l.enteredBy ? ` door ${l.enteredBy}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}

/** The lot the result needs now: between whom, how many; the chair enters whom the lot designated. */
function RequiredLot({ lot, mayEnter, onEntered }: { lot: CsbRequiredLot; mayEnter: boolean; onEntered: () => void }) {
  const [drawn, setDrawn] = useState<string[]>([]);
  const [error, setError] = useState<ApiFailure | string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, dialog] = useConfirm();
  const labelOf = (v: string) => lot.options.find((o) => o.value === v)?.label ?? v;
  const what = lot.kind === 'seats' ? (lot.seats === 1 ? 'lijst' : 'lijsten') : lot.seats === 1 ? 'lijst of kandidaat' : 'lijsten of kandidaten';

  async function submit(ev: FormEvent) {
    ev.preventDefault();
    if (drawn.length !== lot.seats) return setError(`Kies precies ${lot.seats} ${what}: zo veel wijst de loting aan.`);
    const yes = await confirm({
      title: 'Uitkomst loting invoeren',
      body: (
        <>
          <p>De loting heeft aangewezen:</p>
          <ul>
            {drawn.map((d) => (
              <li key={d}>{labelOf(d)}</li>
            ))}
          </ul>
          <p>Dit wordt vastgelegd in het auditlog. Klopt dit met de uitkomst van de loting?</p>
        </>
      ),
      confirmLabel: 'Uitkomst invoeren',
    });
    if (!yes) return;
    setBusy(true);
    setError(null);
    const r = await api.post('/api/csb/lots', {
      kind: lot.kind,
      listNumber: lot.listNumber,
      stage: lot.stage,
      between: lot.between,
      drawn,
    });
    setBusy(false);
    if (!r.ok) return setError(r);
    showToast('success', 'De uitkomst van de loting is ingevoerd.');
    setDrawn([]);
    onEntered();
  }

  return (
    <section className="message warning" data-testid="csb-lot" aria-labelledby="lot-title">
      <h2 id="lot-title">Loting nodig</h2>
      <p>{lot.message}</p>
      <p>
        Tussen {lot.between.length === 2 ? 'deze twee' : `deze ${lot.between.length}`}{' '}
        {lot.kind === 'seats' ? 'lijsten' : 'lijsten of kandidaten'} wordt geloot; de loting wijst er {lot.seats} aan.
      </p>
      {mayEnter ? (
        <form onSubmit={submit} className="form">
          <fieldset>
            <legend>Aangewezen door de loting ({lot.seats})</legend>
            {lot.options.map((o, i) => (
              <div className="field checkbox" key={o.value}>
                <input
                  id={`lot-${i}`}
                  type="checkbox"
                  checked={drawn.includes(o.value)}
                  onChange={(e) => setDrawn(e.target.checked ? [...drawn, o.value] : drawn.filter((x) => x !== o.value))}
                />
                <label htmlFor={`lot-${i}`}>{o.label}</label>
              </div>
            ))}
          </fieldset>
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Uitkomst loting invoeren
            </button>
          </div>
        </form>
      ) : (
        <ul>
          {lot.options.map((o) => (
            <li key={o.value}>{o.label}</li>
          ))}
        </ul>
      )}
      {!mayEnter ? <p className="hint">De verkiezingsleider voert de uitkomst van de loting in.</p> : null}
      {dialog}
    </section>
  );
}
