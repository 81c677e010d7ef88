/**
 * Issue 8, defect 4: the count-file import checks the whole file. A signed 510b whose polling stations
 * do not add up to its municipality total (one vote moved between two candidates of one station, then
 * signed again) is refused, by the fast pass and by the general (saxes) path alike, with a Dutch message
 * naming the station and the field; so is a polling station of another municipality. Over the real
 * server too: nothing is stored.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { signDetached } from '../../src/crypto/cms.ts';
import { emptyCounts, type VoteCounts } from '../../src/domain/counts.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { runImportInWorker, runImportWork, type ImportWorkInput } from '../../src/server/countImport.ts';
import { transferEmlName, transferZipName, writeTransferZip } from '../../src/transfer/zip.ts';
import {
  build510b,
  buildSignedCountZip,
  municipalityCertificate,
  municipalityTotals,
  preparePhase2,
  testKeyPair,
  uploadCountZip,
  type Phase2Setup,
} from '../support/counts.ts';
import { eml } from '../support/paths.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const FILE = eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml');

/** The import input for these EML bytes, signed with a test key trusted for the file's municipality. */
async function inputFor(bytes: Buffer): Promise<ImportWorkInput> {
  const read = await readEml510(readFileSync(FILE));
  assert.ok(read.ok);
  const { header, total } = read.value;
  const key = await testKeyPair();
  const cert = municipalityCertificate(header.authorityId, header.authorityName, key);
  const emlName = transferEmlName('TK2025', 'gemeente', header.authorityName);
  return {
    zip: await writeTransferZip([
      { name: emlName, data: bytes },
      { name: `${emlName}.signature`, data: signDetached(bytes, key.privateKeyPem, cert) },
    ]),
    fileName: transferZipName('TK2025', 'gemeente', header.authorityName),
    election: { id: 'TK2025', category: 'TK', date: '2025-10-29', name: 'Tweede Kamer 2025' },
    kieskring: { number: Number(header.contest.id), name: header.contest.name ?? '' },
    municipalities: [{ code: header.authorityId, name: header.authorityName }],
    keys: { [header.authorityId]: { pem: cert, subject: 'test', fingerprint: 'test' } },
    lists: total!.lists.map((l) => ({ listNumber: l.listNumber, positions: l.candidates.map((c) => c.position) })),
    maxEmlBytes: 64 * 1024 * 1024,
  };
}

/** Replace the ValidVotes of candidate `id` in the text from `from` on; returns the new text. */
function setCandidate(text: string, from: number, id: number, delta: number): string {
  const marker = `<CandidateIdentifier Id="${id}"></CandidateIdentifier></Candidate><ValidVotes>`;
  const at = text.indexOf(marker, from) + marker.length;
  const end = text.indexOf('<', at);
  return `${text.slice(0, at)}${Number(text.slice(at, end)) + delta}${text.slice(end)}`;
}

