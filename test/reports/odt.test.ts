/**
 * The ODT writer (src/reports/odt.ts) and the O 3 as ODT: package layout (mimetype first and
 * stored), well-formed parts, every list's and candidate's votes in content.xml, the footer,
 * escaping, determinism independent of the time zone, and LibreOffice's conversion when
 * LibreOffice is installed.
 */
import { tool } from '../support/tools.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yauzl from 'yauzl';
import { eml } from '../support/paths.ts';
import { readEml510 } from '../../src/eml/eml510read.ts';
import { readCandidateLists } from '../../src/eml/eml230b.ts';
import { sha256Hex } from '../../src/eml/hash.ts';
import { readXmlTree, type XmlElement } from '../../src/eml/xml.ts';
import { odtText, writeOdt, xmlSafe, type OdtDocument } from '../../src/reports/odt.ts';
import { buildO3Model, formatCount, type O3Model } from '../../src/reports/o3/model.ts';
import { o3Odt } from '../../src/reports/o3/odt.ts';

const NS_TEXT = 'urn:oasis:names:tc:opendocument:xmlns:text:1.0';
const NS_TABLE = 'urn:oasis:names:tc:opendocument:xmlns:table:1.0';
const NS_STYLE = 'urn:oasis:names:tc:opendocument:xmlns:style:1.0';

interface ZipEntry {
  name: string;
  data: Buffer;
  compressionMethod: number;
  dosDate: number;
  dosTime: number;
}

