/**
 * "Definitief maken & PV gebiedsuitslag" (guide step 10): what is still missing per municipality,
 * the free-text parts of the PV ("Gegevens proces-verbaal"), the concept preview, and the button
 * that makes the result final (phase 2 → 3).
 */
import { useEffect, useState, type FormEvent } from 'react';
import {
  api,
  type ApiFailure,
  type MunicipalityReadiness,
  type PvDetails,
} from '../api.ts';
import { LaterSteps } from './Phases.tsx';
import { ErrorMessage, Notice, PageTitle, formatDateTime, useApp, useConfirm, useLoad } from '../components.tsx';
import { href, navigate } from '../router.ts';
import { unitKindOf, unitPath, unitWords } from '../stemgebied.ts';
import { IntegrityAlert } from './CountsStatus.tsx';

export function Finalise() {
  const { can, refreshElection, election } = useApp();
  const words = unitWords(unitKindOf(election?.election));
  const [status, loadError, reload] = useLoad(() => api.get('/api/finalise'));
  const [error, setError] = useState<ApiFailure | null>(null);
  const [missing, setMissing] = useState<MunicipalityReadiness[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, dialog] = useConfirm();

  async function finalise() {
    setError(null);
    setMissing(null);
    const phase = await api.get('/api/phase');
    // For the files after this step only the own key and the PV details matter (the municipalities' keys no longer do).
    const later = phase.ok ? phase.value.laterSteps.filter((t) => t.kind !== 'municipality_keys') : [];
    const yes = await confirm({
      title: 'Definitief maken & PV gebiedsuitslag',
      body: (
        <>
          <p>
            {words.kind === 'stembureau' ? 'Alle stembureaus zijn' : 'Alle gemeentetotalen zijn'} twee keer ingevoerd. Na het definitief maken kan er niets meer worden ingevoerd; daarna maakt u
            de bestanden aan. Doorgaan?
          </p>
          <LaterSteps items={later} />
        </>
      ),
      confirmLabel: 'Definitief maken',
    });
    if (!yes) return;
    setBusy(true);
    const r = await api.post('/api/finalise');
    setBusy(false);
    await refreshElection();
    if (!r.ok) {
      setError(r);
      reload();
      return;
    }
    navigate('/documenten/aanmaken');
  }

  useEffect(() => {
    if (status) setMissing(status.municipalities.filter((m) => !m.complete));
  }, [status]);

  return (
    <>
      <PageTitle>Definitief maken &amp; PV gebiedsuitslag</PageTitle>
      {dialog}
      <ErrorMessage error={loadError} />
      <ErrorMessage error={error} />
      {status && (
        <>
          <IntegrityAlert integrity={status.integrity} />
          <p>
            Afgerond: <strong data-testid="finalise-complete">{status.complete} van {status.total}</strong> {words.many}.
          </p>
          {missing && missing.length > 0 && (
            <div className="message warning" role="status">
              <p>Nog niet afgerond:</p>
              <ul data-testid="finalise-missing">
                {missing.map((m) => (
                  <li key={m.code}>
                    <a href={href(unitPath(m.code))}>
                      {m.name} ({m.code})
                    </a>
                    : {m.missing}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {status.eligibleVotersMissing ? (
            <div className="message warning" role="status" data-testid="eligible-missing">
              Het aantal kiesgerechtigden van de gemeente is nog niet ingevuld. Een beheerder vult het in onder{' '}
              <a href={href('/verkiezing/stembureaus')}>Stembureaus</a>.
            </div>
          ) : null}
          {status.phase === 3 && (
            <Notice>
              De uitslag is definitief gemaakt (fase 3).{' '}
              <a href={href(status.documents ? '/documenten' : '/documenten/aanmaken')}>
                {status.documents ? 'Tonen documentenoverzicht' : 'Aanmaken bestanden na definitief maken'}
              </a>
            </Notice>
          )}
          <PvDetailsForm onSaved={reload} />
          <h2>Concept en definitief maken</h2>
          <p>Concept bekijken (met de afgeronde {words.kind === 'stembureau' ? 'stembureaus' : 'gemeenten'}; niet definitief, niet opgeslagen):</p>
          <p className="button-row">
            <a className="button secondary" href="/api/documents/preview/o3.pdf" download>
              {words.kind === 'stembureau' ? 'Concept proces-verbaal bekijken (PDF)' : 'Concept proces-verbaal O 3 bekijken (PDF)'}
            </a>{' '}
            <a className="button secondary" href="/api/documents/preview/o3.odt" download>
              {words.kind === 'stembureau' ? 'Concept proces-verbaal bekijken (ODT)' : 'Concept proces-verbaal O 3 bekijken (ODT)'}
            </a>{' '}
            <a className="button secondary" href="/api/documents/preview/eml.xml" download>
              {words.kind === 'stembureau' ? 'Concept telbestand EML 510b bekijken' : 'Concept telbestand EML 510c bekijken'}
            </a>{' '}
            <a className="button secondary" href="/api/documents/preview/osv43.csv" download>
              Concept OSV 4-3 Tellingsoverzicht bekijken (CSV)
            </a>
          </p>
          {status.phase === 2 && can('phase.change') && (
            <p>
              <button type="button" className="button primary" disabled={busy || !status.ready} onClick={() => void finalise()}>
                Definitief maken &amp; PV gebiedsuitslag
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}

/** "Gegevens proces-verbaal": session, members present, objections, remarks. */
export function PvDetailsForm({ onSaved }: { onSaved?: () => void }) {
  const { can, election } = useApp();
  const gemeente = election?.election?.stemgebied.category === 'GEMEENTE';
  const [data, loadError, reload] = useLoad(() => api.get('/api/pv-details'));
  const [d, setD] = useState<PvDetails | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (data) setD(structuredClone(data.details));
  }, [data]);
  const editable = can('documents.create') && data?.editable === true;

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!d) return;
    setError(null);
    setNotice(null);
    const body: PvDetails = {
      ...d,
      members: d.members.filter((m) => m.name.trim() !== ''),
      objections: d.objections && d.objections.trim() !== '' ? d.objections : null,
      remarks: d.remarks && d.remarks.trim() !== '' ? d.remarks : null,
    };
    const r = await api.put('/api/pv-details', body);
    if (!r.ok) return setError(r);
    setNotice('De gegevens van het proces-verbaal zijn opgeslagen.');
    reload();
    onSaved?.();
  }

  if (!d) return <ErrorMessage error={loadError} />;
  const set = (f: (x: PvDetails) => void) => {
    const copy = structuredClone(d);
    f(copy);
    setD(copy);
  };
  return (
    <section>
      <h2>Gegevens proces-verbaal</h2>
      {data?.reason && <p className="hint">{data.reason}</p>}
      {data?.updatedAt && <p className="hint">Laatst opgeslagen: {formatDateTime(data.updatedAt)}</p>}
      <ErrorMessage error={error} />
      {notice && <Notice>{notice}</Notice>}
      <form className="pv-form" onSubmit={(e) => void save(e)}>
        <fieldset disabled={!editable}>
          <legend>Zitting</legend>
          <label>
            Plaats
            <input name="place" value={d.session.place} onChange={(e) => set((x) => void (x.session.place = e.target.value))} />
          </label>
          <label>
            Datum
            <input name="date" value={d.session.date} onChange={(e) => set((x) => void (x.session.date = e.target.value))} />
          </label>
          <label>
            Tijd
            <input name="time" value={d.session.time} onChange={(e) => set((x) => void (x.session.time = e.target.value))} />
          </label>
        </fieldset>
        <fieldset disabled={!editable}>
          <legend>Aanwezige leden van het {gemeente ? 'gemeentelijk stembureau' : 'hoofdstembureau'}</legend>
          {d.members.map((m, i) => (
            <div key={i} className="member-row">
              <label>
                Naam
                <input name={`member-${i}-name`} value={m.name} onChange={(e) => set((x) => void (x.members[i]!.name = e.target.value))} />
              </label>
              <label>
                Functie
                <input
                  name={`member-${i}-role`}
                  value={m.role}
                  placeholder="voorzitter / plaatsvervangend voorzitter / lid"
                  onChange={(e) => set((x) => void (x.members[i]!.role = e.target.value))}
                />
              </label>
              <button type="button" className="button secondary small" onClick={() => set((x) => void x.members.splice(i, 1))}>
                Verwijderen
              </button>
            </div>
          ))}
          <button type="button" className="button secondary small" onClick={() => set((x) => void x.members.push({ name: '', role: '' }))}>
            Lid toevoegen
          </button>
        </fieldset>
        <fieldset disabled={!editable}>
          <legend>Bezwaren van aanwezige kiezers</legend>
          <label>
            <input
              type="radio"
              name="objections-kind"
              checked={d.objections === null}
              onChange={() => set((x) => void (x.objections = null))}
            />{' '}
            Geen bezwaren
          </label>
          <label>
            <input
              type="radio"
              name="objections-kind"
              checked={d.objections !== null}
              onChange={() => set((x) => void (x.objections = x.objections ?? ''))}
            />{' '}
            Wel bezwaren (zie bijlage)
          </label>
          {d.objections !== null && (
            <label>
              Tekst van de bezwaren (bijlage)
              <textarea name="objections" rows={5} value={d.objections} onChange={(e) => set((x) => void (x.objections = e.target.value))} />
            </label>
          )}
        </fieldset>
        <fieldset disabled={!editable}>
          <legend>Opmerkingen</legend>
          <label>
            Overige opmerkingen (niet verplicht)
            <textarea name="remarks" rows={3} value={d.remarks ?? ''} onChange={(e) => set((x) => void (x.remarks = e.target.value))} />
          </label>
        </fieldset>
        {editable && (
          <button type="submit" className="button primary">
            Opslaan gegevens proces-verbaal
          </button>
        )}
      </form>
      {data && data.missing.length > 0 && <p className="hint">Nog in te vullen: {data.missing.join(', ')}.</p>}
    </section>
  );
}
