import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  certificateFileName,
  certificateValidity,
  checkCertificateFor,
  createSelfSignedCertificate,
  hsbSubject,
  municipalitySubject,
  parseCertificate,
  pemToDer,
  programString,
  type CertificateSubject,
} from '../../src/crypto/certificate.ts';
import { decode, TAG } from '../../src/crypto/der.ts';
import { generateRsaKeyPair, writePrivateKey, type RsaKeyPair } from '../../src/crypto/keys.ts';

let pair: RsaKeyPair; // RSA-4096, generated once for this file
let small: RsaKeyPair; // RSA-2048
let dir: string;

const NOW = new Date('2021-03-01T09:30:00.250Z');
const SERIAL = Buffer.from('0123456789abcdef', 'hex');
const zwolle = municipalitySubject({ electionId: 'TK2021', code: '0193', name: 'Zwolle', program: 'uitslag 0.1.0' });

function makeCert(subject: CertificateSubject = zwolle, keys: RsaKeyPair = pair, now = NOW, electionDate = '2021-03-17'): string {
  const v = certificateValidity(now, electionDate);
  assert.ok(v.ok);
  return createSelfSignedCertificate({ ...keys, subject, ...v.value, serial: SERIAL });
}

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

before(async () => {
  [pair, small] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair(2048)]);
  dir = mkdtempSync(path.join(tmpdir(), 'uitslag-cert-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('subjects, names and validity', () => {
  it('builds the municipality subject (and openbaar lichaam for 9001-9003)', () => {
    assert.deepEqual(zwolle, {
      C: 'NL',
      L: 'Zwolle',
      O: 'TK2021',
      OU: 'uitslag 0.1.0',
      CN: 'Gemeente Zwolle',
      UID: 'PSB0193',
    });
    assert.equal(municipalitySubject({ electionId: 'TK2021', code: '9001', name: 'Bonaire' }).CN, 'Openbaar lichaam Bonaire');
    assert.equal(municipalitySubject({ electionId: 'TK2021', code: '0014', name: 'Groningen' }).UID, 'PSB0014');
    assert.equal(municipalitySubject({ electionId: 'TK2021', code: '0193', name: 'Zwolle' }).OU, programString());
    assert.match(programString(), /^uitslag \d+\.\d+\.\d+/);
  });

  it('builds the HSB subject', () => {
    const s = hsbSubject({ electionId: 'TK2021', kieskringNumber: 4, name: 'Zwolle', program: 'p' });
    assert.equal(s.CN, 'Hoofdstembureau Zwolle');
    assert.equal(s.UID, 'HSB4');
    assert.equal(s.O, 'TK2021');
  });

  it('names certificate files like the Kiesraad software', () => {
    assert.equal(
      certificateFileName({ electionId: 'TK2021', kind: 'gemeente', name: 'Zwolle' }),
      'public_key_uitslag_tk2021-gemeente_zwolle.crt',
    );
    assert.equal(
      certificateFileName({ electionId: 'TK2021', kind: 'hoofdstembureau', name: 'Lelystad' }),
      'public_key_uitslag_tk2021-hoofdstembureau_lelystad.crt',
    );
    assert.equal(
      certificateFileName({ electionId: 'TK2021', kind: 'gemeente', name: "'s-Gravenhage" }),
      'public_key_uitslag_tk2021-gemeente_s-gravenhage.crt',
    );
    assert.equal(
      certificateFileName({ electionId: 'TK2025', kind: 'gemeente', name: 'West Maas en Waal' }),
      'public_key_uitslag_tk2025-gemeente_west_maas_en_waal.crt',
    );
  });

  it('is valid from now (whole seconds) until election date + 3 months', () => {
    const v = certificateValidity(NOW, '2021-03-17');
    assert.ok(v.ok);
    assert.equal(v.value.notBefore.toISOString(), '2021-03-01T09:30:00.000Z');
    assert.equal(v.value.notAfter.toISOString(), '2021-06-17T23:59:59.000Z');
    const clamp = certificateValidity(new Date('2021-11-01T00:00:00Z'), '2021-11-30');
    assert.ok(clamp.ok);
    assert.equal(clamp.value.notAfter.toISOString(), '2022-02-28T23:59:59.000Z');
    const past = certificateValidity(new Date('2021-06-18T00:00:00Z'), '2021-03-17');
    assert.equal(past.ok, false);
    assert.equal(!past.ok && past.code, 'certificate.election-past');
    // A certificate that would outlive MAX_CERTIFICATE_LIFETIME_DAYS is not made (HSBs refuse it).
    const far = certificateValidity(NOW, '2022-03-17');
    assert.equal(!far.ok && far.code, 'certificate.election-too-far');
    const bad = certificateValidity(NOW, '2021-02-30');
    assert.equal(!bad.ok && bad.code, 'certificate.bad-date');
  });
});

