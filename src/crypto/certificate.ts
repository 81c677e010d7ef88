/**
 * Public key files (domain.md §7): self-signed X.509 certificates in PEM.
 *
 * Encoding choices (documented for auditors):
 * - Version: v3 (the explicit [0] version field holds 2) and NO extensions field at all.
 *   RFC 5280 §4.1.2.1 prefers v1 when only basic fields are present but explicitly allows v3
 *   ("the version MAY be 3"); the spec asks for "X.509 v3 without extensions", which is what
 *   common X.509 v3 builders produce when no extension is added. OpenSSL 3 and Node's
 *   X509Certificate both accept it (see test/crypto/certificate.test.ts).
 * - Signature algorithm sha256WithRSAEncryption (1.2.840.113549.1.1.11) with NULL parameters.
 * - Subject = issuer, one attribute per RDN in exactly the order C, L, O, OU, CN, UID;
 *   C as PrintableString, the others as UTF8String. UID = 0.9.2342.19200300.100.1.1.
 * - Times: UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), in UTC.
 * - Validity: from creation (whole seconds) until election date + 3 months, 23:59:59 UTC.
 *   Dates in messages are shown as dd-mm-yyyy in UTC.
 * The output is a pure function of the inputs (RSA PKCS#1 v1.5 signatures are deterministic).
 */
import { createHash, createPrivateKey, createPublicKey, sign, X509Certificate } from 'node:crypto';
import pkg from '../../package.json' with { type: 'json' };
import { fileNamePart, municipalityTitle } from '../domain/election.ts';
import { fail, ok, type Result } from '../domain/result.ts';
import { retentionEnd } from '../domain/retention.ts';
import {
  DerError,
  TAG,
  bitString,
  contextTag,
  decode,
  explicit,
  expectTag,
  integer,
  nullValue,
  oid,
  printableString,
  readBitString,
  readOctetString,
  readOid,
  readSmallInteger,
  readString,
  readTime,
  readUnsignedInteger,
  sequence,
  setOf,
  toPem,
  unsignedInteger,
  utf8String,
  x509Time,
  type DerNode,
} from './der.ts';

export const OID = {
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  rsaEncryption: '1.2.840.113549.1.1.1',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  userId: '0.9.2342.19200300.100.1.1',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
} as const;

/**
 * Longest validity period accepted for an imported certificate. Ours run from creation until the
 * election date + 3 months; a certificate valid for years is not one of an election's keys.
 */
export const MAX_CERTIFICATE_LIFETIME_DAYS = 400;

export const PROGRAM_NAME = 'uitslag';

/** The OU value: program name and version, e.g. 'uitslag 0.1.0'. */
export function programString(): string {
  return `${PROGRAM_NAME} ${pkg.version}`;
}

export interface CertificateSubject {
  readonly C: string;
  readonly L: string;
  readonly O: string;
  readonly OU: string;
  readonly CN: string;
  readonly UID: string;
}

export const SUBJECT_ORDER = ['C', 'L', 'O', 'OU', 'CN', 'UID'] as const;
type SubjectKey = (typeof SUBJECT_ORDER)[number];

const SUBJECT_OIDS: Record<SubjectKey, string> = {
  C: OID.countryName,
  L: OID.localityName,
  O: OID.organizationName,
  OU: OID.organizationalUnitName,
  CN: OID.commonName,
  UID: OID.userId,
};

const KEY_BY_OID = new Map<string, SubjectKey>(SUBJECT_ORDER.map((k) => [SUBJECT_OIDS[k], k]));

export function subjectText(s: CertificateSubject): string {
  return SUBJECT_ORDER.map((k) => `${k}=${s[k]}`).join(', ');
}

