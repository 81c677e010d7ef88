/**
 * "Importeren steminvoer" (domain.md §5.4): a municipality's signed count file (zip with EML 510b and
 * its detached signature) becomes the municipality's first entry.
 *
 * The heavy part (inflate, signature, hash, parse and arithmetic of a file of up to ~70 MB) runs in a
 * persistent worker thread (`countImportWorker.ts`, started when phase 2 begins), so the server keeps
 * answering other users and never holds the file: for a file in canonical form (all OSV output) the
 * EML is streamed (`streamImportWork`: inflate → SHA-256 and the fast reader of src/eml/fastscan.ts,
 * chunk by chunk); any other file goes through the general path (saxes + C14N, `importWork`), which
 * holds the inflated EML whole (rare; accepted). Only the uploaded zip (a few MB) is kept, in memory,
 * until the confirm stores it. The main thread then maps the totals onto the form, runs the entry
 * checks and shows the hash with two hidden groups. Nothing is stored until the leader confirms (typed groups + acknowledged warnings);
 * the confirm stores the entry and its audit record in one transaction.
 *
 * Verification order (the first problem is reported): zip safe → municipality named by the EML (and
 * the zip name, which must agree) has an imported key → signature valid under that key → hash →
 * EML kind 510b → election id, category, date → authority is a municipality of this kieskring →
 * contest = this kieskring → every list and candidate exists → arithmetic of TotalVotes and every
 * polling station, each polling station of this municipality → no reporting unit twice (reader) →
 * the polling stations add up to TotalVotes in every field (the whole file, `StationSums`) → entry
 * checks → municipality has no entry yet. Both read paths (fast pass and saxes) use the same checks.
 * The hash is confirmed by typing its hidden groups at the confirm step (after the content checks, so
 * nobody types groups for a file that is refused anyway).
 */
import { createHash } from 'node:crypto';
import { arithmeticProblems, type VoteCounts } from '../domain/counts.ts';
import { fileNamePart } from '../domain/election.ts';
import type { ErrorCode } from '../domain/errorCodes.ts';
import { fail, ok, type Failure, type Result } from '../domain/result.ts';
import { verifyDetached } from '../crypto/cms.ts';
import {
  Eml510CanonicalReader,
  Eml510StreamReader,
  type Eml510CanonicalOutcome,
  type Eml510Handlers,
  type Eml510Header,
} from '../eml/eml510read.ts';
import { ruleSetFor, unknownReasons } from '../domain/ruleSets.ts';
import { CANONICALIZATION_MARKER, emlHashFromScan, emlHashFromStreamedScan, emlHashGeneral } from '../eml/hash.ts';
import { openTransferZip, readTransferZip, SIGNATURE_SUFFIX, type ChunkInflater } from '../transfer/zip.ts';
import { JobWorkerHost } from './worker.ts';

export type ImportStage = 'queued' | 'verifying' | 'reading' | 'checking' | 'ready' | 'failed';

export interface ImportWorkInput {
  readonly zip: Uint8Array;
  readonly fileName: string;
  readonly election: { readonly id: string; readonly category: string; readonly date: string; readonly name: string };
  readonly kieskring: { readonly number: number; readonly name: string };
  readonly municipalities: readonly { readonly code: string; readonly name: string }[];
  /** Imported municipality certificates by 4-digit code. */
  readonly keys: Readonly<Record<string, { readonly pem: string; readonly subject: string; readonly fingerprint: string }>>;
  /** The candidate lists: list number → candidate positions. */
  readonly lists: readonly { readonly listNumber: number; readonly positions: readonly number[] }[];
  readonly maxEmlBytes: number;
}

export interface ImportWorkValue {
  readonly code: string;
  readonly name: string;
  readonly emlName: string;
  readonly hashHex: string;
  readonly signer: { readonly subject: string; readonly fingerprint: string; readonly embeddedMatchesTrusted: boolean };
  readonly total: VoteCounts;
  readonly units: number;
  /** The EML's SHA-256 (hex, of its bytes) and the detached signature: the confirm verifies them again against the key current then. */
  readonly rawSha256Hex: string;
  readonly signature: Uint8Array;
}

export type ProgressFn = (stage: ImportStage, progress: number) => void;

const CHUNK = 1 << 16;
/** Bytes per step of the fast pass (between progress reports and, in the main thread, yields). */
const FAST_STEP = 4 << 20;
/** The same in the main thread: small steps, as many as fit in SLICE_MS between yields. */
const MAIN_THREAD_STEP = 64 << 10;
/** Longest run of work in the main thread before other requests are served again. */
const SLICE_MS = 8;

