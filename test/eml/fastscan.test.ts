/**
 * The canonical-form scanner (src/eml/fastscan.ts) and the fast paths built on it (emlHash, readEml510,
 * Eml510CanonicalReader): whenever the scanner accepts a document, the document IS its canonical form
 * (so its canonical hash is the SHA-256 of its bytes), and the readers give exactly what the general
 * path gives; whenever it refuses, the general path decides, so every outcome equals the general path's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { canonicalize } from '../../src/eml/c14n.ts';
import { Eml510CanonicalReader, Eml510StreamReader, readEml510 } from '../../src/eml/eml510read.ts';
import { decodeText, scanCanonical } from '../../src/eml/fastscan.ts';
import { emlHash, emlHashGeneral, sha256Hex } from '../../src/eml/hash.ts';
import { readXml } from '../../src/eml/xml.ts';
import { EML, eml } from '../support/paths.ts';

const MAX = 256 * 1024 * 1024;

/** The canonical form by the general path (saxes + c14n.ts), or null when it refuses the input. */
function generalCanonical(bytes: Buffer): string | null {
  const r = canonicalize(bytes, { maxBytes: MAX, withComments: true });
  return r.ok ? r.value : null;
}

/** The soundness property: accepted ⇒ the bytes are exactly their canonical form, and both hashes agree. */
function assertSound(bytes: Buffer, label: string): boolean {
  const scan = scanCanonical(bytes);
  if (scan.canonical) {
    const c = generalCanonical(bytes);
    assert.ok(c !== null, `${label}: the scanner accepted what the general path refuses`);
    assert.ok(Buffer.from(c, 'utf8').equals(bytes), `${label}: accepted but not its own canonical form`);
  }
  assert.deepEqual(emlHash(bytes), emlHashGeneral(bytes), `${label}: emlHash differs from the general path`);
  return scan.canonical;
}

/** The general path's read of a 510 (saxes only), as readEml510 returns it. */
function slowRead510(bytes: Buffer): unknown {
  let total: unknown = null;
  const units: unknown[] = [];
  const r = new Eml510StreamReader({ onTotal: (c) => (total = c), onUnit: (u) => units.push(u) });
  for (let i = 0; i < bytes.length; i += 1 << 16) {
    const w = r.write(bytes.subarray(i, i + (1 << 16)));
    if (!w.ok) return w;
  }
  const e = r.end();
  if (!e.ok) return e;
  return { ok: true, value: { header: e.value.header, total, units, listNames: r.listNames ?? [] } };
}

const realFiles = ['tk2021', 'tk2023', 'tk2025'].flatMap((d) =>
  readdirSync(`${EML}/${d}`)
    .filter((f) => f.endsWith('.eml.xml'))
    .map((f) => ({ dir: d, file: f })),
);

