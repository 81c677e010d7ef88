/**
 * Detached CMS SignedData (RFC 5652) over the exact bytes of an EML file (domain.md §7).
 *
 * Signing writes exactly the shape of `openssl cms -sign -binary -noattr -md sha256 -outform DER`
 * (byte-identical for the same key, certificate and content, see test/crypto/cms.test.ts):
 *   ContentInfo { id-signedData, [0] SignedData {
 *     version 1, digestAlgorithms { sha256 (no parameters) },
 *     encapContentInfo { id-data } (no eContent: detached),
 *     certificates [0] { signer certificate },
 *     signerInfos { SignerInfo { version 1, issuerAndSerialNumber, sha256,
 *       signatureAlgorithm rsaEncryption (NULL), signature = RSA PKCS#1 v1.5 SHA-256 over the content } } } }
 *
 * Verifying is done against the TRUSTED certificate (the one imported for that municipality),
 * never against the embedded one; `embeddedMatchesTrusted` reports whether they are the same.
 *
 * Decision on signed attributes: our own signatures never carry them, but a signature WITH
 * signed attributes (what `openssl cms -sign` writes without -noattr) is accepted when it is
 * valid per RFC 5652 §5.4: a content-type attribute equal to id-data, a message-digest attribute
 * equal to SHA-256 of the content, and the signature over the DER of the attributes (SET OF).
 * The result says `signedAttributes: true` so callers can log it.
 * The parser accepts BER indefinite lengths in the CMS wrapper (some Java libraries write them).
 *
 * The content may be given as its bytes or as its precomputed SHA-256 (`{ sha256 }`), so a caller that
 * hashes a large file incrementally (yielding to the event loop) need not hash it again here. Both forms
 * give the same result: with the digest, the RSA signature is checked by recovering the PKCS#1 v1.5
 * DigestInfo with the public key and comparing it byte for byte with DigestInfo(sha256, digest), which
 * is what `verify('sha256', ...)` does after hashing.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  publicDecrypt,
  sign,
  verify,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { fail, ok, type Result } from '../domain/result.ts';
import { decodeCertificate, OID as CERT_OID, pemToDer, subjectText, type DecodedCertificate } from './certificate.ts';
import {
  DerError,
  TAG,
  contextTag,
  decode,
  explicit,
  expectTag,
  integer,
  nullValue,
  octetString,
  oid,
  readOctetString,
  readOid,
  readSmallInteger,
  readUnsignedInteger,
  sequence,
  setOf,
  tlv,
  unsignedInteger,
  type DerNode,
} from './der.ts';

export const CMS_OID = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  sha256: '2.16.840.1.101.3.4.2.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
} as const;

const SIGNATURE_ALGORITHMS = new Set<string>([CERT_OID.rsaEncryption, CERT_OID.sha256WithRSAEncryption]);

function certificateDer(pem: string): Buffer {
  const r = pemToDer(pem);
  if (!r.ok) throw new Error(`not a PEM certificate: ${r.message}`);
  return r.value;
}

/** Does the private key belong to the certificate's public key? */
export function keyMatchesCertificate(privateKeyPem: string, certificatePem: string): boolean {
  const cert = new X509Certificate(certificateDer(certificatePem));
  const fromPrivate = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'der' });
  return cert.publicKey.export({ type: 'spki', format: 'der' }).equals(fromPrivate);
}

/**
 * Sign `content` (the exact file bytes): a detached CMS SignedData in DER. Throws when the key
 * does not belong to the certificate (a programming error: check with keyMatchesCertificate).
 */
