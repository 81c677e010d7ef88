/**
 * Issue 8, defect 3, over the real server: documents are a pure function of a snapshot that is still
 * current when they are stored. A test hook (through the app context) holds the creation job between
 * rendering and storing; meanwhile another leader goes back to phase 2, deletes Almere's entry, has it
 * typed again with one vote moved and finalises again; or saves other PV details. The job then stores
 * nothing and says why; a new creation makes the set from the stored state. Never a valid set that
 * differs from what is stored. Also (signing keys): nothing is signed with an own certificate that is
 * expired or not yet valid, also when it expires while the set is being made. And the PV (PDF and ODT)
 * carries the audit chain's head as it was when the numbers were gathered.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { EntryForm } from '../../src/domain/entry.ts';
import { formatHash } from '../../src/domain/hashcode.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { changeForm, LELYSTAD_MUNICIPALITIES, preparePhase2, typeEntry, type Phase2Setup } from '../support/counts.ts';
import { completeMunicipality, createOwnKey, PV_DETAILS, typedForm } from '../support/documents.ts';
import { ApiClient, startTestServer, USER_PASSWORD, type ApiResponse, type TestServer } from '../support/server.ts';
import { unzip } from '../support/zip.ts';

/** A gate the creation job waits at after rendering (set per test). */
let gate: { reached: () => void; release: Promise<void> } | null = null;

function closeGate(): { reached: Promise<void>; open: () => void } {
  let reached!: () => void;
  let open!: () => void;
  const r = new Promise<void>((res) => (reached = res));
  const release = new Promise<void>((res) => (open = res));
  gate = { reached, release };
  return { reached: r, open };
}

async function waitForJob(leader: ApiClient, jobId: string): Promise<ApiResponse> {
  for (;;) {
    const j = await leader.get(`/api/documents/jobs/${jobId}`);
    assert.equal(j.status, 200, j.text);
    if (j.json.finished) return j;
    await new Promise((res) => setTimeout(res, 25));
  }
}

async function create(leader: ApiClient): Promise<ApiResponse> {
  const r = await leader.post('/api/documents/create');
  assert.equal(r.status, 202, r.text);
  return waitForJob(leader, r.json.jobId);
}

/** First and second entry of `form` by two typists (warnings acknowledged). */
async function typeTwice(typists: readonly ApiClient[], code: string, form: EntryForm): Promise<void> {
  for (const t of typists) {
    let r = await typeEntry(t, code, form);
    if (r.json?.outcome?.kind === 'needs_attention') {
      const warnings = (r.json.checks as { code: string; severity: string }[]).filter((c) => c.severity === 'warning').map((c) => c.code);
      r = await t.post(`/api/counts/${code}/submit`, { form, acknowledged: warnings });
    }
    assert.ok(['first_done', 'complete'].includes(r.json?.outcome?.kind), `${code}: ${r.text}`);
  }
}

async function validSets(reader: ApiClient): Promise<{ id: number; documents: { id: number; kind: string }[] }[]> {
  return (await reader.get('/api/documents')).json.sets.filter((x: { status: string }) => x.status === 'geldig');
}

async function download(reader: ApiClient, set: { documents: { id: number; kind: string }[] }, kind: string): Promise<Buffer> {
  return (await reader.get(`/api/documents/${set.documents.find((d) => d.kind === kind)!.id}/download`)).bytes;
}

/** Candidate votes of list 1 in Almere's block of a 510c. */
async function almereList1(eml: Buffer): Promise<number[]> {
  const r = await readEml510(eml);
  assert.ok(r.ok);
  const unit = r.value.units.find((u) => u.id === 'HSB5::0034')!;
  return unit.counts.lists.find((l) => l.listNumber === 1)!.candidates.map((c) => c.votes);
}

