/**
 * Load (issue 3, "Load"): simulated typists saving entries concurrently through the HTTP API on
 * loopback. Kieskring Zwolle (25 municipalities, forms of 19 + 1,099 fields); each typist takes the
 * next free task from a shared desk — a first entry of an empty municipality, or a second entry of
 * a municipality whose first entry someone else did — claims it, saves the draft `saves` times
 * (page by page: the form filled a bit further each time, the last save complete), and submits.
 * When a municipality is complete and more rounds are wanted, the election leader deletes its
 * entries ("Verwijder steminvoer") so it can be typed again. Bounded by rounds and by time.
 *
 * Figures: requests/s and saves/s, p50/p99 per request kind, errors (must be 0; printed loudly),
 * and references in the same run: a single typist's save latency before the load and
 * GET /api/health latency without and under the load.
 */
import type { EntryForm } from '../src/domain/entry.ts';
import type { ApiClient, ApiResponse } from '../test/support/server.ts';
import { ms, note, ratio, setupPhase2, sleep, startServerChild, stats, timed, type Figure } from './support.ts';
import { syntheticForm } from './synthetic.ts';

export interface LoadBenchOptions {
  /** Simulated typists (default 40). */
  readonly typists?: number;
  /** Draft saves per entry before the submit (default 10). */
  readonly saves?: number;
  /** Rounds over all municipalities (each round: first and second entry of each; default 2). */
  readonly rounds?: number;
  /** Use only the first n municipalities of the kieskring (default all 25). */
  readonly municipalities?: number;
  /** Stop taking new tasks after this many seconds (default 120). */
  readonly maxSeconds?: number;
  /**
   * Seconds of the scenario at the UI's real rate (a save per typist every 3 s) before the one with
   * no pause (default 45; 0 skips it). Each scenario runs against its own fresh server.
   */
  readonly pacedSeconds?: number;
}

interface ScenarioOptions extends LoadBenchOptions {
  /** Pause after each request of a typist, ms (0: no pause); a random start offset within it. */
  readonly pauseMs: number;
  /** Prefix of the metrics ('' or 'UI rate: '). */
  readonly label: string;
}

/** The UI saves the draft every 3 s while a typist types (src/ui). */
export const UI_SAVE_INTERVAL_MS = 3000;

export async function benchLoad(opts: LoadBenchOptions = {}): Promise<Figure[]> {
  const figures: Figure[] = [];
  const paced = opts.pacedSeconds ?? 45;
  if (paced > 0) {
    note(`load: scenario 1, a save per typist every ${UI_SAVE_INTERVAL_MS / 1000} s for ${paced} s`);
    figures.push(...(await loadScenario({ ...opts, rounds: 1000, maxSeconds: paced, pauseMs: UI_SAVE_INTERVAL_MS, label: 'UI rate: ' })));
  }
  note('load: scenario 2, no pause');
  figures.push(...(await loadScenario({ ...opts, pauseMs: 0, label: '' })));
  return figures;
}

type Kind = 'claim' | 'draft' | 'submit' | 'delete' | 'health';

/** The form as saved on page `page` of `pages`: the scalars and the first lists filled, the rest still empty. */
function partialForm(form: EntryForm, page: number, pages: number): EntryForm {
  if (page >= pages) return form;
  const filledLists = Math.floor((form.lists.length * page) / pages);
  return {
    scalars: form.scalars,
    lists: form.lists.map((l, i) => (i < filledLists ? l : { listNumber: l.listNumber, total: null, candidates: l.candidates.map(() => null) })),
  };
}

