/**
 * The gemeente installation (issue 5, server part 1): Almere (0034) in kieskring 5 Lelystad from the
 * real TK2021 110a and the Lelystad 230b; own key UID=PSB0034; polling stations by API and CSV;
 * entries for three polling stations twice; completion allows phase 3.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { AppContext } from '../../src/server/context.ts';
import { allCountsComplete, completedUnits } from '../../src/server/counts.ts';
import { DB_FILE } from '../../src/server/main.ts';
import type { EntryForm } from '../../src/domain/entry.ts';
import { changeForm, formFromOfficial, municipalityTotals, preparePhase2, typeEntry, type Phase2Setup } from '../support/counts.ts';
import { adminClient, userClient, startTestServer, type ApiClient, type ApiResponse, type TestServer } from '../support/server.ts';
import { DEFINITION_FILE, importCandidateLists, importDefinition, tk2021, ZWOLLE_LISTS_FILE } from './fixtures.ts';

const ALMERE = 34;

function csvUpload(client: ApiClient, text: string | Buffer, query = ''): Promise<ApiResponse> {
  return client.upload(`/api/polling-stations/import${query}`, 'stembureaus.csv', text);
}

/** A polling station's PV as a form: the totals of another Lelystad municipality, without Z. */
async function stationForm(code: string): Promise<EntryForm> {
  return changeForm((await municipalityTotals(code)).form, { Z: null });
}

/** Claim and submit; acknowledge the warnings the server reports (if any). */
async function enter(typist: ApiClient, code: string, form: EntryForm): Promise<ApiResponse> {
  const c = await typist.post(`/api/counts/${code}/claim`);
  assert.equal(c.status, 200, c.text);
  let r = await typist.post(`/api/counts/${code}/submit`, { form, acknowledged: [] });
  assert.equal(r.status, 200, r.text);
  if (r.json.outcome.kind === 'needs_attention' && r.json.outcome.blocking === 'warnings') {
    const codes = r.json.checks.filter((x: { severity: string }) => x.severity === 'warning').map((x: { code: string }) => x.code);
    r = await typist.post(`/api/counts/${code}/submit`, { form, acknowledged: codes });
    assert.equal(r.status, 200, r.text);
  }
  return r;
}

async function auditActions(admin: ApiClient): Promise<string[]> {
  const r = await admin.get('/api/audit?limit=500');
  assert.equal(r.status, 200, r.text);
  return (r.json.records as { action: string }[]).map((e) => e.action);
}

