/**
 * The CSV of the CSB's result (src/reports/resultCsv.ts) for TK2021, computed from the official
 * 510d's kieskring blocks and the 20 candidate lists: every list's votes and seats as in the
 * Kiesraad's party-level result (../shared/data/seats/uitslag_TK20210317_Nederland.csv), the
 * kiesdeler as an exact fraction, and the 150 elected candidates in the 520's order with the 520's
 * Ranking (1 = voorkeurstemmen).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { CandidateLists } from '../../src/domain/election.ts';
import { nationalResult, type NationalResult } from '../../src/domain/seats/national.ts';
import { frac } from '../../src/domain/seats/fraction.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readEml510dBlocks } from '../../src/eml/eml510d.ts';
import { resultCsv } from '../../src/reports/resultCsv.ts';
import { eml, SHARED } from '../support/paths.ts';

const DIR = eml('tk2021');

async function tk2021(): Promise<{ result: NationalResult; lists: Map<number, CandidateLists> }> {
  const lists = new Map<number, CandidateLists>();
  for (const f of readdirSync(DIR).filter((n) => n.startsWith('Kandidatenlijsten_'))) {
    const r = readCandidateLists(readFileSync(path.join(DIR, f)));
    assert.ok(r.ok);
    lists.set(Number(r.value.contestId), r.value);
  }
  const blocks = await readEml510dBlocks(readFileSync(path.join(DIR, 'Totaaltelling_TK2021.eml.xml')));
  assert.ok(blocks.ok);
  const counts = new Map([...blocks.value.kieskringen].map(([k, b]) => [k, b.counts]));
  const r = nationalResult({ category: 'TK', seats: 150, kieskringen: [...lists].map(([kieskring, l]) => ({ kieskring, lists: l })), counts });
  assert.ok(r.ok && r.value.kind === 'result');
  return { result: r.value.result, lists };
}

/** The CSV's rows as arrays of cell texts (quotes removed). */
function rowsOf(csv: Buffer): string[][] {
  const text = csv.toString('utf8');
  assert.ok(text.startsWith('\uFEFF'), 'BOM');
  assert.ok(!text.endsWith('\n'), 'no final newline');
  return text
    .slice(1)
    .split('\n')
    .map((line) => (line === '' ? [] : line.split(';').map((c) => (c.startsWith('"') ? c.slice(1, -1).replace(/""/g, '"') : c))));
}

describe('the CSV of the result (TK2021)', async () => {
  const { result } = await tk2021();
  const csv = resultCsv(result, {
    electionName: 'Tweede Kamer der Staten-Generaal 2021',
    electionDate: '2021-03-17',
    areaName: 'Nederland',
    preferenceThreshold: frac(1, 4),
  });
  const rows = rowsOf(csv);

  it('has the kiesdeler as an exact fraction and the preference threshold', () => {
    assert.deepEqual(rows[4], ['Kiesdeler', '', '69485 17/25']);
    assert.equal(rows[5]?.[0], 'Voorkeurdrempel');
    assert.equal(rows[3]?.[2], '150');
  });

  it("every list's votes and seats are the Kiesraad's", () => {
    const official = readFileSync(path.join(SHARED, 'data', 'seats', 'uitslag_TK20210317_Nederland.csv'), 'utf8')
      .split('\n')
      .map((l) => l.split(';'))
      .filter((f) => f[2] === 'Partij');
    assert.equal(official.length, 37);
    const start = rows.findIndex((r) => r[0] === 'Lijstnummer' && r[2] === 'Stemmen');
    const listRows = rows.slice(start + 1, start + 38);
    assert.equal(listRows.length, 37);
    for (const o of official) {
      const ours = listRows.find((r) => r[1] === o[3]);
      assert.ok(ours, `list ${o[3]}`);
      assert.equal(ours[2], o[4], `votes of ${o[3]}`);
      assert.equal(ours[5], o[5] === '' ? '0' : o[5], `seats of ${o[3]}`);
    }
    assert.equal(listRows.reduce((n, r) => n + Number(r[5]), 0), 150);
  });

  it('names the 150 elected candidates in the order of the 520, with its Ranking', () => {
    const start = rows.findIndex((r) => r[2] === 'Naam kandidaat');
    const elected = rows.slice(start + 1);
    assert.equal(elected.length, 150);
    const official = readFileSync(path.join(DIR, 'Resultaat_TK2021.eml.xml'), 'utf8');
    const lastNames = [...official.matchAll(/<xnl:LastName>([^<]*)<\/xnl:LastName>/g)].map((m) => m[1]);
    const rankings = [...official.matchAll(/<Ranking>(\d)<\/Ranking>/g)].map((m) => m[1]);
    assert.equal(lastNames.length, 150);
    elected.forEach((r, i) => {
      assert.ok(r[2]?.includes(lastNames[i] ?? '?'), `row ${i}: ${r[2]} vs ${lastNames[i]}`);
      assert.equal(r[5], rankings[i] === '1' ? 'voorkeurstemmen' : 'lijstvolgorde', `row ${i}`);
      assert.match(r[6] ?? '', /^\d+(-\d+)?(, \d+(-\d+)?)*$/, `row ${i} kieskringen`);
    });
  });
});
