import { useEffect, useState, type FormEvent } from 'react';
import { api, path, type ApiFailure, type ImportJob, type ImportPreview } from '../api.ts';
import { AcknowledgeWarnings, ErrorMessage, Facts, FileField, HashCodeCheck, PageTitle, RefusalMessage, showToast, useApp } from '../components.tsx';
import { ImportActions, useImport } from '../upload.tsx';
import { href, navigate } from '../router.ts';
import { NotAllowed } from './CreateElection.tsx';
import { isGemeente } from '../stemgebied.ts';

/**
 * The steps the leader sees, in order: the server's job stages ('queued' while another import is
 * checked first), then 'saving' while the confirm request stores the entry.
 */
type Stage = ImportJob['stage'] | 'saving';
const STAGES: { key: Stage; label: string }[] = [
  { key: 'queued', label: 'Wachten op de controle' },
  { key: 'verifying', label: 'Handtekening controleren' },
  { key: 'reading', label: 'Bestand lezen' },
  { key: 'checking', label: 'Telling controleren' },
  { key: 'saving', label: 'Opslaan' },
];

/** Index of the current step: 'ready' = every check done, 'Opslaan' still to do. */
function stageIndex(stage: Stage, saving: boolean): number {
  if (saving) return STAGES.length - 1;
  if (stage === 'ready') return STAGES.length - 1.5; // every check done, Opslaan still to do
  return STAGES.findIndex((s) => s.key === stage);
}

type Refusal = { code?: string; message: string; detail?: string };

/**
 * "Importeren steminvoer" (guide step 7): the election leader uploads a municipality's signed count
 * file; the server verifies it in the background (progress per stage), then the leader checks the
 * signer and the hash code (typing the two hidden groups) and acknowledges any warnings.
 */
