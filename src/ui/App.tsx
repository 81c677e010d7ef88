/**
 * The application shell: session (login, forced password change, idle timeout), menus that show
 * only what the role may do, and the routes of phases 1 and 2.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ROLE_LABELS, type Permission } from '../domain/permissions.ts';
import { api, onApiEvent, type ElectionState, type Session } from './api.ts';
import { AppContext, ErrorMessage, PageTitle, Toasts, type AppContextValue } from './components.tsx';
import { href, match, navigate, useRoute } from './router.ts';
import { ChangePassword, Login } from './screens/Login.tsx';
import { Home } from './screens/Home.tsx';
import { CreateUser, Users } from './screens/Users.tsx';
import { CreateElection } from './screens/CreateElection.tsx';
import { ImportCandidateLists } from './screens/ImportCandidateLists.tsx';
import { OwnKey } from './screens/OwnKey.tsx';
import { ImportRegionKey, Regions } from './screens/Regions.tsx';
import { Candidates, CandidateLists, Parties } from './screens/Lists.tsx';
import { Phases } from './screens/Phases.tsx';
import { AuditLog } from './screens/AuditLog.tsx';
import { CountsStatus, Projector } from './screens/CountsStatus.tsx';
import { CountDetail } from './screens/CountDetail.tsx';
import { CountImport } from './screens/CountImport.tsx';
import { CountEntry } from './screens/CountEntry.tsx';
import { Finalise } from './screens/Finalise.tsx';
import { CreateDocuments, DocumentsOverview, ExportResults } from './screens/Documents.tsx';
import { Archive } from './screens/Archive.tsx';
import { PollingStations } from './screens/PollingStations.tsx';
import { CsbCandidateLists, CsbCountImport, CsbKeyImport, CsbKieskringen, CsbResult } from './screens/Csb.tsx';
import { authorityLabel, installationKindOf, isGemeente, stemgebiedLabel, type InstallationKind } from './stemgebied.ts';

const IDLE_MESSAGE = 'U bent automatisch afgemeld omdat u enige tijd niet actief was. Meld u opnieuw aan.';
const EXPIRED_MESSAGE = 'Uw sessie is verlopen. Meld u opnieuw aan.';

export function App() {
  const [session, setSession] = useState<Session | null | 'loading'>('loading');
  const [loginMessage, setLoginMessage] = useState<string | null>(null);
  const [election, setElection] = useState<ElectionState | null>(null);
  const [deadline, setDeadline] = useState<number | null>(null);
  const sessionRef = useRef(session);
  sessionRef.current = session;

  const applySession = useCallback((s: Session) => {
    setSession(s);
    setDeadline(Date.now() + s.idleSecondsLeft * 1000);
  }, []);

  const loadSession = useCallback(async () => {
    const r = await api.get('/api/session');
    if (r.ok) applySession(r.value);
    else setSession(null);
    return r;
  }, [applySession]);

  const signedOut = useCallback((message: string | null) => {
    setSession(null);
    setElection(null);
    setDeadline(null);
    setLoginMessage(message);
  }, []);

  useEffect(() => {
    onApiEvent((event) => {
      const s = sessionRef.current;
      if (event === 'unauthorized') {
        if (s && s !== 'loading') signedOut(EXPIRED_MESSAGE);
      } else if (event === 'password_change_required') {
        void loadSession();
      } else if (event === 'activity' && s && s !== 'loading') {
        setDeadline(Date.now() + s.idleTimeoutSeconds * 1000);
      }
    });
    void loadSession();
  }, [loadSession, signedOut]);

  const refreshElection = useCallback(async () => {
    const r = await api.get('/api/election');
    if (r.ok) setElection(r.value);
  }, []);

  const loggedIn = session !== null && session !== 'loading' && !session.user.mustChangePassword;
  useEffect(() => {
    if (loggedIn) void refreshElection();
  }, [loggedIn, refreshElection]);

  if (session === 'loading') return <div className="loading">Laden…</div>;
  if (session === null) {
    return (
      <Login
        message={loginMessage}
        onLoggedIn={async () => {
          setLoginMessage(null);
          await loadSession();
        }}
      />
    );
  }
  if (session.user.mustChangePassword) {
    return (
      <ChangePassword
        forced
        username={session.user.username}
        onChanged={async () => {
          await loadSession();
        }}
        onLogout={() => void logout(signedOut)}
      />
    );
  }
  return (
    <Shell
      session={session}
      election={election}
      refreshElection={refreshElection}
      deadline={deadline}
      onExtend={async () => {
        const r = await api.post('/api/session/extend');
        if (r.ok) applySession(r.value);
      }}
      onIdleExpired={async () => {
        const r = await api.get('/api/session');
        if (r.ok) applySession(r.value);
        else signedOut(IDLE_MESSAGE);
      }}
      onLogout={() => void logout(signedOut)}
    />
  );
}

async function logout(signedOut: (m: string | null) => void) {
  await api.post('/api/logout');
  signedOut('U bent afgemeld.');
  navigate('/');
}

interface MenuItem {
  label: string;
  path: string;
  permission: Permission;
  /** Not shown to roles that have this permission (they get another item for the same screen). */
  unless?: Permission;
  /** Only for these kinds of installation: a gemeente (polling stations), an HSB (municipalities), the CSB (kieskringen). */
  only?: readonly InstallationKind[];
}

