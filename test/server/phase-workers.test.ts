/**
 * The workers follow the phase (src/server/phaseWorkers.ts, issue 13 memory): a server that
 * pre-starts its workers starts none for phases 1 and 2, starts the render worker on entering phase 3
 * and stops it on leaving, so a count file is never imported with Typst and its fonts beside it.
 * (renderWorkersStarted counts the threads this process started: a stopped worker is seen as a new
 * start on entering phase 3 again.) The election-file worker, which reads the uploaded 110a and 230b,
 * starts at the first preview of phase 1 and is stopped on entering phase 2.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { renderWorkersStarted } from '../../src/server/documents.ts';
import { electionFileWorkerRunning, electionFileWorkersStarted } from '../../src/server/electionFileWorker.ts';
import { expectStatus, importTk2021Election, LELYSTAD_MUNICIPALITIES, LISTS_FILE, preparePhase2, type Phase2Setup } from '../support/counts.ts';
import { completeMunicipality } from '../support/documents.ts';
import { adminClient, startTestServer, userClient, type ApiClient, type TestServer } from '../support/server.ts';

describe('the render worker follows the phase', () => {
  let server: TestServer;
  let s: Phase2Setup;
  before(async () => {
    server = await startTestServer({ startRenderWorker: true });
    s = await preparePhase2(server);
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    for (const m of LELYSTAD_MUNICIPALITIES) await completeMunicipality(t1, t2, m.code);
  });
  after(() => server.close());

  test('none in phase 2; started on entering phase 3, stopped on leaving it', async () => {
    const before3 = renderWorkersStarted();
    assert.equal(before3, 0, 'no render worker in phases 1 and 2');
    expectStatus(await s.leader.post('/api/phase', { target: 3 }), 200, 'phase 3');
    assert.equal(renderWorkersStarted(), 1, 'started on entering phase 3');
    expectStatus(await s.leader.post('/api/phase', { target: 2 }), 200, 'back to phase 2');
    expectStatus(await s.leader.post('/api/phase', { target: 3 }), 200, 'phase 3 again');
    assert.equal(renderWorkersStarted(), 2, 'the first was stopped on leaving phase 3; a new one started on entering it again');
  });
});

describe('the election-file worker lives in phase 1', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ startRenderWorker: true });
  });
  after(() => server.close());

  test('started by the first preview, kept for the next file, stopped on entering phase 2', async () => {
    const admin = await adminClient(server);
    const started = electionFileWorkersStarted();
    assert.equal(electionFileWorkerRunning(), false, 'none before the first upload');
    await importTk2021Election(admin, 5, LISTS_FILE); // definition and candidate lists, preview and confirm each
    assert.equal(electionFileWorkerRunning(), true, 'running after the import in phase 1');
    assert.equal(electionFileWorkersStarted(), started + 1, 'one worker read all four');
    const leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
    expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'phase 2');
    assert.equal(electionFileWorkerRunning(), false, 'stopped on entering phase 2');
  });
});
