/**
 * The HSB flow for every set of official files found under ../shared/eml (110a + 230b + the HSB's
 * 510c, see test/support/hsbChain.ts), through the real server: imports with hash codes, each
 * municipality's numbers imported as a signed 510b made from its block in the 510c, typed once more,
 * definitief maken, the files. The 510c the server writes equals the official one except for the
 * value of kr:CreationDateTime and validates against the XSD; when the set has the HSB's CSV, the
 * CSV equals it byte for byte (but for known errors in the official CSV, test/support/csv.ts).
 *
 * A set added to ../shared/eml later is run here without code changes. UITSLAG_HSB_SETS (a
 * comma-separated list of labels such as 'tk2023 Amsterdam') narrows the run when debugging.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { officialCsvAsIn510c } from '../support/csv.ts';
import { firstDifference, WITHOUT_TIME } from '../support/eml.ts';
import { chainPhase1, chainPhase2, chainPhase3, discoverHsbSets, startHsbChain } from '../support/hsbChain.ts';
import { xsdErrors } from '../support/xsd.ts';

const only = process.env.UITSLAG_HSB_SETS?.split(',').map((s) => s.trim());
const sets = discoverHsbSets().filter((s) => !only || only.includes(s.label));

test('the shared folder holds the known HSB sets (7 of TK2021, Amsterdam of TK2023)', { skip: only !== undefined }, () => {
  const labels = sets.map((s) => s.label);
  for (const l of ['tk2021 Amsterdam', 'tk2021 Lelystad', 'tk2021 s-Gravenhage', 'tk2023 Amsterdam']) assert.ok(labels.includes(l), `${l} in ${labels.join(', ')}`);
  assert.equal(sets.find((s) => s.label === 'tk2023 Amsterdam')!.csvFile, 'osv4_3_telling_tk2023_kieskring_amsterdam.csv');
});

for (const set of sets) {
  test(`HSB ${set.label}: 110a, 230b, signed 510b per municipality, second entry, definitief maken → the official 510c${set.csvFile ? ' and CSV' : ''}`, async () => {
    const c = await startHsbChain(set);
    try {
      await chainPhase1(c);
      await chainPhase2(c);
      const docs = await chainPhase3(c);
      const eml = docs.get('eml510c')!;
      assert.equal(eml.fileName, set.countFile);
      const diff = firstDifference(WITHOUT_TIME(eml.bytes), WITHOUT_TIME(c.official510c));
      assert.equal(diff, null, diff ?? '');
      assert.equal(eml.bytes.length, c.official510c.length);
      assert.deepEqual(xsdErrors(eml.bytes), []);
      if (c.officialCsv) {
        const csv = docs.get('csv_osv43')!;
        const expected = officialCsvAsIn510c(set.csvFile!, c.officialCsv);
        assert.ok(csv.bytes.equals(expected), firstDifference(csv.bytes.toString('utf8'), expected.toString('utf8')) ?? '');
      }
    } finally {
      await c.server.close();
    }
  });
}
