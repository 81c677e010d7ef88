/**
 * A small, strict ASN.1 DER encoder and decoder: just what X.509 certificates and CMS SignedData
 * need (X.690). No dependencies besides Buffer.
 *
 * The decoder is strict: definite lengths only, minimal length encoding, no trailing bytes, low
 * tag numbers only (< 31). It throws `DerError` on malformed input; callers at the edges turn
 * that into a `Result` with a Dutch message (src/crypto/certificate.ts, src/crypto/cms.ts).
 */

export class DerError extends Error {
  override name = 'DerError';
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  UNIVERSAL_STRING: 0x1c,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific constructed tag [n] (EXPLICIT, or IMPLICIT of a constructed type). */
export function contextTag(n: number, constructed = true): number {
  if (n < 0 || n > 30) throw new DerError(`context tag out of range: ${n}`);
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

// ---------------------------------------------------------------------------------------------
// Encoder
// ---------------------------------------------------------------------------------------------

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  let n = length;
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** One TLV with a single-byte tag. */
export function tlv(tag: number, content: Buffer): Buffer {
  if (tag < 0 || tag > 0xff || (tag & 0x1f) === 0x1f) throw new DerError(`unsupported tag ${tag}`);
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat(items));
}

/** SET OF: DER requires the encodings sorted as octet strings (X.690 §11.6). */
export function setOf(...items: Buffer[]): Buffer {
  const sorted = [...items].sort(Buffer.compare);
  return tlv(TAG.SET, Buffer.concat(sorted));
}

export function explicit(n: number, inner: Buffer): Buffer {
  return tlv(contextTag(n, true), inner);
}

/** INTEGER from a non-negative JS number (safe integers only). */
export function integer(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new DerError(`unsupported integer ${value}`);
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return unsignedInteger(Buffer.from(hex, 'hex'));
}

/** INTEGER from big-endian unsigned magnitude bytes (e.g. a serial number): minimal, positive. */
export function unsignedInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let body = bytes.subarray(i);
  if (body.length === 0) body = Buffer.from([0]);
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(TAG.INTEGER, body);
}

export function nullValue(): Buffer {
  return Buffer.from([TAG.NULL, 0]);
}

export function octetString(bytes: Buffer): Buffer {
  return tlv(TAG.OCTET_STRING, bytes);
}

/** BIT STRING with zero unused bits (signatures, keys). */
export function bitString(bytes: Buffer): Buffer {
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), bytes]));
}

