import { useContext, useState, type FormEvent } from 'react';
import { checkPasswordPolicy, MIN_PASSWORD_LENGTH } from '../../domain/passwords.ts';
import { api, type ApiFailure } from '../api.ts';
import { AppContext, ErrorMessage, Notice, PageTitle } from '../components.tsx';
import { navigate } from '../router.ts';

export function Login(props: { message: string | null; onLoggedIn: () => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const r = await api.post('/api/login', { username: username.trim(), password });
    setBusy(false);
    if (!r.ok) {
      setError(r);
      return;
    }
    setPassword('');
    await props.onLoggedIn();
  }

  return (
    <div className="center">
      <main className="card narrow" id="main">
        <p className="brand-large">Uitslag</p>
        <h1>Inloggen</h1>
        {props.message ? <div className="message info" role="status">{props.message}</div> : null}
        <form onSubmit={submit}>
          <div className="field">
            <label htmlFor="login-username">Gebruikersnaam</label>
            <input
              id="login-username"
              autoFocus
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
            />
          </div>
          <div className="field">
            <label htmlFor="login-password">Wachtwoord</label>
            <input
              id="login-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
          </div>
          <ErrorMessage error={error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Inloggen
            </button>
          </div>
        </form>
      </main>
    </div>
  );
}

export const PASSWORD_POLICY_TEXT = `Het nieuwe wachtwoord moet minstens ${MIN_PASSWORD_LENGTH} tekens lang zijn en mag niet gelijk zijn aan uw gebruikersnaam. Kies bij voorkeur een zin van een paar woorden.`;

/** Change the own password; `forced` at the first login (then outside the shell). */
export function ChangePassword(
  props:
    | { forced: true; username: string; onChanged: () => Promise<void>; onLogout: () => void }
    | { forced: false },
) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<ApiFailure | string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const app = useContext(AppContext);
  const username = props.forced ? props.username : (app?.session.user.username ?? '');

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (next !== repeat) {
      setError('De twee nieuwe wachtwoorden zijn niet gelijk.');
      return;
    }
    const policy = checkPasswordPolicy(username, next);
    if (!policy.ok) {
      setError(policy.message);
      return;
    }
    if (next === current) {
      setError('Het nieuwe wachtwoord moet anders zijn dan het huidige wachtwoord.');
      return;
    }
    setBusy(true);
    const r = await api.post('/api/password', { currentPassword: current, newPassword: next });
    setBusy(false);
    if (!r.ok) {
      setError(r);
      return;
    }
    setCurrent('');
    setNext('');
    setRepeat('');
    if (props.forced) await props.onChanged();
    else setDone(true);
  }

  const form = (
    <>
      {props.forced ? <h1>Nieuw wachtwoord instellen</h1> : <PageTitle>Wachtwoord wijzigen</PageTitle>}
      {props.forced ? (
        <p>U meldt zich voor het eerst aan of uw wachtwoord is opnieuw ingesteld. Kies nu een eigen wachtwoord.</p>
      ) : null}
      <p className="hint" id="password-policy">
        {PASSWORD_POLICY_TEXT}
      </p>
      {done ? <Notice>Uw wachtwoord is gewijzigd.</Notice> : null}
      <form onSubmit={submit}>
        <div className="field">
          <label htmlFor="pw-current">Huidig wachtwoord</label>
          <input
            id="pw-current"
            type="password"
            autoFocus
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="pw-new">Nieuw wachtwoord</label>
          <input
            id="pw-new"
            type="password"
            autoComplete="new-password"
            aria-describedby="password-policy"
            value={next}
            onChange={(e) => setNext(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="pw-repeat">Herhaal nieuw wachtwoord</label>
          <input
            id="pw-repeat"
            type="password"
            autoComplete="new-password"
            value={repeat}
            onChange={(e) => setRepeat(e.target.value)}
            required
          />
        </div>
        <ErrorMessage error={error} />
        <div className="actions">
          {props.forced ? (
            <button type="button" className="secondary" onClick={props.onLogout}>
              Afmelden
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => navigate('/')}>
              Terug
            </button>
          )}
          <button type="submit" className="primary" disabled={busy}>
            Wachtwoord opslaan
          </button>
        </div>
      </form>
    </>
  );
  if (!props.forced) return form;
  return (
    <div className="center">
      <main className="card narrow" id="main">
        <p className="brand-large">Uitslag</p>
        {form}
      </main>
    </div>
  );
}