/** 'Telling_TK2021_gemeente_Almere.zip' → 'Almere' (also with a browser's ' (1)' suffix); null otherwise. */
export function municipalityPartOfName(name: string, ext: '.zip' | '.eml.xml'): string | null {
  const re = ext === '.zip' ? /^Telling_[^_]+_gemeente_(.+?)(?: \(\d+\))?\.zip$/i : /^Telling_[^_]+_gemeente_(.+?)\.eml\.xml$/i;
  const m = re.exec(name);
  return m ? m[1]! : null;
}

function sameNamePart(part: string, municipalityName: string): boolean {
  return part.toLowerCase() === fileNamePart(municipalityName).toLowerCase();
}

function wrongKind(kind: string): Failure {
  return fail('import.kind', `Dit is geen telbestand van een gemeente (EML 510b), maar een bestand van soort ${kind}.`, `EML@Id=${kind}`);
}

/** A file that is no EML 510 at all (e.g. a 230b) is refused with the same code as a 510 of the wrong kind. */
function asImportKind<T>(r: Result<T>): Result<T> {
  return !r.ok && r.code === 'eml_soort' ? fail('import.kind', r.message, r.detail ?? 'not an EML 510') : r;
}

/** Bytes per write when peeking at the header: it ends within the first few KiB, and a 64 KiB chunk costs ~20 ms of parsing. */
const HEADER_CHUNK = 4 << 10;