export function signDetached(content: Buffer, privateKeyPem: string, certificatePem: string): Buffer {
  if (!keyMatchesCertificate(privateKeyPem, certificatePem)) {
    throw new Error('private key does not match the certificate');
  }
  const certDer = certificateDer(certificatePem);
  const cert = decodeCertificate(certDer);
  const signature = sign('sha256', content, createPrivateKey(privateKeyPem));
  const sha256 = sequence(oid(CMS_OID.sha256));
  const signerInfo = sequence(
    integer(1),
    sequence(cert.issuerRaw, unsignedInteger(cert.serial)),
    sha256,
    sequence(oid(CERT_OID.rsaEncryption), nullValue()),
    octetString(signature),
  );
  const signedData = sequence(
    integer(1),
    setOf(sha256),
    sequence(oid(CMS_OID.data)),
    tlv(contextTag(0), certDer),
    setOf(signerInfo),
  );
  return sequence(oid(CMS_OID.signedData), explicit(0, signedData));
}

export interface VerifiedSignature {
  /** Whether the certificate embedded in the signature (for this signer) equals the trusted one. */
  readonly embeddedMatchesTrusted: boolean;
  /** Whether the signature carried signed attributes (accepted, see module comment). */
  readonly signedAttributes: boolean;
  /** Subject of the embedded signer certificate, when present. */
  readonly embeddedSubject: string | null;
}

export type VerifyError =
  | 'signature.trusted-certificate'
  | 'signature.not-cms'
  | 'signature.unsupported'
  | 'signature.not-detached'
  | 'signature.wrong-key'
  | 'signature.invalid';

const NOT_CMS = 'Het handtekeningbestand is geen geldige CMS/PKCS#7-handtekening.';
const INVALID = 'De handtekening is ongeldig: het bestand is gewijzigd of met een andere sleutel ondertekend.';

interface ParsedSignerInfo {
  readonly issuerRaw: Buffer | null;
  readonly serial: Buffer | null;
  readonly digestAlg: string;
  readonly signedAttrs: DerNode | null;
  readonly signatureAlg: string;
  readonly signature: Buffer;
}

interface ParsedSignedData {
  readonly digestAlgs: string[];
  readonly contentType: string;
  readonly hasEContent: boolean;
  readonly certificates: Buffer[];
  readonly signerInfos: ParsedSignerInfo[];
}

function parseSignerInfo(node: DerNode): ParsedSignerInfo {
  const f = expectTag(node, TAG.SEQUENCE, 'SignerInfo').children;
  const version = readSmallInteger(f[0], 'SignerInfo.version');
  let issuerRaw: Buffer | null = null;
  let serial: Buffer | null = null;
  const sid = f[1];
  if (version === 1) {
    const ias = expectTag(sid, TAG.SEQUENCE, 'issuerAndSerialNumber');
    issuerRaw = expectTag(ias.children[0], TAG.SEQUENCE, 'issuer').raw;
    serial = readUnsignedInteger(ias.children[1], 'serialNumber');
  } else if (version === 3) {
    // subjectKeyIdentifier [0]: the signer is identified by key id; we verify against the trusted key anyway.
    if (!sid || sid.tag !== 0x80) throw new DerError('SignerInfo v3 without subjectKeyIdentifier');
  } else {
    throw new DerError(`unknown SignerInfo version ${version}`);
  }
  let i = 2;
  const digestAlg = readOid(expectTag(f[i++], TAG.SEQUENCE, 'digestAlgorithm').children[0]);
  let signedAttrs: DerNode | null = null;
  if (f[i]?.tag === contextTag(0)) signedAttrs = f[i++]!;
  const signatureAlg = readOid(expectTag(f[i++], TAG.SEQUENCE, 'signatureAlgorithm').children[0]);
  const signature = readOctetString(f[i++], 'signature');
  return { issuerRaw, serial, digestAlg, signedAttrs, signatureAlg, signature };
}

