/**
 * Practice mode at the CSB (OEFENING): nothing made in practice can pass for the real thing. As at the
 * HSB, every file name of the CSB's set starts with "OEFENING_" (510d, 520, PV P 22-1 as PDF and ODT,
 * the CSV), the CSV names the election "OEFENING – …", and the PV carries the mark; the EML bytes are
 * those of a real run.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { expectStatus } from '../support/counts.ts';
import { csbWithTie } from '../support/csb.ts';
import { startTestServer, TestClock, type TestServer } from '../support/server.ts';
import { unzip } from '../support/zip.ts';

describe('CSB in practice mode', () => {
  let server: TestServer;
  after(async () => {
    await server?.close();
  });

  it('every file of Vaststellen uitslag is named OEFENING_…, the CSV and the PV say OEFENING', async () => {
    server = await startTestServer({ clock: new TestClock(new Date('2021-03-10T09:00:00Z')) });
    const { leader } = await csbWithTie(server, { practice: true });
    assert.equal((await leader.get('/api/election')).json.election.practice, true);
    // The tie asks for lots: the first ones designated, until the files are made.
    let made = await leader.post('/api/csb/documents');
    for (let i = 0; i < 40 && made.status === 409 && made.json.error.code === 'csb.lots'; i++) {
      const lot = made.json.error.lot as { kind: string; listNumber: number | null; stage: string; between: string[]; seats: number };
      expectStatus(await leader.post('/api/csb/lots', { ...lot, drawn: lot.between.slice(0, lot.seats) }), 200, `lot ${i}`);
      made = await leader.post('/api/csb/documents');
    }
    expectStatus(made, 200, 'documents');
    const docs = made.json.documents as { id: number; kind: string; fileName: string }[];
    assert.deepEqual(docs.map((d) => d.kind).sort(), ['csv', 'eml510d', 'eml520', 'p22_odt', 'p22_pdf']);
    for (const d of docs) assert.match(d.fileName, /^OEFENING_/, d.fileName);
    const byKind = (kind: string) => {
      const d = docs.find((x) => x.kind === kind);
      assert.ok(d, kind);
      return d;
    };
    assert.equal(byKind('eml520').fileName, 'OEFENING_Resultaat_TK2021.eml.xml');
    const csv = (await leader.get(`/api/documents/${byKind('csv').id}/download`)).bytes.toString('utf8');
    assert.match(csv, /"Verkiezing";;"OEFENING – Tweede Kamer/);
    const eml520 = (await leader.get(`/api/documents/${byKind('eml520').id}/download`)).bytes.toString('utf8');
    assert.ok(!eml520.includes('OEFENING'), 'the EML is as in a real run');
    const odt = await unzip((await leader.get(`/api/documents/${byKind('p22_odt').id}/download`)).bytes);
    const part = (name: string) => odt.find(([n]) => n === name)?.[1].toString('utf8') ?? '';
    assert.match(part('content.xml'), />OEFENING – Proces-verbaal/, 'the title');
    assert.match(part('styles.xml'), />OEFENING</, 'the header of every page');
  });
});