/** Read just the header of the EML (stops at the first vote block). */
function peekHeader(eml: Buffer): Result<Eml510Header> {
  let header: Eml510Header | null = null;
  const reader = new Eml510StreamReader({ onHeader: (h) => (header = h) });
  for (let i = 0; i < eml.length && header === null; i += HEADER_CHUNK) {
    const w = reader.write(eml.subarray(i, i + HEADER_CHUNK));
    if (!w.ok) return w;
  }
  if (header === null) {
    const e = reader.end();
    if (!e.ok) return e;
  }
  return header !== null ? ok(header) : fail('eml_structuur', 'Het bestand bevat geen stemmen.');
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Bytes hashed per step between clock checks. */
const HASH_STEP = 256 << 10;

/**
 * SHA-256 of `bytes`. With `sliceMs` > 0 it hashes for at most about that long at a time and then
 * serves the event loop; with 0 it hashes in one go (in a worker).
 */
export async function sha256InSlices(bytes: Uint8Array, sliceMs: number): Promise<Buffer> {
  const sha = createHash('sha256');
  if (sliceMs <= 0) return sha.update(bytes).digest();
  let t0 = performance.now();
  for (let i = 0; i < bytes.length; i += HASH_STEP) {
    sha.update(bytes.subarray(i, i + HASH_STEP));
    if (performance.now() - t0 >= sliceMs) {
      await yieldToLoop();
      t0 = performance.now();
    }
  }
  return sha.digest();
}

/**
 * The verification and reading of one uploaded zip. Pure apart from CPU: usable in a worker or,
 * with `yieldEvery`, in the main thread.
 */
export function runImportWork(input: ImportWorkInput, progress: ProgressFn, yieldEvery = 0): Promise<Result<ImportWorkValue>> {
  return importWork(input, progress, yieldEvery);
}

/** What `streamImportWork` returns when the file needs the general path (`importWork`). */
const NEEDS_GENERAL_PATH = Symbol('needs the general path');

/** Bytes of EML per chunk of the streaming path (inflated, hashed and scanned one at a time). */
const STREAM_CHUNK = 256 << 10;
/** Bytes of the zip's limits that are not the EML's. */
const MAX_SIGNATURE_BYTES = 256 * 1024;

/**
 * The streaming path, for a file in canonical form (all OSV output): the EML is inflated and hashed
 * (SHA-256) chunk by chunk by `inflater` (in the import worker: its inflate thread, inflateThread.ts, on
 * the other core), and each chunk goes to the fast reader (fastscan.ts) and is then dropped, so the
 * file is never whole in memory (nor any text of it). The fast reader's header names the municipality
 * (refusals of kind, authority and file names as soon as it is read, as the general path does before
 * the signature); the vote blocks are checked as they complete, but nothing found is used or reported
 * before the signature over the whole file has been verified at the end. Anything the fast reader does
 * not accept (not canonical, a header it does not read, any problem it leaves to saxes) stops the stream:
 * NEEDS_GENERAL_PATH, and the general path (`importWork`) does the whole file again and decides, with
 * exactly its outcome and messages.
 */
async function streamImportWork(
  input: ImportWorkInput,
  progress: ProgressFn,
  inflater: ChunkInflater | undefined,
): Promise<Result<ImportWorkValue> | typeof NEEDS_GENERAL_PATH> {
  progress('verifying', 0);
  const opened = await openTransferZip(
    Buffer.from(input.zip.buffer, input.zip.byteOffset, input.zip.byteLength),
    { maxEmlBytes: input.maxEmlBytes, maxSignatureBytes: MAX_SIGNATURE_BYTES },
    { chunkSize: STREAM_CHUNK, inflater },
  );
  if (!opened.ok) return opened;
  const zip = opened.value;
  try {
    const { emlName, emlSize } = zip;
    const marker = new MarkerSearch(CANONICALIZATION_MARKER);
    let length = 0;
    /** Set from the header: whose file it is, its key and the checks of its blocks; or the early refusal. */
    const found: {
      header: Eml510Header | null;
      who: { code: string; name: string; key: ImportWorkInput['keys'][string]; checks: BlockChecks } | null;
      early: Failure | null;
    } = { header: null, who: null, early: null };
    const fast = new Eml510CanonicalReader(null, {
      onHeader: (h) => {
        found.header = h;
        const id = identify(h, input, emlName);
        if (!id.ok) {
          found.early = id;
          return;
        }
        const key = keyOf(input, id.value.code, id.value.name);
        if (!key.ok) {
          found.early = key;
          return;
        }
        found.who = { ...id.value, key: key.value, checks: readAndCheck(input, id.value.code, id.value.name) };
      },
      onTotal: (c) => found.who?.checks.handlers.onTotal?.(c),
      onUnit: (u) => found.who?.checks.handlers.onUnit?.(u),
    });
    progress('reading', 0.05);
    // A refusal from the header (wrong kind, municipality, file name, no key) is left to the general path
    // too: it gives it in its exact order (a damaged zip first, a malformed header first), and such a file
    // is rare; the stream stops there.
    const streamed = await zip.streamEml((chunk) => {
      marker.update(chunk);
      length += chunk.length;
      fast.push(chunk);
      if (found.early !== null || fast.refused) return false;
      progress('reading', 0.05 + 0.85 * (length / Math.max(emlSize, 1)));
      return true;
    });
    if (!streamed.ok) return streamed;
    if (!streamed.value.complete || found.early !== null) return NEEDS_GENERAL_PATH;
    const signature = await zip.readSignature();
    if (!signature.ok) return signature;
    const scanned = fast.end();
    const { header: h, who } = found;
    if (scanned.read === null || h === null || who === null) return NEEDS_GENERAL_PATH;
    const { code, name, key, checks } = who;

    // The signature over the whole file, before anything found in it is used.
    const rawSha256 = streamed.value.sha256;
    const verified = verifyDetached({ sha256: rawSha256 }, signature.value, key.pem);
    if (!verified.ok) {
      return fail(verified.code, `${verified.message} Het bestand is niet geïmporteerd.`, verified.detail ?? `signature check against key of ${code} (${key.fingerprint})`);
    }
    progress('reading', 0.92);
    const rawSha256Hex = rawSha256.toString('hex');
    const hash = emlHashFromStreamedScan({ length, rawSha256Hex, hasMarker: marker.found }, scanned.scan, { maxBytes: input.maxEmlBytes });
    if (hash === null) return NEEDS_GENERAL_PATH;
    if (!hash.ok) return hash;
    const headerProblem = headerChecks(h, input, code, name);
    if (headerProblem) return headerProblem;
    progress('checking', 0.95);
    return outcome(checks, {
      code,
      name,
      emlName,
      hashHex: hash.value.hex,
      key,
      embeddedMatchesTrusted: verified.value.embeddedMatchesTrusted,
      rawSha256Hex,
      signature: signature.value,
    });
  } finally {
    zip.close();
  }
}

/** Whether a byte string occurs in a stream of chunks (also across chunk boundaries), keeping only a short tail. */
class MarkerSearch {
  found = false;
  private tail: Buffer = Buffer.alloc(0);
  constructor(private readonly marker: Buffer) {}
  update(chunk: Buffer): void {
    if (this.found) return;
    const n = this.marker.length;
    // The marker across the boundary: the previous tail with the start of this chunk.
    if (this.tail.length > 0 && Buffer.concat([this.tail, chunk.subarray(0, n - 1)]).indexOf(this.marker) >= 0) {
      this.found = true;
      return;
    }
    if (chunk.indexOf(this.marker) >= 0) {
      this.found = true;
      return;
    }
    this.tail = Buffer.from(chunk.length >= n - 1 ? chunk.subarray(chunk.length - (n - 1)) : Buffer.concat([this.tail, chunk]).subarray(-(n - 1)));
  }
}

/**
 * The work in memory (the general path): the whole EML inflated, then the fast pass over it, and for a
 * file not in canonical form (or any problem the fast reader leaves to saxes) saxes + C14N, which
 * decide with the exact outcome and messages.
 */
async function importWork(
  input: ImportWorkInput,
  progress: ProgressFn,
  yieldEvery: number,
): Promise<Result<ImportWorkValue>> {
  const step = yieldEvery ? MAIN_THREAD_STEP : FAST_STEP;
  progress('verifying', 0);
  const zip = await readTransferZip(Buffer.from(input.zip.buffer, input.zip.byteOffset, input.zip.byteLength), {
    maxEmlBytes: input.maxEmlBytes,
    maxSignatureBytes: 256 * 1024,
  });
  if (!zip.ok) return zip;
  const { eml, signature, emlName } = zip.value;
  progress('verifying', 0.1);
  if (yieldEvery) await yieldToLoop();

  // Which municipality: the EML's ManagingAuthority, checked against the names of the zip and the EML entry.
  const zipPart = municipalityPartOfName(input.fileName, '.zip');
  const emlPart = municipalityPartOfName(emlName, '.eml.xml');
  const header = asImportKind(peekHeader(eml));
  const byPart = (part: string | null) => (part === null ? undefined : input.municipalities.find((m) => sameNamePart(part, m.name)));
  let code: string;
  let name: string;
  if (header.ok) {
    const who = identify(header.value, input, emlName);
    if (!who.ok) return who;
    ({ code, name } = who.value);
  } else {
    // The EML does not parse: still verify the signature first when the file name tells whose it is,
    // so a damaged or tampered file is reported as such.
    const m = byPart(emlPart) ?? byPart(zipPart);
    if (!m || !input.keys[m.code]) return header;
    code = m.code;
    name = m.name;
  }

  const found = keyOf(input, code, name);
  if (!found.ok) return found;
  const key = found.value;
  // The SHA-256 of the bytes, once: for the signature (which must hold before anything in the file is
  // trusted) and, for a file in canonical form, as its canonical hash. In the main thread in slices of at
  // most SLICE_MS with the event loop served in between (no single long block of hashing).
  const rawSha256 = await sha256InSlices(eml, yieldEvery ? SLICE_MS : 0);
  const verified = verifyDetached({ sha256: rawSha256 }, signature, key.pem);
  if (!verified.ok) {
    return fail(verified.code, `${verified.message} Het bestand is niet geïmporteerd.`, verified.detail ?? `signature check against key of ${code} (${key.fingerprint})`);
  }
  progress('verifying', 0.2);
  if (yieldEvery) await yieldToLoop();
  if (!header.ok) return header;
  // One pass over the bytes (fastscan.ts) proves the file is in canonical form (so its canonical hash is
  // the SHA-256 of its bytes) and reads it, checking every vote block as it completes (`readAndCheck`
  // below). A file not in canonical form, or with any problem, is hashed and read again by the general
  // path (saxes), which gives exactly the outcome and messages of before.
  const reading = readAndCheck(input, code, name);
  const fast = new Eml510CanonicalReader(eml, reading.handlers);
  // In the main thread the pass runs in small steps for at most SLICE_MS at a time, then serves the event loop.
  const slice = (): Eml510CanonicalOutcome | null => {
    const t0 = performance.now();
    let out = fast.step(fast.position + step);
    while (out === null && yieldEvery && performance.now() - t0 < SLICE_MS) out = fast.step(fast.position + step);
    return out;
  };
  let scanned = slice();
  while (scanned === null) {
    progress('reading', 0.2 + 0.7 * (fast.position / eml.length));
    if (yieldEvery) await yieldToLoop();
    scanned = slice();
  }
  const rawSha256Hex = rawSha256.toString('hex');
  const hash =
    emlHashFromScan(eml, scanned.scan, { maxBytes: input.maxEmlBytes, rawSha256Hex }) ?? emlHashGeneral(eml, { maxBytes: input.maxEmlBytes });
  if (!hash.ok) return hash;
  progress('reading', 0.9);
  if (yieldEvery) await yieldToLoop();

  const headerProblem = headerChecks(header.value, input, code, name);
  if (headerProblem) return headerProblem;

  // The read and checks of every vote block: from the fast pass when it accepted the file, else again
  // through saxes (lists/candidates exist, arithmetic of every vote block).
  let result = reading.result;
  let wholeFile = reading.wholeFile;
  if (scanned.read === null) {
    const again = readAndCheck(input, code, name);
    const reader = new Eml510StreamReader(again.handlers);
    let chunks = 0;
    for (let i = 0; i < eml.length; i += CHUNK) {
      const w = reader.write(eml.subarray(i, i + CHUNK));
      if (!w.ok) return w;
      const problem = again.result().problem;
      if (problem) return problem;
      if (++chunks % 64 === 0) progress('reading', 0.9 + 0.05 * (i / eml.length));
      if (yieldEvery && chunks % yieldEvery === 0) await yieldToLoop();
    }
    const end = reader.end();
    if (!end.ok) return end;
    result = again.result;
    wholeFile = again.wholeFile;
  }
  progress('checking', 0.95);
  return outcome({ result, wholeFile }, { code, name, emlName, hashHex: hash.value.hex, key, embeddedMatchesTrusted: verified.value.embeddedMatchesTrusted, rawSha256Hex, signature });
}

/** The read's findings, in order, and then the value. */
function outcome(
  checks: Pick<BlockChecks, 'result' | 'wholeFile'>,
  v: {
    code: string;
    name: string;
    emlName: string;
    hashHex: string;
    key: { readonly subject: string; readonly fingerprint: string };
    embeddedMatchesTrusted: boolean;
    rawSha256Hex: string;
    signature: Uint8Array;
  },
): Result<ImportWorkValue> {
  const { problem, total, units } = checks.result();
  if (problem) return problem;
  const sums = checks.wholeFile();
  if (sums) return sums;
  if (total === null) {
    return fail('import.no_total', 'Het bestand bevat geen totaal van de gemeente (TotalVotes).', 'no TotalVotes');
  }
  return ok({
    code: v.code,
    name: v.name,
    emlName: v.emlName,
    hashHex: v.hashHex,
    signer: { subject: v.key.subject, fingerprint: v.key.fingerprint, embeddedMatchesTrusted: v.embeddedMatchesTrusted },
    total,
    units,
    rawSha256Hex: v.rawSha256Hex,
    signature: new Uint8Array(v.signature),
  });
}

/** The municipality of a 510's header (kind, authority of this kieskring, file names agree). */
function identify(h: Eml510Header, input: ImportWorkInput, emlName: string): Result<{ code: string; name: string }> {
  // Before the authority: a kieskring's 510c or another kind is refused for what it is.
  if (h.kind !== '510b') return wrongKind(h.kind);
  const authority = h.authorityId;
  const m = input.municipalities.find((x) => x.code === authority);
  if (!m) {
    return fail(
      'import.other_municipality',
      `Dit bestand is van ${h.authorityName || 'een onbekende gemeente'} (code ${authority}); die gemeente hoort niet bij kieskring ${input.kieskring.number} (${input.kieskring.name}).`,
      `ManagingAuthority/AuthorityIdentifier@Id=${authority}; kieskring municipalities ${input.municipalities.map((x) => x.code).join(',')}`,
    );
  }
  for (const [part, what] of [
    [municipalityPartOfName(input.fileName, '.zip'), `de zip (${input.fileName})`],
    [municipalityPartOfName(emlName, '.eml.xml'), `het EML-bestand in de zip (${emlName})`],
  ] as const) {
    if (part !== null && !sameNamePart(part, m.name)) {
      return fail(
        'import.name_mismatch',
        `De naam van ${what} noemt gemeente "${part.replace(/_/g, ' ')}", maar het bestand zelf is van gemeente ${m.name} (${m.code}). Controleer of u het juiste bestand heeft gekozen.`,
        `file name part ${part} vs authority ${m.code} ${m.name}`,
      );
    }
  }
  return ok({ code: m.code, name: m.name });
}

/** The key of municipality `code`, or the refusal that there is none. */
function keyOf(input: ImportWorkInput, code: string, name: string): Result<ImportWorkInput['keys'][string]> {
  const key = input.keys[code];
  if (!key) {
    return fail(
      'import.key_missing',
      `Importeer eerst de publieke sleutel van gemeente ${name}; zonder die sleutel kan de handtekening niet worden gecontroleerd.`,
      `no municipality key for ${code}`,
    );
  }
  return ok(key);
}

/** The header checks after the signature and hash, in order: kind, election, authority name, contest. */
function headerChecks(h: Eml510Header, input: ImportWorkInput, code: string, name: string): Failure | null {
  if (h.kind !== '510b') return wrongKind(h.kind);
  const e = input.election;
  if (h.election.id !== e.id || h.election.category !== e.category || (h.election.date ?? '') !== e.date) {
    return fail(
      'import.other_election',
      `Dit bestand hoort bij verkiezing ${h.election.id} (${h.election.name ?? h.election.category}, ${h.election.date ?? 'zonder datum'}), maar deze installatie is voor verkiezing ${e.id} (${e.name}, ${e.date}).`,
      `id ${h.election.id}/${e.id}, category ${h.election.category}/${e.category}, date ${h.election.date}/${e.date}`,
    );
  }
  if (h.authorityName !== name) {
    return fail(
      'import.other_municipality',
      `Het bestand noemt gemeente "${h.authorityName}" bij code ${code}, maar in de verkiezingsdefinitie heet gemeente ${code} "${name}".`,
      `AuthorityIdentifier text "${h.authorityName}"`,
    );
  }
  if (h.contest.id !== String(input.kieskring.number)) {
    return fail(
      'import.other_kieskring',
      `Dit bestand is voor kieskring ${h.contest.id}${h.contest.name ? ` (${h.contest.name})` : ''}, maar deze installatie is voor kieskring ${input.kieskring.number} (${input.kieskring.name}).`,
      `ContestIdentifier@Id=${h.contest.id}`,
    );
  }
  return null;
}

/** What `readAndCheck` gives: the handlers for a reader, and what they found. */
interface BlockChecks {
  readonly handlers: Eml510Handlers;
  readonly result: () => { problem: Failure | null; total: VoteCounts | null; units: number };
  /** After the last block: the stations against the total (stationSums). */
  readonly wholeFile: () => Failure | null;
}

/**
 * Handlers that check each vote block of municipality `code` (`name`) as it completes (first problem
 * kept), and what they found.
 */
function readAndCheck(input: ImportWorkInput, code: string, name: string): BlockChecks {
  const lists = new Map(input.lists.map((l) => [l.listNumber, new Set(l.positions)]));
  const rules = ruleSetFor(input.election);
  let problem: Failure | null = null;
  let total: VoteCounts | null = null;
  let units = 0;
  const checkBlock = (counts: VoteCounts, where: string): void => {
    if (problem) return;
    for (const l of counts.lists) {
      const positions = lists.get(l.listNumber);
      if (!positions) {
        problem = fail(
          'import.unknown_list',
          `${where}: lijst ${l.listNumber} staat niet op de kandidatenlijsten van deze kieskring.`,
          `AffiliationIdentifier@Id=${l.listNumber}`,
        );
        return;
      }
      for (const c of l.candidates) {
        if (!positions.has(c.position)) {
          problem = fail(
            'import.unknown_candidate',
            `${where}: kandidaat ${c.position} van lijst ${l.listNumber} staat niet op de kandidatenlijsten van deze kieskring.`,
            `CandidateIdentifier@Id=${c.position} in list ${l.listNumber}`,
          );
          return;
        }
      }
    }
    // A reason the election does not know (e.g. a postal reason of TK2021 in a later election) would be
    // lost on the way to the 510c: refuse the file instead.
    const unknown = unknownReasons(rules, [counts]);
    if (unknown.length > 0) {
      problem = fail(
        'import.unknown_reason',
        `${where}: het bestand bevat ${unknown.map((r) => `"${r}"`).join(', ')}; ${unknown.length === 1 ? 'dat gegeven kent' : 'die gegevens kent'} deze verkiezing niet (${rules.description}).`,
        `UncountedVotes@ReasonCode not in rule set ${rules.id}: ${unknown.join(', ')}`,
      );
      return;
    }
    const problems = arithmeticProblems(counts);
    if (problems.length > 0) {
      problem = fail(
        'import.sums',
        `De aantallen in het bestand tellen niet op (${where}): ${problems[0]!.message}${problems.length > 1 ? ` (en nog ${problems.length - 1} andere fout${problems.length > 2 ? 'en' : ''})` : ''}`,
        problems.map((p) => `${p.code}${p.listNumber !== undefined ? `@${p.listNumber}` : ''}`).join(','),
      );
    }
  };
  // The whole file: every polling station belongs to this municipality, and the stations add up to
  // the municipality total for every field (stationSumProblem).
  const stations = new StationSums();
  return {
    handlers: {
      onTotal: (c) => {
        total = c;
        checkBlock(c, `totaal van gemeente ${name}`);
      },
      onUnit: (u) => {
        units++;
        const where = `stembureau ${u.name || u.id}`;
        if (!problem && !u.id.startsWith(`${code}::`)) {
          problem = fail(
            'import.other_unit',
            `${where} (${u.id}) hoort niet bij gemeente ${name} (${code}). Het bestand is niet geïmporteerd.`,
            `ReportingUnitIdentifier@Id=${u.id}; expected ${code}::…`,
          );
        }
        checkBlock(u.counts, where);
        stations.add(u);
      },
    },
    result: () => ({ problem, total, units }),
    wholeFile: () => (total !== null && units > 0 ? stations.problemAgainst(total, name) : null),
  };
}

/** At most this many polling stations are listed (with their value) in a refusal. */
const NAMED_STATIONS = 10;

/** Every field of a vote block as (key, Dutch label, value). */
/** (StationSums.add walks the fields in this same order, with the same keys and labels.) */
function eachField(c: VoteCounts, f: (key: string, label: string, value: number) => void): void {
  f('cast', 'aantal kiesgerechtigden (Z)', c.cast);
  f('totalCounted', 'totaal geldige stemmen op lijsten (E)', c.totalCounted);
  f('blanco', 'blanco stemmen (F)', c.rejected.blanco);
  f('ongeldig', 'ongeldige stemmen (G)', c.rejected.ongeldig);
  for (const u of c.uncounted) f(`reason:${u.reason}`, `"${u.reason}"`, u.count);
  for (const l of c.lists) {
    f(`list:${l.listNumber}`, `het totaal van lijst ${l.listNumber}`, l.total);
    for (const k of l.candidates) f(`cand:${l.listNumber}:${k.position}`, `kandidaat ${k.position} van lijst ${l.listNumber}`, k.votes);
  }
}

/**
 * The polling stations of a 510b, field by field, to compare their sum with its TotalVotes. Kept
 * compactly (one number per field and station, fields indexed once), so a refusal can name the
 * stations. `Cast` (Z) is compared only when a station reports it: the real files either give every
 * station its Z (TK2023 Aa en Hunze) or none (0 at every station, TK2025 West Maas en Waal). An
 * absent reason counts as 0.
 */
class StationSums {
  private readonly index = new Map<string, number>();
  private readonly labels: string[] = [];
  private readonly sums: number[] = [];
  private readonly stations: { name: string; values: number[] }[] = [];

  /** The slots of each list (its total, its candidates by position): no key or label is built per station. */
  private readonly listSlots = new Map<number, { total: number; candidates: Map<number, number> }>();

  /** The fields in the order of `eachField` (so slots are made in the same order), keys and labels built once per field. */
  add(u: { id: string; name: string; counts: VoteCounts }): void {
    const values: number[] = [];
    const sums = this.sums;
    const put = (i: number, value: number): void => {
      values[i] = (values[i] ?? 0) + value;
      sums[i] = (sums[i] ?? 0) + value;
    };
    const c = u.counts;
    put(this.slot('cast', 'aantal kiesgerechtigden (Z)'), c.cast);
    put(this.slot('totalCounted', 'totaal geldige stemmen op lijsten (E)'), c.totalCounted);
    put(this.slot('blanco', 'blanco stemmen (F)'), c.rejected.blanco);
    put(this.slot('ongeldig', 'ongeldige stemmen (G)'), c.rejected.ongeldig);
    for (const r of c.uncounted) put(this.slot(`reason:${r.reason}`, `"${r.reason}"`), r.count);
    for (const l of c.lists) {
      let list = this.listSlots.get(l.listNumber);
      if (list === undefined) {
        list = { total: this.slot(`list:${l.listNumber}`, `het totaal van lijst ${l.listNumber}`), candidates: new Map() };
        this.listSlots.set(l.listNumber, list);
      }
      put(list.total, l.total);
      for (const k of l.candidates) {
        let i = list.candidates.get(k.position);
        if (i === undefined) {
          i = this.slot(`cand:${l.listNumber}:${k.position}`, `kandidaat ${k.position} van lijst ${l.listNumber}`);
          list.candidates.set(k.position, i);
        }
        put(i, k.votes);
      }
    }
    this.stations.push({ name: u.name || u.id, values });
  }

  private slot(key: string, label: string): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.labels.length;
      this.index.set(key, i);
      this.labels.push(label);
      this.sums.push(0);
    }
    return i;
  }

  /** The first field whose station sum differs from the total, naming the stations; null when all add up. */
  problemAgainst(total: VoteCounts, municipality: string): Failure | null {
    const expected: number[] = [];
    eachField(total, (key, label, value) => {
      const i = this.slot(key, label);
      expected[i] = (expected[i] ?? 0) + value;
    });
    const castIndex = this.index.get('cast')!;
    const withCast = this.stations.some((s) => (s.values[castIndex] ?? 0) !== 0);
    for (let i = 0; i < this.labels.length; i++) {
      if (i === castIndex && !withCast) continue;
      const want = expected[i] ?? 0;
      const sum = this.sums[i] ?? 0;
      if (sum === want) continue;
      const named = this.stations.filter((st) => (st.values[i] ?? 0) !== 0 || this.stations.length <= NAMED_STATIONS);
      const listed = named.slice(0, NAMED_STATIONS).map((st) => `${st.name}: ${st.values[i] ?? 0}`);
      const more = named.length - listed.length;
      return fail(
        'import.station_sums',
        `De stembureaus tellen niet op tot het totaal van gemeente ${municipality}: ${this.labels[i]} is in het totaal ${want}, maar de stembureaus samen hebben ${sum}` +
          ` (${listed.join('; ')}${more > 0 ? `; en nog ${more} stembureaus` : ''}). Het bestand is niet geïmporteerd.`,
        `field ${this.labels[i]}: total ${want}, stations ${sum}`,
      );
    }
    return null;
  }
}

