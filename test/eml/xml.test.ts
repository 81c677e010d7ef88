import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { eml } from '../support/paths.ts';
import { fail } from '../../src/domain/result.ts';
import {
  attributeValue,
  childElements,
  readXml,
  readXmlStream,
  readXmlTree,
  textContent,
  XmlStreamReader,
  type XmlHandler,
  type XmlReadOptions,
} from '../../src/eml/xml.ts';

const LIMIT = { maxBytes: 10_000_000 };

function read(xml: string | Buffer, options: XmlReadOptions = LIMIT) {
  return readXmlTree(typeof xml === 'string' ? Buffer.from(xml) : xml, options);
}

function failureOf(xml: string | Buffer, options: XmlReadOptions = LIMIT) {
  const r = read(xml, options);
  assert.equal(r.ok, false, 'expected a failure');
  return r as Extract<typeof r, { ok: false }>;
}

/** Records events as strings, to compare runs. */
function recorder(log: string[]): XmlHandler {
  return {
    startElement: (t) =>
      void log.push(`<${t.name} {${t.uri}} ${t.nsDecls.map((d) => `ns:${d.prefix}=${d.uri}`).join(' ')} ${t.attributes.map((a) => `${a.name}={${a.uri}}${a.value}`).join(' ')}`),
    endElement: (t) => void log.push(`</${t.name}`),
    text: (s) => void log.push(`T${s}`),
    comment: (s, depth) => void log.push(`C${depth}:${s}`),
  };
}

test('builds a namespace-aware tree with attributes, text and comments', () => {
  const r = read(
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!--pre-->\n' +
      '<EML xmlns="urn:e" xmlns:kr="urn:kr" Id="110a"><kr:Region RegionNumber="5" kr:x="y">' +
      '<kr:RegionName>Lelystad &amp; co &#233;&#x20AC;</kr:RegionName><!--in--></kr:Region><![CDATA[<raw>]]></EML>\n<!--post-->\n',
  );
  assert.ok(r.ok, JSON.stringify(r));
  const { root, before, after } = r.value;
  assert.deepEqual([root.local, root.uri, root.prefix, root.name], ['EML', 'urn:e', '', 'EML']);
  assert.deepEqual(root.nsDecls, [
    { prefix: '', uri: 'urn:e' },
    { prefix: 'kr', uri: 'urn:kr' },
  ]);
  assert.equal(attributeValue(root, 'Id'), '110a');
  const [region] = childElements(root, 'urn:kr', 'Region');
  assert.ok(region);
  assert.equal(region.name, 'kr:Region');
  assert.equal(attributeValue(region, 'RegionNumber'), '5');
  assert.equal(attributeValue(region, 'x'), undefined, 'a prefixed attribute is not the unprefixed one');
  assert.equal(attributeValue(region, 'x', 'urn:kr'), 'y');
  assert.equal(textContent(region), 'Lelystad & co é€');
  assert.equal(region.children.at(-1)?.kind, 'comment');
  assert.equal(textContent(root), 'Lelystad & co é€<raw>');
  assert.deepEqual(before.map((c) => c.text), ['pre']);
  assert.deepEqual(after.map((c) => c.text), ['post']);
});

test('normalises line ends and attribute whitespace as XML requires', () => {
  const r = read('<a b="x\ty\r\nz">1\r\n2\r3</a>');
  assert.ok(r.ok);
  assert.equal(attributeValue(r.value.root, 'b'), 'x y z');
  assert.equal(textContent(r.value.root), '1\n2\n3');
});

