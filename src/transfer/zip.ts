/**
 * Transfer zips (domain.md §7): `Telling_<ElectionId>_gemeente_<Name>.zip` holding exactly the
 * `.eml.xml` and its detached signature `<eml name>.signature`.
 *
 * Writing is deterministic: fixed entry order, fixed modification time (given, or 1980-01-01),
 * DOS timestamps only (no Info-ZIP extended timestamp), fixed file modes.
 *
 * Reading is defensive: the input is an untrusted upload. Entry names are checked on the raw
 * bytes (no path separators, no '..', no absolute paths, no backslashes), the number of entries
 * is limited, encrypted entries are refused, and sizes are enforced while inflating (a zip bomb
 * cannot make us allocate more than the limit, whatever its headers claim). Nothing is written
 * to disk. `openTransferZip` streams the EML instead of inflating it whole (the count-file import).
 */
import yauzl from 'yauzl';
import yazl from 'yazl';
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import './crc32.ts'; // yazl's CRC-32 in native code
import { fileNamePart } from '../domain/election.ts';
import { fail, ok, type Result } from '../domain/result.ts';
import { amsterdamWallClock, zipTimestamp } from './wallClock.ts';

export interface TransferZipEntry {
  readonly name: string;
  readonly data: Buffer;
}

/**
 * Buffers whose deflated form is kept for the next zip that holds them (`compressOnce`): the 510c
 * goes into two zips and was compressed twice (issue 13). yazl calls `zlib.deflateRaw(buffer,
 * { level }, callback)` on the module object; for a registered buffer that call is answered from
 * here (the same bytes as a fresh deflate of the same data and level), for any other it goes on
 * to zlib unchanged. Entries live as long as the buffer (WeakMap).
 */
const deflated = new WeakMap<Buffer, Map<number, Promise<Buffer>>>();
type DeflateRaw = (buf: Buffer, options: zlib.ZlibOptions, callback: (err: Error | null, result: Buffer) => void) => void;
const zlibDeflateRaw = zlib.deflateRaw as unknown as DeflateRaw;
const sharedDeflateRaw: DeflateRaw = (buf, options, callback) => {
  const byLevel = Buffer.isBuffer(buf) && typeof callback === 'function' ? deflated.get(buf) : undefined;
  if (byLevel === undefined) return zlibDeflateRaw(buf, options, callback);
  const level = options?.level ?? zlib.constants.Z_DEFAULT_COMPRESSION;
  let p = byLevel.get(level);
  if (p === undefined) {
    p = new Promise<Buffer>((resolve, reject) => zlibDeflateRaw(buf, options, (err, result) => (err ? reject(err) : resolve(result))));
    byLevel.set(level, p);
  }
  p.then(
    (result) => callback(null, result),
    (err: Error) => callback(err, Buffer.alloc(0)),
  );
};
(zlib as unknown as { deflateRaw: DeflateRaw }).deflateRaw = sharedDeflateRaw;

/**
 * Compress `data` at most once for all zips written from now on that hold it. The buffer must not
 * change afterwards (ours never do: rendered files are immutable).
 */
export function compressOnce(data: Buffer): void {
  if (!deflated.has(data)) deflated.set(data, new Map());
}

/** 1980-01-01 00:00 (the DOS epoch), used when no time is given. */
export const DEFAULT_ZIP_MTIME = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

/** Write a zip of the given entries (in the given order). Throws on unsafe names (a bug). */
export async function writeTransferZip(
  entries: readonly TransferZipEntry[],
  options: { mtime?: Date } = {},
): Promise<Buffer> {
  const mtime = zipTimestamp(amsterdamWallClock(options.mtime ?? DEFAULT_ZIP_MTIME));
  const names = new Set<string>();
  for (const e of entries) {
    const problem = nameProblem(e.name);
    if (problem) throw new Error(`unsafe zip entry name ${JSON.stringify(e.name)}: ${problem}`);
    if (names.has(e.name)) throw new Error(`duplicate zip entry name ${e.name}`);
    names.add(e.name);
  }
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const e of entries) {
      zip.addBuffer(e.data, e.name, { mtime, mode: 0o100644, compress: true, forceDosTimestamp: true });
    }
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.end();
  });
}

/** 'Telling_TK2021_gemeente_Zwolle.zip' (name in file-name form, see fileNamePart). */
export function transferZipName(
  electionId: string,
  level: 'gemeente' | 'kieskring' | 'kiesraad',
  name: string,
): string {
  return `Telling_${electionId}_${level}_${fileNamePart(name)}.zip`;
}