describe('createSelfSignedCertificate', () => {
  it('is deterministic and parses with Node', () => {
    const a = makeCert();
    assert.equal(a, makeCert());
    const x = new X509Certificate(a);
    assert.ok(x.verify(x.publicKey));
    assert.equal(x.serialNumber, '0123456789ABCDEF');
  });

  it('encodes v3 without extensions, sha256WithRSA, C as PrintableString, others UTF8String, in order', () => {
    const der = pemToDer(makeCert());
    assert.ok(der.ok);
    const tbs = decode(der.value).children[0]!;
    assert.equal(tbs.children.length, 7, 'version, serial, alg, issuer, validity, subject, spki: no extensions');
    assert.equal(tbs.children[0]!.tag, 0xa0);
    assert.equal(tbs.children[0]!.children[0]!.content[0], 2, 'version v3');
    const subject = tbs.children[5]!;
    assert.ok(subject.raw.equals(tbs.children[3]!.raw), 'issuer = subject');
    const tags = subject.children.map((rdn) => rdn.children[0]!.children[1]!.tag);
    assert.deepEqual(tags, [TAG.PRINTABLE_STRING, TAG.UTF8_STRING, TAG.UTF8_STRING, TAG.UTF8_STRING, TAG.UTF8_STRING, TAG.UTF8_STRING]);
  });

  it('openssl x509 parses it and shows the subject in the required order', () => {
    const file = path.join(dir, 'zwolle.crt');
    writeFileSync(file, makeCert());
    const text = openssl(['x509', '-in', file, '-noout', '-text']);
    assert.match(text, /Version: 3 \(0x2\)/);
    assert.match(text, /Signature Algorithm: sha256WithRSAEncryption/);
    assert.match(text, /Subject: C = NL, L = Zwolle, O = TK2021, OU = uitslag 0.1.0, CN = Gemeente Zwolle, UID = PSB0193\n/);
    assert.match(text, /Issuer: C = NL, L = Zwolle, O = TK2021, OU = uitslag 0.1.0, CN = Gemeente Zwolle, UID = PSB0193\n/);
    assert.match(text, /Public-Key: \(4096 bit\)/);
    assert.match(text, /Exponent: 65537/);
    assert.match(text, /Not After : Jun 17 23:59:59 2021 GMT/);
    assert.doesNotMatch(text, /X509v3 extensions/);
    assert.match(openssl(['verify', '-no_check_time', '-CAfile', file, file]), /OK/);
  });
});

