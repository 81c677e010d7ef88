/**
 * The CSB installation (centraal stembureau, issue 10) through the real server with TK2021: the
 * 110a at the STAAT level, the 20 kieskringen's 230b, the hoofdstembureaus' keys; the 7 shared
 * kieskring 510c files imported as signed zips, the other 13 kieskringen's figures typed (from the
 * official 510d's blocks); second entries; 's-Gravenhage's Cast corrected to the 510d's value by the
 * leader with a reason; phase 3: the 510d and the 520 equal the official files except
 * kr:CreationDateTime; the CSV of the result is among the documents.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { expectStatus } from '../support/counts.ts';
import {
  importCsbDefinition,
  importCsbLists,
  importKieskringZip,
  hsbCertificate,
  kieskringZip,
  official510c,
  OFFICIAL_510D_FILE,
  OFFICIAL_520_FILE,
  tk2021Kieskringen,
  TK2021_DIR,
  typedForm,
  typeKieskring,
  csbWithTie,
  type CsbKieskring,
} from '../support/csb.ts';
import { adminClient, startTestServer, TestClock, userClient, type ApiClient, type TestServer } from '../support/server.ts';
import { tool } from '../support/tools.ts';
import { xsdErrors } from '../support/xsd.ts';
import { unzip } from '../support/zip.ts';

const CREATION = /<kr:CreationDateTime>[^<]*<\/kr:CreationDateTime>/;

function withCreation(ours: Buffer, official: Buffer): Buffer {
  const m = CREATION.exec(official.toString('utf8'));
  assert.ok(m);
  return Buffer.from(ours.toString('utf8').replace(CREATION, m[0]), 'utf8');
}

/** The text of a PDF (pdftotext). */
function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'csb-pv-'));
  try {
    writeFileSync(path.join(dir, 'pv.pdf'), pdf);
    const r = spawnSync(tool('pdftotext'), ['-layout', '-enc', 'UTF-8', path.join(dir, 'pv.pdf'), '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `first difference at byte ${i} (lengths ${a.length}, ${b.length}):\n${a.subarray(Math.max(0, i - 200), i + 80).toString()}\n---\n${b.subarray(Math.max(0, i - 200), i + 80).toString()}`;
}

describe('CSB installation: TK2021 from 7 signed kieskring files and 13 typed kieskringen', () => {
  let server: TestServer;
  let admin: ApiClient;
  let leader: ApiClient;
  let t1: ApiClient;
  let t2: ApiClient;
  let kieskringen: CsbKieskring[];
  const keys: string[] = [];
  const first = (): CsbKieskring => {
    const k = kieskringen[0];
    assert.ok(k);
    return k;
  };

  before(async () => {
    kieskringen = await tk2021Kieskringen();
    server = await startTestServer({ clock: new TestClock(new Date('2021-03-10T09:00:00Z')) });
    admin = await adminClient(server);
    leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
    t1 = await userClient(server, admin, 'invoer', 'invoer1');
    t2 = await userClient(server, admin, 'invoer', 'invoer2');
  });
  after(async () => {
    await server?.close();
  });

  it('Aanmaken verkiezing at the STAAT level: the stemgebied is Nederland, the units are the 20 kieskringen', async () => {
    const r = await importCsbDefinition(admin);
    expectStatus(r, 200, 'definition confirm');
    assert.deepEqual(r.json.election.stemgebied, { category: 'STAAT', number: 1, name: 'Nederland' });
    const o = await admin.get('/api/csb');
    expectStatus(o, 200, 'csb overview');
    assert.equal(o.json.kieskringen.length, 20);
    assert.deepEqual(o.json.kieskringen.map((k: { code: string }) => k.code), kieskringen.map((k) => k.code));
  });

  it('the HSB candidate-lists route is refused at a CSB; phase 2 waits for all 20 kieskringen', async () => {
    const bytes = readFileSync(path.join(TK2021_DIR, first().listsFile));
    const hsb = await admin.upload('/api/election/candidate-lists/preview', first().listsFile, bytes);
    assert.equal(hsb.status, 409);
    assert.equal(hsb.json.error.code, 'stemgebied.csb');
    expectStatus(await importCsbLists(admin, first().listsFile), 200, 'lists 1');
    const phase = await leader.post('/api/phase', { target: 2 });
    assert.equal(phase.status, 409, phase.text);
  });

  it('imports the 230b of every kieskring (hash code confirmed) and the HSBs\' public keys', async () => {
    for (const k of kieskringen.slice(1)) expectStatus(await importCsbLists(admin, k.listsFile), 200, `lists ${k.number}`);
    const wrong = await admin.upload('/api/csb/keys/5', 'hsb1.crt', await hsbCertificate(first()));
    assert.equal(wrong.status, 422, wrong.text);
    assert.equal(wrong.json.error.code, 'key.not_importable');
    // The preview (for the screen) shows the key and its objections and stores nothing.
    const wrongPreview = await admin.upload('/api/csb/keys/5/preview', 'hsb1.crt', await hsbCertificate(first()));
    expectStatus(wrongPreview, 200, 'key preview of another kieskring');
    assert.equal(wrongPreview.json.importable, false);
    assert.ok(wrongPreview.json.reasons.length > 0);
    const okPreview = await admin.upload(`/api/csb/keys/${first().number}/preview`, 'hsb1.crt', await hsbCertificate(first()));
    expectStatus(okPreview, 200, 'key preview');
    assert.equal(okPreview.json.importable, true, okPreview.text);
    assert.deepEqual(okPreview.json.reasons, []);
    assert.equal(okPreview.json.existingKey, null);
    assert.match(okPreview.json.subject, /UID=HSB1/);
    const typistPreview = await t1.upload(`/api/csb/keys/${first().number}/preview`, 'hsb1.crt', await hsbCertificate(first()));
    assert.equal(typistPreview.status, 403);
    assert.equal((await admin.get('/api/csb')).json.kieskringen[0].key, null, 'a preview stores nothing');
    for (const k of kieskringen.filter((x) => x.countFile !== null)) {
      const r = await admin.upload(`/api/csb/keys/${k.number}`, `hsb${k.number}.crt`, await hsbCertificate(k));
      expectStatus(r, 200, `key ${k.number}`);
      keys.push(k.code);
    }
    const o = await admin.get('/api/csb');
    assert.ok(o.json.kieskringen.every((k: { candidateLists: unknown }) => k.candidateLists !== null));
    expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'phase 2');
  });

  it('a kieskring zip: refused when tampered with, without the HSB key, or with another HSB\'s signature', async () => {
    const lelystad = kieskringen.find((k) => k.number === 5);
    assert.ok(lelystad?.countFile);
    const tampered = await kieskringZip(lelystad, { tamper: (b) => Buffer.from(b.toString('utf8').replace('<Cast>', '<Cast>1'), 'utf8') });
    const r1 = await leader.upload('/api/csb/counts/import', tampered.fileName, tampered.zip);
    assert.equal(r1.status, 422, r1.text);
    const other = await kieskringZip(lelystad, { label: 'b' });
    const r2 = await leader.upload('/api/csb/counts/import', other.fileName, other.zip);
    assert.equal(r2.status, 422, r2.text);
    const noKey = kieskringen.find((k) => k.countFile === null);
    assert.ok(noKey);
    const eml = readFileSync(path.join(TK2021_DIR, lelystad.countFile));
    const r3 = await leader.upload('/api/csb/counts/import', `Telling_TK2021_kieskring_${noKey.name}.zip`, (await kieskringZip({ ...lelystad, name: noKey.name }, { eml })).zip);
    assert.equal(r3.status, 422, r3.text);
    assert.equal(r3.json.error.code, 'import.name_mismatch');
    const status = await leader.get('/api/csb');
    assert.equal(status.json.kieskringen.find((k: { code: string }) => k.code === 'HSB5').state, 'empty');
  });

  it('imports the 7 signed kieskring files as first entry and types them once more; the others are typed twice', async () => {
    const shape = await t1.get('/api/csb/counts/HSB1/form-shape');
    expectStatus(shape, 200, 'form shape');
    assert.equal(shape.json.unitKind, 'kieskring');
    const keysOfShape = (shape.json.scalars as { key: string }[]).map((s) => s.key);
    for (const k of kieskringen) {
      if (k.countFile !== null) {
        // The second typist types the kieskring's PV (its 510c); for 's-Gravenhage the Cast of the 510d.
        const total = (await official510c(k.countFile)).total;
        assert.ok(total, `${k.countFile} has a TotalVotes`);
        const form = typedForm(k.number === 12 ? { ...total, cast: k.block510d.cast } : total, k.lists, keysOfShape);
        const imp = await importKieskringZip(leader, await kieskringZip(k));
        expectStatus(imp, 200, `import ${k.code}`);
        assert.equal(imp.json.state, 'first_done');
        if (k.number === 12) {
          // 's-Gravenhage: the 510d's Cast (voters abroad) differs from the 510c; the second entry types it,
          // the leader takes the second entry over with a reason.
          const r = await typeKieskring(t1, k.code, form, { confirmDifferent: true });
          expectStatus(r, 200, `second ${k.code}`);
          assert.equal(r.json.state, 'differences', r.text.slice(0, 300));
          // The differences, labelled with the kieskring's form (the screen's "Verschillen").
          const diff = await leader.get(`/api/counts/${k.code}/differences`);
          expectStatus(diff, 200, `differences ${k.code}`);
          assert.deepEqual(
            diff.json.fields.map((f: { id: string; first: number; second: number }) => [f.id, f.first, f.second]),
            [['Z', total.cast, k.block510d.cast]],
          );
          const d = await leader.post(`/api/counts/${k.code}/resolve`, {
            choice: 'second',
            reason: 'Kiezers buiten Nederland (briefstemmen geteld in Den Haag) opgeteld bij het aantal kiesgerechtigden.',
          });
          expectStatus(d, 200, `resolve ${k.code}`);
          assert.equal(d.json.state, 'complete');
        } else {
          const r = await typeKieskring(t1, k.code, form);
          expectStatus(r, 200, `second ${k.code}`);
          assert.equal(r.json.state, 'complete', `${k.code}: ${r.text.slice(0, 400)}`);
        }
      } else {
        const form = typedForm(k.block510d, k.lists, keysOfShape);
        const r1 = await typeKieskring(t1, k.code, form);
        expectStatus(r1, 200, `first ${k.code}`);
        assert.equal(r1.json.state, 'first_done', `${k.code}: ${r1.text.slice(0, 400)}`);
        const r2 = await typeKieskring(t2, k.code, form);
        expectStatus(r2, 200, `second ${k.code}`);
        assert.equal(r2.json.state, 'complete', `${k.code}: ${r2.text.slice(0, 400)}`);
      }
    }
    const audit = await leader.get('/api/audit');
    expectStatus(audit, 200, 'audit');
    assert.ok(audit.text.includes('counts.resolve.second') && audit.text.includes('Kiezers buiten Nederland'), 'the correction of HSB12, with its reason, is in the audit log');
  });

  it('phase 3: the 510d and the 520 equal the official files (kr:CreationDateTime aside) and are valid against the XSD', async () => {
    expectStatus(await leader.post('/api/phase', { target: 3 }), 200, 'phase 3');
    const r = await leader.post('/api/csb/documents');
    expectStatus(r, 200, 'documents');
    const docs = new Map<string, Buffer>();
    for (const d of r.json.documents as { id: number; kind: string; fileName: string }[]) {
      const f = await leader.get(`/api/documents/${d.id}/download`);
      expectStatus(f, 200, `download ${d.fileName}`);
      docs.set(d.fileName, f.bytes);
    }
    const official520 = readFileSync(path.join(TK2021_DIR, OFFICIAL_520_FILE));
    const official510d = readFileSync(path.join(TK2021_DIR, OFFICIAL_510D_FILE));
    const ours520 = docs.get('Resultaat_TK2021.eml.xml');
    const ours510d = docs.get('Totaaltelling_TK2021.eml.xml');
    assert.ok(ours520 && ours510d);
    const a = withCreation(ours520, official520);
    assert.ok(a.equals(official520), firstDifference(a, official520));
    const b = withCreation(ours510d, official510d);
    assert.ok(b.equals(official510d), firstDifference(b, official510d));
    assert.deepEqual(xsdErrors(ours510d, '510-count-kiesraad-strict.xsd'), []);
    assert.deepEqual(xsdErrors(ours520, '520-result-kiesraad-strict.xsd'), []);
    // The CSV of the result: the seats of the 520 (VVD 34 …).
    const csv = docs.get('uitslag_TK2021.csv');
    assert.ok(csv);
    assert.match(csv.toString('utf8'), /\n"1";"VVD";"2279130";"[0-9]+";"[0-9]+";"34"\n/);
    // The PV P 22-1 (PDF and ODT): the kiesdeler, the seats, the correction of 's-Gravenhage with its reason, the hashes.
    assert.deepEqual(
      (r.json.documents as { kind: string }[]).map((d) => d.kind),
      ['eml510d', 'eml520', 'p22_pdf', 'p22_odt', 'csv'],
    );
    const pvPdf = docs.get('Model_P22-1_TK2021.pdf');
    const pvOdt = docs.get('Model_P22-1_TK2021.odt');
    assert.ok(pvPdf && pvOdt, [...docs.keys()].join(', '));
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex').toUpperCase().match(/.{4}/g)?.join(' ') ?? '';
    const content = (await unzip(pvOdt)).find(([n]) => n === 'content.xml');
    assert.ok(content);
    for (const [name, text] of [
      ['PDF', pdfText(pvPdf)],
      ['ODT', content[1].toString('utf8').replace(/<[^>]+>/g, ' ').replace(/&apos;/g, "'")],
    ] as const) {
      const t = text.replace(/\s+/g, ' ');
      assert.ok(t.includes('Model P 22-1'), name);
      assert.ok(t.includes('69.485 17/25'), `${name}: kiesdeler`);
      assert.ok(t.includes("Kieskring 12 's-Gravenhage"), `${name}: correction`);
      assert.ok(t.includes('Kiezers buiten Nederland (briefstemmen geteld in Den Haag) opgeteld bij het aantal kiesgerechtigden.'), `${name}: its reason`);
      assert.match(t, /Z: Aantal kiesgerechtigden 356\.481 449\.253/, `${name}: the corrected figure`);
      assert.ok(t.includes('Er is niet geloot.'), `${name}: no lots`);
      assert.ok(t.includes(sha(ours520)), `${name}: the 520's hash`);
      assert.ok(t.includes(sha(ours510d)), `${name}: the 510d's hash`);
      assert.match(t, /Auditlog: \d+ records, laatste hash [0-9A-F]{4} /, `${name}: the audit head`);
    }
    // The document list: the CSB's kinds with their Dutch labels, from the server.
    const list = await leader.get('/api/documents');
    expectStatus(list, 200, 'documents list');
    assert.deepEqual(
      (list.json.kinds as { kind: string; label: string }[]).map((k) => k.kind),
      ['eml510d', 'eml520', 'p22_pdf', 'p22_odt', 'csv'],
    );
    const labels = new Map((list.json.sets[0].documents as { fileName: string; label: string }[]).map((d) => [d.fileName, d.label]));
    assert.equal(labels.get('Model_P22-1_TK2021.pdf'), 'Proces-verbaal model P 22-1 (PDF)');
    assert.equal(labels.get('Model_P22-1_TK2021.odt'), 'Proces-verbaal model P 22-1 (ODT)');
    const again = await leader.post('/api/csb/documents');
    assert.equal(again.status, 409);
    // The documents overview names the CSB's kinds in words (the screen reads them from here).
    const overview = await leader.get('/api/documents');
    expectStatus(overview, 200, 'documents overview');
    assert.deepEqual(overview.json.kinds.map((k: { kind: string }) => k.kind), ['eml510d', 'eml520', 'p22_pdf', 'p22_odt', 'csv']);
    assert.ok(overview.json.sets[0].documents.every((d: { kind: string; label: string }) => d.label !== d.kind && d.label.length > 0));
    assert.deepEqual((await leader.get('/api/csb/lots')).json, { entered: [], required: null });
    // The stored files are known to the audit log (tamper detection sees no problem).
    const integrity = await leader.get('/api/integrity');
    expectStatus(integrity, 200, 'integrity');
    assert.deepEqual(integrity.json.problems, []);
    // The archive holds what the CSB imported: the 20 candidate lists, the HSB keys, the kieskring zips.
    const archive = await leader.get('/api/archive/download');
    expectStatus(archive, 200, 'archive');
    const names = (await unzip(archive.bytes)).map(([n]) => n);
    assert.equal(names.filter((n) => n.startsWith('invoer/kandidatenlijsten/kieskring_')).length, 20);
    assert.equal(names.filter((n) => n.startsWith('invoer/sleutels/hoofdstembureau_')).length, keys.length);
    assert.equal(names.filter((n) => /^invoer\/steminvoer\/Telling_TK2021_kieskring_.+\.zip$/.test(n)).length, 7);
    assert.ok(names.some((n) => n.endsWith('Resultaat_TK2021.eml.xml')));
  });
});

describe('CSB installation: a tie the law leaves to lot stops the result and names the lists; the drawn outcome entered', () => {
  let server: TestServer;

  after(async () => {
    await server?.close();
  });

  it('lists 1-4 with one vote each (kieskring 1): 148 full seats, 2 residual seats between 4 equal averages', async () => {
    server = await startTestServer({ clock: new TestClock(new Date('2021-03-10T09:00:00Z')) });
    const { leader, t1 } = await csbWithTie(server);
    // The HSB's documents are not made at a CSB.
    const hsbPreview = await leader.get('/api/documents/preview/eml.xml');
    assert.equal(hsbPreview.status, 409, hsbPreview.text.slice(0, 300));
    assert.equal(hsbPreview.json.error.code, 'stemgebied.csb');
    const r = await leader.post('/api/csb/documents');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'csb.lots');
    assert.match(r.json.error.message, /Loting nodig \(zetelverdeling, grootste gemiddelden \(P 7\)\) tussen de lijsten 1, 2, 3, 4 om 2 zetels/);
    assert.deepEqual(r.json.error.lot, { kind: 'seats', listNumber: null, stage: 'averages', between: ['1', '2', '3', '4'], seats: 2 });
    // The lot in words, for the screen where the chair enters the outcome.
    const asked = await t1.get('/api/csb/lots');
    expectStatus(asked, 200, 'lots overview');
    assert.equal(asked.json.required.kind, 'seats');
    assert.deepEqual(asked.json.required.options.map((o: { value: string }) => o.value), ['1', '2', '3', '4']);
    assert.equal(asked.json.required.options[0].label, 'Lijst 1 VVD');
    assert.equal(asked.json.required.message, r.json.error.message);
    const docs = await leader.get('/api/documents');
    assert.deepEqual(docs.json.sets, []);
    const audit = await leader.get('/api/audit');
    assert.ok(audit.text.includes('csb.lots_required'));

    // The drawn outcome: a lot that is not the one asked for, or designates too many, is refused.
    const lot = r.json.error.lot;
    const other = await leader.post('/api/csb/lots', { ...lot, between: ['1', '2', '3'], drawn: ['2'] });
    assert.equal(other.status, 409, other.text);
    assert.equal(other.json.error.code, 'csb.lot_mismatch');
    const tooMany = await leader.post('/api/csb/lots', { ...lot, drawn: ['1', '2', '4'] });
    assert.equal(tooMany.status, 422, tooMany.text);
    // In words: the lists by number and name, as on the screen; never the internal keys alone.
    assert.match(tooMany.json.error.message, /^Kies bij deze loting precies 2 uit: Lijst 1 VVD; Lijst 2 /);
    const typistTry = await t1.post('/api/csb/lots', { ...lot, drawn: ['2', '4'] });
    assert.equal(typistTry.status, 403);
    expectStatus(await leader.post('/api/csb/lots', { kind: lot.kind, listNumber: null, stage: lot.stage, between: lot.between, drawn: ['4', '2'] }), 200, 'seat lot');
    // Further lots (within a list: its lists or candidates) as they are asked for: the first ones designated.
    let made = await leader.post('/api/csb/documents');
    for (let i = 0; i < 40 && made.status === 409 && made.json.error.code === 'csb.lots'; i++) {
      const next = made.json.error.lot as { kind: string; listNumber: number | null; stage: string; between: string[]; seats: number };
      assert.equal(next.kind, 'candidates', made.text);
      const words = (await leader.get('/api/csb/lots')).json.required as { options: { value: string; label: string }[] };
      assert.deepEqual(words.options.map((o) => o.value), next.between);
      assert.ok(words.options.every((o) => o.label !== o.value), JSON.stringify(words.options));
      expectStatus(await leader.post('/api/csb/lots', { ...next, drawn: next.between.slice(0, next.seats) }), 200, `lot ${i}`);
      made = await leader.post('/api/csb/documents');
    }
    expectStatus(made, 200, 'documents after the lots');
    const csvDoc = (made.json.documents as { id: number; fileName: string }[]).find((d) => d.fileName.endsWith('.csv'));
    assert.ok(csvDoc);
    const csv = (await leader.get(`/api/documents/${csvDoc.id}/download`)).bytes.toString('utf8');
    for (const [list, seats] of [['1', 37], ['2', 38], ['3', 37], ['4', 38]] as const) {
      assert.match(csv, new RegExp(`\\n"${list}";"[^"]*";"1";"37";"[01]";"${seats}"\\n`), `list ${list}`);
    }
    assert.ok((await leader.get('/api/audit')).text.includes('csb.lot_entered'));
    const entered = (await leader.get('/api/csb/lots')).json;
    assert.equal(entered.required, null);
    assert.equal(entered.entered[0].kind, 'seats');
    assert.deepEqual(entered.entered[0].drawn.map((d: string) => d.split(' ').slice(0, 2).join(' ')), ['Lijst 4', 'Lijst 2']);
    assert.equal(entered.entered[0].enteredBy, 'leider');
    // The PV P 22-1 names the lot: between lists 1-4, lists 4 and 2 drawn, entered by the leader.
    const pvDoc = (made.json.documents as { id: number; kind: string }[]).find((d) => d.kind === 'p22_odt');
    assert.ok(pvDoc);
    const pvXml = (await unzip((await leader.get(`/api/documents/${pvDoc.id}/download`)).bytes)).find(([n]) => n === 'content.xml');
    assert.ok(pvXml);
    const pvText = pvXml[1].toString('utf8').replace(/<[^>]+>/g, '\n').replace(/\n+/g, '\n');
    const lotsPart = pvText.slice(pvText.indexOf('13. Loting'), pvText.indexOf('14. Bestanden'));
    assert.match(lotsPart, /\n1\ngrootste gemiddelden \(P 7\)\n1 VVD; 2 PVV \(Partij voor de Vrijheid\); 3 CDA; 4 D66\n4 D66; 2 PVV \(Partij voor de Vrijheid\)\n/, lotsPart.slice(0, 600));
    assert.match(lotsPart, /\n10-03-2021 10:00, leider\n/, 'when and by whom');
    const archived = await unzip((await leader.get('/api/archive/download')).bytes);
    const lotsFile = archived.find(([n]) => n === 'invoer/lotingen.json');
    assert.ok(lotsFile, 'the drawn lots are archived');
    assert.match(lotsFile[1].toString('utf8'), /"drawn_json": "\[\\"4\\",\\"2\\"\]"/);
    // Back to phase 2 the documents and the lots lapse; in phase 3 again the seat lot is asked for again.
    expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'back to phase 2');
    expectStatus(await leader.post('/api/phase', { target: 3 }), 200, 'phase 3 again');
    const again = await leader.post('/api/csb/documents');
    assert.equal(again.status, 409, again.text);
    assert.equal(again.json.error.lot.kind, 'seats');
  });
});

