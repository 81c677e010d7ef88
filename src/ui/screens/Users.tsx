import { useState, type FormEvent } from 'react';
import { checkPasswordPolicy, checkUsername, MIN_PASSWORD_LENGTH } from '../../domain/passwords.ts';
import { ROLE_LABELS, ROLES, type Role } from '../../domain/permissions.ts';
import { api, path, type ApiFailure, type User } from '../api.ts';
import { ErrorMessage, Modal, Notice, PageTitle, TextField, useApp, useConfirm, useLoad } from '../components.tsx';
import { href, navigate } from '../router.ts';

export function Users() {
  const { session } = useApp();
  const [data, loadError, reload] = useLoad(() => api.get('/api/users'));
  const [error, setError] = useState<ApiFailure | string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirm, dialog] = useConfirm();
  const [resetFor, setResetFor] = useState<User | null>(null);

  async function toggle(u: User) {
    setError(null);
    setNotice(null);
    const disable = !u.disabled;
    const yes = await confirm({
      title: disable ? 'Gebruiker uitschakelen' : 'Gebruiker inschakelen',
      body: disable ? (
        <p>
          Weet u zeker dat u gebruiker <strong>{u.username}</strong> ({u.fullName}) wilt uitschakelen? Deze gebruiker
          kan dan niet meer inloggen.
        </p>
      ) : (
        <p>
          Weet u zeker dat u gebruiker <strong>{u.username}</strong> ({u.fullName}) weer wilt inschakelen?
        </p>
      ),
      confirmLabel: disable ? 'Uitschakelen' : 'Inschakelen',
      danger: disable,
    });
    if (!yes) return;
    const r = await api.post(disable ? path('/api/users/:id/disable', { id: u.id }) : path('/api/users/:id/enable', { id: u.id }));
    if (!r.ok) setError(r);
    else setNotice(`Gebruiker ${u.username} is ${disable ? 'uitgeschakeld' : 'ingeschakeld'}.`);
    reload();
  }

  return (
    <>
      <PageTitle>Gebruikersbeheer</PageTitle>
      <p>
        <a className="button primary" href={href('/administratie/gebruikers/nieuw')}>
          Aanmaken gebruiker
        </a>
      </p>
      <ErrorMessage error={loadError ?? error} />
      {notice ? <Notice>{notice}</Notice> : null}
      {data ? (
        <table>
          <caption className="sr-only">Gebruikers</caption>
          <thead>
            <tr>
              <th scope="col">Gebruikersnaam</th>
              <th scope="col">Naam</th>
              <th scope="col">Rol</th>
              <th scope="col">Status</th>
              <th scope="col">Acties</th>
            </tr>
          </thead>
          <tbody>
            {data.users.map((u) => (
              <tr key={u.id} data-username={u.username}>
                <td>{u.username}</td>
                <td>{u.fullName}</td>
                <td>{ROLE_LABELS[u.role] ?? u.role}</td>
                <td>
                  {u.disabled ? 'Uitgeschakeld' : 'Actief'}
                  {u.mustChangePassword ? <div className="hint">moet wachtwoord wijzigen</div> : null}
                </td>
                <td className="row-actions">
                  {u.username !== session.user.username ? (
                    <>
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`${u.disabled ? 'Inschakelen' : 'Uitschakelen'} ${u.username}`}
                        onClick={() => void toggle(u)}
                      >
                        {u.disabled ? 'Inschakelen' : 'Uitschakelen'}
                      </button>
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`Wachtwoord opnieuw instellen ${u.username}`}
                        onClick={() => setResetFor(u)}
                      >
                        Wachtwoord opnieuw instellen
                      </button>
                    </>
                  ) : (
                    <span className="hint">(uzelf)</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {resetFor ? (
        <ResetPassword
          user={resetFor}
          onClose={(message) => {
            setResetFor(null);
            if (message) setNotice(message);
            reload();
          }}
        />
      ) : null}
      {dialog}
    </>
  );
}

function ResetPassword(props: { user: User; onClose: (message: string | null) => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiFailure | string | null>(null);
  const u = props.user;
  async function submit(e: FormEvent) {
    e.preventDefault();
    const policy = checkPasswordPolicy(u.username, password);
    if (!policy.ok) {
      setError(policy.message);
      return;
    }
    const r = await api.post(path('/api/users/:id/reset-password', { id: u.id }), { initialPassword: password });
    if (!r.ok) setError(r);
    else props.onClose(`Het wachtwoord van ${u.username} is opnieuw ingesteld. De gebruiker moet het bij de volgende keer inloggen wijzigen.`);
  }
  return (
    <Modal title="Wachtwoord opnieuw instellen" onCancel={() => props.onClose(null)}>
      <form onSubmit={submit}>
        <p>
          U stelt een nieuw initieel wachtwoord in voor <strong>{u.username}</strong> ({u.fullName}). Het huidige
          wachtwoord werkt daarna niet meer; de gebruiker moet bij de volgende keer inloggen een eigen wachtwoord
          kiezen.
        </p>
        <TextField
          id="reset-password"
          label="Nieuw initieel wachtwoord"
          autoFocus
          value={password}
          onChange={setPassword}
          required
          hint={`Minstens ${MIN_PASSWORD_LENGTH} tekens.`}
        />
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" className="secondary" onClick={() => props.onClose(null)}>
            Annuleren
          </button>
          <button type="submit" className="danger">
            Wachtwoord opnieuw instellen
          </button>
        </div>
      </form>
    </Modal>
  );
}

export function CreateUser() {
  const [username, setUsername] = useState('');
  const [fullName, setFullName] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiFailure | string | null>(null);
  const [created, setCreated] = useState<User | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const name = username.trim();
    const check = checkUsername(name);
    if (!check.ok) return setError(check.message);
    if (fullName.trim() === '') return setError('Vul de volledige naam in.');
    if (role === '') return setError('Kies een rol.');
    const policy = checkPasswordPolicy(name, password);
    if (!policy.ok) return setError(policy.message);
    setBusy(true);
    const r = await api.post('/api/users', {
      username: name,
      fullName: fullName.trim(),
      role,
      initialPassword: password,
    });
    setBusy(false);
    if (!r.ok) return setError(r);
    setCreated(r.value.user);
    setUsername('');
    setFullName('');
    setRole('');
    setPassword('');
    document.getElementById('user-username')?.focus();
  }

  return (
    <>
      <PageTitle>Aanmaken gebruiker</PageTitle>
      {created ? (
        <Notice>
          Gebruiker {created.username} ({ROLE_LABELS[created.role]}) is aangemaakt. Geef het initiële wachtwoord
          veilig door; de gebruiker moet het bij de eerste keer inloggen wijzigen.
        </Notice>
      ) : null}
      <form onSubmit={submit} className="form">
        <TextField
          id="user-username"
          label="Gebruikersnaam"
          autoFocus
          value={username}
          onChange={setUsername}
          required
          hint="3 tot 40 tekens: letters, cijfers, punt, streepje of liggend streepje."
        />
        <TextField id="user-fullname" label="Volledige naam" value={fullName} onChange={setFullName} required />
        <div className="field">
          <label htmlFor="user-role">Rol</label>
          <select id="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)} required>
            <option value="">— kies een rol —</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABELS[r]}
              </option>
            ))}
          </select>
        </div>
        <TextField
          id="user-password"
          label="Initieel wachtwoord"
          value={password}
          onChange={setPassword}
          required
          hint={`Minstens ${MIN_PASSWORD_LENGTH} tekens, niet gelijk aan de gebruikersnaam. De gebruiker moet dit wachtwoord bij de eerste keer inloggen wijzigen.`}
        />
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" className="secondary" onClick={() => navigate('/administratie/gebruikers')}>
            Naar gebruikersbeheer
          </button>
          <button type="submit" className="primary" disabled={busy}>
            Aanmaken gebruiker
          </button>
        </div>
      </form>
    </>
  );
}
