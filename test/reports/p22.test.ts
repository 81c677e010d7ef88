/**
 * PV model P 22-1 of the centraal stembureau (src/reports/p22/) for TK2021, computed from the
 * official 510d's kieskring blocks and the 20 candidate lists (as test/reports/resultCsv.test.ts):
 * the PDF as rendered text (pdftotext) and the ODT's content.xml carry the kiesdeler as an exact
 * fraction, every list's seats (the Kiesraad's party-level result), the 11 residual seats with the
 * averages compared (national.md §1.4), CODE ORANJE excluded by P 7(2), the preference threshold and
 * the 43 preference-elected, the P 12 divisions (PvdA: Nijboer on the list of kieskring 4), the 150
 * elected per list in the 520's order, a correction and a lot; rendering twice gives the same bytes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { VoteCounts } from '../../src/domain/counts.ts';
import type { Affiliation, CandidateLists } from '../../src/domain/election.ts';
import { frac } from '../../src/domain/seats/fraction.ts';
import { nationalResult, type NationalResult } from '../../src/domain/seats/national.ts';
import { seatParameters } from '../../src/domain/seats/parameters.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readEml510dBlocks } from '../../src/eml/eml510d.ts';
import { buildP22Model, formatFraction, type P22Input, type P22Model } from '../../src/reports/p22/model.ts';
import { p22Odt } from '../../src/reports/p22/odt.ts';
import { p22Pdf } from '../../src/reports/p22/pdf.ts';
import { eml, SHARED } from '../support/paths.ts';
import { tool } from '../support/tools.ts';
import { unzip } from '../support/zip.ts';

const DIR = eml('tk2021');
const HASH_520 = 'ab'.repeat(32);
const HASH_510D = 'cd'.repeat(32);

async function tk2021(): Promise<{ result: NationalResult; lists: Map<number, CandidateLists>; blocks: Map<number, { name: string; counts: VoteCounts }> }> {
  const lists = new Map<number, CandidateLists>();
  for (const f of readdirSync(DIR).filter((n) => n.startsWith('Kandidatenlijsten_'))) {
    const r = readCandidateLists(readFileSync(path.join(DIR, f)));
    assert.ok(r.ok);
    lists.set(Number(r.value.contestId), r.value);
  }
  const read = await readEml510dBlocks(readFileSync(path.join(DIR, 'Totaaltelling_TK2021.eml.xml')));
  assert.ok(read.ok);
  const blocks = new Map([...read.value.kieskringen].map(([k, b]) => [k, { name: lists.get(k)?.contestName ?? String(k), counts: b.counts }]));
  const r = nationalResult({
    category: 'TK',
    seats: 150,
    kieskringen: [...lists].map(([kieskring, l]) => ({ kieskring, lists: l })),
    counts: new Map([...blocks].map(([k, b]) => [k, b.counts])),
  });
  assert.ok(r.ok && r.value.kind === 'result');
  return { result: r.value.result, lists, blocks };
}

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'p22-'));
  try {
    const file = path.join(dir, 'p22.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync(tool('pdftotext'), ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** content.xml as plain text: tags dropped, entities and text:s spaces restored. */