describe('CSB installation: a lot between candidates is named in words', () => {
  let server: TestServer;

  after(async () => {
    await server?.close();
  });

  it('two candidates of a list with one seat, each with one preference vote: the message names them as GET /api/csb/lots does', async () => {
    const kieskringen = await tk2021Kieskringen();
    server = await startTestServer({ clock: new TestClock(new Date('2021-03-10T09:00:00Z')) });
    const admin = await adminClient(server);
    const leader = await userClient(server, admin, 'verkiezingsleider', 'leider');
    const t1 = await userClient(server, admin, 'invoer', 'invoer1');
    const t2 = await userClient(server, admin, 'invoer', 'invoer2');
    expectStatus(await importCsbDefinition(admin), 200, 'definition');
    for (const k of kieskringen) expectStatus(await importCsbLists(admin, k.listsFile), 200, `lists ${k.number}`);
    expectStatus(await leader.post('/api/phase', { target: 2 }), 200, 'phase 2');
    const keysOfShape = ((await t1.get('/api/csb/counts/HSB1/form-shape')).json.scalars as { key: string }[]).map((s) => s.key);
    // Kieskring 1 only, 300 votes (kiesdeler 2, preference threshold 0.5): the first list 2 votes, one
    // for its 2nd and one for its 3rd candidate (one seat, two candidates with as many votes); the
    // next lists 2 votes per seat on their 1st candidate, never more seats than candidates.
    const [first, ...others] = [...(kieskringen[0]?.lists.affiliations ?? [])].sort((a, b) => a.listNumber - b.listNumber);
    assert.ok(first && first.candidates.length >= 3);
    let left = 149;
    const votes = new Map<number, number[]>([[first.listNumber, first.candidates.map((c) => (c.position === 2 || c.position === 3 ? 1 : 0))]]);
    for (const a of others) {
      const seats = Math.min(left, a.candidates.length);
      left -= seats;
      votes.set(a.listNumber, a.candidates.map((c) => (c.position === 1 ? 2 * seats : 0)));
    }
    assert.equal(left, 0);
    for (const k of kieskringen) {
      const lists = k.lists.affiliations.map((a) => {
        const v = k.number === 1 ? (votes.get(a.listNumber) ?? a.candidates.map(() => 0)) : a.candidates.map(() => 0);
        return { listNumber: a.listNumber, total: v.reduce((x, y) => x + y, 0), candidates: a.candidates.map((c, i) => ({ position: c.position, votes: v[i] ?? 0 })) };
      });
      const total = lists.reduce((x, l) => x + l.total, 0);
      const form = typedForm({ cast: total, totalCounted: total, rejected: { ongeldig: 0, blanco: 0 }, uncounted: [], lists }, k.lists, keysOfShape);
      assert.equal((await typeKieskring(t1, k.code, form)).json.state, 'first_done', k.code);
      assert.equal((await typeKieskring(t2, k.code, form)).json.state, 'complete', k.code);
    }
    expectStatus(await leader.post('/api/phase', { target: 3 }), 200, 'phase 3');
    const r = await leader.post('/api/csb/documents');
    assert.equal(r.status, 409, r.text);
    assert.equal(r.json.error.code, 'csb.lots');
    const lot = r.json.error.lot as { kind: string; listNumber: number; between: string[]; seats: number };
    assert.equal(lot.kind, 'candidates');
    assert.equal(lot.listNumber, first.listNumber);
    assert.equal(lot.between.length, 2);
    const required = (await leader.get('/api/csb/lots')).json.required as { message: string; options: { value: string; label: string }[] };
    const message = r.json.error.message as string;
    assert.equal(required.message, message);
    for (const o of required.options) assert.ok(message.includes(o.label), `${message}: names ${o.label}`);
    for (const v of lot.between) assert.ok(!message.includes(v), `${message}: not the key ${v}`);
    for (const c of first.candidates.filter((x) => x.position === 2 || x.position === 3)) assert.ok(message.includes(c.lastName), `${message}: ${c.lastName}`);
    // Entered, the result follows.
    expectStatus(await leader.post('/api/csb/lots', { ...lot, stage: r.json.error.lot.stage, drawn: lot.between.slice(0, lot.seats) }), 200, 'candidate lot');
    expectStatus(await leader.post('/api/csb/documents'), 200, 'documents after the lot');
  });
});
