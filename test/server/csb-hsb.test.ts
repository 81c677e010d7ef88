/**
 * The HSB and the CSB installations together: the zip our HSB installation writes
 * (`Telling_TK2021_kieskring_s-Gravenhage.zip`, 510c + signature, made through the real HSB flow of
 * test/support/hsbChain.ts) and the HSB's own public key are imported by a CSB installation; the
 * kieskring's first entry there is exactly the HSB's total.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { expectStatus } from '../support/counts.ts';
import { importCsbDefinition, importCsbLists, importKieskringZip, tk2021Kieskringen } from '../support/csb.ts';
import { chainPhase1, chainPhase2, chainPhase3, discoverHsbSets, startHsbChain, type HsbChain } from '../support/hsbChain.ts';
import { adminClient, startTestServer, TestClock, userClient, type TestServer } from '../support/server.ts';

describe("a CSB imports the zip and the public key of our own HSB ('s-Gravenhage)", () => {
  let hsb: HsbChain | undefined;
  let csb: TestServer | undefined;
  after(async () => {
    await hsb?.server.close();
    await csb?.close();
  });

  it('the HSB writes the zip; the CSB checks its signature with the HSB key and takes its total as first entry', async () => {
    const set = discoverHsbSets().find((s) => s.label === 'tk2021 s-Gravenhage');
    assert.ok(set, 'the shared TK2021 files of kieskring 12');
    hsb = await startHsbChain(set);
    await chainPhase1(hsb);
    await chainPhase2(hsb);
    const docs = await chainPhase3(hsb);
    const zip = docs.get('zip_kieskring');
    const eml = docs.get('eml510c');
    assert.ok(zip && eml);
    assert.equal(zip.fileName, 'Telling_TK2021_kieskring_s-Gravenhage.zip');

    const kieskringen = await tk2021Kieskringen();
    csb = await startTestServer({ clock: new TestClock(new Date('2021-03-10T09:00:00Z')) });
    const admin = await adminClient(csb);
    const leader = await userClient(csb, admin, 'verkiezingsleider', 'leider');
    expectStatus(await importCsbDefinition(admin), 200, 'definition');
    for (const k of kieskringen) expectStatus(await importCsbLists(admin, k.listsFile), 200, `lists ${k.number}`);
    expectStatus(await admin.upload('/api/csb/keys/12', 'public_key_hsb.crt', hsb.ownCertificate), 200, 'HSB key');
    expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'phase 2');

    const r = await importKieskringZip(leader, { zip: zip.bytes, fileName: zip.fileName, eml: eml.bytes });
    expectStatus(r, 200, 'import');
    assert.equal(r.json.state, 'first_done');
    const detail = await leader.get('/api/counts/HSB12');
    expectStatus(detail, 200, 'unit');
    const form = detail.json.forms?.first as { scalars: Record<string, number | null>; lists: { listNumber: number; total: number }[] } | undefined;
    assert.ok(form, detail.text.slice(0, 300));
    assert.equal(detail.json.first.source, 'import');
    const total = hsb.official.total;
    assert.ok(total);
    assert.equal(form.scalars.Z, total.cast);
    assert.equal(form.scalars.E, total.totalCounted);
    assert.deepEqual(
      form.lists.map((l) => [l.listNumber, l.total]),
      total.lists.map((l) => [l.listNumber, l.total]),
    );
  });
});
