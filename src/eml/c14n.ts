import { ok, type Result } from '../domain/result.ts';
import {
  readXml,
  type XmlDocument,
  type XmlElement,
  type XmlHandler,
  type XmlName,
  type XmlReadOptions,
  type XmlStartTag,
} from './xml.ts';

/**
 * Canonical XML 1.0 (https://www.w3.org/TR/2001/REC-xml-c14n-20010315) of a whole document, with or
 * without comments: no XML declaration and no DOCTYPE, CDATA as escaped text, character and entity
 * references resolved, line ends as LF, empty elements as start and end tag, superfluous namespace
 * declarations dropped, namespace declarations (default first, then by prefix) before attributes
 * (by namespace URI, then local name), attribute values in double quotes, whitespace outside the
 * document element dropped, comments outside it separated from it by a LF.
 *
 * The canonicalizer is an XmlHandler writing pieces of output to a sink, so a large file can be
 * canonicalized while it streams (e.g. straight into a hash); `canonicalizeDocument` replays a parsed
 * tree through the same handler.
 */

export const C14N_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
export const C14N_OMIT_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

export interface C14nOptions {
  /** Keep comments (the #WithComments variant). Default true. */
  readonly withComments?: boolean;
}

const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIAL_G = /[&<>\r]/g;
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };

/** C14N escaping of character data: & < > and CR. */
export function escapeText(s: string): string {
  return TEXT_SPECIAL.test(s) ? s.replace(TEXT_SPECIAL_G, (c) => TEXT_ESCAPES[c]!) : s;
}

const ATTR_SPECIAL = /[&<"\t\n\r]/;
const ATTR_SPECIAL_G = /[&<"\t\n\r]/g;
const ATTR_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};

/** C14N escaping of an attribute value (to go between double quotes): & < " TAB LF CR. */
export function escapeAttr(s: string): string {
  return ATTR_SPECIAL.test(s) ? s.replace(ATTR_SPECIAL_G, (c) => ATTR_ESCAPES[c]!) : s;
}

/** Order of strings by Unicode code point (JavaScript's `<` orders by UTF-16 code unit). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Surrogates (D800-DFFF) encode code points above FFFF, so they rank after E000-FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/**
 * A streaming canonicalizer: feed it the events of one whole document (as XmlStreamReader does) and it
 * writes the canonical form to `out`, piece by piece.
 */
export function createC14nHandler(out: (piece: string) => void, options: C14nOptions = {}): XmlHandler {
  const withComments = options.withComments ?? true;
  // In-scope namespace bindings per prefix, as stacks; the default namespace starts as ''.
  const scopes = new Map<string, string[]>([['', ['']]]);
  // Per open element: the prefixes it pushed, to pop at its end.
  const pushed: string[][] = [];
  let depth = 0;
  let rootDone = false;

  return {
    startElement(tag: XmlStartTag) {
      const own: string[] = [];
      const rendered: { prefix: string; uri: string }[] = [];
      for (const d of tag.nsDecls) {
        if (d.prefix === 'xml') continue; // the xml namespace is never declared in canonical form
        const stack = scopes.get(d.prefix);
        const current = stack ? stack[stack.length - 1] : undefined;
        // Rendered only when it changes what the parent has in scope (so xmlns="" under no default is not).
        if (current !== d.uri) {
          rendered.push(d);
        }
        if (stack) stack.push(d.uri);
        else scopes.set(d.prefix, [d.uri]);
        own.push(d.prefix);
      }
      pushed.push(own);
      depth += 1;

      let s = `<${tag.name}`;
      if (rendered.length > 1) rendered.sort((a, b) => compareCodePoints(a.prefix, b.prefix));
      for (const d of rendered) {
        s += d.prefix === '' ? ` xmlns="${escapeAttr(d.uri)}"` : ` xmlns:${d.prefix}="${escapeAttr(d.uri)}"`;
      }
      const attrs =
        tag.attributes.length > 1
          ? [...tag.attributes].sort((a, b) => compareCodePoints(a.uri, b.uri) || compareCodePoints(a.local, b.local))
          : tag.attributes;
      for (const a of attrs) s += ` ${a.name}="${escapeAttr(a.value)}"`;
      out(s + '>');
    },
    endElement(tag: XmlName) {
      out(`</${tag.name}>`);
      for (const prefix of pushed.pop()!) scopes.get(prefix)!.pop();
      depth -= 1;
      if (depth === 0) rootDone = true;
    },
    text(text: string) {
      if (depth > 0) out(escapeText(text));
    },
    comment(text: string) {
      if (!withComments) return;
      if (depth > 0) out(`<!--${text}-->`);
      else if (rootDone) out(`\n<!--${text}-->`);
      else out(`<!--${text}-->\n`);
    },
  };
}

/** The canonical form of a parsed tree. */
export function canonicalizeDocument(doc: XmlDocument, options: C14nOptions = {}): string {
  const parts: string[] = [];
  const h = createC14nHandler((p) => parts.push(p), options);
  const walk = (el: XmlElement): void => {
    h.startElement!(el);
    for (const c of el.children) {
      if (c.kind === 'element') walk(c);
      else if (c.kind === 'text') h.text!(c.text);
      else h.comment!(c.text, 1);
    }
    h.endElement!(el);
  };
  for (const c of doc.before) h.comment!(c.text, 0);
  walk(doc.root);
  for (const c of doc.after) h.comment!(c.text, 0);
  return parts.join('');
}

/** Parse and canonicalize bytes in one streaming pass. */
export function canonicalize(bytes: Uint8Array, options: XmlReadOptions & C14nOptions): Result<string> {
  const parts: string[] = [];
  const result = readXml(bytes, createC14nHandler((p) => parts.push(p), options), options);
  return result.ok ? ok(parts.join('')) : result;
}
