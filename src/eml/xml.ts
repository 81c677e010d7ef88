import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { ErrorCode } from '../domain/errorCodes.ts';
import { fail, ok, type Failure, type Result } from '../domain/result.ts';

/**
 * A safe XML reading layer over saxes (namespace aware).
 *
 * Everything an election file never needs and an attacker could use is refused, as a Failure with a
 * Dutch message: a DOCTYPE (and so every entity declaration: "billion laughs" is refused at the
 * DOCTYPE, before any reference could be expanded; saxes never expands declared entities anyway),
 * references to entities other than the five predefined ones, processing instructions (the XML
 * declaration is not one), encodings other than UTF-8, ill-formed or truncated input, input larger
 * than the caller's limit, and nesting deeper than a limit.
 *
 * Two ways in:
 * - streaming: `new XmlStreamReader(handler, options)`, then `write(chunk)` per chunk of bytes and
 *   `end()`; handlers see start tags, end tags, text and comments as they come (for large files,
 *   e.g. a 70 MB EML 510b);
 * - small files: `readXmlTree(bytes, options)` builds a light element tree.
 */

export type XmlErrorCode =
  | 'xml.not_xml'
  | 'xml.encoding'
  | 'xml.doctype'
  | 'xml.entity'
  | 'xml.pi'
  | 'xml.malformed'
  | 'xml.truncated'
  | 'xml.too_large'
  | 'xml.too_deep';

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export interface XmlName {
  /** The qualified name as written, e.g. 'kr:Region'. */
  readonly name: string;
  /** '' when unprefixed. */
  readonly prefix: string;
  readonly local: string;
  /** The namespace URI; '' for no namespace. */
  readonly uri: string;
}

export interface XmlAttribute extends XmlName {
  /** The normalised attribute value (entities resolved, literal tab/CR/LF as spaces). */
  readonly value: string;
}

/** A namespace declaration written on an element: xmlns="uri" (prefix '') or xmlns:p="uri". */
export interface XmlNsDecl {
  readonly prefix: string;
  readonly uri: string;
}

export interface XmlStartTag extends XmlName {
  /** The attributes in document order, without the namespace declarations. */
  readonly attributes: readonly XmlAttribute[];
  /** The namespace declarations written on this element, in document order. */
  readonly nsDecls: readonly XmlNsDecl[];
  /** Line of the end of the start tag (1-based). */
  readonly line: number;
}

/**
 * What a handler callback may return: nothing to go on, 'stop' to end reading successfully (the rest
 * of the input is ignored), or a Failure to end reading with that failure.
 */
export type HandlerResult<C extends string = ErrorCode> = void | 'stop' | Failure<C>;

export interface XmlHandler<C extends string = ErrorCode> {
  startElement?(tag: XmlStartTag): HandlerResult<C>;
  endElement?(tag: XmlName): HandlerResult<C>;
  /** Character data inside the document element (entities resolved, CDATA included, line ends as LF). */
  text?(text: string): HandlerResult<C>;
  /** A comment; `depth` is 0 outside the document element. */
  comment?(text: string, depth: number): HandlerResult<C>;
}

export interface XmlReadOptions {
  /** Refuse input larger than this many bytes. */
  readonly maxBytes: number;
  /** Refuse element nesting deeper than this (default 64; EML nests about 12 deep). */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 64;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** Thrown inside saxes callbacks to unwind out of `parser.write`; never escapes this module. */
class Abort {}
const ABORT = new Abort();

/** Carries an exception thrown by a handler (a bug, not an XML error) out of saxes, to be rethrown as is. */
class HandlerException {
  constructor(readonly error: unknown) {}
}

/**
 * saxes stores each handler with a keyed property store; after a handful of those V8 turns the parser
 * into a dictionary-mode object, which makes parsing 4-5 times slower. Using an object as a prototype
 * makes V8 give it fast properties again.
 */
function toFastProperties(o: object): void {
  function F(): void {}
  F.prototype = o;
  // @ts-expect-error -- a plain function used as a constructor, only for its side effect on `o`
  void new F();
}

function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 10 ? `${Math.round(mb)} MB` : `${Math.round(mb * 10) / 10} MB`.replace('.', ',');
}

