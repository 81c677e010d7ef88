/**
 * Documents through the server's job (issue 13): the HSB's phase 3 files made by the real server as
 * the user makes them, timed from the click (POST /api/documents/create) to "klaar" (the job
 * finished, as the screen sees it through GET /api/documents/jobs/:id?wait=1). Kieskring
 * 's-Hertogenbosch of TK2021 (37 municipalities, its real lists) with synthetic, consistent counts
 * typed twice through the API (`--small`: Lelystad, 6 municipalities). The server is a child process
 * started as `npm start` starts it, so its render worker is pre-started: on entering phase 3
 * (src/server/phaseWorkers.ts); the bench waits for it to be ready before the click, as a user fills
 * in the PV details first.
 *
 * Floor from the same run: SHA-256 of the produced files (downloaded), and the same files' bytes.
 * The second creation (after going back to phase 2 and forward again, nothing changed) is made by a
 * new render worker (leaving phase 3 stops it).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sumCounts, type VoteCounts } from '../src/domain/counts.ts';
import type { CandidateLists } from '../src/domain/election.ts';
import { countsToForm } from '../src/domain/entry.ts';
import { readCandidateLists } from '../src/eml/eml230b.ts';
import { expectStatus, importTk2021Election } from '../test/support/counts.ts';
import { createOwnKey, PV_DETAILS } from '../test/support/documents.ts';
import { eml } from '../test/support/paths.ts';
import { adminClient, userClient, type ApiClient } from '../test/support/server.ts';
import { ms, note, ratio, startServerChild, type Figure } from './support.ts';
import { seededRandom, stationCounts } from './synthetic.ts';

const KIESKRINGEN = {
  large: { number: 18, listsFile: "Kandidatenlijsten_TK2021_s-Hertogenbosch.eml.xml" },
  small: { number: 5, listsFile: 'Kandidatenlijsten_TK2021_Lelystad.eml.xml' },
} as const;

/** Claim and submit, acknowledging the warnings the server reports. */
async function enter(t: ApiClient, code: string, form: unknown): Promise<void> {
  expectStatus(await t.post(`/api/counts/${code}/claim`), 200, `claim ${code}`);
  let r = await t.post(`/api/counts/${code}/submit`, { form, acknowledged: [] });
  if (r.json?.outcome?.kind === 'needs_attention') {
    const w = (r.json.checks as { code: string; severity: string }[]).filter((c) => c.severity === 'warning').map((c) => c.code);
    r = await t.post(`/api/counts/${code}/submit`, { form, acknowledged: w });
  }
  if (!['first_done', 'complete'].includes(r.json?.outcome?.kind)) throw new Error(`${code}: ${r.text.slice(0, 300)}`);
}

/** Click "Aanmaken" and wait as the screen does; ms from the click to the finished job. */
async function createTimed(leader: ApiClient): Promise<{ ms: number; stage: string }> {
  const t0 = performance.now();
  const r = await leader.post('/api/documents/create');
  expectStatus(r, 202, 'documents create');
  for (;;) {
    const j = await leader.get(`/api/documents/jobs/${r.json.jobId}?wait=1`);
    expectStatus(j, 200, 'job');
    if (process.env.UITSLAG_BENCH_STAGES === '1') note(`documents: ${ms(performance.now() - t0)} ${j.json.stage}`);
    if (j.json.finished) {
      if (j.json.stage !== 'done') throw new Error(`documents job: ${JSON.stringify(j.json.error)}`);
      return { ms: performance.now() - t0, stage: j.json.stage };
    }
  }
}

export async function benchDocuments(opts: { small?: boolean } = {}): Promise<Figure[]> {
  const B = 'documents';
  const k = opts.small ? KIESKRINGEN.small : KIESKRINGEN.large;
  const parsed = readCandidateLists(readFileSync(eml('tk2021', k.listsFile)));
  if (!parsed.ok) throw new Error(parsed.message);
  const lists: CandidateLists = parsed.value;
  const server = await startServerChild();
  try {
    note(`documents: kieskring ${lists.contestName}: election, own key (RSA-4096), users`);
    const admin = await adminClient(server.handle);
    await importTk2021Election(admin, k.number, k.listsFile);
    await createOwnKey(admin);
    const leader = await userClient(server.handle, admin, 'verkiezingsleider', 'leider');
    const t1 = await userClient(server.handle, admin, 'invoer', 'invoer1');
    const t2 = await userClient(server.handle, admin, 'invoer', 'invoer2');
    expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'phase 2');
    const st = await leader.get('/api/counts/status');
    const codes = (st.json.municipalities as { code: string }[]).map((m) => m.code);
    note(`documents: typing ${codes.length} municipalities twice`);
    const rnd = seededRandom(4242);
    for (const code of codes) {
      const counts: VoteCounts = sumCounts(Array.from({ length: 3 + Math.floor(rnd() * 10) }, () => stationCounts(lists, rnd)));
      const form = countsToForm(counts, lists);
      await enter(t1, code, form);
      await enter(t2, code, form);
    }
    expectStatus(await leader.post('/api/phase', { target: 3 }), 200, 'phase 3');
    expectStatus(await leader.request('PUT', '/api/pv-details', PV_DETAILS), 200, 'pv details');
    // The render worker starts when phase 3 is entered; a user fills in the PV details before the click.
    await server.renderWorkerReady();

    note('documents: creating (the click to "klaar")');
    const first = await createTimed(leader);
    // The files, downloaded: the floor is their SHA-256.
    const sets = await leader.get('/api/documents');
    const docs = (sets.json.sets?.[0]?.documents ?? []) as { id: number }[];
    const files: Buffer[] = [];
    for (const d of docs) {
      const r = await leader.get(`/api/documents/${d.id}/download`);
      expectStatus(r, 200, 'download');
      files.push(r.bytes);
    }
    const bytes = files.reduce((n, f) => n + f.length, 0);
    const shaRuns: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      for (const f of files) createHash('sha256').update(f).digest('hex');
      shaRuns.push(performance.now() - t);
    }
    const sha = Math.min(...shaRuns);
    // Again after phase 2 and back (the set is voided; nothing else changed).
    expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'back to phase 2');
    expectStatus(await leader.post('/api/phase', { target: 3 }), 200, 'phase 3 again');
    await server.renderWorkerReady();
    const second = await createTimed(leader);
    const candidates = lists.affiliations.reduce((n, a) => n + a.candidates.length, 0);
    return [
      { bench: B, metric: 'kieskring', value: lists.contestName, note: `${codes.length} municipalities, ${lists.affiliations.length} lists, ${candidates} candidates; the server as a child process, render worker pre-started` },
      { bench: B, metric: 'click to "klaar" (server job)', value: ms(first.ms), note: `floor: SHA-256 of the ${files.length} files (${(bytes / 1024 / 1024).toFixed(1)} MiB) ${ms(sha)}, ${ratio(first.ms / sha)} of it; ${ms(first.ms / codes.length)} per municipality` },
      { bench: B, metric: 'again', value: ms(second.ms), note: 'after phase 2 and back to phase 3 (a new render worker, started on entering phase 3), nothing changed' },
    ];
  } finally {
    await server.stop();
  }
}