describe('gemeente installation: Almere (TK2021)', () => {
  let server: TestServer;
  let admin: ApiClient;
  let leader: ApiClient;
  let typists: ApiClient[];
  let reader: ApiClient;

  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
    typists = [await userClient(server, admin, 'invoer', 'invoer1'), await userClient(server, admin, 'invoer', 'invoer2')];
    reader = await userClient(server, admin, 'alleen_lezen', 'lezer');
  });
  after(() => server.close());

  test('Aanmaken verkiezing: the preview lists municipalities by kieskring; confirm with stemgebied GEMEENTE 34', async () => {
    const p = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
    assert.equal(p.status, 200, p.text);
    const almere = p.json.municipalities.find((m: { code: string }) => m.code === '0034');
    assert.deepEqual(almere, { number: 34, code: '0034', name: 'Almere', kieskring: 5 });
    const kieskringOrder = p.json.municipalities.map((m: { kieskring: number }) => m.kieskring);
    assert.deepEqual(kieskringOrder, [...kieskringOrder].sort((a: number, b: number) => a - b));
    assert.ok(p.json.municipalities.length > 300);
    // both ways of choosing, or none, are refused
    const both = await admin.post('/api/election/definition/confirm', {
      uploadId: p.json.uploadId,
      hashConfirmed: true,
      kieskring: 5,
      stemgebied: { category: 'GEMEENTE', number: ALMERE },
    });
    assert.equal(both.status, 400, both.text);
    const unknown = await admin.post('/api/election/definition/confirm', {
      uploadId: p.json.uploadId,
      hashConfirmed: true,
      stemgebied: { category: 'GEMEENTE', number: 7777 },
    });
    assert.equal(unknown.status, 422, unknown.text);
    assert.equal(unknown.json.error.code, 'election.gemeente_unknown');
    const c = await admin.post('/api/election/definition/confirm', {
      uploadId: p.json.uploadId,
      hashConfirmed: true,
      stemgebied: { category: 'GEMEENTE', number: ALMERE },
    });
    assert.equal(c.status, 200, c.text);
    const e = await reader.get('/api/election');
    assert.deepEqual(e.json.election.stemgebied, {
      category: 'GEMEENTE',
      number: 34,
      code: '0034',
      name: 'Almere',
      kieskring: { number: 5, name: 'Lelystad' },
    });
    const regions = await reader.get('/api/election/regions');
    assert.equal(regions.status, 200);
    assert.deepEqual(regions.json.municipalities.map((m: { code: string }) => m.code), ['0034']);
    assert.ok((await auditActions(admin)).includes('election.definition.import'));
  });

  test("candidate lists: the kieskring's (Lelystad); another kieskring's are refused", async () => {
    const bytes = tk2021(ZWOLLE_LISTS_FILE);
    const wrong = await admin.upload('/api/election/candidate-lists/preview', ZWOLLE_LISTS_FILE, bytes);
    assert.equal(wrong.status, 422, wrong.text);
    await importCandidateLists(admin);
    const e = await reader.get('/api/election');
    assert.equal(e.json.election.candidateLists.fileName, 'Kandidatenlijsten_TK2021_Lelystad.eml.xml');
  });

  test('own key: UID=PSB0034, CN=Gemeente Almere, gemeente file name; municipality key import refused', async () => {
    const r = await admin.post('/api/keys/own');
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.key.subject, /UID=PSB0034/);
    assert.match(r.json.key.subject, /CN=Gemeente Almere/);
    assert.doesNotMatch(r.json.key.subject, /HSB/);
    assert.equal(r.json.key.fileName, 'public_key_uitslag_tk2021-gemeente_almere.crt');
    const cert = await admin.get('/api/keys/own/certificate');
    assert.equal(cert.status, 200);
    assert.match(cert.headers.get('content-disposition') ?? '', /public_key_uitslag_tk2021-gemeente_almere\.crt/);
    const imp = await admin.upload('/api/election/regions/0034/key/preview', 'x.crt', cert.bytes);
    assert.equal(imp.status, 409, imp.text);
    assert.equal(imp.json.error.code, 'stemgebied.hsb_only');
    assert.match(imp.json.error.message, /hoofdstembureau/);
    const conf = await admin.post('/api/election/regions/0034/key/confirm', { uploadId: '0'.repeat(32) });
    assert.equal(conf.status, 409, conf.text);
  });

  test('polling stations by API: add, refuse bad input, edit, delete', async () => {
    const empty = await reader.get('/api/polling-stations');
    assert.equal(empty.status, 200, empty.text);
    assert.deepEqual(empty.json.pollingStations, []);
    assert.equal(empty.json.eligibleVoters, null);
    assert.deepEqual(empty.json.gemeente, { code: '0034', name: 'Almere' });

    const a = await admin.post('/api/polling-stations', { number: 1, name: 'Stadhuis', postcode: '1315hr' });
    assert.equal(a.status, 201, a.text);
    assert.deepEqual(
      { number: a.json.pollingStation.number, code: a.json.pollingStation.code, postcode: a.json.pollingStation.postcode },
      { number: 1, code: 'SB1', postcode: '1315 HR' },
    );
    assert.equal((await admin.post('/api/polling-stations', { number: 2, name: 'Bibliotheek' })).status, 201);
    const dup = await admin.post('/api/polling-stations', { number: 1, name: 'Nog een' });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.error.code, 'polling_station.exists');
    const badPc = await admin.post('/api/polling-stations', { number: 3, name: 'X', postcode: '0123 AB' });
    assert.equal(badPc.status, 422);
    assert.equal(badPc.json.error.code, 'polling_station.postcode');
    assert.equal((await admin.post('/api/polling-stations', { number: 0, name: 'X' })).status, 400);
    assert.equal((await admin.post('/api/polling-stations', { number: 3, name: '  ' })).status, 422);

    const ed = await admin.request('PUT', '/api/polling-stations/2', { number: 5, name: 'Bibliotheek De Nieuwe Bibliotheek', postcode: '1315 HZ' });
    assert.equal(ed.status, 200, ed.text);
    assert.equal(ed.json.pollingStation.code, 'SB5');
    assert.equal((await admin.request('PUT', '/api/polling-stations/2', { name: 'weg' })).status, 404);
    assert.equal((await admin.request('PUT', '/api/polling-stations/5', { number: 1, name: 'botsing' })).status, 409);

    assert.equal((await admin.post('/api/polling-stations/5/delete')).status, 200);
    assert.equal((await admin.post('/api/polling-stations/5/delete')).status, 404);
    const list = await reader.get('/api/polling-stations');
    assert.deepEqual(list.json.pollingStations.map((p: { number: number }) => p.number), [1]);
    const actions = await auditActions(admin);
    for (const x of ['polling_station.add', 'polling_station.update', 'polling_station.delete']) assert.ok(actions.includes(x), x);
  });

  test('polling stations by CSV: every bad case refused with line numbers and nothing changed; replace needs confirmation', async () => {
    const before = (await reader.get('/api/polling-stations')).json.pollingStations;
    const bad: [string, RegExp, number[]][] = [
      ['nummer;naam;postcode\n1;A;1315 HR\n1;B;1315 HR\n', /komt al voor op regel 2/, [3]],
      ['nummer;naam;postcode\n1;A;1315 HR\n;B;1315 HR\n', /ontbreekt/, [3]],
      ['nummer;naam;postcode\n1;A;1315 HR\n2;B;ABCD 12\n3;C;1315\n', /geen geldige postcode/, [3, 4]],
      ['naam;nummer\nA;1\n', /Kopregel/, [1]],
    ];
    for (const [text, re, lines] of bad) {
      const r = await csvUpload(admin, text, '?replace=true');
      assert.equal(r.status, 422, `${text}: ${r.text}`);
      assert.equal(r.json.error.code, 'polling_station.csv');
      assert.match(JSON.stringify(r.json.error.lines), re, text);
      assert.deepEqual(r.json.error.lines.map((l: { line: number }) => l.line), lines, text);
    }
    assert.deepEqual((await reader.get('/api/polling-stations')).json.pollingStations, before);

    const good = '\ufeffnummer;naam;postcode\r\n1;Stadhuis Almere;1315 HR\r\n2;"Kerk; De Ark";1324 AB\r\n3;Mobiel stembureau;\r\n';
    const noConfirm = await csvUpload(admin, good);
    assert.equal(noConfirm.status, 409, noConfirm.text);
    assert.equal(noConfirm.json.error.code, 'polling_station.exists');
    const r = await csvUpload(admin, good, '?replace=true');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.imported, 3);
    assert.deepEqual(
      r.json.pollingStations.map((p: { code: string; name: string; postcode: string | null }) => [p.code, p.name, p.postcode]),
      [
        ['SB1', 'Stadhuis Almere', '1315 HR'],
        ['SB2', 'Kerk; De Ark', '1324 AB'],
        ['SB3', 'Mobiel stembureau', null],
      ],
    );
    assert.ok((await auditActions(admin)).includes('polling_station.import.replace'));
  });

  test("the municipality's eligible voters", async () => {
    assert.equal((await admin.request('PUT', '/api/election/eligible-voters', { count: -1 })).status, 400);
    const r = await admin.request('PUT', '/api/election/eligible-voters', { count: 166_000 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.eligibleVoters.count, 166_000);
    assert.equal((await reader.get('/api/polling-stations')).json.eligibleVoters.count, 166_000);
    assert.ok((await auditActions(admin)).includes('gemeente.eligible_voters'));
  });

  test('phase 2: stations fixed; three polling stations entered twice; import refused; phase 3 when complete', async () => {
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
    const add = await admin.post('/api/polling-stations', { number: 9, name: 'Te laat' });
    assert.equal(add.status, 409);
    assert.equal(add.json.error.code, 'phase.wrong');

    const shape = await reader.get('/api/counts/form-shape');
    assert.equal(shape.json.unitKind, 'stembureau');
    assert.equal(shape.json.scalars.find((f: { key: string }) => f.key === 'Z').required, false);
    assert.equal(shape.json.scalars.find((f: { key: string }) => f.key === 'A').required, true);

    const status = await reader.get('/api/counts/status');
    assert.equal(status.json.unitKind, 'stembureau');
    assert.equal(status.json.total, 3);
    assert.deepEqual(
      status.json.municipalities.map((u: { code: string; postcode: string | null; unitKind: string }) => [u.code, u.postcode, u.unitKind]),
      [
        ['SB1', '1315 HR', 'stembureau'],
        ['SB2', '1324 AB', 'stembureau'],
        ['SB3', null, 'stembureau'],
      ],
    );

    // a polling station that does not exist; a municipality code in a gemeente
    const ghost = await typists[0]!.post('/api/counts/SB99/claim');
    assert.equal(ghost.status, 404);
    assert.equal(ghost.json.error.code, 'polling_station.not_found');
    assert.equal((await typists[0]!.post('/api/counts/0034/claim')).status, 404);
    // importing count files is for the HSB
    const imp = await leader.upload('/api/counts/import', 'Telling_TK2021_gemeente_Almere.zip', Buffer.from('PK'));
    assert.equal(imp.status, 409);
    assert.equal(imp.json.error.code, 'stemgebied.hsb_only');

    const forms = { SB1: await stationForm('0050'), SB2: await stationForm('0184'), SB3: await stationForm('0303') };
    // Z left empty is not an error (F.101) and gives no W.205
    const draft = await typists[0]!.post('/api/counts/SB1/claim');
    assert.equal(draft.status, 200);
    const saved = await typists[0]!.request('PUT', '/api/counts/SB1/draft', { form: forms.SB1 });
    assert.equal(saved.status, 200, saved.text);
    const codes = saved.json.checks.map((c: { code: string }) => c.code);
    assert.ok(!codes.includes('F.101') && !codes.includes('W.205'), codes.join(','));
    assert.equal((await typists[0]!.post('/api/counts/SB1/release')).status, 200);

    for (const [code, form] of Object.entries(forms)) {
      const first = await enter(typists[0]!, code, form);
      assert.equal(first.json.state, 'first_done', `${code} ${first.text}`);
    }
    const phaseMid = await leader.get('/api/phase');
    assert.equal(phaseMid.json.phases[2].canActivate, false);
    for (const [code, form] of Object.entries(forms)) {
      const second = await enter(typists[1]!, code, form);
      assert.equal(second.json.state, 'complete', `${code} ${second.text}`);
    }
    const detail = await leader.get('/api/counts/SB2');
    assert.equal(detail.status, 200, detail.text);
    assert.deepEqual(detail.json.unit, { kind: 'stembureau', code: 'SB2', number: 2, name: 'Kerk; De Ark', postcode: '1324 AB' });
    assert.equal(detail.json.state, 'complete');
    assert.ok(!detail.json.actions.includes('import'));

    // a station with entries is never deleted
    const del = await admin.post('/api/polling-stations/1/delete');
    assert.equal(del.status, 409);
    assert.equal(del.json.error.code, 'polling_station.has_entries');

    const after = await reader.get('/api/counts/status');
    assert.equal(after.json.complete, 3);
    const phase = await leader.get('/api/phase');
    assert.equal(phase.json.phases[2].canActivate, true, JSON.stringify(phase.json));

    // completedUnits for the documents: read-only on the same database
    const db = new Database(path.join(server.dataDir, DB_FILE), { readonly: true });
    try {
      const ctx = { db } as unknown as AppContext;
      assert.equal(allCountsComplete(ctx), true);
      const units = completedUnits(ctx);
      assert.deepEqual(units.map((u) => [u.kind, u.code, u.number, u.postcode]), [
        ['stembureau', 'SB1', 1, '1315 HR'],
        ['stembureau', 'SB2', 2, '1324 AB'],
        ['stembureau', 'SB3', 3, null],
      ]);
      const t = await municipalityTotals('0184');
      assert.equal(units[1]!.counts.totalCounted, t.counts.totalCounted);
      assert.equal(units[1]!.counts.cast, 0);
      assert.deepEqual(units[1]!.form, forms.SB2);
      assert.equal(units[1]!.counts.lists.reduce((n, l) => n + l.total, 0), t.counts.totalCounted);
    } finally {
      db.close();
    }
    assert.equal((await leader.post('/api/phase', { target: 3 })).status, 200);
  });
});