/** The failure for input over a size limit (also for callers that check the size up front). */
export function tooLargeFailure(maxBytes: number): Failure<XmlErrorCode> {
  return xmlFailure(
    'xml.too_large',
    `Het bestand is te groot: het mag hoogstens ${formatMegabytes(maxBytes)} zijn.`,
    `input exceeds ${maxBytes} bytes`,
  );
}

function xmlFailure(code: XmlErrorCode, message: string, detail?: string): Failure<XmlErrorCode> {
  return fail(code, message, detail);
}

/**
 * Streaming reader. Feed bytes with `write` (any chunking, also mid-character), then call `end`.
 * After a failure or a 'stop', `write` returns false and further input is ignored.
 */
export class XmlStreamReader<C extends string = ErrorCode> {
  private readonly parser: SaxesParser<{ xmlns: true; position: true }>;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly maxBytes: number;
  private readonly maxDepth: number;
  private bytes = 0;
  private depth = 0;
  /** Still looking at the first bytes (byte order mark, whitespace, the first '<'). */
  private sniffing = true;
  private sawContent = false;
  private bomBytes = 0;
  private failure: Failure<C | XmlErrorCode> | null = null;
  private stopped = false;
  private closing = false;

  constructor(handler: XmlHandler<C>, options: XmlReadOptions) {
    this.maxBytes = options.maxBytes;
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    const parser = new SaxesParser({ xmlns: true, position: true });
    this.parser = parser;

    // No 'error' handler: without one saxes throws at the first error, which `feed` turns into a Failure.
    parser.on('doctype', () =>
      this.abortWith(
        xmlFailure(
          'xml.doctype',
          `Het bestand bevat een DOCTYPE-declaratie (regel ${parser.line}); dat is om veiligheidsredenen niet toegestaan.`,
          'DOCTYPE declarations (and with them entity declarations) are refused',
        ),
      ),
    );
    parser.on('processinginstruction', ({ target }) =>
      this.abortWith(
        xmlFailure(
          'xml.pi',
          `Het bestand bevat een verwerkingsinstructie (<?${target} ...?>, regel ${parser.line}); dat is niet toegestaan.`,
          `processing instruction ${JSON.stringify(target)} refused`,
        ),
      ),
    );
    parser.on('opentag', (tag) => {
      this.depth += 1;
      if (this.depth === 1) this.checkDeclaredEncoding();
      if (this.depth > this.maxDepth) {
        this.abortWith(
          xmlFailure(
            'xml.too_deep',
            `Het bestand is te diep genest (meer dan ${this.maxDepth} niveaus, regel ${parser.line}).`,
            `element depth exceeds ${this.maxDepth}`,
          ),
        );
      }
      if (handler.startElement) this.call(() => handler.startElement!(toStartTag(tag, parser.line)));
    });
    parser.on('closetag', (tag) => {
      this.depth -= 1;
      if (handler.endElement) {
        this.call(() => handler.endElement!({ name: tag.name, prefix: tag.prefix, local: tag.local, uri: tag.uri }));
      }
    });
    const onText = (text: string): void => {
      if (this.depth > 0 && handler.text) this.call(() => handler.text!(text));
    };
    parser.on('text', onText);
    parser.on('cdata', onText);
    parser.on('comment', (text) => {
      if (handler.comment) this.call(() => handler.comment!(text, this.depth));
    });
    toFastProperties(parser);
  }

  /** The failure that ended reading, or null (no failure yet, or stopped). */
  get problem(): Failure<C | XmlErrorCode> | null {
    return this.failure;
  }

  /** Where the parser is (1-based line, column), for messages of a handler. */
  get position(): { readonly line: number; readonly column: number } {
    return { line: this.parser.line, column: this.parser.column };
  }

  /** True while more input is wanted (no failure, no stop). */
  get active(): boolean {
    return this.failure === null && !this.stopped;
  }