export function utf8String(text: string): Buffer {
  return tlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export function printableString(text: string): Buffer {
  if (!PRINTABLE.test(text)) throw new DerError(`not a PrintableString: ${JSON.stringify(text)}`);
  return tlv(TAG.PRINTABLE_STRING, Buffer.from(text, 'latin1'));
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => {
    if (!/^(0|[1-9][0-9]*)$/.test(p)) throw new DerError(`bad OID ${dotted}`);
    return BigInt(p);
  });
  if (parts.length < 2) throw new DerError(`bad OID ${dotted}`);
  const [first, second] = parts as [bigint, bigint];
  if (first > 2n || (first < 2n && second > 39n)) throw new DerError(`bad OID ${dotted}`);
  const arcs = [first * 40n + second, ...parts.slice(2)];
  const bytes: number[] = [];
  for (const arc of arcs) {
    const group: number[] = [Number(arc & 0x7fn)];
    let rest = arc >> 7n;
    while (rest > 0n) {
      group.unshift(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    bytes.push(...group);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * X.509 Time (RFC 5280 §4.1.2.5): UTCTime for years 1950-2049, GeneralizedTime otherwise, always
 * in UTC ('Z') with seconds and without fractions. Milliseconds must be zero (truncate first).
 */
export function x509Time(date: Date): Buffer {
  if (Number.isNaN(date.getTime())) throw new DerError('invalid date');
  if (date.getUTCMilliseconds() !== 0) throw new DerError('X.509 times have whole seconds');
  const y = date.getUTCFullYear();
  const rest =
    pad2(date.getUTCMonth() + 1) +
    pad2(date.getUTCDate()) +
    pad2(date.getUTCHours()) +
    pad2(date.getUTCMinutes()) +
    pad2(date.getUTCSeconds()) +
    'Z';
  if (y >= 1950 && y <= 2049) return tlv(TAG.UTC_TIME, Buffer.from(pad2(y % 100) + rest, 'ascii'));
  if (y < 0 || y > 9999) throw new DerError('year out of range');
  return tlv(TAG.GENERALIZED_TIME, Buffer.from(String(y).padStart(4, '0') + rest, 'ascii'));
}

// ---------------------------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------------------------

export interface DerNode {
  /** The identifier octet (class, constructed bit and tag number). */
  readonly tag: number;
  readonly constructed: boolean;
  /** The complete TLV bytes (a view into the input). */
  readonly raw: Buffer;
  /** The content bytes (a view into the input). */
  readonly content: Buffer;
  /** Children for constructed nodes; empty for primitive ones. */
  readonly children: readonly DerNode[];
  /** Offset of this node in the buffer given to `decode`. */
  readonly offset: number;
}

const MAX_DEPTH = 32;

/** `ber: true` additionally accepts BER indefinite lengths (constructed only) and non-minimal lengths. */
export interface DecodeOptions {
  readonly ber?: boolean;
}

function decodeAt(buf: Buffer, offset: number, depth: number, opts: DecodeOptions = {}): DerNode {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  if (offset >= buf.length) throw new DerError(`unexpected end of data at ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError(`high tag numbers not supported (at ${offset})`);
  let pos = offset + 1;
  if (pos >= buf.length) throw new DerError(`missing length at ${pos}`);
  const first = buf[pos++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    if (!opts.ber || (tag & 0x20) === 0) throw new DerError(`indefinite length not allowed in DER (at ${offset})`);
    const children: DerNode[] = [];
    let p = pos;
    for (;;) {
      if (p + 2 > buf.length) throw new DerError(`missing end-of-contents (at ${offset})`);
      if (buf[p] === 0 && buf[p + 1] === 0) break;
      const child = decodeAt(buf, p, depth + 1, opts);
      children.push(child);
      p = child.offset + child.raw.length;
    }
    return { tag, constructed: true, raw: buf.subarray(offset, p + 2), content: buf.subarray(pos, p), children, offset };
  } else {
    const count = first & 0x7f;
    if (count > 4) throw new DerError(`length too large (at ${offset})`);
    if (pos + count > buf.length) throw new DerError(`truncated length (at ${offset})`);
    if (buf[pos] === 0 && !opts.ber) throw new DerError(`non-minimal length (at ${offset})`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos++]!;
    if (length < 0x80 && !opts.ber) throw new DerError(`non-minimal length (at ${offset})`);
  }
  const end = pos + length;
  if (end > buf.length) throw new DerError(`content runs past end of data (at ${offset})`);
  const content = buf.subarray(pos, end);
  const constructed = (tag & 0x20) !== 0;
  const children: DerNode[] = [];
  if (constructed) {
    let p = pos;
    while (p < end) {
      const child = decodeAt(buf.subarray(0, end), p, depth + 1, opts);
      children.push(child);
      p = child.offset + child.raw.length;
    }
  }
  return { tag, constructed, raw: buf.subarray(offset, end), content, children, offset };
}

/** Decode exactly one DER value filling the whole buffer. Throws DerError when malformed. */
export function decode(buf: Buffer, opts: DecodeOptions = {}): DerNode {
  const node = decodeAt(buf, 0, 0, opts);
  if (node.raw.length !== buf.length) {
    throw new DerError(`trailing data after DER value (${buf.length - node.raw.length} bytes)`);
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// Reading helpers (throw DerError on a mismatch so structure checks stay compact)
// ---------------------------------------------------------------------------------------------

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) throw new DerError(`${what}: missing`);
  if (node.tag !== tag) {
    throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  }
  return node;
}

export function readOid(node: DerNode | undefined, what = 'OID'): string {
  const n = expectTag(node, TAG.OID, what);
  const c = n.content;
  if (c.length === 0) throw new DerError(`${what}: empty OID`);
  const arcs: bigint[] = [];
  let value = 0n;
  let started = false;
  for (let i = 0; i < c.length; i++) {
    const b = c[i]!;
    if (!started && b === 0x80) throw new DerError(`${what}: non-minimal OID arc`);
    started = true;
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
      started = false;
    } else if (i === c.length - 1) {
      throw new DerError(`${what}: truncated OID`);
    }
  }
  const head = arcs[0]!;
  const first = head < 40n ? 0n : head < 80n ? 1n : 2n;
  return [first, head - first * 40n, ...arcs.slice(1)].map(String).join('.');
}

/** INTEGER as unsigned magnitude bytes (rejects negative and non-minimal encodings). */
export function readUnsignedInteger(node: DerNode | undefined, what = 'INTEGER'): Buffer {
  const n = expectTag(node, TAG.INTEGER, what);
  const c = n.content;
  if (c.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if (c.length > 1 && ((c[0] === 0 && !(c[1]! & 0x80)) || (c[0] === 0xff && c[1]! & 0x80))) {
    throw new DerError(`${what}: non-minimal INTEGER`);
  }
  if (c[0]! & 0x80) throw new DerError(`${what}: negative INTEGER`);
  return c[0] === 0 && c.length > 1 ? c.subarray(1) : c;
}

/** Small non-negative INTEGER as a number. */
export function readSmallInteger(node: DerNode | undefined, what = 'INTEGER'): number {
  const bytes = readUnsignedInteger(node, what);
  if (bytes.length > 6) throw new DerError(`${what}: integer too large`);
  return bytes.reduce((acc, b) => acc * 256 + b, 0);
}

export function readOctetString(node: DerNode | undefined, what = 'OCTET STRING'): Buffer {
  const n = expectTag(node, TAG.OCTET_STRING, what);
  return n.content;
}

/** BIT STRING content without the unused-bits octet; requires zero unused bits. */
export function readBitString(node: DerNode | undefined, what = 'BIT STRING'): Buffer {
  const n = expectTag(node, TAG.BIT_STRING, what);
  if (n.content.length === 0 || n.content[0] !== 0) throw new DerError(`${what}: unsupported unused bits`);
  return n.content.subarray(1);
}

/** A directory string (UTF8String, PrintableString, IA5String, T61 as latin1, BMPString). */
export function readString(node: DerNode | undefined, what = 'string'): string {
  if (!node) throw new DerError(`${what}: missing`);
  switch (node.tag) {
    case TAG.UTF8_STRING: {
      const text = node.content.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(node.content)) throw new DerError(`${what}: invalid UTF-8`);
      return text;
    }
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.T61_STRING:
      return node.content.toString('latin1');
    case TAG.BMP_STRING: {
      if (node.content.length % 2) throw new DerError(`${what}: odd BMPString length`);
      const swapped = Buffer.from(node.content).swap16();
      return swapped.toString('utf16le');
    }
    default:
      throw new DerError(`${what}: not a string (tag 0x${node.tag.toString(16)})`);
  }
}

/** UTCTime or GeneralizedTime in the RFC 5280 form (…Z, whole seconds). */
export function readTime(node: DerNode | undefined, what = 'time'): Date {
  if (!node) throw new DerError(`${what}: missing`);
  const text = node.content.toString('latin1');
  let m: RegExpExecArray | null;
  let year: number;
  if (node.tag === TAG.UTC_TIME) {
    m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
    if (!m) throw new DerError(`${what}: bad UTCTime ${JSON.stringify(text)}`);
    const yy = Number(m[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(text);
    if (!m) throw new DerError(`${what}: bad GeneralizedTime ${JSON.stringify(text)}`);
    year = Number(m[1]);
  } else {
    throw new DerError(`${what}: not a time (tag 0x${node.tag.toString(16)})`);
  }
  const [mo, d, h, mi, s] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, mo - 1, d, h, mi, s));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    date.getUTCHours() !== h ||
    date.getUTCMinutes() !== mi ||
    date.getUTCSeconds() !== s
  ) {
    throw new DerError(`${what}: impossible date ${JSON.stringify(text)}`);
  }
  return date;
}

/** PEM armour for DER bytes (64-character lines, LF). */
export function toPem(label: string, der: Buffer): string {
  const b64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
