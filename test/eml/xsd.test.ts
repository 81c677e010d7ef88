/**
 * Every EML 510 the program writes validates against the Kiesraad's strict XSD
 * (../shared/eml/xsd/510-count-kiesraad-strict.xsd, libxml2-wasm) and is its own canonical form
 * (C14N 1.0 with comments). The official files are validated too, as a check of the validator,
 * and broken documents must fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { listsFromCount, readCountFile, readListsFile, REAL_GEMEENTE_COUNTS } from '../support/eml.ts';
import { eml } from '../support/paths.ts';
import { xsdErrors } from '../support/xsd.ts';
import { parsePollingStationText, writeEml510b, writeEml510c } from '../../src/eml/eml510write.ts';
import { canonicalize } from '../../src/eml/c14n.ts';
import { sumCounts, type VoteCounts } from '../../src/domain/counts.ts';
import type { CandidateLists } from '../../src/domain/election.ts';

const KIESKRINGEN = ['Amsterdam', 'Assen', 'Groningen', 'Leeuwarden', 'Lelystad', 'Zwolle', 's-Gravenhage'];

function assertValid(bytes: Uint8Array, what: string): void {
  const errors = xsdErrors(bytes);
  assert.deepEqual(errors, [], `${what} does not validate:\n${errors.slice(0, 5).join('\n')}`);
}

function assertCanonical(bytes: Buffer, what: string): void {
  const c = canonicalize(bytes, { maxBytes: 512 * 1024 * 1024, withComments: true });
  assert.ok(c.ok, JSON.stringify(c));
  assert.ok(Buffer.from(c.value, 'utf8').equals(bytes), `${what}: the canonical form differs from the bytes`);
}

async function written510c(k: string, lists = readListsFile(eml('tk2021', `Kandidatenlijsten_TK2021_${k}.eml.xml`))): Promise<Buffer> {
  const v = await readCountFile(eml('tk2021', `Telling_TK2021_kieskring_${k}.eml.xml`));
  const r = writeEml510c({
    election: { id: lists.electionId, name: lists.electionName, category: lists.electionCategory, subcategory: 'TK', date: lists.electionDate },
    kieskring: { number: Number(lists.contestId), name: lists.contestName },
    candidateLists: lists,
    municipalities: v.units.map((u) => ({ code: u.id.split('::')[1]!, name: u.name, counts: u.counts })),
    creationDateTime: '2021-03-26T10:11:12.345',
  });
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}

for (const k of KIESKRINGEN) {
  test(`XSD: the 510c written for ${k} validates and is canonical; so does the official file`, async () => {
    const ours = await written510c(k);
    assertValid(ours, `written 510c ${k}`);
    assertCanonical(ours, `written 510c ${k}`);
    assertValid(readFileSync(eml('tk2021', `Telling_TK2021_kieskring_${k}.eml.xml`)), `official 510c ${k}`);
  });
}

for (const [label, file, election, listsFile, municipality] of REAL_GEMEENTE_COUNTS) {
  test(`XSD: the 510b written for ${label} validates and is canonical; so does the real file`, async () => {
    const v = await readCountFile(file);
    // No TK2023 230b is available: the lists' shape comes from the file itself.
    const lists: CandidateLists = listsFile
      ? readListsFile(listsFile)
      : listsFromCount(v, election);
    const stations = v.units.map((u) => ({ number: Number(u.id.split('::SB')[1]), ...parsePollingStationText(u.name), counts: u.counts }));
    const total: VoteCounts = { ...sumCounts(stations.map((s) => s.counts)), cast: v.total!.cast };
    const r = writeEml510b({
      election,
      municipality,
      kieskring: { number: Number(lists.contestId), name: lists.contestName },
      candidateLists: lists,
      total,
      pollingStations: stations,
      creationDateTime: '2025-10-30T01:02:03.004',
    });
    assert.ok(r.ok, JSON.stringify(r));
    assertValid(r.value, `written 510b ${label}`);
    assertCanonical(r.value, `written 510b ${label}`);
    assertValid(readFileSync(file), `real 510b ${label}`);
  });
}

test('XSD: names with XML special characters are escaped validly and canonically', async () => {
  const lists = readListsFile(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
  const nasty = {
    ...lists,
    affiliations: lists.affiliations.map((a, i) => (i === 0 ? { ...a, registeredName: `A & B <"x"> 'y' \u00e9\u20ac` } : a)),
  };
  const ours = await written510c('Lelystad', nasty);
  assert.ok(ours.includes(Buffer.from('A &amp; B &lt;"x"&gt; \'y\' \u00e9\u20ac')));
  assertValid(ours, 'written 510c with a nasty list name');
  assertCanonical(ours, 'written 510c with a nasty list name');
});

test('XSD: broken documents fail validation (the validator can say no)', async () => {
  const good = readFileSync(eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml')).toString('utf8');
  const cases: [string, string][] = [
    ['missing TransactionId', good.replace('<TransactionId>1</TransactionId>', '')],
    ['negative vote count', good.replace(/<ValidVotes>\d+<\/ValidVotes>/, '<ValidVotes>-1</ValidVotes>')],
    ['unknown element', good.replace('<TotalCounted>', '<Extra></Extra><TotalCounted>')],
    ['unknown reason code', good.replace('ReasonCode="geen verklaring"', 'ReasonCode="geen idee"')],
    ['not well-formed', good.slice(0, good.length - 10)],
  ];
  for (const [what, text] of cases) {
    assert.ok(text !== good, `${what}: the mutation did not apply`);
    const errors = xsdErrors(Buffer.from(text, 'utf8'));
    assert.ok(errors.length > 0, `${what}: expected validation errors`);
  }
});
