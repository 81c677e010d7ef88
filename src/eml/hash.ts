import { createHash, type Hash } from 'node:crypto';
import { fail, ok, type Result } from '../domain/result.ts';
import { C14N_OMIT_COMMENTS, C14N_WITH_COMMENTS, createC14nHandler } from './c14n.ts';
import { DS_NS } from './kind.ts';
import { scanCanonical, type FastScanOutcome } from './fastscan.ts';
import { attributeValue, readXml, tooLargeFailure, type XmlHandler } from './xml.ts';

/** Lower-case hex SHA-256 of the bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface EmlHash {
  /** Lower-case hex SHA-256 (format for users with formatHash from src/domain/hashcode.ts). */
  readonly hex: string;
  /** True when the hash is over the canonical form (the file carries ds:CanonicalizationMethod). */
  readonly canonical: boolean;
}

export interface EmlHashOptions {
  /** Refuse larger files (default 256 MB). */
  readonly maxBytes?: number;
}

export const DEFAULT_HASH_MAX_BYTES = 256 * 1024 * 1024;

/** The text whose absence lets a file be hashed raw without parsing (see emlHash). */
export const CANONICALIZATION_MARKER = Buffer.from('CanonicalizationMethod');
const MARKER = CANONICALIZATION_MARKER;

/** Buffers output pieces and feeds the hash in blocks, so no large string is ever built. */
class HashSink {
  private pending = '';
  constructor(private readonly hash: Hash) {}
  write = (piece: string): void => {
    this.pending += piece;
    if (this.pending.length >= 1 << 16) this.flush();
  };
  flush(): void {
    if (this.pending) this.hash.update(this.pending, 'utf8');
    this.pending = '';
  }
}

interface C14nPass {
  readonly hex: string;
  /** The Algorithm of the first ds:CanonicalizationMethod, or null when the document has none. */
  readonly algorithm: string | null;
  readonly hadComments: boolean;
}

/** One streaming pass: canonicalize into a hash and note the CanonicalizationMethod. */
function canonicalPass(bytes: Uint8Array, withComments: boolean, maxBytes: number): Result<C14nPass> {
  const hash = createHash('sha256');
  const sink = new HashSink(hash);
  const c14n = createC14nHandler(sink.write, { withComments });
  let algorithm: string | null = null;
  let hadComments = false;
  const handler: XmlHandler = {
    startElement(tag) {
      if (algorithm === null && tag.uri === DS_NS && tag.local === 'CanonicalizationMethod') {
        algorithm = attributeValue(tag, 'Algorithm')?.trim() ?? '';
      }
      return c14n.startElement!(tag);
    },
    endElement: c14n.endElement!,
    text: c14n.text!,
    comment(text, depth) {
      hadComments = true;
      return c14n.comment!(text, depth);
    },
  };
  const result = readXml(bytes, handler, { maxBytes });
  if (!result.ok) return result;
  sink.flush();
  return ok({ hex: hash.digest('hex'), algorithm, hadComments });
}

/**
 * The hash of an EML file (docs/hash-codes.md): files carrying ds:CanonicalizationMethod are hashed over their
 * canonical form (C14N 1.0, with comments unless the method says otherwise); other files over their raw
 * bytes. A file in which the text "CanonicalizationMethod" does not occur at all is hashed raw without
 * being parsed (so any file has a raw hash); one in which it occurs must be well-formed, safe XML.
 *
 * Fast path: a file that is its own canonical form (all OSV output; proven byte by byte by
 * `scanCanonical`, see fastscan.ts) has the SHA-256 of its raw bytes as canonical hash. Any other file
 * goes through the general path (`emlHashGeneral`: parse and canonicalize into the hash), which gives
 * the same hash for canonical files and decides about everything else.
 */
export function emlHash(bytes: Buffer, options: EmlHashOptions = {}): Result<EmlHash> {
  const pre = precheck(bytes, options);
  if (pre !== null) return pre;
  return emlHashFromScan(bytes, scanCanonical(bytes), options) ?? emlHashGeneral(bytes, options);
}

