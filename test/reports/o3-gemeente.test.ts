/**
 * The gemeente's PV model ("Proces-verbaal van de uitslag van de gemeente", src/reports/o3/gemeente.ts):
 * numbers from the polling stations with the municipality's Z, stations as appendix rows, gemeente
 * labels in the ODT; and the HSB's O 3 template is unchanged by the labelling (pinned hash of the
 * template text before the gemeente variant existed). Like the O 3: the ODT opens in LibreOffice and the
 * PDF declares PDF/A-2b.
 */
import { tool } from '../support/tools.ts';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { sumCounts } from '../../src/domain/counts.ts';
import {
  buildGemeentePvModel,
  GEMEENTE_LABELS,
  GEMEENTE_PV_TITLE,
  gemeentePvOdtFile,
  gemeentePvPdf,
} from '../../src/reports/o3/gemeente.ts';
import type { O3Model } from '../../src/reports/o3/model.ts';
import { HSB_LABELS } from '../../src/reports/o3/model.ts';
import { o3OdtBlocks } from '../../src/reports/o3/odt.ts';
import { O3_TEMPLATE, o3Template } from '../../src/reports/o3/pdf.ts';
import { lelystadLists, municipalityTotals, withAAndD } from '../support/counts.ts';

test('the HSB O 3 template text is byte-identical to the one before the gemeente variant', () => {
  // Pinned; changed on purpose since: the footer line with the audit chain's head (issue 8), counts with
  // thousands separators (num) and the practice marking (OEFENING) (issue 12).
  assert.equal(createHash('sha256').update(O3_TEMPLATE).digest('hex'), 'c94bf25426f7d1e3a9f6ab580406ae8b0ddf5c3b1fc6561869e15c26f7023d70');
  assert.equal(o3Template(HSB_LABELS), O3_TEMPLATE);
  const g = o3Template(GEMEENTE_LABELS);
  assert.notEqual(g, O3_TEMPLATE);
  assert.match(g, /Zitting van het gemeentelijk stembureau/);
  assert.match(g, /EML 510b/);
  assert.doesNotMatch(g, /hoofdstembureau|510c/);
});

test('gemeente PV model: station rows by number, municipality Z, totals = sum of the stations', async () => {
  const a = await municipalityTotals('0050');
  const b = await municipalityTotals('0184');
  const stations = [
    { number: 12, name: 'Stembureau Het Dorpshuis', postcode: '3891 AA', counts: { ...b.counts, cast: 0 } },
    { number: 3, name: 'Gemeentehuis', postcode: null, counts: { ...a.counts, cast: 0 } },
  ];
  const r = buildGemeentePvModel({
    election: { id: 'TK2021', name: 'Tweede Kamer der Staten-Generaal 2021', date: '2021-03-17' },
    gemeente: { code: 50, name: 'Zeewolde' },
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: lelystadLists(),
    eligibleVoters: 17_000,
    pollingStations: stations,
    session: { place: 'Zeewolde', date: '18 maart 2021', time: '10:00' },
    members: [{ name: 'A. Voorzitter', role: 'voorzitter' }],
    objections: null,
    emlHash: 'ab'.repeat(32),
    createdAt: '2021-03-18T10:00:00.000',
  });
  assert.ok(r.ok, JSON.stringify(r));
  const m = r.value;
  assert.equal(m.title, GEMEENTE_PV_TITLE);
  assert.deepEqual(m.gemeente, { code: '0050', name: 'Zeewolde' });
  assert.equal(m.eligibleVoters, 17_000);
  const sum = withAAndD(sumCounts([a.counts, b.counts]));
  assert.equal(m.votes.valid, sum.totalCounted);
  assert.equal(m.votes.blank, sum.rejected.blanco);
  assert.deepEqual(m.municipalities.map((x) => [x.code, x.name, x.eligible]), [
    ['3', 'Gemeentehuis', 0],
    ['12', 'Stembureau Het Dorpshuis', 0],
  ]);
  assert.equal(m.lists[0]!.total, sum.lists.find((l) => l.listNumber === m.lists[0]!.listNumber)!.total);
  const text = JSON.stringify(o3OdtBlocks(m, GEMEENTE_LABELS));
  for (const s of ['Zitting van het gemeentelijk stembureau', 'Totalen per stembureau', 'Stemmen per lijst per stembureau', 'Gemeente Zeewolde (0050), kieskring 5 Lelystad']) {
    assert.ok(text.includes(s), s);
  }
  assert.ok(!text.includes('hoofdstembureau'));
  const none = buildGemeentePvModel({ election: { id: 'TK2021', name: 'x', date: '2021-03-17' }, gemeente: { code: 50, name: 'Zeewolde' }, kieskring: { number: 5, name: 'Lelystad' }, candidateLists: lelystadLists(), eligibleVoters: 1, pollingStations: [], session: { place: '', date: '', time: '' }, members: [], objections: null, emlHash: null, createdAt: '2021-03-18T10:00:00' });
  assert.ok(!none.ok && /geen stembureaus/.test(none.message));
});

