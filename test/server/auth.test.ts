import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { scryptHasher, type PasswordHasher } from '../../src/server/password-hash.ts';
import {
  ADMIN_INITIAL_PASSWORD,
  ADMIN_PASSWORD,
  ApiClient,
  USER_PASSWORD,
  adminClient,
  startTestServer,
  userClient,
  type TestServer,
} from '../support/server.ts';

/** A scrypt hasher that counts verify calls (to show unknown users cost a scrypt run as well). */
function countingHasher(): PasswordHasher & { verifies: number } {
  const inner = scryptHasher({ N: 1024, r: 8, p: 1 });
  const h = {
    verifies: 0,
    hash: (p: string) => inner.hash(p),
    verify: (p: string, s: string) => {
      h.verifies++;
      return inner.verify(p, s);
    },
  };
  return h;
}

describe('first login and passwords', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('admin must change the initial password before anything else', async () => {
    const c = new ApiClient(server.url);
    const r = await c.login('admin', ADMIN_INITIAL_PASSWORD);
    assert.equal(r.status, 200);
    assert.equal(r.json.user.mustChangePassword, true);
    assert.equal(r.json.user.role, 'beheerder');
    const setCookie = r.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /uitslag_sessie=/);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\//);
    assert.doesNotMatch(setCookie, /Secure/);

    const blocked = await c.get('/api/users');
    assert.equal(blocked.status, 403);
    assert.equal(blocked.json.error.code, 'password.change_required');
    assert.equal((await c.get('/api/election')).json.error.code, 'password.change_required');
    assert.equal((await c.get('/api/session')).status, 200);

    // Policy: 12 characters, not the user name, not the same as before.
    const short = await c.post('/api/password', { currentPassword: ADMIN_INITIAL_PASSWORD, newPassword: 'kort' });
    assert.equal(short.status, 422);
    assert.equal(short.json.error.code, 'password.policy');
    assert.match(short.json.error.message, /12 tekens/);
    const sameAsName = await c.post('/api/password', { currentPassword: ADMIN_INITIAL_PASSWORD, newPassword: 'ADMIN' });
    assert.equal(sameAsName.status, 422);
    const wrongCurrent = await c.post('/api/password', { currentPassword: 'fout-fout-fout', newPassword: ADMIN_PASSWORD });
    assert.equal(wrongCurrent.status, 422);
    assert.equal(wrongCurrent.json.error.code, 'password.wrong');
    const ok = await c.post('/api/password', { currentPassword: ADMIN_INITIAL_PASSWORD, newPassword: ADMIN_PASSWORD });
    assert.equal(ok.status, 200, ok.text);
    server.adminReady = true;
    assert.equal((await c.get('/api/users')).status, 200);
    // The old password no longer works; the new one does.
    assert.equal((await new ApiClient(server.url).login('admin', ADMIN_INITIAL_PASSWORD)).status, 401);
    assert.equal((await new ApiClient(server.url).login('admin', ADMIN_PASSWORD)).status, 200);
  });

  test('users: create (policy, duplicates), reset password forces change and ends sessions', async () => {
    const admin = await adminClient(server);
    const weak = await admin.post('/api/users', { username: 'jan', fullName: 'Jan', role: 'invoer', initialPassword: 'jan' });
    assert.equal(weak.status, 422);
    const badName = await admin.post('/api/users', { username: 'j n', fullName: 'Jan', role: 'invoer', initialPassword: USER_PASSWORD });
    assert.equal(badName.status, 400);
    const badRole = await admin.post('/api/users', { username: 'jan', fullName: 'Jan', role: 'koning', initialPassword: USER_PASSWORD });
    assert.equal(badRole.status, 400);
    assert.match(badRole.json.error.message, /Ongeldige invoer/);

    const jan = await userClient(server, admin, 'invoer', 'jan');
    const dup = await admin.post('/api/users', { username: 'JAN', fullName: 'Jan 2', role: 'invoer', initialPassword: USER_PASSWORD });
    assert.equal(dup.status, 409);
    const janId = (await jan.get('/api/session')).json.user.id;

    const reset = await admin.post(`/api/users/${janId}/reset-password`, { initialPassword: 'nieuw-startwachtwoord' });
    assert.equal(reset.status, 200);
    assert.equal(reset.json.user.mustChangePassword, true);
    assert.equal((await jan.get('/api/session')).status, 401, 'sessions end on reset');
    const again = new ApiClient(server.url);
    assert.equal((await again.login('jan', 'nieuw-startwachtwoord')).status, 200);
    assert.equal((await again.get('/api/election')).json.error.code, 'password.change_required');
    // The forced change right after login does not ask again for the password just typed, but the
    // new one must differ from it.
    const same = await again.post('/api/password', { newPassword: 'nieuw-startwachtwoord' });
    assert.equal(same.status, 422);
    assert.equal(same.json.error.code, 'password.policy');
    const changed = await again.post('/api/password', { newPassword: 'een-eigen-wachtwoord-van-jan' });
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await again.get('/api/election')).status, 200);
    // Once changed, a voluntary change needs the current password again.
    const without = await again.post('/api/password', { newPassword: 'weer-een-ander-wachtwoord' });
    assert.equal(without.status, 422);
    assert.equal(without.json.error.code, 'password.wrong');
  });

  test('disable ends sessions and blocks login; enable restores; self and last admin cannot be disabled', async () => {
    const admin = await adminClient(server);
    const piet = await userClient(server, admin, 'alleen_lezen', 'piet');
    const pietId = (await piet.get('/api/session')).json.user.id;
    const d = await admin.post(`/api/users/${pietId}/disable`);
    assert.equal(d.status, 200);
    assert.equal(d.json.user.disabled, true);
    assert.equal((await piet.get('/api/election')).status, 401);
    const login = await new ApiClient(server.url).login('piet', USER_PASSWORD + '!');
    assert.equal(login.status, 401);
    assert.equal(login.json.error.code, 'login.failed');
    assert.equal((await admin.post(`/api/users/${pietId}/enable`)).json.user.disabled, false);
    assert.equal((await new ApiClient(server.url).login('piet', USER_PASSWORD + '!')).status, 200);

    const me = (await admin.get('/api/session')).json.user.id;
    const self = await admin.post(`/api/users/${me}/disable`);
    assert.equal(self.status, 409);
    assert.match(self.json.error.message, /eigen account/);
    // A second admin cannot disable the first when the first is the last active one after that.
    const admin2 = await userClient(server, admin, 'beheerder', 'beheerder2');
    const id2 = (await admin2.get('/api/session')).json.user.id;
    assert.equal((await admin2.post(`/api/users/${me}/disable`)).status, 200);
    const last = await admin2.post(`/api/users/${id2}/disable`);
    assert.equal(last.status, 409);
    const fresh = await adminClient(server).catch((e: Error) => e);
    assert.ok(fresh instanceof Error, 'disabled admin cannot log in');
    assert.equal((await admin2.post(`/api/users/${me}/enable`)).status, 200);
    assert.equal((await admin2.post(`/api/users/9999/disable`)).status, 404);
  });

  test('logout deletes the session', async () => {
    const admin = await adminClient(server);
    const cookie = admin.cookie;
    assert.equal((await admin.post('/api/logout')).status, 200);
    const stale = new ApiClient(server.url);
    stale.cookie = cookie;
    assert.equal((await stale.get('/api/session')).status, 401);
  });

  test('CSRF: state-changing requests need JSON/multipart and a matching Origin', async () => {
    const admin = await adminClient(server);
    const form = await admin.request('POST', '/api/logout', undefined, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    const evil = await admin.request('POST', '/api/users', { username: 'evil', fullName: 'E', role: 'beheerder', initialPassword: USER_PASSWORD }, { origin: 'http://evil.example' });
    assert.equal(evil.status, 403);
    assert.equal(evil.json.error.code, 'request.origin');
    const same = await admin.request('POST', '/api/session/extend', {}, { origin: server.url });
    assert.equal(same.status, 200);
  });
});

