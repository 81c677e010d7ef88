/**
 * Issue 13 (memory): the uploaded 110a and 230b are read, and their hash codes computed, in the
 * election-file worker of phase 1 (src/server/electionFileWorker.ts), not in the server's thread. The
 * worker's answer, after the structured clone, is exactly this thread's (`readElectionFile`): for real
 * files of three elections, and for files that are refused; a worker that dies fails its job with the
 * internal error (HTTP 500 over the routes) and the next job gets a new worker. Under `npm test` too
 * (its preloads are left out of the worker's options: `workerExecArgv`). As a confirm now waits
 * for the worker, other requests run meanwhile: of two confirms of one upload only one imports it.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test, after, before } from 'node:test';
import {
  ELECTION_FILE_INTERNAL,
  electionFileWorkerRunning,
  electionFileWorkersStarted,
  exitElectionFileWorkerBeforeNextJob,
  readElectionFile,
  readElectionFileInWorker,
  stopElectionFileWorker,
  type ElectionFileJob,
  type ElectionFileKind,
} from '../../src/server/electionFileWorker.ts';
import { MAX_EML_BYTES } from '../../src/server/http.ts';
import { workerExecArgv } from '../../src/server/worker.ts';
import { expectStatus } from '../support/counts.ts';
import { eml } from '../support/paths.ts';
import { adminClient, startTestServer, type ApiClient, type TestServer } from '../support/server.ts';

const REAL: readonly (readonly [ElectionFileKind, string, string])[] = [
  ['110a', 'tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml'],
  ['110a', 'tk2023', 'Verkiezingsdefinitie_TK2023.eml.xml'],
  ['230b', 'tk2021', 'Kandidatenlijsten_TK2021_Amsterdam.eml.xml'], // the largest
  ['230b', 'tk2021', 'Kandidatenlijsten_TK2021_Bonaire.eml.xml'],
  ['230b', 'tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'],
  ['230b', 'tk2023', 'Kandidatenlijsten_TK2023_Amsterdam.eml.xml'],
  ['230b', 'tk2025', 'Kandidatenlijsten_TK2025_Nijmegen.eml.xml'],
];

const job = (kind: ElectionFileKind, bytes: Buffer, withHash = true): ElectionFileJob => ({ kind, bytes, withHash, maxBytes: MAX_EML_BYTES });

function stagedUploads(server: TestServer): number {
  const db = new Database(path.join(server.dataDir, 'uitslag.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM uploads').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const file = (folder: string, name: string): Buffer => readFileSync(eml(folder, name));

describe('the election-file worker', () => {
  after(() => stopElectionFileWorker());

  test('real definitions and candidate lists of TK2021, TK2023 and TK2025: value and hash exactly as read in this thread', async () => {
    for (const [kind, folder, name] of REAL) {
      const bytes = file(folder, name);
      for (const withHash of [true, false]) {
        const here = readElectionFile(job(kind, bytes, withHash));
        assert.ok(here.ok, `${name}: read in this thread`);
        if (withHash) {
          assert.ok(here.value.hash?.ok, `${name}: a hash code`);
        } else {
          assert.equal(here.value.hash, null);
        }
        const there = await readElectionFileInWorker(job(kind, bytes, withHash));
        assert.ok(electionFileWorkerRunning(), 'read in the worker, not in this thread');
        assert.deepStrictEqual(there, here, `${name} (hash ${withHash})`);
      }
    }
  });

  test('refused files: the same code, message and detail as in this thread', async () => {
    const lists = file('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml');
    const definition = file('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml');
    const cases: readonly { what: string; kind: ElectionFileKind; bytes: Buffer; code: string }[] = [
      { what: 'a truncated 230b', kind: '230b', bytes: lists.subarray(0, Math.floor(lists.length / 2)), code: 'xml.truncated' },
      { what: 'a 230b read as a definition', kind: '110a', bytes: lists, code: 'eml.wrong_kind' },
      { what: 'a definition read as candidate lists', kind: '230b', bytes: definition, code: 'eml.wrong_kind' },
      { what: 'no XML at all', kind: '230b', bytes: Buffer.from('geen xml'), code: 'xml.not_xml' },
    ];
    for (const c of cases) {
      const here = readElectionFile(job(c.kind, c.bytes));
      assert.ok(!here.ok, c.what);
      assert.equal(here.code, c.code, `${c.what}: ${here.message}`);
      assert.deepStrictEqual(await readElectionFileInWorker(job(c.kind, c.bytes)), here, c.what);
    }
    // Read, but its hash code cannot be computed: the hash is refused on its own, after the lists' checks.
    const unknownMethod = Buffer.from(lists.toString('utf8').replace('REC-xml-c14n-20010315#WithComments', 'REC-xml-c14n-20010315#Onbekend'));
    const here = readElectionFile(job('230b', unknownMethod));
    assert.ok(here.ok && here.value.hash !== null && !here.value.hash.ok && here.value.hash.code === 'eml.c14n_algorithm');
    assert.deepStrictEqual(await readElectionFileInWorker(job('230b', unknownMethod)), here);
  });

  test('a worker that dies fails its job with the internal error; the next job gets a new worker', async () => {
    const bytes = file('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml');
    assert.ok((await readElectionFileInWorker(job('230b', bytes))).ok);
    const started = electionFileWorkersStarted();
    exitElectionFileWorkerBeforeNextJob();
    const failed = await readElectionFileInWorker(job('230b', bytes));
    assert.ok(!failed.ok);
    assert.equal(failed.code, ELECTION_FILE_INTERNAL.code);
    assert.equal(failed.message, ELECTION_FILE_INTERNAL.message);
    assert.match(failed.detail ?? '', /exited/);
    assert.equal(electionFileWorkerRunning(), false, 'the dead worker is gone');
    assert.deepStrictEqual(await readElectionFileInWorker(job('230b', bytes)), readElectionFile(job('230b', bytes)));
    assert.equal(electionFileWorkersStarted(), started + 1, 'a new worker read the next file');
  });

  test('stopped while reading: the file is still read, then the worker is gone; the next file starts a new one', async () => {
    const bytes = file('tk2021', 'Kandidatenlijsten_TK2021_Amsterdam.eml.xml');
    const reading = readElectionFileInWorker(job('230b', bytes));
    const started = electionFileWorkersStarted();
    stopElectionFileWorker();
    assert.ok((await reading).ok);
    assert.equal(electionFileWorkerRunning(), false);
    assert.ok((await readElectionFileInWorker(job('230b', bytes, false))).ok);
    assert.equal(electionFileWorkersStarted(), started + 1);
  });
});

test('a worker thread gets the Node options without the preloads (npm test preloads a .ts module the new thread cannot load)', () => {
  assert.deepEqual(
    workerExecArgv(['--import', 'tsx', '--import', './test/support/property.ts', '--expose-gc', '--require=x.cjs', '-r', 'y.cjs', '--loader=z.mjs', '--max-old-space-size=512']),
    ['--expose-gc', '--max-old-space-size=512'],
  );
  assert.deepEqual(workerExecArgv([]), []);
});

describe('over the real server: the definition of TK2021', () => {
  let server: TestServer;
  let admin: ApiClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
  });
  after(() => server.close());

  test('a worker that dies during the preview: an internal error (500), nothing staged; the next preview is read by a new worker', async () => {
    const name = 'Verkiezingsdefinitie_TK2021.eml.xml';
    const bytes = file('tk2021', name);
    exitElectionFileWorkerBeforeNextJob();
    const failed = await admin.upload('/api/election/definition/preview', name, bytes);
    expectStatus(failed, 500, 'preview with a dying worker');
    assert.equal(failed.json.error.code, 'internal');
    assert.equal(failed.json.error.message, ELECTION_FILE_INTERNAL.message);
    assert.equal(stagedUploads(server), 0, 'nothing staged');
    const preview = await admin.upload('/api/election/definition/preview', name, bytes);
    expectStatus(preview, 200, 'preview');
    assert.equal(preview.json.electionId, 'TK2021');
  });

  test('two confirms of one definition at once (a double click): one imports it, the other is refused (404); one audit record', async () => {
    const name = 'Verkiezingsdefinitie_TK2021.eml.xml';
    const preview = await admin.upload('/api/election/definition/preview', name, file('tk2021', name));
    expectStatus(preview, 200, 'preview');
    const body = { uploadId: preview.json.uploadId, hashConfirmed: true, kieskring: 5 };
    // Both are sent before either is answered: each waits for the worker's read of the file.
    const answers = await Promise.all([admin.post('/api/election/definition/confirm', body), admin.post('/api/election/definition/confirm', body)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 404]);
    assert.equal(answers.find((a) => a.status === 404)?.json.error.code, 'upload.not_found');
    const audit = await admin.get('/api/audit?limit=200');
    const actions = (audit.json.records as { action: string }[]).map((r) => r.action).filter((a) => a.startsWith('election.definition.'));
    assert.deepEqual(actions, ['election.definition.import']);
  });
});