/** The EML file name inside that zip: 'Telling_TK2021_gemeente_Zwolle.eml.xml'. */
export function transferEmlName(electionId: string, level: 'gemeente' | 'kieskring', name: string): string {
  return `Telling_${electionId}_${level}_${fileNamePart(name)}.eml.xml`;
}

export const SIGNATURE_SUFFIX = '.signature';

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export interface TransferZipLimits {
  /** Maximum uncompressed size of the .eml.xml. */
  readonly maxEmlBytes: number;
  /** Maximum uncompressed size of the .signature. */
  readonly maxSignatureBytes: number;
}

export const DEFAULT_TRANSFER_ZIP_LIMITS: TransferZipLimits = {
  maxEmlBytes: 64 * 1024 * 1024,
  maxSignatureBytes: 256 * 1024,
};

export interface TransferZipContents {
  readonly emlName: string;
  readonly eml: Buffer;
  readonly signature: Buffer;
}

export type ZipError =
  | 'zip.not-zip'
  | 'zip.bad-name'
  | 'zip.too-many-entries'
  | 'zip.unexpected-entry'
  | 'zip.duplicate'
  | 'zip.missing-eml'
  | 'zip.missing-signature'
  | 'zip.signature-name'
  | 'zip.too-large'
  | 'zip.encrypted';

/** Why a name is unsafe or not a plain file name (null when fine). */
function nameProblem(name: string): string | null {
  if (name.length === 0) return 'lege naam';
  // (control characters in this pattern on purpose)
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'stuurtekens in de naam';
  if (name.includes('\\')) return 'backslash in de naam';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'absoluut pad';
  if (name.split(/[/\\]/).some((seg) => seg === '..' || seg === '.')) return "'..' of '.' in het pad";
  if (name.endsWith('/')) return 'map';
  if (name.includes('/')) return 'bestand in een map';
  return null;
}

function decodeName(raw: Buffer, utf8Flag: boolean): string {
  const utf8 = raw.toString('utf8');
  if (utf8Flag || Buffer.from(utf8, 'utf8').equals(raw)) return utf8;
  return raw.toString('latin1');
}

const EXPECTED =
  'Verwacht wordt een zip met precies twee bestanden: het .eml.xml-bestand en de bijbehorende .eml.xml.signature.';

function openZip(buf: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buf,
      { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false },
      (err, zip) => (err || !zip ? reject(err ?? new Error('no zip')) : resolve(zip)),
    );
  });
}

class ZipFailure extends Error {
  constructor(readonly failure: ReturnType<typeof fail<ZipError>>) {
    super(failure.message);
  }
}

/** Output chunk size of the inflater (zlib's default of 16 KiB makes a 70 MB entry cost thousands of events). */
const INFLATE_CHUNK = 1 << 20;

/** The raw (still compressed) bytes of an entry, as stored in the zip. */
function rawEntryData(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, { decodeFileData: false }, (err, stream) => {
      if (err || !stream) return reject(err ?? new Error('no stream'));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    });
  });
}

/**
 * Inflate one entry into a buffer of exactly the size its header states (checked against the limit
 * before), so the data is held once: no list of chunks plus a concatenated copy. The size rules are
 * `streamEntryData`'s: more bytes than the header states is refused as a possible zip bomb, fewer as a
 * damaged zip.
 */
async function readEntryData(zip: yauzl.ZipFile, entry: yauzl.Entry, limit: number, name: string): Promise<Buffer> {
  let out: Buffer | null = null;
  let total = 0;
  await streamEntryData(zip, entry, limit, name, { chunkSize: INFLATE_CHUNK, hash: false }, (c) => {
    // Allocated once the header's size has passed the limit (streamEntryData checks it first).
    out ??= Buffer.allocUnsafe(entry.uncompressedSize);
    c.copy(out, total);
    total += c.length;
    return true;
  });
  return out ?? Buffer.alloc(0);
}

/** What an inflater did: stopped by its consumer, or all bytes given (with their SHA-256 when asked). */
export type InflateOutcome = { readonly complete: false } | { readonly complete: true; readonly sha256: Buffer | null };

/**
 * Inflates raw deflate data (an entry's bytes as stored in the zip) chunk by chunk, in order, into
 * `onChunk` (awaited; false stops it), and with `hash` gives the SHA-256 of all the bytes it gave. Data
 * that does not inflate rejects with zlib's error; a failure of the inflater itself (not of the data)
 * with an `InflaterFailure`, which the zip reader passes on instead of calling the zip damaged. The size
 * rules (a zip bomb, a short entry) are the zip reader's, around `onChunk`.
 */
