import { useMemo, useState, type FormEvent } from 'react';
import { api, type ApiFailure, type DefinitionPreview } from '../api.ts';
import { ErrorMessage, Facts, FileField, HashCode, PageTitle, formatDate, showToast, useApp, useConfirm } from '../components.tsx';
import { href, navigate } from '../router.ts';
import { municipalityLabel, stemgebiedLabel } from '../stemgebied.ts';

/** The chosen stemgebied as a select value: 'K5' (kieskring 5), 'G34' (municipality 34) or 'S1' (the STAAT: the CSB). */
type Choice = { category: 'KIESKRING' | 'GEMEENTE' | 'STAAT'; number: number | string };
function parseChoice(value: string): Choice | null {
  const m = /^([KGS])(.+)$/.exec(value);
  if (!m) return null;
  return { category: m[1] === 'K' ? 'KIESKRING' : m[1] === 'S' ? 'STAAT' : 'GEMEENTE', number: m[2]! };
}

const fold = (t: string) => t.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/**
 * "Aanmaken verkiezing": upload the 110a, check its hash code, choose the stemgebied, import.
 * The stemgebied decides what this installation is: a kieskring (the hoofdstembureau) or a
 * municipality (the gemeente, which enters its polling stations).
 */
export function CreateElection() {
  const { election, refreshElection, can } = useApp();
  const [preview, setPreview] = useState<DefinitionPreview | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [hashConfirmed, setHashConfirmed] = useState(false);
  const [kieskring, setKieskring] = useState('');
  const [filter, setFilter] = useState('');
  const [fileKey, setFileKey] = useState(0);
  const [practice, setPractice] = useState(false);
  const [confirm, dialog] = useConfirm();
  const practiceOnly = election?.practiceOnly === true;

  async function onFile(file: File) {
    setError(null);
    setPreview(null);
    setHashConfirmed(false);
    setKieskring('');
    setFilter('');
    setBusy(true);
    const r = await api.upload('/api/election/definition/preview', file);
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
            De huidige verkiezingsdefinitie ({current.name}, {stemgebiedLabel(current.stemgebied)}) wordt vervangen door{' '}
            {preview.name}. Dit wordt vastgelegd in het auditlog.
          </p>
        ),
        confirmLabel: 'Vervangen',
        danger: true,
      });
      if (!yes) return;
    }
    setBusy(true);
    setError(null);
    const choice = parseChoice(kieskring);
    if (!choice) return;
    const number =
      choice.category === 'KIESKRING'
        ? (preview.kieskringen.find((k) => String(k.number) === String(choice.number))?.number ?? choice.number)
        : (preview.municipalities?.find((m) => String(m.number) === String(choice.number))?.number ?? choice.number);
    const r = await api.post('/api/election/definition/confirm', {
      uploadId: preview.uploadId,
      hashConfirmed: true,
      ...(choice.category === 'KIESKRING' ? { kieskring: Number(number) } : { stemgebied: { category: choice.category, number: Number(number) } }),
      practice: practice || practiceOnly,
    });
    setBusy(false);
    if (!r.ok) return setError(r);
    const made = r.value.election;
    if (made) {
      showToast(
        'success',
        `De verkiezing ${made.name} is aangemaakt voor ${stemgebiedLabel(made.stemgebied)}${made.practice ? ' (OEFENING)' : ''}. Importeer nu de kandidatenlijsten.`,
      );
    }
    await refreshElection();
    // Guide step 3 (at the CSB: the lists of every kieskring).
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
          De verkiezing {existing.name} is al aangemaakt voor {stemgebiedLabel(existing.stemgebied)}.
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
          De verkiezing {existing.name} is al aangemaakt voor {stemgebiedLabel(existing.stemgebied)}. Zolang er nog geen kandidatenlijsten en sleutels zijn, kunt u de
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
          <StemgebiedChoice preview={preview} value={kieskring} onChange={setKieskring} filter={filter} onFilter={setFilter} />
          <h2>Oefening of echte verkiezing</h2>
          <div className="field checkbox">
            <input
              id="practice"
              type="checkbox"
              checked={practice || practiceOnly}
              disabled={practiceOnly}
              onChange={(e) => setPractice(e.target.checked)}
              aria-describedby="practice-uitleg"
            />
            <label htmlFor="practice">Oefening (OEFENING): oefenen met de bestanden van deze of een eerdere verkiezing</label>
          </div>
          <p className="hint" id="practice-uitleg">
            {practiceOnly ? 'Dit programma is gestart om te oefenen (serve --oefenen): elke verkiezing is een oefening. ' : null}
            Bij een oefening mag de verkiezing in het verleden liggen en is de eigen sleutel geldig vanaf nu. Elk scherm, elk
            proces-verbaal, de CSV en elke bestandsnaam zijn gemarkeerd met OEFENING, zodat niets uit een oefening kan doorgaan voor
            een echte uitslag.
            {!practice && !practiceOnly && preview.electionDate < new Date().toISOString().slice(0, 10)
              ? ` De verkiezingsdatum (${formatDate(preview.electionDate)}) ligt in het verleden: kies Oefening om met deze bestanden te oefenen.`
              : null}
          </p>
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

/**
 * The stemgebied list: the kieskringen (an HSB installation) and, per kieskring, its municipalities
 * (a gemeente installation), with a search field that narrows the list.
 */