describe('HSB installation: gemeente-only functions refused', () => {
  let server: TestServer;
  after(() => server?.close());
  test('polling stations and eligible voters: 409 for an HSB', async () => {
    server = await startTestServer();
    const admin = await adminClient(server);
    assert.equal((await admin.get('/api/polling-stations')).json.error.code, 'election.none');
    await importDefinition(admin);
    const e = await admin.get('/api/election');
    assert.deepEqual(e.json.election.stemgebied, { category: 'KIESKRING', number: 5, name: 'Lelystad' });
    for (const r of [
      await admin.get('/api/polling-stations'),
      await admin.post('/api/polling-stations', { number: 1, name: 'X' }),
      await admin.request('PUT', '/api/election/eligible-voters', { count: 1 }),
      await admin.upload('/api/polling-stations/import', 'x.csv', 'nummer;naam\n1;X\n'),
    ]) {
      assert.equal(r.status, 409, r.text);
      assert.equal(r.json.error.code, 'stemgebied.not_gemeente');
    }
  });
});

/** The same error/warning checks as the HSB: both installations side by side, the same numbers typed. */
describe('gemeente installation: checks, differences, deleted and fixed polling stations (same engine as the HSB)', () => {
  let gem: TestServer;
  let hsbServer: TestServer;
  let hsb: Phase2Setup;
  let admin: ApiClient;
  let leader: ApiClient;
  let t1: ApiClient, t2: ApiClient, t3: ApiClient;
  /** The PV of polling station n: the totals of a Lelystad municipality without Z (and that municipality's code). */
  const FROM: Record<string, string> = { SB1: '0184', SB2: '0050', SB3: '0171' };
  const forms: Record<string, EntryForm> = {};

  before(async () => {
    [gem, hsbServer] = await Promise.all([startTestServer(), startTestServer()]);
    hsb = await preparePhase2(hsbServer);
    admin = await adminClient(gem);
    const p = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
    assert.equal(p.status, 200, p.text);
    const c = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, stemgebied: { category: 'GEMEENTE', number: ALMERE } });
    assert.equal(c.status, 200, c.text);
    await importCandidateLists(admin);
    leader = await userClient(gem, admin, 'verkiezingsleider', 'leider');
    [t1, t2, t3] = [await userClient(gem, admin, 'invoer', 'invoer1'), await userClient(gem, admin, 'invoer', 'invoer2'), await userClient(gem, admin, 'invoer', 'invoer3')];
    for (const [n, name] of [[1, 'Stadhuis'], [2, 'Bibliotheek'], [3, 'Sporthal'], [7, 'Vervallen stembureau']] as const) {
      const r = await admin.post('/api/polling-stations', { number: n, name });
      assert.equal(r.status, 201, r.text);
    }
    // station 7 is deleted in phase 1; its code SB7 must be refused in phase 2
    assert.equal((await admin.post('/api/polling-stations/7/delete')).status, 200);
    assert.equal((await admin.request('PUT', '/api/election/eligible-voters', { count: 166_000 })).status, 200);
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
    for (const [code, from] of Object.entries(FROM)) forms[code] = await stationForm(from);
  });
  after(async () => {
    await gem?.close();
    await hsbServer?.close();
  });

  /** The same change on the HSB's form of the municipality the station's numbers come from: the HSB's checks. */
  async function hsbChecks(from: string, changes: Record<string, number | null>, typist: ApiClient): Promise<{ code: string; severity: string; fields: string[]; message: string }[]> {
    const r = await typeEntry(typist, from, changeForm(await formFromOfficial(from), changes));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.outcome.kind, 'needs_attention', r.text);
    assert.equal((await typist.post(`/api/counts/${from}/release`)).status, 200);
    return r.json.checks;
  }

  test('an error (F.201: A + B + C ≠ D): the HSB’s code and Dutch message; the entry cannot complete without the leader', async () => {
    const form = forms.SB1!;
    const changes = { A: form.scalars.A! + 5 };
    const bad = changeForm(form, changes);
    const r = await typeEntry(t1, 'SB1', bad);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.outcome.kind, 'needs_attention');
    assert.equal(r.json.outcome.blocking, 'errors');
    const errors = r.json.checks.filter((x: { severity: string }) => x.severity === 'error');
    assert.deepEqual(errors.map((x: { code: string }) => x.code), ['F.201']);
    assert.match(errors[0].message, /^Het aantal toegelaten kiezers \(D = [\d.]+\) is niet gelijk aan stempassen \+ volmachtbewijzen \+ kiezerspassen/);
    const hsbErrors = (await hsbChecks(FROM.SB1!, changes, hsb.typists[0]!)).filter((x) => x.severity === 'error');
    assert.deepEqual(errors, hsbErrors, 'same code, fields and message as at the HSB');

    // acknowledging does not pass an error; an unconfirmed submit keeps the draft
    const ack = await t1.post('/api/counts/SB1/submit', { form: bad, acknowledged: ['F.201'] });
    assert.equal(ack.json.outcome.kind, 'needs_attention', ack.text);
    const confirmed = await t1.post('/api/counts/SB1/submit', { form: bad, acknowledged: [], confirmErrors: true });
    assert.equal(confirmed.status, 200, confirmed.text);
    assert.equal(confirmed.json.outcome.kind, 'first_with_errors');
    assert.equal(confirmed.json.state, 'first_with_errors');

    // no typist can go on: the leader decides
    for (const t of [t1, t2, t3]) {
      const claim = await t.post('/api/counts/SB1/claim');
      assert.equal(claim.status, 409, claim.text);
      assert.match(claim.json.error.message, /\S/);
    }
    const typistView = await t2.get('/api/counts/SB1');
    assert.deepEqual(typistView.json.checks, []);
    assert.deepEqual(typistView.json.actions, []);
    const leaderView = await leader.get('/api/counts/SB1');
    assert.equal(leaderView.json.state, 'first_with_errors');
    assert.deepEqual(leaderView.json.checks.map((x: { code: string }) => x.code), ['F.201']);
    assert.ok(leaderView.json.actions.includes('delete'), leaderView.json.actions.join(','));
    const st = await leader.get('/api/counts/status');
    const row = st.json.municipalities.find((m: { code: string }) => m.code === 'SB1');
    assert.equal(row.indicator, 'waarschuwing');
    assert.deepEqual(row.warnings, ['F.201']);
    assert.equal((await leader.get('/api/phase')).json.phases[2].canActivate, false);

    assert.equal((await leader.post('/api/counts/SB1/delete', {})).status, 400, 'a reason is required');
    const del = await leader.post('/api/counts/SB1/delete', { reason: 'Typefout in A; proces-verbaal opnieuw ingevoerd' });
    assert.equal(del.status, 200, del.text);
    assert.equal(del.json.state, 'empty');
    assert.equal((await enter(t1, 'SB1', form)).json.state, 'first_done');
    assert.equal((await enter(t2, 'SB1', form)).json.state, 'complete');
    const audit = (await admin.get('/api/audit?limit=500')).json.records as { action: string; details: Record<string, unknown> }[];
    const rec = audit.find((x) => x.action === 'counts.first_entry_with_errors');
    assert.ok(rec, 'first entry with errors audited');
    assert.equal(rec.details.unitKind, 'stembureau');
    assert.equal(rec.details.number, 1);
    assert.equal(audit.find((x) => x.action === 'counts.delete')?.details.code, 'SB1');
  });

  test('a warning (W.201: blanco ≥ 3 %) must be acknowledged, by each typist; the HSB’s message', async () => {
    const form = forms.SB2!;
    const s = form.scalars;
    // raise the blank votes (and with them H, D and A) until they are 3 % of H; every sum stays right
    const k = Math.max(0, Math.ceil((3 * s.H! - 100 * s.F!) / 97)) + 1;
    const changes = { F: s.F! + k, H: s.H! + k, D: s.D! + k, A: s.A! + k };
    const warned = changeForm(form, changes);
    const r = await typeEntry(t1, 'SB2', warned);
    assert.equal(r.json.outcome.kind, 'needs_attention', r.text);
    assert.equal(r.json.outcome.blocking, 'warnings');
    assert.deepEqual(r.json.checks.map((x: { code: string }) => x.code), ['W.201']);
    assert.match(r.json.checks[0].message, /blanco stemmen .* 3% of meer/);
    const hsbWarnings = (await hsbChecks(FROM.SB2!, changes, hsb.typists[1]!)).filter((x) => x.code === 'W.201');
    assert.deepEqual(r.json.checks, hsbWarnings, 'same code, fields and message as at the HSB');

    const wrongAck = await t1.post('/api/counts/SB2/submit', { form: warned, acknowledged: ['W.202'] });
    assert.equal(wrongAck.json.outcome.kind, 'needs_attention', 'acknowledging another warning does not count');
    const first = await t1.post('/api/counts/SB2/submit', { form: warned, acknowledged: ['W.201'] });
    assert.equal(first.json.outcome.kind, 'first_done', first.text);
    const second = await typeEntry(t2, 'SB2', warned);
    assert.equal(second.json.outcome.kind, 'needs_attention', 'the second typist acknowledges too');
    const done = await t2.post('/api/counts/SB2/submit', { form: warned, acknowledged: ['W.201'] });
    assert.equal(done.json.outcome.kind, 'complete', done.text);
    const row = (await leader.get('/api/counts/status')).json.municipalities.find((m: { code: string }) => m.code === 'SB2');
    assert.deepEqual(row.warnings, ['W.201']);
  });

  test('two different entries → differences; the leader sees them and takes the second entry over (final)', async () => {
    const form = forms.SB3!;
    const c1 = form.lists[0]!.candidates[0]!;
    const c2 = form.lists[0]!.candidates[1]!;
    const wrong = changeForm(form, { 'list.1.1': c1 + 1, 'list.1.2': c2 - 1 });
    assert.equal((await enter(t1, 'SB3', wrong)).json.state, 'first_done');
    const s1 = await typeEntry(t2, 'SB3', form);
    assert.equal(s1.json.outcome.kind, 'not_identical', s1.text);
    assert.deepEqual(s1.json.outcome.fields, ['list.1.1', 'list.1.2']);
    assert.ok(!s1.text.includes(`"first"`), 'the second typist does not see the first entry');
    const s2 = await t2.post('/api/counts/SB3/submit', { form, acknowledged: [], confirmDifferent: true });
    assert.equal(s2.json.outcome.kind, 'differences', s2.text);
    assert.equal(s2.json.state, 'differences');

    assert.equal((await t3.get('/api/counts/SB3/differences')).status, 403);
    const diff = await leader.get('/api/counts/SB3/differences');
    assert.equal(diff.status, 200, diff.text);
    assert.deepEqual(
      diff.json.fields.map((f: { id: string; first: number; second: number }) => [f.id, f.first, f.second]),
      [
        ['list.1.1', c1 + 1, c1],
        ['list.1.2', c2 - 1, c2],
      ],
    );
    assert.match(diff.json.fields[0].label, /^Lijst 1 VVD: 1\. Rutte/);
    assert.equal(diff.json.first.username, 'invoer1');
    assert.equal(diff.json.second.username, 'invoer2');
    // nothing to resolve elsewhere; a reason is required
    assert.equal((await leader.get('/api/counts/SB1/differences')).status, 409);
    assert.equal((await leader.post('/api/counts/SB3/resolve', { choice: 'second' })).status, 400);

    const res = await leader.post('/api/counts/SB3/resolve', { choice: 'second', reason: 'Tweede invoer klopt met het proces-verbaal' });
    assert.equal(res.status, 200, res.text);
    // "Tweede invoer overnemen" is final (guide step 9): no third entry
    assert.equal(res.json.state, 'complete');
    assert.equal((await t3.post('/api/counts/SB3/claim')).json.error.code, 'entry.wrong_state');
    const detail = await leader.get('/api/counts/SB3');
    assert.deepEqual(detail.json.forms.second, form);
    const audit = (await admin.get('/api/audit?limit=500')).json.records as { action: string; details: Record<string, unknown> }[];
    const rec = audit.find((x) => x.action === 'counts.resolve.second');
    assert.ok(rec, 'resolution audited');
    assert.deepEqual([rec.details.code, rec.details.unitKind, rec.details.number, rec.details.reason], ['SB3', 'stembureau', 3, 'Tweede invoer klopt met het proces-verbaal']);
    assert.equal((await leader.get('/api/counts/status')).json.complete, 3);
  });

  test('results for a polling station deleted in phase 1 are refused (404, Dutch message) and leave no trace', async () => {
    const lastAudit = async () => (await admin.get('/api/audit?limit=1')).json.records[0].id as number;
    const auditBefore = await lastAudit();
    const attempts: [string, ApiResponse][] = [
      ['claim', await t1.post('/api/counts/SB7/claim')],
      ['draft', await t1.request('PUT', '/api/counts/SB7/draft', { form: forms.SB1 })],
      ['submit', await t1.post('/api/counts/SB7/submit', { form: forms.SB1, acknowledged: [] })],
      ['release', await t1.post('/api/counts/SB7/release')],
      ['detail', await leader.get('/api/counts/SB7')],
      ['differences', await leader.get('/api/counts/SB7/differences')],
      ['delete', await leader.post('/api/counts/SB7/delete', { reason: 'weg' })],
      ['resolve', await leader.post('/api/counts/SB7/resolve', { choice: 'delete_both', reason: 'weg' })],
    ];
    for (const [what, r] of attempts) {
      assert.equal(r.status, 404, `${what}: ${r.text}`);
      assert.equal(r.json.error.code, 'polling_station.not_found', what);
      assert.equal(r.json.error.message, 'Stembureau 7 bestaat niet (meer) in deze gemeente.', what);
    }
    const st = await leader.get('/api/counts/status');
    assert.deepEqual(st.json.municipalities.map((m: { code: string }) => m.code), ['SB1', 'SB2', 'SB3']);
    assert.equal(st.json.total, 3);
    assert.equal(await lastAudit(), auditBefore, 'no audit record for refused requests');
    assert.equal((await leader.get('/api/phase')).json.phases[2].canActivate, true, 'the deleted station is not missing');
  });

  test('polling stations cannot be changed in phase 2 (edit, renumber, delete, add, CSV import)', async () => {
    const before = (await leader.get('/api/polling-stations')).json;
    assert.equal(before.editable, false);
    const refused: [string, ApiResponse][] = [
      ['edit', await admin.request('PUT', '/api/polling-stations/3', { name: 'Sporthal (nieuw)' })],
      ['renumber', await admin.request('PUT', '/api/polling-stations/3', { number: 4, name: 'Sporthal' })],
      ['add back 7', await admin.post('/api/polling-stations', { number: 7, name: 'Vervallen stembureau' })],
      ['csv', await csvUpload(admin, 'nummer;naam\n1;A\n', '?replace=true')],
    ];
    for (const [what, r] of refused) {
      assert.equal(r.status, 409, `${what}: ${r.text}`);
      assert.equal(r.json.error.code, 'phase.wrong', what);
      assert.match(r.json.error.message, /fase/i, what);
    }
    const del = await admin.post('/api/polling-stations/3/delete');
    assert.equal(del.status, 409, del.text);
    assert.ok(['phase.wrong', 'polling_station.has_entries'].includes(del.json.error.code), del.text);
    assert.deepEqual((await leader.get('/api/polling-stations')).json.pollingStations, before.pollingStations);
    assert.equal((await t1.get('/api/counts/SB3')).json.unit.name, 'Sporthal', 'the entry engine still names the station as before');
  });
});

