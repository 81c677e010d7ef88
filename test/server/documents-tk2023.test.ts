/**
 * An HSB of TK2023 (kieskring 9 Amsterdam) through the real server with the whole real chain of
 * ../shared/eml/tk2023 (issue 11): the 110a and the 230b imported with their hash codes; the
 * municipality's numbers imported as a signed 510b made from its block in the official 510c; the
 * second entry typed as the UI sends it; definitief maken; the files. The 510c equals
 * Telling_TK2023_kieskring_Amsterdam.eml.xml except for kr:CreationDateTime, the CSV equals
 * osv4_3_telling_tk2023_kieskring_amsterdam.csv (but for the two cells where the Kiesraad's CSV and
 * 510c disagree, see test/support/csv.ts).
 *
 * And the rules of the election (src/domain/ruleSets.ts): TK2023 has no postal reasons, so the form
 * does not ask for them, a value typed in one is refused, a count file carrying one is refused, and
 * neither the 510c, the CSV nor the PV O 3 mention them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TK2021_RULES } from '../../src/domain/ruleSets.ts';
import { writeEml510b } from '../../src/eml/eml510write.ts';
import { readTransferZip } from '../../src/transfer/zip.ts';
import { signDetached } from '../../src/crypto/cms.ts';
import { transferEmlName, transferZipName, writeTransferZip } from '../../src/transfer/zip.ts';
import { importCountZip, testKeyPair, typeEntry, uploadCountZip } from '../support/counts.ts';
import { officialCsvAsIn510c, parseOsv43 } from '../support/csv.ts';
import { firstDifference, WITHOUT_TIME } from '../support/eml.ts';
import {
  asSentByUi,
  chainCertificate,
  chainCountZip,
  chainPhase1,
  chainPhase3,
  discoverHsbSets,
  startHsbChain,
  type ChainDocument,
  type HsbChain,
} from '../support/hsbChain.ts';
import { xsdErrors } from '../support/xsd.ts';
import { unzip } from '../support/zip.ts';

const SET = discoverHsbSets().find((s) => s.label === 'tk2023 Amsterdam');

describe('HSB TK2023 kieskring 9 Amsterdam: the real chain end to end', { skip: SET === undefined ? 'no tk2023 Amsterdam set in ../shared/eml' : false }, () => {
  let c: HsbChain;
  let docs: Map<string, ChainDocument>;

  before(async () => {
    c = await startHsbChain(SET!);
  });
  after(() => c?.server.close());

  test('phase 1: the real 110a (kieskring 9) and 230b with their hash codes; the election follows the TK2023 rules', async () => {
    await chainPhase1(c);
    const e = await c.reader.get('/api/election');
    assert.equal(e.status, 200, e.text);
    const election = e.json.election ?? e.json;
    assert.equal(election.id, 'TK2023');
    assert.equal(election.electionDate, '2023-11-22');
    assert.equal(election.rules.id, 'TK2023');
    assert.equal(election.candidateLists.fileName, 'Kandidatenlijsten_TK2023_Amsterdam.eml.xml');
    assert.deepEqual(c.municipalities.map((m) => [m.code, m.name]), [['0363', 'Amsterdam']]);
  });

  test('the form asks for Z, A..O and not for the postal reasons of TK2021', async () => {
    const shape = await c.typist.get('/api/counts/form-shape');
    assert.equal(shape.status, 200, shape.text);
    assert.equal(shape.json.rules, 'TK2023');
    assert.deepEqual(
      shape.json.scalars.map((s: { key: string }) => s.key),
      ['Z', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O'],
    );
    assert.ok(!JSON.stringify(shape.json.scalars).includes('brief'));
  });

  test('a count file carrying a postal reason is refused (nothing stored)', async () => {
    const m = c.municipalities[0]!;
    // as a program following the TK2021 rules would write it
    const counts = { ...m.counts, uncounted: [...m.counts.uncounted, { reason: 'geen briefstembiljetten', count: 4 }] };
    const r = writeEml510b({
      election: c.election,
      municipality: { code: m.code, name: m.name },
      kieskring: c.kieskring,
      candidateLists: c.lists,
      total: counts,
      pollingStations: [{ number: 1, name: 'Stembureau Stadhuis', postcode: null, counts }],
      creationDateTime: '2023-11-23T09:00:00.000',
      rules: TK2021_RULES,
    });
    assert.ok(r.ok);
    // the same writer under the election's own rules refuses it
    assert.equal(writeEml510b({ election: c.election, municipality: { code: m.code, name: m.name }, kieskring: c.kieskring, candidateLists: c.lists, total: counts, pollingStations: [], creationDateTime: 'x' }).ok, false);
    const key = await testKeyPair();
    const emlName = transferEmlName('TK2023', 'gemeente', m.name);
    const zip = await writeTransferZip([
      { name: emlName, data: r.value },
      { name: `${emlName}.signature`, data: signDetached(r.value, key.privateKeyPem, await chainCertificate(c, m)) },
    ]);
    const j = await uploadCountZip(c.leader, zip, transferZipName('TK2023', 'gemeente', m.name));
    assert.equal(j.json.stage, 'failed', j.text);
    assert.equal(j.json.error.code, 'import.unknown_reason');
    assert.match(j.json.error.message, /"geen briefstembiljetten"; dat gegeven kent deze verkiezing niet/);
    const st = await c.leader.get('/api/counts/status');
    assert.equal(st.status, 200);
    assert.equal(JSON.stringify(st.json).includes('first_done'), false, 'nothing stored');
  });

  test('phase 2: the signed 510b imported; the second entry with a postal field filled in is refused, as the UI sends it accepted', async () => {
    const m = c.municipalities[0]!;
    const confirm = await importCountZip(c.leader, await chainCountZip(c, m));
    assert.equal(confirm.status, 200, confirm.text);
    const withPostal = { ...m.form, scalars: { ...m.form.scalars, P2: 3 } };
    const refused = await typeEntry(c.typist, m.code, withPostal);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.error.code, 'entry.field_not_in_election');
    assert.match(refused.json.error.message, /P2 \(Te veel briefstembiljetten\) hoort niet bij deze verkiezing/);
    const shape = await c.typist.get('/api/counts/form-shape');
    const form = asSentByUi(m.form, shape.json.scalars.map((s: { key: string }) => s.key));
    assert.equal('P1' in form.scalars, false);
    let r = await c.typist.post(`/api/counts/${m.code}/submit`, { form, acknowledged: [] });
    if (r.json?.outcome?.kind === 'needs_attention') {
      r = await c.typist.post(`/api/counts/${m.code}/submit`, { form, acknowledged: r.json.checks.filter((x: { severity: string }) => x.severity === 'warning').map((x: { code: string }) => x.code) });
    }
    assert.equal(r.json.state, 'complete', r.text.slice(0, 400));
  });

  test('phase 3: definitief maken; the documents overview lists every file of TK2023 Amsterdam', async () => {
    docs = await chainPhase3(c);
    assert.deepEqual(
      [...docs.values()].map((d) => d.fileName),
      [
        'Telling_TK2023_kieskring_Amsterdam.eml.xml',
        'Model_O3_TK2023_kieskring_Amsterdam.pdf',
        'Model_O3_TK2023_kieskring_Amsterdam.odt',
        'Telling_TK2023_kieskring_Amsterdam.zip',
        'Telling_TK2023_kiesraad_Amsterdam.zip',
        'osv4-3_telling_tk2023_kieskring_amsterdam.csv',
      ],
    );
  });

  test('the 510c is Telling_TK2023_kieskring_Amsterdam.eml.xml but for kr:CreationDateTime (XSD-valid); the kieskring zip carries it', async () => {
    const b = docs.get('eml510c')!.bytes;
    const diff = firstDifference(WITHOUT_TIME(b), WITHOUT_TIME(c.official510c));
    assert.equal(diff, null, diff ?? '');
    assert.equal(b.length, c.official510c.length);
    assert.ok(!b.toString('utf8').includes('brief'));
    assert.deepEqual(xsdErrors(b), []);
    const z = await readTransferZip(docs.get('zip_kieskring')!.bytes);
    assert.ok(z.ok && z.value.eml.equals(b));
  });

  test('the CSV is osv4_3_telling_tk2023_kieskring_amsterdam.csv byte for byte (but for the two cells the official CSV has wrong); the export gives the same', async () => {
    const csv = docs.get('csv_osv43')!.bytes;
    const expected = officialCsvAsIn510c(SET!.csvFile!, c.officialCsv!);
    assert.ok(csv.equals(expected), firstDifference(csv.toString('utf8'), expected.toString('utf8')) ?? '');
    const rows = parseOsv43(csv);
    assert.deepEqual(rows[3], ['Nummer', null, 'HSB9']);
    const e = await c.reader.get('/api/results/osv43.csv');
    assert.equal(e.status, 200);
    assert.ok(e.bytes.equals(csv));
  });

  test('the PV O 3 shows the explanations K..O and no postal reasons', async () => {
    const content = (await unzip(docs.get('o3_odt')!.bytes)).find(([n]) => n === 'content.xml')![1].toString('utf8');
    assert.match(content, /Andere verklaring/);
    assert.match(content, /Kiezers met een stembiljet hebben niet gestemd/);
    assert.ok(!/briefstembiljetten|Kwijtgeraakte/i.test(content));
    assert.match(content, /Amsterdam/);
  });
});
