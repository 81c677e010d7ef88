import { runBin } from '../support/bin.ts';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseCertificate } from '../../src/crypto/certificate.ts';
import { formatHash } from '../../src/domain/hashcode.ts';
import { emlHash, sha256Hex } from '../../src/eml/hash.ts';
import { readTransferZip, writeTransferZip } from '../../src/transfer/zip.ts';
import { eml, ROOT } from '../support/paths.ts';

const BIN = path.join(ROOT, 'bin', 'uitslag');
const NAME = 'Telling_TK2023_gemeente_Aa_en_Hunze.eml.xml';
const EML_FILE = eml('tk2023', NAME);
const content = readFileSync(EML_FILE);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run bin/uitslag (asynchronously, from a temporary working directory). */
function run(args: string[], cwd: string = work): Promise<Run> {
  return runBin(args, cwd);
}

let work: string;
let keyFile: string;
let certFile: string;
let electionDate: string;

function flipped(buf: Buffer, i: number): Buffer {
  const copy = Buffer.from(buf);
  copy[i]! ^= 0x01;
  return copy;
}

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'uitslag-cli-'));
  // An election date a month from now, so the certificate is valid whenever the test runs.
  electionDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('bin/uitslag: usage', () => {
  it('prints help with exit 0, and usage errors with exit 2', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Gebruik: uitslag <opdracht>/);
    const keygenHelp = await run(['keygen', '--help']);
    assert.equal(keygenHelp.code, 0);
    assert.match(keygenHelp.stdout, /--election-date/);
    const none = await run([]);
    assert.equal(none.code, 2);
    const unknown = await run(['bestaatniet']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Onbekende opdracht: bestaatniet/);
    const missing = await run(['keygen', '--election', 'TK2021', '--name', 'Zwolle', '--out', 'x']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Optie --election-date is verplicht/);
    const badCode = await run(['keygen', '--election', 'TK2021', '--authority', '193', '--name', 'Zwolle', '--election-date', electionDate, '--out', 'x']);
    assert.equal(badCode.code, 2);
    assert.match(badCode.stderr, /4 cijfers/);
  });

  it('works from another directory and through a symlink (npm bin)', async () => {
    const link = path.join(work, 'uitslag-link');
    execFileSync('ln', ['-s', BIN, link]);
    const r = await new Promise<Run>((resolve, reject) => {
      const child = spawn(link, ['--version'], { cwd: '/' });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^uitslag \d+\.\d+\.\d+/);
  });
});