const MENUS: { title: string; items: MenuItem[] }[] = [
  {
    title: 'Verkiezing',
    items: [
      { label: 'Aanmaken verkiezing', path: '/verkiezing/aanmaken', permission: 'election.import' },
      {
        label: 'Importeren kandidatenlijsten',
        path: '/verkiezing/kandidatenlijsten/importeren',
        permission: 'election.import',
      },
      { label: 'Ophalen (downloaden) publieke sleutel', path: '/verkiezing/publieke-sleutel', permission: 'keys.own' },
      { label: 'Tonen stemgebieden', path: '/verkiezing/stemgebieden', permission: 'election.view' },
      { label: 'Stembureaus', path: '/verkiezing/stembureaus', permission: 'election.view', only: ['gemeente'] },
      // (the CSB's lists are per kieskring: shown under Importeren kandidatenlijsten)
      { label: 'Tonen partijen', path: '/verkiezing/partijen', permission: 'election.view', only: ['gemeente', 'hsb'] },
      { label: 'Tonen kandidatenlijsten', path: '/verkiezing/kandidatenlijsten', permission: 'election.view', only: ['gemeente', 'hsb'] },
    ],
  },
  {
    title: 'Steminvoer',
    items: [
      { label: 'Invoer stemmen', path: '/steminvoer', permission: 'counts.enter' },
      { label: 'Invoeren stemmen status', path: '/steminvoer', permission: 'election.view', unless: 'users.manage' },
      { label: 'Importeren steminvoer', path: '/steminvoer/importeren', permission: 'counts.import', only: ['hsb', 'csb'] },
    ],
  },
  {
    title: 'Verkiezingsproces',
    items: [
      { label: 'Fases verkiezingsproces', path: '/verkiezingsproces', permission: 'election.view' },
      {
        label: 'Definitief maken & PV gebiedsuitslag',
        path: '/verkiezingsproces/definitief-maken',
        permission: 'election.view',
        only: ['gemeente', 'hsb'],
      },
      { label: 'Vaststellen uitslag', path: '/verkiezingsproces/vaststellen-uitslag', permission: 'election.view', only: ['csb'] },
    ],
  },
  {
    title: 'Documenten',
    items: [
      {
        label: 'Aanmaken bestanden na definitief maken',
        path: '/documenten/aanmaken',
        permission: 'documents.create',
        only: ['gemeente', 'hsb'],
      },
      { label: 'Tonen documentenoverzicht', path: '/documenten', permission: 'election.view' },
    ],
  },
  {
    title: 'Resultaten',
    items: [{ label: 'Exporteren resultaat', path: '/resultaten/exporteren', permission: 'election.view', only: ['gemeente', 'hsb'] }],
  },
  {
    title: 'Administratie',
    items: [
      { label: 'Gebruikersbeheer', path: '/administratie/gebruikers', permission: 'users.manage' },
      { label: 'Aanmaken gebruiker', path: '/administratie/gebruikers/nieuw', permission: 'users.manage' },
      { label: 'Auditlog', path: '/administratie/auditlog', permission: 'audit.view' },
      { label: 'Archiveren en vernietigen', path: '/administratie/archief', permission: 'election.archive' },
    ],
  },
];