/** Every read path: the fast pass (canonical bytes), the general path in a worker and in this thread (not canonical). */
async function everyPath(bytes: Buffer) {
  const written = Buffer.concat([Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n'), bytes, Buffer.from('\n')]);
  return [
    await runImportInWorker(await inputFor(bytes), () => {}),
    await runImportInWorker(await inputFor(written), () => {}),
    await runImportWork(await inputFor(written), () => {}),
  ];
}

test('a real 510b with one vote moved between two candidates of one polling station: refused by the fast pass and the general path', async () => {
  const text = readFileSync(FILE, 'utf8');
  const station = text.indexOf('<ReportingUnitVotes>');
  // Candidate 1 of list 1 loses a vote at polling station 1, candidate 2 gains it: that station's
  // list total and every per-block sum still hold; only the whole file shows it.
  const moved = Buffer.from(setCandidate(setCandidate(text, station, 1, -1), station, 2, +1));
  for (const r of await everyPath(moved)) {
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.ok(!r.ok);
    assert.equal(r.code, 'import.station_sums', r.message);
    assert.match(r.message, /stembureaus tellen niet op tot het totaal van gemeente West Maas en Waal/);
    assert.match(r.message, /kandidaat 1 van lijst 1 is in het totaal \d+, maar de stembureaus samen hebben \d+/);
    assert.match(r.message, /Stembureau Gemeentehuis \(postcode: 6658 AG\): 541/);
  }
  // The unchanged file imports on every path (the check does not refuse real files).
  for (const r of await everyPath(Buffer.from(text))) assert.equal(r.ok, true, JSON.stringify(r));
});

test('a polling station of another municipality in the file: refused naming the station', async () => {
  const text = readFileSync(FILE, 'utf8');
  const other = Buffer.from(text.replace('<ReportingUnitIdentifier Id="0668::SB2">', '<ReportingUnitIdentifier Id="0050::SB2">'));
  for (const r of await everyPath(other)) {
    assert.ok(!r.ok, JSON.stringify(r));
    assert.equal(r.code, 'import.other_unit', r.message);
    assert.match(r.message, /Stembureau Herberg de Linden.*\(0050::SB2\) hoort niet bij gemeente West Maas en Waal \(0668\)/);
  }
});

describe('over the real server (kieskring Lelystad)', () => {
  let server: TestServer;
  let s: Phase2Setup;
  before(async () => {
    server = await startTestServer();
    s = await preparePhase2(server, { keysFor: ['0034'] });
  });
  after(() => server.close());

  test('a signed 510b of Almere whose two polling stations do not add up to its total is refused; nothing is stored', async () => {
    const total = (await municipalityTotals('0034')).counts;
    const l1 = total.lists[0]!;
    // Station 1 holds every vote, station 2 none: they add up. Then station 1 moves a vote from
    // candidate 1 to candidate 2 of list 1 (its own sums still hold) and the file is signed again.
    const moved: VoteCounts = {
      ...total,
      lists: total.lists.map((l, i) =>
        i !== 0
          ? l
          : {
              ...l,
              candidates: l.candidates.map((c) => (c.position === 1 ? { ...c, votes: c.votes - 1 } : c.position === 2 ? { ...c, votes: c.votes + 1 } : c)),
            },
      ),
    };
    assert.ok(l1.candidates[0]!.votes > 0);
    const zero = { ...emptyCounts(total.lists.map((l) => ({ listNumber: l.listNumber, candidates: l.candidates })), total.uncounted.map((u) => u.reason)), cast: 0 };
    const key = await testKeyPair();
    const cert = municipalityCertificate('0034', 'Almere', key);
    const good = await build510b('0034', {
      pollingStations: [
        { number: 1, name: 'Stembureau Stadhuis', postcode: '1315 HR', counts: { ...total, cast: 0 } },
        { number: 2, name: 'Stembureau Bibliotheek', postcode: '1315 AB', counts: zero },
      ],
    });
    const bad = await build510b('0034', {
      pollingStations: [
        { number: 1, name: 'Stembureau Stadhuis', postcode: '1315 HR', counts: { ...moved, cast: 0 } },
        { number: 2, name: 'Stembureau Bibliotheek', postcode: '1315 AB', counts: zero },
      ],
    });
    const refused = await uploadCountZip(s.leader, (await buildSignedCountZip({ code: '0034', key, cert, eml: bad })).zip, 'Telling_TK2021_gemeente_Almere.zip');
    assert.equal(refused.json.stage, 'failed', refused.text);
    assert.equal(refused.json.error.code, 'import.station_sums');
    assert.match(refused.json.error.message, /kandidaat 1 van lijst 1 is in het totaal \d+, maar de stembureaus samen hebben \d+ \(Stembureau Stadhuis \(postcode: 1315 HR\): \d+; Stembureau Bibliotheek \(postcode: 1315 AB\): 0\)/);
    assert.equal((await s.leader.get('/api/counts/0034')).json.state, 'empty');
    // The same stations adding up import fine.
    const ok = await uploadCountZip(s.leader, (await buildSignedCountZip({ code: '0034', key, cert, eml: good })).zip, 'Telling_TK2021_gemeente_Almere.zip');
    assert.equal(ok.json.stage, 'ready', ok.text);
  });
});
