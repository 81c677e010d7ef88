/**
 * A session's last-seen time is kept in memory and written to the database at most every
 * LAST_SEEN_WRITE_SECONDS (issue 13: one commit with fsync less per request); the idle timeout still
 * counts from the last request, also between writes.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { DB_FILE } from '../../src/server/main.ts';
import { LAST_SEEN_WRITE_SECONDS } from '../../src/server/sessions.ts';
import { adminClient, startTestServer, type TestServer } from '../support/server.ts';

describe('session last-seen time', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ idleTimeoutSeconds: 600 });
  });
  after(() => server.close());

  const stored = (): string[] => {
    const db = new Database(path.join(server.dataDir, DB_FILE), { readonly: true });
    try {
      return (db.prepare('SELECT last_seen_at FROM sessions ORDER BY created_at').all() as { last_seen_at: string }[]).map((r) => r.last_seen_at);
    } finally {
      db.close();
    }
  };

  test('written at most every 30 s; the idle timeout counts from the last request in memory', async () => {
    assert.equal(LAST_SEEN_WRITE_SECONDS, 30);
    const admin = await adminClient(server);
    assert.equal((await admin.get('/api/election')).status, 200);
    const written = stored().at(-1) ?? assert.fail('no last-seen time stored');
    // Requests within 30 s of the last write leave the stored time as it is.
    server.clock.advance(10);
    assert.equal((await admin.get('/api/election')).status, 200);
    server.clock.advance(10);
    assert.equal((await admin.get('/api/election')).status, 200);
    const lastRequest = server.clock.now().toISOString();
    assert.equal(stored().at(-1), written);
    assert.notEqual(lastRequest, written);
    // 595 s after the last request (615 s after the stored time): still logged in, idle time from memory.
    server.clock.advance(595);
    const s = await admin.get('/api/session');
    assert.equal(s.status, 200, s.text);
    assert.ok(s.json.idleSecondsLeft >= 4 && s.json.idleSecondsLeft <= 5, String(s.json.idleSecondsLeft));
    // A request more than 30 s after the last write writes the time.
    assert.equal((await admin.get('/api/election')).status, 200);
    assert.ok(Date.parse(stored().at(-1) ?? '') >= Date.parse(lastRequest) + 595_000, `${stored().at(-1)} not written`);
    // And the timeout itself still ends the session.
    server.clock.advance(601);
    const expired = await admin.get('/api/election');
    assert.equal(expired.status, 401);
    assert.equal(expired.json.error.code, 'session.expired');
  });
});