test('streaming: any chunking, also byte by byte through multi-byte characters, gives the same events', () => {
  const bytes = readFileSync(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml')).subarray(0, 6000);
  // Close the document so it is complete: cut at a line end inside the tree and close the open elements.
  const cut = bytes.toString('utf8');
  const doc = Buffer.from(
    cut.slice(0, cut.lastIndexOf('</kr:Region>') + '</kr:Region>'.length) +
      '<kr:Region RegionCategory="GEMEENTE"><kr:RegionName>Súdwest-Fryslân ’s</kr:RegionName></kr:Region>' +
      '</kr:ElectionTree></Election></ElectionEvent></EML>',
  );
  const whole: string[] = [];
  assert.ok(readXml(doc, recorder(whole), LIMIT).ok);
  const bytewise: string[] = [];
  const reader = new XmlStreamReader(recorder(bytewise), LIMIT);
  for (let i = 0; i < doc.length; i++) assert.ok(reader.write(doc.subarray(i, i + 1)));
  assert.ok(reader.end().ok);
  // saxes may split one text run at chunk ends; join adjacent text events before comparing.
  const joined = bytewise.reduce<string[]>((acc, e) => {
    const last = acc[acc.length - 1];
    if (e.startsWith('T') && last?.startsWith('T')) acc[acc.length - 1] = last + e.slice(1);
    else acc.push(e);
    return acc;
  }, []);
  assert.deepEqual(joined, whole);
  assert.ok(whole.some((e) => e.includes('Súdwest-Fryslân ’s')));
});

test('readXmlStream reads an async stream of chunks', async () => {
  async function* chunks() {
    yield Buffer.from('<a><b>');
    yield Buffer.from('x</b>');
    yield Buffer.from('</a>');
  }
  const log: string[] = [];
  const r = await readXmlStream(chunks(), recorder(log), LIMIT);
  assert.ok(r.ok);
  assert.deepEqual(log, ['<a {}  ', '<b {}  ', 'Tx', '</b', '</a']);
});

test('a handler can stop reading early, or end it with its own failure', () => {
  let seen = 0;
  const stopped = readXml(
    Buffer.from('<a><b/><c/><d/></a>'),
    { startElement: (t) => (++seen, t.local === 'b' ? 'stop' : undefined) },
    LIMIT,
  );
  assert.ok(stopped.ok);
  assert.equal(seen, 2);
  const own = readXml(Buffer.from('<a><b/></a>'), { startElement: (t) => (t.local === 'b' ? fail('x.mine', 'Eigen fout.') : undefined) }, LIMIT);
  assert.deepEqual(own, { ok: false, code: 'x.mine', message: 'Eigen fout.' });
});

test('a bug in a handler is thrown, not reported as bad XML', () => {
  assert.throws(
    () => readXml(Buffer.from('<a/>'), { startElement: () => { throw new TypeError('bug'); } }, LIMIT),
    TypeError,
  );
});

test('refuses what is not XML', () => {
  assert.equal(failureOf('').code, 'xml.not_xml');
  assert.equal(failureOf('  \n ').code, 'xml.not_xml');
  const pdf = failureOf(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0xe2, 0xe3, 0xcf, 0xd3])]));
  assert.equal(pdf.code, 'xml.not_xml');
  assert.equal(pdf.message, 'Het bestand is geen XML-bestand.');
  assert.equal(failureOf('Lijstnummer;Aanduiding\n1;VVD').code, 'xml.not_xml');
  assert.equal(failureOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0])).code, 'xml.not_xml'); // a zip
});

test('refuses ill-formed XML with the position in Dutch', () => {
  const f = failureOf('<a>\n  <b>\n    <c></b>\n</a>');
  assert.equal(f.code, 'xml.malformed');
  assert.match(f.message, /^Het bestand is geen geldig XML-bestand \(regel 3, kolom \d+\)\.$/);
  assert.ok(f.detail && f.detail.length > 0, 'a technical detail for IT staff');
  assert.equal(failureOf('<a b="1" b="2"/>').code, 'xml.malformed');
  assert.equal(failureOf('<a><b></a>').code, 'xml.malformed');
  assert.equal(failureOf('<a/><b/>').code, 'xml.malformed');
  assert.equal(failureOf('<p:a/>').code, 'xml.malformed'); // unbound prefix
  assert.equal(failureOf('<a>\u0001</a>').code, 'xml.malformed');
});

