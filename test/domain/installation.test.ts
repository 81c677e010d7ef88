/** The kinds of installation (src/domain/installation.ts): one object per kind, consistent with itself. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CSB, GEMEENTE, HSB, INSTALLATIONS, installationOf, UNITS } from '../../src/domain/installation.ts';
import { pollingStationCode } from '../../src/domain/pollingStations.ts';
import { municipalityCode } from '../../src/domain/election.ts';

test('each category has its one installation object, and each object names its category', () => {
  for (const [category, inst] of Object.entries(INSTALLATIONS)) assert.equal(inst.category, category);
  assert.equal(installationOf('KIESKRING'), HSB);
  assert.equal(installationOf('GEMEENTE'), GEMEENTE);
  assert.equal(installationOf('STAAT'), CSB);
  for (const [kind, spec] of Object.entries(UNITS)) assert.equal(spec.kind, kind);
});

test('the units: an HSB counts municipalities, a gemeente polling stations, the CSB kieskringen, with their codes', () => {
  assert.equal(HSB.unit.kind, 'gemeente');
  assert.equal(GEMEENTE.unit.kind, 'stembureau');
  assert.equal(CSB.unit.kind, 'kieskring');
  assert.match(municipalityCode(34), HSB.unit.code);
  assert.match(pollingStationCode(12), GEMEENTE.unit.code);
  assert.match('HSB5', CSB.unit.code);
  // The patterns do not overlap: a code tells its kind.
  for (const code of ['0034', 'SB12', 'HSB5']) {
    assert.equal(Object.values(UNITS).filter((u) => u.code.test(code)).length, 1, code);
  }
  assert.deepEqual(GEMEENTE.unit.optionalScalars, ['Z']);
  assert.deepEqual(CSB.unit.optionalScalars, ['A', 'B', 'C', 'D']);
  assert.deepEqual(HSB.unit.optionalScalars, []);
  assert.equal(GEMEENTE.unit.words.Many, 'Stembureaus');
});

test('what each kind keeps and writes', () => {
  assert.deepEqual(
    Object.values(INSTALLATIONS).map((i) => [i.category, i.countImports, i.eligibleVoters, i.phase1.municipalityKeys, i.phase1.pollingStations, i.phase1.kieskringen, i.countFile]),
    [
      ['KIESKRING', true, false, true, false, false, '510c'],
      ['GEMEENTE', false, true, false, true, false, '510b'],
      ['STAAT', true, false, true, false, true, '510d'],
    ],
  );
  // Only a gemeente needs its eligible voters, and only it keeps polling stations.
  for (const i of Object.values(INSTALLATIONS)) assert.equal(i.eligibleVoters, i.phase1.pollingStations);
});

test('words: the stemgebied, who runs it, and a unit that is not there', () => {
  assert.equal(HSB.stemgebiedLabel({ number: 5, name: 'Lelystad' }), 'Kieskring 5 Lelystad');
  assert.equal(HSB.authorityLabel({ number: 5, name: 'Lelystad' }), 'Hoofdstembureau Lelystad');
  assert.equal(GEMEENTE.stemgebiedLabel({ number: 34, name: 'Almere' }), 'Gemeente Almere');
  assert.equal(GEMEENTE.authorityLabel({ number: 9001, name: 'Bonaire' }), 'Openbaar lichaam Bonaire');
  assert.equal(CSB.stemgebiedLabel({ number: 1, name: 'Nederland' }), 'Nederland, centraal stembureau');
  assert.equal(CSB.authorityLabel({ number: 1, name: 'Nederland' }), 'Centraal stembureau');
  assert.deepEqual(GEMEENTE.unitNotFound('SB9'), { code: 'polling_station.not_found', message: 'Stembureau 9 bestaat niet (meer) in deze gemeente.' });
  assert.deepEqual(GEMEENTE.unitNotFound('x'), { code: 'polling_station.not_found', message: 'x is geen stembureau van deze gemeente.' });
  assert.deepEqual(HSB.unitNotFound('0999'), { code: 'region.not_found', message: 'Gemeente 0999 hoort niet bij deze kieskring.' });
  assert.deepEqual(CSB.unitNotFound('HSB99'), { code: 'region.not_found', message: 'HSB99 is geen kieskring van deze verkiezing.' });
});
