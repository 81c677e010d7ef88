import { test } from 'node:test';
import assert from 'node:assert/strict';
import { can, isRole, PERMISSIONS, permissionsOf, ROLES } from '../../src/domain/permissions.ts';
import { checkPhaseChange, type PhaseFacts } from '../../src/domain/phases.ts';
import { checkPasswordPolicy, checkUsername } from '../../src/domain/passwords.ts';
import { candidateDisplayName, fileNamePart, municipalityCode, municipalityTitle } from '../../src/domain/election.ts';

test('permissions follow domain.md §2', () => {
  assert.equal(can('beheerder', 'users.manage'), true);
  assert.equal(can('beheerder', 'election.import'), true);
  assert.equal(can('beheerder', 'phase.change'), false);
  assert.equal(can('verkiezingsleider', 'phase.change'), true);
  assert.equal(can('verkiezingsleider', 'counts.enter'), false, 'the election leader never enters counts');
  assert.equal(can('invoer', 'counts.enter'), true);
  assert.equal(can('invoer', 'users.manage'), false);
  for (const p of PERMISSIONS) {
    assert.equal(can('alleen_lezen', p), p === 'election.view', `alleen_lezen and ${p}`);
  }
  for (const r of ROLES) assert.equal(can(r, 'election.view'), true);
  assert.deepEqual(permissionsOf('invoer'), ['election.view', 'counts.enter']);
  assert.equal(can('beheerder', 'election.destroy'), true);
  assert.equal(can('verkiezingsleider', 'election.destroy'), false, 'only the administrator erases');
  assert.equal(can('verkiezingsleider', 'election.archive'), true);
  assert.equal(isRole('beheerder'), true);
  assert.equal(isRole('root'), false);
});

const base: PhaseFacts = { current: 1, definitionImported: true, candidateListsImported: true, allCountsComplete: false, anyEntries: false };

test('phase 2 needs definition and candidate lists; phases cannot be skipped; going back is allowed', () => {
  assert.equal(checkPhaseChange(base, 2).ok, true);
  const noLists = checkPhaseChange({ ...base, candidateListsImported: false }, 2);
  assert.equal(noLists.ok, false);
  if (!noLists.ok) assert.match(noLists.message, /kandidatenlijsten/);
  assert.equal(checkPhaseChange({ ...base, definitionImported: false }, 2).ok, false);
  assert.equal(checkPhaseChange(base, 3).ok, false);
  assert.equal(checkPhaseChange(base, 1).ok, false);
  assert.equal(checkPhaseChange({ ...base, current: 2 }, 1).ok, true);
  assert.equal(checkPhaseChange({ ...base, current: 2 }, 3).ok, false);
  assert.equal(checkPhaseChange({ ...base, current: 2, allCountsComplete: true }, 3).ok, true);
  assert.equal(checkPhaseChange({ ...base, current: 3 }, 2).ok, true);
  const back = checkPhaseChange({ ...base, current: 2, anyEntries: true }, 1);
  assert.ok(!back.ok && back.message.includes('invoer is verwijderd'));
  assert.equal(checkPhaseChange({ ...base, current: 3, anyEntries: true }, 2).ok, true);
});

test('password policy: at least 12 characters, not the user name', () => {
  assert.equal(checkPasswordPolicy('jan', 'kort').ok, false);
  assert.equal(checkPasswordPolicy('jan', 'elf tekens!').ok, false);
  assert.equal(checkPasswordPolicy('jan', 'twaalf tekens').ok, true);
  assert.equal(checkPasswordPolicy('stembureau01', 'Stembureau01').ok, false);
  assert.equal(checkUsername('a').ok, false);
  assert.equal(checkUsername('../etc').ok, false);
  assert.equal(checkUsername('j.de-vries_2').ok, true);
});

test('names and codes', () => {
  assert.equal(municipalityCode(14), '0014');
  assert.equal(municipalityCode(9001), '9001');
  assert.equal(municipalityTitle({ number: 34, name: 'Almere' }), 'Gemeente Almere');
  assert.equal(municipalityTitle({ number: 9001, name: 'Bonaire' }), 'Openbaar lichaam Bonaire');
  assert.equal(fileNamePart("'s-Gravenhage"), 's-Gravenhage');
  assert.equal(fileNamePart('West Maas en Waal'), 'West_Maas_en_Waal');
  assert.equal(fileNamePart('Nuenen, Gerwen en Nederwetten'), 'Nuenen_Gerwen_en_Nederwetten');
  assert.equal(
    candidateDisplayName({
      position: 2, initials: 'T.', firstName: 'Tamara', prefix: 'van', lastName: 'Ark', gender: 'female', locality: null,
    }),
    'Ark, T. van (Tamara)',
  );
});