describe('parseCertificate', () => {
  const at = new Date('2021-03-20T12:00:00Z');

  it('returns subject, fingerprint and dates of a good certificate', () => {
    const pem = makeCert();
    const r = parseCertificate(pem, at);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(r.value.subject, zwolle);
    assert.equal(r.value.subjectText, 'C=NL, L=Zwolle, O=TK2021, OU=uitslag 0.1.0, CN=Gemeente Zwolle, UID=PSB0193');
    assert.equal(r.value.fingerprint, new X509Certificate(pem).fingerprint256);
    assert.match(r.value.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.equal(r.value.notAfter.toISOString(), '2021-06-17T23:59:59.000Z');
    assert.equal(r.value.pem, pem);
    // As a Buffer, and with CRLF line ends, it parses the same.
    assert.ok(parseCertificate(Buffer.from(pem.replace(/\n/g, '\r\n')), at).ok);
  });

  it('refuses an expired certificate and one that is not yet valid', () => {
    const r = parseCertificate(makeCert(), new Date('2021-06-18T00:00:00Z'));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.message, 'Het certificaat is verlopen op 17-06-2021.');
    const early = parseCertificate(makeCert(), new Date('2021-02-28T00:00:00Z'));
    assert.equal(!early.ok && early.code, 'certificate.not-yet-valid');
    // A few minutes of clock difference between computers is tolerated.
    assert.ok(parseCertificate(makeCert(), new Date(NOW.getTime() - 5 * 60_000)).ok);
    // Validity can be skipped explicitly (archived files).
    assert.ok(parseCertificate(makeCert(), new Date('2030-01-01T00:00:00Z'), { checkValidity: false }).ok);
  });

  it('refuses an RSA-2048 key', () => {
    const r = parseCertificate(makeCert(zwolle, small), at);
    assert.equal(!r.ok && r.message, 'De sleutel is geen RSA-sleutel van 4096 bits (gevonden: RSA 2048).');
  });

  it('refuses a certificate whose self-signature is wrong', () => {
    // The 4096-bit public key, but signed with another private key.
    const forged = createSelfSignedCertificate({
      privateKeyPem: small.privateKeyPem,
      publicKeyPem: pair.publicKeyPem,
      subject: zwolle,
      ...(certificateValidity(NOW, '2021-03-17') as { value: { notBefore: Date; notAfter: Date } }).value,
      serial: SERIAL,
    });
    const r = parseCertificate(forged, at);
    assert.equal(!r.ok && r.code, 'certificate.signature');
    const der = pemToDer(makeCert());
    assert.ok(der.ok);
    const asPem = (b: Buffer) => `-----BEGIN CERTIFICATE-----\n${b.toString('base64')}\n-----END CERTIFICATE-----\n`;
    // A flipped bit in the signature value.
    const badSig = Buffer.from(der.value);
    badSig[badSig.length - 1]! ^= 0x01;
    assert.equal((parseCertificate(asPem(badSig), at) as { code: string }).code, 'certificate.signature');
    // A changed byte in the signed part: the subject's UID 'PSB0193' -> 'PSB0194'.
    const badTbs = Buffer.from(der.value);
    const i = badTbs.lastIndexOf(Buffer.from('PSB0193'));
    badTbs[i + 6] = '4'.charCodeAt(0);
    // (issuer and subject now differ, which is reported first)
    assert.equal((parseCertificate(asPem(badTbs), at) as { code: string }).code, 'certificate.not-self-signed');
    const badBoth = Buffer.from(badTbs);
    badBoth[badBoth.indexOf(Buffer.from('PSB0193')) + 6] = '4'.charCodeAt(0);
    assert.equal((parseCertificate(asPem(badBoth), at) as { code: string }).code, 'certificate.signature');
  });

  it('refuses non-PEM input, garbage, DER without PEM, several certificates and private keys', () => {
    const pem = makeCert();
    const der = pemToDer(pem);
    assert.ok(der.ok);
    const cases: [Buffer | string, string][] = [
      ['hallo, dit is geen certificaat', 'certificate.not-pem'],
      [Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]), 'certificate.not-pem'],
      ['', 'certificate.not-pem'],
      [der.value, 'certificate.der'],
      [pem + pem, 'certificate.multiple'],
      [pair.privateKeyPem, 'certificate.private-key'],
      [pair.publicKeyPem, 'certificate.not-pem'],
      ['tekst ervoor\n' + pem, 'certificate.not-pem'],
      [pem.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n!!!!\n'), 'certificate.not-pem'],
      ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'certificate.invalid'],
      [`-----BEGIN CERTIFICATE-----\n${der.value.subarray(0, 600).toString('base64')}\n-----END CERTIFICATE-----\n`, 'certificate.invalid'],
    ];
    for (const [input, code] of cases) {
      const r = parseCertificate(input, at);
      assert.equal(r.ok, false, `accepted: ${String(input).slice(0, 40)}`);
      assert.equal(!r.ok && r.code, code, `for ${String(input).slice(0, 40)}`);
      assert.ok(!r.ok && r.message.length > 10);
    }
  });

  it('refuses other signature algorithms (openssl req -sha384) and non-RSA keys', () => {
    const keyFile = path.join(dir, 'key.pem');
    writeFileSync(keyFile, pair.privateKeyPem);
    const subj = '/C=NL/L=Zwolle/O=TK2021/OU=x/CN=Gemeente Zwolle/UID=PSB0193';
    const sha384 = openssl(['req', '-x509', '-new', '-key', keyFile, '-sha384', '-days', '30', '-subj', subj]);
    const r = parseCertificate(sha384, new Date());
    assert.equal(!r.ok && r.code, 'certificate.algorithm');
    // The same with sha256 (openssl adds extensions; those are accepted) parses.
    const sha256 = openssl(['req', '-x509', '-new', '-key', keyFile, '-sha256', '-days', '30', '-subj', subj]);
    const good = parseCertificate(sha256, new Date());
    assert.ok(good.ok, !good.ok ? good.message : '');
    assert.equal(good.value.subject.UID, 'PSB0193');
    const ecKey = path.join(dir, 'ec.pem');
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', ecKey]);
    const ec = openssl(['req', '-x509', '-new', '-key', ecKey, '-sha256', '-days', '30', '-subj', subj]);
    const e = parseCertificate(ec, new Date());
    assert.equal(!e.ok && e.code, 'certificate.algorithm');
  });
});

