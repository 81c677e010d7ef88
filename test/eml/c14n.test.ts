import { tool } from '../support/tools.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EML, eml } from '../support/paths.ts';
import {
  C14N_WITH_COMMENTS,
  canonicalize,
  canonicalizeDocument,
  compareCodePoints,
  escapeAttr,
  escapeText,
} from '../../src/eml/c14n.ts';
import { readXmlTree } from '../../src/eml/xml.ts';

const LIMIT = { maxBytes: 100_000_000 };

/** All real EML files under shared/eml. */
function realFiles(): string[] {
  return readdirSync(EML, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.eml.xml'))
    .map((f) => path.join(EML, f))
    .sort();
}

const carriesMethod = (bytes: Buffer) =>
  /<ds:CanonicalizationMethod Algorithm="http:\/\/www\.w3\.org\/TR\/2001\/REC-xml-c14n-20010315#WithComments"/.test(
    bytes.toString('utf8', 0, 4096),
  );

function c14n(bytes: Buffer | string, withComments = true): string {
  const r = canonicalize(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, { ...LIMIT, withComments });
  assert.ok(r.ok, JSON.stringify(r));
  return r.value;
}


/** libxml2's `xmllint --c14n` is C14N 1.0 with comments (it keeps comments). */
function xmllintC14n(file: string): string {
  return execFileSync(tool('xmllint'), ['--c14n', file], { maxBuffer: 1 << 28 }).toString('utf8');
}

test('every real file carrying ds:CanonicalizationMethod is canonical already: C14N gives back its bytes', () => {
  const files = realFiles().filter((f) => carriesMethod(readFileSync(f)));
  // 20 + 2 candidate lists, 7 kieskring counts, 510d, 520, two 510b's.
  assert.ok(files.length >= 33, `found only ${files.length} files`);
  for (const f of files) {
    const bytes = readFileSync(f);
    assert.ok(c14n(bytes) === bytes.toString('utf8'), `${path.basename(f)} is not its own canonical form`);
  }
});

test('the pretty-printed 110a files are not canonical; C14N drops the declaration, sorts namespaces, opens empty tags', () => {
  for (const f of [eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml'), eml('tk2023', 'Verkiezingsdefinitie_TK2023.eml.xml')]) {
    const raw = readFileSync(f, 'utf8');
    const c = c14n(readFileSync(f));
    assert.notEqual(c, raw);
    assert.ok(raw.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<EML xmlns:xnl='));
    assert.ok(
      c.startsWith(
        '<EML xmlns="urn:oasis:names:tc:evs:schema:eml" xmlns:kr="http://www.kiesraad.nl/extensions" ' +
          'xmlns:xal="urn:oasis:names:tc:ciq:xsdschema:xAL:2.0" xmlns:xnl="urn:oasis:names:tc:ciq:xsdschema:xNL:2.0" ' +
          'Id="110a" SchemaVersion="5">\n    <TransactionId>1</TransactionId>\n',
      ),
      c.slice(0, 400),
    );
    assert.ok(raw.includes('<EventIdentifier/>') && c.includes('<EventIdentifier></EventIdentifier>'));
    assert.ok(!c.includes('/>'), 'no empty-element tags');
    assert.ok(c.endsWith('</EML>'), 'nothing after the document element');
    // Attributes sorted by name: RegionCategory before RegionNumber before Superior...
    assert.ok(c.includes('<kr:Region RegionCategory="KIESKRING" RegionNumber="5" SuperiorRegionCategory="STAAT"'));
    // Indentation inside the document element is character content and stays: same lines, less the
    // declaration's line end and the final line end.
    assert.ok(raw.endsWith('</EML>\n'));
    assert.equal(c.split('\n').length, raw.split('\n').length - 2);
    // Every element is there, each with an end tag.
    const starts = (x: string) => x.match(/<[A-Za-z]/g)?.length ?? 0;
    assert.equal(starts(c), starts(raw));
    assert.equal(c.match(/<\//g)?.length, starts(raw));
    assert.ok(c === xmllintC14n(f), `differs from xmllint --c14n for ${path.basename(f)}`);
  }
});

const CRAFTED =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!-- before -->\n' +
  '<doc b="2" a="1" xmlns:z="urn:z" xmlns="urn:d" z:c="3" xmlns:a="urn:a" a:c="4">\n' +
  '  <a/>\n' +
  '  <t>&lt;&amp;&gt;&quot;&apos;&#13;&#x20AC;</t>\n' +
  `  <e attr="x&#9;y&#10;z&quot;&lt;&gt;&#13;'"/>\n` +
  '  <![CDATA[<cdata>&]]>\n' +
  '  <!-- in -->\n' +
  '  <r xmlns="urn:d" xmlns:z="urn:z" xmlns:n="urn:n"><s xmlns=""/></r>\n' +
  '</doc>\n<!-- after -->\n';

const CRAFTED_C14N =
  '<!-- before -->\n' +
  '<doc xmlns="urn:d" xmlns:a="urn:a" xmlns:z="urn:z" a="1" b="2" a:c="4" z:c="3">\n' +
  '  <a></a>\n' +
  `  <t>&lt;&amp;&gt;"'&#xD;€</t>\n` +
  `  <e attr="x&#x9;y&#xA;z&quot;&lt;>&#xD;'"></e>\n` +
  '  &lt;cdata&gt;&amp;\n' +
  '  <!-- in -->\n' +
  '  <r xmlns:n="urn:n"><s xmlns=""></s></r>\n' +
  '</doc>\n<!-- after -->';

test('a crafted document: attribute and namespace order, escaping, empty elements, CDATA, comments, superfluous xmlns', () => {
  assert.equal(c14n(CRAFTED), CRAFTED_C14N);
  assert.equal(c14n(CRAFTED, false), CRAFTED_C14N.replace(/<!-- before -->\n|\n<!-- after -->|<!-- in -->/g, ''));
});

test('the crafted document agrees with libxml2 (xmllint --c14n)', () => {
  const file = path.join(process.env.TMPDIR ?? '/tmp', `c14n-crafted-${process.pid}.xml`);
  execFileSync('sh', ['-c', `cat > "${file}"`], { input: CRAFTED });
  assert.equal(xmllintC14n(file), CRAFTED_C14N);
});

test('namespace rendering: only declarations that change the scope, xmlns="" only to undo a default', () => {
  assert.equal(c14n('<a xmlns=""><b xmlns=""/></a>'), '<a><b></b></a>');
  assert.equal(c14n('<a xmlns="urn:x"><b xmlns=""><c xmlns=""/></b></a>'), '<a xmlns="urn:x"><b xmlns=""><c></c></b></a>');
  assert.equal(
    c14n('<p:a xmlns:p="urn:p"><p:b xmlns:p="urn:q"><p:c xmlns:p="urn:q"/></p:b></p:a>'),
    '<p:a xmlns:p="urn:p"><p:b xmlns:p="urn:q"><p:c></p:c></p:b></p:a>',
  );
  // Unused declarations are still rendered (inclusive C14N); the xml prefix never is.
  assert.equal(c14n('<a xmlns:u="urn:u" xml:lang="nl" xmlns:xml="http://www.w3.org/XML/1998/namespace"/>'), '<a xmlns:u="urn:u" xml:lang="nl"></a>');
});

test('attributes sort by namespace URI first (none first), then local name', () => {
  assert.equal(
    c14n('<a xmlns:b="urn:b" xmlns:y="urn:a" b:x="1" y:z="2" z="3" c="4"/>'),
    '<a xmlns:b="urn:b" xmlns:y="urn:a" c="4" z="3" y:z="2" b:x="1"></a>',
  );
});

test('whitespace outside the document element is dropped; the declaration too', () => {
  assert.equal(c14n('<?xml version="1.0"?>\n\n  <a> x </a>\n\n'), '<a> x </a>');
});

test('canonicalizing a parsed tree gives the same as streaming', () => {
  for (const doc of [CRAFTED, readFileSync(eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml'), 'utf8')]) {
    const tree = readXmlTree(Buffer.from(doc), LIMIT);
    assert.ok(tree.ok);
    assert.equal(canonicalizeDocument(tree.value), c14n(doc));
  }
});

test('escape functions', () => {
  assert.equal(escapeText(`a&b<c>d"e'f\rg\th\n`), `a&amp;b&lt;c&gt;d"e'f&#xD;g\th\n`);
  assert.equal(escapeAttr(`a&b<c>d"e'f\rg\th\n`), `a&amp;b&lt;c>d&quot;e'f&#xD;g&#x9;h&#xA;`);
  assert.equal(escapeText('plain'), 'plain');
  assert.equal(C14N_WITH_COMMENTS, 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments');
});

test('code point order puts characters above U+FFFF after U+E000-U+FFFF', () => {
  assert.ok(compareCodePoints('\u{1F600}', '\uFFFD') > 0);
  assert.ok('\u{1F600}' < '\uFFFD', 'UTF-16 order would get it wrong');
  assert.ok(compareCodePoints('a', 'b') < 0);
  assert.ok(compareCodePoints('ab', 'a') > 0);
  assert.equal(compareCodePoints('x', 'x'), 0);
});
