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
