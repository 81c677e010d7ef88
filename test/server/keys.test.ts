import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { statSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSelfSignedCertificate, municipalitySubject } from '../../src/crypto/certificate.ts';
import { generateRsaKeyPair, type RsaKeyPair } from '../../src/crypto/keys.ts';
import { adminClient, startTestServer, userClient, type ApiClient, type TestServer } from '../support/server.ts';
import { importDefinition } from './fixtures.ts';

describe('keys', () => {
  let server: TestServer;
  let admin: ApiClient;
  let pair: RsaKeyPair;
  let municipality: { code: string; name: string };
  let other: { code: string; name: string };

  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
    [pair] = await Promise.all([generateRsaKeyPair(), importDefinition(admin)]);
    const regions = await admin.get('/api/election/regions');
    [municipality, other] = regions.json.municipalities;
  });
  after(() => server.close());

  function cert(opts: { electionId?: string; code?: string; name?: string; notBefore?: string; notAfter?: string; keys?: RsaKeyPair } = {}): string {
    const keys = opts.keys ?? pair;
    return createSelfSignedCertificate({
      privateKeyPem: keys.privateKeyPem,
      publicKeyPem: keys.publicKeyPem,
      subject: municipalitySubject({
        electionId: opts.electionId ?? 'TK2021',
        code: opts.code ?? municipality.code,
        name: opts.name ?? municipality.name,
        program: 'OSV2020-U 2.24.2',
      }),
      notBefore: new Date(opts.notBefore ?? '2021-02-01T00:00:00Z'),
      notAfter: new Date(opts.notAfter ?? '2021-06-17T23:59:59Z'),
      serial: Buffer.from([1, 2, 3]),
    });
  }

  const previewUrl = (code: string) => `/api/election/regions/${code}/key/preview`;
  const confirmUrl = (code: string) => `/api/election/regions/${code}/key/confirm`;

  test('own key: created once (RSA-4096, 0600 on disk), downloadable as PEM', async () => {
    assert.deepEqual((await admin.get('/api/keys/own')).json.key, null);
    const pending = admin.post('/api/keys/own');
    let settled = false;
    void pending.then(() => (settled = true));
    // While the key is generated, other requests are answered and a second generation is refused.
    let sawGenerating = false;
    while (!settled && !sawGenerating) {
      const g = await admin.get('/api/keys/own');
      assert.equal(g.status, 200);
      sawGenerating = g.json.generating === true && !settled;
      if (!sawGenerating) await new Promise((res) => setTimeout(res, 10));
    }
    assert.ok(sawGenerating, 'the server answered during key generation');
    const busy = await admin.post('/api/keys/own');
    assert.equal(busy.status, 409);
    // (key.exists only if generation finished in the few milliseconds since the poll)
    assert.ok(['key.busy', 'key.exists'].includes(busy.json.error.code), busy.text);
    const r = await pending;
    assert.equal(r.status, 201, r.text);
    assert.match(r.json.key.subject, /CN=Hoofdstembureau Lelystad, UID=HSB5$/);
    assert.equal(r.json.key.fileName, 'public_key_uitslag_tk2021-hoofdstembureau_lelystad.crt');
    assert.equal((await admin.post('/api/keys/own')).status, 409);

    const d = await admin.get('/api/keys/own/certificate');
    assert.equal(d.status, 200);
    assert.match(d.headers.get('content-disposition') ?? '', /attachment; filename="public_key_uitslag_tk2021-hoofdstembureau_lelystad.crt"/);
    const x = new X509Certificate(d.text);
    assert.equal(x.publicKey.asymmetricKeyDetails?.modulusLength, 4096);
    assert.ok(x.verify(x.publicKey));
    assert.match(x.subject, /UID=HSB5/);
    assert.equal(new Date(x.validTo).toISOString(), '2021-06-17T23:59:59.000Z');

    const keysDir = path.join(server.dataDir, 'keys');
    const files = readdirSync(keysDir);
    assert.equal(files.length, 1);
    const keyFile = path.join(keysDir, files[0]!);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.match(readFileSync(keyFile, 'utf8'), /BEGIN PRIVATE KEY/);
    // The private key is never served.
    assert.ok(!JSON.stringify((await admin.get('/api/keys/own')).json).includes('PRIVATE'));
  });

  test('municipality key: good certificate previews, imports, replacement needs replace:true', async () => {
    const p = await admin.upload(previewUrl(municipality.code), 'public_key.crt', cert());
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.importable, true);
    assert.deepEqual(p.json.reasons, []);
    assert.match(p.json.subject, new RegExp(`UID=PSB${municipality.code}`));
    assert.match(p.json.fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const c = await admin.post(confirmUrl(municipality.code), { uploadId: p.json.uploadId });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.key.fingerprint, p.json.fingerprint);
    const regions = await admin.get('/api/election/regions');
    const m = regions.json.municipalities.find((x: { code: string }) => x.code === municipality.code);
    assert.equal(m.key.fingerprint, p.json.fingerprint);

    // Replacement: a different certificate (other serial/dates) for the same municipality.
    const second = cert({ notBefore: '2021-02-02T00:00:00Z' });
    const p2 = await admin.upload(previewUrl(municipality.code), 'public_key.crt', second);
    assert.equal(p2.json.importable, true);
    assert.equal(p2.json.existingKey.fingerprint, p.json.fingerprint);
    const refused = await admin.post(confirmUrl(municipality.code), { uploadId: p2.json.uploadId });
    assert.equal(refused.status, 409);
    assert.equal(refused.json.error.code, 'key.exists');
    const replaced = await admin.post(confirmUrl(municipality.code), { uploadId: p2.json.uploadId, replace: true });
    assert.equal(replaced.status, 200, replaced.text);
    const audit = await admin.get('/api/audit?limit=100');
    const rec = audit.json.records.find((r: { action: string }) => r.action === 'key.municipality.replace');
    assert.equal(rec.details.previousFingerprint, p.json.fingerprint);
    assert.equal(rec.details.fingerprint, p2.json.fingerprint);
  });

  test('municipality key: expired, other election, other municipality are shown but not importable', async () => {
    const cases: [string, string, RegExp][] = [
      ['expired', cert({ notBefore: '2020-01-01T00:00:00Z', notAfter: '2020-12-31T23:59:59Z' }), /verlopen/],
      ['other election', cert({ electionId: 'GR2022' }), /andere verkiezing.*TK2021.*GR2022/],
      ['other municipality', cert({ code: other.code, name: other.name }), new RegExp(`andere gemeente.*PSB${municipality.code}.*PSB${other.code}`)],
    ];
    for (const [label, pem, reason] of cases) {
      const p = await admin.upload(previewUrl(municipality.code), 'k.crt', pem);
      assert.equal(p.status, 200, `${label}: ${p.text}`);
      assert.equal(p.json.importable, false, label);
      assert.equal(p.json.uploadId, null, label);
      assert.ok(p.json.reasons.some((r: string) => reason.test(r)), `${label}: ${p.json.reasons.join(' | ')}`);
      assert.match(p.json.fingerprint, /:/);
    }
  });

  test('municipality key: RSA-2048, not PEM, too large, unknown municipality are refused', async () => {
    const small = await generateRsaKeyPair(2048);
    const r2048 = await admin.upload(previewUrl(municipality.code), 'k.crt', cert({ keys: small }));
    assert.equal(r2048.status, 422);
    assert.match(r2048.json.error.message, /4096/);
    const notPem = await admin.upload(previewUrl(municipality.code), 'k.crt', 'geen certificaat');
    assert.equal(notPem.status, 422);
    const big = await admin.upload(previewUrl(municipality.code), 'k.crt', Buffer.alloc(64 * 1024 + 1, 0x41));
    assert.equal(big.status, 413);
    const unknown = await admin.upload(previewUrl('9999'), 'k.crt', cert());
    assert.equal(unknown.status, 404);
    const badCode = await admin.upload(previewUrl('12'), 'k.crt', cert());
    assert.equal(badCode.status, 400);
  });

  test('an upload cannot be confirmed by another user', async () => {
    const p = await admin.upload(previewUrl(other.code), 'k.crt', cert({ code: other.code, name: other.name }));
    assert.equal(p.json.importable, true);
    const admin2 = await userClient(server, admin, 'beheerder', 'tweede-beheerder');
    const r = await admin2.post(confirmUrl(other.code), { uploadId: p.json.uploadId });
    assert.equal(r.status, 404);
  });
});
