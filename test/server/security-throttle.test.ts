/**
 * Issue 9, defects 1, 7 and 8: password throttling that holds under parallel attempts, for the
 * login, POST /api/password and the destroy confirmation; thresholds as docs/api.md says; failed
 * and throttled logins do not grow the audit log without bound; no session extension before the
 * password change.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { importDefinition } from './fixtures.ts';
import { ADMIN_PASSWORD, ApiClient, USER_PASSWORD, adminClient, startTestServer, userClient, type TestServer } from '../support/server.ts';

async function auditCount(admin: ApiClient): Promise<number> {
  const r = await admin.get('/api/audit?limit=1');
  return r.json.records[0].id as number;
}

describe('throttling under parallel attempts (issue 9, defect 1)', () => {
  let server: TestServer;
  let admin: ApiClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    await userClient(server, admin, 'invoer', 'piet');
  });
  after(() => server.close());

  test('30 wrong passwords and the right one for one name at once: only 4 are checked, the rest 429; then the right one is refused', async () => {
    const c = new ApiClient(server.url);
    const burst = Array.from({ length: 30 }, (_, i) => c.login('piet', `fout-wachtwoord-${i}`));
    burst.push(c.login('piet', USER_PASSWORD + '!'));
    const statuses = (await Promise.all(burst)).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length + statuses.filter((s) => s === 200).length, 4, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 27);
    // The right password logs in only when it happens to be among the 4 attempts that are checked
    // (a success clears the name's failures); otherwise the name stays throttled.
    if (!statuses.includes(200)) assert.equal((await c.login('piet', USER_PASSWORD + '!')).status, 429, 'throttled after the burst');
  });

  test('30 names from one address at once: at most 10 get through to the password check', async () => {
    server.clock.advance(3 * 3600);
    const c = new ApiClient(server.url);
    const statuses = (await Promise.all(Array.from({ length: 30 }, (_, i) => c.login(`naam${i}`, 'een-wachtwoord-12')))).map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 401).length, 10, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 429).length, 20);
  });
});

describe('throttling thresholds as documented (issue 9, defect 1)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const admin = await adminClient(server);
    await userClient(server, admin, 'invoer', 'kees');
  });
  after(() => server.close());

  test('per name: after 4 failures the 5th attempt is throttled', async () => {
    const c = new ApiClient(server.url);
    for (let i = 0; i < 4; i++) assert.equal((await c.login('kees', `fout-${i}-wachtwoord`)).status, 401, `attempt ${i + 1}`);
    const fifth = await c.login('kees', USER_PASSWORD + '!');
    assert.equal(fifth.status, 429);
    assert.equal(fifth.headers.get('retry-after'), '30');
  });

  test('per address: after 10 failures the 11th attempt is throttled', async () => {
    server.clock.advance(3 * 3600);
    const c = new ApiClient(server.url);
    for (let i = 0; i < 10; i++) assert.equal((await c.login(`iemand${i}`, 'een-wachtwoord-12')).status, 401, `attempt ${i + 1}`);
    assert.equal((await c.login('nog-iemand', 'een-wachtwoord-12')).status, 429);
  });
});

describe('password change and destroy confirmation are throttled (issue 9, defect 1)', () => {
  let server: TestServer;
  let admin: ApiClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
  });
  after(() => server.close());

  test('POST /api/password: parallel wrong current passwords are throttled, and a right one in the burst too', async () => {
    const u = await userClient(server, admin, 'invoer', 'jan');
    const burst = Array.from({ length: 20 }, (_, i) => u.post('/api/password', { currentPassword: `fout-${i}-wachtwoord`, newPassword: 'een-heel-nieuw-wachtwoord' }));
    burst.push(u.post('/api/password', { currentPassword: USER_PASSWORD + '!', newPassword: 'een-heel-nieuw-wachtwoord' }));
    const rs = await Promise.all(burst);
    const statuses = rs.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 429).length, 17, statuses.join(','));
    assert.equal(rs.find((r) => r.status === 429)!.json.error.code, 'password.throttled');
  });

  test('POST /api/election/destroy: after 4 wrong passwords the confirmation is throttled', async () => {
    server.clock.advance(3 * 3600);
    admin = await adminClient(server);
    await importDefinition(admin);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await admin.post('/api/election/destroy', { confirmation: 'VERNIETIGEN', password: `fout-${i}-wachtwoord` });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [403, 403, 403, 403, 429, 429]);
  });
});

describe('audit log of failed and throttled logins is bounded (issue 9, defect 8)', () => {
  let server: TestServer;
  let admin: ApiClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
  });
  after(() => server.close());

  test('100 attempts without an account add at most the free attempts plus one throttle record', async () => {
    const c = new ApiClient(server.url);
    const before = await auditCount(admin);
    for (let i = 0; i < 100; i++) await c.login(`=bestaat-niet-${i % 7}`, 'een-wachtwoord-12');
    const added = (await auditCount(admin)) - before;
    assert.ok(added <= 12, `${added} audit records for 100 attempts`);
    const records = (await admin.get('/api/audit?limit=20')).json.records as { action: string; details: Record<string, unknown> }[];
    const throttled = records.filter((r) => r.action === 'login.throttled');
    assert.equal(throttled.length, 1);
    // The refusals are counted: the next login of the address carries the count.
    server.clock.advance(3 * 3600);
    assert.equal((await c.login('admin', ADMIN_PASSWORD)).status, 200);
    admin = await adminClient(server);
    const logins = (await admin.get('/api/audit?limit=5')).json.records.filter((r: { action: string }) => r.action === 'login');
    assert.ok(logins.some((r: { details: { refusedWhileThrottled?: number } }) => Number(r.details.refusedWhileThrottled) >= 80), JSON.stringify(logins));
  });
});

describe('session extension during the forced password change (issue 9, defect 7)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('POST /api/session/extend answers 403 password.change_required', async () => {
    const c = new ApiClient(server.url);
    assert.equal((await c.login('admin', server.adminInitialPassword!)).status, 200);
    const r = await c.post('/api/session/extend');
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'password.change_required');
    assert.equal((await c.get('/api/session')).status, 200);
  });
});