test('every real file: fast hash = general C14N hash; all OSV output (no XML declaration) is recognised as canonical', () => {
  assert.ok(realFiles.length >= 30);
  for (const { dir, file } of realFiles) {
    const bytes = readFileSync(eml(dir, file));
    const scan = scanCanonical(bytes);
    const isOsv = !file.startsWith('Verkiezingsdefinitie');
    assert.equal(scan.canonical, isOsv, `${file}: ${JSON.stringify(scan)}`);
    if (scan.canonical) {
      assert.equal(scan.algorithm, 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments');
      const fast = emlHash(bytes);
      assert.deepEqual(fast, { ok: true, value: { hex: sha256Hex(bytes), canonical: true } });
    }
    // The general path agrees (for the big files this is the expensive part of the test).
    if (bytes.length < 1_000_000) assert.deepEqual(emlHash(bytes), emlHashGeneral(bytes), file);
  }
});

test('every real 510 file: the fast reader gives exactly the general reader\'s result', async () => {
  const files = realFiles.filter((f) => /^(Telling|Totaaltelling)_/.test(f.file));
  assert.ok(files.length >= 9);
  for (const { dir, file } of files) {
    const bytes = readFileSync(eml(dir, file));
    const fast = new Eml510CanonicalReader(bytes).step()!;
    assert.equal(fast.scan.canonical, true, file);
    assert.deepEqual(await readEml510(bytes), slowRead510(bytes), file);
    // The 510d (ShortCode only) is refused by the logic: the fast read says so, and the general read names it.
    assert.equal(fast.read === null, file.startsWith('Totaaltelling'), file);
  }
});

const DS = 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"';
const METHOD = '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments"></ds:CanonicalizationMethod>';

test('non-canonical spellings are refused by the scanner and decided by the general path', () => {
  const canonical = `<a xmlns="urn:a" ${DS} x="1" y="&amp;&lt;&quot;&#x9;&#xA;&#xD;>">${METHOD}<b>t &amp; &lt; &gt; &#xD; é😀\t\n</b></a>`;
  assert.equal(assertSound(Buffer.from(canonical), 'canonical'), true);
  const variants: Record<string, string> = {
    'XML declaration': `<?xml version="1.0" encoding="UTF-8"?>${canonical}`,
    'byte order mark': `\ufeff${canonical}`,
    'trailing newline': `${canonical}\n`,
    'leading whitespace': ` ${canonical}`,
    DOCTYPE: `<!DOCTYPE a>${canonical}`,
    'DOCTYPE with entity': `<!DOCTYPE a [<!ENTITY e "x">]><a xmlns="urn:a" ${DS}>${METHOD}&e;</a>`,
    'processing instruction': canonical.replace('<b>', '<?pi x?><b>'),
    comment: canonical.replace('<b>', '<!-- c --><b>'),
    'comment outside the root': `${canonical}\n<!-- c -->`,
    CDATA: canonical.replace('<b>t', '<b><![CDATA[t]]>'),
    'empty-element tag': canonical.replace('<b>', '<c/><b>'),
    'single quotes': canonical.replace('x="1"', "x='1'"),
    'two spaces': canonical.replace(' x="1"', '  x="1"'),
    'space before >': canonical.replace('<b>', '<b >'),
    'attributes out of order': canonical.replace('x="1" y=', 'y="2" x="1" z='),
    'namespace declarations out of order': canonical.replace(`xmlns="urn:a" ${DS}`, `${DS} xmlns="urn:a"`),
    'attribute before namespace declaration': canonical.replace(`xmlns="urn:a" ${DS} x="1"`, `xmlns="urn:a" x="1" ${DS}`),
    'superfluous declaration': canonical.replace('<b>', '<b xmlns="urn:a">'),
    'xmlns="" at the top': `<r xmlns="">${canonical}</r>`,
    'character reference': canonical.replace('<b>t', '<b>&#x74;'),
    '&gt; in an attribute': canonical.replace('x="1"', 'x="&gt;"'),
    '&apos;': canonical.replace('<b>t', '<b>&apos;'),
    'literal > in text': canonical.replace('<b>t', '<b>></b><b>t'),
    'literal CR in text': canonical.replace('<b>t', '<b>\r'),
    'CRLF in text': canonical.replace('<b>t', '<b>\r\n'),
    'literal TAB in an attribute': canonical.replace('x="1"', 'x="\t"'),
    'literal LF in an attribute': canonical.replace('x="1"', 'x="\n"'),
    'unbound prefix': canonical.replace('<b>', '<q:b>').replace('</b>', '</q:b>'),
    'mismatched end tag': canonical.replace('</b>', '</c>'),
    'duplicate attribute': canonical.replace('x="1"', 'x="1" x="1"'),
    'truncated': canonical.slice(0, -3),
    'invalid UTF-8': canonical.replace('é', '\udc00'),
    'control character': canonical.replace('<b>t', '<b>\u0001'),
    'U+FFFE': canonical.replace('<b>t', '<b>\ufffe'),
    'two roots': `${canonical}<a></a>`,
    'xml prefix declared': canonical.replace(DS, `${DS} xmlns:xml="http://www.w3.org/XML/1998/namespace"`),
  };
  for (const [label, text] of Object.entries(variants)) {
    const bytes = label === 'invalid UTF-8' ? Buffer.concat([Buffer.from(canonical.split('é')[0]!), Buffer.from([0xed, 0xb0, 0x80]), Buffer.from(canonical.split('é')[1]!)]) : Buffer.from(text);
    assert.equal(assertSound(bytes, label), false, `${label} should not be accepted as canonical`);
  }
  // The combined function is refused exactly like the general path, e.g. DOCTYPE and malformed input.
  const doctype = emlHash(Buffer.from(variants.DOCTYPE!));
  assert.equal(!doctype.ok && doctype.code, 'xml.doctype');
  const truncated = emlHash(Buffer.from(variants.truncated!));
  assert.equal(truncated.ok, false);
});

// ---------------------------------------------------------------------------------------------
// Random documents, written canonically and not

interface Node {
  name: string;
  decls: [string, string][];
  attrs: [string, string][];
  children: (Node | string | { comment: string })[];
}

const prefixes = ['', 'p', 'q'];
const uris = ['urn:a', 'urn:b', 'http://www.w3.org/2000/09/xmldsig#', 'urn:é', 'urn:x&y'];
const localNames = ['a', 'b', 'CanonicalizationMethod', 'Algorithm', 'Id', 'x.y', 'z-1', '_q'];
const textChars = fc.constantFrom('a', ' ', '\t', '\n', '\r', '&', '<', '>', '"', "'", 'é', '😀', ']', '0', '7');
const text = fc.array(textChars, { maxLength: 8 }).map((a) => a.join(''));

const node: fc.Arbitrary<Node> = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.record({
    name: fc.tuple(fc.constantFrom(...prefixes), fc.constantFrom(...localNames)).map(([p, l]) => (p ? `${p}:${l}` : l)),
    decls: fc.array(fc.tuple(fc.constantFrom(...prefixes), fc.constantFrom(...uris, '')), { maxLength: 3 }),
    attrs: fc.array(fc.tuple(fc.constantFrom('', 'p', 'q').chain((p) => fc.constantFrom(...localNames).map((l) => (p ? `${p}:${l}` : l))), text), { maxLength: 3 }),
    children: fc.array(fc.oneof({ weight: 2, arbitrary: text }, { weight: 2, arbitrary: tie('node') }, { weight: 1, arbitrary: text.map((t) => ({ comment: t.replace(/-/g, '') })) }), {
      maxLength: 4,
    }),
  }),
})).node;

