import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eml } from '../support/paths.ts';
import { readCountFile, readListsFile } from '../support/eml.ts';
import { parsePollingStationText } from '../../src/eml/eml510write.ts';
import { csvCandidateName, osv43CsvGemeente, osv43CsvHsb, pollingStationColumnName } from '../../src/reports/csv.ts';
import { uncountedValue } from '../../src/domain/counts.ts';
import type { CandidateLists } from '../../src/domain/election.ts';

const read = readCountFile;
const candidateLists = readListsFile;

/** A strict parser for the CSV dialect (to inspect structure in tests). */
function parseCsv(buf: Buffer): (string | null)[][] {
  const s = buf.toString('utf8');
  assert.ok(s.startsWith('\uFEFF'));
  assert.ok(!s.endsWith('\n'));
  return s
    .slice(1)
    .split('\n')
    .map((line) => {
      if (line === '') return [];
      const cells: (string | null)[] = [];
      let i = 0;
      for (;;) {
        if (line[i] === '"') {
          let v = '';
          i++;
          for (;;) {
            const q = line.indexOf('"', i);
            assert.ok(q >= 0, line);
            v += line.slice(i, q);
            if (line[q + 1] === '"') {
              v += '"';
              i = q + 2;
            } else {
              i = q + 1;
              break;
            }
          }
          cells.push(v);
        } else cells.push(null);
        if (i >= line.length) break;
        assert.equal(line[i], ';', line);
        i++;
      }
      return cells;
    });
}

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
  if (!ours.equals(reference)) {
    const a = ours.toString().split('\n');
    const b = reference.toString().split('\n');
    const i = a.findIndex((l, k) => l !== b[k]);
    assert.fail(`line ${i + 1}:\n ours: ${a[i]}\n them: ${b[i]}\n (${a.length}/${b.length} lines)`);
  }
});

test('HSB CSV on the Lelystad 510c: municipalities as columns, totals equal the file TotalVotes', async () => {
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
    ['Nummer', null, '5'],
    [],
  ]);
  assert.deepEqual(rows[5], ['Lijstnummer', 'Aanduiding', 'Volgnummer', 'Naam kandidaat', 'Totaal', 'Almere', 'Zeewolde', 'Noordoostpolder', 'Urk', 'Dronten', 'Lelystad']);
  assert.deepEqual(rows[6], ['Gebiednummer', null, null, null, null, '0034', '0050', '0171', '0184', '0303', '0995']);
  const t = v.total!;
  const stat = (label: string) => rows.find((r) => r[1] === label && r[0] === null)!;
  assert.equal(stat('opgeroepenen')[4], String(t.cast));
  assert.equal(stat('geldige stembiljetten')[4], String(t.totalCounted));
  assert.equal(stat('blanco stembiljetten')[4], String(t.rejected.blanco));
  assert.equal(stat('ongeldige stembiljetten')[4], String(t.rejected.ongeldig));
  assert.equal(stat('aangetroffen stembiljetten')[4], String(t.totalCounted + t.rejected.blanco + t.rejected.ongeldig));
  assert.equal(stat('geldig volmachtbewijs')[4], String(uncountedValue(t, 'geldige volmachtbewijzen')));
  assert.equal(stat('geen verklaring')[4], String(uncountedValue(t, 'geen verklaring')));
  // not in a 510c: empty cells, not 0
  assert.deepEqual(stat('geldige stempas').slice(4), [null, null, null, null, null, null, null]);
  // the postal reasons get their own rows
  assert.equal(stat('geen briefstembiljetten')[4], String(uncountedValue(t, 'geen briefstembiljetten')));
  assert.equal(stat('te veel briefstembiljetten')[4], '0');
  assert.equal(rows.findIndex((r) => r[0] === 'Postcode'), -1);
  const firstList = rows.findIndex((r) => r[0] === '1');
  assert.equal(firstList, 7 + 16 + 2);
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
  for (const r of rows.slice(7, firstList)) {
    if (r[4] !== null) assert.equal(Number(r[4]), r.slice(5).reduce((a, b) => a + Number(b), 0), String(r[1]));
  }
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
