/**
 * PV model O 3: the report model (every number and name) against the real TK2021 files, and the
 * PDF (Typst, PDF/A-2b) as rendered text (pdftotext, poppler-utils), footer on every page,
 * concept preview, escaping of nasty names, determinism.
 */
import { tool } from '../support/tools.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eml } from '../support/paths.ts';
import { readCountFile, readListsFile } from '../support/eml.ts';
import type { Eml510 } from '../../src/eml/eml510read.ts';
import { writeEml510c } from '../../src/eml/eml510write.ts';
import { sha256Hex } from '../../src/eml/hash.ts';
import { formatHash } from '../../src/domain/hashcode.ts';
import type { CandidateLists } from '../../src/domain/election.ts';
import type { VoteCounts } from '../../src/domain/counts.ts';
import { dutchDate } from '../../src/domain/dates.ts';
import { buildO3Model, formatCount, o3CandidateName, type O3Input, type O3Model } from '../../src/reports/o3/model.ts';
import { o3Pdf } from '../../src/reports/o3/pdf.ts';
import { typstPdf } from '../../src/reports/typst.ts';
import { fileURLToPath } from 'node:url';

const CREATED = '2021-03-26T10:11:12.345';

const lists = (k: string): CandidateLists => readListsFile(eml('tk2021', `Kandidatenlijsten_TK2021_${k}.eml.xml`));
const count = (k: string): Promise<Eml510> => readCountFile(eml('tk2021', `Telling_TK2021_kieskring_${k}.eml.xml`));

async function input(k: string, overrides: Partial<O3Input> = {}): Promise<{ input: O3Input; file: Eml510; lists: CandidateLists }> {
  const l = lists(k);
  const v = await count(k);
  const municipalities = v.units.map((u) => ({ code: u.id.split('::')[1]!, name: u.name, counts: u.counts }));
  const emlBytes = writeEml510c({
    election: { id: 'TK2021', name: l.electionName, category: 'TK', subcategory: 'TK', date: l.electionDate },
    kieskring: { number: Number(l.contestId), name: l.contestName },
    candidateLists: l,
    municipalities,
    creationDateTime: CREATED,
  });
  assert.ok(emlBytes.ok);
  return {
    file: v,
    lists: l,
    input: {
      election: { id: 'TK2021', name: l.electionName, date: l.electionDate },
      kieskring: { number: Number(l.contestId), name: l.contestName },
      candidateLists: l,
      municipalities,
      session: { place: `${l.contestName}, provinciehuis`, date: '26 maart 2021', time: '10:00 uur' },
      members: [
        { name: 'mr. J. de Vries', role: 'voorzitter' },
        { name: 'A. Jansen', role: 'lid' },
      ],
      objections: null,
      emlHash: sha256Hex(emlBytes.value),
      createdAt: CREATED,
      ...overrides,
    },
  };
}

function model(i: O3Input): O3Model {
  const r = buildO3Model(i);
  if (!r.ok) assert.fail(`${r.code}: ${r.message}`);
  return r.value;
}

function pdf(m: O3Model): Buffer {
  const r = o3Pdf(m);
  if (!r.ok) assert.fail(`${r.message} ${r.detail}`);
  return r.value;
}


