/**
 * Issue 13: the count-file import streams in a persistent worker (inflate → SHA-256 and the canonical
 * scanner chunk by chunk; src/server/countImport.ts streamImportWork). Every outcome equals the general
 * path's in memory (runImportWork) — success, the signature of a file changed after signing, each header
 * refusal, a truncated file, a zip damaged in the middle of its EML — and a file that fails mid-stream
 * leaves nothing behind: over the real server nothing is stored, the refused job cannot be confirmed,
 * and the same worker imports the next file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { signDetached } from '../../src/crypto/cms.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { runImportInWorker, runImportWork, type ImportWorkInput } from '../../src/server/countImport.ts';
import { transferEmlName, transferZipName, writeTransferZip } from '../../src/transfer/zip.ts';
import { build510b, buildSignedCountZip, municipalityCertificate, preparePhase2, testKeyPair, typedGroups, uploadCountZip, type Phase2Setup } from '../support/counts.ts';
import { eml } from '../support/paths.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const FILE = eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml');

/** The import input for `bytes`, signed (unless `signed` gives other bytes to sign) with a key trusted for West Maas en Waal. */
async function inputFor(bytes: Buffer, opts: { signed?: Buffer; keys?: boolean; fileName?: string } = {}): Promise<ImportWorkInput> {
  const read = await readEml510(readFileSync(FILE));
  assert.ok(read.ok);
  const { header, total } = read.value;
  assert.ok(total !== null);
  const key = await testKeyPair();
  const cert = municipalityCertificate(header.authorityId, header.authorityName, key);
  const emlName = transferEmlName('TK2025', 'gemeente', header.authorityName);
  return {
    zip: await writeTransferZip([
      { name: emlName, data: bytes },
      { name: `${emlName}.signature`, data: signDetached(opts.signed ?? bytes, key.privateKeyPem, cert) },
    ]),
    fileName: opts.fileName ?? transferZipName('TK2025', 'gemeente', header.authorityName),
    election: { id: 'TK2025', category: 'TK', date: '2025-10-29', name: 'Tweede Kamer 2025' },
    kieskring: { number: Number(header.contest.id), name: header.contest.name ?? '' },
    municipalities: [{ code: header.authorityId, name: header.authorityName }],
    keys: opts.keys === false ? {} : { [header.authorityId]: { pem: cert, subject: 'test', fingerprint: 'test' } },
    lists: total.lists.map((l) => ({ listNumber: l.listNumber, positions: l.candidates.map((c) => c.position) })),
    maxEmlBytes: 64 * 1024 * 1024,
  };
}

/** The zip with bytes in the middle of the first entry's compressed data overwritten (the central directory intact). */
function damageFirstEntry(zip: Uint8Array): Buffer {
  const b = Buffer.from(zip);
  assert.equal(b.readUInt32LE(0), 0x04034b50);
  const compressed = b.readUInt32LE(18);
  const start = 30 + b.readUInt16LE(26) + b.readUInt16LE(28);
  b.fill(0xff, start + Math.floor(compressed / 2), start + Math.floor(compressed / 2) + 64);
  return b;
}