  /** Feed the next chunk of bytes. Returns false when reading has ended (failure or stop). */
  write(chunk: Uint8Array): boolean {
    if (!this.active) return false;
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      this.failure = tooLargeFailure(this.maxBytes);
      return false;
    }
    if (this.sniffing) {
      this.failure = this.sniff(chunk, this.bytes - chunk.length);
      if (this.failure) return false;
    }
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      this.failure = encodingFailure(this.bytes - chunk.length);
      return false;
    }
    this.feed(text);
    return this.active;
  }

  /** Signal the end of the input and get the outcome. */
  end(): Result<void, C | XmlErrorCode> {
    if (this.failure) return this.failure;
    if (this.stopped) return ok(undefined);
    let rest: string;
    try {
      rest = this.decoder.decode();
    } catch {
      return (this.failure = encodingFailure(this.bytes));
    }
    if (rest) this.feed(rest);
    if (this.failure) return this.failure;
    if (this.stopped) return ok(undefined);
    if (!this.sawContent) {
      return (this.failure = xmlFailure('xml.not_xml', 'Het bestand is leeg of bevat geen XML.', 'no content'));
    }
    this.closing = true;
    this.run(() => this.parser.close());
    if (this.failure) return this.failure;
    return ok(undefined);
  }

  private feed(text: string): void {
    this.run(() => this.parser.write(text));
  }

  /**
   * Check the start of the input at byte level, before decoding: after an optional UTF-8 byte order mark
   * and whitespace the first byte must be '<'; a UTF-16/32 byte order mark or a NUL byte among the
   * first four bytes means another encoding.
   */
  private sniff(chunk: Uint8Array, offset: number): Failure<XmlErrorCode> | null {
    for (let i = 0; i < chunk.length; i++) {
      const at = offset + i;
      if (at >= 4 && this.sawContent) {
        this.sniffing = false;
        return null;
      }
      const b = chunk[i]!;
      if (b === 0x00 || (at === 0 && (b === 0xfe || b === 0xff))) return encodingFailure(at);
      if (this.sawContent) continue;
      if (at < 3 && b === UTF8_BOM[at] && this.bomBytes === at) {
        this.bomBytes += 1;
        continue;
      }
      if (b === 0x3c) this.sawContent = true;
      else if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
        return xmlFailure('xml.not_xml', 'Het bestand is geen XML-bestand.', `input does not start with "<" (byte ${at})`);
      }
    }
    return null;
  }

  /** Run saxes; turn its errors (thrown at the first one) into a Failure, unwind aborts, rethrow bugs. */
  private run(f: () => unknown): void {
    try {
      f();
    } catch (e) {
      if (e instanceof HandlerException) throw e.error;
      if (e instanceof Abort) return;
      this.failure ??= this.parseError(e instanceof Error ? e.message : String(e));
    }
  }

  /** Call a handler callback and act on what it returns. */
  private call(f: () => HandlerResult<C>): void {
    let result: HandlerResult<C>;
    try {
      result = f();
    } catch (e) {
      throw new HandlerException(e);
    }
    if (result === undefined) return;
    if (result === 'stop') {
      this.stopped = true;
      throw ABORT;
    }
    this.abortWith(result);
  }

  private checkDeclaredEncoding(): void {
    const { encoding } = this.parser.xmlDecl;
    if (encoding !== undefined && !/^utf-?8$/i.test(encoding)) {
      this.abortWith(
        xmlFailure(
          'xml.encoding',
          `Het bestand heeft tekencodering ${encoding}; alleen UTF-8 wordt geaccepteerd.`,
          `declared encoding ${JSON.stringify(encoding)}`,
        ),
      );
    }
  }

  private abortWith(failure: Failure<C | XmlErrorCode>): never {
    this.failure ??= failure;
    throw ABORT;
  }

  private parseError(raw: string): Failure<XmlErrorCode> {
    const { line, column } = this.parser;
    // saxes prefixes its messages with "line:column: ".
    const message = raw.replace(/^\d+:\d+: /, '');
    const where = `regel ${line}, kolom ${column}`;
    if (/entity/.test(message)) {
      return xmlFailure(
        'xml.entity',
        `Het bestand verwijst naar een onbekende entiteit (${where}); alleen &lt; &gt; &amp; &quot; &apos; en tekencodes zijn toegestaan.`,
        `${line}:${column}: ${message}`,
      );
    }
    if (this.closing) {
      // Errors raised by close(): the input stopped too early.
      return xmlFailure(
        'xml.truncated',
        `Het bestand is onvolledig: het XML-bestand houdt voortijdig op (${where}).`,
        `${line}:${column}: ${message}`,
      );
    }
    return xmlFailure('xml.malformed', `Het bestand is geen geldig XML-bestand (${where}).`, `${line}:${column}: ${message}`);
  }
}