describe('gemeente installation: a new polling station with the number of a deleted one starts with an empty history', () => {
  let gem: TestServer;
  before(async () => {
    gem = await startTestServer();
  });
  after(async () => {
    await gem?.close();
  });

  test('the deleted station’s claims stay in the database but are not shown as the new station’s history', async () => {
    const admin = await adminClient(gem);
    const p = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
    assert.equal(p.status, 200, p.text);
    const c = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, stemgebied: { category: 'GEMEENTE', number: ALMERE } });
    assert.equal(c.status, 200, c.text);
    await importCandidateLists(admin);
    const leader = await userClient(gem, admin, 'verkiezingsleider', 'leider');
    const typist = await userClient(gem, admin, 'invoer', 'invoer1');
    assert.equal((await admin.post('/api/polling-stations', { number: 5, name: 'Oud gebouw' })).status, 201);
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
    assert.equal((await typist.post('/api/counts/SB5/claim')).status, 200);
    assert.equal((await typist.post('/api/counts/SB5/release')).status, 200);
    const old = await leader.get('/api/counts/SB5');
    assert.deepEqual(old.json.history.map((h: { action: string }) => h.action), ['claim', 'release']);

    assert.equal((await leader.post('/api/phase', { target: 1 })).status, 200, 'nothing entered: back to phase 1');
    assert.equal((await admin.post('/api/polling-stations/5/delete')).status, 200);
    gem.clock.advance(1);
    assert.equal((await admin.post('/api/polling-stations', { number: 5, name: 'Nieuw gebouw' })).status, 201);
    assert.equal((await leader.post('/api/phase', { target: 2 })).status, 200);
    const fresh = await leader.get('/api/counts/SB5');
    assert.equal(fresh.status, 200, fresh.text);
    assert.equal(fresh.json.unit.name, 'Nieuw gebouw');
    assert.deepEqual(fresh.json.history, [], 'the old station’s history is not the new one’s');
    assert.equal((await typist.post('/api/counts/SB5/claim')).status, 200);
    const now = await leader.get('/api/counts/SB5');
    assert.deepEqual(now.json.history.map((h: { action: string }) => h.action), ['claim']);
    const db = new Database(path.join(gem.dataDir, DB_FILE), { readonly: true });
    try {
      const rows = db.prepare("SELECT count(*) AS n FROM count_history WHERE code = 'SB5'").get() as { n: number };
      assert.equal(rows.n, 3, 'nothing is erased from the append-only history');
    } finally {
      db.close();
    }
  });
});