describe('bin/uitslag hash', () => {
  it('prints the 16-group hash code of a real 510b and of the pretty-printed 110a', async () => {
    const r = await run(['hash', EML_FILE]);
    assert.equal(r.code, 0, r.stderr);
    const h = emlHash(content);
    assert.ok(h.ok);
    assert.equal(r.stdout, `${formatHash(h.value.hex)}\n`);
    assert.match(r.stdout, /^([0-9A-F]{4} ){15}[0-9A-F]{4}\n$/);
    const def = eml('tk2021', 'Verkiezingsdefinitie_TK2021.eml.xml');
    const r2 = await run(['hash', def]);
    assert.equal(r2.stdout, `${formatHash(sha256Hex(readFileSync(def)))}\n`, 'the 110a is hashed raw');
  });

  it('fails with exit 1 for a missing file', async () => {
    const r = await run(['hash', path.join(work, 'bestaat-niet.xml')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Bestand niet gevonden/);
  });
});

describe('bin/uitslag keygen, sign, verify', () => {
  before(async () => {
    const r = await run([
      'keygen', '--election', 'TK2023', '--authority', '0106', '--name', 'Aa en Hunze',
      '--election-date', electionDate, '--out', 'keys',
    ]);
    assert.equal(r.code, 0, r.stderr);
    keyFile = path.join(work, 'keys', 'private_key_uitslag_tk2023-gemeente_aa_en_hunze.pem');
    certFile = path.join(work, 'keys', 'public_key_uitslag_tk2023-gemeente_aa_en_hunze.crt');
    assert.match(r.stdout, /UID=PSB0106/);
  });

  it('keygen writes a 0600 private key and a certificate openssl and we accept', () => {
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const info = parseCertificate(readFileSync(certFile), new Date());
    assert.ok(info.ok, !info.ok ? info.message : '');
    assert.equal(info.value.subject.CN, 'Gemeente Aa en Hunze');
    assert.equal(info.value.notAfter.toISOString().slice(0, 10) > electionDate, true);
    const text = execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-text'], { encoding: 'utf8' });
    assert.match(text, /Subject: C = NL, L = Aa en Hunze, O = TK2023, OU = uitslag [^,]+, CN = Gemeente Aa en Hunze, UID = PSB0106\n/);
    assert.match(text, /Public-Key: \(4096 bit\)/);
  });

  it('keygen refuses to overwrite existing keys', async () => {
    const before = readFileSync(keyFile, 'utf8');
    const r = await run([
      'keygen', '--election', 'TK2023', '--authority', '0106', '--name', 'Aa en Hunze',
      '--election-date', electionDate, '--out', 'keys',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bestaat al/);
    assert.equal(readFileSync(keyFile, 'utf8'), before);
  });

  it('keygen --hsb makes a hoofdstembureau certificate', async () => {
    const r = await run(['keygen', '--election', 'TK2021', '--hsb', '4', '--name', 'Zwolle', '--election-date', electionDate, '--out', 'hsb']);
    assert.equal(r.code, 0, r.stderr);
    const info = parseCertificate(readFileSync(path.join(work, 'hsb', 'public_key_uitslag_tk2021-hoofdstembureau_zwolle.crt')), new Date());
    assert.ok(info.ok);
    assert.equal(info.value.subject.CN, 'Hoofdstembureau Zwolle');
    assert.equal(info.value.subject.UID, 'HSB4');
  });

  it('sign writes the transfer zip; verify says geldig with the hash code; openssl verifies the signature', async () => {
    const s = await run(['sign', '--key', keyFile, '--cert', certFile, EML_FILE, '--out', 'signed.zip']);
    assert.equal(s.code, 0, s.stderr);
    const zip = readFileSync(path.join(work, 'signed.zip'));
    const contents = await readTransferZip(zip);
    assert.ok(contents.ok);
    assert.equal(contents.value.emlName, NAME);
    assert.ok(contents.value.eml.equals(content));

    const v = await run(['verify', 'signed.zip', '--cert', certFile]);
    assert.equal(v.code, 0, v.stderr);
    const h = emlHash(content);
    assert.ok(h.ok);
    assert.match(v.stdout, /^geldig\n/);
    assert.ok(v.stdout.includes(formatHash(h.value.hex)));

    // (b) openssl verifies the signature we made, and refuses it for a flipped byte.
    const sig = path.join(work, 'ours.signature');
    writeFileSync(sig, contents.value.signature);
    const tampered = path.join(work, 'tampered.eml.xml');
    writeFileSync(tampered, flipped(content, 4000));
    const osl = (file: string) =>
      spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', file, '-CAfile', certFile, '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
    assert.equal(osl(EML_FILE).status, 0, osl(EML_FILE).stderr);
    assert.notEqual(osl(tampered).status, 0);

    // A tampered zip (same signature, one byte changed) fails verify.
    writeFileSync(
      path.join(work, 'tampered.zip'),
      await writeTransferZip([
        { name: NAME, data: flipped(content, 4000) },
        { name: NAME + '.signature', data: contents.value.signature },
      ]),
    );
    const t = await run(['verify', 'tampered.zip', '--cert', certFile]);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /De handtekening is ongeldig: het bestand is gewijzigd/);
    assert.doesNotMatch(t.stdout, /geldig/);
  });

  it('verify fails for another key, for something that is not a zip, and for unexpected entries', async () => {
    await run(['sign', '--key', keyFile, '--cert', certFile, EML_FILE, '--out', 'signed2.zip']);
    const hsbCert = path.join(work, 'hsb', 'public_key_uitslag_tk2021-hoofdstembureau_zwolle.crt');
    const other = await run(['verify', 'signed2.zip', '--cert', hsbCert]);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /andere sleutel/);

    const notZip = await run(['verify', EML_FILE, '--cert', certFile]);
    assert.equal(notZip.code, 1);
    assert.match(notZip.stderr, /geen \(geldig\) zip-bestand/);

    const zip = await readTransferZip(readFileSync(path.join(work, 'signed2.zip')));
    assert.ok(zip.ok);
    writeFileSync(
      path.join(work, 'extra.zip'),
      await writeTransferZip([
        { name: NAME, data: content },
        { name: NAME + '.signature', data: zip.value.signature },
        { name: 'leesmij.txt', data: Buffer.from('hallo') },
      ]),
    );
    const extra = await run(['verify', 'extra.zip', '--cert', certFile]);
    assert.equal(extra.code, 1);
    assert.match(extra.stderr, /3 bestanden/);

    const missingCert = await run(['verify', 'signed2.zip']);
    assert.equal(missingCert.code, 2);
  });

  it('sign refuses a key that does not belong to the certificate, and an existing zip', async () => {
    const hsbKey = path.join(work, 'hsb', 'private_key_uitslag_tk2021-hoofdstembureau_zwolle.pem');
    const r = await run(['sign', '--key', hsbKey, '--cert', certFile, EML_FILE, '--out', 'wrong.zip']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /hoort niet bij het certificaat/);
    const again = await run(['sign', '--key', keyFile, '--cert', certFile, EML_FILE, '--out', 'signed.zip']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /bestaat al/);
  });
});