function parseSignedData(der: Buffer): ParsedSignedData {
  const ci = expectTag(decode(der, { ber: true }), TAG.SEQUENCE, 'ContentInfo');
  if (readOid(ci.children[0], 'contentType') !== CMS_OID.signedData) throw new DerError('not SignedData');
  const wrapper = expectTag(ci.children[1], contextTag(0), 'content');
  const sd = expectTag(wrapper.children[0], TAG.SEQUENCE, 'SignedData').children;
  readSmallInteger(sd[0], 'SignedData.version');
  const digestAlgs = expectTag(sd[1], TAG.SET, 'digestAlgorithms').children.map((a) =>
    readOid(expectTag(a, TAG.SEQUENCE, 'DigestAlgorithmIdentifier').children[0]),
  );
  const eci = expectTag(sd[2], TAG.SEQUENCE, 'encapContentInfo');
  const contentType = readOid(eci.children[0], 'eContentType');
  const hasEContent = eci.children.length > 1;
  let i = 3;
  const certificates: Buffer[] = [];
  if (sd[i]?.tag === contextTag(0)) {
    for (const c of sd[i]!.children) if (c.tag === TAG.SEQUENCE) certificates.push(Buffer.from(c.raw));
    i++;
  }
  if (sd[i]?.tag === contextTag(1)) i++; // crls: ignored
  const signerInfos = expectTag(sd[i], TAG.SET, 'signerInfos').children.map(parseSignerInfo);
  return { digestAlgs, contentType, hasEContent, certificates, signerInfos };
}

function attributeValues(signedAttrs: DerNode, type: string): DerNode[] | null {
  for (const attr of signedAttrs.children) {
    const a = expectTag(attr, TAG.SEQUENCE, 'Attribute');
    if (readOid(a.children[0], 'attrType') === type) return [...expectTag(a.children[1], TAG.SET, 'attrValues').children];
  }
  return null;
}

/** The signed content: its exact bytes, or the SHA-256 of those bytes (32 bytes). */
export type DetachedContent = Buffer | { readonly sha256: Buffer };

/** RSA PKCS#1 v1.5 over a precomputed SHA-256: recover the DigestInfo and compare it exactly. */
function verifyRsaSha256Digest(digest: Buffer, key: KeyObject, signature: Buffer): boolean {
  const expected = sequence(sequence(oid(CMS_OID.sha256), nullValue()), octetString(digest));
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false; // not a valid type-1 padded block under this key
  }
  return recovered.equals(expected);
}

/**
 * Verify a detached signature over `content` (its bytes, or `{ sha256 }` of them) against the trusted
 * certificate (PEM). Validity dates of the certificate are not checked here (the caller checked them at import).
 */