export interface ChunkInflater {
  inflate(raw: Buffer, chunkSize: number, hash: boolean, onChunk: (chunk: Buffer) => boolean | Promise<boolean>): Promise<InflateOutcome>;
}

/** The inflater itself failed (e.g. its thread died): not a property of the file. */
export class InflaterFailure extends Error {}

/** What the consumer of the chunks threw (a bug there), carried past the zip's own failures to be thrown as it was. */
class ConsumerThrew extends Error {
  constructor(readonly thrown: unknown) {
    super('the consumer of the chunks threw');
  }
}

/** Call the consumer; what it throws is not the zip's fault. */
async function consume(onChunk: (chunk: Buffer) => boolean | Promise<boolean>, chunk: Buffer): Promise<boolean> {
  try {
    return await onChunk(chunk);
  } catch (e) {
    throw new ConsumerThrew(e);
  }
}

/** Chunks the streamed inflater may have ready before the consumer takes them. */
const STREAM_READ_AHEAD = 4;

/**
 * Inflating in this thread's event loop: zlib works in libuv's thread pool and runs ahead of the
 * consumer by up to STREAM_READ_AHEAD chunks (zlib's default: one); the SHA-256 is taken here.
 */
export const inThreadInflater: ChunkInflater = {
  async inflate(raw, chunkSize, hash, onChunk) {
    const sha = hash ? createHash('sha256') : null;
    // (The stream options reach the Transform underneath; Node's types name only zlib's own.)
    const options: zlib.ZlibOptions & { readonly readableHighWaterMark: number } = { chunkSize, readableHighWaterMark: STREAM_READ_AHEAD * chunkSize };
    const inflater = zlib.createInflateRaw(options);
    inflater.end(raw);
    try {
      for await (const c of inflater as AsyncIterable<Buffer>) {
        sha?.update(c);
        if (!(await onChunk(c))) return { complete: false };
      }
    } finally {
      inflater.destroy();
    }
    return { complete: true, sha256: sha?.digest() ?? null };
  },
};

/**
 * Inflate one entry chunk by chunk into `onChunk` (awaited before the next chunk is taken): more bytes
 * than the header states is refused as a possible zip bomb, fewer as a damaged zip. Deflated entries go
 * through `inflater` (this thread's by default), stored ones are cut into chunks here.
 */
async function streamEntryData(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  limit: number,
  name: string,
  options: { readonly chunkSize: number; readonly hash: boolean; readonly inflater?: ChunkInflater },
  onChunk: (chunk: Buffer) => boolean | Promise<boolean>,
): Promise<InflateOutcome> {
  const { chunkSize, hash } = options;
  const method = entry.compressionMethod;
  if (method !== 0 && method !== 8) throw new Error(`unsupported compression method: ${method}`);
  const expected = entry.uncompressedSize;
  if (expected > limit) {
    throw new ZipFailure(fail('zip.too-large', `Het bestand ${name} in de zip is te groot (meer dan ${limit} bytes).`, `header says ${expected}`));
  }
  const raw = await rawEntryData(zip, entry);
  if (method === 0) {
    if (raw.length > expected) throw new Error(`too many bytes in the stream: more than the ${expected} the header states`);
    if (raw.length < expected) throw new Error(`not enough bytes in the stream: ${raw.length} of the ${expected} the header states`);
    for (let i = 0; i < raw.length; i += chunkSize) if (!(await consume(onChunk, raw.subarray(i, i + chunkSize)))) return { complete: false };
    return { complete: true, sha256: hash ? createHash('sha256').update(raw).digest() : null };
  }
  let total = 0;
  const outcome = await (options.inflater ?? inThreadInflater).inflate(raw, chunkSize, hash, (c) => {
    if (total + c.length > expected) throw new Error(`too many bytes in the stream: more than the ${expected} the header states`);
    total += c.length;
    return consume(onChunk, c);
  });
  if (outcome.complete && total !== expected) throw new Error(`not enough bytes in the stream: ${total} of the ${expected} the header states`);
  return outcome;
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const onEntry = (e: yauzl.Entry) => {
      cleanup();
      resolve(e);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    const cleanup = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** The two entries of a transfer zip, checked by name and header (nothing inflated yet). */
interface CheckedEntries {
  readonly eml: { readonly name: string; readonly entry: yauzl.Entry };
  readonly sig: { readonly name: string; readonly entry: yauzl.Entry };
}

/**
 * Read a transfer zip: exactly one `<x>.eml.xml` and one `<x>.eml.xml.signature`, nothing else.
 */
export async function readTransferZip(
  buf: Buffer,
  limits: TransferZipLimits = DEFAULT_TRANSFER_ZIP_LIMITS,
): Promise<Result<TransferZipContents, ZipError>> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buf);
  } catch (e) {
    return fail('zip.not-zip', 'Het bestand is geen (geldig) zip-bestand.', (e as Error).message);
  }
  try {
    const checked = await checkEntries(zip, limits);
    if (!checked.ok) return checked;
    const { eml, sig } = checked.value;
    // Second pass: inflate with the limits enforced on the actual bytes.
    const read = async (e: { name: string; entry: yauzl.Entry }, limit: number): Promise<Buffer> =>
      readEntryData(zip, e.entry, limit, e.name);
    let emlData: Buffer;
    let sigData: Buffer;
    try {
      emlData = await read(eml, limits.maxEmlBytes);
      sigData = await read(sig, limits.maxSignatureBytes);
    } catch (e) {
      return inflateFailure(e);
    }
    return ok({ emlName: eml.name, eml: emlData, signature: sigData });
  } finally {
    zip.close();
  }
}

