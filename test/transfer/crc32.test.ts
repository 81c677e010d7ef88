import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { javascriptCrc32, nativeCrc32, nativeCrc32Installed } from '../../src/transfer/crc32.ts';
import '../support/property.ts';

describe('the zip writer’s native CRC-32', () => {
  it('is available on this Node', () => {
    assert.notEqual(nativeCrc32, null);
    assert.ok(nativeCrc32Installed(), 'yazl still computes CRC-32 in JavaScript');
  });

  it('gives buffer-crc32’s numbers: known values, whole buffers, strings, and continued chunk by chunk', () => {
    const native = nativeCrc32 ?? assert.fail('zlib.crc32 is not available');
    assert.equal(native(Buffer.from('123456789')), 0xcbf43926); // the CRC-32 check value
    assert.equal(native(Buffer.alloc(0)), 0);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat({ max: 5000 }), fc.string(), (bytes, cut, text) => {
        const buf = Buffer.from(bytes);
        assert.equal(native(buf), javascriptCrc32(buf));
        assert.equal(native(text), javascriptCrc32(text));
        const at = Math.min(cut, buf.length);
        const head = native(buf.subarray(0, at));
        assert.equal(native(buf.subarray(at), head), javascriptCrc32(buf));
        assert.equal(javascriptCrc32(buf.subarray(at), javascriptCrc32(buf.subarray(0, at))), native(buf));
      }),
    );
  });
});
