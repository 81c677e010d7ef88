import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  certificateValidity,
  createSelfSignedCertificate,
  municipalitySubject,
} from '../../src/crypto/certificate.ts';
import { keyMatchesCertificate, signDetached, verifyDetached } from '../../src/crypto/cms.ts';
import { decode } from '../../src/crypto/der.ts';
import { generateRsaKeyPair, type RsaKeyPair } from '../../src/crypto/keys.ts';
import { eml } from '../support/paths.ts';

const CONTENT_FILE = eml('tk2023', 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml');
const content = readFileSync(CONTENT_FILE);
const INVALID = 'De handtekening is ongeldig: het bestand is gewijzigd of met een andere sleutel ondertekend.';

let a: RsaKeyPair; // RSA-4096
let b: RsaKeyPair; // another key (2048 suffices: verifyDetached does not check sizes)
let certA: string;
let certA2: string; // same key as A, other serial and subject
let certB: string;
let dir: string;

function cert(keys: RsaKeyPair, serial: string, code = '0106', name = 'Aa en Hunze'): string {
  // An election two months from now: valid today, and no longer than an election key may be.
  const v = certificateValidity(new Date(), new Date(Date.now() + 60 * 24 * 3600 * 1000).toISOString().slice(0, 10));
  assert.ok(v.ok);
  return createSelfSignedCertificate({
    ...keys,
    subject: municipalitySubject({ electionId: 'TK2023', code, name }),
    ...v.value,
    serial: Buffer.from(serial, 'hex'),
  });
}

function flipped(buf: Buffer, index: number): Buffer {
  const copy = Buffer.from(buf);
  copy[index]! ^= 0x01;
  return copy;
}

function file(name: string, data: Buffer | string): string {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
}

function opensslSign(extra: string[]): Buffer {
  const out = path.join(dir, `sig-${Math.random().toString(36).slice(2)}.der`);
  execFileSync('openssl', [
    'cms', '-sign', '-binary', '-md', 'sha256', '-outform', 'DER', ...extra,
    '-in', CONTENT_FILE, '-signer', file('a.crt', certA), '-inkey', file('a.key', a.privateKeyPem), '-out', out,
  ]);
  return readFileSync(out);
}

before(async () => {
  [a, b] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair(2048)]);
  certA = cert(a, '0a01');
  certA2 = cert(a, '0a02', '0106', 'Aa en Hunze (nieuw)');
  certB = cert(b, '0b01', '0014', 'Groningen');
  dir = mkdtempSync(path.join(tmpdir(), 'uitslag-cms-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('signDetached', () => {
  it('writes exactly what openssl cms -sign -noattr writes (byte for byte)', () => {
    const ours = signDetached(content, a.privateKeyPem, certA);
    const theirs = opensslSign(['-noattr']);
    assert.equal(ours.toString('hex'), theirs.toString('hex'));
  });

  it('refuses a key that does not belong to the certificate', () => {
    assert.equal(keyMatchesCertificate(a.privateKeyPem, certA), true);
    assert.equal(keyMatchesCertificate(b.privateKeyPem, certA), false);
    assert.throws(() => signDetached(content, b.privateKeyPem, certA), /does not match/);
  });

  it('is verified by openssl cms -verify, and a flipped content byte is not', () => {
    const sig = file('ours.sig', signDetached(content, a.privateKeyPem, certA));
    const ca = file('a.crt', certA);
    const args = (c: string) => ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', c, '-CAfile', ca, '-purpose', 'any', '-out', '/dev/null'];
    const good = spawnSync('openssl', args(CONTENT_FILE), { encoding: 'utf8' });
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stderr, /Verification successful/);
    const bad = spawnSync('openssl', args(file('tampered.xml', flipped(content, 1000))), { encoding: 'utf8' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /Verification failure/);
  });
});

describe('verifyDetached', () => {
  it('accepts our own signature', () => {
    const r = verifyDetached(content, signDetached(content, a.privateKeyPem, certA), certA);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(r.value, {
      embeddedMatchesTrusted: true,
      signedAttributes: false,
      embeddedSubject: 'C=NL, L=Aa en Hunze, O=TK2023, OU=' + municipalitySubject({ electionId: 'x', code: '0001', name: 'x' }).OU + ', CN=Gemeente Aa en Hunze, UID=PSB0106',
    });
  });

  it('refuses a flipped content byte anywhere (first, middle, last)', () => {
    const sig = signDetached(content, a.privateKeyPem, certA);
    for (const i of [0, Math.floor(content.length / 2), content.length - 1]) {
      const r = verifyDetached(flipped(content, i), sig, certA);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.code, 'signature.invalid');
      assert.equal(!r.ok && r.message, INVALID);
    }
    assert.equal(verifyDetached(Buffer.concat([content, Buffer.from('\n')]), sig, certA).ok, false);
  });

  it('refuses a flipped byte in the RSA signature', () => {
    const sig = signDetached(content, a.privateKeyPem, certA);
    const r = verifyDetached(content, flipped(sig, sig.length - 10), certA);
    assert.equal(!r.ok && r.code, 'signature.invalid');
  });

  it('refuses a signature made with another key, naming the signer', () => {
    const sigB = signDetached(content, b.privateKeyPem, certB);
    const r = verifyDetached(content, sigB, certA);
    assert.equal(!r.ok && r.code, 'signature.wrong-key');
    assert.match(!r.ok ? r.message : '', /andere sleutel.*Gemeente Groningen/);
    // And the other way round.
    const r2 = verifyDetached(content, signDetached(content, a.privateKeyPem, certA), certB);
    assert.equal(!r2.ok && r2.code, 'signature.wrong-key');
  });

  it('verifies against the trusted certificate, reporting when the embedded one differs', () => {
    // Signed with certificate A2 embedded; trusted is A (same key): valid, but flagged.
    const sig = signDetached(content, a.privateKeyPem, certA2);
    const r = verifyDetached(content, sig, certA);
    assert.ok(r.ok);
    assert.equal(r.value.embeddedMatchesTrusted, false);
    assert.match(r.value.embeddedSubject ?? '', /Aa en Hunze \(nieuw\)/);
  });

  it('accepts an openssl signature with signed attributes, verified per RFC 5652', () => {
    const sig = opensslSign([]);
    const r = verifyDetached(content, sig, certA);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(r.value.signedAttributes, true);
    const t = verifyDetached(flipped(content, 5), sig, certA);
    assert.equal(!t.ok && t.code, 'signature.invalid');
    assert.equal(!t.ok && t.message, INVALID);
  });

  it('accepts an openssl -noattr signature', () => {
    const r = verifyDetached(content, opensslSign(['-noattr']), certA);
    assert.ok(r.ok);
    assert.equal(r.value.signedAttributes, false);
  });

  it('accepts a BER (indefinite length) wrapper around the same signature', () => {
    const der = signDetached(content, a.privateKeyPem, certA);
    const root = decode(der);
    const ber = Buffer.concat([Buffer.from([0x30, 0x80]), ...root.children.map((c) => c.raw), Buffer.from([0, 0])]);
    assert.ok(verifyDetached(content, ber, certA).ok);
  });

  it('refuses an unsupported digest (SHA-1) and an attached (non-detached) signature', () => {
    const sha1 = verifyDetached(content, opensslSign(['-noattr', '-md', 'sha1']), certA);
    assert.equal(!sha1.ok && sha1.code, 'signature.unsupported');
    assert.match(!sha1.ok ? sha1.message : '', /SHA-256/);
    const attached = verifyDetached(content, opensslSign(['-noattr', '-nodetach']), certA);
    assert.equal(!attached.ok && attached.code, 'signature.not-detached');
  });

  it('refuses data that is not a CMS structure', () => {
    for (const junk of [Buffer.alloc(0), Buffer.from('hallo'), content, Buffer.from(certA), decodeCertDer(certA)]) {
      const r = verifyDetached(content, junk, certA);
      assert.equal(!r.ok && r.code, 'signature.not-cms');
    }
    const sig = signDetached(content, a.privateKeyPem, certA);
    assert.equal((verifyDetached(content, sig.subarray(0, sig.length - 1), certA) as { code: string }).code, 'signature.not-cms');
  });

  describe('with a precomputed SHA-256 of the content', () => {
    const sha256 = (b: Buffer) => ({ sha256: createHash('sha256').update(b).digest() });
    /** Both forms of the same check give the same result (value or code, message and detail). */
    const both = (c: Buffer, sig: Buffer, trusted: string) => {
      const byBytes = verifyDetached(c, sig, trusted);
      const byDigest = verifyDetached(sha256(c), sig, trusted);
      assert.deepEqual(byDigest, byBytes);
      return byDigest;
    };

    it('accepts a good signature exactly like the content form (ours, openssl -noattr, openssl with attributes)', () => {
      for (const sig of [signDetached(content, a.privateKeyPem, certA), opensslSign(['-noattr']), opensslSign([])]) {
        const r = both(content, sig, certA);
        assert.ok(r.ok, !r.ok ? r.message : '');
        assert.equal(r.value.embeddedMatchesTrusted, true);
      }
    });

    it('refuses tampered content and a tampered signature exactly like the content form', () => {
      const sig = signDetached(content, a.privateKeyPem, certA);
      const withAttrs = opensslSign([]);
      for (const i of [0, Math.floor(content.length / 2), content.length - 1]) {
        for (const s of [sig, withAttrs]) {
          const r = both(flipped(content, i), s, certA);
          assert.equal(!r.ok && r.code, 'signature.invalid');
          assert.equal(!r.ok && r.message, INVALID);
        }
      }
      assert.equal(both(Buffer.concat([content, Buffer.from('\n')]), sig, certA).ok, false);
      for (const at of [sig.length - 10, sig.length - 1]) {
        assert.equal((both(content, flipped(sig, at), certA) as { code: string }).code, 'signature.invalid');
      }
      // A digest of other bytes (here: of the signature) is not accepted either.
      assert.equal(verifyDetached(sha256(sig), sig, certA).ok, false);
    });

    it('refuses another key exactly like the content form', () => {
      const r = both(content, signDetached(content, b.privateKeyPem, certB), certA);
      assert.equal(!r.ok && r.code, 'signature.wrong-key');
      assert.match(!r.ok ? r.message : '', /andere sleutel.*Gemeente Groningen/);
      const r2 = both(content, signDetached(content, a.privateKeyPem, certA), certB);
      assert.equal(!r2.ok && r2.code, 'signature.wrong-key');
      // Same key, other certificate: valid and flagged, in both forms.
      const r3 = both(content, signDetached(content, a.privateKeyPem, certA2), certA);
      assert.ok(r3.ok);
      assert.equal(r3.value.embeddedMatchesTrusted, false);
    });

    it('treats a digest that is not 32 bytes as a programming error', () => {
      const sig = signDetached(content, a.privateKeyPem, certA);
      assert.throws(() => verifyDetached({ sha256: Buffer.alloc(20) }, sig, certA), /32 bytes/);
    });
  });

  it('refuses an unusable trusted certificate', () => {
    const r = verifyDetached(content, signDetached(content, a.privateKeyPem, certA), 'geen certificaat');
    assert.equal(!r.ok && r.code, 'signature.trusted-certificate');
  });
});

function decodeCertDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
}