function Shell(props: {
  session: Session;
  election: ElectionState | null;
  refreshElection: () => Promise<void>;
  deadline: number | null;
  onExtend: () => Promise<void>;
  onIdleExpired: () => Promise<void>;
  onLogout: () => void;
}) {
  const { session, election } = props;
  const path = useRoute();
  const ctx = useMemo<AppContextValue>(
    () => ({
      session,
      can: (p) => session.permissions.includes(p),
      election,
      refreshElection: props.refreshElection,
    }),
    [session, election, props.refreshElection],
  );
  const mainRef = useRef<HTMLElement>(null);
  const { refreshElection } = props;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `path` is the trigger (a new screen), not a value used
  useEffect(() => {
    // Someone else may have moved the phase or imported something: refresh on every new screen.
    void refreshElection();
  }, [path, refreshElection]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `path` is the trigger (a new screen)
  useEffect(() => {
    // A new screen: put the keyboard at its start (the first field, else the title).
    const main = mainRef.current;
    if (!main) return;
    const t = setTimeout(() => {
      if (main.contains(document.activeElement) && document.activeElement !== main) return; // a field has autofocus
      main.querySelector<HTMLElement>('h1')?.focus();
    }, 0);
    return () => clearTimeout(t);
  }, [path]);

  const phase = election?.phase;
  const e = election?.election;
  const gemeente = isGemeente(e);
  const installation = installationKindOf(e);
  const shows = (i: MenuItem) => ctx.can(i.permission) && !(i.unless && ctx.can(i.unless)) && (i.only === undefined || i.only.includes(installation));
  if (path === '/presentatie') {
    // Projector mode: full screen, no menus (the public session).
    return (
      <AppContext.Provider value={ctx}>
        <Projector />
      </AppContext.Provider>
    );
  }
  return (
    <AppContext.Provider value={ctx}>
      <Toasts />
      <a className="skip" href="#main" onClick={(ev) => (ev.preventDefault(), mainRef.current?.focus())}>
        Naar de inhoud
      </a>
      <header className="top">
        <a className="brand" href={href('/')}>
          Uitslag
        </a>
        <div className="context">
          {e ? (
            <>
              <span title={e.name}>{e.name}</span>
              <span className="sep">·</span>
              <span title={stemgebiedLabel(e.stemgebied)} data-testid="stemgebied">
                {gemeente ? authorityLabel(e.stemgebied) : stemgebiedLabel(e.stemgebied)}
              </span>
            </>
          ) : (
            <span>Nog geen verkiezing</span>
          )}
          {/* No phase before an election exists. */}
          {phase && e ? <span className="badge">Fase {phase}</span> : null}
        </div>
        <div className="who">
          <span>
            {session.user.fullName} ({ROLE_LABELS[session.user.role]})
          </span>
          <a href={href('/wachtwoord')}>Wachtwoord wijzigen</a>
          <button type="button" className="secondary small" onClick={props.onLogout}>
            Afmelden
          </button>
        </div>
      </header>
      {e?.practice ? (
        <div className="practice-banner" role="note" data-testid="practice-banner">
          <strong>OEFENING</strong> – dit is een oefening met de bestanden van een verkiezing. Niets wat hier wordt gemaakt is
          een echte uitslag; alle documenten en bestandsnamen zijn gemarkeerd met OEFENING.
        </div>
      ) : null}
      <IdleWarning deadline={props.deadline} onExtend={props.onExtend} onExpired={props.onIdleExpired} />
      <div className="layout">
        <nav aria-label="Hoofdmenu" className="menu">
          {MENUS.map((menu) => {
            const items = menu.items.filter(
              (i, n, all) =>
                shows(i) &&
                // one link per screen
                all.findIndex((j) => j.path === i.path && shows(j)) === n,
            );
            if (items.length === 0) return null;
            return (
              <section key={menu.title}>
                {/* Not a heading: the screen's h1 is the first heading of every page. */}
                <p className="menu-title" id={`menu-${menu.title}`}>
                  {menu.title}
                </p>
                <ul aria-labelledby={`menu-${menu.title}`}>
                  {items.map((i) => (
                    <li key={i.path}>
                      <a href={href(i.path)} aria-current={path === i.path ? 'page' : undefined}>
                        {i.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
        </nav>
        <main id="main" ref={mainRef} tabIndex={-1}>
          <Route path={path} csb={installation === 'csb'} />
        </main>
      </div>
    </AppContext.Provider>
  );
}

/** The screens of the CSB installation (centraal stembureau) where they differ from the HSB's. */
function CsbRoute({ path }: { path: string }): ReactNode {
  let m: Record<string, string> | null;
  if (path === '/verkiezing/kandidatenlijsten/importeren') return <CsbCandidateLists />;
  if (path === '/verkiezing/stemgebieden') return <CsbKieskringen />;
  if ((m = match('/verkiezing/kieskringen/:k/publieke-sleutel', path))) return <CsbKeyImport kieskring={m.k ?? ''} />;
  if (path === '/steminvoer/importeren') return <CsbCountImport />;
  if (path === '/verkiezingsproces/vaststellen-uitslag') return <CsbResult />;
  return null;
}

function Route({ path, csb }: { path: string; csb: boolean }): ReactNode {
  let m: Record<string, string> | null;
  const forCsb = csb ? CsbRoute({ path }) : null;
  if (forCsb) return forCsb;
  if (path === '/') return <Home />;
  if (path === '/wachtwoord') return <ChangePassword forced={false} />;
  if (path === '/verkiezing/aanmaken') return <CreateElection />;
  if (path === '/verkiezing/kandidatenlijsten/importeren') return <ImportCandidateLists />;
  if (path === '/verkiezing/publieke-sleutel') return <OwnKey />;
  if (path === '/verkiezing/stemgebieden') return <Regions />;
  if ((m = match('/verkiezing/stemgebieden/:code/publieke-sleutel', path))) return <ImportRegionKey code={m.code!} />;
  if (path === '/verkiezing/stembureaus') return <PollingStations />;
  if (path === '/verkiezing/partijen') return <Parties />;
  if (path === '/verkiezing/kandidatenlijsten') return <CandidateLists />;
  if ((m = match('/verkiezing/kandidatenlijsten/:n', path))) return <Candidates listNumber={m.n!} />;
  if (path === '/verkiezingsproces') return <Phases />;
  if (path === '/verkiezingsproces/definitief-maken') return <Finalise />;
  if (path === '/documenten/aanmaken') return <CreateDocuments />;
  if (path === '/documenten') return <DocumentsOverview />;
  if (path === '/resultaten/exporteren') return <ExportResults />;
  if (path === '/administratie/archief') return <Archive />;
  if (path === '/steminvoer') return <CountsStatus />;
  if (path === '/steminvoer/importeren') return <CountImport />;
  if ((m = match('/steminvoer/gemeente/:code', path))) return <CountDetail code={m.code!} />;
  if ((m = match('/steminvoer/gemeente/:code/invoer', path))) return <CountEntry code={m.code!} />;
  if ((m = match('/steminvoer/stembureau/:code', path))) return <CountDetail code={m.code!} />;
  if ((m = match('/steminvoer/stembureau/:code/invoer', path))) return <CountEntry code={m.code!} />;
  if ((m = match('/steminvoer/kieskring/:code', path))) return <CountDetail code={m.code ?? ''} />;
  if ((m = match('/steminvoer/kieskring/:code/invoer', path))) return <CountEntry code={m.code ?? ''} />;
  if (path === '/administratie/gebruikers') return <Users />;
  if (path === '/administratie/gebruikers/nieuw') return <CreateUser />;
  if (path === '/administratie/auditlog') return <AuditLog />;
  return (
    <>
      <PageTitle>Pagina niet gevonden</PageTitle>
      <ErrorMessage error="Deze pagina bestaat niet." />
      <p>
        <a href={href('/')}>Naar het overzicht</a>
      </p>
    </>
  );
}

/** Counts down locally from the last activity; one minute before the end, offers to stay signed in. */
function IdleWarning(props: { deadline: number | null; onExtend: () => Promise<void>; onExpired: () => Promise<void> }) {
  const [now, setNow] = useState(() => Date.now());
  const checking = useRef(false);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const left = props.deadline === null ? Infinity : Math.ceil((props.deadline - now) / 1000);
  useEffect(() => {
    if (left <= 0 && !checking.current) {
      checking.current = true;
      void props.onExpired().finally(() => {
        checking.current = false;
      });
    }
  }, [left, props]);
  if (left > 60) return null;
  return (
    <div className="idle" role="alertdialog" aria-labelledby="idle-text">
      <p id="idle-text">
        <strong>U wordt over 1 minuut automatisch afgemeld</strong> omdat u niet actief bent
        {left > 0 ? ` (nog ${left} seconden)` : ''}.
      </p>
      <button type="button" className="primary" onClick={() => void props.onExtend()}>
        Aangemeld blijven
      </button>
    </div>
  );
}