describe('checkCertificateFor', () => {
  const info = (s: CertificateSubject) => ({ subject: s });

  it('accepts the right election and municipality', () => {
    assert.deepEqual(checkCertificateFor(info(zwolle), { electionId: 'TK2021', municipalityCode: '0193', municipalityName: 'Zwolle' }), []);
  });

  it('names expected and found for another election, another municipality, or both', () => {
    const other = checkCertificateFor(info({ ...zwolle, O: 'TK2023' }), { electionId: 'TK2021', municipalityCode: '0193', municipalityName: 'Zwolle' });
    assert.equal(other.length, 1);
    assert.match(other[0]!, /verwacht O=TK2021, gevonden O=TK2023/);
    const groningen = municipalitySubject({ electionId: 'TK2021', code: '0014', name: 'Groningen' });
    const wrongMun = checkCertificateFor(info(groningen), { electionId: 'TK2021', municipalityCode: '0193', municipalityName: 'Zwolle' });
    assert.equal(wrongMun.length, 1);
    assert.match(wrongMun[0]!, /verwacht UID=PSB0193, gevonden UID=PSB0014 \(Gemeente Groningen\)/);
    const both = checkCertificateFor(info({ ...groningen, O: 'GR2022' }), { electionId: 'TK2021', municipalityCode: '0193', municipalityName: 'Zwolle' });
    assert.equal(both.length, 2);
  });

  it('checks an HSB certificate by kieskring number', () => {
    const hsb = hsbSubject({ electionId: 'TK2021', kieskringNumber: 4, name: 'Zwolle' });
    assert.deepEqual(checkCertificateFor(info(hsb), { electionId: 'TK2021', kieskringNumber: 4, kieskringName: 'Zwolle' }), []);
    assert.match(checkCertificateFor(info(hsb), { electionId: 'TK2021', kieskringNumber: 5, kieskringName: 'Lelystad' })[0]!, /verwacht UID=HSB5, gevonden UID=HSB4/);
    assert.equal(checkCertificateFor(info(hsb), { electionId: 'TK2021', municipalityCode: '0193', municipalityName: 'Zwolle' }).length, 1);
  });
});

describe('writePrivateKey', () => {
  it('creates the file with mode 0600 and refuses to overwrite', async () => {
    const file = path.join(dir, 'private.pem');
    const oldUmask = process.umask(0);
    try {
      const r = await writePrivateKey(file, pair.privateKeyPem);
      assert.ok(r.ok);
    } finally {
      process.umask(oldUmask);
    }
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), pair.privateKeyPem);
    const again = await writePrivateKey(file, 'other');
    assert.equal(!again.ok && again.code, 'key.exists');
    assert.equal(readFileSync(file, 'utf8'), pair.privateKeyPem);
  });

  it('generates RSA-4096 keys with exponent 65537', () => {
    const text = execFileSync('openssl', ['pkey', '-pubin', '-noout', '-text'], { input: pair.publicKeyPem, encoding: 'utf8' });
    assert.match(text, /Public-Key: \(4096 bit\)/);
    assert.match(text, /Exponent: 65537 \(0x10001\)/);
  });
});