test('refuses a DOCTYPE, so billion laughs is refused before anything is expanded', () => {
  const laughs =
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
    Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('\n') +
    '\n]>\n<lolz>&lol9;</lolz>';
  let texts = 0;
  const start = Date.now();
  const r = readXml(Buffer.from(laughs), { text: () => void texts++ }, LIMIT);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.code, 'xml.doctype');
  assert.match(!r.ok ? r.message : '', /DOCTYPE/);
  assert.equal(texts, 0, 'no text was delivered');
  assert.ok(Date.now() - start < 1000);
  // External entities (XXE) and a plain DOCTYPE alike.
  assert.equal(failureOf('<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>').code, 'xml.doctype');
  assert.equal(failureOf('<!DOCTYPE EML SYSTEM "eml.dtd"><EML/>').code, 'xml.doctype');
});

test('refuses entity references other than the predefined ones; character references are fine', () => {
  const f = failureOf('<a>&nbsp;</a>');
  assert.equal(f.code, 'xml.entity');
  assert.match(f.message, /onbekende entiteit \(regel 1, kolom \d+\)/);
  assert.equal(failureOf('<a b="&foo;"/>').code, 'xml.entity');
  assert.equal(failureOf('<a>&constructor;</a>').code, 'xml.entity');
  const ok = read('<a b="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;">&lt;&gt;&amp;&quot;&apos;&#65;&#x42;</a>');
  assert.ok(ok.ok);
  assert.equal(textContent(ok.value.root), `<>&"'AB`);
});

test('refuses processing instructions but accepts the XML declaration', () => {
  assert.ok(read('<?xml version="1.0" encoding="utf-8"?><a/>').ok);
  assert.equal(failureOf('<?xml-stylesheet href="x.xsl"?><a/>').code, 'xml.pi');
  assert.equal(failureOf('<a><?php echo 1; ?></a>').code, 'xml.pi');
});

test('refuses encodings other than UTF-8', () => {
  const declared = failureOf('<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\u00e9</a>');
  assert.equal(declared.code, 'xml.encoding');
  assert.match(declared.message, /ISO-8859-1.*UTF-8/);
  // Latin-1 bytes that are not valid UTF-8, with no declaration.
  assert.equal(failureOf(Buffer.from([0x3c, 0x61, 0x3e, 0x63, 0x61, 0x66, 0xe9, 0x3c, 0x2f, 0x61, 0x3e])).code, 'xml.encoding');
  // UTF-16 with and without a byte order mark.
  const utf16 = Buffer.from('<a>x</a>', 'utf16le');
  assert.equal(failureOf(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16])).code, 'xml.encoding');
  assert.equal(failureOf(utf16).code, 'xml.encoding');
  // A UTF-8 byte order mark is fine.
  assert.ok(read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>é</a>')])).ok);
});

test('refuses a truncated file: a real 230b cut in half', () => {
  const bytes = readFileSync(eml('tk2021', 'Kandidatenlijsten_TK2021_Lelystad.eml.xml'));
  const f = failureOf(bytes.subarray(0, Math.floor(bytes.length / 2)));
  assert.equal(f.code, 'xml.truncated');
  assert.match(f.message, /onvolledig/);
  assert.equal(failureOf('<a><b>').code, 'xml.truncated');
  assert.equal(failureOf('<a b="').code, 'xml.truncated');
  // Cut inside a multi-byte character.
  assert.equal(failureOf(Buffer.from('<a>é</a>').subarray(0, 4)).code, 'xml.encoding');
});

test('refuses input over the caller limit, without reading it all', () => {
  const f = failureOf('<a>' + 'x'.repeat(2000) + '</a>', { maxBytes: 1000 });
  assert.equal(f.code, 'xml.too_large');
  assert.match(f.message, /te groot/);
  let elements = 0;
  const reader = new XmlStreamReader({ startElement: () => void elements++ }, { maxBytes: 100 });
  assert.ok(reader.write(Buffer.from('<a><b/>')));
  assert.equal(reader.write(Buffer.alloc(200, 0x20)), false);
  assert.equal(reader.write(Buffer.from('<c/>')), false);
  const end = reader.end();
  assert.equal(!end.ok && end.code, 'xml.too_large');
  assert.equal(elements, 2);
});

test('refuses nesting deeper than the limit', () => {
  const deep = '<a>'.repeat(100) + '</a>'.repeat(100);
  assert.equal(failureOf(deep).code, 'xml.too_deep');
  assert.ok(read(deep, { maxBytes: 1e6, maxDepth: 100 }).ok);
});
