import { useState, type FormEvent, type RefObject } from 'react';
import { api, type CandidateListsPreview } from '../api.ts';
import { ErrorMessage, Facts, FileField, HashCodeCheck, PageTitle, useApp, useConfirm } from '../components.tsx';
import { href, navigate } from '../router.ts';
import { ImportActions, uploadDiscarded, useImport, type HashGroups } from '../upload.tsx';
import { NotAllowed } from './CreateElection.tsx';

/**
 * An uploaded file of candidate lists (EML 230b) to confirm: the file, its kieskring, the numbers of
 * lists and candidates, and its hash code to check against the one the Kiesraad published.
 */
export function CandidateListsCheck(props: {
  preview: { fileName: string; contestName: string; lists: number; candidates: number; maskedHash: string; hiddenGroups: [number, number] };
  kieskring: string | number;
  hashInput: { values: HashGroups; onChange: (v: HashGroups) => void; firstRef: RefObject<HTMLInputElement | null> };
}) {
  const { preview } = props;
  return (
    <>
      <Facts
        rows={[
          ['Bestand', preview.fileName],
          ['Kieskring', `${props.kieskring} ${preview.contestName}`],
          ['Aantal lijsten', String(preview.lists)],
          ['Aantal kandidaten', String(preview.candidates)],
        ]}
      />
      <HashCodeCheck
        against="de hashcode die de Kiesraad heeft gepubliceerd"
        masked={preview.maskedHash}
        hidden={preview.hiddenGroups}
        {...props.hashInput}
      />
    </>
  );
}

/**
 * "Importeren kandidatenlijsten": upload the 230b; the hash code is shown with two groups hidden,
 * which the user types from the published hash code. A wrong attempt discards the upload; the
 * same file is then checked again and two new groups are asked.
 */
export function ImportCandidateLists() {
  const { election, refreshElection, can } = useApp();
  const [file, setFile] = useState<File | null>(null);
  const imp = useImport<CandidateListsPreview>();
  const { preview, busy } = imp;
  const sg = election?.election?.stemgebied;
  // A gemeente imports the lists of its kieskring.
  const kieskringName = sg ? (sg.category === 'GEMEENTE' ? sg.kieskring.name : sg.name) : null;
  const [confirm, dialog] = useConfirm();

  async function load(f: File, keepError = false) {
    if (!keepError) imp.setError(null);
    const r = await imp.upload(() => api.upload('/api/election/candidate-lists/preview', f));
    if (!r.ok) {
      imp.setError(r);
      setFile(null);
      imp.resetFile();
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!preview || !file) return;
    const typed = imp.confirmable();
    if (!typed) return;
    const current = election?.election?.candidateLists;
    if (current) {
      const yes = await confirm({
        title: 'Kandidatenlijsten vervangen',
        body: (
          <p>
            De kandidatenlijsten zijn al geïmporteerd ({current.fileName}). Wilt u ze vervangen door{' '}
            {preview.fileName}? Dit wordt vastgelegd in het auditlog.
          </p>
        ),
        confirmLabel: 'Vervangen',
        danger: true,
      });
      if (!yes) return;
    }
    const r = await imp.confirm(() => api.post('/api/election/candidate-lists/confirm', { uploadId: preview.uploadId, groups: typed }));
    if (r.ok) {
      await refreshElection();
      navigate('/verkiezing/publieke-sleutel');
      return;
    }
    imp.setError(r);
    // The server discarded this upload: check the same file again, with two new hidden groups.
    if (uploadDiscarded(r)) await load(file, true);
  }

  if (!can('election.import')) return <NotAllowed />;
  const e = election?.election;
  if (election && !e) {
    return (
      <>
        <PageTitle>Importeren kandidatenlijsten</PageTitle>
        <div className="message info" role="status">
          Importeer eerst de verkiezingsdefinitie via <a href={href('/verkiezing/aanmaken')}>Aanmaken verkiezing</a>.
        </div>
      </>
    );
  }
  if (e?.candidateLists && election?.phase !== 1) {
    return (
      <>
        <PageTitle>Importeren kandidatenlijsten</PageTitle>
        <div className="message info" role="status">
          De kandidatenlijsten zijn al geïmporteerd ({e.candidateLists.lists} lijsten, {e.candidateLists.candidates}{' '}
          kandidaten, bestand {e.candidateLists.fileName}).
        </div>
        <p>
          <a href={href('/verkiezing/kandidatenlijsten')}>Tonen kandidatenlijsten</a>
        </p>
      </>
    );
  }

  return (
    <>
      <PageTitle>Importeren kandidatenlijsten</PageTitle>
      {e?.candidateLists ? (
        <div className="message info" role="status">
          De kandidatenlijsten zijn al geïmporteerd ({e.candidateLists.lists} lijsten, {e.candidateLists.candidates}{' '}
          kandidaten, bestand {e.candidateLists.fileName}). In fase 1 kunt u ze opnieuw importeren; de huidige
          worden dan vervangen.
        </div>
      ) : null}
      <p>
        Kies het kandidatenlijstenbestand (EML 230b) van {kieskringName ? `kieskring ${kieskringName}` : 'uw kieskring'}
        {e?.stemgebied.category === 'GEMEENTE' ? ' (de kieskring van uw gemeente)' : null}
        {e && kieskringName ? (
          <>
            , bijvoorbeeld <code>Kandidatenlijsten_{e.id}_{kieskringName.replace(/ /g, '_')}.eml.xml</code>
          </>
        ) : null}
        .
      </p>
      <FileField
        key={imp.fileKey}
        label="Bestand met kandidatenlijsten"
        accept=".xml,.eml.xml"
        autoFocus
        disabled={busy}
        onFile={(f) => {
          setFile(f);
          void load(f);
        }}
      />
      {busy && !preview ? <p role="status">Bestand wordt gecontroleerd…</p> : null}
      <ErrorMessage error={imp.error} />
      {preview ? (
        <form onSubmit={submit} className="form">
          <CandidateListsCheck preview={preview} kieskring={preview.contestId} hashInput={imp.hashInput} />
          <ImportActions busy={busy} />
        </form>
      ) : null}
      {dialog}
    </>
  );
}
