/**
 * The count-file import (src/server/countImport.ts) with its fast pass: a real 510b in canonical form is
 * read by the fast pass (main thread); the same content written otherwise, or with a problem, goes
 * through the general path (worker) — with the same hash and totals, or the same refusal, as the
 * general path gives in one thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { signDetached } from '../../src/crypto/cms.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { runImportInWorker, runImportWork, type ImportStage, type ImportWorkInput } from '../../src/server/countImport.ts';
import { transferEmlName, transferZipName, writeTransferZip } from '../../src/transfer/zip.ts';
import { municipalityCertificate, testKeyPair } from '../support/counts.ts';
import { eml } from '../support/paths.ts';

const FILE = eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml');

async function setup(): Promise<{ input: (bytes: Buffer) => Promise<ImportWorkInput>; original: Buffer }> {
  const original = readFileSync(FILE);
  const read = await readEml510(original);
  assert.ok(read.ok);
  const { header, total } = read.value;
  const code = header.authorityId;
  const name = header.authorityName;
  const key = await testKeyPair();
  const cert = municipalityCertificate(code, name, key);
  const input = async (bytes: Buffer): Promise<ImportWorkInput> => {
    const emlName = transferEmlName('TK2025', 'gemeente', name);
    const zip = await writeTransferZip([
      { name: emlName, data: bytes },
      { name: `${emlName}.signature`, data: signDetached(bytes, key.privateKeyPem, cert) },
    ]);
    return {
      zip,
      fileName: transferZipName('TK2025', 'gemeente', name),
      election: { id: 'TK2025', category: 'TK', date: '2025-10-29', name: 'Tweede Kamer 2025' },
      kieskring: { number: Number(header.contest.id), name: header.contest.name ?? '' },
      municipalities: [{ code, name }],
      keys: { [code]: { pem: cert, subject: 'test', fingerprint: 'test' } },
      lists: total!.lists.map((l) => ({ listNumber: l.listNumber, positions: l.candidates.map((c) => c.position) })),
      maxEmlBytes: 64 * 1024 * 1024,
    };
  };
  return { input, original };
}

test('a real 510b imports by the fast pass; the same content written otherwise imports by the general path with the same hash and totals', async () => {
  const { input, original } = await setup();
  const stages: ImportStage[] = [];
  const fast = await runImportInWorker(await input(original), (s) => stages.push(s));
  assert.ok(fast.ok, JSON.stringify(fast));
  assert.ok(stages.includes('reading'));
  assert.equal(fast.value.units, 11);

  // An XML declaration and a final newline: not canonical, same canonical form, same hash.
  const written = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n'), original, Buffer.from('\n')]);
  const general = await runImportInWorker(await input(written), () => {});
  assert.ok(general.ok, JSON.stringify(general));
  assert.equal(general.value.hashHex, fast.value.hashHex);
  assert.deepEqual(general.value.total, fast.value.total);
  assert.equal(general.value.units, fast.value.units);
  assert.deepEqual(general, await runImportWork(await input(written), () => {}));
});

test('a signed 510b with a bad number or bad sums: the same refusal from the fast pass and the general path', async () => {
  const { input, original } = await setup();
  const text = original.toString('utf8');
  const firstUnit = text.indexOf('<ReportingUnitVotes>');
  const at = text.indexOf('<ValidVotes>', firstUnit);
  const badNumber = Buffer.from(`${text.slice(0, at)}<ValidVotes>1x${text.slice(at + '<ValidVotes>'.length + 1)}`);
  const m = /<ValidVotes>(\d+)</.exec(text.slice(at))!;
  const badSum = Buffer.from(`${text.slice(0, at)}<ValidVotes>${Number(m[1]) + 1}${text.slice(at + '<ValidVotes>'.length + m[1]!.length)}`);
  for (const [bytes, code] of [
    [badNumber, 'eml_getal'],
    [badSum, 'import.sums'],
  ] as const) {
    const r = await runImportInWorker(await input(bytes), () => {});
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, code, JSON.stringify(r));
    assert.deepEqual(r, await runImportWork(await input(bytes), () => {}));
  }
});
