/**
 * Crash safety of phase 2: the real server (`bin/uitslag serve`) as a child process is killed with
 * SIGKILL in the middle of an import confirm (right after its 200, a few ms after sending it, and
 * before it reaches the server), draft saves and submits; restarted on the same data
 * directory the database passes PRAGMA integrity_check, every municipality's state is valid and
 * matches its history, the audit chain is intact, and no acknowledged save is lost (an
 * unacknowledged one is either fully there or not at all).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { ROOT } from '../support/paths.ts';
import {
  buildSignedCountZip,
  changeForm,
  formFromOfficial,
  municipalityCertificate,
  preparePhase2,
  testKeyPair,
  typedGroups,
  uploadCountZip,
} from '../support/counts.ts';
import { ADMIN_INITIAL_PASSWORD, ApiClient, type TestServer } from '../support/server.ts';

const STATES = new Set(['empty', 'first_in_progress', 'first_with_errors', 'first_done', 'second_in_progress', 'differences', 'complete']);
// The spawned server runs on the real clock: certificates valid around today (and no longer than
// an election key may be valid, MAX_CERTIFICATE_LIFETIME_DAYS).
const DAY = 24 * 3600 * 1000;
const TODAY = Math.floor(Date.now() / 1000) * 1000;
const WIDE = { notBefore: new Date(TODAY - 30 * DAY).toISOString(), notAfter: new Date(TODAY + 300 * DAY).toISOString() };

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
}

async function spawnServer(dataDir: string, passwordFile: string): Promise<Child> {
  const proc = spawn(
    path.join(ROOT, 'bin', 'uitslag'),
    ['serve', '--data', dataDir, '--port', '0', '--host', '127.0.0.1', '--no-tls', '--admin-password-file', passwordFile],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    const onData = (d: Buffer) => {
      out += d.toString('utf8');
      const m = /draait op (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { proc, url };
}

function kill(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return resolve();
    child.proc.once('exit', () => resolve());
    child.proc.kill('SIGKILL');
  });
}

function rebase(c: ApiClient, url: string): ApiClient {
  const n = new ApiClient(url);
  n.cookie = c.cookie;
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Database-level consistency after a crash (server stopped). */
function checkDatabase(file: string): void {
  const db = new Database(file, { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const units = db.prepare('SELECT code, kind, state_json, version FROM count_units').all() as {
      code: string;
      kind: string;
      state_json: string;
      version: number;
    }[];
    for (const u of units) {
      assert.ok(STATES.has(u.kind), u.kind);
      assert.equal((JSON.parse(u.state_json) as { kind: string }).kind, u.kind, `state of ${u.code}`);
      const h = db.prepare('SELECT COUNT(*) AS n FROM count_history WHERE code = ?').get(u.code) as { n: number };
      assert.equal(h.n, u.version, `every stored change of ${u.code} has exactly one history row`);
      const last = db.prepare('SELECT state_after FROM count_history WHERE code = ? ORDER BY id DESC LIMIT 1').get(u.code) as { state_after: string };
      assert.equal(last.state_after, u.kind, `history of ${u.code} ends in its state`);
    }
    // Imports: state, history and audit agree.
    const imports = db.prepare("SELECT code FROM count_history WHERE action = 'import'").all() as { code: string }[];
    const audited = db.prepare("SELECT details_json FROM audit_log WHERE action = 'counts.import'").all() as { details_json: string }[];
    assert.deepEqual(
      imports.map((r) => r.code).sort(),
      audited.map((r) => (JSON.parse(r.details_json) as { code: string }).code).sort(),
    );
  } finally {
    db.close();
  }
}

describe('crash safety (SIGKILL during import confirm, draft saves and submits)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uitslag-crash-'));
  const pwDir = mkdtempSync(path.join(os.tmpdir(), 'uitslag-crash-pw-'));
  const passwordFile = path.join(pwDir, 'admin.txt');
  writeFileSync(passwordFile, ADMIN_INITIAL_PASSWORD + '\n', { mode: 0o600 });
  let child: Child | null = null;
  after(async () => {
    if (child) await kill(child);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(pwDir, { recursive: true, force: true });
  });

  test('killed after, during and before an import confirm and restarted each time: consistent, nothing acknowledged lost', async (t) => {
    child = await spawnServer(dataDir, passwordFile);
    const key = await testKeyPair();
    const fake = { url: child.url, adminInitialPassword: ADMIN_INITIAL_PASSWORD, adminReady: false } as unknown as TestServer;
    const setup = await preparePhase2(fake, { keysFor: ['0034', '0050', '0303'], key, validity: WIDE });
    let leader = setup.leader;
    let [t1, t2] = setup.typists as [ApiClient, ApiClient];
    const base171 = await formFromOfficial('0171');
    const form995 = await formFromOfficial('0995');
    assert.equal((await t1.post('/api/counts/0171/claim')).status, 200);
    let lastAckZ = -1;

    // Each round kills at another moment of the import confirm, so every branch runs every time:
    // 'after' = right after the confirm's 200 (the import must be there after the restart);
    // 'during' = a few milliseconds after sending it (either fully there or not at all);
    // 'before' = in the same tick as sending it (no answer; either fully there or not at all).
    const NAMES: Record<string, string> = { '0034': 'Almere', '0050': 'Zeewolde', '0303': 'Dronten' };
    for (const [round, code, when] of [
      [1, '0034', 'after'],
      [2, '0050', 'during'],
      [3, '0303', 'before'],
    ] as const) {
      // An import ready to confirm.
      const z = await buildSignedCountZip({ code, key, cert: municipalityCertificate(code, NAMES[code]!, key, WIDE) });
      const job = await uploadCountZip(leader, z.zip, z.fileName);
      assert.equal(job.json.stage, 'ready', JSON.stringify(job.json));
      // A loop of draft saves (t1) and of submit/delete cycles (t2 and the leader), then the confirm, then SIGKILL.
      let stop = false;
      let inFlightZ = -1;
      const saves = (async () => {
        for (let i = lastAckZ + 1; !stop; i++) {
          inFlightZ = i;
          const r = await t1.request('PUT', '/api/counts/0171/draft', { form: changeForm(base171, { Z: i }) }).catch(() => null);
          if (!r) break;
          assert.equal(r.status, 200, r.text);
          lastAckZ = i;
        }
      })();
      const submits = (async () => {
        for (let i = 0; !stop; i++) {
          const c = await t2.post('/api/counts/0995/claim').catch(() => null);
          if (!c) break;
          const s = await t2.post('/api/counts/0995/submit', { form: changeForm(form995, { K: i }), acknowledged: [] }).catch(() => null);
          if (!s) break;
          const d = await leader.post('/api/counts/0995/delete', { reason: `ronde ${round}` }).catch(() => null);
          if (!d) break;
        }
      })();
      await sleep(100 + Math.floor(Math.random() * 200));
      const confirm = leader
        .post('/api/counts/import/confirm', { uploadId: job.json.preview.uploadId, groups: typedGroups(z.eml, job.json.preview.hiddenGroups), acknowledged: [] })
        .catch(() => null);
      let killed: Promise<void>;
      if (when === 'after') {
        const answer = await confirm;
        assert.equal(answer?.status, 200, answer?.text);
        killed = kill(child); // right after the 200, with the saves and submits still running
      } else if (when === 'before') {
        killed = kill(child); // SIGKILL is sent synchronously: the answer cannot have been read
      } else {
        await sleep(1 + Math.floor(Math.random() * 4));
        killed = kill(child);
      }
      await killed;
      stop = true;
      const confirmed = await confirm;
      if (when === 'after') assert.equal(confirmed?.status, 200);
      if (when === 'before') assert.equal(confirmed, null, 'killed before the answer');
      await Promise.all([saves, submits]);
      checkDatabase(path.join(dataDir, 'uitslag.sqlite'));

      child = await spawnServer(dataDir, passwordFile);
      leader = rebase(leader, child.url);
      t1 = rebase(t1, child.url);
      t2 = rebase(t2, child.url);
      const reader = rebase(setup.reader, child.url);
      const st = await reader.get('/api/counts/status');
      assert.equal(st.status, 200, st.text);
      for (const m of st.json.municipalities) assert.ok(STATES.has(m.state), m.state);
      const imported = st.json.municipalities.find((m: { code: string }) => m.code === code);
      if (confirmed?.status === 200) {
        assert.equal(imported.state, 'first_done', 'an acknowledged import is there');
        const d = await leader.get(`/api/counts/${code}`);
        assert.equal(d.json.history.filter((x: { action: string }) => x.action === 'import').length, 1, 'imported once');
        assert.equal(d.json.forms.first.scalars.E, (await formFromOfficial(code)).scalars.E, 'with its numbers');
      } else {
        // Not acknowledged: fully there (state, history, audit: checkDatabase) or not at all.
        assert.ok(['first_done', 'empty'].includes(imported.state), imported.state);
        const d = await leader.get(`/api/counts/${code}`);
        const imports = d.json.history.filter((x: { action: string }) => x.action === 'import').length;
        assert.equal(imports, imported.state === 'first_done' ? 1 : 0);
      }
      // The draft: the last acknowledged save, or the one in flight; never older.
      const s995 = (await leader.get('/api/counts/0995')).json;
      const draft = await t1.post('/api/counts/0171/claim');
      assert.equal(draft.status, 200, draft.text);
      const z171 = draft.json.form.scalars.Z;
      assert.ok(z171 === lastAckZ || z171 === inFlightZ, `draft Z=${z171}, acknowledged ${lastAckZ}, in flight ${inFlightZ}`);
      t.diagnostic(`round ${round} (kill ${when}): confirm ${confirmed?.status ?? 'no answer'}, ${code} ${imported.state}, draft Z ${z171} (acknowledged ${lastAckZ}, in flight ${inFlightZ}), 0995 ${s995.state}`);
      lastAckZ = z171;
      assert.ok(['empty', 'first_in_progress', 'first_done'].includes(s995.state), s995.state);
      if (s995.state === 'first_in_progress') assert.equal((await t2.post('/api/counts/0995/release')).status, 200);
      if (s995.state === 'first_done') assert.equal((await leader.post('/api/counts/0995/delete', { reason: 'na herstart' })).status, 200);
      const admin = rebase(setup.admin, child.url);
      const audit = await admin.get('/api/audit?limit=1');
      assert.equal(audit.status, 200, audit.text);
      assert.equal(audit.json.chain.intact, true);
    }
    await kill(child);
    child = null;
    checkDatabase(path.join(dataDir, 'uitslag.sqlite'));
  });
});