describe('documents from a snapshot that is still current when stored (Lelystad)', () => {
  let server: TestServer;
  let s: Phase2Setup;
  let other: ApiClient;
  let work: string;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'uitslag-snapshot-'));
    server = await startTestServer({
      testHooks: {
        documentsRendered: async () => {
          const g = gate;
          if (!g) return;
          gate = null;
          g.reached();
          await g.release;
        },
      },
    });
    s = await preparePhase2(server);
    await createOwnKey(s.admin);
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    for (const m of LELYSTAD_MUNICIPALITIES) await completeMunicipality(t1, t2, m.code);
    assert.equal((await s.leader.post('/api/finalise')).status, 200);
    assert.equal((await s.leader.request('PUT', '/api/pv-details', PV_DETAILS)).status, 200);
    // A second election leader, racing the first.
    const created = await s.admin.post('/api/users', { username: 'leider2', fullName: 'Tweede leider', role: 'verkiezingsleider', initialPassword: USER_PASSWORD });
    assert.equal(created.status, 201, created.text);
    other = new ApiClient(server.url);
    assert.equal((await other.login('leider2', USER_PASSWORD)).status, 200);
    assert.equal((await other.post('/api/password', { currentPassword: USER_PASSWORD, newPassword: USER_PASSWORD + '!' })).status, 200);
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('phase back, delete, typed again with one vote moved, finalised again during the render: nothing stored; the next set has the stored numbers', async () => {
    const original = await typedForm('0034');
    const l1 = original.lists.find((l) => l.listNumber === 1)!;
    const moved = changeForm(original, { 'list.1.1': l1.candidates[0]! - 1, 'list.1.2': l1.candidates[1]! + 1 });
    const g = closeGate();
    const start = await s.leader.post('/api/documents/create');
    assert.equal(start.status, 202, start.text);
    await g.reached;
    // Meanwhile, the other leader and two typists.
    assert.equal((await other.post('/api/phase', { target: 2 })).status, 200);
    assert.equal((await other.post('/api/counts/0034/delete', { reason: 'een stem bij de verkeerde kandidaat' })).status, 200);
    await typeTwice(s.typists.slice(1, 3), '0034', moved);
    assert.equal((await other.post('/api/finalise')).status, 200);
    g.open();
    const job = await waitForJob(s.leader, start.json.jobId);
    assert.equal(job.json.stage, 'failed', job.text);
    assert.equal(job.json.error.code, 'documents.inputs_changed');
    assert.match(job.json.error.message, /Tijdens het aanmaken van de bestanden is gewijzigd: de steminvoer van Almere \(0034\); de fase van het verkiezingsproces\..*niets opgeslagen/);
    assert.deepEqual(await validSets(s.reader), [], 'no valid set from the stale snapshot');
    assert.equal((await s.reader.get('/api/documents')).json.sets.length, 0, 'nothing stored at all');
    // A new creation is made from the stored state: Almere's block has the moved vote.
    const again = await create(s.leader);
    assert.equal(again.json.stage, 'done', again.text);
    const [set] = await validSets(s.reader);
    const votes = await almereList1(await download(s.reader, set!, 'eml510c'));
    assert.deepEqual(votes.slice(0, 2), [l1.candidates[0]! - 1, l1.candidates[1]! + 1]);
    const stored = (await s.leader.get('/api/counts/0034')).json.forms.second as EntryForm;
    assert.deepEqual(votes, stored.lists.find((l) => l.listNumber === 1)!.candidates.map((v) => v ?? 0));
  });

  test('PV details saved during the render: nothing stored; the next set carries them', async () => {
    assert.equal((await s.leader.post('/api/phase', { target: 2 })).status, 200);
    assert.equal((await s.leader.post('/api/finalise')).status, 200);
    const g = closeGate();
    const start = await s.leader.post('/api/documents/create');
    assert.equal(start.status, 202, start.text);
    await g.reached;
    const changed = { ...PV_DETAILS, remarks: 'Na het tellen is een bezwaar over stembureau 12 besproken.' };
    assert.equal((await other.request('PUT', '/api/pv-details', changed)).status, 200);
    g.open();
    const job = await waitForJob(s.leader, start.json.jobId);
    assert.equal(job.json.stage, 'failed', job.text);
    assert.equal(job.json.error.code, 'documents.inputs_changed');
    assert.match(job.json.error.message, /de gegevens van het proces-verbaal/);
    assert.deepEqual(await validSets(s.reader), []);
    const again = await create(s.leader);
    assert.equal(again.json.stage, 'done', again.text);
    const [set] = await validSets(s.reader);
    const content = new Map(await unzip(await download(s.reader, set!, 'o3_odt'))).get('content.xml')!.toString('utf8');
    assert.match(content, /bezwaar over stembureau 12/);
  });

  test('the PV carries the audit chain head of when its numbers were gathered', async () => {
    assert.equal((await s.leader.post('/api/phase', { target: 2 })).status, 200);
    assert.equal((await s.leader.post('/api/finalise')).status, 200);
    const head = (await s.reader.get('/api/integrity')).json.auditHead as { length: number; hash: string };
    const g = closeGate();
    const start = await s.leader.post('/api/documents/create');
    await g.reached;
    g.open();
    assert.equal((await waitForJob(s.leader, start.json.jobId)).json.stage, 'done');
    const [set] = await validSets(s.reader);
    // Reading /api/integrity wrote no record: the head at gathering is the one read above.
    const line = `Auditlog: ${head.length} records, laatste hash ${formatHash(head.hash)}`;
    const odt = new Map(await unzip(await download(s.reader, set!, 'o3_odt')));
    assert.ok([...odt.values()].some((b) => b.toString('utf8').includes(line)), 'ODT footer');
    if (spawnSync('pdftotext', ['-v']).error === undefined) {
      const f = path.join(work, 'o3.pdf');
      writeFileSync(f, await download(s.reader, set!, 'o3_pdf'));
      const text = spawnSync('pdftotext', ['-raw', f, '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ');
      assert.ok(text.includes(line), `PDF footer: ${line}`);
    }
  });

  test('the own certificate expires while the set is made: nothing signed or stored; expired or not yet valid: refused at once', async () => {
    assert.equal((await s.leader.post('/api/phase', { target: 2 })).status, 200);
    assert.equal((await s.leader.post('/api/finalise')).status, 200);
    const before = (await s.reader.get('/api/documents')).json.sets.length;
    const g = closeGate();
    const start = await s.leader.post('/api/documents/create');
    assert.equal(start.status, 202, start.text);
    await g.reached;
    // TK2021: the certificate is valid through 2021-06-17 (election date + 3 months); the clock started 2021-02-15.
    server.clock.advance(130 * 24 * 3600);
    g.open();
    const leader = new ApiClient(server.url);
    assert.equal((await leader.login('leider', USER_PASSWORD + '!')).status, 200);
    const job = await waitForJob(leader, start.json.jobId);
    assert.equal(job.json.stage, 'failed', job.text);
    assert.equal(job.json.error.code, 'documents.certificate_expired');
    assert.match(job.json.error.message, /Het eigen certificaat is verlopen op 18-06-2021|verlopen op 2021-06-18/);
    const r = await leader.post('/api/documents/create');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'documents.certificate_expired');
    // Before the certificate's first day (a computer clock set back): refused too.
    server.clock.advance(-200 * 24 * 3600);
    const early = new ApiClient(server.url);
    assert.equal((await early.login('leider', USER_PASSWORD + '!')).status, 200);
    const e = await early.post('/api/documents/create');
    assert.equal(e.status, 409, e.text);
    assert.equal(e.json.error.code, 'documents.certificate_not_yet_valid');
    assert.equal((await early.get('/api/documents')).json.sets.length, before, 'nothing stored');
    server.clock.advance(70 * 24 * 3600);
  });
});