function escAttr(v: string, canonicalStyle: boolean): string {
  const s = v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return canonicalStyle ? s.replace(/\t/g, '&#x9;').replace(/\n/g, '&#xA;').replace(/\r/g, '&#xD;') : s.replace(/\r/g, '&#13;');
}
function escText(v: string, canonicalStyle: boolean): string {
  const s = v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, canonicalStyle ? '&gt;' : '>');
  return canonicalStyle ? s.replace(/\r/g, '&#xD;') : s.replace(/\r/g, '&#13;');
}

/** Render a random tree (any order, possibly ill-formed in namespaces or duplicates: the general path decides). */
function render(n: Node, style: { canonicalEscapes: boolean; emptyTags: boolean; comments: boolean }): string {
  const decls = n.decls
    .filter(([p, u]) => !(p !== '' && u === ''))
    .map(([p, u]) => (p ? ` xmlns:${p}="${escAttr(u, style.canonicalEscapes)}"` : ` xmlns="${escAttr(u, style.canonicalEscapes)}"`))
    .join('');
  const attrs = n.attrs.map(([q, v]) => ` ${q}="${escAttr(v, style.canonicalEscapes)}"`).join('');
  const inner = n.children
    .map((c) =>
      typeof c === 'string' ? escText(c, style.canonicalEscapes) : 'comment' in c ? (style.comments ? `<!--${c.comment}-->` : '') : render(c, style),
    )
    .join('');
  if (inner === '' && style.emptyTags) return `<${n.name}${decls}${attrs}/>`;
  return `<${n.name}${decls}${attrs}>${inner}</${n.name}>`;
}