describe('throttling and timing', () => {
  let server: TestServer;
  let hasher: ReturnType<typeof countingHasher>;
  before(async () => {
    hasher = countingHasher();
    server = await startTestServer({ hasher });
    const admin = await adminClient(server);
    await userClient(server, admin, 'invoer', 'klaas');
  });
  after(() => server.close());

  test('unknown user and wrong password both run scrypt and answer the same', async () => {
    const c = new ApiClient(server.url);
    const before1 = hasher.verifies;
    const unknown = await c.login('niemand', 'een-wachtwoord-12');
    assert.equal(hasher.verifies - before1, 1);
    const before2 = hasher.verifies;
    const wrong = await c.login('klaas', 'een-wachtwoord-12');
    assert.equal(hasher.verifies - before2, 1);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.status, 401);
    assert.deepEqual(unknown.json, wrong.json);
  });

  test('per user: after 4 failures 429 with retryAfterSeconds, even with the right password; other users unaffected', async () => {
    const c = new ApiClient(server.url);
    // One failure above for klaas already; 3 more.
    for (let i = 0; i < 3; i++) assert.equal((await c.login('klaas', 'fout-wachtwoord-' + i)).status, 401);
    const t = await c.login('klaas', USER_PASSWORD + '!');
    assert.equal(t.status, 429);
    assert.equal(t.json.error.code, 'login.throttled');
    assert.ok(t.json.error.retryAfterSeconds > 0 && t.json.error.retryAfterSeconds <= 30);
    // Another user from the same address can still log in.
    assert.equal((await c.login('admin', ADMIN_PASSWORD)).status, 200);
    server.clock.advance(31);
    assert.equal((await c.login('klaas', 'nog-steeds-fout')).status, 401);
    const longer = await c.login('klaas', USER_PASSWORD + '!');
    assert.equal(longer.status, 429);
    assert.ok(longer.json.error.retryAfterSeconds > 30, 'backoff grows');
    server.clock.advance(61);
    assert.equal((await c.login('klaas', USER_PASSWORD + '!')).status, 200);
    const audit = await (await adminClient(server)).get('/api/audit?limit=200');
    const failed = audit.json.records.filter((r: { action: string }) => r.action === 'login.failed');
    assert.ok(failed.some((r: { details: { reason: string } }) => r.details.reason === 'unknown_user'));
    assert.ok(failed.some((r: { details: { reason: string } }) => r.details.reason === 'wrong_password'));
    assert.ok(!JSON.stringify(audit.json).includes('fout-wachtwoord'), 'passwords never logged');
  });

  test('per address: many names from one address get throttled', async () => {
    server.clock.advance(3600);
    const c = new ApiClient(server.url);
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++) status = (await c.login(`onbekend${i}`, 'een-wachtwoord-12')).status;
    assert.equal(status, 429);
    const other = await c.login(`weer-een-ander`, 'een-wachtwoord-12');
    assert.equal(other.status, 429);
  });
});