function odtText(xml: string): string {
  return xml
    .replace(/<text:s text:c="(\d+)"\/>/g, (_, n: string) => ' '.repeat(Number(n)))
    .replace(/<text:s\/>/g, ' ')
    .replace(/<\/(text:p|text:h|table:table-cell)>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whitespace (also line breaks of table cells) collapsed, so a phrase matches across the layout. */
const flat = (s: string): string => s.replace(/\s+/g, ' ');

describe('PV P 22-1 (TK2021)', () => {
  let model: P22Model;
  let result: NationalResult;
  let input: P22Input;
  let pdf: Buffer;
  let odt: Buffer;
  let texts: { name: string; text: string }[];

  before(async () => {
    const t = await tk2021();
    result = t.result;
    input = {
      election: { id: 'TK2021', name: 'Tweede Kamer der Staten-Generaal 2021', date: '2021-03-17' },
      area: 'Nederland',
      result,
      kieskringen: [...t.blocks].map(([number, b]) => ({ number, name: b.name, counts: b.counts })),
      parameters: { residualSeatThreshold: frac(1), preferenceThreshold: frac(1, 4) },
      corrections: [
        {
          kieskring: { number: 12, name: "'s-Gravenhage" },
          choice: 'second',
          firstSource: 'import',
          fields: [{ label: 'Z: Aantal kiesgerechtigden', first: 356481, second: 449253 }],
          reason: 'Kiezers buiten Nederland opgeteld bij het aantal kiesgerechtigden.',
          by: 'leider',
          at: '2021-03-22T10:15:00',
        },
      ],
      lots: [{ kind: 'seats', listNumber: null, stage: 'averages', between: ['16', '17'], drawn: ['17'], enteredAt: '2021-03-22T11:00:00', enteredBy: 'leider' }],
      countHash: HASH_510D,
      emlHash: HASH_520,
      createdAt: '2021-03-26T10:00:00',
      session: { place: "'s-Gravenhage", date: '26 maart 2021', time: '10:00' },
      members: [{ name: 'A. Voorzitter', role: 'voorzitter' }, { name: 'B. Lid', role: 'lid' }],
      objections: null,
      remarks: null,
      auditHead: { length: 1234, hash: 'ef'.repeat(32) },
    };
    const m = buildP22Model(input);
    assert.ok(m.ok, m.ok ? '' : m.message);
    model = m.value;
    const p = p22Pdf(model);
    assert.ok(p.ok, p.ok ? '' : `${p.message} ${p.detail ?? ''}`);
    pdf = p.value;
    odt = await p22Odt(model);
    const content = (await unzip(odt)).find(([n]) => n === 'content.xml');
    assert.ok(content);
    texts = [
      { name: 'PDF', text: flat(pdfText(pdf)) },
      { name: 'ODT', text: flat(odtText(content[1].toString('utf8'))) },
    ];
  });

  it('the model: kiesdeler 69.485 17/25, 139 full and 11 residual seats, CODE ORANJE excluded, threshold 17.371 21/50', () => {
    assert.equal(model.quota, '69.485 17/25');
    assert.equal(model.votes, 10_422_852);
    assert.equal(model.fullSeats, 139);
    assert.equal(model.residualSeats, 11);
    // P 7(2): every list with votes below the kiesdeler, CODE ORANJE (40.731) the largest of them.
    assert.equal(model.excluded.length, 20);
    assert.ok(model.excluded.some((l) => l.name === 'CODE ORANJE'));
    assert.ok(model.excluded.every((l) => l.votes > 0 && l.votes * 150 < 10_422_852));
    assert.ok(model.lists.filter((l) => l.seats > 0).every((l) => !l.excluded));
    assert.equal(model.preferenceThreshold, '17.371 21/50');
    assert.equal(model.preferencePart, '25%');
    assert.equal(model.preferenceElected.length, 43);
    assert.equal(model.elected.reduce((n, l) => n + l.candidates.length, 0), 150);
    assert.equal(formatFraction(frac(-7, 2)), '-3 1/2');
  });

  it('the residual seats in order with the averages of national.md §1.4, each the largest of the compared', () => {
    // SP, VVD, D66, GL, VVD, PvdD, PvdA, PVV, CDA, FvD, D66
    const expected: [number, number][] = [
      [6, 69263.44],
      [1, 69064.55],
      [4, 68080.91],
      [5, 67163.5],
      [1, 67033.24],
      [9, 66625.0],
      [7, 66354.67],
      [2, 66146.0],
      [3, 66040.07],
      [13, 65385.38],
      [4, 65244.21],
    ];
    assert.equal(model.residualSteps.length, 11);
    const steps = result.allocation.steps.flatMap((s) => (s.kind === 'residual' ? [s] : []));
    model.residualSteps.forEach((s, i) => {
      const [list, average] = expected[i] ?? [0, 0];
      assert.equal(s.listNumber, list, `${i + 1}: ${s.name}`);
      const step = steps[i];
      assert.ok(step);
      assert.equal(Math.round((Number(step.value.n) / Number(step.value.d)) * 100) / 100, average, `average ${i + 1}`);
      assert.equal(s.value, formatFraction(step.value));
      // The values compared: 17 lists reach the kiesdeler (CODE ORANJE not among them), the winner has the largest.
      assert.equal(step.compared.length, 17);
      assert.ok(step.compared.every((c) => c.value.n * step.value.d <= step.value.n * c.value.d));
      assert.ok(!step.compared.some((c) => c.listId === '16'), 'CODE ORANJE takes no part');
    });
    // The comparison tables cover the 11 seats, 6 per table; every cell a winner holds is its step's value.
    assert.deepEqual(model.comparisons.map((c) => c.seats), [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11]]);
    for (const c of model.comparisons) {
      c.seats.forEach((seat, i) => {
        const winners = c.rows.filter((r) => r.won[i]);
        assert.equal(winners.length, 1);
        assert.equal(winners[0]?.values[i], model.residualSteps[seat - 1]?.value);
      });
    }
  });

  it('PDF and ODT: the kiesdeler fraction, the threshold, CODE ORANJE excluded by P 7(2)', () => {
    for (const { name, text } of texts) {
      assert.ok(text.includes('Kiesdeler (10.422.852 : 150, P 5) 69.485 17/25'), `${name}: kiesdeler`);
      assert.ok(text.includes('17.371 21/50'), `${name}: preference threshold`);
      assert.match(text, /Lijsten met minder stemmen dan 100% van de kiesdeler \(69\.485 17\/25\) krijgen geen restzetel/, `${name}: P 7(2)`);
      assert.ok(/16 CODE ORANJE 40\.731/.test(text), `${name}: CODE ORANJE excluded`);
    }
  });

  it("PDF and ODT: every list's seats as in the Kiesraad's party-level result", () => {
    const official = readFileSync(path.join(SHARED, 'data', 'seats', 'uitslag_TK20210317_Nederland.csv'), 'utf8')
      .split('\n')
      .map((l) => l.split(';'))
      .filter((f) => f[2] === 'Partij' && f[5] !== '' && f[5] !== '0');
    assert.equal(official.length, 17);
    for (const { name, text } of texts) {
      const section = text.slice(text.indexOf('9. Zetelverdeling'), text.indexOf('10. Voorkeurdrempel'));
      for (const o of official) {
        const l = model.lists.find((x) => x.name === o[3]);
        assert.ok(l, `list ${o[3]}`);
        const votes = String(Number(o[4])).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
        const row = `${l.listNumber} ${l.name} ${votes} ${l.fullSeats} ${l.residualSeats} ${o[5]}`;
        assert.ok(section.includes(row), `${name}: ${row}`);
      }
      assert.ok(section.includes('Totaal 150'), `${name}: total`);
    }
  });

  it('PDF and ODT: the residual seats in order with their averages, and the averages compared', () => {
    for (const { name, text } of texts) {
      const section = text.slice(text.indexOf('8. Restzetels'), text.indexOf('9. Zetelverdeling'));
      let at = 0;
      for (const s of model.residualSteps) {
        const i = section.indexOf(`${s.nr} ${s.listNumber} ${s.name}`, at);
        assert.ok(i >= 0, `${name}: residual seat ${s.nr}`);
        assert.ok(section.slice(i, i + 300).includes(s.value), `${name}: value of ${s.nr}`);
        at = i;
      }
      assert.ok(section.includes('69.263 4/9'), `${name}: SP's average 623.371 / 9`);
      // The comparison: SP's row has its averages at seats 1..6 (after its seat: 623.371 / 10).
      assert.ok(section.includes('Vergelijking per restzetel'), name);
      assert.ok(section.includes('62.337 1/10'), `${name}: SP after its residual seat`);
      const rows = model.comparisons[0]?.rows ?? [];
      assert.equal(rows.length, 17);
      for (const r of rows) assert.ok(section.includes(`${r.listNumber} ${r.name} ${r.values.map((v) => v ?? '–').join(' ')}`), `${name}: comparison row ${r.name}`);
    }
  });

  it('PDF and ODT: the preference-elected, the P 12 division and Nijboer on the list of kieskring 4', () => {
    for (const { name, text } of texts) {
      const pref = text.slice(text.indexOf('10. Voorkeurdrempel'), text.indexOf('11. Verdeling'));
      for (const e of model.preferenceElected) {
        const votes = e.votes.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
        assert.ok(new RegExp(`${esc(e.name.split(',')[0] ?? '')}[^]{0,40}? ${esc(votes)}`).test(pref), `${name}: ${e.name} ${votes}`);
      }
      assert.ok(pref.includes('Bouchallikh') && pref.includes('Westerveld') && pref.includes('Koekkoek'), name);
      const groups = text.slice(text.indexOf('11. Verdeling'), text.indexOf('12. Gekozen'));
      for (const g of model.groups) assert.ok(groups.includes(`Lijst ${g.listNumber} – ${g.name}`), `${name}: group ${g.name}`);
      assert.deepEqual(model.groups.map((g) => g.listNumber), [3, 4, 6, 7]);
      assert.ok(/groepskiesdeler \d/.test(groups), name);
      const elected = text.slice(text.indexOf('12. Gekozen'), text.indexOf('13. Loting'));
      assert.match(elected, /Nijboer[^]{0,200}?kieskring 4, nr\. \d+/, `${name}: Nijboer placed on kieskring 4 (P 16)`);
      assert.match(elected, /Kuiken[^]{0,200}?kieskring 18, nr\. \d+/, `${name}: Kuiken placed on kieskring 18`);
    }
  });

  it('PDF and ODT: the elected per list in the order of the 520', () => {
    const official = readFileSync(path.join(DIR, 'Resultaat_TK2021.eml.xml'), 'utf8');
    const lastNames = [...official.matchAll(/<xnl:LastName>([^<]*)<\/xnl:LastName>/g)].map((m) => m[1] ?? '');
    assert.equal(lastNames.length, 150);
    const ours = model.elected.flatMap((l) => l.candidates.map((c) => c.name));
    ours.forEach((n, i) => assert.ok(n.startsWith(lastNames[i] ?? '?') || n.includes(lastNames[i] ?? '?'), `${i}: ${n} vs ${lastNames[i]}`));
    for (const { name, text } of texts) {
      const section = text.slice(text.indexOf('12. Gekozen'), text.indexOf('13. Loting'));
      let at = 0;
      for (const l of model.elected) {
        const h = section.indexOf(`Lijst ${l.listNumber} – ${l.name} (${l.seats} `, at);
        assert.ok(h >= at, `${name}: heading of list ${l.listNumber}`);
        at = h;
        for (const c of l.candidates) {
          // The PDF's table may wrap a long name within its cell: the last name (up to the comma) on the row.
          const i = section.indexOf(`${c.nr} ${c.name.split(',')[0]}`, at);
          assert.ok(i >= at, `${name}: list ${l.listNumber} nr ${c.nr} ${c.name} in order`);
          at = i;
        }
      }
    }
  });

  it("PDF and ODT: the correction of 's-Gravenhage with its reason, the lot, the hashes and the audit head", () => {
    for (const { name, text } of texts) {
      const corr = text.slice(text.indexOf('4. Correcties'), text.indexOf('5. Stemmen per lijst'));
      assert.ok(corr.includes("Kieskring 12 's-Gravenhage"), name);
      assert.ok(corr.includes('Kiezers buiten Nederland opgeteld bij het aantal kiesgerechtigden.'), name);
      assert.ok(corr.includes('Z: Aantal kiesgerechtigden 356.481 449.253'), name);
      assert.ok(corr.includes('de tweede invoer (in plaats van het telbestand van het hoofdstembureau), door leider op 22-03-2021 10:15'), name);
      const lot = text.slice(text.indexOf('13. Loting'), text.indexOf('14. Bestanden'));
      assert.ok(lot.includes('grootste gemiddelden (P 7)'), name);
      assert.ok(lot.includes('16 CODE ORANJE; 17 Partij voor de Dieren') || lot.includes('16 CODE ORANJE; 17'), `${name}: ${lot.slice(0, 300)}`);
      assert.ok(text.includes('ABAB ABAB'), `${name}: 520 hash`);
      assert.ok(text.includes('CDCD CDCD'), `${name}: 510d hash`);
      assert.ok(text.includes('Auditlog: 1234 records, laatste hash EFEF'), `${name}: audit head`);
    }
  });

  it('the ODT opens in LibreOffice (soffice --headless --convert-to pdf)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'p22odt-'));
    try {
      const file = path.join(dir, 'p22.odt');
      writeFileSync(file, odt);
      const r = spawnSync(tool('soffice'), [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
        encoding: 'utf8',
        timeout: 180_000,
      });
      assert.equal(r.status, 0, r.stderr);
      const out = path.join(dir, 'p22.pdf');
      assert.ok(existsSync(out), r.stdout + r.stderr);
      const text = flat(pdfText(readFileSync(out)));
      assert.ok(text.includes('69.485 17/25'), 'the kiesdeler');
      assert.match(text, /pagina 1 van \d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is deterministic: the same input gives the same PDF and ODT bytes', async () => {
    const again = buildP22Model(input);
    assert.ok(again.ok);
    const pdf2 = p22Pdf(again.value);
    assert.ok(pdf2.ok);
    assert.ok(pdf2.value.equals(pdf), 'PDF bytes');
    assert.ok((await p22Odt(again.value)).equals(odt), 'ODT bytes');
    // A concept (no hashes) is marked as such.
    const concept = buildP22Model({ ...input, emlHash: null, countHash: null });
    assert.ok(concept.ok && concept.value.concept);
    assert.ok(!buildP22Model({ ...input, createdAt: 'gisteren' }).ok);
  });
});

// ---------------------------------------------------------------------------------------------
// Synthetic elections for the parts TK2021 does not have: P 9, unfilled seats, P 16(2), lots
// within a list, no threshold for residual seats, objections, remarks, no members, concept, practice
// ---------------------------------------------------------------------------------------------

function affiliation(listNumber: number, name: string, set: number | null, lastNames: readonly string[]): Affiliation {
  return {
    listNumber,
    registeredName: name,
    type: set === null ? 'lijstengroep' : 'stel gelijkluidende lijsten',
    publishGender: false,
    belongsToSet: set,
    candidates: lastNames.map((lastName, i) => ({ position: i + 1, initials: 'X.', firstName: null, prefix: null, lastName, gender: null, locality: 'Ergens' })),
  };
}

function kieskring(k: number, category: string, affiliations: Affiliation[]): { kieskring: number; lists: CandidateLists } {
  return {
    kieskring: k,
    lists: { electionId: 'XX2030', electionName: 'Proef', electionCategory: category, electionDate: '2030-03-20', contestId: String(k), contestName: `Kring${k}`, affiliations },
  };
}

/** Counts from [listNumber, candidate votes by position]. */
function countsOf(lists: [number, number[]][]): VoteCounts {
  const l = lists.map(([listNumber, votes]) => ({ listNumber, total: votes.reduce((a, b) => a + b, 0), candidates: votes.map((v, i) => ({ position: i + 1, votes: v })) }));
  const total = l.reduce((a, x) => a + x.total, 0);
  return { cast: total + 10, totalCounted: total, rejected: { ongeldig: 1, blanco: 2 }, uncounted: [], lists: l };
}

async function render(input: P22Input): Promise<{ model: P22Model; pdf: string; odt: string; odtStyles: string }> {
  const m = buildP22Model(input);
  assert.ok(m.ok, m.ok ? '' : m.message);
  const p = p22Pdf(m.value);
  assert.ok(p.ok, p.ok ? '' : `${p.message} ${p.detail ?? ''}`);
  const files = await unzip(await p22Odt(m.value));
  const content = files.find(([n]) => n === 'content.xml');
  const styles = files.find(([n]) => n === 'styles.xml');
  assert.ok(content && styles);
  return { model: m.value, pdf: flat(pdfText(p.value)), odt: flat(odtText(content[1].toString('utf8'))), odtStyles: flat(odtText(styles[1].toString('utf8'))) };
}

function synthetic(category: string, seats: number, ks: { kieskring: number; lists: CandidateLists }[], counts: Map<number, VoteCounts>, extra: Partial<Parameters<typeof nationalResult>[0]> = {}): P22Input {
  const r = nationalResult({ category, seats, kieskringen: ks, counts, ...extra });
  assert.ok(r.ok && r.value.kind === 'result', r.ok ? r.value.kind : r.message);
  const params = seatParameters(category, seats);
  assert.ok(params.ok);
  return {
    election: { id: 'XX2030', name: 'Proefverkiezing 2030', date: '2030-03-20' },
    area: 'Proefland',
    result: r.value.result,
    kieskringen: ks.map((k) => ({ number: k.kieskring, name: k.lists.contestName, counts: counts.get(k.kieskring) ?? countsOf([]) })),
    parameters: params.value,
    corrections: [],
    lots: [],
    countHash: null,
    emlHash: null,
    createdAt: '2030-03-25T09:30:00',
    session: { place: '', date: '', time: '' },
    members: [],
    objections: 'Een kiezer vraagt om hertelling van kieskring 1.',
    remarks: 'Geen bijzonderheden.',
    auditHead: null,
    practice: true,
  };
}

describe('PV P 22-1, synthetic: the parts TK2021 does not show', () => {
  it('P 9 (no threshold for residual seats, largest remainders), objections, remarks, no members, concept, practice', async () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'];
    const k1 = kieskring(1, 'GR', [affiliation(1, 'Een', 1, names), affiliation(2, 'Twee', 1, names), affiliation(3, 'Drie', 1, names), affiliation(4, 'Vier', 1, names)]);
    // kiesdeler 100: full 5 1 1 1; remainders list 4 (70) and list 2 (65); list 1 (510 > half) takes list 2's seat (P 9)
    const counts = new Map([[1, countsOf([[1, [510]], [2, [165]], [3, [155]], [4, [170]]])]]);
    const { model, pdf, odt, odtStyles } = await render(synthetic('GR', 10, [k1], counts));
    assert.deepEqual(model.lists.map((l) => l.seats), [6, 1, 1, 2]);
    assert.deepEqual(model.majority, { to: '1 Een', from: '2 Twee', byLot: false });
    assert.equal(model.residualThreshold, null);
    for (const [name, t] of [['PDF', pdf], ['ODT', odt]] as const) {
      assert.ok(t.includes('Absolute meerderheid (P 9)'), name);
      assert.ok(t.includes('Lijst 1 Een heeft meer dan de helft van de stemmen maar niet meer dan de helft van de zetels; zij krijgt een zetel van lijst 2 Twee.'), name);
      assert.ok(t.includes('grootste overschotten (P 8, eerste lid)'), name);
      assert.ok(!t.includes('krijgen geen restzetel'), `${name}: no P 7(2) below 19 seats`);
      assert.ok(t.includes('Een kiezer vraagt om hertelling van kieskring 1.'), `${name}: objections`);
      assert.ok(t.includes('Geen bijzonderheden.'), `${name}: remarks`);
      assert.ok(t.includes('Geen leden ingevuld.'), name);
      assert.ok(t.includes('Er zijn geen uitslagen van kieskringen gecorrigeerd.'), name);
      assert.ok(t.includes('Er is niet geloot.'), name);
    }
    // The page header and footer (the ODT's in styles.xml): practice and concept marks, no hash.
    for (const [name, t] of [['PDF', pdf], ['ODT', odtStyles]] as const) {
      assert.ok(t.includes('OEFENING'), `${name}: practice`);
      assert.ok(t.includes('CONCEPT'), `${name}: concept`);
      assert.ok(/Geen hashcode: concept/.test(t), `${name}: no hash`);
    }
  });

  it('seats that no list can fill', async () => {
    const k1 = kieskring(1, 'GR', [affiliation(1, 'Een', 1, ['A']), affiliation(2, 'Twee', 1, ['B'])]);
    const { model, pdf, odt } = await render(synthetic('GR', 5, [k1], new Map([[1, countsOf([[1, [300]], [2, [200]]])]])));
    assert.equal(model.unfilled, 3);
    for (const t of [pdf, odt]) assert.ok(t.includes('Er blijven 3 zetels onvervuld: geen lijst heeft nog kandidaten (P 10).'));
  });

  it('a list group: P 16(2) and a lot within the list, named with the lists\' kieskringen', async () => {
    const A = ['Aa', 'Ab', 'Ac', 'Ad', 'Ae', 'Af'];
    const ks = [
      kieskring(1, 'TK', [affiliation(1, 'Een', 1, A), affiliation(2, 'Twee', null, ['Ba', 'Bb', 'Bc'])]),
      kieskring(2, 'TK', [affiliation(1, 'Een', 1, A), affiliation(2, 'Twee', null, ['Bd', 'Ba', 'Be'])]),
    ];
    const counts = new Map([
      [1, countsOf([[1, [300, 40, 30, 30, 0, 0]], [2, [100, 100, 50]]])],
      [2, countsOf([[1, [100, 50, 30, 20, 0, 0]], [2, [50, 60, 40]]])],
    ]);
    const drawn = { stage: 'group-remainders' as const, between: ['kk1', 'kk2'], drawn: ['kk2'] };
    const input = synthetic('TK', 10, ks, counts, { candidateLots: new Map([[2, [drawn]]]) });
    const { model, pdf, odt } = await render({
      ...input,
      lots: [{ kind: 'candidates', listNumber: 2, stage: 'group-remainders', between: drawn.between, drawn: drawn.drawn, enteredAt: '2030-03-25T09:00:00', enteredBy: 'leider' }],
    });
    assert.deepEqual(model.groups.map((g) => g.listNumber), [2]);
    assert.deepEqual(model.groups[0]?.lists.map((l) => [l.label, l.fullSeats, l.residualSeats, l.seats]), [['kieskring 1', 2, 0, 3], ['kieskring 2', 1, 1, 1]]);
    for (const [name, t] of [['PDF', pdf], ['ODT', odt]] as const) {
      assert.ok(t.includes('groepskiesdeler 100'), name);
      assert.ok(t.includes('P 16, tweede lid: de zetel van de lijst van kieskring 2 gaat naar de lijst van kieskring 1 voor Bc, X.'), `${name}: P 16(2)`);
      const lots = t.slice(t.indexOf('13. Loting'), t.indexOf('14. Bestanden'));
      // (the PDF's narrow table cells wrap, and pdftotext interleaves their lines: the ODT's text in full, the PDF's in parts)
      if (name === 'ODT') assert.ok(lots.includes('lijstengroep, grootste overschotten (P 12), lijst 2 Twee'), `${name}: the lot: ${lots}`);
      else for (const part of ['lijstengroep, grootste', 'overschotten (P 12), lijst 2', 'Twee']) assert.ok(lots.includes(part), `${name}: the lot: ${lots}`);
      assert.ok(lots.includes(name === 'ODT' ? 'lijst van kieskring 1; lijst van kieskring 2' : 'lijst van kieskring 1;'), `${name}: between`);
      assert.ok(t.includes('25-03-2030 09:00, leider'), `${name}: entered`);
      // the set of identical lists of list 1: its candidates on the lists of kieskringen 1-2
      assert.ok(t.includes('kieskringen 1-2, nr. 1'), `${name}: placed on the set`);
    }
  });
});