test('the streaming worker gives exactly the general path\'s outcome: a good file, a changed one, every header refusal, a truncated file, a damaged zip', async () => {
  const original = readFileSync(FILE);
  const text = original.toString('utf8');
  const digit = text.indexOf('<ValidVotes>', text.indexOf('<ReportingUnitVotes>')) + '<ValidVotes>'.length;
  const changed = Buffer.from(original);
  changed[digit] = changed[digit] === 0x31 ? 0x32 : 0x31;
  const cases: [string, ImportWorkInput, string | null][] = [
    ['unchanged', await inputFor(original), null],
    ['changed after signing', await inputFor(changed, { signed: original }), 'signature'],
    ['another election', await inputFor(Buffer.from(text.replace('<ElectionIdentifier Id="TK2025">', '<ElectionIdentifier Id="TK2023">'))), 'import.other_election'],
    ['another kieskring', await inputFor(Buffer.from(text.replace(/<ContestIdentifier Id="(\d+)">/, (_, id: string) => `<ContestIdentifier Id="${Number(id) + 1}">`))), 'import.other_kieskring'],
    ['a 510c', await inputFor(Buffer.from(text.replace('Id="510b"', 'Id="510c"'))), 'import.kind'],
    ['no key', await inputFor(original, { keys: false }), 'import.key_missing'],
    ['zip named after another municipality', await inputFor(original, { fileName: 'Telling_TK2025_gemeente_Almere.zip' }), 'import.name_mismatch'],
    ['truncated', await inputFor(original.subarray(0, original.length - 200)), 'xml'],
  ];
  const good = await inputFor(original);
  cases.push(['zip damaged in the middle of the EML', { ...good, zip: damageFirstEntry(good.zip) }, 'zip']);
  for (const [label, input, expected] of cases) {
    const streamed = await runImportInWorker(input, () => {});
    assert.deepEqual(streamed, await runImportWork(input, () => {}), label);
    if (expected === null) assert.equal(streamed.ok, true, `${label}: ${JSON.stringify(streamed)}`);
    else {
      assert.equal(streamed.ok, false, label);
      assert.ok(!streamed.ok && (streamed.code.startsWith(expected) || expected === 'signature'), `${label}: ${JSON.stringify(streamed)}`);
    }
  }
  // The file changed after signing is refused for its signature, not for what it says.
  const changedInput = cases.find(([label]) => label === 'changed after signing')?.[1];
  assert.ok(changedInput);
  const changedResult = await runImportInWorker(changedInput, () => {});
  assert.ok(!changedResult.ok);
  assert.match(changedResult.message, /Het bestand is niet geïmporteerd\.$/);
  assert.doesNotMatch(changedResult.code, /^import\.(sums|station_sums)$/);
});

describe('over the real server (kieskring Lelystad): a zip that fails mid-stream', () => {
  let server: TestServer;
  let s: Phase2Setup;
  before(async () => {
    server = await startTestServer();
    s = await preparePhase2(server, { keysFor: ['0034'] });
  });
  after(() => server.close());

  test('is refused and leaves nothing behind; the worker then imports the good file', async () => {
    const key = await testKeyPair();
    const cert = municipalityCertificate('0034', 'Almere', key);
    const signed = await buildSignedCountZip({ code: '0034', key, cert, eml: await build510b('0034') });
    const refused = await uploadCountZip(s.leader, damageFirstEntry(signed.zip), 'Telling_TK2021_gemeente_Almere.zip');
    assert.equal(refused.json.stage, 'failed', refused.text);
    assert.match(refused.json.error.code, /^zip\./, refused.text);
    assert.equal((await s.leader.get('/api/counts/0034')).json.state, 'empty');
    // The refused job holds nothing to confirm.
    const confirm = await s.leader.post('/api/counts/import/confirm', { uploadId: refused.json.jobId, groups: ['0000', '0000'], acknowledged: [] });
    assert.equal(confirm.status, 409, confirm.text);
    assert.equal(confirm.json.error.code, 'import.not_ready');
    // Nothing of it in the audit log.
    const imports = async () => {
      const audit = await s.admin.get('/api/audit');
      assert.equal(audit.status, 200, audit.text);
      return JSON.stringify(audit.json).split('"counts.import"').length - 1;
    };
    assert.equal(await imports(), 0, 'no import in the audit log');
    // The same worker goes on: the undamaged zip imports (and then the audit log has it).
    const ok = await uploadCountZip(s.leader, signed.zip, 'Telling_TK2021_gemeente_Almere.zip');
    assert.equal(ok.json.stage, 'ready', ok.text);
    const preview = ok.json.preview;
    const done = await s.leader.post('/api/counts/import/confirm', {
      uploadId: preview.uploadId,
      groups: typedGroups(signed.eml, preview.hiddenGroups),
      acknowledged: preview.checks.filter((c: { severity: string }) => c.severity === 'warning').map((c: { code: string }) => c.code),
    });
    assert.equal(done.status, 200, done.text);
    assert.equal(await imports(), 1);
  });
});
