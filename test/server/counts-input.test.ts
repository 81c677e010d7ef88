/**
 * Phase 2 refusals: every bad count file and every bad form is refused with a clear Dutch message
 * and nothing is stored; claims (who has it, release by the leader); drafts survive a restart.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RsaKeyPair } from '../../src/crypto/keys.ts';
import { signDetached } from '../../src/crypto/cms.ts';
import { craftZip } from '../transfer/craft.ts';
import { readFileSync } from 'node:fs';
import { eml as emlPath } from '../support/paths.ts';
import {
  build510b,
  buildSignedCountZip,
  changeForm,
  formFromOfficial,
  importCountZip,
  municipalityCertificate,
  preparePhase2,
  testKeyPair,
  typedGroups,
  uploadCountZip,
  type Phase2Setup,
} from '../support/counts.ts';
import { ApiClient, startTestServer, TestClock, type TestServer } from '../support/server.ts';

/** Deterministic but changing "randomness" for hidden groups, so a new attempt gets other groups. */
function countingRandom() {
  let n = 7;
  return { randomInt: (max: number) => (n = (n * 5 + 3) % 97) % max, randomBytes: (k: number) => randomBytes(k) };
}

describe('phase 2: bad count files, nothing stored', () => {
  let server: TestServer;
  let s: Phase2Setup;
  let key: RsaKeyPair;
  let cert: string;

  before(async () => {
    server = await startTestServer({ random: countingRandom(), config: { countEmlMaxBytes: 2 * 1024 * 1024 } });
    key = await testKeyPair();
    s = await preparePhase2(server, { keysFor: ['0034', '0050'], key });
    cert = municipalityCertificate('0034', 'Almere', key);
  });
  after(() => server.close());

  async function refused(zip: Buffer, fileName: string, code: string | RegExp, message?: RegExp): Promise<void> {
    const j = await uploadCountZip(s.leader, zip, fileName);
    assert.equal(j.status, 200, j.text);
    assert.equal(j.json.stage, 'failed', JSON.stringify(j.json));
    if (typeof code === 'string') assert.equal(j.json.error.code, code, JSON.stringify(j.json.error));
    else assert.match(j.json.error.code, code, JSON.stringify(j.json.error));
    assert.ok(j.json.error.message.length > 10);
    if (message) assert.match(j.json.error.message, message);
    assert.equal(j.json.preview, undefined);
  }

  const almere = (opts: Partial<Parameters<typeof buildSignedCountZip>[0]> = {}) => buildSignedCountZip({ code: '0034', key, cert, ...opts });

  test('tampered zip: one byte of the EML changed after signing', async () => {
    const z = await almere({
      tamper: (eml) => {
        const i = eml.indexOf('<Cast>') + '<Cast>'.length;
        eml[i] = eml[i] === 0x31 ? 0x32 : 0x31;
        return eml;
      },
    });
    await refused(z.zip, z.fileName, 'signature.invalid', /handtekening is ongeldig/);
  });

  test('signature by another key', async () => {
    const other = await testKeyPair('b');
    const z = await almere({ key: other, cert: municipalityCertificate('0034', 'Almere', other) });
    await refused(z.zip, z.fileName, /^signature\.(invalid|wrong-key)$/);
  });

  test('zip with extra, missing or nested entries, ../ or absolute names, a zip bomb', async () => {
    const z = await almere();
    const extra = await almere({ entries: (e, sig) => [e, sig, { name: 'leesmij.txt', data: Buffer.from('x') }] });
    await refused(extra.zip, z.fileName, 'zip.too-many-entries');
    const missing = await almere({ entries: (e) => [e] });
    await refused(missing.zip, z.fileName, 'zip.missing-signature');
    const sig = signDetached(z.eml, key.privateKeyPem, cert);
    for (const name of ['map/Telling_TK2021_gemeente_Almere.eml.xml', '../Telling_TK2021_gemeente_Almere.eml.xml', '/tmp/Telling_TK2021_gemeente_Almere.eml.xml']) {
      const crafted = craftZip([
        { name, data: z.eml },
        { name: `${name}.signature`, data: sig },
      ]);
      await refused(crafted, z.fileName, 'zip.bad-name', /onveilige of onverwachte bestandsnaam/);
    }
    // A huge entry: the header admits it …
    const bomb = craftZip([
      { name: 'Telling_TK2021_gemeente_Almere.eml.xml', data: Buffer.alloc(3 * 1024 * 1024, 0x20) },
      { name: 'Telling_TK2021_gemeente_Almere.eml.xml.signature', data: sig },
    ]);
    await refused(bomb, z.fileName, 'zip.too-large');
    // … or lies about it (declares 1 KB, inflates to 3 MB).
    const liar = craftZip([
      { name: 'Telling_TK2021_gemeente_Almere.eml.xml', data: Buffer.alloc(3 * 1024 * 1024, 0x20), declaredSize: 1024 },
      { name: 'Telling_TK2021_gemeente_Almere.eml.xml.signature', data: sig },
    ]);
    await refused(liar, z.fileName, 'zip.too-large');
    await refused(Buffer.from('geen zip'), z.fileName, 'zip.not-zip');
  });

  test('510b of a municipality of another kieskring', async () => {
    const eml = await build510b('0034', { municipality: { code: '0193', name: 'Zwolle' } });
    const z = await almere({ eml, emlName: 'Telling_TK2021_gemeente_Zwolle.eml.xml', zipName: 'Telling_TK2021_gemeente_Zwolle.zip' });
    await refused(z.zip, z.fileName, 'import.other_municipality', /Zwolle.*hoort niet bij kieskring 5/);
  });

  /** Almere has no entry, no history and no import in the audit log. */
  async function nothingStoredFor(code: string): Promise<void> {
    const st = await s.reader.get('/api/counts/status');
    assert.equal(st.json.municipalities.find((m: { code: string }) => m.code === code).state, 'empty');
    assert.deepEqual((await s.leader.get(`/api/counts/${code}`)).json.history, []);
    const audit = await s.admin.get('/api/audit?limit=1000');
    assert.ok(!audit.json.records.some((r: { action: string }) => r.action === 'counts.import'));
  }

  test('count file of another election (ElectionIdentifier): refused, nothing stored', async () => {
    const base = (await build510b('0034')).toString('utf8');
    assert.ok(base.includes('<ElectionIdentifier Id="TK2021">'));
    const other = Buffer.from(base.replace('<ElectionIdentifier Id="TK2021">', '<ElectionIdentifier Id="TK2017">').replace('2021-03-17</kr:ElectionDate>', '2017-03-15</kr:ElectionDate>'));
    await refused((await almere({ eml: other })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.other_election', /verkiezing TK2017.*TK2021/);
    // Only the date differs: still another election.
    const date = Buffer.from(base.replace('2021-03-17</kr:ElectionDate>', '2021-03-18</kr:ElectionDate>'));
    await refused((await almere({ eml: date })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.other_election');
    await nothingStoredFor('0034');
  });

  test('count file of another kieskring (ContestIdentifier): refused, nothing stored', async () => {
    const base = (await build510b('0034')).toString('utf8');
    assert.ok(base.includes('<ContestIdentifier Id="5">'));
    const other = Buffer.from(base.replace('<ContestIdentifier Id="5"><ContestName>Lelystad</ContestName>', '<ContestIdentifier Id="6"><ContestName>Zwolle</ContestName>'));
    await refused((await almere({ eml: other })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.other_kieskring', /kieskring 6.*kieskring 5/);
    await nothingStoredFor('0034');
  });

  test('another kind of EML inside the zip (510c of the kieskring, 230b candidate lists, 510b relabelled 510c): refused, nothing stored', async () => {
    const kieskring510c = readFileSync(emlPath('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml'));
    // As published (ManagingAuthority HSB5): refused for its kind, before any authority check.
    await refused((await almere({ eml: kieskring510c })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.kind', /510c/);
    // The same 510c under Almere's ManagingAuthority: refused for its kind.
    const as0034 = kieskring510c.toString('utf8').replace(/<AuthorityIdentifier Id="HSB5">[^<]*</, '<AuthorityIdentifier Id="0034">Almere<');
    assert.notEqual(as0034, kieskring510c.toString('utf8'));
    await refused((await almere({ eml: Buffer.from(as0034) })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.kind', /geen telbestand van een gemeente.*510c/);
    const lists230b = readFileSync(emlPath('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
    await refused((await almere({ eml: lists230b })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.kind', /230b/);
    const relabelled = Buffer.from((await build510b('0034')).toString('utf8').replace('Id="510b"', 'Id="510c"'));
    await refused((await almere({ eml: relabelled })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.kind', /510c/);
    await nothingStoredFor('0034');
  });

  test('no key imported, and a zip name naming another municipality', async () => {
    const k = await testKeyPair();
    const z = await buildSignedCountZip({ code: '0171', key: k, cert: municipalityCertificate('0171', 'Noordoostpolder', k) });
    await refused(z.zip, z.fileName, 'import.key_missing', /Importeer eerst de publieke sleutel van gemeente Noordoostpolder/);
    const a = await almere();
    await refused(a.zip, 'Telling_TK2021_gemeente_Urk.zip', 'import.name_mismatch', /Urk/);
  });

  test('a list or candidate not on the candidate lists', async () => {
    const base = (await build510b('0034')).toString('utf8');
    const list = Buffer.from(base.replace('<AffiliationIdentifier Id="1">', '<AffiliationIdentifier Id="99">'));
    await refused((await almere({ eml: list })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.unknown_list', /lijst 99 staat niet op de kandidatenlijsten/);
    const cand = Buffer.from(base.replace('<CandidateIdentifier Id="2"></CandidateIdentifier>', '<CandidateIdentifier Id="999"></CandidateIdentifier>'));
    await refused((await almere({ eml: cand })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.unknown_candidate', /kandidaat 999 van lijst 1/);
  });

  test('sums that do not add up (list total, TotalCounted, a polling station) and a reporting unit twice', async () => {
    const listOff = await build510b('0034', {
      mutate: (c) => ({ ...c, lists: c.lists.map((l, i) => (i === 0 ? { ...l, total: l.total + 1 } : l)), totalCounted: c.totalCounted + 1 }),
    });
    await refused((await almere({ eml: listOff })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.sums', /tellen niet op.*Lijst 1/);
    const totalOff = await build510b('0034', { mutate: (c) => ({ ...c, totalCounted: c.totalCounted + 5 }) });
    await refused((await almere({ eml: totalOff })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.sums', /geldige stemmen/);
    const good = await build510b('0034');
    const t = (await import('../support/counts.ts')).municipalityTotals;
    const counts = (await t('0034')).counts;
    const station = { number: 1, name: 'Stembureau Stadhuis', postcode: null, counts: { ...counts, totalCounted: counts.totalCounted + 1 } };
    const stationOff = await build510b('0034', { pollingStations: [station] });
    await refused((await almere({ eml: stationOff })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'import.sums', /stembureau Stembureau Stadhuis/);
    void good;
    const two = (
      await build510b('0034', {
        pollingStations: [
          { number: 1, name: 'Stembureau A', postcode: null, counts },
          { number: 2, name: 'Stembureau B', postcode: null, counts },
        ],
      })
    )
      .toString('utf8')
      .replace('Id="0034::SB2"', 'Id="0034::SB1"');
    await refused((await almere({ eml: Buffer.from(two) })).zip, 'Telling_TK2021_gemeente_Almere.zip', 'eml_structuur', /twee keer/);
  });

  test('wrong hash groups: refused, the upload is discarded, a new attempt gets fresh groups', async () => {
    const z = await almere();
    const j = await uploadCountZip(s.leader, z.zip, z.fileName);
    assert.equal(j.json.stage, 'ready', JSON.stringify(j.json));
    const hidden = j.json.preview.hiddenGroups;
    assert.match(j.json.preview.maskedHash, /····/);
    const right = typedGroups(z.eml, hidden);
    const bad = await s.leader.post('/api/counts/import/confirm', { uploadId: j.json.preview.uploadId, groups: ['ZZZZ', right[1]], acknowledged: [] });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'hash.format');
    const wrongGroup = right[0] === '0000' ? '0001' : '0000';
    const wrong = await s.leader.post('/api/counts/import/confirm', { uploadId: j.json.preview.uploadId, groups: [wrongGroup, right[1]], acknowledged: [] });
    assert.equal(wrong.status, 422);
    assert.equal(wrong.json.error.code, 'hash.mismatch');
    assert.equal((await s.leader.get(`/api/counts/import/${j.json.jobId}`)).status, 404);
    const again = await s.leader.post('/api/counts/import/confirm', { uploadId: j.json.preview.uploadId, groups: right, acknowledged: [] });
    assert.equal(again.status, 404);
    const j2 = await uploadCountZip(s.leader, z.zip, z.fileName);
    assert.notDeepEqual(j2.json.preview.hiddenGroups, hidden);
    // Another user cannot see or confirm the job.
    const other = await s.admin.get(`/api/counts/import/${j2.json.jobId}`);
    assert.equal(other.status, 403);
  });

  test('nothing was stored by any refusal', async () => {
    const st = await s.reader.get('/api/counts/status');
    assert.ok(st.json.municipalities.every((m: { state: string }) => m.state === 'empty'));
    const d = await s.leader.get('/api/counts/0034');
    assert.deepEqual(d.json.history, []);
    const audit = await s.admin.get('/api/audit?limit=1000');
    const actions = audit.json.records.map((r: { action: string }) => r.action);
    assert.ok(!actions.includes('counts.import'));
    assert.ok(actions.includes('counts.import.hash_mismatch'));
  });

  test('municipality already has an entry (typed draft, or imported)', async () => {
    const t1 = s.typists[0]!;
    assert.equal((await t1.post('/api/counts/0034/claim')).status, 200);
    const z = await almere();
    await refused(z.zip, z.fileName, 'entry.wrong_state', /invoer1/);
    assert.equal((await t1.post('/api/counts/0034/release')).json.state, 'empty');
    const zw = await buildSignedCountZip({ code: '0050', key, cert: municipalityCertificate('0050', 'Zeewolde', key) });
    const ok1 = await importCountZip(s.leader, zw);
    assert.equal(ok1.status, 200, ok1.text);
    await refused(zw.zip, zw.fileName, 'entry.wrong_state', /heeft al een invoer/);
  });

  test('bad numbers in the form via the API: 400 with a Dutch message, nothing stored', async () => {
    const t1 = s.typists[0]!;
    const form = await formFromOfficial('0184');
    assert.equal((await t1.post('/api/counts/0184/claim')).status, 200);
    const cases: [unknown, RegExp][] = [
      [-1, /negatief/],
      [1.5, /heel getal/],
      ['12', /heel getal|getal/],
      [1e12, /groter/],
      [Number.MAX_SAFE_INTEGER + 2, /groter|heel getal/],
      [true, /getal/],
    ];
    for (const [value, message] of cases) {
      const bad = { ...form, scalars: { ...form.scalars, Z: value } };
      for (const [method, url, body] of [
        ['PUT', '/api/counts/0184/draft', { form: bad }],
        ['POST', '/api/counts/0184/submit', { form: bad, acknowledged: [] }],
      ] as const) {
        const r = await t1.request(method, url, body);
        assert.equal(r.status, 400, `${String(value)}: ${r.text}`);
        assert.equal(r.json.error.code, 'request.invalid');
        assert.match(r.json.error.message, message);
        assert.match(r.json.error.message, /scalars\.Z/);
      }
    }
    const cand = changeForm(form, {});
    (cand.lists[0]!.candidates as (number | null | string)[])[3] = 'veel';
    const r = await t1.request('PUT', '/api/counts/0184/draft', { form: cand });
    assert.equal(r.status, 400);
    assert.match(r.json.error.message, /form\.lists\.0\.candidates\.3/);
    const shape = await t1.request('PUT', '/api/counts/0184/draft', { form: { ...form, lists: form.lists.slice(1) } });
    assert.equal(shape.status, 400);
    assert.equal(shape.json.error.code, 'entry.form_shape');
    const unknownKey = await t1.request('PUT', '/api/counts/0184/draft', { form: { ...form, scalars: { ...form.scalars, X: 1 } } });
    assert.equal(unknownKey.status, 400);
    // The draft is still the empty one from the claim.
    const again = await t1.post('/api/counts/0184/claim');
    assert.equal(again.json.form.scalars.Z, null);
    const h = await s.leader.get('/api/counts/0184');
    assert.deepEqual(h.json.history.map((x: { action: string }) => x.action), ['claim']);
    assert.equal((await t1.post('/api/counts/0184/release')).status, 200);
  });
});

describe('phase 2: claims and drafts', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uitslag-claims-'));
  const clock = new TestClock();
  let server: TestServer;
  let s: Phase2Setup;

  before(async () => {
    server = await startTestServer({ dataDir, clock });
    s = await preparePhase2(server);
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a second typist is told who has it; the owner saves; the leader releases an abandoned claim', async () => {
    const [t1, t2] = s.typists as [ApiClient, ApiClient];
    const c = await t1.post('/api/counts/0303/claim');
    assert.equal(c.status, 200);
    assert.equal(c.json.entry, 1);
    const other = await t2.post('/api/counts/0303/claim');
    assert.equal(other.status, 409);
    assert.equal(other.json.error.code, 'entry.claimed');
    assert.match(other.json.error.message, /invoer1/);
    const form = changeForm(await formFromOfficial('0303'), { E: null });
    const save = await t1.request('PUT', '/api/counts/0303/draft', { form });
    assert.equal(save.status, 200, save.text);
    assert.equal(save.json.saved, true);
    assert.ok(save.json.checks.some((x: { code: string }) => x.code === 'F.101'));
    assert.equal((await t2.request('PUT', '/api/counts/0303/draft', { form })).status, 409);
    assert.equal((await t2.post('/api/counts/0303/release')).json.error.code, 'entry.not_owner');
    const st = await s.reader.get('/api/counts/status');
    const row = st.json.municipalities.find((m: { code: string }) => m.code === '0303');
    assert.equal(row.claimedBy.username, 'invoer1');
    assert.equal(row.indicator, 'invoer_aanwezig');
    const leaderView = await s.leader.get('/api/counts/0303');
    assert.deepEqual(leaderView.json.actions, ['release']);
    const rel = await s.leader.post('/api/counts/0303/release');
    assert.equal(rel.status, 200, rel.text);
    assert.equal(rel.json.state, 'empty');
    const mine = await t2.post('/api/counts/0303/claim');
    assert.equal(mine.status, 200);
    assert.equal(mine.json.form.scalars.Z, null, 'a released draft is not handed to the next typist');
    assert.equal((await t2.post('/api/counts/0303/release')).status, 200);
  });

  test('drafts survive a server restart; only the owner continues', async () => {
    const t1 = s.typists[0]!;
    const form = changeForm(await formFromOfficial('0995'), { 'list.2.3': null });
    assert.equal((await t1.post('/api/counts/0995/claim')).status, 200);
    assert.equal((await t1.request('PUT', '/api/counts/0995/draft', { form })).status, 200);
    await server.close();
    server = await startTestServer({ dataDir, clock });
    const again = new ApiClient(server.url);
    again.cookie = t1.cookie;
    const c = await again.post('/api/counts/0995/claim');
    assert.equal(c.status, 200, c.text);
    assert.deepEqual(c.json.form, form);
    const t2 = new ApiClient(server.url);
    t2.cookie = s.typists[1]!.cookie;
    assert.equal((await t2.post('/api/counts/0995/claim')).json.error.code, 'entry.claimed');
    const sub = await again.post('/api/counts/0995/submit', { form: await formFromOfficial('0995'), acknowledged: [] });
    assert.equal(sub.json.outcome.kind, 'first_done', sub.text);
    // The typist's unfinished draft is kept in the history.
    const h = await new ApiClient(server.url).get('/api/counts/0995');
    assert.equal(h.status, 401);
  });
});
