/**
 * The canonical-form scanner and the fast 510 reader fed in chunks (issue 13: the import streams and
 * never holds the whole file): for a document split anywhere, the verdict (canonical or not, the
 * algorithm), the read and every event the reader reports are exactly those of one pass over the
 * whole document; and the window the scanner keeps stays small. (A refusal's reason and byte are
 * diagnostics only and may differ: a chunk's end can show a broken tag as "ends in a tag" before the
 * whole document would show it as a mismatch; the verdict never differs. Before a refusal a stream may
 * report fewer blocks than one pass, never other ones.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Eml510CanonicalReader, type Eml510CanonicalOutcome, type Eml510Handlers } from '../../src/eml/eml510read.ts';
import { CanonicalScanner, scanCanonical, type FastScanOutcome } from '../../src/eml/fastscan.ts';
import { assertProperty } from '../support/seed.ts';
import { eml } from '../support/paths.ts';

const REAL = eml('tk2025', 'Telling_TK2025_gemeente_West_Maas_en_Waal.eml.xml');

/** Split `bytes` at the given cut points (sorted, deduplicated, within the document). */
function split(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.min(Math.max(c, 0), bytes.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const c of [...at, bytes.length]) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  return out;
}

/** The verdict of a scan: a refusal without its (diagnostic) reason and position. */
function verdict(out: FastScanOutcome): FastScanOutcome | { canonical: false } {
  return out.canonical ? out : { canonical: false };
}

function streamedScan(chunks: readonly Buffer[]): FastScanOutcome | { canonical: false } {
  const s = new CanonicalScanner(null);
  for (const c of chunks) {
    const out = s.push(c);
    if (out !== null) return verdict(out);
  }
  const out = s.push(null, true);
  assert.ok(out !== null);
  return verdict(out);
}

/** Everything the reader reports, in order, plus its outcome. */
function read(feed: (handlers: Eml510Handlers) => unknown): unknown[] {
  const events: unknown[] = [];
  const outcome = feed({ onHeader: (h) => events.push(['header', h]), onTotal: (c) => events.push(['total', c]), onUnit: (u) => events.push(['unit', u]) }) as Eml510CanonicalOutcome;
  events.push(['outcome', { scan: verdict(outcome.scan), read: outcome.read }]);
  return events;
}

function readWhole(bytes: Buffer): unknown[] {
  return read((h) => new Eml510CanonicalReader(bytes, h).step());
}

function readStreamed(chunks: readonly Buffer[]): unknown[] {
  return read((h) => {
    const r = new Eml510CanonicalReader(null, h);
    for (const c of chunks) r.push(c);
    return r.end();
  });
}

test('a real 510b read in chunks of every size from 1 byte to 64 KiB: the same events and verdict as one pass', () => {
  const bytes = readFileSync(REAL);
  const whole = readWhole(bytes);
  assert.equal((whole.at(-1) as [string, Eml510CanonicalOutcome])[1].scan.canonical, true);
  for (const size of [1, 2, 3, 7, 64, 1000, 4096, 65536]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    assert.deepEqual(readStreamed(chunks), whole, `chunks of ${size} bytes`);
  }
});

test('property: a real 510b, mutated or not, split at random points: the streamed scan and read equal one pass', () => {
  const original = readFileSync(REAL);
  const interesting = [0x3c, 0x3e, 0x26, 0x22, 0x20, 0x0a, 0x0d, 0x2f, 0x30, 0x39, 0x61, 0xc3, 0xff];
  assertProperty(
    fc.property(
      fc.array(fc.nat({ max: original.length }), { maxLength: 40 }),
      fc.option(fc.tuple(fc.nat({ max: original.length - 1 }), fc.constantFrom(...interesting)), { nil: null }),
      (cuts, mutation) => {
        const bytes = Buffer.from(original);
        if (mutation) bytes[mutation[0]] = mutation[1];
        const chunks = split(bytes, cuts);
        assert.deepEqual(streamedScan(chunks), verdict(scanCanonical(bytes)));
        const streamed = readStreamed(chunks);
        const whole = readWhole(bytes);
        if ((whole.at(-1) as [string, { scan: FastScanOutcome }])[1].scan.canonical) assert.deepEqual(streamed, whole);
        else {
          // Refused: the same outcome (no read). The events before it are not used by anyone (fastscan.ts:
          // "only meaningful when the whole scan ends canonical"): a stream stops at the chunk where the
          // problem shows, one pass may report further blocks before its character check at the end;
          // what the stream reported is what the one pass reported, up to where it stopped.
          assert.deepEqual(streamed.at(-1), whole.at(-1));
          assert.deepEqual(streamed.slice(0, -1), whole.slice(0, streamed.length - 1));
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('property: small documents split everywhere: the streamed verdict equals the whole one', () => {
  const DS = 'xmlns:ds="http://www.w3.org/2000/09/xmldsig#"';
  const unit = '<a>t<b x="1">5</b>t<p:c></p:c>t</a>';
  const doc = Buffer.from(`<r ${DS} xmlns:p="urn:p">${`${unit}\n`.repeat(6)}<w xmlns="urn:w">${unit}</w>${unit}</r>`);
  assertProperty(
    fc.property(
      fc.nat({ max: doc.length - 1 }),
      fc.constantFrom(0x3c, 0x3e, 0x2f, 0x61, 0x62, 0x20, 0x22, 0x3a, 0x0d, 0x26),
      fc.array(fc.nat({ max: doc.length }), { maxLength: 12 }),
      (at, byte, cuts) => {
        const bytes = Buffer.from(doc);
        bytes[at] = byte;
        assert.deepEqual(streamedScan(split(bytes, cuts)), verdict(scanCanonical(bytes)));
        assert.deepEqual(streamedScan(split(bytes, [...Array(bytes.length).keys()])), verdict(scanCanonical(bytes)));
      },
    ),
    { numRuns: 300 },
  );
  // Edge cases: empty, nothing but text, content after the root, a root that never ends.
  for (const text of ['', 'abc', `${unit}<x></x>`, `${unit}x`, '<r>', '<r><a>1</a>']) {
    const bytes = Buffer.from(text);
    assert.deepEqual(streamedScan(split(bytes, [1, 2, 3])), verdict(scanCanonical(bytes)), JSON.stringify(text));
  }
});

test('streaming keeps only a small window: a 20 MB document in 64 KiB chunks never holds more than a chunk and a tag', () => {
  const block = '<ReportingUnitVotes><Selection><AffiliationIdentifier Id="1"></AffiliationIdentifier><ValidVotes>12</ValidVotes></Selection></ReportingUnitVotes>';
  const bytes = Buffer.from(`<r>${block.repeat(Math.ceil(20_000_000 / block.length))}</r>`);
  const s = new CanonicalScanner(null);
  let widest = 0;
  for (let i = 0; i < bytes.length; i += 1 << 16) {
    assert.equal(s.push(bytes.subarray(i, i + (1 << 16))), null);
    widest = Math.max(widest, (s as unknown as { bytes: Buffer }).bytes.length);
  }
  assert.deepEqual(s.push(null, true), { canonical: true, algorithm: null });
  assert.ok(widest < (1 << 16) + 4096 + block.length, `window of ${widest} bytes`);
});
