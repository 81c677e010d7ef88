/**
 * Issue 9, defects 2 and 3: refused uploads do not stay in memory; staged uploads are capped per
 * user and purged; a malformed multipart body is a 400 with a Dutch message.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import Database from 'better-sqlite3';
import { MAX_STAGED_UPLOADS_PER_USER } from '../../src/server/uploads.ts';
import { preparePhase2, uploadCountZip, type Phase2Setup } from '../support/counts.ts';
import { adminClient, startTestServer, TestClock, type TestServer } from '../support/server.ts';
import { DEFINITION_FILE, tk2021 } from './fixtures.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heldArrayBuffers(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

function stagedUploads(server: TestServer): number {
  const db = new Database(path.join(server.dataDir, 'uitslag.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM uploads').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('refused count files are freed at once (issue 9, defect 2)', () => {
  let server: TestServer;
  let setup: Phase2Setup;
  before(async () => {
    server = await startTestServer();
    setup = await preparePhase2(server);
  });
  after(() => server.close());

  test('five refused 20 MB uploads leave (almost) nothing behind in memory', async () => {
    const junk = Buffer.alloc(20 * 1024 * 1024, 0x41);
    const baseline = heldArrayBuffers();
    for (let i = 0; i < 5; i++) {
      const j = await uploadCountZip(setup.leader, junk, `rommel-${i}.zip`);
      assert.equal(j.json.stage, 'failed', j.text);
      assert.equal(j.json.error.code, 'zip.not-zip');
    }
    const grown = heldArrayBuffers() - baseline;
    assert.ok(grown < 30 * 1024 * 1024, `${Math.round(grown / 1024 / 1024)} MB still held after five refused uploads of 20 MB`);
  });
});

describe('staged 110a/230b uploads are capped per user and purged (issue 9, defect 2)', () => {
  let server: TestServer;
  let clock: TestClock;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uitslag-uploads-'));
  before(async () => {
    clock = new TestClock();
    server = await startTestServer({ clock, dataDir });
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('ten previews of the definition by one user keep at most the cap staged', async () => {
    const admin = await adminClient(server);
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const p = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
      assert.equal(p.status, 200, p.text);
      ids.push(p.json.uploadId);
    }
    assert.equal(stagedUploads(server), MAX_STAGED_UPLOADS_PER_USER);
    // The newest is still usable, the oldest is gone.
    const old = await admin.post('/api/election/definition/confirm', { uploadId: ids[0], hashConfirmed: true, kieskring: 5 });
    assert.equal(old.status, 404);
    assert.equal(old.json.error.code, 'upload.not_found');
  });

  test('expired staged uploads are purged at start, without a new upload', async () => {
    assert.ok(stagedUploads(server) > 0);
    await server.close();
    clock.advance(2 * 3600);
    server = await startTestServer({ clock, dataDir });
    assert.equal(stagedUploads(server), 0);
    server.adminReady = true;
    assert.notEqual((await adminClient(server)).cookie, null, 'the same installation (the changed admin password works)');
  });
});

describe('malformed multipart bodies (issue 9, defect 3)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  for (const [name, contentType, body] of [
    ['wrong boundary', 'multipart/form-data; boundary=yyy', '--zzz\r\nnonsense'],
    ['no boundary', 'multipart/form-data', '--zzz\r\nnonsense'],
    ['truncated part', 'multipart/form-data; boundary=yyy', '--yyy\r\nContent-Disposition: form-data; name="file"; filename="a.xml"\r\n\r\n<abc'],
    ['no part headers', 'multipart/form-data; boundary=yyy', '--yyy\r\n\r\nabc\r\n--yyy--\r\n'],
  ] as const) {
    test(`${name}: 400 with a Dutch message`, async () => {
      const admin = await adminClient(server);
      const res = await fetch(server.url + '/api/election/definition/preview', {
        method: 'POST',
        headers: { 'content-type': contentType, cookie: admin.cookie! },
        body,
      });
      const json = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(res.status, 400, JSON.stringify(json));
      assert.match(json.error.code, /^upload\./);
      assert.match(json.error.message, /bestand|upload/i);
    });
  }
});
