/**
 * EML 110b (polling stations) reader. There is no real 110b in the shared folder: the files are made
 * here (test/support/eml110b.ts) and validated against the Kiesraad's 110b XSD, so they are real
 * 110b files; one is built from the polling stations of the real West Maas en Waal 510b (TK2025).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { looksLikeXml, readPollingStations110b, type Expected110b } from '../../src/eml/eml110b.ts';
import { ALMERE_STATIONS, build110b, placeLine, type Options110b, type Station110b } from '../support/eml110b.ts';
import { eml } from '../support/paths.ts';
import { xsdErrors } from '../support/xsd.ts';

const XSD = '110b-electionevent-kiesraad-strict.xsd';
const ALMERE: Expected110b = { electionId: 'TK2021', electionDate: '2021-03-17', municipalityCode: '0034', municipalityName: 'Almere' };

function read(o: Options110b, expected = ALMERE) {
  return readPollingStations110b(Buffer.from(build110b(o)), expected);
}

function assertValid(text: string): void {
  assert.deepEqual(xsdErrors(Buffer.from(text), XSD), [], text.slice(0, 400));
}

describe('EML 110b: hand-made files are valid 110b', () => {
  test('the good file, the deprecated xal:Address form, a postal channel and two elections validate against the XSD', () => {
    assertValid(build110b({ stations: ALMERE_STATIONS }));
    assertValid(
      build110b({
        stations: [...ALMERE_STATIONS, { id: '9', name: 'Briefstembureau', channel: 'postal', deprecatedAddress: true }],
        otherElectionFirst: { id: 'GR2022', date: '2022-03-16' },
      }),
    );
  });

  test('the validator is not blind: a 110a Id, a LocalityName outside the xAL namespace and a letter in the number are refused', () => {
    const good = build110b({ stations: ALMERE_STATIONS });
    assert.notDeepEqual(xsdErrors(Buffer.from(good.replace('Id="110b"', 'Id="110a"')), XSD), []);
    assert.notDeepEqual(xsdErrors(Buffer.from(good.replace(/xal:LocalityName/g, 'LocalityName')), XSD), []);
    assert.notDeepEqual(xsdErrors(Buffer.from(build110b({ stations: [{ id: '1a', name: 'X' }] })), XSD), []);
  });
});

describe('EML 110b: reading the polling stations', () => {
  test('Almere: numbers, names (white space folded), postcodes normalised, sorted by number; MaxVotes as information', () => {
    const r = read({ stations: [...ALMERE_STATIONS].reverse() });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value.stations, [
      { number: 1, name: 'Stembureau Stadhuis', postcode: '1315 HR' },
      { number: 2, name: 'Stembureau Bibliotheek "De Nieuwe Bibliotheek"', postcode: '1315 HZ' },
      { number: 4, name: 'Mobiel stembureau', postcode: null },
    ]);
    assert.equal(r.value.eligibleVoters, 166_000);
    assert.equal(r.value.municipalityCode, '0034');
    assert.equal(r.value.municipalityName, 'Almere');
  });

  test('the real West Maas en Waal polling stations (from the TK2025 510b) as a 110b read back exactly', () => {
    const b = readFileSync(eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml'), 'utf8');
    const stations: Station110b[] = [...b.matchAll(/<ReportingUnitIdentifier Id="0668::SB(\d+)">([^<]*) \(postcode: (\d{4} [A-Z]{2})\)</g)].map(
      (m) => ({ id: m[1]!, name: m[2]!.replace(/&amp;/g, '&').replace(/&apos;/g, "'"), postcode: m[3]! }),
    );
    assert.ok(stations.length >= 10, `${stations.length} stations found`);
    const text = build110b({
      municipalityCode: '0668',
      municipalityName: 'West Maas en Waal',
      electionId: 'TK2025',
      electionName: 'Tweede Kamer der Staten-Generaal 2025',
      electionDate: '2025-10-29',
      stations,
    });
    assertValid(text);
    const r = readPollingStations110b(Buffer.from(text), {
      electionId: 'TK2025',
      electionDate: '2025-10-29',
      municipalityCode: '0668',
      municipalityName: 'West Maas en Waal',
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(
      r.value.stations,
      stations.map((s) => ({ number: Number(s.id), name: s.name, postcode: s.postcode })).sort((a, b) => a.number - b.number),
    );
  });

  test('the deprecated xal:Address form gives the name without postcode; the election is chosen by Id among several', () => {
    const r = read({
      stations: [{ id: '3', name: '  Gemeentehuis\n  Almere ', deprecatedAddress: true }],
      otherElectionFirst: { id: 'GR2022', date: '2022-03-16' },
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value.stations, [{ number: 3, name: 'Gemeentehuis Almere', postcode: null }]);
  });

  test('looksLikeXml tells a 110b from a CSV (BOM and white space allowed)', () => {
    assert.equal(looksLikeXml(Buffer.from(build110b({ stations: ALMERE_STATIONS }))), true);
    assert.equal(looksLikeXml(Buffer.from('\ufeff \r\n<EML/>')), true);
    assert.equal(looksLikeXml(Buffer.from('nummer;naam;postcode\n1;<x>;\n')), false);
    assert.equal(looksLikeXml(Buffer.from('\ufeffnummer;naam\n')), false);
    assert.equal(looksLikeXml(Buffer.alloc(0)), false);
  });
});

describe('EML 110b: refusals', () => {
  test('another EML kind: the real TK2021 110a and 230b are named', () => {
    const def = readPollingStations110b(readFileSync(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml')), ALMERE);
    assert.equal(def.ok, false);
    assert.equal(def.ok === false && def.code, 'eml.wrong_kind');
    assert.equal(
      def.ok === false && def.message,
      'Dit is geen stembureaubestand (EML 110b) maar een verkiezingsdefinitie (EML 110a).',
    );
    const lists = readPollingStations110b(readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml')), ALMERE);
    assert.equal(lists.ok === false && lists.code, 'eml.wrong_kind');
    assert.match(lists.ok === false ? lists.message : '', /kandidatenlijstbestand \(EML 230b\)/);
  });

  test('not XML, not EML, a DOCTYPE', () => {
    const notXml = readPollingStations110b(
      Buffer.from(build110b({ stations: ALMERE_STATIONS }).replace('</ElectionEvent>', '')),
      ALMERE,
    );
    assert.equal(notXml.ok, false);
    assert.match(notXml.ok === false ? notXml.code : '', /^xml\./);
    const other = readPollingStations110b(Buffer.from('<html/>'), ALMERE);
    assert.equal(other.ok === false && other.code, 'eml.not_eml');
    const doctype = readPollingStations110b(
      Buffer.from('<?xml version="1.0"?><!DOCTYPE EML [<!ENTITY x "y">]><EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="110b"/>'),
      ALMERE,
    );
    assert.equal(doctype.ok === false && doctype.code, 'xml.doctype');
  });

  test('another election: by Id (naming what the file holds) and, with the right Id, by date', () => {
    const id = read({ electionId: 'TK2023', electionDate: '2023-11-22', stations: ALMERE_STATIONS });
    assert.equal(id.ok === false && id.code, 'polling_station.eml110b_election');
    assert.equal(id.ok === false && id.message, 'Dit stembureaubestand is voor een andere verkiezing (TK2023), niet voor TK2021.');
    const date = read({ electionDate: '2021-03-18', stations: ALMERE_STATIONS });
    assert.equal(date.ok === false && date.code, 'polling_station.eml110b_election');
    assert.match(date.ok === false ? date.message : '', /verkiezingsdatum 2021-03-18 \(regel \d+\), maar deze verkiezing is op 2021-03-17/);
  });

  test('another municipality: the managing authority, and the reporting unit', () => {
    const text = build110b({ municipalityCode: '0363', municipalityName: 'Amsterdam', stations: ALMERE_STATIONS });
    assertValid(text);
    const r = readPollingStations110b(Buffer.from(text), ALMERE);
    assert.equal(r.ok === false && r.code, 'polling_station.eml110b_municipality');
    assert.equal(r.ok === false && r.message, 'Dit stembureaubestand is van gemeente Amsterdam (0363) (regel 5), niet van Almere (0034).');
    const unit = read({ reportingUnitId: '0363', stations: ALMERE_STATIONS });
    assert.equal(unit.ok === false && unit.code, 'polling_station.eml110b_municipality');
  });

  test('station problems: all collected with the PollingPlace line, nothing partial', () => {
    const stations: Station110b[] = [
      { id: '1', name: 'A', postcode: '1315 HR' },
      { id: '2', name: 'B', postcode: '0315 HR' }, // first digit 0
      { id: '1', name: 'C', postcode: '1315 HR' }, // duplicate
      { id: '3', name: '   ', postcode: '1315 SS' }, // empty name and SS
      { id: '0', name: 'D' }, // number 0
      { id: '100000', name: 'E' }, // too large
      { id: '5', name: 'F'.repeat(201) }, // too long
    ];
    const text = build110b({ stations });
    const r = readPollingStations110b(Buffer.from(text), ALMERE);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && 'lines' in r);
    assert.equal(r.code, 'polling_station.eml110b');
    const line = (n: number) => placeLine(text, n);
    assert.deepEqual(
      r.lines.map((l) => l.line),
      [line(1), line(2), line(3), line(3), line(4), line(5), line(6)],
    );
    assert.match(r.lines[0]!.message, /Stembureau 2: "0315 HR" is geen geldige postcode/);
    assert.equal(r.lines[1]!.message, `Stembureau 1 komt al voor op regel ${line(0)}.`);
    assert.match(r.lines[2]!.message, /Stembureau 3: De naam van het stembureau ontbreekt/);
    assert.match(r.lines[3]!.message, /de letters SS worden niet gebruikt/);
    assert.match(r.lines[4]!.message, /heel getal van 1 tot en met/);
    assert.match(r.lines[5]!.message, /heel getal van 1 tot en met/);
    assert.match(r.lines[6]!.message, /te lang/);
    assert.match(r.message, /^Het bestand is niet geïmporteerd: er zijn 7 fouten\. regel \d+: /);
  });

  test('a PollingStation without Id or without Locality; no PollingPlace at all', () => {
    const noId = build110b({ stations: [{ id: '1', name: 'A' }] }).replace('<PollingStation Id="1">', '<PollingStation>');
    const a = readPollingStations110b(Buffer.from(noId), ALMERE);
    assert.ok(!a.ok && 'lines' in a);
    assert.deepEqual(a.lines, [{ line: placeLine(noId, 0), message: 'Het nummer van het stembureau ontbreekt.' }]);
    const noLocality = build110b({ stations: [{ id: '1', name: 'A' }] }).replace(/<Locality>[\s\S]*<\/Locality>/, '');
    const b = readPollingStations110b(Buffer.from(noLocality), ALMERE);
    assert.ok(!b.ok && 'lines' in b);
    assert.match(b.lines[0]!.message, /Stembureau 1: Locality .* ontbreekt/);
    const none = read({ stations: [] });
    assert.equal(none.ok === false && none.code, 'polling_station.eml110b');
    assert.match(none.ok === false ? none.message : '', /bevat geen stembureaus/);
  });

  test('a missing ManagingAuthority or ElectionDate is a structural refusal with its line', () => {
    const text = build110b({ stations: ALMERE_STATIONS });
    const noAuth = readPollingStations110b(Buffer.from(text.replace(/<ManagingAuthority>[\s\S]*<\/ManagingAuthority>/, '')), ALMERE);
    assert.equal(noAuth.ok === false && noAuth.code, 'eml.invalid');
    assert.match(noAuth.ok === false ? noAuth.message : '', /ManagingAuthority/);
    const noDate = readPollingStations110b(Buffer.from(text.replace(/<kr:ElectionDate>.*<\/kr:ElectionDate>/, '')), ALMERE);
    assert.equal(noDate.ok === false && noDate.code, 'eml.invalid');
    assert.match(noDate.ok === false ? noDate.message : '', /ElectionDate.*regel \d+/);
  });
});