/** PUT a pre-serialised JSON body with the client's session cookie. */
async function putJson(client: ApiClient, urlPath: string, body: string): Promise<ApiResponse> {
  const res = await fetch(client.baseUrl + urlPath, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', ...(client.cookie ? { cookie: client.cookie } : {}) },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, bytes: Buffer.from(text), json };
}

interface Unit {
  readonly code: string;
  round: number;
  /** 'free' → first entry may start; 'first' → first entry typing; 'await2' → second entry may start; 'second'; 'done'. */
  phase: 'free' | 'first' | 'await2' | 'second' | 'done' | 'deleting';
  firstBy: number;
}

async function loadScenario(opts: ScenarioOptions): Promise<Figure[]> {
  const B = 'load';
  const paced = opts.pauseMs > 0;
  const L = opts.label;
  const nTypists = opts.typists ?? 40;
  const saves = opts.saves ?? 10;
  const rounds = opts.rounds ?? 2;
  const maxMs = (opts.maxSeconds ?? 120) * 1000;
  const server = await startServerChild();
  const figures: Figure[] = [];
  try {
    note(`load: setting up kieskring Zwolle with ${nTypists} typists`);
    const setup = await setupPhase2(server, { typists: nTypists });
    const { leader, reader, typists } = setup;
    const munis = setup.municipalities.slice(0, opts.municipalities ?? setup.municipalities.length);
    const forms = new Map(munis.map((m, i) => [m.code, syntheticForm(1000 + i)]));
    const fields = 19 + forms.get(munis[0]!.code)!.lists.reduce((n, l) => n + 1 + l.candidates.length, 0);

    const samples: Record<Kind, number[]> = { claim: [], draft: [], submit: [], delete: [], health: [] };
    const errors: string[] = [];
    const call = async (kind: Kind, f: () => Promise<ApiResponse>, ok: (r: ApiResponse) => boolean, what: string): Promise<boolean> => {
      const r = await timed(f);
      samples[kind].push(r.ms);
      if (!ok(r.value)) {
        errors.push(`${what}: ${r.value.status} ${r.value.text.slice(0, 200)}`);
        return false;
      }
      return true;
    };

    // Reference 1: GET /api/health without load.
    const healthIdle: number[] = [];
    for (let i = 0; i < 30; i++) healthIdle.push((await timed(() => reader.get('/api/health'))).ms);
    // Reference 2: one typist alone saving a full draft (then releasing the claim).
    const solo: number[] = [];
    {
      const t = typists[0]!;
      const code = munis[0]!.code;
      const form = forms.get(code)!;
      const c = await t.post(`/api/counts/${code}/claim`);
      if (c.status !== 200) throw new Error(`solo claim: ${c.status} ${c.text}`);
      for (let i = 0; i < 20; i++) {
        const r = await timed(() => t.request('PUT', `/api/counts/${code}/draft`, { form }));
        if (r.value.status !== 200) throw new Error(`solo save: ${r.value.status} ${r.value.text}`);
        solo.push(r.ms);
      }
      const rel = await t.post(`/api/counts/${code}/release`);
      if (rel.status !== 200) throw new Error(`solo release: ${rel.status} ${rel.text}`);
    }

    // The draft bodies, serialised once (the typists' own CPU should not limit the server).
    const bodies = new Map<string, string>();
    const draftBody = (code: string, page: number): string => {
      const k = `${code}/${page}`;
      let b = bodies.get(k);
      if (b === undefined) bodies.set(k, (b = JSON.stringify({ form: partialForm(forms.get(code)!, page, saves) })));
      return b;
    };

    const units: Unit[] = munis.map((m) => ({ code: m.code, round: 1, phase: 'free', firstBy: -1 }));
    const cpuBefore = server.cpuMs();
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    let stopTaking = false;
    let entriesDone = 0;
    let deletes = 0;

    /** The next task for typist i (synchronous: the desk hands out tasks one at a time). */
    const takeTask = (i: number): { unit: Unit; entry: 1 | 2 } | null => {
      if (stopTaking) return null;
      const free = units.find((u) => u.phase === 'free');
      if (free) {
        free.phase = 'first';
        free.firstBy = i;
        return { unit: free, entry: 1 };
      }
      const second = units.find((u) => u.phase === 'await2' && u.firstBy !== i);
      if (second) {
        second.phase = 'second';
        return { unit: second, entry: 2 };
      }
      return null;
    };
    const allDone = () => units.every((u) => u.phase === 'done' && u.round >= rounds);

    const leaderDelete = async (u: Unit): Promise<void> => {
      u.phase = 'deleting';
      const ok = await call(
        'delete',
        () => leader.post(`/api/counts/${u.code}/delete`, { reason: 'benchmark: volgende ronde' }),
        (r) => r.status === 200 && r.json.state === 'empty',
        `delete ${u.code}`,
      );
      deletes++;
      u.round++;
      u.phase = ok ? 'free' : 'done';
    };

    const typistLoop = async (i: number, t: ApiClient): Promise<void> => {
      for (;;) {
        if (performance.now() - started > maxMs) stopTaking = true;
        const task = takeTask(i);
        if (task === null) {
          if (stopTaking || allDone() || errors.length > 50) return;
          await sleep(15);
          continue;
        }
        const { unit, entry } = task;
        const form = forms.get(unit.code)!;
        const where = `${unit.code} entry ${entry} by invoer${i + 1}`;
        let ok = await call('claim', () => t.post(`/api/counts/${unit.code}/claim`), (r) => r.status === 200 && r.json.entry === entry, `claim ${where}`);
        for (let p = 1; ok && p <= saves; p++) {
          if (paced) {
            // The UI's autosave: the next save comes a pause after the last (ended when the time is up).
            await sleep(opts.pauseMs * (0.8 + 0.4 * Math.random()));
            if (performance.now() - started > maxMs) return;
          }
          const body = draftBody(unit.code, p);
          ok = await call(
            'draft',
            () => putJson(t, `/api/counts/${unit.code}/draft`, body),
            (r) => r.status === 200 && r.json.saved === true,
            `draft ${p} ${where}`,
          );
        }
        const expected = entry === 1 ? 'first_done' : 'complete';
        if (ok) {
          ok = await call(
            'submit',
            () => t.post(`/api/counts/${unit.code}/submit`, { form, acknowledged: [] }),
            (r) => r.status === 200 && r.json.state === expected,
            `submit ${where}`,
          );
        }
        if (!ok) {
          unit.phase = 'done';
          unit.round = rounds;
          continue;
        }
        entriesDone++;
        if (entry === 1) unit.phase = 'await2';
        else if (unit.round < rounds && !stopTaking) await leaderDelete(unit);
        else unit.phase = 'done';
      }
    };

    // Reference 3: GET /api/health under the same load, from another client.
    let loaded = true;
    const healthProbe = (async () => {
      while (loaded) {
        await call('health', () => reader.get('/api/health'), (r) => r.status === 200, 'health');
        await sleep(20);
      }
    })();
    note(`load: ${nTypists} typists × ${munis.length} municipalities × ${paced ? 'as many rounds as fit' : `${rounds} round(s)`}, ${saves} saves per entry`);
    // Paced: the typists start at random moments within one pause, as people do.
    await Promise.all(typists.map(async (t, i) => (paced ? sleep(Math.random() * opts.pauseMs) : undefined, typistLoop(i, t))));
    const elapsed = performance.now() - started;
    const cpuAfter = server.cpuMs();
    const clientCpu = process.cpuUsage(clientCpuBefore);
    loaded = false;
    await healthProbe;

    // Consistency: every municipality is complete at the end (unless stopped by time or errors).
    const st = await leader.get('/api/counts/status');
    const complete = st.status === 200 ? (st.json.complete as number) : -1;

    const per = (k: Kind) => stats(samples[k]);
    const typing = samples.claim.length + samples.draft.length + samples.submit.length + samples.delete.length;
    const soloS = stats(solo);
    const hIdle = stats(healthIdle);
    const draftS = per('draft');
    const healthS = per('health');
    figures.push(
      { bench: B, metric: L + 'setup', value: `${nTypists} typists, ${munis.length} municipalities, ${paced ? `a save every ${opts.pauseMs / 1000} s` : `${rounds} round(s), no pause`}`, note: `${fields} fields per form, ${saves} saves per entry${paced ? '; at most one entry per municipality in progress at once' : ''}` },
      { bench: B, metric: L + 'duration', value: ms(elapsed), note: paced ? 'the time bound (entries in progress left as they are)' : stopTaking ? 'stopped by the time bound' : 'all tasks done' },
      { bench: B, metric: L + 'entries submitted', value: String(entriesDone), note: `complete at end ${complete}/${munis.length}, leader deletes ${deletes}` },
      {
        bench: B,
        metric: L + 'save p99',
        value: ms(draftS.p99),
        note: `p50 ${ms(draftS.p50)}, n=${draftS.n}; floor: one typist alone p99 ${ms(soloS.p99)}, p50 ${ms(soloS.p50)} (this server, before the load)`,
      },
      {
        bench: B,
        metric: L + 'throughput',
        value: `${((typing / elapsed) * 1000).toFixed(1)} req/s`,
        note: `${((samples.draft.length / elapsed) * 1000).toFixed(1)} saves/s; floor: one typist alone ${(1000 / soloS.p50).toFixed(0)} saves/s (1 / its p50)`,
      },
    );
    if (cpuBefore !== null && cpuAfter !== null) {
      const cpu = cpuAfter - cpuBefore;
      figures.push({
        bench: B,
        metric: L + 'server CPU',
        value: `${((cpu / elapsed) * 100).toFixed(0)} % of one core`,
        note: `${ms(cpu / Math.max(1, typing + samples.health.length))} per request`,
      });
    }
    figures.push({
      bench: B,
      metric: L + 'client CPU (this process)',
      value: `${(((clientCpu.user + clientCpu.system) / 1000 / elapsed) * 100).toFixed(0)} % of one core`,
      note: 'the simulated typists share the 2 cores with the server',
    });
    for (const k of ['claim', 'draft', 'submit', 'delete', 'health'] as const) {
      const s = per(k);
      if (s.n > 0) figures.push({ bench: B, metric: L + (k === 'health' ? 'GET /api/health under load' : `${k} latency`), value: `p50 ${ms(s.p50)}, p99 ${ms(s.p99)}`, note: `n=${s.n}, max ${ms(s.max)}` });
    }
    figures.push(
      { bench: B, metric: L + 'single-user save (before load)', value: `p50 ${ms(soloS.p50)}, p99 ${ms(soloS.p99)}`, note: `n=${soloS.n}` },
      { bench: B, metric: L + 'ratio save p50 load/single', value: ratio(draftS.p50 / soloS.p50) },
      { bench: B, metric: L + 'GET /api/health idle', value: `p50 ${ms(hIdle.p50)}, p99 ${ms(hIdle.p99)}`, note: `under load p50 ${ratio(healthS.p50 / hIdle.p50)}` },
      { bench: B, metric: L + 'errors', value: String(errors.length), note: errors.length ? `!!! ${errors[0]}` : 'none' },
    );
    if (errors.length > 0) {
      process.stderr.write(`\n!!!!!!!! LOAD BENCHMARK: ${errors.length} ERROR(S) !!!!!!!!\n`);
      for (const e of errors.slice(0, 10)) process.stderr.write(`  ${e}\n`);
      process.stderr.write('\n');
      process.exitCode = 1;
    }
  } finally {
    await server.stop();
  }
  return figures;
}
