/**
 * `compressOnce` (src/transfer/zip.ts): a buffer that goes into several zips (the 510c into the
 * kieskring zip and the kiesraad zip) is deflated once, and the zips are byte for byte the zips
 * written without it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, test } from 'node:test';
import { compressOnce, writeTransferZip } from '../../src/transfer/zip.ts';

const mtime = new Date('2021-03-19T14:11:10Z');

/** Deflate calls zlib itself receives while `f` runs (below the zip module's wrapper). */
async function countDeflates(f: () => Promise<void>): Promise<{ sizes: number[] }> {
  const sizes: number[] = [];
  const wrapper = zlib.deflateRaw;
  // The wrapper calls the zlib function it captured, so count at the level of the native stream class.
  const original = zlib.DeflateRaw.prototype._transform;
  zlib.DeflateRaw.prototype._transform = function (this: zlib.DeflateRaw, chunk: Buffer, enc: BufferEncoding, cb: () => void) {
    sizes.push(chunk.length);
    return original.call(this, chunk, enc, cb);
  } as typeof original;
  try {
    await f();
  } finally {
    zlib.DeflateRaw.prototype._transform = original;
    assert.equal(zlib.deflateRaw, wrapper);
  }
  return { sizes };
}

describe('compressOnce', () => {
  test('two zips holding the same registered buffer: deflated once, the same bytes as without', async () => {
    const text = Buffer.from('<Selection><Candidate/><ValidVotes>12</ValidVotes></Selection>\n'.repeat(20_000) + randomBytes(64).toString('hex'));
    const other = Buffer.from('handtekening');
    const plainCopy = Buffer.from(text);
    const plainA = await writeTransferZip([{ name: 'a.eml.xml', data: plainCopy }, { name: 'a.sig', data: other }], { mtime });
    const plainB = await writeTransferZip([{ name: 'a.eml.xml', data: plainCopy }, { name: 'x.pdf', data: other }], { mtime });
    let a: Buffer = Buffer.alloc(0);
    let b: Buffer = Buffer.alloc(0);
    const counted = await countDeflates(async () => {
      compressOnce(text);
      a = await writeTransferZip([{ name: 'a.eml.xml', data: text }, { name: 'a.sig', data: other }], { mtime });
      b = await writeTransferZip([{ name: 'a.eml.xml', data: text }, { name: 'x.pdf', data: other }], { mtime });
    });
    assert.ok(a.equals(plainA), 'the first zip is the same as without');
    assert.ok(b.equals(plainB), 'the second zip is the same as without');
    const big = counted.sizes.filter((n) => n === text.length).length;
    assert.equal(big, 1, `the large buffer was deflated once (chunks: ${counted.sizes.join(', ')})`);
  });
});