function encodingFailure(atByte: number): Failure<XmlErrorCode> {
  return xmlFailure(
    'xml.encoding',
    'Het bestand is niet in de tekencodering UTF-8; alleen UTF-8 wordt geaccepteerd.',
    `invalid UTF-8 near byte ${atByte}`,
  );
}

function toStartTag(tag: SaxesTagNS, line: number): XmlStartTag {
  const attributes: XmlAttribute[] = [];
  const nsDecls: XmlNsDecl[] = [];
  for (const a of Object.values(tag.attributes)) {
    if (a.name === 'xmlns') nsDecls.push({ prefix: '', uri: a.value });
    else if (a.prefix === 'xmlns') nsDecls.push({ prefix: a.local, uri: a.value });
    else attributes.push({ name: a.name, prefix: a.prefix, local: a.local, uri: a.uri, value: a.value });
  }
  return { name: tag.name, prefix: tag.prefix, local: tag.local, uri: tag.uri, attributes, nsDecls, line };
}

const CHUNK = 1 << 20;

/** Read a whole buffer through a handler, in chunks. */
export function readXml<C extends string = ErrorCode>(bytes: Uint8Array, handler: XmlHandler<C>, options: XmlReadOptions): Result<void, C | XmlErrorCode> {
  const reader = new XmlStreamReader(handler, options);
  for (let i = 0; i < bytes.length; i += CHUNK) {
    if (!reader.write(bytes.subarray(i, i + CHUNK))) break;
  }
  return reader.end();
}

/** Read a stream of chunks (e.g. a file read stream) through a handler. */
export async function readXmlStream<C extends string = ErrorCode>(
  chunks: AsyncIterable<Uint8Array>,
  handler: XmlHandler<C>,
  options: XmlReadOptions,
): Promise<Result<void, C | XmlErrorCode>> {
  const reader = new XmlStreamReader(handler, options);
  for await (const chunk of chunks) {
    if (!reader.write(chunk)) break;
  }
  return reader.end();
}

// ---------------------------------------------------------------------------------------------
// Light element tree for small files.

export interface XmlElement extends XmlStartTag {
  readonly kind: 'element';
  readonly children: XmlNode[];
}

export interface XmlText {
  readonly kind: 'text';
  text: string;
}

export interface XmlComment {
  readonly kind: 'comment';
  readonly text: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment;

export interface XmlDocument {
  readonly root: XmlElement;
  /** Comments before and after the document element. */
  readonly before: readonly XmlComment[];
  readonly after: readonly XmlComment[];
}

/** Parse a (small) document into a tree. Adjacent text is merged into one text node. */
export function readXmlTree(bytes: Uint8Array, options: XmlReadOptions): Result<XmlDocument> {
  const stack: XmlElement[] = [];
  const before: XmlComment[] = [];
  const after: XmlComment[] = [];
  let root: XmlElement | null = null;
  const result = readXml(
    bytes,
    {
      startElement(tag) {
        const el: XmlElement = { ...tag, kind: 'element', children: [] };
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(el);
        else root = el;
        stack.push(el);
      },
      endElement() {
        stack.pop();
      },
      text(text) {
        const children = stack[stack.length - 1]!.children;
        const last = children[children.length - 1];
        if (last?.kind === 'text') last.text += text;
        else children.push({ kind: 'text', text });
      },
      comment(text) {
        const node: XmlComment = { kind: 'comment', text };
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(node);
        else (root ? after : before).push(node);
      },
    },
    options,
  );
  if (!result.ok) return result;
  return ok({ root: root!, before, after });
}

// ---------------------------------------------------------------------------------------------
// Tree navigation.

export function isElement(node: XmlNode): node is XmlElement {
  return node.kind === 'element';
}

/** The child elements, optionally only those with the given namespace and local name. */
export function childElements(el: XmlElement, uri?: string, local?: string): XmlElement[] {
  return el.children.filter(
    (c): c is XmlElement => c.kind === 'element' && (uri === undefined || c.uri === uri) && (local === undefined || c.local === local),
  );
}

export function firstChild(el: XmlElement, uri: string, local: string): XmlElement | undefined {
  for (const c of el.children) if (c.kind === 'element' && c.uri === uri && c.local === local) return c;
  return undefined;
}

/** All text of an element and its descendants (comments excluded). */
export function textContent(el: XmlElement): string {
  let s = '';
  for (const c of el.children) {
    if (c.kind === 'text') s += c.text;
    else if (c.kind === 'element') s += textContent(c);
  }
  return s;
}

/** An attribute value; `uri` '' (the default) for unprefixed attributes. */
export function attributeValue(el: XmlStartTag, local: string, uri = ''): string | undefined {
  return el.attributes.find((a) => a.local === local && a.uri === uri)?.value;
}

/**
 * Reads required and optional parts of a tree without exceptions: a missing or invalid required part
 * yields a placeholder and records the first problem as a Failure (`code`, Dutch message naming the
 * element and its line). Check `failure` once at the end.
 */
export class TreeReader {
  failure: Failure | null = null;

