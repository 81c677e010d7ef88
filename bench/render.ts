/**
 * Render benchmark (issue 4): the HSB's phase 3 files for the largest kieskring available in
 * ../shared (Zwolle: 25 municipalities), with the municipality blocks of the official file as the
 * final counts, and then for a synthetic kieskring at the size (40 municipalities with
 * Zwolle's 32 lists and 1,067 candidates, seeded consistent numbers; `--small`: 3 municipalities): 510c, PV O 3 (model, PDF via Typst, ODT), CSV, signature and both zips, each timed,
 * plus the whole `renderDocuments` as the server runs it (in this thread; the server uses a worker).
 *
 * Speed is reported against references measured in the same process on the same data: SHA-256 of
 * all produced bytes, and JSON.stringify of the O 3 model. Never pass/fail on seconds.
 *
 *   npx tsx bench/render.ts            # or: npm run bench -- render
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSelfSignedCertificate, municipalitySubject } from '../src/crypto/certificate.ts';
import { signDetached } from '../src/crypto/cms.ts';
import { generateRsaKeyPair } from '../src/crypto/keys.ts';
import { readCandidateLists } from '../src/eml/eml230b.ts';
import { readEml510 } from '../src/eml/eml510read.ts';
import { writeEml510c, type MunicipalityCounts } from '../src/eml/eml510write.ts';
import { sumCounts } from '../src/domain/counts.ts';
import type { CandidateLists } from '../src/domain/election.ts';
import { benchLists, seededRandom, stationCounts } from './synthetic.ts';
import { sha256Hex } from '../src/eml/hash.ts';
import { osv43CsvHsb } from '../src/reports/csv.ts';
import { buildO3Model } from '../src/reports/o3/model.ts';
import { o3Odt } from '../src/reports/o3/odt.ts';
import { o3Pdf } from '../src/reports/o3/pdf.ts';
import { localDateTime, renderDocuments, renderInWorker, startRenderWorker, type RenderInput } from '../src/server/documents.ts';
import { readElectionDefinition } from '../src/eml/eml110a.ts';
import { writeTransferZip } from '../src/transfer/zip.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SHARED = process.env.UITSLAG_SHARED ?? path.resolve(HERE, '..', '..', 'shared');

interface Row {
  readonly bench: 'render';
  readonly metric: string;
  readonly value: string;
  readonly note?: string;
}

const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)) + ' ms';
const ratio = (x: number) => x.toFixed(1) + 'x';

function time<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

async function timeAsync<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

/**
 * A synthetic kieskring at the size (the largest kieskring: ~40 municipalities, ~30 lists,
 * ~1,100 candidates): the real lists of Zwolle (32 lists, 1,067 candidates) and `municipalities`
 * consistent municipality totals, each the sum of a few synthetic polling stations (seeded).
 */
export function syntheticKieskring(municipalities: number, seed = 1): { lists: CandidateLists; municipalities: MunicipalityCounts[] } {
  const lists = benchLists();
  const rnd = seededRandom(seed);
  const out: MunicipalityCounts[] = [];
  for (let i = 1; i <= municipalities; i++) {
    const stations = 3 + Math.floor(rnd() * 20);
    const total = sumCounts(Array.from({ length: stations }, () => stationCounts(lists, rnd)));
    out.push({ code: String(i).padStart(4, '0'), name: `Gemeente ${String(i).padStart(2, '0')}`, counts: total });
  }
  return { lists, municipalities: out };
}

/**
 * Time the phase 3 files for a kieskring; returns the figures (also printed to stdout).
 * `synthetic`: the synthetic kieskring of that many municipalities instead of an official file.
 */
export async function benchRender(opts: { small?: boolean; kieskring?: string; synthetic?: number } = {}): Promise<Row[]> {
  if (opts.synthetic !== undefined || opts.kieskring !== undefined) return benchOne(opts);
  // An official kieskring, then the size: ~40 municipalities, ~30 lists, ~1,100 candidates,
  // then the whole country.
  const real = await benchOne(opts);
  const synthetic = await benchOne({ synthetic: opts.small ? 3 : 40 });
  const country = await benchCountry(opts.small === true);
  return [...real, ...synthetic, ...country];
}

