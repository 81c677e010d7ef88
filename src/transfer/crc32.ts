/**
 * The zip writer's CRC-32 in native code. yazl (our zips: transfer, ODT, archive) computes each
 * entry's CRC-32 with buffer-crc32, a table loop in JavaScript (34 ms for the phase-3 files, issue
 * 13); Node's `zlib.crc32` (Node ≥ 20.15) computes the same standard CRC-32 (IEEE 802.3) natively in
 * a tenth of that. yazl calls `require('buffer-crc32').unsigned(data, previous)` on the module object,
 * so that one function is replaced here, once per process, by the native one with the same results
 * (test/transfer/crc32.test.ts compares both on random data, whole and in chunks; the zip tests
 * compare whole zips byte for byte). Without `zlib.crc32` nothing changes.
 */
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

type Crc32Unsigned = (data: Buffer | string, previous?: number | Buffer) => number;

const bufferCrc32 = createRequire(createRequire(import.meta.url).resolve('yazl'))('buffer-crc32') as { unsigned: Crc32Unsigned };

/** buffer-crc32's own function (for the comparison test). */
export const javascriptCrc32: Crc32Unsigned = bufferCrc32.unsigned;

/** The native function with buffer-crc32's signature: `previous` a CRC to continue (number or 4 bytes big-endian). */
export const nativeCrc32: Crc32Unsigned | null =
  typeof zlib.crc32 === 'function'
    ? (data, previous) => zlib.crc32(data, previous === undefined ? 0 : Buffer.isBuffer(previous) ? previous.readUInt32BE(0) : previous >>> 0)
    : null;

if (nativeCrc32 !== null) bufferCrc32.unsigned = nativeCrc32;

/** Does yazl now use the native CRC-32? */
export function nativeCrc32Installed(): boolean {
  return nativeCrc32 !== null && bufferCrc32.unsigned === nativeCrc32;
}