/** Subject of a municipality's (or openbaar lichaam's) certificate; `code` is the 4-digit code. */
export function municipalitySubject(args: {
  electionId: string;
  code: string;
  name: string;
  program?: string;
}): CertificateSubject {
  if (!/^\d{4}$/.test(args.code)) throw new Error(`municipality code must have 4 digits: ${args.code}`);
  return {
    C: 'NL',
    L: args.name,
    O: args.electionId,
    OU: args.program ?? programString(),
    CN: municipalityTitle({ number: Number(args.code), name: args.name }),
    UID: `PSB${args.code}`,
  };
}

/** Subject of a hoofdstembureau's certificate. */
export function hsbSubject(args: {
  electionId: string;
  kieskringNumber: number;
  name: string;
  program?: string;
}): CertificateSubject {
  if (!Number.isSafeInteger(args.kieskringNumber) || args.kieskringNumber < 1) {
    throw new Error(`bad kieskring number: ${args.kieskringNumber}`);
  }
  return {
    C: 'NL',
    L: args.name,
    O: args.electionId,
    OU: args.program ?? programString(),
    CN: `Hoofdstembureau ${args.name}`,
    UID: `HSB${args.kieskringNumber}`,
  };
}

/**
 * `public_key_uitslag_tk2021-gemeente_zwolle.crt` / `public_key_uitslag_tk2021-hoofdstembureau_lelystad.crt`.
 * Openbare lichamen use 'gemeente' as well (they take the municipality's place in every file name).
 */
export function certificateFileName(args: {
  electionId: string;
  kind: 'gemeente' | 'hoofdstembureau';
  name: string;
}): string {
  return `public_key_${PROGRAM_NAME}_${args.electionId}-${args.kind}_${fileNamePart(args.name)}.crt`.toLowerCase();
}

/** The matching private key file name (stays in the data directory). */
export function privateKeyFileName(args: {
  electionId: string;
  kind: 'gemeente' | 'hoofdstembureau';
  name: string;
}): string {
  return `private_key_${PROGRAM_NAME}_${args.electionId}-${args.kind}_${fileNamePart(args.name)}.pem`.toLowerCase();
}

