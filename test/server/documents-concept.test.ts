/**
 * Concept previews of both installation kinds through `renderConcept` (what the preview routes
 * run): the 510c/510b and the CSV are exactly what the final set holds (the EML but for its
 * creation time), the PV as ODT has CONCEPT in its header and no hash, every name starts with
 * "CONCEPT_". An HSB with Lelystad's lists and two municipalities, a gemeente (Dronten) with two
 * polling stations, both with seeded consistent numbers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import yauzl from 'yauzl';
import { createSelfSignedCertificate, hsbSubject } from '../../src/crypto/certificate.ts';
import { sumCounts } from '../../src/domain/counts.ts';
import { EMPTY_PV_DETAILS, renderConcept, renderDocuments, type RenderInput } from '../../src/server/documents.ts';
import { seededRandom, stationCounts } from '../../bench/synthetic.ts';
import { lelystadLists, testKeyPair, TK2021_ELECTION } from '../support/counts.ts';

const WITHOUT_TIME = (b: Buffer) => b.toString('utf8').replace(/<kr:CreationDateTime>[^<]*<\/kr:CreationDateTime>/, '');

function entries(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, z) => {
      if (err || !z) return reject(err ?? new Error('no zip'));
      const out = new Map<string, Buffer>();
      z.on('entry', (e: yauzl.Entry) =>
        z.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2 ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => {
            out.set(e.fileName, Buffer.concat(chunks));
            z.readEntry();
          });
        }),
      );
      z.on('end', () => resolve(out));
      z.readEntry();
    });
  });
}

async function inputs(): Promise<{ hsb: RenderInput; gemeente: RenderInput }> {
  const lists = lelystadLists();
  const rnd = seededRandom(3);
  const key = await testKeyPair();
  const certificatePem = createSelfSignedCertificate({
    privateKeyPem: key.privateKeyPem,
    publicKeyPem: key.publicKeyPem,
    subject: hsbSubject({ electionId: 'TK2021', kieskringNumber: 5, name: 'Lelystad', program: 'test' }),
    notBefore: new Date('2021-02-01T00:00:00Z'),
    notAfter: new Date('2021-06-17T23:59:59Z'),
    serial: Buffer.from([3]),
  });
  const base = {
    election: TK2021_ELECTION,
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: lists,
    pv: { ...EMPTY_PV_DETAILS, session: { place: 'x', date: 'y', time: 'z' }, members: [{ name: 'n', role: 'voorzitter' }] },
    createdAt: '2021-03-19T14:00:00.000Z',
    key: { privateKeyPem: key.privateKeyPem, certificatePem },
  };
  const hsb: RenderInput = {
    ...base,
    municipalities: [
      { code: '0034', name: 'Almere', counts: sumCounts([stationCounts(lists, rnd), stationCounts(lists, rnd)]) },
      { code: '0303', name: 'Dronten', counts: stationCounts(lists, rnd) },
    ],
  };
  const stations = [
    { number: 1, name: 'Gemeentehuis', postcode: '8251 GA', counts: stationCounts(lists, rnd) },
    { number: 2, name: 'Het Koetshuis', postcode: null, counts: stationCounts(lists, rnd) },
  ];
  const gemeente: RenderInput = {
    ...base,
    municipalities: [],
    gemeente: { municipality: { code: '0303', name: 'Dronten' }, eligibleVoters: 30_000, pollingStations: stations },
  };
  return { hsb, gemeente };
}

for (const kind of ['hsb', 'gemeente'] as const) {
  test(`concepts (${kind}): EML and CSV = the final files (EML but for its time), ODT marked CONCEPT without hash, names CONCEPT_`, async () => {
    const input = (await inputs())[kind];
    const final = await renderDocuments(input);
    assert.ok(final.ok, final.ok ? '' : final.message);
    const byKind = new Map(final.value.map((f) => [f.kind, f]));
    const concept = { ...input, key: null, createdAt: '2021-03-18T09:00:00.000Z' };

    const e = await renderConcept(concept, 'eml');
    assert.ok(e.ok, e.ok ? '' : e.message);
    const finalEml = byKind.get(kind === 'hsb' ? 'eml510c' : 'eml510b')!;
    assert.equal(e.value.fileName, `CONCEPT_${finalEml.fileName}`);
    assert.equal(WITHOUT_TIME(e.value.bytes), WITHOUT_TIME(finalEml.bytes));
    assert.ok(!e.value.bytes.equals(finalEml.bytes), 'its own creation time');

    const c = await renderConcept(concept, 'csv');
    assert.ok(c.ok);
    assert.equal(c.value.fileName, `CONCEPT_${byKind.get('csv_osv43')!.fileName}`);
    assert.ok(c.value.bytes.equals(byKind.get('csv_osv43')!.bytes));

    const o = await renderConcept(concept, 'odt');
    assert.ok(o.ok);
    const finalOdt = byKind.get(kind === 'hsb' ? 'o3_odt' : 'pv_odt')!;
    assert.equal(o.value.fileName, `CONCEPT_${finalOdt.fileName}`);
    const xml = [...(await entries(o.value.bytes)).entries()].filter(([n]) => n.endsWith('.xml')).map(([, b]) => b.toString('utf8')).join('\n');
    assert.match(xml, /CONCEPT/);
    assert.match(xml, /Geen hashcode: concept, niet definitief/);
    assert.ok(!/SHA-256 telbestand/.test(xml), 'no hash in a concept');
    const finalXml = [...(await entries(finalOdt.bytes)).entries()].filter(([n]) => n.endsWith('.xml')).map(([, b]) => b.toString('utf8')).join('\n');
    assert.match(finalXml, /SHA-256 telbestand \(EML 510[bc]\): [0-9A-F]{4} /, 'the final ODT does carry the hash');

    const p = await renderConcept(concept, 'pdf');
    assert.ok(p.ok);
    assert.match(p.value.fileName, /^CONCEPT_.*\.pdf$/);
  });
}
