/**
 * "Stembureaus" (gemeente installation, phase 1): the municipality's polling stations (number,
 * name, postcode), added and edited one by one or imported from a CSV (`nummer;naam;postcode`) or
 * from the Kiesraad's EML 110b (the server recognises the format by the content),
 * and the municipality's number of eligible voters (its Z: the polling-station PVs have none).
 * Changes need election.import (the beheerder) and phase 1; the eligible voters also phase 2.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, path, type ApiFailure, type PollingStation, type PollingStations as Data } from '../api.ts';
import { ErrorMessage, FileField, Notice, PageTitle, formatDateTime, useApp, useConfirm, useLoad } from '../components.tsx';
import { href } from '../router.ts';
import { isGemeente, municipalityLabel } from '../stemgebied.ts';

const nl = new Intl.NumberFormat('nl-NL');

/** A refusal with the server's line errors (a refused CSV or 110b), one line each. */
function LineErrors({ error }: { error: ApiFailure | null }) {
  if (!error) return null;
  return (
    <div className="message error" role="alert" data-testid="csv-errors">
      <p>
        {error.lines && error.lines.length > 0
          ? `Het bestand is niet geïmporteerd: ${error.lines.length === 1 ? 'er is 1 fout' : `er zijn ${error.lines.length} fouten`}. Verbeter het bestand en importeer het opnieuw.`
          : error.message}
      </p>
      {error.lines && error.lines.length > 0 ? (
        <ul>
          {error.lines.map((l, i) => (
            <li key={`${l.line}.${i}`} data-line={l.line}>
              Regel {l.line}: {l.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function PollingStations() {
  const { can, election } = useApp();
  const gemeente = isGemeente(election?.election);
  const [data, loadError, reload] = useLoad(
    () => (gemeente ? api.get('/api/polling-stations') : Promise.resolve({ ok: true as const, value: null })),
    [gemeente],
  );
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<PollingStation | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [confirm, dialog] = useConfirm();
  const mayChange = can('election.import');

  function done(text: string) {
    setError(null);
    setNotice(text);
    reload();
  }

  async function remove(p: PollingStation) {
    setError(null);
    setNotice(null);
    const yes = await confirm({
      title: 'Stembureau verwijderen',
      body: (
        <p>
          Weet u zeker dat u stembureau {p.number} <strong>{p.name}</strong>
          {p.postcode ? ` (postcode ${p.postcode})` : ''} wilt verwijderen? Dit wordt vastgelegd in het auditlog.
        </p>
      ),
      confirmLabel: 'Verwijderen',
      danger: true,
    });
    if (!yes) return;
    const r = await api.post(path('/api/polling-stations/:number/delete', { number: p.number }));
    if (!r.ok) return setError(r);
    if (editing?.number === p.number) setEditing(null);
    done(`Stembureau ${p.number} ${p.name} is verwijderd.`);
  }

  if (election && !gemeente) {
    return (
      <>
        <PageTitle>Stembureaus</PageTitle>
        <div className="message info" role="status">
          Stembureaus worden ingevoerd in de installatie van een gemeente. Deze installatie is van een hoofdstembureau.
        </div>
      </>
    );
  }
  const editable = data?.editable === true && mayChange;
  return (
    <>
      <PageTitle>Stembureaus</PageTitle>
      <ErrorMessage error={loadError} />
      {data ? (
        <>
          <p>
            De stembureaus van {municipalityLabel(data.gemeente.code, data.gemeente.name)} (code {data.gemeente.code}). Van elk stembureau
            worden in de steminvoer fase de aantallen van het proces-verbaal twee keer ingevoerd.
          </p>
          {!data.editable ? (
            <div className="message info" role="status">
              Stembureaus toevoegen, wijzigen en verwijderen kan alleen in fase 1 (Instellen verkiezingsgegevens).
            </div>
          ) : !mayChange ? (
            <p className="hint">Alleen een beheerder kan stembureaus toevoegen, wijzigen of verwijderen.</p>
          ) : null}
          <EligibleVoters data={data} mayChange={mayChange} onSaved={done} />
          <h2>Stembureaus ({data.pollingStations.length})</h2>
          {notice ? <Notice>{notice}</Notice> : null}
          <ErrorMessage error={error} />
          {data.pollingStations.length === 0 ? (
            <p data-testid="no-stations">Er zijn nog geen stembureaus. Voeg ze hieronder toe of importeer een CSV-bestand of een EML 110b.</p>
          ) : (
            <table className="stations">
              <caption className="sr-only">Stembureaus van {data.gemeente.name}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    Nr.
                  </th>
                  <th scope="col">Naam</th>
                  <th scope="col">Postcode</th>
                  <th scope="col">Steminvoer</th>
                  {editable ? <th scope="col">Menu</th> : null}
                </tr>
              </thead>
              <tbody>
                {data.pollingStations.map((p) => (
                  <tr key={p.number} data-number={p.number} aria-current={editing?.number === p.number ? 'true' : undefined}>
                    <td className="num">{p.number}</td>
                    <td>{p.name}</td>
                    <td className="nowrap">{p.postcode ?? '—'}</td>
                    <td>
                      {p.hasEntries ? (
                        <a href={href(`/steminvoer/stembureau/${encodeURIComponent(p.code)}`)}>Invoer aanwezig</a>
                      ) : (
                        <span className="hint">Geen invoer</span>
                      )}
                    </td>
                    {editable ? (
                      <td>
                        <div className="row-actions">
                          <button
                            type="button"
                            className="secondary small"
                            aria-label={`Wijzigen stembureau ${p.number}`}
                            onClick={() => {
                              setNotice(null);
                              setError(null);
                              setEditing(p);
                            }}
                          >
                            Wijzigen
                          </button>
                          <button
                            type="button"
                            className="secondary small"
                            aria-label={`Verwijderen stembureau ${p.number}`}
                            disabled={p.hasEntries}
                            title={p.hasEntries ? 'Een stembureau met steminvoer kan niet worden verwijderd.' : undefined}
                            onClick={() => void remove(p)}
                          >
                            Verwijderen
                          </button>
                        </div>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {editable ? (
            <>
              <StationForm
                key={editing ? `edit-${editing.number}` : `add-${formKey}`}
                station={editing}
                next={data.pollingStations.reduce((n, p) => Math.max(n, p.number), 0) + 1}
                onCancel={() => setEditing(null)}
                onSaved={(text) => {
                  setEditing(null);
                  setFormKey((k) => k + 1);
                  done(text);
                }}
              />
              <ImportCsv
                existing={data.pollingStations.length}
                onImported={(n) => {
                  setEditing(null);
                  done(`${n === 1 ? 'Eén stembureau is' : `${n} stembureaus zijn`} geïmporteerd.`);
                }}
              />
            </>
          ) : null}
        </>
      ) : !loadError ? (
        <p>Laden…</p>
      ) : null}
      {dialog}
    </>
  );
}

/** "Aantal kiesgerechtigden van de gemeente": phases 1 and 2, by the beheerder. */
function EligibleVoters(props: { data: Data; mayChange: boolean; onSaved: (text: string) => void }) {
  const { data } = props;
  const [value, setValue] = useState(data.eligibleVoters ? String(data.eligibleVoters.count) : '');
  const [error, setError] = useState<ApiFailure | string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setValue(data.eligibleVoters ? String(data.eligibleVoters.count) : '');
  }, [data.eligibleVoters]);
  const editable = props.mayChange && data.phase < 3;

  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const clean = value.replace(/[\s.]/g, '');
    if (!/^\d{1,9}$/.test(clean)) return setError('Vul het aantal kiesgerechtigden in als een heel getal (alleen cijfers).');
    setBusy(true);
    const r = await api.put('/api/election/eligible-voters', { count: Number(clean) });
    setBusy(false);
    if (!r.ok) return setError(r);
    props.onSaved(`Het aantal kiesgerechtigden van de gemeente is opgeslagen: ${nl.format(r.value.eligibleVoters.count)}.`);
  }

  return (
    <section>
      <h2>Kiesgerechtigden</h2>
      <p className="hint">
        Het aantal kiesgerechtigden staat niet op de processen-verbaal van de stembureaus; het geldt voor de hele gemeente.
      </p>
      {editable ? (
        <form className="form" onSubmit={(e) => void save(e)}>
          <ErrorMessage error={error} />
          <div className="field">
            <label htmlFor="kiesgerechtigden">Aantal kiesgerechtigden van de gemeente</label>
            <input
              id="kiesgerechtigden"
              inputMode="numeric"
              autoComplete="off"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              aria-describedby="kiesgerechtigden-status"
            />
            <span className="hint" id="kiesgerechtigden-status" data-testid="eligible-status">
              {data.eligibleVoters
                ? `Opgeslagen: ${nl.format(data.eligibleVoters.count)} (${formatDateTime(data.eligibleVoters.updatedAt)})`
                : 'Nog niet ingevuld'}
            </span>
          </div>
          <div className="actions left">
            <button type="submit" className="primary" disabled={busy}>
              Opslaan kiesgerechtigden
            </button>
          </div>
        </form>
      ) : (
        <p data-testid="eligible-status">
          {data.eligibleVoters ? <strong>{nl.format(data.eligibleVoters.count)}</strong> : 'Nog niet ingevuld'}
        </p>
      )}
    </section>
  );
}

/** Add a polling station, or edit one (a new number renumbers it). */
function StationForm(props: {
  station: PollingStation | null;
  next: number;
  onCancel: () => void;
  onSaved: (text: string) => void;
}) {
  const { station } = props;
  const [number, setNumber] = useState(station ? String(station.number) : String(props.next));
  const [name, setName] = useState(station?.name ?? '');
  const [postcode, setPostcode] = useState(station?.postcode ?? '');
  const [error, setError] = useState<ApiFailure | string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const numberTouched = useRef(false);
  useEffect(() => {
    if (station) nameRef.current?.focus();
  }, [station]);
  // A new station: propose the next free number (the list may arrive after the form).
  useEffect(() => {
    if (!station && !numberTouched.current) setNumber(String(props.next));
  }, [station, props.next]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!/^\d{1,5}$/.test(number.trim())) return setError('Het nummer van een stembureau is een heel getal van 1 tot en met 99999.');
    const body = { number: Number(number.trim()), name, postcode: postcode.trim() === '' ? null : postcode };
    setBusy(true);
    const r = station
      ? await api.put(path('/api/polling-stations/:number', { number: station.number }), body)
      : await api.post('/api/polling-stations', body);
    setBusy(false);
    if (!r.ok) return setError(r);
    const p = r.value.pollingStation;
    props.onSaved(station ? `Stembureau ${p.number} ${p.name} is gewijzigd.` : `Stembureau ${p.number} ${p.name} is toegevoegd.`);
  }

  return (
    <section>
      <h2 id="stembureau-form-titel">{station ? `Wijzigen stembureau ${station.number}` : 'Stembureau toevoegen'}</h2>
      <form className="form" onSubmit={(e) => void submit(e)} data-testid="station-form">
        <ErrorMessage error={error} />
        <div className="field">
          <label htmlFor="stembureau-nummer">Nummer</label>
          <input
            id="stembureau-nummer"
            inputMode="numeric"
            autoComplete="off"
            value={number}
            disabled={station?.hasEntries}
            onChange={(e) => {
              numberTouched.current = true;
              setNumber(e.target.value);
            }}
          />
          {station?.hasEntries ? <span className="hint">Het nummer kan niet meer wijzigen: er is steminvoer.</span> : null}
        </div>
        <div className="field">
          <label htmlFor="stembureau-naam">Naam</label>
          <input id="stembureau-naam" ref={nameRef} autoComplete="off" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="stembureau-postcode">Postcode (niet verplicht)</label>
          <input
            id="stembureau-postcode"
            autoComplete="off"
            placeholder="1234 AB"
            maxLength={20}
            value={postcode}
            onChange={(e) => setPostcode(e.target.value)}
          />
        </div>
        <div className="actions left">
          {station ? (
            <button type="button" className="secondary" onClick={props.onCancel}>
              Annuleren
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={busy}>
            {station ? 'Opslaan wijzigingen' : 'Toevoegen'}
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * Import from a CSV `nummer;naam;postcode` or an EML 110b (.xml) in one control: the server tells them
 * apart by the content (all or nothing; replaces existing stations after a confirmation).
 */
function ImportCsv(props: { existing: number; onImported: (n: number) => void }) {
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const [fileKey, setFileKey] = useState(0);
  const [confirm, dialog] = useConfirm();

  async function onFile(file: File) {
    setError(null);
    let replace = false;
    if (props.existing > 0) {
      const yes = await confirm({
        title: 'Stembureaus vervangen',
        body: (
          <p>
            Er {props.existing === 1 ? 'is al één stembureau' : `zijn al ${props.existing} stembureaus`}. De stembureaus uit{' '}
            <strong>{file.name}</strong> vervangen alle bestaande stembureaus. Dit wordt vastgelegd in het auditlog.
          </p>
        ),
        confirmLabel: 'Vervangen',
        danger: true,
      });
      if (!yes) {
        setFileKey((k) => k + 1);
        return;
      }
      replace = true;
    }
    setBusy(true);
    const r = await api.upload(path('/api/polling-stations/import', {}, { replace: replace ? 'true' : 'false' }), file);
    setBusy(false);
    setFileKey((k) => k + 1);
    if (!r.ok) return setError(r);
    props.onImported(r.value.imported);
  }

  return (
    <section>
      <h2 id="stembureaus-import-titel">Importeren stembureaus (CSV of EML 110b)</h2>
      <p>
        Een CSV-bestand met een kopregel <code>nummer;naam;postcode</code> en daarna één regel per stembureau, gescheiden door een
        puntkomma, bijvoorbeeld <code>1;Stadhuis;1315 HR</code>. De postcode mag leeg blijven. Het hele bestand wordt geïmporteerd
        of, bij een fout, niets.
      </p>
      <p>
        Of het stembureaubestand van de gemeente (EML 110b, <code>.xml</code>): het moet van deze verkiezing en van{' '}
        deze gemeente zijn. Nummer, naam en postcode van elk stembureau worden overgenomen.
      </p>
      <FileField
        key={fileKey}
        label="CSV-bestand met stembureaus of EML 110b"
        accept=".csv,.txt,text/csv,.xml,application/xml,text/xml"
        disabled={busy}
        onFile={(f) => void onFile(f)}
      />
      {busy ? <p role="status">Bestand wordt gecontroleerd…</p> : null}
      <LineErrors error={error} />
      {dialog}
    </section>
  );
}
