import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, startTestServer, userClient, type TestServer } from '../support/server.ts';
import { preparePhase2 } from '../support/counts.ts';

let server: TestServer;
before(async () => {
  server = await startTestServer({ idleTimeoutSeconds: 600 });
  await preparePhase2(server);
});
after(() => server.close());

const POLL = { 'x-uitslag-poll': '1' };

test('automatic refreshes do not keep an unattended session alive', async () => {
  const admin = await adminClient(server);
  const leader = await userClient(server, admin, 'verkiezingsleider', 'leider-poll');
  server.clock.advance(400);
  assert.equal((await leader.request('GET', '/api/counts/status', undefined, POLL)).status, 200);
  assert.equal((await leader.request('GET', '/api/counts/status?projector=1', undefined, POLL)).status, 200);
  server.clock.advance(250);
  const r = await leader.get('/api/election');
  assert.equal(r.status, 401, 'polls are not activity, also not with ?projector=1 for a leader');
  assert.equal(r.json.error.code, 'session.expired');
});

test('the read-only projector screen stays logged in; the same user without projector mode times out', async () => {
  const admin = await adminClient(server);
  const viewer = await userClient(server, admin, 'alleen_lezen', 'kijker-poll');
  for (let i = 0; i < 4; i++) {
    server.clock.advance(400);
    assert.equal((await viewer.request('GET', '/api/counts/status?projector=1', undefined, POLL)).status, 200, `poll ${i}`);
  }
  server.clock.advance(400);
  assert.equal((await viewer.request('GET', '/api/counts/status', undefined, POLL)).status, 200);
  server.clock.advance(250);
  assert.equal((await viewer.request('GET', '/api/counts/status', undefined, POLL)).status, 401);
});

test('the projector screen does not expire: still alive after 13 h of projector polls; other requests of that session end at 12 h', async () => {
  const admin = await adminClient(server);
  const viewer = await userClient(server, admin, 'alleen_lezen', 'kijker-projector');
  const steps = Math.ceil((13 * 3600) / 300);
  for (let i = 0; i < steps; i++) {
    server.clock.advance(300);
    const r = await viewer.request('GET', '/api/counts/status?projector=1', undefined, POLL);
    assert.equal(r.status, 200, `projector poll after ${((i + 1) * 300) / 3600} h: ${r.text}`);
  }
  // The same session used for anything else is past its 12 h: ended.
  const other = await viewer.request('GET', '/api/counts/status', undefined, POLL);
  assert.equal(other.status, 401);
  assert.equal(other.json.error.code, 'session.expired');
  assert.equal((await viewer.request('GET', '/api/counts/status?projector=1', undefined, POLL)).status, 401, 'the ended session stays ended');
});

test('a session without the projector still ends at 12 h, also when active; a leader polling ?projector=1 too', async () => {
  const admin = await adminClient(server);
  const viewer = await userClient(server, admin, 'alleen_lezen', 'kijker-12u');
  const leader = await userClient(server, admin, 'verkiezingsleider', 'leider-12u');
  let t = 0;
  while (t + 300 < 12 * 3600) {
    server.clock.advance(300);
    t += 300;
    assert.equal((await viewer.get('/api/counts/status')).status, 200, `viewer at ${t / 3600} h`);
    assert.equal((await leader.get('/api/counts/status')).status, 200, `leader at ${t / 3600} h`);
  }
  server.clock.advance(600); // now 12 h 5 min after the login
  const v = await viewer.get('/api/counts/status');
  assert.equal(v.status, 401, 'viewer past 12 h');
  assert.equal(v.json.error.code, 'session.expired');
  const l = await leader.request('GET', '/api/counts/status?projector=1', undefined, POLL);
  assert.equal(l.status, 401, 'a leader is not exempt, not even with ?projector=1');
});
