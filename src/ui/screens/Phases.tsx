import { useState } from 'react';
import { api, type ApiFailure, type PhaseInfo, type PhaseOverview } from '../api.ts';
import { ErrorMessage, Notice, PageTitle, useApp, useConfirm, useLoad } from '../components.tsx';
import { isCsb, isGemeente } from '../stemgebied.ts';
import { navigate } from '../router.ts';

const ACTIVATE_LABEL: Record<number, string> = {
  1: 'Terug naar fase Instellen verkiezingsgegevens',
  2: 'Activeren steminvoer fase',
  3: 'Definitief maken & PV gebiedsuitslag',
};

/** The warning in a confirmation: what later steps still need (empty: nothing shown). */
export function LaterSteps({ items }: { items: readonly PhaseOverview['laterSteps'][number][] }) {
  if (items.length === 0) return null;
  return (
    <div className="message warning" data-testid="later-steps">
      <p>Let op, nog nodig voor de volgende stappen:</p>
      <ul>
        {items.map((t) => (
          <li key={t.kind} data-kind={t.kind}>
            {t.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** "Verkiezingsproces": the three phases; the verkiezingsleider moves between them. */
export function Phases() {
  const { can, refreshElection, election } = useApp();
  const gemeente = isGemeente(election?.election);
  const csb = isCsb(election?.election);
  const activateLabel = (n: number) => (csb && n === 3 ? 'Vaststellen uitslag' : ACTIVATE_LABEL[n]);
  const [data, loadError, reload] = useLoad(() => api.get('/api/phase'));
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, dialog] = useConfirm();
  const mayChange = can('phase.change');

  async function activate(p: PhaseInfo) {
    if (!data) return;
    setError(null);
    setNotice(null);
    const back = p.number < data.phase;
    // Fresh: someone may have made the key or filled in the PV meanwhile.
    const fresh = await api.get('/api/phase');
    const later = fresh.ok ? fresh.value.laterSteps : data.laterSteps;
    const yes = await confirm({
      title: activateLabel(p.number) ?? `Fase ${p.number} activeren`,
      body:
        p.number === 2 && !back ? (
          <>
            <p>
              Bevestig dat{' '}
              {gemeente
                ? 'alle stembureaus, het aantal kiesgerechtigden'
                : csb
                  ? 'de publieke sleutels van de hoofdstembureaus'
                  : 'alle stemgebieden (gemeenten)'}
              , partijen
              en kandidatenlijsten goed zijn ingevoerd. Daarna
              kunnen gebruikers met de rol invoer de stemmen invoeren.
            </p>
            <p>Zolang de steminvoer fase actief is, kan een beheerder de verkiezingsgegevens niet meer wijzigen.</p>
            <LaterSteps items={later} />
          </>
        ) : back && data.phase === 3 ? (
          <>
            <p>
              U gaat terug naar fase 2 “{p.label}”. De uitslag is dan niet meer definitief: de aangemaakte documenten (telbestand,
              proces-verbaal, overdrachtsbestanden en CSV) worden <strong>vervallen</strong>. Ze blijven bewaard en zichtbaar in het
              documentenoverzicht, maar zijn niet meer geldig; na opnieuw definitief maken maakt u nieuwe bestanden aan.
            </p>
            <p>Weet u het zeker?</p>
          </>
        ) : back ? (
          <p>
            U gaat terug naar fase {p.number} “{p.label}”. Wat in fase {data.phase} is gedaan, kan daardoor ongeldig
            worden. Weet u het zeker?
          </p>
        ) : (
          <>
            <p>
              U activeert fase {p.number} “{p.label}”.
            </p>
            <LaterSteps items={later} />
          </>
        ),
      confirmLabel: activateLabel(p.number) ?? 'Activeren',
      danger: back,
    });
    if (!yes) return;
    setBusy(true);
    const r = await api.post('/api/phase', { target: p.number });
    setBusy(false);
    if (!r.ok) setError(r);
    else {
      setNotice(`Fase ${r.value.phase} “${p.label}” is actief.`);
      // The CSB goes on with Vaststellen uitslag.
      if (csb && r.value.phase === 3) navigate('/verkiezingsproces/vaststellen-uitslag');
    }
    reload();
    await refreshElection();
  }

  return (
    <>
      <PageTitle>Verkiezingsproces</PageTitle>
      <ErrorMessage error={loadError ?? error} />
      {notice ? <Notice>{notice}</Notice> : null}
      {data ? (
        <ol className="phases">
          {data.phases.map((p) => (
            <li key={p.number} className={p.active ? 'phase active' : 'phase'} aria-current={p.active ? 'step' : undefined}>
              <h2>
                Fase {p.number} ‘{p.label}’
              </h2>
              <p className="phase-status">{p.active ? 'Actief' : p.number < data.phase ? 'Afgerond' : 'Nog niet actief'}</p>
              {/* Going forward: the button appears only when the server says the phase may be activated. */}
              {mayChange && !p.active && (p.number < data.phase || p.canActivate) ? (
                <>
                  <button
                    type="button"
                    className={p.number < data.phase ? 'secondary' : 'primary'}
                    disabled={busy || !p.canActivate}
                    aria-describedby={p.reason ? `phase-reason-${p.number}` : undefined}
                    onClick={() => void activate(p)}
                  >
                    {activateLabel(p.number) ?? `Fase ${p.number} activeren`}
                  </button>
                </>
              ) : null}
              {!p.active && !p.canActivate && p.reason ? (
                <p className="hint reason" id={`phase-reason-${p.number}`}>
                  {p.reason}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
      {!mayChange ? <p className="hint">Alleen de verkiezingsleider kan naar een andere fase gaan.</p> : null}
      {dialog}
    </>
  );
}
