import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkPollingStation,
  type CsvFailure,
  normalisePostcode,
  parsePollingStationNumber,
  parsePollingStationsCsv,
  pollingStationCode,
  pollingStationNumberOf,
  splitCsvLine,
} from '../../src/domain/pollingStations.ts';

const csv = (text: string, bom = false) => Buffer.concat([bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);

describe('polling stations: values', () => {
  test('codes SB<n> and back', () => {
    assert.equal(pollingStationCode(12), 'SB12');
    assert.equal(pollingStationNumberOf('SB12'), 12);
    assert.equal(pollingStationNumberOf('SB0'), null);
    assert.equal(pollingStationNumberOf('SB012'), null);
    assert.equal(pollingStationNumberOf('0034'), null);
  });

  test('postcodes: normalised to 1234 AB; bad ones refused', () => {
    assert.deepEqual(normalisePostcode('1234ab'), { ok: true, value: '1234 AB' });
    assert.deepEqual(normalisePostcode(' 6658  CD '), { ok: true, value: '6658 CD' });
    assert.deepEqual(normalisePostcode(''), { ok: true, value: null });
    assert.deepEqual(normalisePostcode(null), { ok: true, value: null });
    for (const bad of ['0123 AB', '123 AB', '12345 AB', '1234 A', '1234-AB', '1234 A1', '1234 SS', '1234 sa', '1234 SD']) {
      const r = normalisePostcode(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.equal(r.code, 'polling_station.postcode');
    }
  });

  test('numbers: positive whole numbers; names required, whitespace folded', () => {
    assert.deepEqual(parsePollingStationNumber(' 7 '), { ok: true, value: 7 });
    for (const bad of ['0', '-1', '1.5', 'a', '1e3', '100000']) assert.equal(parsePollingStationNumber(bad).ok, false, bad);
    const missing = parsePollingStationNumber('  ');
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.equal(missing.code, 'polling_station.number_missing');
    assert.deepEqual(checkPollingStation({ number: 3, name: '  Stadhuis \t  Almere ', postcode: '1315hz' }), {
      ok: true,
      value: { number: 3, name: 'Stadhuis Almere', postcode: '1315 HZ' },
    });
    assert.equal(checkPollingStation({ number: 3, name: '   ' }).ok, false);
    assert.equal(checkPollingStation({ number: 3.5, name: 'x' }).ok, false);
    assert.equal(checkPollingStation({ number: 3, name: 'x'.repeat(201) }).ok, false);
  });

  test('CSV line splitting with quotes', () => {
    assert.deepEqual(splitCsvLine('1;Stadhuis;1234 AB'), ['1', 'Stadhuis', '1234 AB']);
    assert.deepEqual(splitCsvLine('2;"Kerk; zaal ""De Ark""";'), ['2', 'Kerk; zaal "De Ark"', '']);
    assert.equal(splitCsvLine('3;"open'), null);
    assert.equal(splitCsvLine('3;"a"b;x'), null);
    assert.equal(splitCsvLine('3;a"b;x'), null);
  });
});

describe('polling stations: CSV import', () => {
  test('good file, with BOM and CRLF, postcode optional, sorted by number', () => {
    const r = parsePollingStationsCsv(csv('nummer;naam;postcode\r\n2;Bibliotheek;1315hz\r\n1;Stadhuis Almere;1315 HR\r\n3;Mobiel stembureau;\r\n\r\n', true));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value, [
      { number: 1, name: 'Stadhuis Almere', postcode: '1315 HR' },
      { number: 2, name: 'Bibliotheek', postcode: '1315 HZ' },
      { number: 3, name: 'Mobiel stembureau', postcode: null },
    ]);
    const two = parsePollingStationsCsv(csv('Nummer;Naam\n5;Dorpshuis\n'));
    assert.ok(two.ok);
    assert.deepEqual(two.value, [{ number: 5, name: 'Dorpshuis', postcode: null }]);
  });

  test('every bad line is reported with its line number; nothing is returned', () => {
    const text = [
      'nummer;naam;postcode', // 1
      '1;Stadhuis;1315 HR', // 2
      '1;Dubbel;1315 HR', // 3 duplicate
      ';Zonder nummer;1315 HR', // 4 missing number
      '4;Slechte postcode;13150 HR', // 5 bad postcode
      '5;;1315 HR', // 6 no name
      '6;Te veel;1315 HR;x', // 7 too many fields
      'x;Letters;', // 8 bad number
      '7;Goed;', // 9 fine
    ].join('\n');
    const r = parsePollingStationsCsv(csv(text));
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.code, 'polling_station.csv');
    assert.ok('lines' in r);
    const lines = (r as CsvFailure).lines;
    assert.deepEqual(lines.map((l) => l.line), [3, 4, 5, 6, 7, 8]);
    assert.match(lines[0]!.message, /Stembureau 1 komt al voor op regel 2/);
    assert.match(lines[1]!.message, /nummer van het stembureau ontbreekt/);
    assert.match(lines[2]!.message, /13150 HR.*geen geldige postcode/);
    assert.match(lines[3]!.message, /naam van het stembureau ontbreekt/);
    assert.match(lines[4]!.message, /Verwacht 3 velden/);
    assert.match(lines[5]!.message, /"x" is geen geldig stembureaunummer/);
    assert.match(r.message, /er zijn 6 fouten.*regel 3:/);
  });

  test('header, empty file, only a header, not UTF-8', () => {
    for (const [text, re] of [
      ['nr;naam;postcode\n1;a;\n', /kopregel/],
      ['', /leeg/],
      ['\n\n', /leeg/],
      ['nummer;naam;postcode\n', /geen stembureaus/],
      ['1;Stadhuis;1315 HR\n', /kopregel/],
    ] as const) {
      const r = parsePollingStationsCsv(csv(text));
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.message, re, text);
    }
    const latin1 = Buffer.from('nummer;naam;postcode\n1;Caf\xe9;\n', 'latin1');
    const r = parsePollingStationsCsv(latin1);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.message, /UTF-8/);
  });
});
