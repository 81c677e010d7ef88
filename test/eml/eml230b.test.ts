import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eml } from '../support/paths.ts';
import { candidateDisplayName, fileNamePart, kieskringen, type CandidateLists } from '../../src/domain/election.ts';
import { checkCandidateListsMatch } from '../../src/domain/imports.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readElectionDefinition } from '../../src/eml/eml110a.ts';

const FILES = ['tk2021', 'tk2025'].flatMap((dir) =>
  readdirSync(eml(dir))
    .filter((f) => f.startsWith('Kandidatenlijsten_'))
    .sort()
    .map((f) => eml(dir, f)),
);

function read(file: string): CandidateLists {
  const r = readCandidateLists(readFileSync(file));
  assert.ok(r.ok, `${path.basename(file)}: ${JSON.stringify(r)}`);
  return r.value;
}

function failure(bytes: Buffer | string, options?: { maxBytes?: number }) {
  const r = readCandidateLists(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, options);
  assert.equal(r.ok, false, 'expected a failure');
  return r as Extract<typeof r, { ok: false }>;
}

/** What the raw file says per list, found with plain string matching, independently of the XML reader. */
function rawLists(file: string) {
  return readFileSync(file, 'utf8')
    .split('<Affiliation>')
    .slice(1)
    .map((block) => ({
      listNumber: Number(/<AffiliationIdentifier Id="(\d+)">/.exec(block)![1]),
      registeredName: /<RegisteredName>([^<]*)<\/RegisteredName>/.exec(block)![1]!.replaceAll('&amp;', '&'),
      publishGender: /PublishGender="(\w+)"/.exec(block)![1] === 'true',
      candidates: block.split('<Candidate>').length - 1,
      genders: block.split('<Gender>').length - 1,
      prefixes: block.split('<xnl:NamePrefix>').length - 1,
      positions: [...block.matchAll(/<CandidateIdentifier Id="(\d+)">/g)].map((m) => Number(m[1])),
    }));
}

test('reads all 22 real candidate list files: lists, candidates per list, list numbers, positions, genders, prefixes', () => {
  assert.equal(FILES.length, 22);
  let filesWithGaps = 0;
  for (const file of FILES) {
    const name = path.basename(file);
    const lists = read(file);
    const raw = rawLists(file);
    assert.ok(raw.length >= 20, name);
    assert.equal(lists.affiliations.length, raw.length, `${name}: number of lists`);
    const total = lists.affiliations.reduce((n, a) => n + a.candidates.length, 0);
    assert.equal(total, raw.reduce((n, a) => n + a.candidates, 0), `${name}: number of candidates`);
    assert.ok(total > 800, name);
    raw.forEach((r, i) => {
      const a = lists.affiliations[i]!;
      const where = `${name} list ${r.listNumber}`;
      assert.equal(a.listNumber, r.listNumber, where);
      assert.equal(a.registeredName, r.registeredName, where);
      assert.equal(a.publishGender, r.publishGender, where);
      assert.equal(a.candidates.length, r.candidates, where);
      assert.deepEqual(a.candidates.map((c) => c.position), r.positions, where);
      assert.deepEqual(r.positions, Array.from({ length: r.candidates }, (_, j) => j + 1), `${where}: positions 1..n`);
      // Gender is given exactly for the lists that publish it.
      assert.equal(a.candidates.filter((c) => c.gender !== null).length, r.genders, where);
      assert.equal(r.genders, r.publishGender ? r.candidates : 0, where);
      assert.equal(a.candidates.filter((c) => c.prefix !== null).length, r.prefixes, where);
      assert.ok(a.candidates.every((c) => c.lastName && c.initials && c.locality), where);
    });
    // List numbers ascend in file order; most files have gaps.
    const numbers = lists.affiliations.map((a) => a.listNumber);
    assert.deepEqual(numbers, [...numbers].sort((x, y) => x - y), name);
    if (numbers.some((n, i) => i > 0 && n - numbers[i - 1]! > 1)) filesWithGaps++;
    // The file name carries the contest name.
    assert.ok(name.endsWith(`_${fileNamePart(lists.contestName)}.eml.xml`), name);
  }
  assert.ok(filesWithGaps >= 20, `list number gaps in only ${filesWithGaps} files`);
});

