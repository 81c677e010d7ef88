import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eml } from '../support/paths.ts';
import { kieskringen, municipalitiesOf, municipalityTitle, type ElectionDefinition } from '../../src/domain/election.ts';
import { readElectionDefinition } from '../../src/eml/eml110a.ts';

const TK2021 = eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml');
const TK2023 = eml('tk2023', 'Verkiezingsdefinitie_TK2023.eml.xml');

function read(file: string): ElectionDefinition {
  const r = readElectionDefinition(readFileSync(file));
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

function failure(bytes: Buffer | string, options?: { maxBytes?: number }) {
  const r = readElectionDefinition(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, options);
  assert.equal(r.ok, false, 'expected a failure');
  return r as Extract<typeof r, { ok: false }>;
}

/** Independently of the XML reader: the attributes of every kr:Region start tag in the raw file. */
function rawRegions(file: string): Record<string, string>[] {
  return [...readFileSync(file, 'utf8').matchAll(/<kr:Region ([^>]*)>/g)].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  );
}

/** Per kieskring number, the number of municipalities, counted in the raw file. */
function rawMunicipalityCounts(file: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const r of rawRegions(file)) {
    if (r.RegionCategory !== 'GEMEENTE') continue;
    assert.equal(r.SuperiorRegionCategory, 'KIESKRING');
    const k = Number(r.SuperiorRegionNumber);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

const KIESKRINGEN = [
  'Groningen', 'Leeuwarden', 'Assen', 'Zwolle', 'Lelystad', 'Nijmegen', 'Arnhem', 'Utrecht', 'Amsterdam', 'Haarlem',
  'Den Helder', "'s-Gravenhage", 'Rotterdam', 'Dordrecht', 'Leiden', 'Middelburg', 'Tilburg', "'s-Hertogenbosch",
  'Maastricht', 'Bonaire',
];

test('TK2021: the election, its 20 kieskringen and their municipalities', () => {
  const def = read(TK2021);
  assert.equal(def.id, 'TK2021');
  assert.equal(def.name, 'Tweede Kamer der Staten-Generaal 2021');
  assert.equal(def.category, 'TK');
  assert.equal(def.subcategory, 'TK');
  assert.equal(def.electionDate, '2021-03-17');
  assert.equal(def.nominationDate, '2021-02-01');
  assert.equal(def.numberOfSeats, 150);
  assert.equal(def.preferenceThreshold, 25);

  const raw = rawRegions(TK2021);
  assert.equal(def.regions.length, raw.length);
  assert.equal(def.regions.length, 376);
  assert.deepEqual(def.regions[0], {
    number: 1,
    category: 'STAAT',
    name: 'Nederland',
    superiorNumber: null,
    superiorCategory: null,
    committeeCategory: 'CSB',
    committeeName: 'De Kiesraad',
    committees: [{ category: 'CSB', name: 'De Kiesraad' }],
  });

  const kk = kieskringen(def);
  assert.deepEqual(kk.map((k) => k.name), KIESKRINGEN);
  assert.deepEqual(kk.map((k) => k.number), Array.from({ length: 20 }, (_, i) => i + 1));
  for (const k of kk) {
    assert.equal(k.superiorCategory, 'STAAT');
    assert.equal(k.superiorNumber, 1);
    assert.equal(k.committeeCategory, 'HSB');
  }
  // 's-Gravenhage has both the CSB and its own HSB.
  assert.deepEqual(kk[11]!.committees, [
    { category: 'CSB', name: 'De Kiesraad' },
    { category: 'HSB', name: null },
  ]);

  const counts = rawMunicipalityCounts(TK2021);
  assert.equal([...counts.values()].reduce((a, b) => a + b), 355);
  for (const k of kk) assert.equal(municipalitiesOf(def, k.number).length, counts.get(k.number), k.name);

  // Kieskring 5 Lelystad: six municipalities, by number (not zero-padded in the 110a).
  assert.deepEqual(
    municipalitiesOf(def, 5).map((m) => [m.number, m.name]),
    [[34, 'Almere'], [50, 'Zeewolde'], [171, 'Noordoostpolder'], [184, 'Urk'], [303, 'Dronten'], [995, 'Lelystad']],
  );
  assert.equal(municipalitiesOf(def, 5)[0]!.committeeCategory, 'PSB');
  // Kieskring 20: the openbare lichamen.
  assert.deepEqual(
    municipalitiesOf(def, 20).map((m) => [m.number, m.name, municipalityTitle(m)]),
    [
      [9001, 'Bonaire', 'Openbaar lichaam Bonaire'],
      [9002, 'Sint Eustatius', 'Openbaar lichaam Sint Eustatius'],
      [9003, 'Saba', 'Openbaar lichaam Saba'],
    ],
  );
  assert.deepEqual(municipalitiesOf(def, 9).map((m) => m.name), ['Amsterdam']);
});

test('TK2023: the STAAT without a number, kieskringen without a superior number, 346 municipalities', () => {
  const def = read(TK2023);
  assert.equal(def.id, 'TK2023');
  assert.equal(def.name, 'Tweede Kamer der Staten-Generaal 2023');
  assert.equal(def.electionDate, '2023-11-22');
  assert.equal(def.nominationDate, '2023-10-09');
  assert.equal(def.numberOfSeats, 150);
  const raw = rawRegions(TK2023);
  assert.equal(raw[0]!.RegionNumber, undefined, 'the file gives the STAAT no number');
  assert.deepEqual(
    def.regions.filter((r) => r.category === 'STAAT').map((r) => [r.number, r.name, r.committeeCategory]),
    [[1, 'Nederland', null]],
  );
  const kk = kieskringen(def);
  assert.deepEqual(kk.map((k) => k.name), KIESKRINGEN);
  assert.ok(kk.every((k) => k.superiorCategory === 'STAAT' && k.superiorNumber === null));
  const counts = rawMunicipalityCounts(TK2023);
  assert.equal([...counts.values()].reduce((a, b) => a + b), 346);
  for (const k of kk) assert.equal(municipalitiesOf(def, k.number).length, counts.get(k.number) ?? 0, k.name);
  assert.equal(municipalitiesOf(def, 5).length, 6);
  assert.deepEqual(municipalitiesOf(def, 20).map((m) => m.number), [9001, 9002, 9003]);
});

test('refuses another EML kind, naming what it is', () => {
  const f = failure(readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml')));
  assert.equal(f.code, 'eml.wrong_kind');
  assert.equal(f.message, 'Dit is geen verkiezingsdefinitie (EML 110a) maar een kandidatenlijstbestand (EML 230b).');
  const g = failure(readFileSync(eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml')));
  assert.equal(g.message, 'Dit is geen verkiezingsdefinitie (EML 110a) maar een telbestand van een hoofdstembureau (EML 510c).');
});

test('refuses bad input: not XML, DOCTYPE, billion laughs, truncated, too large', () => {
  const bytes = readFileSync(TK2021);
  assert.equal(failure('Verkiezing;TK2021').code, 'xml.not_xml');
  assert.equal(failure(bytes.subarray(0, Math.floor(bytes.length / 2))).code, 'xml.truncated');
  const tooLarge = failure(bytes, { maxBytes: 100_000 });
  assert.equal(tooLarge.code, 'xml.too_large');
  assert.equal(tooLarge.message, 'Het bestand is te groot: het mag hoogstens 0,1 MB zijn.');
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE EML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>' +
    '<EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="110a">&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</EML>';
  assert.equal(failure(laughs).code, 'xml.doctype');
  // An entity reference without a DOCTYPE.
  const withEntity = bytes.toString('utf8').replace('<ElectionName>Tweede', '<ElectionName>&kamer;');
  assert.equal(failure(withEntity).code, 'xml.entity');
});

test('refuses a definition that lacks required parts or holds invalid ones', () => {
  const text = readFileSync(TK2021, 'utf8');
  const noSeats = failure(text.replace('<kr:NumberOfSeats>150</kr:NumberOfSeats>', ''));
  assert.equal(noSeats.code, 'eml.invalid');
  assert.match(noSeats.message, /^In de verkiezingsdefinitie ontbreekt het verplichte onderdeel NumberOfSeats \(in Election, regel \d+\)\.$/);
  assert.match(failure(text.replace('<kr:NumberOfSeats>150<', '<kr:NumberOfSeats>veel<')).message, /aantal zetels geen geldig getal: "veel"/);
  assert.match(failure(text.replace('<kr:NumberOfSeats>150<', '<kr:NumberOfSeats>0<')).message, /aantal zetels/);
  assert.match(failure(text.replace('<kr:ElectionDate>2021-03-17<', '<kr:ElectionDate>2021-02-30<')).message, /geen geldige datum: "2021-02-30"/);
  assert.match(failure(text.replace('<ElectionIdentifier Id="TK2021">', '<ElectionIdentifier>')).message, /kenmerk Id van ElectionIdentifier/);
  assert.match(failure(text.replace('RegionNumber="995"', 'RegionNumber="34"')).message, /gemeente 34 twee keer/);
  assert.match(failure(text.replace('RegionNumber="5" RegionCategory="KIESKRING"', 'RegionCategory="KIESKRING"')).message, /regionummer van een kieskring/);
  assert.match(failure(text.replace('RegionCategory="GEMEENTE"', 'RegionCategory="PROVINCIE"')).message, /soort "PROVINCIE"/);
  assert.match(failure(text.replace(/<kr:ElectionTree>[^]*<\/kr:ElectionTree>/, '<kr:ElectionTree></kr:ElectionTree>')).message, /geen gebieden/);
});
