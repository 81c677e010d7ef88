import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { eml } from '../support/paths.ts';
import { readCountFile } from '../support/eml.ts';
import { Eml510StreamReader, readEml510 } from '../../src/eml/eml510read.ts';
import { readXml } from '../../src/eml/xml.ts';
import { arithmeticProblems, normalizeCounts, sumCounts } from '../../src/domain/counts.ts';

const KIESKRINGEN = ['Amsterdam', 'Assen', 'Groningen', 'Leeuwarden', 'Lelystad', 'Zwolle', 's-Gravenhage'];
const FILES_510C = KIESKRINGEN.map((k) => eml('tk2021', `Telling_TK2021_kieskring_${k}.eml.xml`));
const AA_EN_HUNZE = eml('tk2023', 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml');
const WMW = eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml');

const read = readCountFile;

test('510c Lelystad: header, 6 municipalities, numbers', async () => {
  const v = await read(eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml'));
  assert.deepEqual(v.header, {
    kind: '510c',
    transactionId: '1',
    authorityId: 'HSB5',
    authorityName: 'Lelystad',
    issueDate: null,
    creationDateTime: '2021-03-19T15:11:10.150',
    canonicalizationMethod: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
    election: {
      id: 'TK2021',
      name: 'Tweede Kamer der Staten-Generaal 2021',
      category: 'TK',
      subcategory: 'TK',
      domain: null,
      date: '2021-03-17',
    },
    contest: { id: '5', name: 'Lelystad' },
  });
  assert.deepEqual(
    v.units.map((u) => [u.id, u.name]),
    [
      ['HSB5::0034', 'Almere'],
      ['HSB5::0050', 'Zeewolde'],
      ['HSB5::0171', 'Noordoostpolder'],
      ['HSB5::0184', 'Urk'],
      ['HSB5::0303', 'Dronten'],
      ['HSB5::0995', 'Lelystad'],
    ],
  );
  const t = v.total!;
  assert.equal(t.cast, 307056);
  assert.equal(t.totalCounted, 230595);
  assert.deepEqual(t.rejected, { ongeldig: 534, blanco: 476 });
  assert.deepEqual(t.uncounted[0], { reason: 'geldige volmachtbewijzen', count: 24808 });
  assert.equal(t.uncounted.length, 11);
  assert.deepEqual(t.lists[0]!.candidates.slice(0, 2), [
    { position: 1, votes: 41585 },
    { position: 2, votes: 1922 },
  ]);
  assert.equal(t.lists[0]!.total, 48696);
  assert.deepEqual(v.listNames[0], { listNumber: 1, name: 'VVD' });
  // last municipality, tail of the file
  const last = v.units[5]!.counts;
  assert.equal(last.cast, 57931);
  assert.deepEqual(last.lists.at(-1)!.candidates.at(-1), { position: 10, votes: 4 });
});

test('every real 510b/510c: consistent, and TotalVotes = sum of the ReportingUnitVotes', async () => {
  for (const file of [...FILES_510C, AA_EN_HUNZE, WMW]) {
    const v = await read(file);
    assert.ok(v.total, file);
    for (const block of [v.total, ...v.units.map((u) => u.counts)]) assert.deepEqual(arithmeticProblems(block), [], file);
    const sum = sumCounts(v.units.map((u) => u.counts));
    if (file === WMW) {
      // Known real-file exception: the TK2025 West Maas en Waal 510b gives Cast 0 for every polling
      // station (the municipality reports the eligible voters only in TotalVotes: 16290).
      assert.ok(v.units.every((u) => u.counts.cast === 0));
      assert.equal(v.total.cast, 16290);
      assert.deepEqual({ ...sum, cast: v.total.cast }, normalizeCounts(v.total), file);
    } else {
      assert.deepEqual(sum, normalizeCounts(v.total), file);
    }
    // the file's order is already the normal order (lists by number, candidates by position)
    assert.deepEqual(normalizeCounts(v.total), { ...v.total, uncounted: normalizeCounts(v.total).uncounted });
  }
});

test('510b headers: authority is the municipality, contest the kieskring, units are polling stations', async () => {
  const a = await read(AA_EN_HUNZE);
  assert.equal(a.header.kind, '510b');
  assert.equal(a.header.authorityId, '1680');
  assert.equal(a.header.authorityName, 'Aa en Hunze');
  assert.deepEqual(a.header.contest, { id: '3', name: 'Assen' });
  assert.equal(a.units.length, 24);
  assert.equal(a.units[0]!.id, '1680::SB1');
  assert.equal(a.units[0]!.name, 'Stembureau Gemeentehuis Gieten (postcode: 9461 BH)');
  const w = await read(WMW);
  assert.equal(w.header.authorityId, '0668');
  assert.equal(w.header.election.date, '2025-10-29');
  assert.equal(w.units.length, 11);
  assert.deepEqual(
    w.total!.uncounted.map((u) => u.reason),
    [
      'geldige stempassen',
      'geldige volmachtbewijzen',
      'geldige kiezerspassen',
      'toegelaten kiezers',
      'meer getelde stembiljetten',
      'minder getelde stembiljetten',
      'meegenomen stembiljetten',
      'te weinig uitgereikte stembiljetten',
      'te veel uitgereikte stembiljetten',
      'geen verklaring',
      'andere verklaring',
    ],
  );
});

test('streaming from a file stream in small chunks gives the same result; handlers are called in order', async () => {
  const file = eml('tk2021', 'Telling_TK2021_kieskring_Leeuwarden.eml.xml'); // contains non-ASCII characters
  const whole = await read(file);
  const streamed = await readEml510(createReadStream(file, { highWaterMark: 997 }));
  assert.ok(streamed.ok);
  assert.deepEqual(streamed.value, whole);
  const events: string[] = [];
  const r = new Eml510StreamReader({
    onHeader: (h) => events.push(`header ${h.authorityId}`),
    onTotal: () => events.push('total'),
    onUnit: (u) => events.push(u.id),
  });
  const buf = readFileSync(eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml'));
  for (let i = 0; i < buf.length; i += 4093) assert.ok(r.write(buf.subarray(i, i + 4093)).ok);
  const end = r.end();
  assert.ok(end.ok);
  assert.deepEqual(end.value.units, 6);
  assert.deepEqual(events.slice(0, 3), ['header HSB5', 'total', 'HSB5::0034']);
});

const HEAD =
  '<EML xmlns="urn:oasis:names:tc:evs:schema:eml" xmlns:kr="http://www.kiesraad.nl/extensions" Id="510c" SchemaVersion="5"><TransactionId>1</TransactionId><ManagingAuthority><AuthorityIdentifier Id="HSB5">Lelystad</AuthorityIdentifier><AuthorityAddress></AuthorityAddress></ManagingAuthority><kr:CreationDateTime>x</kr:CreationDateTime><Count><EventIdentifier></EventIdentifier><Election><ElectionIdentifier Id="TK2021"><ElectionCategory>TK</ElectionCategory><kr:ElectionDate>2021-03-17</kr:ElectionDate></ElectionIdentifier><Contests><Contest><ContestIdentifier Id="5"></ContestIdentifier>';
const TAIL = '</Contest></Contests></Election></Count></EML>';
const BLOCK = (inner: string) =>
  `<TotalVotes><Selection><AffiliationIdentifier Id="1"><RegisteredName>A</RegisteredName></AffiliationIdentifier><ValidVotes>3</ValidVotes></Selection><Selection><Candidate><CandidateIdentifier Id="1"></CandidateIdentifier></Candidate><ValidVotes>3</ValidVotes></Selection>${inner}</TotalVotes>`;
const OK_INNER = '<Cast>10</Cast><TotalCounted>3</TotalCounted><RejectedVotes ReasonCode="ongeldig">0</RejectedVotes><RejectedVotes ReasonCode="blanco">1</RejectedVotes>';

async function readString(s: string) {
  return readEml510(Buffer.from(s, 'utf8'));
}

test('a minimal hand-made 510c reads; pretty-printing whitespace is accepted', async () => {
  const r = await readString(HEAD + '\n  ' + BLOCK(OK_INNER) + '\n' + TAIL);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.value.total, {
    cast: 10,
    totalCounted: 3,
    rejected: { ongeldig: 0, blanco: 1 },
    uncounted: [],
    lists: [{ listNumber: 1, total: 3, candidates: [{ position: 1, votes: 3 }] }],
  });
});

test('malformed and unexpected input is refused with Dutch messages', async () => {
  const cases: [string, string, RegExp][] = [
    ['<!DOCTYPE EML [<!ENTITY x "y">]>' + HEAD + BLOCK(OK_INNER) + TAIL, 'eml_doctype', /DOCTYPE/],
    [HEAD + BLOCK(OK_INNER), 'eml_xml_ongeldig', /geen geldige XML/], // truncated
    [HEAD + TAIL, 'eml_structuur', /onvolledig/],
    [HEAD + BLOCK(OK_INNER) + '</Contest>', 'eml_xml_ongeldig', /geen geldige XML/],
    [HEAD.replace('Id="510c"', 'Id="230b"') + TAIL, 'eml_soort', /geen EML 510/],
    [HEAD + BLOCK(OK_INNER.replace('<Cast>10</Cast>', '<Cast>1O</Cast>')) + TAIL, 'eml_getal', /Ongeldig getal bij Cast/],
    [HEAD + BLOCK(OK_INNER.replace('<Cast>10</Cast>', '<Cast>-1</Cast>')) + TAIL, 'eml_getal', /Ongeldig getal/],
    [HEAD + BLOCK(OK_INNER.replace('<Cast>10</Cast>', '')) + TAIL, 'eml_structuur', /Onverwacht element <TotalCounted>/],
    [HEAD + BLOCK(OK_INNER.replace('<RejectedVotes ReasonCode="blanco">1</RejectedVotes>', '')) + TAIL, 'eml_structuur', /ontbreekt/],
    [HEAD + BLOCK(OK_INNER + '<Foo></Foo>') + TAIL, 'eml_structuur', /Onverwacht element <Foo> in <TotalVotes>/],
    [HEAD + BLOCK(OK_INNER).replace('<Cast>', '<Selection><ValidVotes>1</ValidVotes></Selection><Cast>') + TAIL, 'eml_structuur', /Selection zonder lijst/],
    [
      HEAD + BLOCK(OK_INNER).replace('Id="1"><RegisteredName>', 'Id="x"><RegisteredName>') + TAIL,
      'eml_getal',
      /AffiliationIdentifier/,
    ],
    [
      HEAD + BLOCK(OK_INNER).replace('<CandidateIdentifier Id="1">', '<CandidateIdentifier ShortCode="RutteM">') + TAIL,
      'eml_structuur',
      /geen volgnummer/,
    ],
    [
      HEAD + BLOCK(OK_INNER).replace('<TotalVotes>', '<ReportingUnitVotes><ReportingUnitIdentifier Id="a">A</ReportingUnitIdentifier>').replace('</TotalVotes>', '</ReportingUnitVotes>').repeat(2) + TAIL,
      'eml_structuur',
      /twee keer/,
    ],
    [HEAD.replace('urn:oasis:names:tc:evs:schema:eml', 'urn:other') + TAIL, 'eml_structuur', /Onverwacht element <EML>/],
  ];
  for (const [xml, code, msg] of cases) {
    const r = await readString(xml);
    assert.equal(r.ok, false, xml.slice(0, 80));
    if (!r.ok) {
      assert.equal(r.code, code, `${r.code} ${r.message}`);
      assert.match(r.message, msg);
    }
  }
  // invalid UTF-8
  const bad = Buffer.concat([Buffer.from(HEAD), Buffer.from([0xff, 0xfe]), Buffer.from(TAIL)]);
  const r = await readEml510(bad);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.code, 'eml_xml_ongeldig');
});

test('a ~70 MB 510 streams through with bounded memory (no DOM)', async () => {
  // Synthetic: the Zwolle kieskring file with its municipality blocks repeated to ~70 MB.
  const src = readFileSync(eml('tk2021', 'Telling_TK2021_kieskring_Zwolle.eml.xml'), 'utf8');
  const firstUnit = src.indexOf('<ReportingUnitVotes>');
  const end = src.lastIndexOf('</Contest>');
  const head = src.slice(0, firstUnit);
  const units = src.slice(firstUnit, end);
  const tail = src.slice(end);
  const copies = Math.ceil(70e6 / units.length);
  let n = 0;
  async function* gen() {
    yield Buffer.from(head);
    for (let i = 0; i < copies; i++) yield Buffer.from(units.replace(/::(\d{4})"/g, `::$1-${i}"`));
    yield Buffer.from(tail);
  }
  const reader = new Eml510StreamReader({ onUnit: () => n++ });
  const before = process.memoryUsage().heapUsed;
  let peak = 0;
  for await (const chunk of gen()) {
    assert.ok(reader.write(chunk).ok);
    peak = Math.max(peak, process.memoryUsage().heapUsed - before);
  }
  const r = reader.end();
  assert.ok(r.ok);
  assert.equal(n, 25 * copies);
  assert.ok(head.length + units.length * copies > 69e6);
  assert.ok(peak < 60e6, `heap grew by ${Math.round(peak / 1e6)} MB`);
});

test('the 510 reader refuses what the safe XML reader (xml.ts) refuses, with the same reason', async () => {
  const body = HEAD + BLOCK(OK_INNER) + TAIL;
  const cases: [string, string][] = [
    ['<!DOCTYPE EML [<!ENTITY x "y">]>' + body, 'eml_doctype'],
    ['<!DOCTYPE EML [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body, 'eml_doctype'],
    ['<!DOCTYPE EML SYSTEM "http://127.0.0.1:1/eml.dtd">' + body, 'eml_doctype'],
    [body.replace('<Cast>10</Cast>', '<Cast>&x;</Cast>'), 'eml_xml_ongeldig'],
    [body.replace('<Cast>10</Cast>', '<Cast>1&lol;</Cast>'), 'eml_xml_ongeldig'],
    ['<?xml-stylesheet href="x.xsl"?>' + body, 'eml_xml_ongeldig'],
    [body.replace('<TotalVotes>', '<TotalVotes><?php echo 1; ?>'), 'eml_xml_ongeldig'],
    ['<?xml version="1.0" encoding="ISO-8859-1"?>' + body, 'eml_xml_ongeldig'],
  ];
  assert.ok((await readString(body)).ok, 'the same file without the refused part reads');
  for (const [xml, code] of cases) {
    const safe = readXml(Buffer.from(xml, 'utf8'), {}, { maxBytes: 1 << 20 });
    assert.equal(safe.ok, false, `xml.ts refuses ${xml.slice(0, 60)}`);
    const r = await readString(xml);
    assert.equal(r.ok, false, `eml510read refuses ${xml.slice(0, 60)}`);
    if (!r.ok && !safe.ok) {
      assert.equal(r.code, code, `${r.code} ${r.message}`);
      // The same reason: xml.ts's refusal, named in the detail (or, for a DOCTYPE, its message).
      if (code === 'eml_doctype') assert.equal(r.message, safe.message);
      else assert.match(r.detail ?? '', new RegExp(`^${safe.code.replace('.', '\\.')}:`));
    }
    // Streamed in small chunks the outcome is the same.
    const streamed = new Eml510StreamReader();
    let last = streamed.write('');
    for (let i = 0; i < xml.length && last.ok; i += 7) last = streamed.write(xml.slice(i, i + 7));
    const end = last.ok ? streamed.end() : last;
    assert.equal(end.ok, false);
    if (!end.ok) assert.equal(end.code, code);
  }
});
