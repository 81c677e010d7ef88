/**
 * A byte-level recogniser of documents that are already in canonical form (C14N 1.0, as OSV writes
 * its EML files), and a fast event source for readers of such documents.
 *
 * Why: the canonical hash of a document that is its own canonical form is the SHA-256 of its raw
 * bytes (one native call). Proving "is its own canonical form" needs no tree and no strings: one
 * pass over the bytes checking a deliberately narrow grammar. Anything outside that grammar, even if
 * it is fine XML, makes the scanner answer `canonical: false`, and callers fall back to the general
 * path (saxes + c14n.ts), which then decides (and names the error, if any). The scanner never guesses.
 *
 * The accepted grammar (every rule is where C14N output and our general path agree byte for byte):
 * - valid UTF-8 (native check), no U+FFFE/U+FFFF, no control characters other than TAB and LF (so no
 *   CR anywhere), no byte order mark;
 * - the first byte is '<' of the document element and the last byte is its end tag's '>': no XML
 *   declaration, no DOCTYPE, no processing instructions, no comments, nothing outside the root;
 * - no comments, CDATA sections, processing instructions or DOCTYPE anywhere (`<` must start a tag);
 * - names in ASCII: [A-Za-z_][A-Za-z0-9._-]* with at most one ':' (prefix and local part both such names);
 * - start tags `<name( name="value")*>`: single spaces, double quotes, never `/>` (an empty element is
 *   written `<a></a>`); end tags `</name>` matching the start tag; nesting at most 64 deep (the general
 *   path's limit);
 * - namespace declarations first (xmlns="..." first, then xmlns:p="..." by prefix), each one changing
 *   what is in scope (C14N drops superfluous ones); no declaration of the xml or xmlns prefixes or
 *   namespaces, no undeclaring of a prefix, no white space around a namespace name (saxes trims it);
 *   every prefix used is in scope;
 * - then attributes strictly ordered by (namespace URI, local name) in code-point order (so no
 *   duplicates);
 * - attribute values: no literal '<', '"', TAB, LF or CR; '&' only in &amp; &lt; &quot; &#x9; &#xA; &#xD;
 * - text: no literal '>' or CR; '&' only in &amp; &lt; &gt; &#xD;
 *
 * The scanner can report the document's events (start tags with resolved namespaces and decoded
 * attribute values, raw text ranges, end tags) to a handler, so a reader can work in the same pass.
 * Events are only meaningful when the whole scan ends `canonical: true`.
 */
import { isUtf8 } from 'node:buffer';
import { compareCodePoints } from './c14n.ts';

export const FAST_MAX_DEPTH = 64;
/** At most this many bytes of remembered markup runs (a 510b needs well under 100 KB). */
const MAX_RUN_BYTES = 4 << 20;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';

export interface FastAttribute {
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  readonly uri: string;
  readonly value: string;
}

/** An element name (interned: the same object every time the same name occurs). */
export interface FastName {
  /** The qualified name as written. */
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  /**
   * Free for the handler: what it made of this name (e.g. a reader's element key, with the namespace
   * URI it had then), so it is worked out once per name instead of once per element. Never read here.
   */
  memo: unknown;
}

export interface FastScanHandler {
  /**
   * A start tag: its name, namespace URI, and attributes without the namespace declarations, in
   * document (= canonical) order.
   */
  startElement?(name: FastName, uri: string, attributes: readonly FastAttribute[]): void;
  endElement?(): void;
  /** Text inside the document element: bytes[start, end) as written (canonically escaped; see decodeText). */
  text?(bytes: Buffer, start: number, end: number): void;
}

export type FastScanOutcome =
  | { readonly canonical: true; /** Algorithm of the first ds:CanonicalizationMethod (trimmed), null if none. */ readonly algorithm: string | null }
  | { readonly canonical: false; readonly reason: string; readonly at: number };

