/**
 * The installation's own HTTPS certificate (issue 9, transport): self-signed, made on the first
 * start of `uitslag serve` and kept in the data directory. Unlike the election keys (RSA-4096 with
 * no extensions, src/crypto/certificate.ts) this one is what browsers expect of a TLS server:
 * an EC P-256 key, ecdsa-with-SHA256, and the extensions basicConstraints (not a CA), keyUsage
 * digitalSignature, extKeyUsage serverAuth and subjectAltName with the installation's host names
 * and IP addresses. Typists check its SHA-256 fingerprint (printed at start) in the browser.
 * The output is a pure function of the inputs except for the ECDSA signature's randomness.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { TAG, explicit, integer, oid, octetString, sequence, setOf, tlv, toPem, unsignedInteger, utf8String, x509Time } from './der.ts';

const OIDS = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface TlsCertificateInput {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  /** CN, e.g. 'uitslag laptop-hsb'. */
  readonly commonName: string;
  /** Host names for subjectAltName dNSName. */
  readonly dnsNames: readonly string[];
  /** IPv4/IPv6 addresses for subjectAltName iPAddress. */
  readonly ipAddresses: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serial: Buffer;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [tlv(TAG.BOOLEAN, Buffer.from([0xff]))] : []), octetString(value));
}

/** An IP address as the 4 or 16 bytes of an iPAddress GeneralName. */
export function ipBytes(address: string): Buffer {
  const kind = isIP(address);
  if (kind === 4) return Buffer.from(address.split('.').map(Number));
  if (kind !== 6) throw new Error(`not an IP address: ${address}`);
  const [head, tail] = address.includes('::') ? address.split('::') : [address, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').filter((x) => x !== '') : []);
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

function name(commonName: string): Buffer {
  return sequence(
    setOf(sequence(oid(OIDS.organizationName), utf8String('uitslag'))),
    setOf(sequence(oid(OIDS.commonName), utf8String(commonName))),
  );
}

/** A self-signed TLS server certificate (PEM) for an EC P-256 key pair. */
export function createTlsCertificate(input: TlsCertificateInput): string {
  const publicKey = createPublicKey(input.publicKeyPem);
  if (publicKey.asymmetricKeyType !== 'ec') throw new Error('the TLS certificate needs an EC key');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const alg = sequence(oid(OIDS.ecdsaWithSha256));
  const subject = name(input.commonName);
  const altNames = sequence(
    ...input.dnsNames.map((d) => tlv(0x82, Buffer.from(d, 'ascii'))),
    ...input.ipAddresses.map((a) => tlv(0x87, ipBytes(a))),
  );
  const extensions = sequence(
    extension(OIDS.basicConstraints, true, sequence()),
    // keyUsage digitalSignature: BIT STRING with 7 unused bits, first bit set.
    extension(OIDS.keyUsage, true, tlv(TAG.BIT_STRING, Buffer.from([0x07, 0x80]))),
    extension(OIDS.extKeyUsage, false, sequence(oid(OIDS.serverAuth))),
    extension(OIDS.subjectAltName, false, altNames),
  );
  const tbs = sequence(
    explicit(0, integer(2)),
    unsignedInteger(input.serial),
    alg,
    subject,
    sequence(x509Time(input.notBefore), x509Time(input.notAfter)),
    subject,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, createPrivateKey(input.privateKeyPem));
  return toPem('CERTIFICATE', sequence(tbs, alg, tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), signature]))));
}

/** A new EC P-256 key pair (fast, synchronous). */
export function generateTlsKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** SHA-256 fingerprint as browsers show it ('AB:CD:…'). */
export function tlsFingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}