test('property: random documents — the scanner accepts only their canonical form, and then hash and bytes agree', () => {
  let accepted = 0;
  let acceptedForms = 0;
  let wellFormed = 0;
  fc.assert(
    fc.property(node, fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (root, canonicalEscapes, emptyTags, comments, bind) => {
      const inner = render(root, { canonicalEscapes, emptyTags, comments });
      // Half of the documents bind both prefixes at the top, so that more of them are well-formed.
      const doc = bind ? `<r xmlns:p="urn:p" xmlns:q="urn:q">${inner}</r>` : inner;
      const bytes = Buffer.from(doc, 'utf8');
      if (assertSound(bytes, doc)) accepted++;
      const c = generalCanonical(bytes);
      if (c === null) return;
      wellFormed++;
      // The canonical form of any well-formed document: accepted unless it has comments (the scanner
      // refuses those) or nests deeper than the general path's limit.
      const cBytes = Buffer.from(c, 'utf8');
      const scan = scanCanonical(cBytes);
      if (scan.canonical) acceptedForms++;
      if (!c.includes('<!--')) assert.ok(scan.canonical, `canonical form refused: ${c} (${JSON.stringify(scan)})`);
      assertSound(cBytes, c);
    }),
    { numRuns: 600 },
  );
  // The generator must produce enough of both kinds for the property to mean something.
  assert.ok(wellFormed > 150, `only ${wellFormed} well-formed documents`);
  assert.ok(accepted > 10, `only ${accepted} documents accepted as canonical as written`);
  assert.ok(acceptedForms > 150, `only ${acceptedForms} canonical forms accepted`);
});

test('property: single-byte mutations of a real file are accepted only when still canonical; emlHash = general path', () => {
  const original = readFileSync(eml('tk2021', 'Resultaat_TK2021.eml.xml'));
  const interesting = [0x3c, 0x3e, 0x26, 0x22, 0x27, 0x20, 0x0d, 0x0a, 0x09, 0x00, 0xc3, 0xff, 0x61, 0x2f, 0x3d, 0x3a, 0x21, 0x3f, 0x31];
  fc.assert(
    fc.property(fc.nat({ max: original.length - 1 }), fc.constantFrom(...interesting), (at, byte) => {
      const bytes = Buffer.from(original);
      bytes[at] = byte;
      assertSound(bytes, `byte ${at} := 0x${byte.toString(16)}`);
    }),
    { numRuns: 150 },
  );
});

test('property: mutations of a real 510 file — the fast reader agrees with the general reader on every outcome', async () => {
  const original = readFileSync(eml('tk2021', 'Telling_TK2021_kieskring_s-Gravenhage.eml.xml'));
  // Mutate in the vote blocks (digits, tags, attributes), where the reading logic has the most to check.
  const start = original.indexOf('<TotalVotes>');
  const interesting = [0x3c, 0x3e, 0x26, 0x22, 0x20, 0x0a, 0x2d, 0x61, 0x2f, 0x30, 0x39, 0x3a];
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: start, max: original.length - 1 }), fc.constantFrom(...interesting), async (at, byte) => {
      const bytes = Buffer.from(original);
      bytes[at] = byte;
      assert.deepEqual(await readEml510(bytes), slowRead510(bytes), `byte ${at} := 0x${byte.toString(16)}`);
    }),
    { numRuns: 40 },
  );
});

