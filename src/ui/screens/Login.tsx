import { useContext, useEffect, useState, type FormEvent } from 'react';
import { checkPasswordPolicy, MIN_PASSWORD_LENGTH } from '../../domain/passwords.ts';
import { api, type ApiFailure } from '../api.ts';
import { AppContext, ErrorMessage, Notice, PageTitle, TextField, setDocumentTitle } from '../components.tsx';
import { navigate } from '../router.ts';

export function Login(props: { message: string | null; onLoggedIn: () => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDocumentTitle('Inloggen'), []);

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
          <TextField
            id="login-username"
            label="Gebruikersnaam"
            autoFocus
            autoComplete="username"
            value={username}
            onChange={setUsername}
            required
          />
          <TextField
            id="login-password"
            label="Wachtwoord"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
            required
          />
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
  useEffect(() => {
    if (props.forced) setDocumentTitle('Nieuw wachtwoord instellen');
  }, [props.forced]);

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
    if (!props.forced && next === current) {
      setError('Het nieuwe wachtwoord moet anders zijn dan het huidige wachtwoord.');
      return;
    }
    setBusy(true);
    // The forced change comes right after login: the password just typed is not asked again.
    const r = await api.post('/api/password', props.forced ? { newPassword: next } : { currentPassword: current, newPassword: next });
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
        {props.forced ? null : (
          <TextField
            id="pw-current"
            label="Huidig wachtwoord"
            type="password"
            autoFocus
            autoComplete="current-password"
            value={current}
            onChange={setCurrent}
            required
          />
        )}
        <TextField
          id="pw-new"
          label="Nieuw wachtwoord"
          type="password"
          autoFocus={props.forced}
          autoComplete="new-password"
          describedBy="password-policy"
          value={next}
          onChange={setNext}
          required
        />
        <TextField
          id="pw-repeat"
          label="Herhaal nieuw wachtwoord"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={setRepeat}
          required
        />
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