/** A gemeente PV of Zeewolde with two stations (the numbers of two real municipalities). */
async function zeewoldeModel(auditHead: { length: number; hash: string } | null = null): Promise<O3Model> {
  const a = await municipalityTotals('0050');
  const b = await municipalityTotals('0184');
  const r = buildGemeentePvModel({
    election: { id: 'TK2021', name: 'Tweede Kamer der Staten-Generaal 2021', date: '2021-03-17' },
    gemeente: { code: 50, name: 'Zeewolde' },
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: lelystadLists(),
    eligibleVoters: 17_000,
    pollingStations: [
      { number: 12, name: 'Stembureau Het Dorpshuis', postcode: '3891 AA', counts: { ...b.counts, cast: 0 } },
      { number: 3, name: 'Gemeentehuis', postcode: null, counts: { ...a.counts, cast: 0 } },
    ],
    session: { place: 'Zeewolde', date: '18 maart 2021', time: '10:00' },
    members: [{ name: 'A. Voorzitter', role: 'voorzitter' }],
    objections: null,
    emlHash: 'ab'.repeat(32),
    createdAt: '2021-03-18T10:00:00.000',
    auditHead,
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}


test('gemeente PV PDF declares PDF/A-2b (XMP pdfaid) and carries the gemeente title', async () => {
  const m = await zeewoldeModel();
  const r = gemeentePvPdf(m);
  assert.ok(r.ok, JSON.stringify(r));
  const bytes = r.value;
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const latin = bytes.toString('latin1');
  assert.match(latin, /<pdfaid:part>2<\/pdfaid:part>/);
  assert.match(latin, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
  {
    const t = spawnSync(tool('pdftotext'), ['-layout', '-', '-'], { input: bytes, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(t.status, 0, t.stderr);
    assert.match(t.stdout, /Zitting van het gemeentelijk stembureau/);
    assert.match(t.stdout, /Stembureau Het Dorpshuis/);
    assert.match(t.stdout, /pagina 1 van \d+/);
    assert.doesNotMatch(t.stdout, /hoofdstembureau/);
  }
});

test('gemeente PV: the audit chain head in the footer of the PDF and the ODT (and nothing without one)', async () => {
  const head = { length: 4321, hash: 'c0ffee'.repeat(10) + 'abcd' };
  const line = 'Auditlog: 4321 records, laatste hash C0FF EEC0 FFEE C0FF EEC0 FFEE C0FF EEC0 FFEE C0FF EEC0 FFEE C0FF EEC0 FFEE ABCD';
  const m = await zeewoldeModel(head);
  assert.equal(m.auditLog, line);
  assert.equal((await zeewoldeModel()).auditLog, null);
  const odt = await gemeentePvOdtFile(m);
  const { unzip } = await import('../support/zip.ts');
  assert.ok((await unzip(odt)).some(([, b]) => b.toString('utf8').includes(line)), 'ODT footer');
  {
    const r = gemeentePvPdf(m);
    assert.ok(r.ok, JSON.stringify(r));
    const t = spawnSync(tool('pdftotext'), ['-raw', '-', '-'], { input: r.value, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.ok(t.stdout.replace(/\s+/g, ' ').includes(line), 'PDF footer');
  }
});


test('gemeente PV ODT opens in LibreOffice (soffice --headless --convert-to pdf)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gemeente-pv-odt-'));
  try {
    const file = path.join(dir, 'pv.odt');
    writeFileSync(file, await gemeentePvOdtFile(await zeewoldeModel()));
    const r = spawnSync(tool('soffice'), [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = path.join(dir, 'pv.pdf');
    assert.ok(existsSync(out), r.stdout + r.stderr);
    const pdf = readFileSync(out);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    {
      const t = spawnSync(tool('pdftotext'), ['-layout', out, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.match(t.stdout, /Zitting van het gemeentelijk stembureau/);
      assert.match(t.stdout, /Gemeente Zeewolde \(0050\), kieskring 5 Lelystad/);
      assert.match(t.stdout, /Stembureau Het Dorpshuis/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