test('Lelystad 2021: header, list 1 and the candidates as on the list', () => {
  const lists = read(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
  assert.equal(lists.electionId, 'TK2021');
  assert.equal(lists.electionName, 'Tweede Kamer der Staten-Generaal 2021');
  assert.equal(lists.electionCategory, 'TK');
  assert.equal(lists.electionDate, '2021-03-17');
  assert.equal(lists.contestId, '5');
  assert.equal(lists.contestName, 'Lelystad');
  assert.equal(lists.affiliations.length, 29);
  assert.deepEqual(lists.affiliations.slice(-3).map((a) => a.listNumber), [27, 29, 31]);
  const vvd = lists.affiliations[0]!;
  assert.deepEqual(
    { ...vvd, candidates: vvd.candidates.length },
    { listNumber: 1, registeredName: 'VVD', type: 'stel gelijkluidende lijsten', publishGender: true, belongsToSet: 1, candidates: 80 },
  );
  assert.deepEqual(vvd.candidates[1], {
    position: 2,
    initials: 'T.',
    firstName: 'Tamara',
    prefix: 'van',
    lastName: 'Ark',
    gender: 'female',
    locality: 'Nieuwerkerk aan den IJssel',
    countryCode: null,
  });
  assert.equal(candidateDisplayName(vvd.candidates[1]!), 'Ark, T. van (Tamara)');
  assert.equal(candidateDisplayName(vvd.candidates[0]!), 'Rutte, M. (Mark)');
  assert.equal(vvd.candidates[4]!.lastName, 'Yeşilgöz-Zegerius');
  assert.equal(vvd.candidates[5]!.prefix, "van 't");
  assert.equal(vvd.candidates[0]!.locality, "'s-Gravenhage");
  // Lists that do not publish gender carry no Gender at all.
  const noGender = lists.affiliations.filter((a) => !a.publishGender);
  assert.deepEqual(noGender.map((a) => a.listNumber), [4, 5, 9, 13, 25, 27]);
  assert.deepEqual(noGender[0]!.candidates[0], {
    position: 1,
    initials: 'S.A.M.',
    firstName: 'Sigrid',
    prefix: null,
    lastName: 'Kaag',
    gender: null,
    locality: "'s-Gravenhage",
    countryCode: null,
  });
  // Candidates living abroad carry a country code.
  const abroad = lists.affiliations.flatMap((a) => a.candidates).filter((c) => c.countryCode);
  assert.ok(abroad.length > 0);
  assert.ok(abroad.some((c) => c.countryCode === 'BE' && c.locality === 'Elsene (Brussel)'));
  // A candidate without a first name.
  assert.ok(lists.affiliations.flatMap((a) => a.candidates).some((c) => c.firstName === null));
});

test('an empty RegisteredName is read as an empty name (Arnhem 2021, list 30)', () => {
  const lists = read(eml('tk2021', 'Kandidatenlijsten_TK2021_Arnhem.eml.xml'));
  const blank = lists.affiliations.filter((a) => a.registeredName === '');
  assert.deepEqual(blank.map((a) => a.listNumber), [30]);
  assert.ok(blank[0]!.candidates.length > 0);
  // And lijstengroepen next to stellen gelijkluidende lijsten.
  assert.deepEqual([...new Set(lists.affiliations.map((a) => a.type))].sort(), ['lijstengroep', 'stel gelijkluidende lijsten']);
});

test('each 2021 file matches its own kieskring in the TK2021 definition, and no other', () => {
  const def = readElectionDefinition(readFileSync(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml')));
  assert.ok(def.ok);
  const byName = new Map(kieskringen(def.value).map((k) => [fileNamePart(k.name), k.number]));
  for (const file of FILES.filter((f) => f.includes('TK2021'))) {
    const lists = read(file);
    const k = byName.get(/Kandidatenlijsten_TK2021_(.+)\.eml\.xml$/.exec(file)![1]!)!;
    assert.deepEqual(checkCandidateListsMatch(def.value, k, lists), { ok: true, value: undefined }, file);
    const other = checkCandidateListsMatch(def.value, k === 1 ? 2 : 1, lists);
    assert.equal(!other.ok && other.code, 'import.other_kieskring', file);
  }
  for (const file of FILES.filter((f) => f.includes('TK2025'))) {
    const r = checkCandidateListsMatch(def.value, Number(read(file).contestId), read(file));
    assert.equal(!r.ok && r.code, 'import.other_election', file);
  }
});

test('refuses another EML kind, naming what it is', () => {
  const f = failure(readFileSync(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml')));
  assert.equal(f.code, 'eml.wrong_kind');
  assert.equal(f.message, 'Dit is geen kandidatenlijstbestand (EML 230b) maar een verkiezingsdefinitie (EML 110a).');
  const g = failure(readFileSync(eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml')));
  assert.equal(g.message, 'Dit is geen kandidatenlijstbestand (EML 230b) maar een telbestand van een gemeente (EML 510b).');
});

test('refuses bad input: not XML, truncated, too large, DOCTYPE', () => {
  const bytes = readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
  assert.equal(failure('{"lists": []}').code, 'xml.not_xml');
  assert.equal(failure(bytes.subarray(0, Math.floor(bytes.length / 2))).code, 'xml.truncated');
  assert.equal(failure(bytes, { maxBytes: 400_000 }).code, 'xml.too_large');
  assert.equal(failure('<!DOCTYPE EML [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + bytes.toString('utf8')).code, 'xml.doctype');
});

test('refuses a file with missing or invalid parts', () => {
  const text = readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'), 'utf8');
  const noLast = failure(text.replace('<xnl:LastName>Rutte</xnl:LastName>', ''));
  assert.equal(noLast.code, 'eml.invalid');
  assert.match(noLast.message, /^In het kandidatenlijstbestand ontbreekt het verplichte onderdeel LastName \(in PersonName, regel 1\)\.$/);
  assert.match(failure(text.replace('PublishGender="true"', 'PublishGender="misschien"')).message, /PublishGender van lijst 1 geen ja\/nee-waarde/);
  assert.match(failure(text.replace('<AffiliationIdentifier Id="1">', '<AffiliationIdentifier Id="één">')).message, /lijstnummer geen geldig getal/);
  assert.match(failure(text.replace('<CandidateIdentifier Id="2">', '<CandidateIdentifier Id="0">')).message, /kandidaatnummer op lijst 1/);
  assert.match(failure(text.replace('<Gender>male</Gender>', '<Gender>man</Gender>')).message, /onbekend geslacht: "man"/);
  assert.match(failure(text.replace('<ContestIdentifier Id="5">', '<ContestIdentifier>')).message, /kenmerk Id van ContestIdentifier/);
  const x = readCandidateLists(Buffer.from(text.replace('<Gender>male</Gender>', '<Gender>unknown</Gender>')));
  assert.ok(x.ok);
  assert.equal(x.value.affiliations[0]!.candidates[0]!.gender, 'x');
});