  constructor(
    private readonly code: ErrorCode,
    /** Dutch noun phrase for the file, e.g. 'de verkiezingsdefinitie'. */
    private readonly what: string,
  ) {}

  problem(message: string, detail?: string): void {
    this.failure ??= fail(this.code, message, detail);
  }

  /** A required child element; on absence records a problem and returns undefined. */
  child(el: XmlElement | undefined, uri: string, local: string): XmlElement | undefined {
    if (!el) return undefined;
    const c = firstChild(el, uri, local);
    if (!c) {
      this.problem(
        `In ${this.what} ontbreekt het verplichte onderdeel ${local} (in ${el.local}, regel ${el.line}).`,
        `missing {${uri}}${local} in ${el.name} at line ${el.line}`,
      );
    }
    return c;
  }

  /** The trimmed text of a required child element; absence and emptiness are problems ('' then). */
  text(el: XmlElement | undefined, uri: string, local: string): string {
    const c = this.child(el, uri, local);
    if (!c) return '';
    const t = textContent(c).trim();
    if (!t) {
      this.problem(`In ${this.what} is ${local} leeg (regel ${c.line}).`, `empty ${c.name} at line ${c.line}`);
    }
    return t;
  }

  /** The trimmed text of an optional child element; null when absent or empty. */
  optionalText(el: XmlElement | undefined, uri: string, local: string): string | null {
    const c = el ? firstChild(el, uri, local) : undefined;
    if (!c) return null;
    const t = textContent(c).trim();
    return t === '' ? null : t;
  }

  /** A required attribute, trimmed. */
  attr(el: XmlElement | undefined, local: string): string {
    if (!el) return '';
    const v = attributeValue(el, local);
    if (v === undefined || v.trim() === '') {
      this.problem(
        `In ${this.what} ontbreekt het verplichte kenmerk ${local} van ${el.local} (regel ${el.line}).`,
        `missing attribute ${local} on ${el.name} at line ${el.line}`,
      );
      return '';
    }
    return v.trim();
  }

  /** Parse a whole number (digits only) with bounds; records a problem naming `label` otherwise. */
  integer(value: string, label: string, line: number, min = 0): number {
    if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      if (value !== '') {
        this.problem(`In ${this.what} is ${label} geen geldig getal: "${value}" (regel ${line}).`, `bad integer ${label}=${value}`);
      } else {
        this.problem(`In ${this.what} ontbreekt ${label} (regel ${line}).`, `missing integer ${label}`);
      }
      return 0;
    }
    return Number(value);
  }

  /** Check a date yyyy-mm-dd that exists in the calendar ('' is left to the check for presence). */
  date(value: string, label: string, line: number): string {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const valid =
      m !== null &&
      new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).toISOString().slice(0, 10) === value;
    if (!valid && value !== '') {
      this.problem(`In ${this.what} is ${label} geen geldige datum: "${value}" (regel ${line}).`, `bad date ${label}=${value}`);
    }
    return value;
  }
}