describe('idle timeout and lifetime', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ idleTimeoutSeconds: 600 });
  });
  after(() => server.close());

  test('the idle timer runs out; GET /api/session does not reset it, other requests do', async () => {
    const admin = await adminClient(server);
    const s = await admin.get('/api/session');
    assert.equal(s.json.idleTimeoutSeconds, 600);
    server.clock.advance(500);
    const left = await admin.get('/api/session');
    assert.ok(left.json.idleSecondsLeft <= 100 && left.json.idleSecondsLeft >= 95, String(left.json.idleSecondsLeft));
    server.clock.advance(90);
    assert.equal((await admin.get('/api/election')).status, 200); // resets
    server.clock.advance(500);
    assert.equal((await admin.get('/api/session')).status, 200);
    assert.equal((await admin.post('/api/session/extend')).json.idleSecondsLeft >= 599, true);
    server.clock.advance(601);
    const expired = await admin.get('/api/election');
    assert.equal(expired.status, 401);
    assert.equal(expired.json.error.code, 'session.expired');
  });

  test('absolute lifetime of 12 hours', async () => {
    const admin = await adminClient(server);
    const started = server.clock.now().getTime();
    for (let i = 0; i < 100; i++) {
      server.clock.advance(500);
      const r = await admin.post('/api/session/extend');
      if (r.status === 401) {
        const hours = (server.clock.now().getTime() - started) / 3600_000;
        assert.ok(hours > 12 && hours < 12.2, `ended after ${hours} h`);
        return;
      }
    }
    assert.fail('session outlived 12 hours');
  });
});