export type ValidityError = 'certificate.election-past' | 'certificate.election-too-far' | 'certificate.bad-date';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Validity period: from `now` (truncated to whole seconds) until the election date + 3 months,
 * 23:59:59 UTC (clamped to the month's last day, e.g. 30 Nov + 3 months = 28/29 Feb). In practice
 * mode (`practice`), when that lies before today + 3 months, until today + 3 months instead.
 */
export function certificateValidity(
  now: Date,
  electionDate: string,
  opts: { readonly practice?: boolean } = {},
): Result<{ notBefore: Date; notAfter: Date }, ValidityError> {
  const electionEnd = retentionEnd(electionDate);
  if (electionEnd === null) return fail('certificate.bad-date', `Ongeldige verkiezingsdatum: ${electionDate} (verwacht jjjj-mm-dd).`);
  // Practice ("OEFENING") with a past election: valid from now until today + 3 months.
  const todayEnd = retentionEnd(now.toISOString().slice(0, 10))!;
  const end = opts.practice && todayEnd > electionEnd ? todayEnd : electionEnd;
  const notAfter = new Date(`${end}T23:59:59Z`);
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  if (notAfter.getTime() <= notBefore.getTime()) {
    return fail(
      'certificate.election-past',
      `De verkiezingsdatum (${electionDate}) plus 3 maanden ligt in het verleden; er kan geen geldig certificaat worden gemaakt.`,
    );
  }
  if (notAfter.getTime() - notBefore.getTime() > MAX_CERTIFICATE_LIFETIME_DAYS * DAY_MS) {
    return fail(
      'certificate.election-too-far',
      `De verkiezingsdatum (${electionDate}) ligt te ver in de toekomst: het certificaat zou langer dan ${MAX_CERTIFICATE_LIFETIME_DAYS} dagen geldig zijn, en zo'n certificaat wordt niet geïmporteerd. Maak het sleutelpaar later aan.`,
    );
  }
  return ok({ notBefore, notAfter });
}

function algorithmIdentifier(oidText: string): Buffer {
  return sequence(oid(oidText), nullValue());
}

export function encodeName(s: CertificateSubject): Buffer {
  return sequence(
    ...SUBJECT_ORDER.map((k) =>
      setOf(sequence(oid(SUBJECT_OIDS[k]), k === 'C' ? printableString(s[k]) : utf8String(s[k]))),
    ),
  );
}

/**
 * Create a self-signed certificate (PEM). The certificate carries `publicKeyPem` and is signed
 * with `privateKeyPem`; passing a non-matching pair yields a certificate whose self-signature
 * does not verify (used by tests; `parseCertificate` refuses it).
 */
export function createSelfSignedCertificate(args: {
  privateKeyPem: string;
  publicKeyPem: string;
  subject: CertificateSubject;
  notBefore: Date;
  notAfter: Date;
  serial: Buffer;
}): string {
  const serial = args.serial;
  if (serial.length === 0 || serial.length > 20 || serial.every((b) => b === 0)) {
    throw new Error('serial must be 1-20 bytes and non-zero');
  }
  const publicKey = createPublicKey(args.publicKeyPem);
  if (publicKey.asymmetricKeyType !== 'rsa') throw new Error('only RSA keys are supported');
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const name = encodeName(args.subject);
  const tbs = sequence(
    explicit(0, integer(2)), // v3
    unsignedInteger(serial),
    algorithmIdentifier(OID.sha256WithRSAEncryption),
    name, // issuer
    sequence(x509Time(args.notBefore), x509Time(args.notAfter)),
    name, // subject
    spki,
  );
  const signature = sign('sha256', tbs, createPrivateKey(args.privateKeyPem));
  const der = sequence(tbs, algorithmIdentifier(OID.sha256WithRSAEncryption), bitString(signature));
  return toPem('CERTIFICATE', der);
}

// ---------------------------------------------------------------------------------------------
// Parsing and checking an imported certificate
// ---------------------------------------------------------------------------------------------

/** An X.509 v3 extension as found in a certificate (ours have none). */
export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue's content (the DER of the extension's own value). */
  readonly value: Buffer;
}

export interface CertificateInfo {
  readonly subject: CertificateSubject;
  /** 'C=NL, L=Zwolle, O=TK2021, OU=…, CN=Gemeente Zwolle, UID=PSB0193'. */
  readonly subjectText: string;
  /** SHA-256 of the DER, 'AA:BB:…' upper-case hex. */
  readonly fingerprint: string;
  /** Serial number, upper-case hex. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Normalised PEM (re-armoured from the DER). */
  readonly pem: string;
  readonly der: Buffer;
  readonly extensions: readonly CertificateExtension[];
}

export type CertificateError =
  | 'certificate.not-pem'
  | 'certificate.der'
  | 'certificate.multiple'
  | 'certificate.private-key'
  | 'certificate.invalid'
  | 'certificate.algorithm'
  | 'certificate.key'
  | 'certificate.not-self-signed'
  | 'certificate.signature'
  | 'certificate.expired'
  | 'certificate.not-yet-valid';