/** An error while inflating, as the failure the reader reports. */
function inflateFailure(e: unknown): Result<never, ZipError> {
  if (e instanceof ZipFailure) return e.failure;
  if (e instanceof InflaterFailure) throw e; // not the file's fault: the caller's internal error
  if (e instanceof ConsumerThrew) throw e.thrown;
  const msg = (e as Error).message;
  if (/too many bytes/i.test(msg)) {
    return fail('zip.too-large', 'Een bestand in de zip is groter dan de zip zelf opgeeft (mogelijk een zip-bom).', msg);
  }
  return fail('zip.not-zip', 'Het zip-bestand is beschadigd.', msg);
}

/**
 * A transfer zip opened for streaming (the count-file import): its entries checked exactly as
 * `readTransferZip` checks them, the EML inflated chunk by chunk (never whole in memory) and then the
 * (small) signature. `close` when done.
 */
export interface TransferZipStream {
  readonly emlName: string;
  /** The EML's uncompressed size as its header states (at most the limit; the bytes are held to it). */
  readonly emlSize: number;
  /**
   * Inflate the EML, passing each chunk to `onChunk` (awaited; a chunk is not kept after it). `onChunk`
   * returning false stops early: then ok({ complete: false }). After the last chunk, when the size is
   * exactly the header's: ok({ complete: true, sha256 }) with the SHA-256 of all the EML's bytes (taken
   * where they were inflated); the failures of `readTransferZip` otherwise. Thrown, not a failure of the
   * file: an `InflaterFailure`, and whatever `onChunk` throws.
   */
  streamEml(onChunk: (chunk: Buffer) => boolean | Promise<boolean>): Promise<Result<EmlStreamed, ZipError>>;
  /** The detached signature (inflated whole: at most `maxSignatureBytes`). */
  readSignature(): Promise<Result<Buffer, ZipError>>;
  close(): void;
}

/** The EML streamed to its end (with the SHA-256 of its bytes), or stopped by the consumer. */
export type EmlStreamed = { readonly complete: false } | { readonly complete: true; readonly sha256: Buffer };

/**
 * Open a transfer zip for streaming (see TransferZipStream); the same refusals as `readTransferZip`.
 * `chunkSize`: bytes per chunk of EML; `inflater`: where the EML is inflated and hashed (this thread's
 * event loop by default).
 */