describe('bin/uitslag verify: interoperability with openssl-made keys and signatures', () => {
  it('(a) verifies a zip signed by openssl cms -noattr with an openssl req -x509 certificate', async () => {
    const dir = path.join(work, 'openssl');
    mkdirSync(dir);
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:4096', '-nodes', '-sha256', '-days', '30', '-keyout', key, '-out', cert,
      '-subj', '/C=NL/L=Zwolle/O=TK2021/OU=x/CN=Gemeente Zwolle/UID=PSB0193',
    ], { stdio: 'ignore' });
    const sign = (file: string, out: string) =>
      execFileSync('openssl', ['cms', '-sign', '-binary', '-noattr', '-md', 'sha256', '-outform', 'DER', '-in', file, '-signer', cert, '-inkey', key, '-out', out]);
    const sigFile = path.join(dir, 'sig.der');
    sign(EML_FILE, sigFile);
    const signature = readFileSync(sigFile);
    writeFileSync(
      path.join(dir, 'openssl.zip'),
      await writeTransferZip([
        { name: NAME, data: content },
        { name: NAME + '.signature', data: signature },
      ]),
    );
    const ok = await run(['verify', path.join(dir, 'openssl.zip'), '--cert', cert]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /^geldig\n/);
    assert.match(ok.stdout, /UID=PSB0193/);

    writeFileSync(
      path.join(dir, 'flipped.zip'),
      await writeTransferZip([
        { name: NAME, data: flipped(content, content.length - 2) },
        { name: NAME + '.signature', data: signature },
      ]),
    );
    const bad = await run(['verify', path.join(dir, 'flipped.zip'), '--cert', cert]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /ongeldig/);

    // Our key cannot pass for openssl's.
    const wrong = await run(['verify', path.join(dir, 'openssl.zip'), '--cert', certFile]);
    assert.equal(wrong.code, 1);
  });
});

describe('bin/uitslag serve', () => {
  it('starts on 127.0.0.1 with a random port and stops cleanly on SIGTERM', async () => {
    const data = path.join(work, 'data');
    const child = spawn(BIN, ['serve', '--data', data, '--port', '0', '--host', '127.0.0.1', '--no-tls'], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /draait op (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.on('close', () => reject(new Error(`server exited: ${out}`)));
      });
      assert.match(out, /Gebruikersnaam: admin/);
      const res = await fetch(`${url}/api/openapi.json`);
      assert.ok(res.status < 500);
      await res.arrayBuffer();
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
    assert.ok(statSync(path.join(data, 'uitslag.sqlite')).isFile());
  });

  it('refuses a bad port with exit 2', async () => {
    const r = await run(['serve', '--port', 'abc']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Ongeldige poort/);
  });
});