/** The number of municipalities of each kieskring of TK2021 (the election definition), in kieskring order. */
function municipalitiesPerKieskring(): number[] {
  const def = readElectionDefinition(readFileSync(path.join(SHARED, 'eml', 'tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml')));
  if (!def.ok) throw new Error(def.message);
  const per = new Map<number, number>();
  for (const r of def.value.regions) {
    if (r.category === 'GEMEENTE' && r.superiorCategory === 'KIESKRING' && r.superiorNumber !== null && r.superiorNumber !== undefined) {
      per.set(r.superiorNumber, (per.get(r.superiorNumber) ?? 0) + 1);
    }
  }
  return [...per.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
}

/**
 * Scale (issue 13): the whole country, as synthetic data (Zwolle's 32 lists and 1,067 candidates for
 * every kieskring, seeded consistent counts): every kieskring's phase 3 files rendered as the server
 * renders them (the PV's PDF in the render worker, the rest in this thread), the aggregation of all
 * municipalities per kieskring and nationally, and one O 3 PDF holding all municipalities next to one
 * of 40, with the cost per municipality, so linear growth shows.
 */
async function benchCountry(small: boolean): Promise<Row[]> {
  const R = 'render';
  const sizes = small ? [2, 3, 1] : municipalitiesPerKieskring();
  const total = sizes.reduce((a, b) => a + b, 0);
  process.stderr.write(`[bench] render: the whole country, ${sizes.length} kieskringen, ${total} municipalities\n`);
  const kieskringen = sizes.map((n, i) => syntheticKieskring(n, 100 + i));
  const key = await (keyCache ?? (keyCache = generateRsaKeyPair()));
  const certificatePem = createSelfSignedCertificate({
    privateKeyPem: key.privateKeyPem,
    publicKeyPem: key.publicKeyPem,
    subject: municipalitySubject({ electionId: 'TK2021', code: '0001', name: 'Bench', program: 'uitslag bench' }),
    notBefore: new Date('2021-02-01T00:00:00Z'),
    notAfter: new Date('2021-06-17T23:59:59Z'),
    serial: Buffer.from([1, 2, 3]),
  });
  const inputOf = (k: { lists: CandidateLists; municipalities: MunicipalityCounts[] }, createdAt: string): RenderInput => ({
    election: { id: 'TK2021', name: k.lists.electionName, category: 'TK', subcategory: 'TK', date: k.lists.electionDate },
    // Every synthetic kieskring carries Zwolle's lists, so it is kieskring 4 to the writers.
    kieskring: { number: Number(k.lists.contestId), name: k.lists.contestName },
    candidateLists: k.lists,
    municipalities: k.municipalities,
    pv: { session: { place: 'Provinciehuis', date: '19 maart 2021', time: '10:00 uur' }, members: [{ name: 'mr. J. de Vries', role: 'voorzitter' }], objections: null, remarks: null },
    createdAt,
    key: { privateKeyPem: key.privateKeyPem, certificatePem },
  });
  // The render worker started and warm, as at server start (not timed).
  startRenderWorker();
  const warm = await renderInWorker('final', inputOf(syntheticKieskring(2, 99), '2021-03-18T10:00:00.000Z'), () => {});
  if (!warm.ok) throw new Error(warm.message);

  // Aggregation: every municipality into its kieskring, the kieskringen into the country.
  const agg = time(() => {
    const perKieskring = kieskringen.map((k) => sumCounts(k.municipalities.map((m) => m.counts)));
    return sumCounts(perKieskring);
  });
  // The files of every kieskring, one after the other (as 20 HSBs would, each on its own laptop).
  const perKieskring: number[] = [];
  const all = await timeAsync(async () => {
    for (const [i, k] of kieskringen.entries()) {
      const r = await timeAsync(() => renderInWorker('final', inputOf(k, `2021-03-19T1${i % 10}:00:00.000Z`), () => {}));
      if (!r.value.ok) throw new Error(`kieskring ${i + 1}: ${r.value.message}`);
      perKieskring.push(r.ms);
    }
  });
  // One O 3 of all municipalities against one of 40 (same lists): the cost per municipality.
  const oneOf = (n: number, seed: number) => {
    const k = syntheticKieskring(n, seed);
    const l = k.lists;
    const m = buildO3Model({
      election: { id: 'TK2021', name: l.electionName, date: l.electionDate },
      kieskring: { number: 1, name: 'Nederland' },
      candidateLists: l,
      municipalities: k.municipalities,
      session: { place: 'x', date: 'y', time: 'z' },
      members: [{ name: 'mr. J. de Vries', role: 'voorzitter' }],
      objections: null,
      emlHash: '0'.repeat(64),
      createdAt: `2021-03-19T10:${String(seed % 60).padStart(2, '0')}:00.000`,
    });
    if (!m.ok) throw new Error(m.message);
    const pdf = time(() => o3Pdf(m.value));
    if (!pdf.value.ok) throw new Error(pdf.value.message);
    return pdf.ms;
  };
  const small40 = small ? 3 : 40;
  const mid = Math.round((small40 + total) / 2);
  const pdf40 = oneOf(small40, 7);
  const pdfMid = oneOf(mid, 9);
  const pdfAll = oneOf(total, 8);
  const marginal1 = (pdfMid - pdf40) / (mid - small40);
  const marginal2 = (pdfAll - pdfMid) / (total - mid);
  const perMuni = (x: number, n: number) => `${ms(x / n)} per municipality`;
  const rows: Row[] = [
    { bench: R, metric: 'country', value: `${sizes.length} kieskringen`, note: `${total} municipalities (${Math.min(...sizes)}-${Math.max(...sizes)} per kieskring), 32 lists, 1,067 candidates each; synthetic counts` },
    { bench: R, metric: 'country: aggregation', value: ms(agg.ms), note: `${((agg.ms * 1000) / total).toFixed(0)} µs per municipality` },
    {
      bench: R,
      metric: 'country: files of every kieskring',
      value: ms(all.ms),
      note: `${perMuni(all.ms, total)}; per kieskring ${ms(Math.min(...perKieskring))}-${ms(Math.max(...perKieskring))} (PDF in the render worker, the rest beside it)`,
    },
    { bench: R, metric: `one O 3 PDF of ${small40} municipalities`, value: ms(pdf40), note: perMuni(pdf40, small40) },
    { bench: R, metric: `one O 3 PDF of ${mid} municipalities`, value: ms(pdfMid), note: `${perMuni(pdfMid, mid)}; each one from ${small40} to ${mid}: ${ms(marginal1)}` },
    {
      bench: R,
      metric: `one O 3 PDF of ${total} municipalities`,
      value: ms(pdfAll),
      note: `${perMuni(pdfAll, total)}; each one from ${mid} to ${total}: ${ms(marginal2)} (${ratio(marginal2 / marginal1)} of the step before: linear when near 1)`,
    },
  ];
  for (const r of rows) process.stdout.write(`${r.metric.padEnd(40)} ${r.value.padStart(10)}  ${r.note ?? ''}\n`);
  return rows;
}

let keyCache: Promise<{ privateKeyPem: string; publicKeyPem: string }> | null = null;

async function benchOne(opts: { small?: boolean; kieskring?: string; synthetic?: number }): Promise<Row[]> {
  let name: string;
  let l: CandidateLists;
  let municipalities: MunicipalityCounts[];
  if (opts.synthetic !== undefined) {
    const k = syntheticKieskring(opts.synthetic);
    name = `synthetisch (${opts.synthetic} gemeenten)`;
    l = k.lists;
    municipalities = k.municipalities;
  } else {
    name = opts.kieskring ?? (opts.small ? 'Lelystad' : 'Zwolle');
    const dir = path.join(SHARED, 'eml', 'tk2021');
    const lists = readCandidateLists(readFileSync(path.join(dir, `Kandidatenlijsten_TK2021_${name}.eml.xml`)));
    if (!lists.ok) throw new Error(lists.message);
    const official = await readEml510(readFileSync(path.join(dir, `Telling_TK2021_kieskring_${name}.eml.xml`)));
    if (!official.ok) throw new Error(official.message);
    l = lists.value;
    municipalities = official.value.units.map((u) => ({ code: u.id.split('::')[1]!, name: u.name, counts: u.counts }));
  }
  if (!keyCache) {
    process.stderr.write(`[bench] render: generating an RSA-4096 key (not timed)\n`);
    keyCache = generateRsaKeyPair();
  }
  const key = await keyCache;
  const certificatePem = createSelfSignedCertificate({
    privateKeyPem: key.privateKeyPem,
    publicKeyPem: key.publicKeyPem,
    subject: municipalitySubject({ electionId: 'TK2021', code: '0001', name: 'Bench', program: 'uitslag bench' }),
    notBefore: new Date('2021-02-01T00:00:00Z'),
    notAfter: new Date('2021-06-17T23:59:59Z'),
    serial: Buffer.from([1, 2, 3]),
  });
  const created = new Date('2021-03-19T14:11:10.150Z');
  const input: RenderInput = {
    election: { id: 'TK2021', name: l.electionName, category: 'TK', subcategory: 'TK', date: l.electionDate },
    kieskring: { number: Number(l.contestId), name: l.contestName },
    candidateLists: l,
    municipalities,
    pv: {
      session: { place: `${l.contestName}, provinciehuis`, date: '19 maart 2021', time: '10:00 uur' },
      members: [{ name: 'mr. J. de Vries', role: 'voorzitter' }],
      objections: null,
      remarks: null,
    },
    createdAt: created.toISOString(),
    key: { privateKeyPem: key.privateKeyPem, certificatePem },
  };

  // Warm-up (Typst WASM instantiation, JIT) with another creation time, so the timed runs below
  // do not reuse a memoized layout of identical input.
  const warm = await timeAsync(() => renderDocuments({ ...input, createdAt: new Date(created.getTime() - 86_400_000).toISOString() }));
  if (!warm.value.ok) throw new Error(warm.value.message);

  const eml = time(() => writeEml510c({ ...input, creationDateTime: localDateTime(created) }));
  if (!eml.value.ok) throw new Error(eml.value.message);
  const emlHash = sha256Hex(eml.value.value);
  const model = time(() =>
    buildO3Model({
      election: { id: 'TK2021', name: l.electionName, date: l.electionDate },
      kieskring: input.kieskring,
      candidateLists: l,
      municipalities,
      session: input.pv.session,
      members: input.pv.members,
      objections: null,
      emlHash,
      createdAt: localDateTime(created),
    }),
  );
  if (!model.value.ok) throw new Error(model.value.message);
  const m = model.value.value;
  const pdf = time(() => o3Pdf(m));
  if (!pdf.value.ok) throw new Error(pdf.value.message);
  const odt = await timeAsync(() => o3Odt(m));
  const csv = time(() => osv43CsvHsb({ electionName: l.electionName, electionDate: l.electionDate, kieskring: input.kieskring, candidateLists: l, municipalities }));
  const sig = time(() => signDetached(eml.value.ok ? eml.value.value : Buffer.alloc(0), key.privateKeyPem, certificatePem));
  const zips = await timeAsync(async () => {
    const e = eml.value.ok ? eml.value.value : Buffer.alloc(0);
    const a = await writeTransferZip([{ name: 'a.eml.xml', data: e }, { name: 'a.eml.xml.signature', data: sig.value }], { mtime: created });
    const b = await writeTransferZip(
      [
        { name: 'a.eml.xml', data: e },
        { name: 'a.eml.xml.signature', data: sig.value },
        { name: 'o3.pdf', data: pdf.value.ok ? pdf.value.value : Buffer.alloc(0) },
        { name: 'o.csv', data: csv.value },
      ],
      { mtime: created },
    );
    return a.length + b.length;
  });
  const whole = await timeAsync(() => renderDocuments({ ...input, createdAt: new Date(created.getTime() + 60_000).toISOString() }));
  if (!whole.value.ok) throw new Error(whole.value.message);
  const files = whole.value.value;
  const totalBytes = files.reduce((s, f) => s + f.bytes.length, 0);

  // References on the same data, same process.
  const sha = time(() => {
    for (const f of files) createHash('sha256').update(f.bytes).digest('hex');
  });
  const json = time(() => JSON.stringify(m).length);
  const stages = eml.ms + model.ms + pdf.ms + odt.ms + csv.ms + sig.ms + zips.ms;

  const candidates = l.affiliations.reduce((s, a) => s + a.candidates.length, 0);
  const rows: Row[] = [
    { bench: 'render', metric: 'kieskring', value: name, note: `${municipalities.length} municipalities, ${l.affiliations.length} lists, ${candidates} candidates` },
    { bench: 'render', metric: '510c', value: ms(eml.ms), note: `${eml.value.ok ? eml.value.value.length : 0} bytes` },
    { bench: 'render', metric: 'O 3 model', value: ms(model.ms) },
    { bench: 'render', metric: 'O 3 PDF (Typst)', value: ms(pdf.ms), note: `${pdf.value.ok ? pdf.value.value.length : 0} bytes` },
    { bench: 'render', metric: 'O 3 ODT', value: ms(odt.ms), note: `${odt.value.length} bytes` },
    { bench: 'render', metric: 'CSV', value: ms(csv.ms), note: `${csv.value.length} bytes` },
    { bench: 'render', metric: 'signature (RSA-4096)', value: ms(sig.ms) },
    { bench: 'render', metric: 'zips (2)', value: ms(zips.ms), note: `${zips.value} bytes` },
    { bench: 'render', metric: 'sum of stages', value: ms(stages), note: '510c + model + PDF + ODT + CSV + signature + zips' },
    { bench: 'render', metric: 'renderDocuments (all 6 files)', value: ms(whole.ms), note: `first run incl. warm-up ${ms(warm.ms)}; ${totalBytes} bytes` },
    { bench: 'render', metric: 'reference: SHA-256 of the 6 files', value: ms(sha.ms), note: `renderDocuments = ${ratio(whole.ms / Math.max(sha.ms, 0.001))} of it` },
    { bench: 'render', metric: 'reference: JSON.stringify(O 3 model)', value: ms(json.ms), note: `PDF = ${ratio(pdf.ms / Math.max(json.ms, 0.001))} of it` },
  ];
  for (const r of rows) process.stdout.write(`${r.metric.padEnd(40)} ${r.value.padStart(10)}  ${r.note ?? ''}\n`);
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await benchRender({ small: process.argv.includes('--small') });
}