export function CountImport() {
  const { can, election } = useApp();
  const [job, setJob] = useState<{ id: string; state: ImportJob } | null>(null);
  const [refusal, setRefusal] = useState<Refusal | ApiFailure | null>(null);
  // The preview comes with the background job (below), not with the upload's answer.
  const imp = useImport<never>();
  const { busy, focusFirstGroup } = imp;
  const preview: ImportPreview | null = job?.state.stage === 'ready' ? (job.state.preview ?? null) : null;

  // Follow the background job until it is ready or failed: the server answers as soon as it moved on
  // (at most 2 s later), so the outcome shows at once.
  const jobId = job?.id;
  const running = job !== null && job.state.stage !== 'ready' && job.state.stage !== 'failed';
  useEffect(() => {
    if (!jobId || !running) return;
    let live = true;
    void (async () => {
      for (;;) {
        const r = await api.poll(path('/api/counts/import/:jobId', { jobId }, { wait: '1' }));
        if (!live) return;
        if (!r.ok) {
          setRefusal(r);
          setJob(null);
          return;
        }
        setJob({ id: jobId, state: r.value });
        if (r.value.stage === 'failed') setRefusal(r.value.error ?? { message: 'Het bestand is geweigerd.' });
        if (r.value.stage === 'ready') focusFirstGroup();
        if (r.value.stage === 'ready' || r.value.stage === 'failed') return;
      }
    })();
    return () => {
      live = false;
    };
  }, [jobId, running, focusFirstGroup]);

  async function upload(f: File) {
    setRefusal(null);
    imp.setError(null);
    setJob(null);
    imp.clear();
    const r = await api.upload('/api/counts/import', f);
    if (!r.ok) {
      setRefusal(r);
      imp.resetFile();
      return;
    }
    setJob({ id: r.value.jobId, state: { jobId: r.value.jobId, stage: 'queued', progress: 0 } });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!preview) return;
    const typed = imp.confirmable(preview.checks);
    if (!typed) return;
    const { acknowledged } = imp.warningsInput;
    const r = await imp.confirm(() => api.post('/api/counts/import/confirm', { uploadId: preview.uploadId, groups: typed, acknowledged }));
    if (r.ok) {
      showToast('success', `Het tellingbestand van ${preview.municipality.name} is geïmporteerd als eerste invoer.`);
      navigate(`/steminvoer/gemeente/${encodeURIComponent(preview.municipality.code)}`);
      return;
    }
    if (r.code === 'hash.format') {
      imp.setError(r);
      return;
    }
    // The upload is gone (wrong groups or another refusal): start again with the file.
    setRefusal(r);
    setJob(null);
    imp.resetFile();
  }

  if (!can('counts.import')) return <NotAllowed />;
  if (isGemeente(election?.election)) {
    return (
      <>
        <PageTitle>Importeren steminvoer</PageTitle>
        <div className="message info" role="status">
          Importeren steminvoer kan alleen in de installatie van het hoofdstembureau. Een gemeente voert de uitslagen van haar
          stembureaus in en maakt zelf het tellingbestand voor het hoofdstembureau.
        </div>
      </>
    );
  }
  if (election && election.phase !== 2) {
    // Outside phase 2 the server refuses every import: say why and what comes first, in the menu's words.
    return (
      <>
        <PageTitle>Importeren steminvoer</PageTitle>
        <div className="message info" role="status" data-testid="import-not-now">
          {election.election === null ? (
            <p>
              Er is nog geen verkiezing. De beheerder begint met <a href={href('/verkiezing/aanmaken')}>Aanmaken verkiezing</a>.
            </p>
          ) : election.phase === 1 ? (
            <>
              <p>
                Importeren steminvoer kan pas in fase 2 ‘Invoeren stemmen’. De verkiezingsleider activeert die fase onder{' '}
                <a href={href('/verkiezingsproces')}>Fases verkiezingsproces</a> met “Activeren steminvoer fase”.
              </p>
              <p>
                Zorg eerst dat de publieke sleutels van de gemeenten zijn geïmporteerd (
                <a href={href('/verkiezing/stemgebieden')}>Tonen stemgebieden</a> &gt; Importeren publieke sleutel): daarmee wordt de
                handtekening van elk tellingbestand gecontroleerd.
              </p>
            </>
          ) : (
            <p>
              De uitslag is definitief gemaakt (fase 3); er kan niets meer worden geïmporteerd. Moet er toch nog een tellingbestand
              worden geïmporteerd, dan gaat de verkiezingsleider terug naar fase 2 onder{' '}
              <a href={href('/verkiezingsproces')}>Fases verkiezingsproces</a>; de aangemaakte documenten vervallen dan.
            </p>
          )}
        </div>
      </>
    );
  }
  const current = job ? stageIndex(job.state.stage as Stage, busy) : -1;
  return (
    <>
      <PageTitle>Importeren steminvoer</PageTitle>
      <p>
        Kies het tellingbestand van de gemeente (bestandsnaam <code>Telling_{election?.election?.id ?? 'TK2021'}_gemeente_…zip</code>). Het
        programma controleert de handtekening met de geïmporteerde publieke sleutel van de gemeente en daarna de telling.
      </p>
      <FileField key={imp.fileKey} label="Tellingbestand van de gemeente" accept=".zip,.xml" autoFocus disabled={running || busy} onFile={(f) => void upload(f)} />
      {job && (running || preview) ? (
        <div className="import-progress" role="status" aria-live="polite">
          <ol className="stages" style={{ flexWrap: 'wrap' }}>
            {STAGES.map((s, i) => (
              <li key={s.key} data-stage={s.key} data-state={i < current ? 'done' : i === current ? 'current' : 'todo'} className={i < current ? 'done' : i === current ? 'current' : 'todo'}>
                {i + 1}. {s.label}
                {i < current ? ' ✓' : i === current ? '…' : ''}
              </li>
            ))}
          </ol>
          {running ? (
            <div className="progress" role="progressbar" aria-label="Voortgang" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(job.state.progress * 100)}>
              <div className="progress-fill" style={{ width: `${Math.round(job.state.progress * 100)}%` }} />
            </div>
          ) : null}
        </div>
      ) : null}
      <RefusalMessage error={refusal} />
      {preview ? (
        <form onSubmit={submit} className="form wide">
          <Facts
            rows={[
              ['Bestand', preview.fileName],
              ['Gemeente', `${preview.municipality.name} (${preview.municipality.code})`],
              ['Ondertekend door', preview.signer?.subject ?? 'Geen handtekening'],
              ['Vingerafdruk sleutel', <span className="mono fingerprint">{preview.signer?.fingerprint ?? '—'}</span>],
            ]}
          />
          {preview.embeddedMatchesTrusted === false ? (
            <div className="message info">Het certificaat in het bestand wijkt af van de geïmporteerde publieke sleutel; gecontroleerd is met de geïmporteerde sleutel.</div>
          ) : null}
          <HashCodeCheck
            against="de hashcode op het proces-verbaal van de gemeente"
            masked={preview.maskedHash}
            hidden={preview.hiddenGroups}
            {...imp.hashInput}
          />
          <AcknowledgeWarnings checks={preview.checks} {...imp.warningsInput} />
          <ErrorMessage error={imp.error} />
          <ImportActions busy={busy} />
        </form>
      ) : null}
    </>
  );
}