// Byte classes for names.
const NAME_START = 1;
const NAME_CHAR = 2;
const CLASS = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) CLASS[c] = NAME_START | NAME_CHAR;
  else if (/[0-9.-]/.test(ch)) CLASS[c] = NAME_CHAR;
}

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const QUOT = 0x22;
const SLASH = 0x2f;
const COLON = 0x3a;
const SPACE = 0x20;
const EQ = 0x3d;
const TAB = 0x09;
const LF = 0x0a;

const FFFE = Buffer.from([0xef, 0xbf, 0xbe]);
const FFFF = Buffer.from([0xef, 0xbf, 0xbf]);

/** Canonical references: [bytes after '&' up to and including ';', the character]. */
const TEXT_REFS: readonly (readonly [Buffer, string])[] = [
  [Buffer.from('amp;'), '&'],
  [Buffer.from('lt;'), '<'],
  [Buffer.from('gt;'), '>'],
  [Buffer.from('#xD;'), '\r'],
];
const ATTR_REFS: readonly (readonly [Buffer, string])[] = [
  [Buffer.from('amp;'), '&'],
  [Buffer.from('lt;'), '<'],
  [Buffer.from('quot;'), '"'],
  [Buffer.from('#x9;'), '\t'],
  [Buffer.from('#xA;'), '\n'],
  [Buffer.from('#xD;'), '\r'],
];

/** Length of the canonical reference at bytes[at] ('&' there), or 0 when there is none of `refs`. */
function refLength(bytes: Buffer, at: number, end: number, refs: readonly (readonly [Buffer, string])[]): number {
  for (const [r] of refs) {
    const n = r.length;
    if (at + 1 + n > end) continue;
    let k = 0;
    while (k < n && bytes[at + 1 + k] === r[k]) k++;
    if (k === n) return n + 1;
  }
  return 0;
}

/** The first '&' in bytes[from, end), or -1 (a loop: Buffer.indexOf would search beyond `end`). */
function ampIn(bytes: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) if (bytes[i] === AMP) return i;
  return -1;
}

function decodeRefs(bytes: Buffer, start: number, end: number, refs: readonly (readonly [Buffer, string])[]): string {
  let amp = ampIn(bytes, start, end);
  if (amp < 0) return bytes.toString('utf8', start, end);
  let out = '';
  let from = start;
  while (amp >= 0 && amp < end) {
    out += bytes.toString('utf8', from, amp);
    let found = false;
    for (const [r, ch] of refs) {
      const n = r.length;
      if (amp + 1 + n > end) continue;
      let k = 0;
      while (k < n && bytes[amp + 1 + k] === r[k]) k++;
      if (k === n) {
        out += ch;
        from = amp + 1 + n;
        found = true;
        break;
      }
    }
    if (!found) throw new Error('decodeRefs: not a canonical reference (scanner bug)');
    amp = ampIn(bytes, from, end);
  }
  return out + bytes.toString('utf8', from, end);
}

/**
 * The engine's internalized copy of a string (as property names are), so that comparing it with string
 * literals is a pointer comparison. Used once per distinct name.
 */
function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

/** The character data of a canonical text range (as passed to FastScanHandler.text). */
export function decodeText(bytes: Buffer, start: number, end: number): string {
  return decodeRefs(bytes, start, end, TEXT_REFS);
}

/** True when bytes[start, end) is only spaces, TABs and LFs (canonical text has no CR). */
export function isAsciiWhitespace(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b !== SPACE && b !== LF && b !== TAB) return false;
  }
  return true;
}

class NotCanonical {
  constructor(
    readonly reason: string,
    readonly at: number,
  ) {}
}

interface InternedName extends FastName {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly prefix: string;
  readonly local: string;
  /** The namespace URI resolved at `generation` of the scopes. */
  uri: string | null;
  generation: number;
  readonly next: InternedName | undefined;
}

interface InternedValue {
  readonly bytes: Uint8Array;
  readonly value: string;
  readonly next: InternedValue | undefined;
}