function unzip(buf: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: ZipEntry[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        zip.openReadStream(e, (err2, s) => {
          if (err2 || !s) return reject(err2);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => {
            out.push({ name: e.fileName, data: Buffer.concat(chunks), compressionMethod: e.compressionMethod, dosDate: e.lastModFileDate, dosTime: e.lastModFileTime });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function parse(data: Buffer): XmlElement {
  const r = readXmlTree(data, { maxBytes: 64 * 1024 * 1024 });
  if (!r.ok) assert.fail(r.message);
  return r.value.root;
}

/** The text of an ODF element: text:s → spaces, text:tab → tab, text:line-break → newline. */
function odfText(el: XmlElement): string {
  let s = '';
  for (const c of el.children) {
    if (c.kind === 'text') s += c.text;
    else if (c.kind === 'element') {
      if (c.uri === NS_TEXT && c.local === 's') s += ' '.repeat(Number(c.attributes.find((a) => a.local === 'c')?.value ?? '1'));
      else if (c.uri === NS_TEXT && c.local === 'tab') s += '\t';
      else if (c.uri === NS_TEXT && c.local === 'line-break') s += '\n';
      else s += odfText(c);
    }
  }
  return s;
}

function descendants(el: XmlElement, uri: string, local: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.kind !== 'element') continue;
    if (c.uri === uri && c.local === local) out.push(c);
    descendants(c, uri, local, out);
  }
  return out;
}

/** Every table row as the texts of its cells. */
function tableRows(content: XmlElement): string[][] {
  return descendants(content, NS_TABLE, 'table-row').map((r) =>
    r.children.filter((c): c is XmlElement => c.kind === 'element' && c.uri === NS_TABLE && c.local === 'table-cell').map(odfText),
  );
}

const CREATED = { year: 2021, month: 3, day: 26, hour: 10, minute: 11, second: 12 };

function smallDoc(over: Partial<OdtDocument> = {}): OdtDocument {
  return {
    title: 'Test <&>',
    language: 'nl',
    created: CREATED,
    footerLines: ['Hash: ABCD', 'Aangemaakt: 26-03-2021 10:11'],
    blocks: [
      { type: 'heading', level: 1, text: '1. Kop & "zo"' },
      { type: 'paragraph', text: '  twee  spaties\teen tab\nnieuwe regel <b>&amp;' },
      { type: 'table', columns: [{ weight: 1 }, { weight: 3, align: 'right' }], header: ['A', 'B'], rows: [['x', 1], [{ text: 'Totaal', bold: true, span: 2 }]] },
      { type: 'pageBreak' },
      { type: 'paragraph', style: 'small', text: 'einde' },
    ],
    ...over,
  };
}

test('ODT package: mimetype first, stored, no extra field; the parts are well-formed; manifest lists them', async () => {
  const buf = await writeOdt(smallDoc());
  // ODF 1.3 part 2, 3.3: "mimetype" is the first file, uncompressed, without extra field, so the
  // media type can be read at byte 38.
  assert.equal(buf.readUInt32LE(0), 0x04034b50);
  assert.equal(buf.readUInt16LE(8), 0, 'stored');
  assert.equal(buf.readUInt16LE(26), 8);
  assert.equal(buf.readUInt16LE(28), 0, 'no extra field');
  assert.equal(buf.subarray(30, 38).toString('ascii'), 'mimetype');
  assert.equal(buf.subarray(38, 38 + 39).toString('ascii'), 'application/vnd.oasis.opendocument.text');
  const entries = await unzip(buf);
  assert.deepEqual(entries.map((e) => e.name), ['mimetype', 'content.xml', 'styles.xml', 'meta.xml', 'META-INF/manifest.xml']);
  assert.equal(entries[0]!.compressionMethod, 0);
  for (const e of entries.slice(1)) {
    assert.equal(e.compressionMethod, 8, e.name);
    parse(e.data);
  }
  // DOS timestamp = the document's creation time (2021-03-26 10:11:12)
  for (const e of entries) {
    assert.equal(e.dosDate, ((2021 - 1980) << 9) | (3 << 5) | 26, e.name);
    assert.equal(e.dosTime, (10 << 11) | (11 << 5) | 6, e.name);
  }
  const manifest = entries.find((e) => e.name === 'META-INF/manifest.xml')!.data.toString('utf8');
  for (const p of ['content.xml', 'styles.xml', 'meta.xml']) assert.ok(manifest.includes(`manifest:full-path="${p}"`), p);
  assert.match(manifest, /full-path="\/" manifest:version="1.3" manifest:media-type="application\/vnd.oasis.opendocument.text"/);
  const meta = entries.find((e) => e.name === 'meta.xml')!.data.toString('utf8');
  assert.match(meta, /<meta:creation-date>2021-03-26T10:11:12<\/meta:creation-date>/);
  assert.match(meta, /<dc:title>Test &lt;&amp;&gt;<\/dc:title>/);
});

test('ODT content: headings, paragraphs with whitespace, tables with a header row and spans, page break, footer with page x of y', async () => {
  const entries = await unzip(await writeOdt(smallDoc({ header: 'CONCEPT' })));
  const content = parse(entries.find((e) => e.name === 'content.xml')!.data);
  const h = descendants(content, NS_TEXT, 'h');
  assert.equal(odfText(h[0]!), '1. Kop & "zo"');
  const ps = descendants(content, NS_TEXT, 'p').map(odfText);
  assert.ok(ps.includes('  twee  spaties\teen tab\nnieuwe regel <b>&amp;'), JSON.stringify(ps));
  const tables = descendants(content, NS_TABLE, 'table');
  assert.equal(tables.length, 1);
  assert.equal(descendants(tables[0]!, NS_TABLE, 'table-header-rows').length, 1);
  assert.deepEqual(tableRows(content), [['A', 'B'], ['x', '1'], ['Totaal']]);
  assert.equal(descendants(content, NS_TABLE, 'covered-table-cell').length, 1);
  const styles = parse(entries.find((e) => e.name === 'styles.xml')!.data);
  const footer = descendants(styles, NS_STYLE, 'footer')[0]!;
  const lines = descendants(footer, NS_TEXT, 'p');
  assert.equal(odfText(lines[0]!), 'Hash: ABCD');
  assert.equal(descendants(footer, NS_TEXT, 'page-number').length, 1);
  assert.equal(descendants(footer, NS_TEXT, 'page-count').length, 1);
  assert.match(odfText(lines[1]!), /^Aangemaakt: 26-03-2021 10:11\tpagina \d+ van \d+$/);
  assert.equal(odfText(descendants(styles, NS_STYLE, 'header')[0]!), 'CONCEPT');
});

test('ODT text escaping: XML specials, whitespace runs, characters XML forbids', () => {
  assert.equal(odtText('a < b & c > d "e"'), 'a &lt; b &amp; c &gt; d "e"');
  assert.equal(odtText(' a  b'), '<text:s/>a<text:s text:c="2"/>b');
  assert.equal(odtText('a\tb\r\nc'), 'a<text:tab/>b<text:line-break/>c');
  assert.equal(odtText('a '), 'a<text:s/>');
  assert.equal(xmlSafe('a\u0000b\u001Fc\uFFFEd\uD800e😀'), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe😀');
  // the result is always well-formed
  const nasty = 'x\u0001<y>&\uDC00 "z"';
  parse(Buffer.from(`<p xmlns:text="${NS_TEXT}">${odtText(nasty)}</p>`));
});

async function lelystadModel(hash: string | null): Promise<O3Model> {
  const l = readCandidateLists(readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml')));
  assert.ok(l.ok);
  const file = readFileSync(eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml'));
  const v = await readEml510(file);
  assert.ok(v.ok);
  const m = buildO3Model({
    election: { id: 'TK2021', name: l.value.electionName, date: l.value.electionDate },
    kieskring: { number: 5, name: 'Lelystad' },
    candidateLists: l.value,
    municipalities: v.value.units.map((u) => ({ code: u.id.split('::')[1]!, name: u.name, counts: u.counts })),
    session: { place: 'Lelystad <stadhuis> & "zaal"', date: '26 maart 2021', time: '10:00 uur' },
    members: [{ name: 'J. de Vries', role: 'voorzitter' }],
    objections: 'Bezwaar:\n  ingesprongen regel',
    emlHash: hash === null ? null : hash,
    createdAt: '2021-03-26T10:11:12',
  });
  if (!m.ok) assert.fail(m.message);
  return m.value;
}

test('O 3 ODT, Lelystad: content.xml holds every list total and every candidate with votes; footer has the hash', async () => {
  const hash = sha256Hex(readFileSync(eml('tk2021', 'Telling_TK2021_kieskring_Lelystad.eml.xml')));
  const m = await lelystadModel(hash);
  const t0 = performance.now();
  const buf = await o3Odt(m);
  console.log(`O 3 ODT Lelystad: ${(performance.now() - t0).toFixed(0)} ms, ${buf.length} bytes`);
  const entries = await unzip(buf);
  const content = parse(entries.find((e) => e.name === 'content.xml')!.data);
  const rows = tableRows(content);
  const has = (row: string[]) => rows.some((r) => r.length === row.length && r.every((c, k) => c === row[k]));
  for (const l of m.lists) {
    // counts with thousands separators, as the official models print them ("1.234")
    assert.ok(has([String(l.listNumber), l.name, formatCount(l.total)]), `overview row of list ${l.listNumber}`);
    assert.ok(has([`Totaal lijst ${l.listNumber}`, formatCount(l.total)]), `total row of list ${l.listNumber}`);
    for (const c of l.candidates) assert.ok(has([String(c.position), c.name, formatCount(c.votes)]), `list ${l.listNumber} ${c.name}`);
  }
  assert.ok(has(['1', 'Rutte, M. (Mark) (m)', '41.585']));
  assert.ok(has(['Aantal kiesgerechtigden', '307.056']));
  assert.ok(has(['Plaats', 'Lelystad <stadhuis> & "zaal"']));
  assert.ok(has(['Totaal geldige stemmen', '230.595']));
  const text = descendants(content, NS_TEXT, 'p').map(odfText);
  assert.ok(text.includes('Bezwaar:\n  ingesprongen regel'));
  const styles = entries.find((e) => e.name === 'styles.xml')!.data.toString('utf8');
  assert.ok(styles.includes(`SHA-256 telbestand (EML 510c): ${m.hash}`));
  assert.ok(!styles.includes('CONCEPT'));
  // a preview: header CONCEPT, no hash
  const concept = await unzip(await o3Odt(await lelystadModel(null)));
  const cs = concept.find((e) => e.name === 'styles.xml')!.data.toString('utf8');
  assert.ok(cs.includes('CONCEPT') && !cs.includes('SHA-256 telbestand'));
});

test('ODT: same inputs, same bytes, also in another time zone', async () => {
  const a = await writeOdt(smallDoc());
  assert.ok(a.equals(await writeOdt(smallDoc())));
  assert.ok(!a.equals(await writeOdt(smallDoc({ created: { ...CREATED, second: 14 } }))));
  const odtModule = fileURLToPath(new URL('../../src/reports/odt.ts', import.meta.url));
  const script = `import { writeOdt } from ${JSON.stringify(odtModule)}; import { createHash } from 'node:crypto';
const doc = JSON.parse(process.env.DOC);
const buf = await writeOdt(doc);
process.stdout.write(createHash('sha256').update(buf).digest('hex'));`;
  for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, TZ: tz, DOC: JSON.stringify(smallDoc()) },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, sha256Hex(a), `TZ=${tz}`);
  }
});


test('O 3 ODT opens in LibreOffice (soffice --headless --convert-to pdf)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'o3odt-'));
  try {
    const m = await lelystadModel('ab'.repeat(32));
    const file = path.join(dir, 'o3.odt');
    writeFileSync(file, await o3Odt(m));
    const r = spawnSync(tool('soffice'), [`-env:UserInstallation=file://${dir}/profile`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const out = path.join(dir, 'o3.pdf');
    assert.ok(existsSync(out), r.stdout + r.stderr);
    const pdf = readFileSync(out);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    if (spawnSync(tool('pdftotext'), ['-v']).error === undefined) {
      const t = spawnSync(tool('pdftotext'), ['-layout', out, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      assert.match(t.stdout, /Rutte, M\. \(Mark\) \(m\)\s+41\.585/);
      assert.match(t.stdout, /pagina 1 van \d+/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