export { SIGNATURE_SUFFIX };

// ---------------------------------------------------------------------------------------------
// Running the work in a worker thread
// ---------------------------------------------------------------------------------------------

/** The failure for an unexpected error in the import work (main thread or worker). */
export const IMPORT_INTERNAL = {
  code: 'import.internal',
  message: 'Het bestand kon niet worden verwerkt door een interne fout.',
} as const satisfies { readonly code: ErrorCode; readonly message: string };

/**
 * The work as the import worker does it: the streaming path (`streamImportWork`) for a file in canonical
 * form, and for any other file (or any problem the streaming path leaves to it) the general path in
 * memory (`importWork`: the whole EML inflated, saxes + C14N), which decides with its exact outcome.
 * Non-canonical files are rare (all OSV output is canonical), so holding such a file whole is accepted.
 */
export async function runImportStreamed(
  input: ImportWorkInput,
  progress: ProgressFn,
  yieldEvery = 0,
  inflater?: ChunkInflater,
): Promise<Result<ImportWorkValue>> {
  const streamed = await streamImportWork(input, progress, inflater);
  if (streamed !== NEEDS_GENERAL_PATH) return streamed;
  return runImportWork(input, progress, yieldEvery);
}

/**
 * Run the work off the request path, in the persistent import worker (`countImportWorker.ts`, started
 * once and kept; see importWorkerHost), so a 70 MB file never blocks the server and never sits in its
 * memory. When no worker can start, in this thread: the streaming path serves the event loop between
 * chunks, the general path every few chunks.
 */