const NO_ATTRIBUTES: readonly FastAttribute[] = Object.freeze([]);
const EMPTY = Buffer.alloc(0);
/** Longest markup run that is remembered for replay. */
const MAX_RUN_LENGTH = 4096;

/** An event of a run: a start tag, or (uri null) an end tag. */
interface RunOp {
  readonly name: InternedName;
  readonly uri: string | null;
  readonly attributes: readonly FastAttribute[];
}
const END_OP: RunOp = { name: null as unknown as InternedName, uri: null, attributes: NO_ATTRIBUTES };

/** A run of markup scanned before, with its events (see CanonicalScanner.replay). */
interface Run {
  readonly bytes: Buffer;
  readonly startDepth: number;
  readonly generation: number;
  /** The names of the elements open before the run that it closes, innermost first. */
  readonly closes: readonly InternedName[];
  readonly ops: readonly RunOp[];
  /** The run that followed this one the last time. */
  next: Run | null;
  /** Another run with the same hash. */
  readonly sameHash: Run | undefined;
}

interface Recording {
  /** Where the run starts in the current window (moved when the window is compacted). */
  start: number;
  readonly startDepth: number;
  readonly generation: number;
  readonly sawMethod: boolean;
  /** null: not replayable (it declares namespaces). */
  ops: RunOp[] | null;
  readonly closes: InternedName[];
}


/**
 * A resumable scanner. Over one whole document in memory: `step(limit)` scans until at least byte
 * `limit` (or the end) and returns the outcome once the scan is complete, null before that. Over a
 * document arriving in chunks (`new CanonicalScanner(null)`): `push(chunk)` for each, then
 * `push(null, true)`; only a small window is held (the unscanned tail of the previous chunks: part of
 * a tag or text, and a markup run being recorded), never the whole document.
 *
 * Streaming is exact: a chunk is scanned only up to its last '<' (the window's safe end), and every
 * tag that starts before that '<' ends before it in a canonical document (no literal '<' in attribute
 * values or text), as does the text after it; so every byte accepted was checked with everything it
 * depends on in the window, and a document split anywhere gets the same verdict as whole.
 */
export class CanonicalScanner {
  /** Position in the window `bytes` (which starts at byte `base` of the document). */
  private pos = 0;
  /** Offset in the document of the window's first byte. */
  private base = 0;
  /** The window: the whole document, or (streaming) the unscanned tail plus the latest chunk. */
  private bytes: Buffer;
  /** Scanning and replay stay before this position of the window (the whole window once the document is complete). */
  private safeEnd: number;
  /** The open elements: where their names are, and the prefixes they declared (to pop at their end). */
  private depth = 0;
  private readonly openName: InternedName[] = [];
  private readonly openDeclared: (string[] | null)[] = new Array<string[] | null>(FAST_MAX_DEPTH).fill(null);
  private readonly scopes = new Map<string, string[]>([
    ['', ['']],
    ['xml', [XML_NS]],
  ]);
  private algorithm: string | null = null;
  private sawMethod = false;
  private outcome: FastScanOutcome | null = null;
  private started = false;

  /** `bytes`: the whole document; null to stream it with `push`. */
  constructor(
    bytes: Buffer | null,
    private readonly handler: FastScanHandler = {},
  ) {
    this.bytes = bytes ?? EMPTY;
    this.safeEnd = this.bytes.length;
    this.streaming = bytes === null;
  }

  /** True while more chunks may come (`push` mode before its final call). */
  private streaming: boolean;

  /** Bytes scanned so far (offset in the document). */
  get position(): number {
    return this.base + this.pos;
  }