test('the resumable scan (in steps, as the import reports progress) gives the same outcome as one pass', () => {
  const bytes = readFileSync(eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml'));
  let steps = 0;
  let units = 0;
  const r = new Eml510CanonicalReader(bytes, { onUnit: () => units++ });
  let out = r.step(1 << 16);
  while (out === null) {
    steps++;
    out = r.step(r.position + (1 << 16));
  }
  assert.ok(steps > 10);
  const once = new Eml510CanonicalReader(bytes).step()!;
  assert.deepEqual(out, once);
  assert.equal(units, once.read!.units);
});

/** The events of a document as the scanner reports them (texts decoded and merged). */
function fastEvents(bytes: Buffer): string[] | null {
  const out: string[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push(`T${JSON.stringify(text)}`);
    text = '';
  };
  const scan = scanCanonical(bytes, {
    startElement: (name, uri, attributes) => {
      flush();
      out.push(`S{${uri}}${name.local} ${name.name} ${JSON.stringify(attributes.map((a) => [a.name, a.uri, a.local, a.value]))}`);
    },
    endElement: () => {
      flush();
      out.push('E');
    },
    text: (b, s, e) => {
      text += decodeText(b, s, e);
    },
  });
  flush();
  return scan.canonical ? out : null;
}

/** The same events from saxes (xml.ts). */
function saxesEvents(bytes: Buffer): string[] {
  const out: string[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push(`T${JSON.stringify(text)}`);
    text = '';
  };
  const r = readXml(
    bytes,
    {
      startElement: (tag) => {
        flush();
        out.push(`S{${tag.uri}}${tag.local} ${tag.name} ${JSON.stringify(tag.attributes.map((a) => [a.name, a.uri, a.local, a.value]))}`);
      },
      endElement: () => {
        flush();
        out.push('E');
      },
      text: (t) => {
        text += t;
      },
    },
    { maxBytes: MAX },
  );
  assert.ok(r.ok);
  flush();
  return out;
}

test('property: repeated markup (replayed by the scanner) gives exactly the events saxes gives', () => {
  let compared = 0;
  fc.assert(
    fc.property(fc.array(node, { minLength: 1, maxLength: 3 }), fc.array(fc.nat({ max: 2 }), { minLength: 4, maxLength: 30 }), text, (pool, picks, sep) => {
      const parts = pool.map((n) => render(n, { canonicalEscapes: true, emptyTags: false, comments: false }));
      // The same pieces many times, in various orders and under elements with and without declarations.
      const body = picks.map((i, k) => (k % 5 === 4 ? `<w xmlns="urn:w">${parts[i % parts.length]}</w>` : parts[i % parts.length]) + escText(sep, true)).join('');
      const doc = Buffer.from(`<r xmlns:p="urn:p" xmlns:q="urn:q">${body}</r>`);
      const c = generalCanonical(doc);
      if (c === null) return;
      const cBytes = Buffer.from(c);
      const fast = fastEvents(cBytes);
      if (fast === null) return;
      compared++;
      assert.deepEqual(fast, saxesEvents(cBytes));
    }),
    // a fresh seed per run: about a third of the generated documents are canonical and scanned
    { numRuns: 900 },
  );
  assert.ok(compared > 100, `only ${compared} documents compared`);
});

test('every single-byte change of a small repetitive document: accepted only when still canonical (replayed markup included)', () => {
  // Texts between the tags make many short runs, so a changed start tag is followed by replayed end tags.
  const unit = '<a>t<b x="1">5</b>t<p:c></p:c>t</a>';
  const doc = Buffer.from(`<r ${DS} xmlns:p="urn:p">${METHOD}${`${unit}\n`.repeat(6)}<w xmlns="urn:w">${unit}</w>${unit}</r>`);
  assert.equal(assertSound(doc, 'original'), true);
  let accepted = 0;
  for (let at = 0; at < doc.length; at++) {
    for (const byte of [0x3c, 0x3e, 0x2f, 0x61, 0x62, 0x7a, 0x20, 0x22, 0x3a, 0x0d]) {
      if (doc[at] === byte) continue;
      const bytes = Buffer.from(doc);
      bytes[at] = byte;
      if (assertSound(bytes, `byte ${at} := 0x${byte.toString(16)}`)) {
        accepted++;
        assert.deepEqual(fastEvents(bytes), saxesEvents(bytes));
      }
    }
  }
  assert.ok(accepted > 20, `only ${accepted} mutants still canonical`);
});
