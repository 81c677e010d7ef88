import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { listsFromCount, readCountFile, readListsFile, REAL_GEMEENTE_COUNTS } from '../support/eml.ts';
import { eml } from '../support/paths.ts';
import {
  listNameFor510,
  parsePollingStationText,
  writeEml510b,
  writeEml510c,
} from '../../src/eml/eml510write.ts';
import { XmlWriter, escapeAttr, escapeText } from '../../src/eml/xmlwriter.ts';
import { sumCounts, type VoteCounts } from '../../src/domain/counts.ts';
import { reasonsWritten, TK2021_RULES, TK2023_RULES } from '../../src/domain/ruleSets.ts';

const KIESKRINGEN = ['Amsterdam', 'Assen', 'Groningen', 'Leeuwarden', 'Lelystad', 'Zwolle', 's-Gravenhage'];

/** Show where two buffers first differ. */
function firstDifference(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `at byte ${i} (lengths ${a.length}/${b.length}):\n ours: ${a.subarray(Math.max(0, i - 80), i + 80).toString()}\n them: ${b.subarray(Math.max(0, i - 80), i + 80).toString()}`;
}

function assertSameBytes(ours: Buffer, official: Buffer): void {
  if (!ours.equals(official)) assert.fail(firstDifference(ours, official));
}

/** Deterministic shuffle (reverse + rotate) to prove the writer orders by itself. */
function scramble<T>(xs: readonly T[]): T[] {
  const r = [...xs].reverse();
  return [...r.slice(1), ...r.slice(0, 1)];
}

for (const k of KIESKRINGEN) {
  test(`510c ${k}: written from the municipality blocks + 230b, byte-identical to the official file`, async () => {
    const file = eml('tk2021', `Telling_TK2021_kieskring_${k}.eml.xml`);
    const official = readFileSync(file);
    const v = await readCountFile(file);
    const lists = readListsFile(eml('tk2021', `Kandidatenlijsten_TK2021_${k}.eml.xml`));
    const municipalities = v.units.map((u) => {
      const m = /^HSB\d+::(\d{4})$/.exec(u.id);
      assert.ok(m, u.id);
      return { code: Number(m[1]), name: u.name, counts: u.counts };
    });
    const r = writeEml510c({
      election: { id: lists.electionId, name: lists.electionName, category: lists.electionCategory, subcategory: 'TK', date: lists.electionDate },
      kieskring: { number: Number(lists.contestId), name: lists.contestName },
      candidateLists: lists,
      municipalities: scramble(municipalities),
      creationDateTime: v.header.creationDateTime!,
    });
    assert.ok(r.ok, JSON.stringify(r));
    assertSameBytes(r.value, official);
  });
}

test('510c TK2023 Amsterdam: written from the municipality block + 230b, byte-identical to the official file', async () => {
  const file = eml('tk2023', 'Telling_TK2023_kieskring_Amsterdam.eml.xml');
  const official = readFileSync(file);
  const v = await readCountFile(file);
  const lists = readListsFile(eml('tk2023', 'Kandidatenlijsten_TK2023_Amsterdam.eml.xml'));
  const r = writeEml510c({
    election: { id: lists.electionId, name: lists.electionName, category: lists.electionCategory, subcategory: 'TK', date: lists.electionDate },
    kieskring: { number: Number(lists.contestId), name: lists.contestName },
    candidateLists: lists,
    municipalities: v.units.map((u) => ({ code: u.id.split('::')[1]!, name: u.name, counts: u.counts })),
    creationDateTime: v.header.creationDateTime!,
  });
  assert.ok(r.ok, JSON.stringify(r));
  assertSameBytes(r.value, official);
});