/** dd-mm-yyyy (UTC). */
export function formatDateNl(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}-${p(d.getUTCMonth() + 1)}-${d.getUTCFullYear()}`;
}

/** Tolerated clock difference between the machine that made a certificate and the one importing it. */
export const CLOCK_SKEW_MS = 10 * 60 * 1000;

const NOT_PEM =
  'Het bestand is geen publieke sleutel (certificaat) in PEM-formaat. Verwacht wordt een tekstbestand dat begint met -----BEGIN CERTIFICATE-----.';

export interface DecodedCertificate {
  readonly tbs: DerNode;
  readonly subject: CertificateSubject;
  readonly issuerRaw: Buffer;
  readonly subjectRaw: Buffer;
  readonly serial: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly tbsAlg: string;
  readonly outerAlg: string;
  readonly extensions: readonly CertificateExtension[];
}

function algorithmOid(node: DerNode | undefined, what: string): string {
  const alg = expectTag(node, TAG.SEQUENCE, what);
  return readOid(alg.children[0], `${what} OID`);
}

/** Decode the RDNs of a Name into the six known attributes (unknown attributes are refused). */
export function decodeSubject(name: DerNode): CertificateSubject {
  expectTag(name, TAG.SEQUENCE, 'Name');
  const found: Partial<Record<SubjectKey, string>> = {};
  for (const rdn of name.children) {
    expectTag(rdn, TAG.SET, 'RDN');
    for (const atv of rdn.children) {
      expectTag(atv, TAG.SEQUENCE, 'AttributeTypeAndValue');
      if (atv.children.length !== 2) throw new DerError('AttributeTypeAndValue: expected 2 elements');
      const type = readOid(atv.children[0], 'attribute type');
      const key = KEY_BY_OID.get(type);
      if (!key) continue; // other attributes are ignored (not shown, not checked)
      if (found[key] !== undefined) throw new DerError(`attribute ${key} occurs more than once`);
      found[key] = readString(atv.children[1], key);
    }
  }
  return {
    C: found.C ?? '',
    L: found.L ?? '',
    O: found.O ?? '',
    OU: found.OU ?? '',
    CN: found.CN ?? '',
    UID: found.UID ?? '',
  };
}

export function decodeCertificate(der: Buffer): DecodedCertificate {
  const cert = expectTag(decode(der), TAG.SEQUENCE, 'Certificate');
  if (cert.children.length !== 3) throw new DerError('Certificate: expected 3 elements');
  const tbs = expectTag(cert.children[0], TAG.SEQUENCE, 'TBSCertificate');
  const outerAlg = algorithmOid(cert.children[1], 'signatureAlgorithm');
  readBitString(cert.children[2], 'signatureValue');
  let i = 0;
  const f = tbs.children;
  if (f[0]?.tag === contextTag(0)) {
    const version = readSmallInteger(f[0].children[0], 'version');
    if (version > 2) throw new DerError(`unknown version ${version}`);
    i++;
  }
  const serial = readUnsignedInteger(f[i++], 'serialNumber');
  const tbsAlg = algorithmOid(f[i++], 'signature');
  const issuer = expectTag(f[i++], TAG.SEQUENCE, 'issuer');
  const validity = expectTag(f[i++], TAG.SEQUENCE, 'validity');
  const subject = expectTag(f[i++], TAG.SEQUENCE, 'subject');
  expectTag(f[i++], TAG.SEQUENCE, 'subjectPublicKeyInfo');
  // issuerUniqueID [1] and subjectUniqueID [2] (IMPLICIT BIT STRING) are skipped; extensions [3].
  while (f[i] && (f[i]!.tag === contextTag(1, false) || f[i]!.tag === contextTag(2, false))) i++;
  const extensions: CertificateExtension[] = [];
  if (f[i]?.tag === contextTag(3)) {
    const list = expectTag(f[i]!.children[0], TAG.SEQUENCE, 'extensions');
    for (const ext of list.children) {
      expectTag(ext, TAG.SEQUENCE, 'Extension');
      const extOid = readOid(ext.children[0], 'extnID');
      let critical = false;
      let k = 1;
      if (ext.children[k]?.tag === TAG.BOOLEAN) critical = ext.children[k++]!.content[0] !== 0;
      const value = readOctetString(ext.children[k], 'extnValue');
      if (extensions.some((e) => e.oid === extOid)) throw new DerError(`extension ${extOid} occurs more than once`);
      extensions.push({ oid: extOid, critical, value });
    }
    i++;
  }
  if (i !== f.length) throw new DerError('TBSCertificate: unexpected trailing elements');
  return {
    extensions,
    tbs,
    subject: decodeSubject(subject),
    issuerRaw: issuer.raw,
    subjectRaw: subject.raw,
    serial,
    notBefore: readTime(validity.children[0], 'notBefore'),
    notAfter: readTime(validity.children[1], 'notAfter'),
    tbsAlg,
    outerAlg,
  };
}

function looksLikeDer(buf: Buffer): boolean {
  if (buf[0] !== TAG.SEQUENCE) return false;
  try {
    decode(buf);
    return true;
  } catch {
    return false;
  }
}

/** Extract the single CERTIFICATE block of a PEM file (only whitespace around it). */
export function pemToDer(input: Buffer | string): Result<Buffer, CertificateError> {
  if (Buffer.isBuffer(input) && looksLikeDer(input)) {
    return fail(
      'certificate.der',
      'Het certificaat is in binair (DER-)formaat; verwacht wordt PEM-formaat (tekst die begint met -----BEGIN CERTIFICATE-----).',
    );
  }
  const text = Buffer.isBuffer(input) ? input.toString('utf8') : input;
  const blocks = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g)];
  if (blocks.some((b) => /PRIVATE KEY/.test(b[1]!))) {
    return fail(
      'certificate.private-key',
      'Dit bestand bevat een privésleutel, geen publieke sleutel. Geef een privésleutel nooit door; vraag om het certificaat (.crt).',
    );
  }
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
  if (certs.length > 1) {
    return fail('certificate.multiple', 'Het bestand bevat meer dan één certificaat; verwacht wordt precies één.');
  }
  const block = certs[0];
  if (!block || blocks.length !== 1 || block[3] !== 'CERTIFICATE') return fail('certificate.not-pem', NOT_PEM);
  const outside = text.slice(0, block.index) + text.slice(block.index! + block[0].length);
  if (outside.trim() !== '') return fail('certificate.not-pem', NOT_PEM, 'text outside the PEM block');
  const body = block[2]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0 || body.length === 0) {
    return fail('certificate.not-pem', NOT_PEM, 'invalid base64 in PEM block');
  }
  return ok(Buffer.from(body, 'base64'));
}

function keyDescription(x509: X509Certificate): { ok: boolean; found: string } {
  const key = x509.publicKey;
  const type = key.asymmetricKeyType ?? 'onbekend';
  const bits = key.asymmetricKeyDetails?.modulusLength;
  const label = type === 'rsa' ? 'RSA' : type === 'rsa-pss' ? 'RSA-PSS' : type.toUpperCase();
  return { ok: type === 'rsa' && bits === 4096, found: bits ? `${label} ${bits}` : label };
}

/**
 * Parse and check an imported public key file. Checks, in order: PEM with exactly one
 * certificate; well-formed DER; signature algorithm sha256WithRSAEncryption; RSA key of exactly
 * 4096 bits; self-signed (issuer = subject) with a valid signature; valid at `now` (with
 * `CLOCK_SKEW_MS` tolerance for "not yet valid"). `checkValidity: false` skips the last check
 * (for verifying archived files after the certificate expired).
 */
export function parseCertificate(
  input: Buffer | string,
  now: Date,
  options: { checkValidity?: boolean } = {},
): Result<CertificateInfo, CertificateError> {
  const derResult = pemToDer(input);
  if (!derResult.ok) return derResult;
  const der = derResult.value;

  let decoded: DecodedCertificate;
  let x509: X509Certificate;
  try {
    decoded = decodeCertificate(der);
    x509 = new X509Certificate(der);
  } catch (e) {
    return fail('certificate.invalid', 'Het bestand bevat geen geldig certificaat (beschadigd of onbekend formaat).', (e as Error).message);
  }

  if (decoded.outerAlg !== OID.sha256WithRSAEncryption || decoded.tbsAlg !== OID.sha256WithRSAEncryption) {
    return fail(
      'certificate.algorithm',
      'Het certificaat is niet ondertekend met sha256WithRSAEncryption.',
      `signature algorithm ${decoded.outerAlg} / ${decoded.tbsAlg}`,
    );
  }
  const key = keyDescription(x509);
  if (!key.ok) {
    return fail('certificate.key', `De sleutel is geen RSA-sleutel van 4096 bits (gevonden: ${key.found}).`);
  }
  if (!decoded.issuerRaw.equals(decoded.subjectRaw)) {
    return fail('certificate.not-self-signed', 'Het certificaat is niet zelfondertekend (uitgever en onderwerp verschillen).');
  }
  if (!x509.verify(x509.publicKey)) {
    return fail(
      'certificate.signature',
      'De handtekening van het certificaat is ongeldig: het certificaat is beschadigd of gewijzigd.',
    );
  }
  if (options.checkValidity !== false) {
    if (now.getTime() > decoded.notAfter.getTime()) {
      return fail('certificate.expired', `Het certificaat is verlopen op ${formatDateNl(decoded.notAfter)}.`);
    }
    if (now.getTime() + CLOCK_SKEW_MS < decoded.notBefore.getTime()) {
      return fail(
        'certificate.not-yet-valid',
        `Het certificaat is nog niet geldig; het is geldig vanaf ${formatDateNl(decoded.notBefore)}. Controleer de datum en tijd van deze computer.`,
      );
    }
  }
  const fingerprint = createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .match(/../g)!
    .join(':');
  return ok({
    subject: decoded.subject,
    subjectText: subjectText(decoded.subject),
    fingerprint,
    serialNumber: decoded.serial.toString('hex').toUpperCase(),
    notBefore: decoded.notBefore,
    notAfter: decoded.notAfter,
    pem: toPem('CERTIFICATE', der),
    der,
    extensions: decoded.extensions,
  });
}

/** Words for the extensions a reason may name. */
const EXTENSION_NAMES: Record<string, string> = {
  [OID.basicConstraints]: 'basisbeperkingen (basicConstraints)',
  [OID.keyUsage]: 'sleutelgebruik (keyUsage)',
  [OID.extKeyUsage]: 'uitgebreid sleutelgebruik (extKeyUsage)',
  [OID.subjectKeyIdentifier]: 'sleutel-id (subjectKeyIdentifier)',
  [OID.authorityKeyIdentifier]: 'uitgever-sleutel-id (authorityKeyIdentifier)',
};

/**
 * What is wrong with a certificate as an election key, apart from whose it is: a validity period
 * longer than MAX_CERTIFICATE_LIFETIME_DAYS; a CA certificate (basicConstraints cA); a keyUsage
 * that does not allow signatures; a critical extension this program does not know. Our own
 * certificates have no extensions at all; the others are only tolerated when harmless.
 */
export function certificatePolicyProblems(info: Pick<CertificateInfo, 'notBefore' | 'notAfter' | 'extensions'>): string[] {
  const reasons: string[] = [];
  const days = (info.notAfter.getTime() - info.notBefore.getTime()) / DAY_MS;
  if (days > MAX_CERTIFICATE_LIFETIME_DAYS) {
    reasons.push(
      `Het certificaat is ${Math.round(days)} dagen geldig (${formatDateNl(info.notBefore)} tot ${formatDateNl(info.notAfter)}); een sleutel voor een verkiezing is hoogstens ${MAX_CERTIFICATE_LIFETIME_DAYS} dagen geldig.`,
    );
  }
  for (const ext of info.extensions) {
    try {
      if (ext.oid === OID.basicConstraints) {
        const seq = expectTag(decode(ext.value), TAG.SEQUENCE, 'BasicConstraints');
        const ca = seq.children[0]?.tag === TAG.BOOLEAN && seq.children[0].content[0] !== 0;
        if (ca) reasons.push('Het certificaat is een CA-certificaat (basicConstraints cA=TRUE); een publieke sleutel voor de uitslag is dat nooit.');
      } else if (ext.oid === OID.keyUsage) {
        const bits = expectTag(decode(ext.value), TAG.BIT_STRING, 'KeyUsage').content;
        // digitalSignature (bit 0) or nonRepudiation (bit 1) is needed to sign count files.
        if (((bits[1] ?? 0) & 0xc0) === 0) {
          reasons.push('Volgens het sleutelgebruik (keyUsage) van het certificaat mag de sleutel niet ondertekenen.');
        }
      } else if (ext.critical && !(ext.oid in EXTENSION_NAMES)) {
        reasons.push(`Het certificaat bevat een kritieke extensie die dit programma niet kent (${ext.oid}).`);
      }
    } catch (e) {
      reasons.push(`De extensie ${EXTENSION_NAMES[ext.oid] ?? ext.oid} van het certificaat is beschadigd.`);
      void e;
    }
  }
  return reasons;
}

/** Names compared as people read them: case, accents' encoding (NFC) and runs of spaces do not count. */
function sameName(a: string, b: string): boolean {
  const norm = (t: string) => t.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('nl');
  return norm(a) === norm(b);
}

/**
 * Does this certificate belong to this election and this municipality (or, with
 * `kieskringNumber`, this hoofdstembureau)? Returns every reason it does not (empty = fine),
 * each naming what was expected and what was found. With the right UID, the CN and L must name
 * that same authority.
 */
export function checkCertificateFor(
  info: Pick<CertificateInfo, 'subject'>,
  expected:
    | { electionId: string; municipalityCode: string; municipalityName: string }
    | { electionId: string; kieskringNumber: number; kieskringName: string },
): string[] {
  const reasons: string[] = [];
  const s = info.subject;
  if (s.O !== expected.electionId) {
    reasons.push(
      `Het certificaat hoort bij een andere verkiezing: verwacht O=${expected.electionId}, gevonden O=${s.O || '(leeg)'}.`,
    );
  }
  if ('municipalityCode' in expected) {
    const uid = `PSB${expected.municipalityCode}`;
    if (s.UID !== uid) {
      reasons.push(
        `Het certificaat hoort bij een andere gemeente: verwacht UID=${uid}, gevonden UID=${s.UID || '(leeg)'}${s.CN ? ` (${s.CN})` : ''}.`,
      );
    }
    else {
      const cn = municipalityTitle({ number: Number(expected.municipalityCode), name: expected.municipalityName });
      reasons.push(...nameReasons(s, { CN: cn, L: expected.municipalityName }));
    }
  } else {
    const uid = `HSB${expected.kieskringNumber}`;
    if (s.UID !== uid) {
      reasons.push(
        `Het certificaat hoort bij een ander hoofdstembureau: verwacht UID=${uid}, gevonden UID=${s.UID || '(leeg)'}${s.CN ? ` (${s.CN})` : ''}.`,
      );
    }
    else reasons.push(...nameReasons(s, { CN: `Hoofdstembureau ${expected.kieskringName}`, L: expected.kieskringName }));
  }
  return reasons;
}

/** The certificate's CN and L must name the same authority as its UID (a UID=PSB0034 with CN=Gemeente Amsterdam is refused). */
function nameReasons(s: CertificateSubject, expected: { CN: string; L: string }): string[] {
  const reasons: string[] = [];
  if (!sameName(s.CN, expected.CN)) {
    reasons.push(`De naam in het certificaat klopt niet: verwacht CN=${expected.CN}, gevonden CN=${s.CN || '(leeg)'}.`);
  }
  if (!sameName(s.L, expected.L)) {
    reasons.push(`De plaats in het certificaat klopt niet: verwacht L=${expected.L}, gevonden L=${s.L || '(leeg)'}.`);
  }
  return reasons;
}
