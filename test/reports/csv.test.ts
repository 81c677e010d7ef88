import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eml } from '../support/paths.ts';
import { readCountFile, readListsFile } from '../support/eml.ts';
import { parsePollingStationText } from '../../src/eml/eml510write.ts';
import { csvCandidateName, osv43CsvGemeente, osv43CsvHsb, pollingStationColumnName } from '../../src/reports/csv.ts';
import { uncountedValue } from '../../src/domain/counts.ts';
import type { CandidateLists } from '../../src/domain/election.ts';
import { AMSTERDAM_CSV_KNOWN_DIFFERENCES, officialCsvAsIn510c, parseOsv43, readKieskringCsv } from '../support/csv.ts';

/** The first differing line of two CSVs, or null. */
function firstLineDifference(ours: Buffer, reference: Buffer): string | null {
  if (ours.equals(reference)) return null;
  const a = ours.toString().split('\n');
  const b = reference.toString().split('\n');
  const i = a.findIndex((l, k) => l !== b[k]);
  return `line ${i + 1}:\n ours: ${a[i]}\n them: ${b[i]}\n (${a.length}/${b.length} lines, ${ours.length}/${reference.length} bytes)`;
}

const read = readCountFile;
const candidateLists = readListsFile;

const parseCsv = parseOsv43;

