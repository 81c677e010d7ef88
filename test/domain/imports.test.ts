import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eml } from '../support/paths.ts';
import type { CandidateLists, ElectionDefinition, Region } from '../../src/domain/election.ts';
import { checkCandidateListsMatch, checkElectionDefinition } from '../../src/domain/imports.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readElectionDefinition } from '../../src/eml/eml110a.ts';

function definition(file: string): ElectionDefinition {
  const r = readElectionDefinition(readFileSync(file));
  assert.ok(r.ok);
  return r.value;
}

function lists(file: string): CandidateLists {
  const r = readCandidateLists(readFileSync(file));
  assert.ok(r.ok);
  return r.value;
}

const TK2021 = definition(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml'));
const TK2023 = definition(eml('tk2023', 'Verkiezingsdefinitie_TK2023.eml.xml'));
const LELYSTAD = lists(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
const ZWOLLE = lists(eml('tk2021', 'Kandidatenlijsten_TK2021_Zwolle.eml.xml'));

const OK = { ok: true, value: undefined };

test('the real definitions pass the sanity check', () => {
  assert.deepEqual(checkElectionDefinition(TK2021), OK);
  assert.deepEqual(checkElectionDefinition(TK2023), OK);
});

test('the sanity check refuses a definition without seats, STAAT, kieskringen or municipalities', () => {
  const withRegions = (regions: Region[]): ElectionDefinition => ({ ...TK2021, regions });
  const message = (def: ElectionDefinition) => {
    const r = checkElectionDefinition(def);
    assert.equal(!r.ok && r.code, 'import.definition_invalid');
    return !r.ok ? r.message : '';
  };
  assert.match(message({ ...TK2021, numberOfSeats: 0 }), /aantal zetels/);
  assert.match(message(withRegions(TK2021.regions.filter((r) => r.category !== 'STAAT'))), /precies één gebied van de soort STAAT bevatten, maar bevat er 0\./);
  assert.match(message(withRegions(TK2021.regions.filter((r) => r.category === 'STAAT'))), /geen kieskringen/);
  assert.equal(
    message(withRegions(TK2021.regions.filter((r) => !(r.category === 'GEMEENTE' && r.superiorNumber === 5)))),
    'Kieskring 5 (Lelystad) heeft in de verkiezingsdefinitie geen gemeenten.',
  );
  const almere = TK2021.regions.find((r) => r.number === 34 && r.category === 'GEMEENTE')!;
  assert.match(message(withRegions([...TK2021.regions, { ...almere, superiorNumber: 21 }])), /gemeente 34 \(Almere\) twee keer/);
  assert.match(
    message(withRegions(TK2021.regions.map((r) => (r === almere ? { ...r, superiorNumber: 21 } : r)))),
    /Gemeente 34 \(Almere\) hoort .* niet bij een bestaande kieskring/,
  );
  const kk5 = TK2021.regions.find((r) => r.category === 'KIESKRING' && r.number === 5)!;
  assert.match(message(withRegions([...TK2021.regions, kk5])), /kieskring 5 twee keer/);
});

test('candidate lists of this election and kieskring are accepted', () => {
  assert.deepEqual(checkCandidateListsMatch(TK2021, 5, LELYSTAD), OK);
  assert.deepEqual(checkCandidateListsMatch(TK2021, 4, ZWOLLE), OK);
});

test('refuses the candidate lists of another kieskring, naming both', () => {
  assert.deepEqual(checkCandidateListsMatch(TK2021, 5, ZWOLLE), {
    ok: false,
    code: 'import.other_kieskring',
    message: 'Dit kandidatenlijstbestand hoort bij kieskring 4 (Zwolle), maar deze installatie is voor kieskring 5 (Lelystad).',
  });
  const renamed = checkCandidateListsMatch(TK2021, 5, { ...LELYSTAD, contestName: 'Almere' });
  assert.equal(!renamed.ok && renamed.code, 'import.other_kieskring');
  assert.equal(
    !renamed.ok && renamed.message,
    'Dit kandidatenlijstbestand noemt kieskring 5 "Almere", maar in de verkiezingsdefinitie heet kieskring 5 "Lelystad".',
  );
  const unknown = checkCandidateListsMatch(TK2021, 21, LELYSTAD);
  assert.equal(!unknown.ok && unknown.code, 'import.unknown_kieskring');
});

test('refuses the candidate lists of another election (id, date or category), naming both', () => {
  const nijmegen2025 = lists(eml('tk2025', 'Kandidatenlijsten_TK2025_Nijmegen.eml.xml'));
  assert.equal(nijmegen2025.contestId, '6');
  const r = checkCandidateListsMatch(TK2021, 6, nijmegen2025);
  assert.equal(!r.ok && r.code, 'import.other_election');
  assert.equal(
    !r.ok && r.message,
    'Dit kandidatenlijstbestand hoort bij verkiezing TK2025 (Tweede Kamer der Staten-Generaal 2025, 2025-10-29), ' +
      'maar deze installatie is voor verkiezing TK2021 (Tweede Kamer der Staten-Generaal 2021, 2021-03-17).',
  );
  assert.equal(checkCandidateListsMatch(TK2023, 5, LELYSTAD).ok, false);
  const otherDate = checkCandidateListsMatch(TK2021, 5, { ...LELYSTAD, electionDate: '2021-03-18' });
  assert.equal(!otherDate.ok && otherDate.code, 'import.other_election');
  const otherCategory = checkCandidateListsMatch(TK2021, 5, { ...LELYSTAD, electionCategory: 'EK' });
  assert.equal(!otherCategory.ok && otherCategory.code, 'import.other_election');
});

test('refuses a list number or a candidate position that occurs twice', () => {
  const [first, second, ...rest] = LELYSTAD.affiliations;
  const twiceList = checkCandidateListsMatch(TK2021, 5, {
    ...LELYSTAD,
    affiliations: [first!, { ...second!, listNumber: 1 }, ...rest],
  });
  assert.deepEqual(twiceList, {
    ok: false,
    code: 'import.duplicate_list',
    message: 'Lijstnummer 1 komt twee keer voor in het kandidatenlijstbestand.',
  });
  const [c1, c2, ...others] = second!.candidates;
  const twiceCandidate = checkCandidateListsMatch(TK2021, 5, {
    ...LELYSTAD,
    affiliations: [first!, { ...second!, candidates: [c1!, { ...c2!, position: 1 }, ...others] }, ...rest],
  });
  assert.deepEqual(twiceCandidate, {
    ok: false,
    code: 'import.duplicate_candidate',
    message: 'Op lijst 2 komt kandidaatnummer 1 twee keer voor in het kandidatenlijstbestand.',
  });
});
