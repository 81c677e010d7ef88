import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DerError,
  TAG,
  bitString,
  decode,
  explicit,
  integer,
  oid,
  printableString,
  readBitString,
  readOid,
  readSmallInteger,
  readString,
  readTime,
  readUnsignedInteger,
  sequence,
  setOf,
  tlv,
  unsignedInteger,
  utf8String,
  x509Time,
} from '../../src/crypto/der.ts';

const hex = (b: Buffer) => b.toString('hex');

describe('DER encoder', () => {
  it('encodes well-known OIDs exactly', () => {
    assert.equal(hex(oid('2.16.840.1.101.3.4.2.1')), '0609608648016503040201'); // sha256
    assert.equal(hex(oid('1.2.840.113549.1.1.11')), '06092a864886f70d01010b'); // sha256WithRSAEncryption
    assert.equal(hex(oid('0.9.2342.19200300.100.1.1')), '060a0992268993f22c640101'); // UID
    assert.equal(hex(oid('2.5.4.6')), '0603550406');
    assert.throws(() => oid('3.1'), DerError);
    assert.throws(() => oid('1.40'), DerError);
    assert.throws(() => oid('1.02'), DerError);
  });

  it('encodes INTEGERs minimally and positive', () => {
    assert.equal(hex(integer(0)), '020100');
    assert.equal(hex(integer(127)), '02017f');
    assert.equal(hex(integer(128)), '02020080');
    assert.equal(hex(integer(256)), '02020100');
    assert.equal(hex(unsignedInteger(Buffer.from('00008badf00d', 'hex'))), '0205008badf00d');
    assert.equal(hex(unsignedInteger(Buffer.from('0000', 'hex'))), '020100');
  });

  it('encodes long lengths in the minimal long form', () => {
    assert.equal(hex(tlv(TAG.OCTET_STRING, Buffer.alloc(127))).slice(0, 4), '047f');
    assert.equal(hex(tlv(TAG.OCTET_STRING, Buffer.alloc(128))).slice(0, 6), '048180');
    assert.equal(hex(tlv(TAG.OCTET_STRING, Buffer.alloc(256))).slice(0, 8), '04820100');
  });

  it('sorts SET OF by encoding', () => {
    assert.equal(hex(setOf(integer(2), integer(1))), hex(tlv(TAG.SET, Buffer.concat([integer(1), integer(2)]))));
  });

  it('uses UTCTime through 2049 and GeneralizedTime from 2050 (RFC 5280)', () => {
    assert.equal(x509Time(new Date('2049-12-31T23:59:59Z')).toString('latin1', 2), '491231235959Z');
    assert.equal(x509Time(new Date('2049-12-31T23:59:59Z'))[0], TAG.UTC_TIME);
    const g = x509Time(new Date('2050-01-01T00:00:00Z'));
    assert.equal(g[0], TAG.GENERALIZED_TIME);
    assert.equal(g.toString('latin1', 2), '20500101000000Z');
    assert.throws(() => x509Time(new Date('2021-03-17T12:00:00.5Z')), DerError);
  });

  it('refuses characters outside PrintableString', () => {
    assert.equal(hex(printableString('NL')), '13024e4c');
    assert.throws(() => printableString('Fryslân'), DerError);
  });
});

describe('DER decoder', () => {
  it('round-trips a nested structure', () => {
    const der = sequence(integer(1), explicit(0, sequence(oid('1.2.3'), utf8String('Súdwest-Fryslân'))), bitString(Buffer.from([1, 2])));
    const n = decode(der);
    assert.equal(n.children.length, 3);
    assert.equal(readSmallInteger(n.children[0]), 1);
    const inner = n.children[1]!.children[0]!;
    assert.equal(readOid(inner.children[0]), '1.2.3');
    assert.equal(readString(inner.children[1]), 'Súdwest-Fryslân');
    assert.deepEqual([...readBitString(n.children[2])], [1, 2]);
    assert.ok(n.raw.equals(der));
  });

  it('rejects malformed or non-DER input', () => {
    assert.throws(() => decode(Buffer.from('3080020101 0000'.replace(/ /g, ''), 'hex')), /indefinite/);
    assert.throws(() => decode(Buffer.from('30810302 0101'.replace(/ /g, ''), 'hex')), /non-minimal/);
    assert.throws(() => decode(Buffer.from('3003020101 00'.replace(/ /g, ''), 'hex')), /trailing/);
    assert.throws(() => decode(Buffer.from('300502', 'hex')), DerError);
    assert.throws(() => decode(Buffer.from('3005020101', 'hex')), /past end/);
    assert.throws(() => decode(Buffer.alloc(0)), DerError);
    assert.throws(() => decode(Buffer.from('1f0100', 'hex')), /high tag/);
    assert.throws(() => readUnsignedInteger(decode(Buffer.from('02020001', 'hex'))), /non-minimal/);
    assert.throws(() => readUnsignedInteger(decode(Buffer.from('020180', 'hex'))), /negative/);
  });

  it('accepts BER indefinite lengths only when asked', () => {
    const ber = Buffer.from('3080020101 0000'.replace(/ /g, ''), 'hex');
    const n = decode(ber, { ber: true });
    assert.equal(readSmallInteger(n.children[0]), 1);
    assert.equal(n.raw.length, ber.length);
  });

  it('reads and validates times', () => {
    assert.equal(readTime(decode(x509Time(new Date('2021-06-17T23:59:59Z')))).toISOString(), '2021-06-17T23:59:59.000Z');
    assert.equal(readTime(decode(Buffer.from('170d3530303130313030303030305a', 'hex'))).getUTCFullYear(), 1950);
    assert.throws(() => readTime(decode(tlv(TAG.UTC_TIME, Buffer.from('210230120000Z')))), /impossible/);
    assert.throws(() => readTime(decode(tlv(TAG.UTC_TIME, Buffer.from('2102281200Z')))), /bad UTCTime/);
  });

  it('reads BMPString', () => {
    assert.equal(readString(decode(tlv(TAG.BMP_STRING, Buffer.from('004e004c', 'hex')))), 'NL');
  });

  it('property: OIDs round-trip', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 39 }),
        fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n }), { maxLength: 8 }),
        (a, b, rest) => {
          const text = [a, b, ...rest].join('.');
          assert.equal(readOid(decode(oid(text))), text);
        },
      ),
    );
  });

  it('property: unsigned integers round-trip and stay minimal', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), (bytes) => {
        const enc = unsignedInteger(Buffer.from(bytes));
        const back = readUnsignedInteger(decode(enc));
        assert.equal(BigInt('0x' + (hex(back) || '0')), BigInt('0x' + (hex(Buffer.from(bytes)) || '0')));
      }),
    );
  });
});
