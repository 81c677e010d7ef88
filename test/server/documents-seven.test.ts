/**
 * The 510c through the server's document code for all seven official kieskring files (issue 4,
 * "Exactness"): each municipality block becomes the form the server stores for it (the block's
 * numbers with A and D made consistent, `countsToForm`; a field the block does not carry left
 * empty as a typist would; back with `formToCounts`, as `completedCounts` reads a complete unit),
 * then `renderDocuments` (what the creation job runs) makes the files. The 510c equals the
 * official file except for the value of kr:CreationDateTime, and the kieskring zip carries it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createSelfSignedCertificate, hsbSubject } from '../../src/crypto/certificate.ts';
import { countsToForm, formToCounts } from '../../src/domain/entry.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { EMPTY_PV_DETAILS, renderDocuments } from '../../src/server/documents.ts';
import { readTransferZip } from '../../src/transfer/zip.ts';
import { changeForm, testKeyPair, withAAndD } from '../support/counts.ts';
import { eml } from '../support/paths.ts';
import { firstDifference, WITHOUT_TIME } from '../support/eml.ts';

const KIESKRINGEN = ['Amsterdam', 'Assen', 'Groningen', 'Leeuwarden', 'Lelystad', 'Zwolle', 's-Gravenhage'];
for (const k of KIESKRINGEN) {
  test(`510c ${k} through the server's path (stored forms → renderDocuments) = the official file but for kr:CreationDateTime`, async () => {
    const official = readFileSync(eml('tk2021', `Telling_TK2021_kieskring_${k}.eml.xml`));
    const v = await readEml510(official);
    assert.ok(v.ok, v.ok ? '' : v.message);
    const l = readCandidateLists(readFileSync(eml('tk2021', `Kandidatenlijsten_TK2021_${k}.eml.xml`)));
    assert.ok(l.ok, l.ok ? '' : l.message);
    const lists = l.value;
    const municipalities = v.value.units.map((u) => {
      const m = /^HSB\d+::(\d{4})$/.exec(u.id);
      assert.ok(m, u.id);
      const counts = withAAndD(u.counts);
      const typed = counts.uncounted.some((x) => x.reason === 'kwijtgeraakte stembiljetten')
        ? countsToForm(counts, lists)
        : changeForm(countsToForm(counts, lists), { P1: null });
      return { code: m[1]!, name: u.name, counts: formToCounts(typed) };
    });
    const key = await testKeyPair();
    const kieskring = { number: Number(lists.contestId), name: lists.contestName };
    const certificatePem = createSelfSignedCertificate({
      privateKeyPem: key.privateKeyPem,
      publicKeyPem: key.publicKeyPem,
      subject: hsbSubject({ electionId: 'TK2021', kieskringNumber: kieskring.number, name: kieskring.name, program: 'test' }),
      notBefore: new Date('2021-02-01T00:00:00Z'),
      notAfter: new Date('2021-06-17T23:59:59Z'),
      serial: Buffer.from([2, kieskring.number]),
    });
    const r = await renderDocuments({
      election: { id: lists.electionId, name: lists.electionName, category: lists.electionCategory, subcategory: 'TK', date: lists.electionDate },
      kieskring,
      candidateLists: lists,
      municipalities,
      pv: { ...EMPTY_PV_DETAILS, session: { place: k, date: '19 maart 2021', time: '10:00 uur' }, members: [{ name: 'voorzitter', role: 'voorzitter' }] },
      createdAt: '2021-03-19T14:00:00.000Z',
      key: { privateKeyPem: key.privateKeyPem, certificatePem },
    });
    assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message} ${r.detail ?? ''}`);
    const e = r.value.find((f) => f.kind === 'eml510c')!;
    assert.equal(e.fileName, `Telling_TK2021_kieskring_${k}.eml.xml`);
    assert.match(e.bytes.toString('utf8'), /<kr:CreationDateTime>2021-03-19T15:00:00\.000<\/kr:CreationDateTime>/);
    assert.equal(firstDifference(WITHOUT_TIME(e.bytes), WITHOUT_TIME(official)), null);
    const z = await readTransferZip(r.value.find((f) => f.kind === 'zip_kieskring')!.bytes);
    assert.ok(z.ok && z.value.eml.equals(e.bytes), 'the kieskring zip carries the same 510c');
  });
}