function StemgebiedChoice(props: {
  preview: DefinitionPreview;
  value: string;
  onChange: (v: string) => void;
  filter: string;
  onFilter: (v: string) => void;
}) {
  const { preview, value } = props;
  const municipalities = preview.municipalities ?? [];
  const q = fold(props.filter.trim());
  const hit = (text: string, v: string) => q === '' || fold(text).includes(q) || v === value;
  const groups = useMemo(
    () =>
      preview.kieskringen.map((k) => ({
        kieskring: k,
        municipalities: municipalities.filter((m) => String(m.kieskring) === String(k.number)),
      })),
    [preview.kieskringen, municipalities],
  );
  const kieskringOptions = preview.kieskringen.filter((k) => hit(`Kieskring ${k.number} ${k.name}`, `K${k.number}`));
  const shownGroups = groups
    .map((g) => ({
      ...g,
      municipalities: g.municipalities.filter((m) => hit(`${municipalityLabel(m.code, m.name)} ${m.code} ${g.kieskring.name}`, `G${m.number}`)),
    }))
    .filter((g) => g.municipalities.length > 0);
  const shown = kieskringOptions.length + shownGroups.reduce((n, g) => n + g.municipalities.length, 0);
  const choice = parseChoice(value);
  const chosenMunicipality = choice?.category === 'GEMEENTE' ? municipalities.find((m) => String(m.number) === String(choice.number)) : undefined;
  const chosenKieskring =
    choice?.category === 'KIESKRING'
      ? preview.kieskringen.find((k) => String(k.number) === String(choice.number))
      : chosenMunicipality
        ? preview.kieskringen.find((k) => String(k.number) === String(chosenMunicipality.kieskring))
        : undefined;
  return (
    <section className="stemgebied-choice">
      <h2>Kieskring of gemeente</h2>
      <p id="stemgebied-uitleg">
        Kies de kieskring als dit programma voor het hoofdstembureau is, of uw gemeente als dit programma voor de gemeente is.
        {municipalities.length > 0
          ? ' Een gemeente voert de uitslagen van haar stembureaus in; het hoofdstembureau voert de totalen van de gemeenten in de kieskring in.'
          : null}
      </p>
      {municipalities.length > 0 ? (
        <div className="field">
          <label htmlFor="stemgebied-zoeken">Zoek een kieskring of gemeente</label>
          <input
            id="stemgebied-zoeken"
            type="search"
            value={props.filter}
            placeholder="Bijvoorbeeld Almere of Lelystad"
            autoComplete="off"
            onChange={(e) => props.onFilter(e.target.value)}
          />
          <p className="hint" aria-live="polite">
            {q === '' ? `${preview.kieskringen.length} kieskringen en ${municipalities.length} gemeenten` : `${shown} gevonden`}
          </p>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="stemgebied">Stemgebied</label>
        <select
          id="stemgebied"
          value={value}
          onChange={(e) => props.onChange(e.target.value)}
          required
          aria-describedby="stemgebied-uitleg"
        >
          <option value="">— kies een stemgebied —</option>
          {preview.staat && hit(`${preview.staat.name} centraal stembureau`, `S${preview.staat.number}`) ? (
            <optgroup label="Centraal stembureau">
              <option value={`S${preview.staat.number}`}>{preview.staat.name}, centraal stembureau</option>
            </optgroup>
          ) : null}
          {kieskringOptions.length > 0 ? (
            <optgroup label="Kieskringen (hoofdstembureau)">
              {kieskringOptions.map((k) => (
                <option key={`K${k.number}`} value={`K${k.number}`}>
                  Kieskring {k.number} {k.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {shownGroups.map((g) => (
            <optgroup key={`G${g.kieskring.number}`} label={`Gemeenten in kieskring ${g.kieskring.number} ${g.kieskring.name}`}>
              {g.municipalities.map((m) => (
                <option key={`G${m.number}`} value={`G${m.number}`}>
                  {municipalityLabel(m.code, m.name)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      {choice ? (
        <div className="message info" role="status" data-testid="stemgebied-keuze">
          {choice.category === 'STAAT' && preview.staat ? (
            <>
              Dit programma wordt de installatie van het <strong>centraal stembureau</strong> ({preview.staat.name}). U importeert de
              kandidatenlijsten van alle {preview.kieskringen.length} kieskringen en de tellingbestanden van de hoofdstembureaus, en stelt de
              uitslag vast.
            </>
          ) : chosenMunicipality ? (
            <>
              Dit programma wordt de installatie van <strong>{municipalityLabel(chosenMunicipality.code, chosenMunicipality.name)}</strong>{' '}
              (code {chosenMunicipality.code}). U voert de uitslagen van de stembureaus in en maakt het tellingbestand voor het
              hoofdstembureau{chosenKieskring ? ` van kieskring ${chosenKieskring.number} ${chosenKieskring.name}` : ''}. Daarna importeert u
              de kandidatenlijsten van die kieskring.
            </>
          ) : chosenKieskring ? (
            <>
              Dit programma wordt de installatie van <strong>Hoofdstembureau {chosenKieskring.name}</strong> (kieskring{' '}
              {chosenKieskring.number}). U voert de totalen van de gemeenten in de kieskring in of importeert hun tellingbestanden.
            </>
          ) : null}
        </div>
      ) : null}
    </section>
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