/** The text of every page (pdftotext -layout), split on form feeds. */
function pdfPages(bytes: Buffer): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'o3-'));
  try {
    const file = path.join(dir, 'o3.pdf');
    writeFileSync(file, bytes);
    const r = spawnSync(tool('pdftotext'), ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(r.status, 0, r.stderr);
    const pages = r.stdout.split('\f');
    if (pages[pages.length - 1]!.trim() === '') pages.pop();
    return pages;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const listTotal = (c: VoteCounts, n: number) => c.lists.find((l) => l.listNumber === n)!.total;
const candVotes = (c: VoteCounts, n: number, p: number) => c.lists.find((l) => l.listNumber === n)!.candidates.find((x) => x.position === p)!.votes;

test('O 3 model, Lelystad: every number equals the official 510c, names as on the lists', async () => {
  const { input: i, file, lists: l } = await input('Lelystad');
  const m = model(i);
  const t = file.total!;
  assert.equal(m.kieskring.number, 5);
  assert.equal(m.kieskring.name, 'Lelystad');
  assert.equal(m.election.dateText, '17 maart 2021');
  assert.equal(m.eligibleVoters, t.cast);
  assert.equal(m.votes.valid, t.totalCounted);
  assert.equal(m.votes.blank, t.rejected.blanco);
  assert.equal(m.votes.invalid, t.rejected.ongeldig);
  assert.equal(m.votes.total, t.totalCounted + t.rejected.blanco + t.rejected.ongeldig);
  assert.equal(m.votes.valid, 230595);
  // every list and candidate, in list order
  assert.deepEqual(m.lists.map((x) => x.listNumber), l.affiliations.map((a) => a.listNumber));
  for (const list of m.lists) {
    assert.equal(list.total, listTotal(t, list.listNumber), `list ${list.listNumber}`);
    assert.equal(list.candidates.reduce((s, c) => s + c.votes, 0), list.total, `list ${list.listNumber} adds up`);
    for (const c of list.candidates) assert.equal(c.votes, candVotes(t, list.listNumber, c.position));
  }
  const vvd = m.lists[0]!;
  assert.deepEqual(vvd.candidates[0], { position: 1, name: 'Rutte, M. (Mark) (m)', locality: vvd.candidates[0]!.locality, votes: 41585 });
  assert.equal(vvd.candidates[1]!.name, 'Ark, T. van (Tamara) (v)');
  assert.equal(vvd.candidates[1]!.votes, 1922);
  assert.equal(vvd.candidates[4]!.name, 'Yeşilgöz-Zegerius, D. (Dilan) (v)');
  assert.equal(vvd.candidates[5]!.name, "Wout, B. van 't (Bas) (m)");
  // a list that does not publish gender shows no gender mark
  const noGender = l.affiliations.find((a) => !a.publishGender);
  if (noGender) {
    const ml = m.lists.find((x) => x.listNumber === noGender.listNumber)!;
    assert.ok(ml.candidates.every((c) => !/ \((m|v|x)\)$/.test(c.name)), ml.candidates[0]!.name);
  }
  // section 4 and 5: the kieskring sums of the municipalities' I, J, K..O, B, C
  const u = (r: string) => t.uncounted.find((x) => x.reason === r)!.count;
  assert.equal(m.differences.more, u('meer getelde stembiljetten'));
  assert.equal(m.differences.fewer, u('minder getelde stembiljetten'));
  assert.deepEqual(
    m.differences.explanations.map((e) => [e.letter, e.count]),
    [
      ['K', u('meegenomen stembiljetten')],
      ['L', u('te weinig uitgereikte stembiljetten')],
      ['M', u('te veel uitgereikte stembiljetten')],
      ['N', u('geen verklaring')],
      ['O', u('andere verklaring')],
      ['', u('te veel briefstembiljetten')],
      ['', u('geen briefstembiljetten')],
    ],
  );
  assert.equal(m.differences.admittedVoters, null, 'a 510c carries no D');
  assert.equal(m.proxies.proxyVotes, u('geldige volmachtbewijzen'));
  assert.equal(m.proxies.voterPasses, u('geldige kiezerspassen'));
  // appendix: the municipalities by code, adding up to the kieskring
  assert.deepEqual(m.municipalities.map((r) => r.code), ['0034', '0050', '0171', '0184', '0303', '0995']);
  assert.equal(m.municipalities.reduce((s, r) => s + r.eligible, 0), m.eligibleVoters);
  assert.equal(m.municipalities.reduce((s, r) => s + r.valid, 0), m.votes.valid);
  for (let li = 0; li < m.lists.length; li++) {
    assert.equal(m.municipalities.reduce((s, r) => s + r.listTotals[li]!, 0), m.lists[li]!.total);
  }
  assert.equal(m.municipalities.find((r) => r.name === 'Almere')!.valid, file.units.find((x) => x.name === 'Almere')!.counts.totalCounted);
  assert.deepEqual(
    m.differences.municipalities.map((r) => r.code),
    m.municipalities.filter((r) => (r.more ?? 0) + (r.fewer ?? 0) > 0).map((r) => r.code),
  );
  // free text and footer data
  assert.equal(m.hash, formatHash(i.emlHash!));
  assert.equal(m.hash!.split(' ').length, 16);
  assert.equal(m.concept, false);
  assert.equal(m.createdAt, '26-03-2021 10:11');
  assert.deepEqual(m.objections, { none: true, text: '' });
  assert.deepEqual(m.members, [{ name: 'mr. J. de Vries', role: 'voorzitter' }, { name: 'A. Jansen', role: 'lid' }]);
});

test('O 3 model: the municipality order of the input does not matter; refusals are Dutch values', async () => {
  const { input: i } = await input('Lelystad');
  assert.deepEqual(model({ ...i, municipalities: [...i.municipalities].reverse() }), model(i));
  const bad = (o: Partial<O3Input>) => {
    const r = buildO3Model({ ...i, ...o });
    assert.ok(!r.ok);
    return r;
  };
  assert.equal(bad({ createdAt: '26-03-2021' }).code, 'o3_datum');
  assert.equal(bad({ election: { ...i.election, date: '2021-13-01' } }).code, 'o3_datum');
  assert.equal(bad({ emlHash: 'abc' }).code, 'o3_hash');
  assert.equal(bad({ municipalities: [] }).code, 'o3_geen_gemeenten');
  const m0 = i.municipalities[0]!;
  const wrongList = { ...m0, counts: { ...m0.counts, lists: [...m0.counts.lists, { listNumber: 28, total: 0, candidates: [] }] } };
  const r = bad({ municipalities: [wrongList] });
  assert.equal(r.code, 'o3_onbekende_lijst');
  assert.match(r.message, /Almere: lijst 28 staat niet op de kandidatenlijsten/);
  const wrongCand = { ...m0, counts: { ...m0.counts, lists: [{ listNumber: 1, total: 1, candidates: [{ position: 999, votes: 1 }] }] } };
  assert.equal(bad({ municipalities: [wrongCand] }).code, 'o3_onbekende_kandidaat');
  assert.equal(dutchDate('2021-03-17'), '17 maart 2021');
  assert.equal(dutchDate('2025-10-29'), '29 oktober 2025');
  const c = { position: 1, initials: 'A.', firstName: 'Ann', prefix: 'van der', lastName: 'Berg', gender: 'x' as const, locality: null };
  assert.equal(o3CandidateName(c, true), 'Berg, A. van der (Ann) (x)');
  assert.equal(o3CandidateName(c, false), 'Berg, A. van der (Ann)');
  assert.equal(o3CandidateName({ ...c, gender: null }, true), 'Berg, A. van der (Ann)');
});

test('O 3 PDF, Lelystad: PDF/A-2b, every list total and candidate in the text, hash and "pagina x van N" on every page', async () => {
  const { input: i } = await input('Lelystad', { objections: 'Een kiezer maakt bezwaar tegen de optelling van Zeewolde.\nTweede regel.' });
  const m = model(i);
  const t0 = performance.now();
  const bytes = pdf(m);
  console.log(`O 3 PDF Lelystad: ${(performance.now() - t0).toFixed(0)} ms, ${bytes.length} bytes`);
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  const latin = bytes.toString('latin1');
  assert.match(latin, /<pdfaid:part>2<\/pdfaid:part>/);
  assert.match(latin, /<pdfaid:conformance>B<\/pdfaid:conformance>/);
  assert.match(latin, /\/CreationDate \(D:20210326101112/);
  const pages = pdfPages(bytes);
  const n = pages.length;
  assert.ok(n > 5, `${n} pages`);
  pages.forEach((p, k) => {
    assert.ok(p.includes(`pagina ${k + 1} van ${n}`), `page ${k + 1}: no "pagina ${k + 1} van ${n}"`);
    assert.ok(p.includes(m.hash!), `page ${k + 1}: no hash`);
    assert.ok(p.includes('Aangemaakt: 26-03-2021 10:11'), `page ${k + 1}: no creation date`);
  });
  // the candidate tables repeat their header row on every page they run over
  const firstAfterLists = pages.findIndex((p) => p.includes('4. Verschillen tussen toegelaten kiezers'));
  assert.ok(firstAfterLists > 1);
  for (let k = 1; k < firstAfterLists; k++) assert.match(pages[k]!, /Nr\.\s+Naam kandidaat\s+Stemmen/, `page ${k + 1}`);
  const text = pages.join('\n');
  const oneLine = (s: string) => s.replace(/\s+/g, ' ');
  for (const l of m.lists) {
    // counts with thousands separators, as the official models print them ("1.234")
    assert.ok(new RegExp(`Totaal lijst ${l.listNumber}\\s+${escapeRe(formatCount(l.total))}\\b`).test(text), `total of list ${l.listNumber}`);
    assert.ok(new RegExp(`(^|\\n)\\s*${l.listNumber}\\s+${escapeRe(l.name)}\\s+${escapeRe(formatCount(l.total))}\\b`).test(text), `list ${l.listNumber} in the overview`);
    for (const c of l.candidates) {
      assert.ok(new RegExp(`\\b${c.position}\\s+${escapeRe(c.name)}\\s+${escapeRe(formatCount(c.votes))}\\b`).test(text), `list ${l.listNumber} candidate ${c.position} ${c.name} ${c.votes}`);
    }
  }
  assert.match(text, /Totaal geldige stemmen\s+230\.595/);
  assert.match(text, /Aantal kiesgerechtigden\s+307\.056/);
  assert.match(oneLine(text), /Er zijn bezwaren ingebracht: zie bijlage 1/);
  assert.match(oneLine(text), /Bijlage 1: Bezwaren van aanwezige kiezers Een kiezer maakt bezwaar tegen de optelling van Zeewolde\. Tweede regel\./);
  assert.match(text, /Kieskring\s+307\.056\s/);
  assert.ok(!/CONCEPT/.test(text));
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
}

test('O 3 PDF: same inputs, same bytes; another creation time, other bytes', async () => {
  const { input: i } = await input('Lelystad');
  const a = pdf(model(i));
  const b = pdf(model(i));
  assert.ok(a.equals(b), 'two renderings differ');
  const c = pdf(model({ ...i, createdAt: '2021-03-26T10:12:00' }));
  assert.ok(!a.equals(c));
});

test('Typst PDF: the same bytes in another process and time zone', () => {
  const template = '#let d = json(bytes(sys.inputs.data))\n#set document(date: datetime(year: 2021, month: 3, day: 26, hour: 1, minute: 2, second: 3))\n#set text(font: "Libertinus Serif")\n#d.name';
  const data = { name: 'Yeşilgöz-Zegerius, D. (Dilan) (v)' };
  const here = typstPdf(template, data);
  assert.ok(here.ok);
  const typstModule = fileURLToPath(new URL('../../src/reports/typst.ts', import.meta.url));
  const script = `import { typstPdf } from ${JSON.stringify(typstModule)}; import { createHash } from 'node:crypto';
const r = typstPdf(process.env.TEMPLATE, JSON.parse(process.env.DATA));
if (!r.ok) { console.error(r); process.exit(1); }
process.stdout.write(createHash('sha256').update(r.value).digest('hex'));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: { ...process.env, TZ: 'Pacific/Kiritimati', TEMPLATE: template, DATA: JSON.stringify(data) },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, sha256Hex(here.value));
});

test('O 3 PDF preview: "CONCEPT" watermark, no hash', async () => {
  const { input: i } = await input('Lelystad', { emlHash: null });
  const m = model(i);
  assert.equal(m.concept, true);
  assert.equal(m.hash, null);
  const pages = pdfPages(pdf(m));
  pages.forEach((p, k) => {
    assert.match(p, /CONCEPT/, `page ${k + 1}`);
    assert.match(p, /Geen hashcode: concept/, `page ${k + 1}`);
    assert.ok(!/SHA-256 telbestand/.test(p), `page ${k + 1}`);
  });
});

test('O 3 PDF: names with Typst markup characters are printed literally', async () => {
  const { input: i } = await input('Lelystad');
  const nasty = [
    `O'Brien "#let x = 1" *vet* _schuin_`,
    '$x^2$ @ref <label> [haak] {acc} \\ #set page(width: 1cm)',
    '= Kop // geen commentaar /* ook niet */ `code` ~ - + 1.',
  ];
  const l = i.candidateLists;
  const affs = l.affiliations.map((a, k) =>
    k === 0
      ? {
          ...a,
          registeredName: '#strong[Lijst] <x> $y$',
          candidates: a.candidates.map((c, j) => (j < nasty.length ? { ...c, lastName: nasty[j]!, firstName: null } : c)),
        }
      : a,
  );
  const m = model({
    ...i,
    candidateLists: { ...l, affiliations: affs },
    session: { place: '#panic("boem")', date: '*26* maart', time: '<10:00>' },
    members: [{ name: '#include "/etc/passwd"', role: '@lid' }],
    objections: '#read("/etc/hostname") \\\n$ _a_ *b*',
    remarks: '```raw``` #(1 + 1)',
  });
  const text = pdfPages(pdf(m)).join('\n');
  const flat = text.replace(/\s+/g, ' ');
  for (let j = 0; j < nasty.length; j++) assert.ok(flat.includes(`${nasty[j]}, ${affs[0]!.candidates[j]!.initials}`), `candidate ${j + 1}: ${nasty[j]}`);
  for (const s of ['#strong[Lijst] <x> $y$', '#panic("boem")', '*26* maart', '<10:00>', '#include "/etc/passwd"', '@lid', '#read("/etc/hostname") \\', '$ _a_ *b*', '```raw``` #(1 + 1)']) {
    assert.ok(flat.includes(s), `not literal: ${s}`);
  }
});

test('O 3 for the largest kieskring files (Zwolle: 25 municipalities; Amsterdam: most candidates): page count and timing', async () => {
  for (const k of ['Zwolle', 'Amsterdam']) {
    const { input: i } = await input(k);
    const t0 = performance.now();
    const m = model(i);
    const t1 = performance.now();
    const bytes = pdf(m);
    const t2 = performance.now();
    const candidates = m.lists.reduce((s, l) => s + l.candidates.length, 0);
    const pages = Number(/<xmpTPg:NPages>(\d+)<\/xmpTPg:NPages>/.exec(bytes.toString('latin1'))?.[1]);
    console.log(
      `O 3 ${k}: ${m.municipalities.length} municipalities, ${m.lists.length} lists, ${candidates} candidates; model ${(t1 - t0).toFixed(0)} ms, PDF ${(t2 - t1).toFixed(0)} ms, ${pages} pages, ${bytes.length} bytes`,
    );
    // about 45 candidate rows per page, plus the overview and the appendices
    assert.ok(pages >= Math.ceil(candidates / 60) && pages <= Math.ceil(candidates / 25) + 10, `${k}: ${pages} pages for ${candidates} candidates`);
  }
});

test('formatCount: thousands separated by a point, as the official models print counts', () => {
  assert.equal(formatCount(0), '0');
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1000), '1.000');
  assert.equal(formatCount(230595), '230.595');
  assert.equal(formatCount(12345678), '12.345.678');
  fc.assert(
    fc.property(fc.nat(), (x) => {
      const t = formatCount(x);
      assert.equal(t.replace(/\./g, ''), String(x));
      assert.match(t, /^\d{1,3}(\.\d{3})*$/);
    }),
  );
});
