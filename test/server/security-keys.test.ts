/**
 * Issue 9, defect 6: a municipality's certificate must name that municipality in CN and L (not
 * only in UID), may not be valid for years, and may not be a CA certificate; CN and L are shown.
 * A certificate of this project's own keygen (`uitslag keygen`) still imports.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/commands.ts';
import { createSelfSignedCertificate, type CertificateSubject } from '../../src/crypto/certificate.ts';
import { testKeyPair } from '../support/counts.ts';
import { adminClient, startTestServer, type ApiClient, type TestServer } from '../support/server.ts';
import { importDefinition } from './fixtures.ts';

const ALMERE: CertificateSubject = { C: 'NL', L: 'Almere', O: 'TK2021', OU: 'OSV2020-U 2.24.2', CN: 'Gemeente Almere', UID: 'PSB0034' };
const preview = '/api/election/regions/0034/key/preview';

describe('municipality certificates: names, lifetime, extensions (issue 9, defect 6)', () => {
  let server: TestServer;
  let admin: ApiClient;
  let dir: string;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    await importDefinition(admin);
    dir = mkdtempSync(path.join(os.tmpdir(), 'uitslag-keys-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function certFor(subject: CertificateSubject, notBefore = '2021-02-01T00:00:00Z', notAfter = '2021-06-17T23:59:59Z'): Promise<string> {
    const key = await testKeyPair();
    return createSelfSignedCertificate({ ...key, subject, notBefore: new Date(notBefore), notAfter: new Date(notAfter), serial: Buffer.from([7]) });
  }

  test('UID=PSB0034 with CN=Gemeente Amsterdam, L=Amsterdam is not importable for Almere; CN and L are shown', async () => {
    const pem = await certFor({ ...ALMERE, CN: 'Gemeente Amsterdam', L: 'Amsterdam' });
    const r = await admin.upload(preview, 'almere.crt', pem);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.importable, false);
    assert.equal(r.json.uploadId, null);
    assert.equal(r.json.commonName, 'Gemeente Amsterdam');
    assert.equal(r.json.locality, 'Amsterdam');
    assert.ok(r.json.reasons.some((x: string) => /verwacht CN=Gemeente Almere, gevonden CN=Gemeente Amsterdam/.test(x)), r.text);
    assert.ok(r.json.reasons.some((x: string) => /verwacht L=Almere, gevonden L=Amsterdam/.test(x)), r.text);
  });

  test('a certificate valid for 28 years is not importable', async () => {
    const r = await admin.upload(preview, 'almere.crt', await certFor(ALMERE, '2021-01-01T00:00:00Z', '2049-12-31T23:59:59Z'));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.importable, false);
    assert.ok(r.json.reasons.some((x: string) => /dagen geldig/.test(x)), r.text);
  });

  test('a CA certificate (basicConstraints cA=TRUE) is not importable', async () => {
    const key = await testKeyPair();
    const keyFile = path.join(dir, 'key.pem');
    writeFileSync(keyFile, key.privateKeyPem, { mode: 0o600 });
    const pem = execFileSync(
      'openssl',
      ['req', '-x509', '-new', '-key', keyFile, '-sha256', '-days', '60', '-subj', '/C=NL/L=Almere/O=TK2021/OU=x/CN=Gemeente Almere/UID=PSB0034', '-addext', 'basicConstraints=critical,CA:TRUE'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const r = await admin.upload(preview, 'almere.crt', pem);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.importable, false);
    assert.ok(r.json.reasons.some((x: string) => /CA-certificaat/.test(x)), r.text);
  });

  test('a certificate made by `uitslag keygen` for Almere still imports', async () => {
    const out = path.join(dir, 'keygen');
    const env = {
      stdout: () => undefined,
      stderr: (t: string) => assert.fail(t),
      now: () => server.clock.now(),
      randomBytes: (n: number) => Buffer.alloc(n, 5),
      untilStopped: () => Promise.resolve(),
    };
    const code = await runCli(['keygen', '--election', 'TK2021', '--authority', '0034', '--name', 'Almere', '--election-date', '2021-03-17', '--out', out], env);
    assert.equal(code, 0);
    const crt = readdirSync(out).find((f) => f.endsWith('.crt'))!;
    const r = await admin.upload(preview, crt, readFileSync(path.join(out, crt)));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.reasons, []);
    assert.equal(r.json.importable, true);
    assert.equal(r.json.commonName, 'Gemeente Almere');
    assert.equal(r.json.locality, 'Almere');
    const c = await admin.post('/api/election/regions/0034/key/confirm', { uploadId: r.json.uploadId });
    assert.equal(c.status, 200, c.text);
  });
});
