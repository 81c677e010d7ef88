import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { SCALAR_FIELDS } from '../../src/domain/entry.ts';
import {
  hasField,
  knownReasons,
  LATEST_RULES,
  reasonsWritten,
  RULE_SET_CHOICE,
  ruleSetFor,
  TK2021_RULES,
  TK2023_RULES,
  unknownReasons,
} from '../../src/domain/ruleSets.ts';
import { readElectionDefinition } from '../../src/eml/eml110a.ts';
import { readCountFile } from '../support/eml.ts';
import { eml } from '../support/paths.ts';

const ALL_RULES = [...new Set(RULE_SET_CHOICE.map((r) => r.rules))];

test('the election chooses its rule set: TK2021 with the postal reasons, TK2023 and TK2025 without', () => {
  assert.equal(ruleSetFor({ category: 'TK', date: '2021-03-17' }), TK2021_RULES);
  assert.equal(ruleSetFor({ category: 'TK', date: '2023-11-22' }), TK2023_RULES);
  assert.equal(ruleSetFor({ category: 'TK', date: '2025-10-29' }), TK2023_RULES);
  // a later election under the same law needs no change
  assert.equal(ruleSetFor({ category: 'TK', date: '2029-03-21' }), LATEST_RULES);
  for (const [file, id] of [
    [eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml'), 'TK2021'],
    [eml('tk2023', 'Verkiezingsdefinitie_TK2023.eml.xml'), 'TK2023'],
  ] as const) {
    const d = readElectionDefinition(readFileSync(file));
    assert.ok(d.ok);
    assert.equal(ruleSetFor({ category: d.value.category, date: d.value.electionDate }).id, id, file);
  }
});

test('every rule set is consistent: its reasons are those of its fields, fields in form order', () => {
  for (const rules of ALL_RULES) {
    const order = SCALAR_FIELDS.map((f) => f.key as string);
    assert.deepEqual([...rules.fields], order.filter((k) => rules.fields.includes(k as never)), `${rules.id}: form order`);
    const fieldReasons = SCALAR_FIELDS.filter((f) => hasField(rules, f.key) && f.reason !== null).map((f) => f.reason as string);
    assert.deepEqual([...knownReasons(rules)].sort(), [...fieldReasons].sort(), `${rules.id}: reasons = the fields' reasons`);
    for (const level of ['gemeente510b', 'hsb510c'] as const) {
      const reasons = rules[level].map((r) => r.reason);
      assert.equal(new Set(reasons).size, reasons.length, `${rules.id} ${level}: no reason twice`);
      assert.ok(!(level === 'hsb510c' && (reasons.includes('geldige stempassen') || reasons.includes('toegelaten kiezers'))), 'a 510c carries neither A nor D');
    }
  }
  assert.ok(!TK2023_RULES.fields.some((k) => k.startsWith('P')));
  assert.deepEqual(TK2021_RULES.fields.slice(-3), ['P1', 'P2', 'P3']);
});

test('the tables match the real files: what each level writes, in order', async () => {
  const cases = [
    [eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml'), TK2021_RULES, 'hsb510c'],
    [eml('tk2021', 'Telling_TK2021_kieskring_s-Gravenhage.eml.xml'), TK2021_RULES, 'hsb510c'],
    [eml('tk2023', 'Telling_TK2023_kieskring_Amsterdam.eml.xml'), TK2023_RULES, 'hsb510c'],
    [eml('tk2023', 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml'), TK2023_RULES, 'gemeente510b'],
    [eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml'), TK2023_RULES, 'gemeente510b'],
  ] as const;
  for (const [file, rules, level] of cases) {
    const v = await readCountFile(file);
    const blocks = [v.total!, ...v.units.map((u) => u.counts)];
    for (const b of blocks) assert.deepEqual(b.uncounted.map((u) => u.reason), reasonsWritten(rules, level, blocks), file);
    assert.deepEqual(unknownReasons(rules, blocks), []);
  }
});

test('reasons written: "when entered" only when some block carries it; unknown reasons are named', () => {
  const block = (...reasons: string[]) => ({ uncounted: reasons.map((reason) => ({ reason, count: 0 })) });
  assert.ok(!reasonsWritten(TK2021_RULES, 'hsb510c', [block()]).includes('kwijtgeraakte stembiljetten'));
  assert.ok(reasonsWritten(TK2021_RULES, 'hsb510c', [block(), block('kwijtgeraakte stembiljetten')]).includes('kwijtgeraakte stembiljetten'));
  assert.ok(!reasonsWritten(TK2021_RULES, 'gemeente510b', [block()]).includes('geen briefstembiljetten'));
  assert.deepEqual(unknownReasons(TK2023_RULES, [block('geen briefstembiljetten', 'geldige stempassen'), block('zzz')]), ['geen briefstembiljetten', 'zzz']);
  assert.deepEqual(unknownReasons(TK2021_RULES, [block('geen briefstembiljetten')]), []);
});