  /**
   * The next chunk of a streamed document (`final` with the last one, or with null after it). Returns
   * the outcome once it is known (possibly before the end: a document not in canonical form), null
   * while the scan goes on. The chunk is not kept beyond this call except its unscanned tail.
   */
  push(chunk: Buffer | null, final = false): FastScanOutcome | null {
    if (this.outcome) return this.outcome;
    if (!this.streaming) throw new Error('push on a scanner over a whole document');
    // Compact: keep from the current position, or from the start of the run being recorded when it is
    // short enough to be remembered (longer runs are not remembered anyway).
    let keep = this.pos;
    const rec = this.rec;
    if (rec !== null) {
      if (rec.ops !== null && rec.start >= 0 && this.pos - rec.start <= MAX_RUN_LENGTH) keep = rec.start;
      else rec.ops = null;
    }
    const tail = this.bytes.subarray(keep);
    this.bytes = chunk === null || chunk.length === 0 ? tail : tail.length === 0 ? chunk : this.joined(tail, chunk);
    this.base += keep;
    this.pos -= keep;
    this.checked -= keep;
    if (rec !== null) rec.start -= keep;
    if (final) this.streaming = false;
    if (this.bytes.length === 0 && !final) return null;
    // Scan up to the last '<' (see the class comment); everything once the document is complete.
    this.safeEnd = final ? this.bytes.length : Math.max(this.bytes.lastIndexOf(LT), 0);
    return this.step(final ? Infinity : this.safeEnd);
  }

  /**
   * The tail and the next chunk as one window, in a buffer reused from push to push (a new buffer per
   * chunk cost an allocation and its page faults every time). Nothing keeps the window's bytes beyond a
   * push: names, values and runs are copied out of it.
   */
  private joined(tail: Buffer, chunk: Buffer): Buffer {
    const need = tail.length + chunk.length;
    let w = this.window;
    if (w === null || w.length < need) {
      w = Buffer.allocUnsafe(need + (64 << 10));
      this.window = w;
    }
    const at = tail.byteOffset - w.byteOffset;
    if (tail.buffer === w.buffer && at >= 0 && at + tail.length <= w.length) w.copyWithin(0, at, at + tail.length);
    else tail.copy(w, 0);
    chunk.copy(w, tail.length);
    return w.subarray(0, need);
  }
  private window: Buffer | null = null;

  step(limit = Infinity): FastScanOutcome | null {
    if (this.outcome) return this.outcome;
    try {
      if (!this.started) {
        this.started = true;
        this.checkWhole();
      }
      const done = this.scan(limit);
      // Character checks of the bytes scanned in this step (native; per step, so no step takes long).
      // Steps end at a '<' or at the end, never inside a UTF-8 sequence.
      this.checkChars(this.checked, this.pos);
      this.checked = this.pos;
      if (done) this.outcome = { canonical: true, algorithm: this.algorithm };
    } catch (e) {
      if (!(e instanceof NotCanonical)) throw e;
      this.outcome = { canonical: false, reason: e.reason, at: this.base + e.at };
    }
    return this.outcome;
  }

  private no(reason: string, at: number = this.pos): never {
    throw new NotCanonical(reason, at);
  }

  private checkWhole(): void {
    const b = this.bytes;
    if (b.length === 0) this.no('empty', 0);
    if (b[0] !== LT) this.no('does not start with the document element', 0);
  }

  /** Bytes [0, checked) passed checkChars. */
  private checked = 0;

  /** Valid UTF-8 without U+FFFE and U+FFFF in bytes[from, to) (from and to not inside a sequence). */
  private checkChars(from: number, to: number): void {
    const range = this.bytes.subarray(from, to);
    if (!isUtf8(range)) this.no('not valid UTF-8', from);
    const fffe = range.indexOf(FFFE);
    if (fffe >= 0) this.no('U+FFFE', from + fffe);
    const ffff = range.indexOf(FFFF);
    if (ffff >= 0) this.no('U+FFFF', from + ffff);
  }

  /**
   * Markup runs: a run is the markup between two texts (e.g. `</ValidVotes></Selection><Selection>
   * <Candidate><CandidateIdentifier Id="7"></CandidateIdentifier></Candidate><ValidVotes>`). A 510 repeats
   * the same few hundred runs hundreds of thousands of times, so a run scanned once is remembered with
   * its events, and where the run that followed it last time occurs again byte for byte (one native
   * comparison) in the same context (same depth, same namespace scopes, and the elements it closes are
   * the open ones), its events are replayed instead of scanning it again. Identical bytes in an identical
   * context are identical markup: the replay is exactly what scanning them would do.
   */
  private lastRun: Run | null = null;
  private rec: Recording | null = null;
  private runs = 0;
  private runBytes = 0;

