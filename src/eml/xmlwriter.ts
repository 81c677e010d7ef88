/**
 * A small XML writer whose output is already in canonical form (C14N 1.0): no XML declaration,
 * no whitespace between elements, empty elements as `<X></X>` (never `<X/>`), attributes in the
 * order given (callers give namespace declarations first, then attributes in canonical order),
 * text and attribute values escaped as C14N does. Output is UTF-8, collected in chunks.
 *
 * Escaping is that of src/eml/c14n.ts (the canonicaliser), so both produce the same bytes.
 */

import { escapeAttr, escapeText } from './c14n.ts';

export { escapeAttr, escapeText };

export type Attributes = readonly (readonly [name: string, value: string])[];

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*(:[A-Za-z_][A-Za-z0-9_.-]*)?$/;

export class XmlWriter {
  private readonly stack: string[] = [];
  private parts: string[] = [];
  private partsLength = 0;
  private readonly chunks: Buffer[] = [];
  private done = false;

  /**
   * @param onChunk receives the output in UTF-8 chunks of about `chunkSize` characters as they are
   *   produced (streaming); when absent, chunks are kept and returned by `finish()`.
   */
  constructor(
    private readonly onChunk?: (chunk: Buffer) => void,
    private readonly chunkSize = 1 << 16,
  ) {}

  private put(s: string): void {
    if (this.done) throw new Error('XmlWriter: write after finish');
    this.parts.push(s);
    this.partsLength += s.length;
    if (this.partsLength >= this.chunkSize) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    this.parts = [];
    this.partsLength = 0;
    if (this.onChunk) this.onChunk(buf);
    else this.chunks.push(buf);
  }

  /** Open an element. */
  open(name: string, attrs: Attributes = []): this {
    if (!NAME.test(name)) throw new Error(`XmlWriter: bad element name ${name}`);
    if (this.stack.length === 0 && this.chunks.length + this.parts.length > 0) {
      throw new Error('XmlWriter: a second root element');
    }
    let s = `<${name}`;
    for (const [k, v] of attrs) {
      if (!NAME.test(k) && !/^xmlns(:[A-Za-z_][A-Za-z0-9_.-]*)?$/.test(k)) throw new Error(`XmlWriter: bad attribute name ${k}`);
      s += ` ${k}="${escapeAttr(v)}"`;
    }
    this.put(s + '>');
    this.stack.push(name);
    return this;
  }

  /** Text content of the current element. */
  text(s: string): this {
    if (this.stack.length === 0) throw new Error('XmlWriter: text outside the root element');
    if (s !== '') this.put(escapeText(s));
    return this;
  }

  /** Close the current element (always as `</X>`). */
  close(name?: string): this {
    const top = this.stack.pop();
    if (top === undefined) throw new Error('XmlWriter: close without open');
    if (name !== undefined && name !== top) throw new Error(`XmlWriter: closing ${name} but ${top} is open`);
    this.put(`</${top}>`);
    return this;
  }

  /** `<name attrs>text</name>`. */
  leaf(name: string, attrs: Attributes = [], text = ''): this {
    return this.open(name, attrs).text(text).close();
  }

  /** Finish: all elements must be closed. Returns the collected output (empty when streaming). */
  finish(): Buffer {
    if (this.stack.length > 0) throw new Error(`XmlWriter: unclosed elements ${this.stack.join('/')}`);
    this.flush();
    this.done = true;
    return Buffer.concat(this.chunks);
  }
}
