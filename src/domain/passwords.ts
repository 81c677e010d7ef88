import { fail, ok, type Result } from './result.ts';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

/** Password policy (issue 2): at least 12 characters, not the user name. */
export function checkPasswordPolicy(username: string, password: string): Result<true, 'password.policy'> {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    return fail('password.policy', `Het wachtwoord moet minstens ${MIN_PASSWORD_LENGTH} tekens lang zijn.`);
  }
  if ([...password].length > MAX_PASSWORD_LENGTH) {
    return fail('password.policy', `Het wachtwoord mag hoogstens ${MAX_PASSWORD_LENGTH} tekens lang zijn.`);
  }
  if (password.trim().toLowerCase() === username.trim().toLowerCase()) {
    return fail('password.policy', 'Het wachtwoord mag niet gelijk zijn aan de gebruikersnaam.');
  }
  return ok(true);
}

/** User names: 3-40 characters, letters, digits, '.', '-', '_'. */
export function checkUsername(username: string): Result<true, 'username.invalid'> {
  if (!/^[A-Za-z0-9._-]{3,40}$/.test(username)) {
    return fail(
      'username.invalid',
      'Een gebruikersnaam bestaat uit 3 tot 40 tekens: letters, cijfers, punt, streepje of liggend streepje.',
    );
  }
  return ok(true);
}