test('gemeente CSV from the TK2025 West Maas en Waal 510b + Nijmegen 230b is byte-identical to the reference', async () => {
  const v = await read(eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml'));
  const lists = candidateLists(eml('tk2025', 'Kandidatenlijsten_TK2025_Nijmegen.eml.xml'));
  const stations = v.units.map((u) => ({ number: Number(u.id.split('::SB')[1]), ...parsePollingStationText(u.name), counts: u.counts }));
  const ours = osv43CsvGemeente({
    electionName: lists.electionName,
    electionDate: lists.electionDate,
    municipality: { code: 668, name: 'West Maas en Waal' },
    candidateLists: lists,
    total: v.total!,
    pollingStations: [...stations].reverse(),
  });
  const reference = readFileSync(eml('tk2025', 'osv4-3_telling_tk2025_gemeente_westmaasenwaal.csv'));
  assert.equal(firstLineDifference(ours, reference), null);
});

test('kieskring CSV TK2023 Amsterdam from the official 510c + 230b: the real CSV byte for byte but for the two cells where the real CSV and 510c disagree', async () => {
  const v = await read(eml('tk2023', 'Telling_TK2023_kieskring_Amsterdam.eml.xml'));
  const lists = candidateLists(eml('tk2023', 'Kandidatenlijsten_TK2023_Amsterdam.eml.xml'));
  const ours = osv43CsvHsb({
    electionName: lists.electionName,
    electionDate: lists.electionDate,
    kieskring: { number: 9, name: 'Amsterdam' },
    candidateLists: lists,
    municipalities: v.units.map((u) => ({ code: u.id.split('::')[1]!, name: u.name, counts: u.counts })),
  });
  const official = readFileSync(eml('tk2023', 'osv4_3_telling_tk2023_kieskring_amsterdam.csv'));
  // the disagreement is in the Kiesraad's files themselves: the 510c says 125 and 1448
  const fvd = v.total!.lists.find((l) => l.listNumber === 7)!;
  assert.deepEqual(fvd.candidates.slice(1, 3).map((c) => c.votes), [125, 1448]);
  assert.equal(firstLineDifference(ours, officialCsvAsIn510c('osv4_3_telling_tk2023_kieskring_amsterdam.csv', official)), null);
  const differing = ours.toString().split('\n').flatMap((l, i) => (l === official.toString().split('\n')[i] ? [] : [i + 1]));
  assert.deepEqual(differing, AMSTERDAM_CSV_KNOWN_DIFFERENCES.map((d) => d.line));
});

test('kieskring CSV TK2023 Lelystad (6 municipality columns): its own numbers written again give the real file byte for byte', () => {
  const official = readFileSync(eml('tk2023', 'osv4-3_telling_tk2023_kieskring_lelystad.csv'));
  const k = readKieskringCsv(official, { id: 'TK2023', category: 'TK' }, { id: '5', name: 'Lelystad' });
  assert.equal(k.area, 'Kieskring Lelystad');
  assert.equal(k.number, 'HSB5');
  assert.equal(k.municipalities.length, 6);
  const ours = osv43CsvHsb({
    electionName: k.electionName,
    electionDate: k.electionDate,
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: k.lists,
    // any order in: the columns come out by municipality code
    municipalities: [...k.municipalities].reverse(),
  });
  assert.equal(firstLineDifference(ours, official), null);
});

test('kieskring CSV TK2021 Lelystad: the layout of the real TK2023 kieskring CSVs, plus the postal rows of TK2021; totals equal the 510c', async () => {
  const v = await read(eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml'));
  const lists = candidateLists(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
  const csv = osv43CsvHsb({
    electionName: lists.electionName,
    electionDate: lists.electionDate,
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: lists,
    municipalities: v.units.map((u) => ({ code: u.id.split('::')[1]!, name: u.name, counts: u.counts })).reverse(),
  });
  const rows = parseCsv(csv);
  assert.deepEqual(rows.slice(0, 5), [
    ['Verkiezing', null, 'Tweede Kamer der Staten-Generaal 2021'],
    ['Datum', null, '2021-03-17'],
    ['Gebied', null, 'Kieskring Lelystad'],
    ['Nummer', null, 'HSB5'],
    [],
  ]);
  assert.deepEqual(rows[5], ['Lijstnummer', 'Aanduiding', 'Volgnummer', 'Naam kandidaat', 'Totaal', 'Almere', 'Zeewolde', 'Noordoostpolder', 'Urk', 'Dronten', 'Lelystad']);
  assert.deepEqual(rows[6], ['Gebiednummer', null, null, null, null, '0034', '0050', '0171', '0184', '0303', '0995']);
  // the statistics rows: those of the real TK2023 kieskring CSV, then TK2021's two postal reasons
  const tk2023Rows = readKieskringCsv(readFileSync(eml('tk2023', 'osv4-3_telling_tk2023_kieskring_lelystad.csv')), { id: 'TK2023', category: 'TK' }, { id: '5', name: 'Lelystad' }).statLabels;
  const firstList = rows.findIndex((r) => r[0] === '1');
  assert.deepEqual(rows.slice(7, firstList).map((r) => r[1]), [...tk2023Rows, 'te veel briefstembiljetten', 'geen briefstembiljetten']);
  const t = v.total!;
  const stat = (label: string) => rows.find((r) => r[1] === label && r[0] === null)!;
  assert.equal(stat('opgeroepenen')[4], String(t.cast));
  assert.equal(stat('geldige stembiljetten')[4], String(t.totalCounted));
  assert.equal(stat('blanco stembiljetten')[4], String(t.rejected.blanco));
  assert.equal(stat('ongeldige stembiljetten')[4], String(t.rejected.ongeldig));
  assert.equal(stat('aangetroffen stembiljetten')[4], String(t.totalCounted + t.rejected.blanco + t.rejected.ongeldig));
  assert.equal(stat('geldig volmachtbewijs')[4], String(uncountedValue(t, 'geldige volmachtbewijzen')));
  assert.equal(stat('geen verklaring')[4], String(uncountedValue(t, 'geen verklaring')));
  assert.equal(stat('geen briefstembiljetten')[4], String(uncountedValue(t, 'geen briefstembiljetten')));
  assert.equal(stat('te veel briefstembiljetten')[4], '0');
  assert.equal(rows.findIndex((r) => r[0] === 'Postcode'), -1);
  // every list and candidate row: Totaal = the file's TotalVotes = sum of the municipality columns
  let n = 0;
  let list = t.lists[0]!;
  for (const r of rows.slice(firstList)) {
    const values = r.slice(4).map(Number);
    assert.equal(values[0], values.slice(1).reduce((a, b) => a + b, 0));
    if (r[0] !== null) {
      list = t.lists.find((l) => l.listNumber === Number(r[0]))!;
      assert.equal(values[0], list.total);
    } else {
      assert.equal(values[0], list.candidates.find((c) => c.position === Number(r[2]))!.votes);
    }
    n++;
  }
  assert.equal(n, t.lists.length + t.lists.reduce((a, l) => a + l.candidates.length, 0));
  for (const r of rows.slice(7, firstList)) assert.equal(Number(r[4]), r.slice(5).reduce((a, b) => a + Number(b), 0), String(r[1]));
  // a municipality that entered 'kwijtgeraakte stembiljetten' gives that row too, before the postal rows
  const withLost = osv43CsvHsb({
    electionName: lists.electionName,
    electionDate: lists.electionDate,
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: lists,
    municipalities: v.units.map((u, i) => ({ code: u.id.split('::')[1]!, name: u.name, counts: i === 0 ? { ...u.counts, uncounted: [...u.counts.uncounted, { reason: 'kwijtgeraakte stembiljetten', count: 3 }] } : u.counts })),
  });
  const labels = parseCsv(withLost).slice(7, firstList + 1).map((r) => r[1]);
  assert.deepEqual(labels.slice(-3), ['kwijtgeraakte stembiljetten', 'te veel briefstembiljetten', 'geen briefstembiljetten']);
});

test('names and quoting', () => {
  const c = { position: 1, initials: 'J.L.', firstName: null, prefix: 'de', lastName: 'Graaf', gender: null, locality: null };
  assert.equal(csvCandidateName(c), 'de Graaf, J.L.');
  assert.equal(csvCandidateName({ ...c, prefix: null }), 'Graaf, J.L.');
  assert.equal(pollingStationColumnName('Stembureau Gemeentehuis'), 'Gemeentehuis');
  assert.equal(pollingStationColumnName('Briefstembureau Stembureau X'), 'X');
  assert.equal(pollingStationColumnName("'t Centrum"), "'t Centrum");
  const lists: CandidateLists = {
    electionId: 'X',
    electionName: 'Naam met "quote"; en puntkomma',
    electionCategory: 'TK',
    electionDate: '2025-10-29',
    contestId: '1',
    contestName: 'K',
    affiliations: [],
  };
  const zero = { cast: 0, totalCounted: 0, rejected: { ongeldig: 0, blanco: 0 }, uncounted: [], lists: [] };
  const csv = osv43CsvHsb({ electionName: lists.electionName, electionDate: '2025-10-29', kieskring: { number: 20, name: 'Bonaire' }, candidateLists: lists, municipalities: [{ code: 9001, name: 'Bonaire', counts: zero }] });
  assert.equal(csv.toString().split('\n')[0], '\uFEFF"Verkiezing";;"Naam met ""quote""; en puntkomma"');
  assert.deepEqual(parseCsv(csv)[0], ['Verkiezing', null, 'Naam met "quote"; en puntkomma']);
});