  /** Try to replay the run predicted at pos; true when done. */
  private replay(pos: number): boolean {
    const run = this.lastRun?.next;
    if (!run || run.startDepth !== this.depth || run.generation !== this.generation) return false;
    const n = run.bytes.length;
    const b = this.bytes;
    if (pos + n > this.safeEnd || run.bytes.compare(b, pos, pos + n) !== 0) return false;
    const closes = run.closes;
    for (let i = 0; i < closes.length; i++) {
      const at = this.depth - 1 - i;
      if (this.openName[at] !== closes[i] || this.openDeclared[at] !== null) return false;
    }
    const handler = this.handler;
    const ops = run.ops;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.uri === null) {
        this.depth--;
        handler.endElement?.();
      } else {
        this.openName[this.depth] = op.name;
        this.openDeclared[this.depth] = null;
        this.depth++;
        handler.startElement?.(op.name, op.uri, op.attributes);
      }
    }
    this.pos = pos + n;
    this.lastRun = run;
    return true;
  }

  /** Scan from `pos` (always at a '<') until pos >= limit; true when the document is complete. */
  private scan(limit: number): boolean {
    const b = this.bytes;
    const len = b.length;
    const handler = this.handler;
    while (this.pos < limit) {
      const p = this.pos;
      // Invariant: b[p] === '<'.
      if (this.rec === null && !this.replay(p)) {
        this.rec = { start: p, startDepth: this.depth, generation: this.generation, sawMethod: this.sawMethod, ops: [], closes: [] };
      }
      if (this.pos === p) {
        const c = b[p + 1];
        if (c === SLASH) {
          this.endTag(p);
        } else if (c !== undefined && (CLASS[c]! & NAME_START) !== 0) {
          this.startTag(p);
        } else {
          this.no('"<" not followed by a name or "/" (comment, CDATA, PI, DOCTYPE or malformed)', p);
        }
      }
      if (this.depth === 0) {
        if (this.pos !== len) this.no('content after the document element', this.pos);
        return true;
      }
      // Text up to the next '<'.
      const from = this.pos;
      if (b[from] === LT) continue;
      // (A loop, not Buffer.indexOf: the texts are short, mostly a vote count, and a native call per text costs more.)
      let lt = from;
      while (lt < len && b[lt] !== LT) lt++;
      if (lt >= len) this.no('document ends inside the document element', len);
      this.endRun(from);
      this.checkText(from, lt);
      handler.text?.(b, from, lt);
      this.pos = lt;
    }
    return false;
  }

  /** A run scanned normally ends at `end` (where text starts): remember it when it can be replayed. */
  private endRun(end: number): void {
    const rec = this.rec;
    if (rec === null) return;
    this.rec = null;
    const n = end - rec.start;
    if (
      rec.ops === null ||
      rec.generation !== this.generation ||
      rec.sawMethod !== this.sawMethod ||
      n > MAX_RUN_LENGTH ||
      this.runs >= 20000 ||
      this.runBytes + n > MAX_RUN_BYTES
    ) {
      this.lastRun = null;
      return;
    }
    // The same run seen before (after another predecessor): continue with it, and its prediction.
    const b = this.bytes;
    let h = n;
    for (let i = rec.start; i < end; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
    let run: Run | null = null;
    for (let c = this.runIndex.get(h); c !== undefined; c = c.sameHash) {
      if (
        c.startDepth === rec.startDepth &&
        c.generation === rec.generation &&
        c.bytes.length === n &&
        c.bytes.compare(b, rec.start, end) === 0 &&
        c.closes.length === rec.closes.length &&
        c.closes.every((x, i) => x === rec.closes[i])
      ) {
        run = c;
        break;
      }
    }
    if (run === null) {
      run = {
        bytes: Buffer.from(b.subarray(rec.start, end)),
        startDepth: rec.startDepth,
        generation: rec.generation,
        closes: rec.closes,
        ops: rec.ops,
        next: null,
        sameHash: this.runIndex.get(h),
      };
      this.runIndex.set(h, run);
      this.runs++;
      this.runBytes += n;
    }
    if (this.lastRun) this.lastRun.next = run;
    this.lastRun = run;
  }
  private readonly runIndex = new Map<number, Run>();

  private checkText(from: number, to: number): void {
    const b = this.bytes;
    for (let i = from; i < to; i++) {
      const x = b[i]!;
      if (x > GT) continue; // most bytes
      if (x === GT) this.no('literal ">" in text', i);
      if (x === AMP) {
        const n = refLength(b, i, to, TEXT_REFS);
        if (n === 0) this.no('non-canonical reference in text', i);
        i += n - 1;
        continue;
      }
      if (x < SPACE && x !== TAB && x !== LF) this.no('control character or CR in text', i);
    }
  }

  /** Scan a name at p; returns its end, sets `colon` (-1 when unprefixed) and `hash`. */
  private name(p: number): number {
    const b = this.bytes;
    const first = b[p]!;
    if ((CLASS[first]! & NAME_START) === 0) this.no('bad name start', p);
    let h = first;
    let i = p + 1;
    let colon = -1;
    for (;;) {
      const x = b[i];
      if (x === undefined) this.no('document ends in a name', i);
      if ((CLASS[x]! & NAME_CHAR) !== 0) {
        h = (Math.imul(h, 31) + x) | 0;
        i++;
      } else if (x === COLON && colon < 0) {
        h = (Math.imul(h, 31) + x) | 0;
        colon = i;
        i++;
        if ((CLASS[b[i]!]! & NAME_START) === 0) this.no('bad local name start', i);
      } else {
        break;
      }
    }
    this.colon = colon;
    this.hash = h;
    return i;
  }
  private colon = -1;
  private hash = 0;

  /** Names seen, by hash (a chain per hash): no string is built twice for the same name. */
  private readonly names = new Map<number, InternedName>();

  private internName(start: number, end: number, colon: number, hash: number): InternedName {
    const b = this.bytes;
    const n = end - start;
    let e = this.names.get(hash);
    for (let c = e; c !== undefined; c = c.next) {
      if (c.bytes.length !== n) continue;
      let k = 0;
      while (k < n && c.bytes[k] === b[start + k]) k++;
      if (k === n) return c;
    }
    const name = internalized(b.toString('latin1', start, end));
    const created: InternedName = {
      bytes: Uint8Array.prototype.slice.call(b, start, end),
      name,
      prefix: colon < 0 ? '' : internalized(name.slice(0, colon - start)),
      local: colon < 0 ? name : internalized(name.slice(colon - start + 1)),
      uri: null,
      generation: -1,
      memo: null,
      next: e,
    };
    e = created;
    this.names.set(hash, e);
    return created;
  }

  /** Short attribute values seen (e.g. Id="12"), by hash. */
  private readonly values = new Map<number, InternedValue>();

  private attrValue(start: number, end: number): string {
    const b = this.bytes;
    const n = end - start;
    if (n > 16) return decodeRefs(b, start, end, ATTR_REFS);
    let h = n;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
    const e = this.values.get(h);
    for (let c = e; c !== undefined; c = c.next) {
      if (c.bytes.length !== n) continue;
      let k = 0;
      while (k < n && c.bytes[k] === b[start + k]) k++;
      if (k === n) return c.value;
    }
    const value = decodeRefs(b, start, end, ATTR_REFS);
    if (this.values.size < 4096) this.values.set(h, { bytes: Uint8Array.prototype.slice.call(b, start, end), value, next: e });
    return value;
  }

  /** Short texts seen (e.g. vote counts), by hash. */
  private readonly texts = new Map<number, InternedValue>();

  /** The character data of bytes[start, end) (a range passed to `text`), shared for short texts. */
  textValue(start: number, end: number): string {
    const b = this.bytes;
    const n = end - start;
    if (n > 12) return decodeText(b, start, end);
    let h = n;
    for (let i = start; i < end; i++) h = (Math.imul(h, 31) + b[i]!) | 0;
    const e = this.texts.get(h);
    for (let c = e; c !== undefined; c = c.next) {
      if (c.bytes.length !== n) continue;
      let k = 0;
      while (k < n && c.bytes[k] === b[start + k]) k++;
      if (k === n) return c.value;
    }
    const value = decodeText(b, start, end);
    if (this.texts.size < 65536) this.texts.set(h, { bytes: Uint8Array.prototype.slice.call(b, start, end), value, next: e });
    return value;
  }

  /** Bumped at every change of the namespace scopes, so resolved URIs can be cached per name. */
  private generation = 0;

  private resolve(prefix: string, at: number): string {
    const stack = this.scopes.get(prefix);
    const uri = stack?.[stack.length - 1];
    if (uri === undefined) this.no(`prefix "${prefix}" not in scope`, at);
    return uri;
  }

  private resolveName(q: InternedName, at: number): string {
    if (q.generation === this.generation) return q.uri!;
    const uri = this.resolve(q.prefix, at);
    q.uri = uri;
    q.generation = this.generation;
    return uri;
  }

  private startTag(lt: number): void {
    const b = this.bytes;
    const depth = this.depth;
    if (depth >= FAST_MAX_DEPTH) this.no('nesting deeper than the general path allows', lt);
    const nameStart = lt + 1;
    const nameEnd = this.name(nameStart);
    const q = this.internName(nameStart, nameEnd, this.colon, this.hash);
    let p = nameEnd;

    let declared: string[] | null = null;
    let lastDeclPrefix: string | null = null; // null: none yet
    let attributes: FastAttribute[] | null = null;
    let prevUri = '';
    let prevLocal = '';
    while (b[p] !== GT) {
      const x = b[p];
      if (x !== SPACE) this.no(x === SLASH ? 'empty-element tag' : 'unexpected byte in a start tag', p);
      p++;
      const aStart = p;
      const aEnd = this.name(p);
      const aq = this.internName(aStart, aEnd, this.colon, this.hash);
      if (b[aEnd] !== EQ || b[aEnd + 1] !== QUOT) this.no('attribute not written as name="value"', aEnd);
      const vStart = aEnd + 2;
      const vEnd = b.indexOf(QUOT, vStart);
      if (vEnd < 0) this.no('unterminated attribute value', vStart);
      this.checkAttrValue(vStart, vEnd);
      p = vEnd + 1;

      if (aq.name === 'xmlns' || aq.prefix === 'xmlns') {
        // A namespace declaration; all of them come before the attributes, default first, then by prefix.
        if (attributes !== null) this.no('namespace declaration after an attribute', aStart);
        const declPrefix = aq.prefix === 'xmlns' ? aq.local : '';
        if (lastDeclPrefix !== null && !(declPrefix > lastDeclPrefix)) this.no('namespace declarations not in canonical order', aStart);
        lastDeclPrefix = declPrefix;
        if (declPrefix === 'xml' || declPrefix === 'xmlns') this.no('declaration of a reserved prefix', aStart);
        const uri = decodeRefs(b, vStart, vEnd, ATTR_REFS);
        if (uri === XML_NS || uri === XMLNS_NS) this.no('declaration of a reserved namespace', aStart);
        // saxes trims namespace names (so the URI it reports differs from the value written): not ours.
        if (uri !== uri.trim()) this.no('namespace name with leading or trailing white space', aStart);
        if (declPrefix !== '' && uri === '') this.no('undeclaring a prefix', aStart);
        const stack = this.scopes.get(declPrefix);
        const current = stack?.[stack.length - 1];
        if (current === uri) this.no('superfluous namespace declaration', aStart);
        if (stack) stack.push(uri);
        else this.scopes.set(declPrefix, [uri]);
        this.generation++;
        (declared ??= []).push(declPrefix);
      } else {
        // An attribute: every declaration of this element came before it, so its prefix resolves now.
        let uri = '';
        if (aq.prefix !== '') {
          uri = this.resolveName(aq, aStart);
          if (uri === '') this.no('prefixed attribute without namespace', aStart);
        }
        if (attributes === null) {
          attributes = [];
        } else {
          const order = compareCodePoints(prevUri, uri) || compareCodePoints(prevLocal, aq.local);
          if (order >= 0) this.no('attributes not in canonical order (or duplicated)', aStart);
        }
        prevUri = uri;
        prevLocal = aq.local;
        attributes.push({ name: aq.name, prefix: aq.prefix, local: aq.local, uri, value: this.attrValue(vStart, vEnd) });
      }
    }
    p++; // the '>'
    // Open the element before resolving its name (a failure ends the scan anyway).
    this.openName[depth] = q;
    this.openDeclared[depth] = declared;
    this.depth = depth + 1;

    if (q.prefix === 'xml' || q.prefix === 'xmlns') this.no('element with a reserved prefix', nameStart);
    const uri = this.resolveName(q, nameStart);
    const attrs = attributes ?? NO_ATTRIBUTES;

    if (!this.sawMethod && uri === DS_NS && q.local === 'CanonicalizationMethod') {
      this.sawMethod = true;
      const alg = attrs.find((a) => a.local === 'Algorithm' && a.uri === '');
      this.algorithm = alg ? alg.value.trim() : '';
    }
    this.pos = p;
    const rec = this.rec;
    if (rec !== null && rec.ops !== null) {
      if (declared !== null) rec.ops = null;
      else rec.ops.push({ name: q, uri, attributes: attrs });
    }
    this.handler.startElement?.(q, uri, attrs);
  }

  private checkAttrValue(from: number, to: number): void {
    const b = this.bytes;
    for (let i = from; i < to; i++) {
      const x = b[i]!;
      if (x > LT) continue;
      if (x === LT) this.no('literal "<" in an attribute value', i);
      if (x === AMP) {
        const n = refLength(b, i, to, ATTR_REFS);
        if (n === 0) this.no('non-canonical reference in an attribute value', i);
        i += n - 1;
        continue;
      }
      if (x < SPACE) this.no('literal TAB, LF, CR or control character in an attribute value', i);
    }
  }

  private endTag(lt: number): void {
    const b = this.bytes;
    if (this.depth === 0) this.no('end tag without start tag', lt);
    const depth = this.depth - 1;
    const open = this.openName[depth]!;
    const name = open.bytes;
    const n = name.length;
    const s = lt + 2;
    if (s + n >= b.length) this.no('document ends in an end tag', lt);
    for (let k = 0; k < n; k++) {
      if (b[s + k] !== name[k]) this.no('end tag does not match the start tag', lt);
    }
    if (b[s + n] !== GT) this.no('end tag does not match the start tag', lt);
    const declared = this.openDeclared[depth];
    if (declared) {
      for (const prefix of declared) this.scopes.get(prefix)!.pop();
      this.openDeclared[depth] = null;
      this.generation++;
    }
    this.depth = depth;
    this.pos = s + n + 1;
    const rec = this.rec;
    if (rec !== null && rec.ops !== null) {
      // Closing an element opened before the run: the run can only be replayed where that one is open.
      if (depth < rec.startDepth - rec.closes.length) rec.closes.push(open);
      rec.ops.push(END_OP);
    }
    this.handler.endElement?.();
  }
}

/** Scan a whole document in one go. */
export function scanCanonical(bytes: Buffer, handler?: FastScanHandler): FastScanOutcome {
  return new CanonicalScanner(bytes, handler).step()!;
}