export function verifyDetached(
  content: DetachedContent,
  signatureDer: Buffer,
  trustedCertificatePem: string,
): Result<VerifiedSignature, VerifyError> {
  const digest = Buffer.isBuffer(content) ? null : content.sha256;
  if (digest !== null && digest.length !== 32) throw new Error(`a SHA-256 digest has 32 bytes, not ${digest.length}`);
  const contentSha256 = (): Buffer => digest ?? createHash('sha256').update(content as Buffer).digest();
  let trustedDer: Buffer;
  let trusted: DecodedCertificate;
  let trustedKey: KeyObject;
  try {
    const r = pemToDer(trustedCertificatePem);
    if (!r.ok) throw new Error(r.message);
    trustedDer = r.value;
    trusted = decodeCertificate(trustedDer);
    trustedKey = new X509Certificate(trustedDer).publicKey;
  } catch (e) {
    return fail('signature.trusted-certificate', 'De geïmporteerde publieke sleutel is onbruikbaar.', (e as Error).message);
  }

  let sd: ParsedSignedData;
  try {
    sd = parseSignedData(signatureDer);
  } catch (e) {
    return fail('signature.not-cms', NOT_CMS, (e as Error).message);
  }
  if (sd.signerInfos.length !== 1) {
    return fail('signature.not-cms', 'De handtekening moet precies één ondertekenaar hebben.', `${sd.signerInfos.length} signers`);
  }
  const si = sd.signerInfos[0]!;
  if (si.digestAlg !== CMS_OID.sha256 || !sd.digestAlgs.includes(CMS_OID.sha256)) {
    return fail(
      'signature.unsupported',
      'De handtekening gebruikt een niet-ondersteund hash-algoritme; verwacht wordt SHA-256.',
      `digest ${si.digestAlg}`,
    );
  }
  if (!SIGNATURE_ALGORITHMS.has(si.signatureAlg)) {
    return fail(
      'signature.unsupported',
      'De handtekening gebruikt een niet-ondersteund ondertekeningsalgoritme; verwacht wordt RSA (PKCS#1 v1.5).',
      `signature algorithm ${si.signatureAlg}`,
    );
  }
  if (sd.contentType !== CMS_OID.data) {
    return fail('signature.unsupported', 'De handtekening is niet over een gewoon bestand (id-data) gezet.', sd.contentType);
  }
  if (sd.hasEContent) {
    return fail(
      'signature.not-detached',
      'Het handtekeningbestand bevat zelf ook de inhoud; verwacht wordt een losse (detached) handtekening.',
    );
  }

  // The embedded certificate for this signer (by issuer and serial), if any.
  let embedded: DecodedCertificate | null = null;
  let embeddedDer: Buffer | null = null;
  for (const der of sd.certificates) {
    try {
      const c = decodeCertificate(der);
      if (si.issuerRaw && si.serial && c.issuerRaw.equals(si.issuerRaw) && c.serial.equals(si.serial)) {
        embedded = c;
        embeddedDer = der;
        break;
      }
    } catch {
      // ignore undecodable extra certificates
    }
  }
  const sidMatchesTrusted =
    si.issuerRaw === null || (si.issuerRaw.equals(trusted.issuerRaw) && si.serial!.equals(trusted.serial));

  // What the RSA signature is over: the content itself (or its digest), or the DER of the signed attributes.
  let signedData: Buffer | null = null;
  let digestOk = true;
  if (si.signedAttrs) {
    try {
      const ct = attributeValues(si.signedAttrs, CMS_OID.contentType);
      const md = attributeValues(si.signedAttrs, CMS_OID.messageDigest);
      if (!ct || ct.length !== 1 || readOid(ct[0]) !== CMS_OID.data || !md || md.length !== 1) {
        return fail('signature.not-cms', NOT_CMS, 'signed attributes without content-type/message-digest');
      }
      digestOk = readOctetString(md[0]).equals(contentSha256());
    } catch (e) {
      return fail('signature.not-cms', NOT_CMS, (e as Error).message);
    }
    // RFC 5652 §5.4: the signature covers the DER of the attributes with an explicit SET OF tag.
    signedData = Buffer.concat([Buffer.from([TAG.SET]), si.signedAttrs.raw.subarray(1)]);
  }

  let valid = false;
  try {
    if (signedData !== null) valid = verify('sha256', signedData, trustedKey, si.signature);
    else if (digest !== null) valid = verifyRsaSha256Digest(digest, trustedKey, si.signature);
    else valid = verify('sha256', content as Buffer, trustedKey, si.signature);
  } catch {
    valid = false;
  }
  if (valid && digestOk) {
    return ok({
      embeddedMatchesTrusted: embeddedDer !== null && embeddedDer.equals(trustedDer),
      signedAttributes: si.signedAttrs !== null,
      embeddedSubject: embedded ? subjectText(embedded.subject) : null,
    });
  }
  if (!valid && !sidMatchesTrusted) {
    const who = embedded ? ` (ondertekenaar volgens de handtekening: ${subjectText(embedded.subject)})` : '';
    return fail(
      'signature.wrong-key',
      `De handtekening is gemaakt met een andere sleutel dan de publieke sleutel die hiervoor is geïmporteerd${who}.`,
    );
  }
  return fail('signature.invalid', INVALID, valid ? 'message digest mismatch' : 'RSA signature does not verify');
}