test('510c can be streamed in chunks; the result is the same bytes', async () => {
  const file = eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml');
  const v = await readCountFile(file);
  const lists = readListsFile(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
  const chunks: Buffer[] = [];
  const r = writeEml510c(
    {
      election: { id: 'TK2021', name: lists.electionName, category: 'TK', subcategory: 'TK', date: '2021-03-17' },
      kieskring: { number: 5, name: 'Lelystad' },
      candidateLists: lists,
      municipalities: v.units.map((u) => ({ code: u.id.split('::')[1]!, name: u.name, counts: u.counts })),
      creationDateTime: v.header.creationDateTime!,
    },
    (c) => chunks.push(c),
  );
  assert.ok(r.ok);
  assert.equal(r.value.length, 0);
  assert.ok(chunks.length > 5);
  assertSameBytes(Buffer.concat(chunks), readFileSync(file));
});

for (const [label, file, election, listsFile, municipality] of REAL_GEMEENTE_COUNTS) {
  test(`510b ${label}: written from the polling-station blocks, byte-identical to the real file`, async () => {
    const official = readFileSync(file);
    const v = await readCountFile(file);
    // No TK2023 230b is available: derive the lists' shape (numbers, names, positions) from the file itself.
    const lists = listsFile
      ? readListsFile(listsFile)
      : listsFromCount(v, election);
    const stations = v.units.map((u) => {
      const m = /^\d{4}::SB(\d+)$/.exec(u.id);
      assert.ok(m, u.id);
      return { number: Number(m[1]), ...parsePollingStationText(u.name), counts: u.counts };
    });
    assert.ok(stations.every((s) => s.postcode !== null && /^\d{4} [A-Z]{2}$/.test(s.postcode)));
    // the municipality total: the sum of its stations, plus Z (which stations need not report)
    const total: VoteCounts = { ...sumCounts(stations.map((s) => s.counts)), cast: v.total!.cast };
    const r = writeEml510b({
      election,
      municipality,
      kieskring: { number: Number(lists.contestId), name: lists.contestName },
      candidateLists: lists,
      total,
      pollingStations: scramble(stations),
      creationDateTime: v.header.creationDateTime!,
    });
    assert.ok(r.ok, JSON.stringify(r));
    assertSameBytes(r.value, official);
  });
}

test('reason rule: the rule set of the level, in its order; 510c never writes A or D; TK2023 has no postal reasons', () => {
  const block = (reasons: string[]): VoteCounts => ({
    cast: 0,
    totalCounted: 0,
    rejected: { ongeldig: 0, blanco: 0 },
    uncounted: reasons.map((reason) => ({ reason, count: 1 })),
    lists: [],
  });
  const tk2021 = reasonsWritten(TK2021_RULES, 'hsb510c', [block([])]);
  assert.deepEqual(tk2021.slice(-4), ['geen verklaring', 'andere verklaring', 'te veel briefstembiljetten', 'geen briefstembiljetten']);
  const withLost = reasonsWritten(TK2021_RULES, 'hsb510c', [block(['geldige stempassen', 'toegelaten kiezers']), block(['kwijtgeraakte stembiljetten'])]);
  assert.deepEqual(withLost.slice(7, 11), ['geen verklaring', 'andere verklaring', 'kwijtgeraakte stembiljetten', 'te veel briefstembiljetten']);
  assert.ok(!withLost.includes('geldige stempassen') && !withLost.includes('toegelaten kiezers'));
  const tk2023 = reasonsWritten(TK2023_RULES, 'hsb510c', [block(['geldige stempassen', 'toegelaten kiezers'])]);
  assert.equal(tk2023.length, 9);
  assert.ok(!tk2023.some((r) => /brief|kwijt/.test(r)));
  assert.equal(reasonsWritten(TK2023_RULES, 'gemeente510b', [block([])]).length, 11);
});

test('a count carrying a reason the election does not know is refused, not dropped', async () => {
  const file = eml('tk2023', 'Telling_TK2023_kieskring_Amsterdam.eml.xml');
  const v = await readCountFile(file);
  const lists = readListsFile(eml('tk2023', 'Kandidatenlijsten_TK2023_Amsterdam.eml.xml'));
  const u = v.units[0]!;
  const counts = { ...u.counts, uncounted: [...u.counts.uncounted, { reason: 'geen briefstembiljetten', count: 2 }] };
  const r = writeEml510c({
    election: { id: 'TK2023', name: lists.electionName, category: 'TK', subcategory: 'TK', date: '2023-11-22' },
    kieskring: { number: 9, name: 'Amsterdam' },
    candidateLists: lists,
    municipalities: [{ code: '0363', name: 'Amsterdam', counts }],
    creationDateTime: 'x',
  });
  assert.ok(!r.ok && r.code === 'telling_onbekende_reden', JSON.stringify(r));
  assert.match(r.message, /niet kent: geen briefstembiljetten/);
});

test('writer refuses counts that do not fit the candidate lists', () => {
  const lists = readListsFile(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
  const base = {
    election: { id: 'TK2021', name: 'x', category: 'TK', subcategory: 'TK', date: '2021-03-17' },
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: lists,
    creationDateTime: 'x',
  };
  const counts = (listNumber: number, position: number): VoteCounts => ({
    cast: 1,
    totalCounted: 1,
    rejected: { ongeldig: 0, blanco: 0 },
    uncounted: [],
    lists: [{ listNumber, total: 1, candidates: [{ position, votes: 1 }] }],
  });
  const r1 = writeEml510c({ ...base, municipalities: [{ code: 34, name: 'Almere', counts: counts(28, 1) }] });
  assert.ok(!r1.ok && r1.code === 'telling_onbekende_lijst' && /Almere: lijst 28 staat niet op de kandidatenlijsten/.test(r1.message));
  const r2 = writeEml510c({ ...base, municipalities: [{ code: 34, name: 'Almere', counts: counts(27, 4) }] });
  assert.ok(!r2.ok && r2.code === 'telling_onbekende_kandidaat');
  const r3 = writeEml510c({ ...base, municipalities: [{ code: 34, name: 'A', counts: counts(1, 1) }, { code: '0034', name: 'B', counts: counts(1, 1) }] });
  assert.ok(!r3.ok && r3.code === 'telling_dubbel_gebied');
  const r4 = writeEml510c({ ...base, kieskring: { number: 6, name: 'Nijmegen' }, municipalities: [] });
  assert.ok(!r4.ok && r4.code === 'telling_verkeerde_kieskring');
  const ok = writeEml510c({ ...base, municipalities: [{ code: 34, name: 'Almere', counts: counts(1, 1) }] });
  assert.ok(ok.ok);
});

test('a list without registered name is written as "Blanco (<last name>, <initials>)"', () => {
  const cand = { position: 1, initials: 'A.J.L.B.', firstName: 'Anna', prefix: null, lastName: 'Zeven', gender: null, locality: null };
  const aff = { listNumber: 30, registeredName: '', type: '', publishGender: true, belongsToSet: 1, candidates: [cand] };
  assert.equal(listNameFor510(aff), 'Blanco (Zeven, A.J.L.B.)');
  assert.equal(listNameFor510({ ...aff, registeredName: 'VVD' }), 'VVD');
  // and it is what the official Assen file says for list 30 (checked byte-for-byte above)
});

test('xmlwriter: canonical form, escaping, misuse is a bug', () => {
  const w = new XmlWriter();
  w.open('a', [['xmlns', 'urn:x'], ['b', 'x"<&\t\n\r>']]).leaf('c').text('1 < 2 & 3 > "q" \'s\r').close();
  assert.equal(w.finish().toString(), '<a xmlns="urn:x" b="x&quot;&lt;&amp;&#x9;&#xA;&#xD;>"><c></c>1 &lt; 2 &amp; 3 &gt; "q" \'s&#xD;</a>');
  assert.equal(escapeText('é€'), 'é€');
  assert.equal(escapeAttr("'"), "'");
  assert.throws(() => new XmlWriter().open('a').finish(), /unclosed/);
  assert.throws(() => new XmlWriter().open('a').close('b'), /closing b/);
  assert.throws(() => new XmlWriter().open('a b'), /bad element name/);
  assert.throws(() => new XmlWriter().open('a').close().open('b'), /second root/);
});