export function runImportInWorker(input: ImportWorkInput, progress: ProgressFn): Promise<Result<ImportWorkValue>> {
  return importWorkerHost.run(input, (p) => progress(p.stage, p.progress));
}

/** Start the import worker now (when imports become possible), so the first import does not wait for it. */
export function prestartImportWorker(): void {
  importWorkerHost.start();
}

/**
 * Stop the import worker (on leaving phase 2: no count file can be imported then, and its thread is
 * memory the render worker of phase 3 can use). A job still running finishes first; a later import
 * starts a new worker.
 */
export function stopImportWorker(): void {
  importWorkerHost.stop();
}

/** Progress as the import worker reports it. */
export interface ImportProgress {
  readonly stage: ImportStage;
  readonly progress: number;
}

/**
 * The one import worker of this process (see JobWorkerHost): started when phase 2 begins (or on first
 * use) and kept for the next import; each job streams its file (`runImportStreamed`). A worker that
 * dies fails its jobs as `import.internal`; one that cannot load its module makes this thread do the
 * work (the streaming path serves the event loop between chunks, the general path every few chunks).
 */
const importWorkerHost = new JobWorkerHost<ImportWorkInput, ImportProgress, Result<ImportWorkValue>>({
  module: () => new URL(import.meta.url.endsWith('.ts') ? './countImportWorker.ts' : './countImportWorker.js', import.meta.url),
  // Small heap limits keep the worker's share of the server's memory small (a streamed 70 MB file needs
  // a few MB). The young generation: 8 MB; with 4 the bench file's reading took ~20 % longer in
  // scavenges, with 16 or 32 faster still but a few MiB more at the peak. The general path holds a
  // non-canonical file whole outside the heap (a Buffer); it was run with a 64 MB old generation on the
  // bench file without running out.
  resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 },
  inThisThread: (input, progress) => runImportStreamed(input, (stage, p) => progress({ stage, progress: p }), 4),
  lost: (detail) => fail(IMPORT_INTERNAL.code, IMPORT_INTERNAL.message, detail),
});
