/**
 * Waiting on a background job (`?wait=1`, src/server/jobWatch.ts): a waiting request is answered when
 * what it waits for has happened, not before and not later than that; with nothing happening, at the
 * limit; and the count-file import's job answers a waiting request when it is ready, with the job held
 * in between by a test hook (the documents' job: test/server/documents*.test.ts, the Documents screen).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { JobWatch } from '../../src/server/jobWatch.ts';
import { build510b, buildSignedCountZip, municipalityCertificate, preparePhase2, testKeyPair, type Phase2Setup } from '../support/counts.ts';
import { ApiClient, startTestServer, USER_PASSWORD, type TestServer } from '../support/server.ts';

describe('JobWatch', () => {
  it('answers at once when the job has already moved on', async () => {
    const w = new JobWatch();
    await w.until(() => true, 60_000);
    assert.equal(w.waiting, 0);
  });

  it('answers after the change that moves the job on, not after changes that do not', async () => {
    const w = new JobWatch();
    let stage = 'reading';
    let answered = false;
    const waiting = w.until(() => stage !== 'reading', 60_000).then(() => (answered = true));
    assert.equal(w.waiting, 1);
    w.changed(); // a change that does not move it on (e.g. progress within the step)
    await Promise.resolve();
    assert.equal(answered, false);
    stage = 'checking';
    w.changed();
    await waiting;
    assert.equal(answered, true);
    assert.equal(w.waiting, 0, 'no waiter left behind');
  });

  it('answers at the limit when nothing happens, and several waiters each once', async () => {
    const w = new JobWatch();
    let n = 0;
    await Promise.all([w.until(() => false, 5).then(() => n++), w.until(() => false, 5).then(() => n++)]);
    assert.equal(n, 2);
    assert.equal(w.waiting, 0);
  });
});

describe('GET /api/counts/import/:jobId?wait=1 over the real server', () => {
  let server: TestServer;
  let s: Phase2Setup;
  /** Holds the job after its file is read (countFileRead) until released. */
  let gate: { reached: () => void; release: Promise<void> } | null = null;
  before(async () => {
    server = await startTestServer({
      testHooks: {
        countFileRead: async () => {
          const g = gate;
          if (!g) return;
          gate = null;
          g.reached();
          await g.release;
        },
      },
    });
    s = await preparePhase2(server, { keysFor: ['0034'] });
  });
  after(() => server.close());

  it('is answered when the job is ready, not while it is held before its checks', async () => {
    const key = await testKeyPair();
    const signed = await buildSignedCountZip({ code: '0034', key, cert: municipalityCertificate('0034', 'Almere', key), eml: await build510b('0034') });
    let reached = (): void => {};
    const isReached = new Promise<void>((r) => (reached = r));
    let release = (): void => {};
    gate = { reached, release: new Promise<void>((r) => (release = r)) };
    const up = await s.leader.upload('/api/counts/import', 'Telling_TK2021_gemeente_Almere.zip', signed.zip);
    assert.equal(up.status, 202, up.text);
    await isReached;
    const url = `/api/counts/import/${up.json.jobId}`;
    // The job is held: a request without wait answers at once, not ready.
    const waiting = s.leader.get(`${url}?wait=1`);
    const second = new ApiClient(server.url);
    assert.equal((await second.login('leider', USER_PASSWORD + '!')).status, 200);
    const now = await second.get(url);
    assert.equal(now.status, 200, now.text);
    assert.notEqual(now.json.stage, 'ready');
    release();
    const answer = await waiting;
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.stage, 'ready', 'the waiting request was answered before the job moved on');
  });
});