/** Size limit and the marker test shared by both paths; null when the file must be looked at. */
function precheck(bytes: Buffer, options: EmlHashOptions): Result<EmlHash> | null {
  const maxBytes = options.maxBytes ?? DEFAULT_HASH_MAX_BYTES;
  if (bytes.length > maxBytes) return tooLargeFailure(maxBytes);
  if (bytes.indexOf(MARKER) < 0) return ok({ hex: sha256Hex(bytes), canonical: false });
  return null;
}

/** The hash once the canonical-form algorithm is known (the hex computed lazily, from the raw bytes). */
function fromAlgorithm(algorithm: string | null, rawHex: () => string, canonicalHex: () => Result<string>, hadComments: boolean, omitHex: () => Result<string>): Result<EmlHash> {
  if (algorithm === null) return ok({ hex: rawHex(), canonical: false });
  if (algorithm === C14N_WITH_COMMENTS || (algorithm === C14N_OMIT_COMMENTS && !hadComments)) {
    const hex = canonicalHex();
    return hex.ok ? ok({ hex: hex.value, canonical: true }) : hex;
  }
  if (algorithm === C14N_OMIT_COMMENTS) {
    const hex = omitHex();
    return hex.ok ? ok({ hex: hex.value, canonical: true }) : hex;
  }
  return fail(
    'eml.c14n_algorithm',
    'Het bestand vraagt om een onbekende canonicalisatiemethode; de hashcode kan niet worden berekend.',
    `unsupported ds:CanonicalizationMethod Algorithm ${JSON.stringify(algorithm)}`,
  );
}

/**
 * The hash from an outcome of `scanCanonical` over the same bytes (for callers that scan once for
 * several purposes): null when the file is not in canonical form, and `emlHashGeneral` must decide.
 */
export function emlHashFromScan(
  bytes: Buffer,
  scan: FastScanOutcome,
  options: EmlHashOptions & {
    /** The SHA-256 (lower-case hex) of these same bytes, when the caller has computed it already (e.g. piece by piece). */
    readonly rawSha256Hex?: string;
  } = {},
): Result<EmlHash> | null {
  const maxBytes = options.maxBytes ?? DEFAULT_HASH_MAX_BYTES;
  if (bytes.length > maxBytes) return tooLargeFailure(maxBytes);
  const rawHex = options.rawSha256Hex ?? sha256Hex(bytes);
  return emlHashFromStreamedScan({ length: bytes.length, rawSha256Hex: rawHex, hasMarker: bytes.indexOf(MARKER) >= 0 }, scan, options);
}

/**
 * The same as `emlHashFromScan` for a file that was never whole in memory (streamed: the scan fed in
 * chunks): from what was gathered on the way, its length, SHA-256 and whether CANONICALIZATION_MARKER
 * occurs in it. Null when the file is not in canonical form (then the general path must decide).
 */
export function emlHashFromStreamedScan(
  facts: { readonly length: number; readonly rawSha256Hex: string; readonly hasMarker: boolean },
  scan: FastScanOutcome,
  options: EmlHashOptions = {},
): Result<EmlHash> | null {
  const maxBytes = options.maxBytes ?? DEFAULT_HASH_MAX_BYTES;
  if (facts.length > maxBytes) return tooLargeFailure(maxBytes);
  const rawHex = facts.rawSha256Hex;
  if (!facts.hasMarker) return ok({ hex: rawHex, canonical: false });
  if (!scan.canonical) return null;
  // A canonical document has no comments (fastscan refuses them), so both C14N variants are its bytes.
  const raw = (): Result<string> => ok(rawHex);
  return fromAlgorithm(scan.algorithm, () => rawHex, raw, false, raw);
}

/** The general path: parse with saxes and canonicalize into the hash (any well-formed, safe XML). */
export function emlHashGeneral(bytes: Buffer, options: EmlHashOptions = {}): Result<EmlHash> {
  const pre = precheck(bytes, options);
  if (pre !== null) return pre;
  const maxBytes = options.maxBytes ?? DEFAULT_HASH_MAX_BYTES;
  const first = canonicalPass(bytes, true, maxBytes);
  if (!first.ok) return first;
  const { algorithm, hadComments } = first.value;
  return fromAlgorithm(
    algorithm,
    () => sha256Hex(bytes),
    () => ok(first.value.hex),
    hadComments,
    () => {
      const second = canonicalPass(bytes, false, maxBytes);
      return second.ok ? ok(second.value.hex) : second;
    },
  );
}