export async function openTransferZip(
  buf: Buffer,
  limits: TransferZipLimits = DEFAULT_TRANSFER_ZIP_LIMITS,
  options: { readonly chunkSize?: number; readonly inflater?: ChunkInflater } = {},
): Promise<Result<TransferZipStream, ZipError>> {
  const chunkSize = options.chunkSize ?? INFLATE_CHUNK;
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(buf);
  } catch (e) {
    return fail('zip.not-zip', 'Het bestand is geen (geldig) zip-bestand.', (e as Error).message);
  }
  let checked: Result<CheckedEntries, ZipError>;
  try {
    checked = await checkEntries(zip, limits);
  } catch (e) {
    zip.close();
    throw e;
  }
  if (!checked.ok) {
    zip.close();
    return checked;
  }
  const { eml, sig } = checked.value;
  return ok({
    emlName: eml.name,
    emlSize: eml.entry.uncompressedSize,
    streamEml: async (onChunk) => {
      try {
        const outcome = await streamEntryData(zip, eml.entry, limits.maxEmlBytes, eml.name, { chunkSize, hash: true, inflater: options.inflater }, onChunk);
        if (!outcome.complete) return ok(outcome);
        if (outcome.sha256 === null) throw new InflaterFailure('the inflater gave no SHA-256 though asked');
        return ok({ complete: true, sha256: outcome.sha256 });
      } catch (e) {
        return inflateFailure(e);
      }
    },
    readSignature: async () => {
      try {
        return ok(await readEntryData(zip, sig.entry, limits.maxSignatureBytes, sig.name));
      } catch (e) {
        return inflateFailure(e);
      }
    },
    close: () => zip.close(),
  });
}

/** The first pass over the entries: names and header checks, before inflating anything. */
async function checkEntries(zip: yauzl.ZipFile, limits: TransferZipLimits): Promise<Result<CheckedEntries, ZipError>> {
  {
    if (zip.entryCount > 2) {
      return fail('zip.too-many-entries', `De zip bevat ${zip.entryCount} bestanden. ${EXPECTED}`);
    }
    // First pass: names and header checks for all entries, before inflating anything.
    const entries: { name: string; entry: yauzl.Entry }[] = [];
    for (;;) {
      let entry: yauzl.Entry | null;
      try {
        entry = await nextEntry(zip);
      } catch (e) {
        const msg = (e as Error).message;
        if (/encrypt/i.test(msg)) return fail('zip.encrypted', 'De zip bevat versleutelde bestanden; dat wordt niet ondersteund.', msg);
        return fail('zip.not-zip', 'Het zip-bestand is beschadigd.', msg);
      }
      if (!entry) break;
      const raw = entry.fileName as unknown as Buffer;
      const name = decodeName(raw, (entry.generalPurposeBitFlag & 0x800) !== 0);
      const problem = nameProblem(name);
      if (problem) {
        return fail('zip.bad-name', `De zip bevat een onveilige of onverwachte bestandsnaam "${name}" (${problem}). ${EXPECTED}`);
      }
      if (entries.some((e) => e.name === name)) {
        return fail('zip.duplicate', `De zip bevat het bestand "${name}" meer dan eens.`);
      }
      if (entry.isEncrypted()) {
        return fail('zip.encrypted', `Het bestand "${name}" in de zip is versleuteld; dat wordt niet ondersteund.`);
      }
      entries.push({ name, entry });
    }

    const emls = entries.filter((e) => e.name.toLowerCase().endsWith('.eml.xml'));
    const sigs = entries.filter((e) => e.name.toLowerCase().endsWith(SIGNATURE_SUFFIX));
    const other = entries.filter((e) => !emls.includes(e) && !sigs.includes(e));
    if (other.length > 0) {
      return fail('zip.unexpected-entry', `De zip bevat een onverwacht bestand "${other[0]!.name}". ${EXPECTED}`);
    }
    if (emls.length > 1) {
      return fail('zip.unexpected-entry', `De zip bevat meer dan één .eml.xml-bestand. ${EXPECTED}`);
    }
    if (sigs.length > 1) {
      return fail('zip.unexpected-entry', `De zip bevat meer dan één handtekening. ${EXPECTED}`);
    }
    const eml = emls[0];
    if (!eml) return fail('zip.missing-eml', `De zip bevat geen .eml.xml-bestand. ${EXPECTED}`);
    const sig = sigs[0];
    if (!sig) {
      return fail('zip.missing-signature', `De zip bevat geen handtekening (${eml.name}${SIGNATURE_SUFFIX}). ${EXPECTED}`);
    }
    if (sig.name !== eml.name + SIGNATURE_SUFFIX) {
      return fail(
        'zip.signature-name',
        `De handtekening "${sig.name}" hoort niet bij "${eml.name}"; verwacht wordt "${eml.name}${SIGNATURE_SUFFIX}".`,
      );
    }
    for (const [e, limit] of [
      [eml, limits.maxEmlBytes],
      [sig, limits.maxSignatureBytes],
    ] as const) {
      if (e.entry.uncompressedSize > limit) {
        return fail('zip.too-large', `Het bestand ${e.name} in de zip is te groot (meer dan ${limit} bytes).`, `header says ${e.entry.uncompressedSize}`);
      }
    }

    return ok({ eml, sig });
  }
}
