/**
 * Issue 9, transport: `serve` over HTTPS with the installation's own certificate (made on the
 * first start, kept in the data directory, fingerprint printed), Secure cookies, `--no-tls` on
 * 127.0.0.1, the Host allow-list (DNS rebinding) and the security headers.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/commands.ts';
import { scryptHasher } from '../../src/server/password-hash.ts';
import { startServer, type RunningServer } from '../../src/server/main.ts';
import { ApiClient, startTestServer, type TestServer } from '../support/server.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  peerFingerprint?: string;
}

/** One request over HTTPS, trusting only `ca` (the server's own certificate). */
function httpsRequest(url: string, ca: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {}, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          peerFingerprint: (res.socket as import('node:tls').TLSSocket).getPeerCertificate?.().fingerprint256,
        }),
      );
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function httpRequest(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTPS with the installation certificate (issue 9, transport)', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'uitslag-tls-'));
  const cheap = scryptHasher({ N: 1024, r: 8, p: 1 });
  let server: RunningServer;
  const printed: string[] = [];
  before(async () => {
    server = await startServer({ dataDir, port: 0, host: '127.0.0.1', tls: true, hasher: cheap, print: (t) => void printed.push(t) });
  });
  after(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the first start makes a certificate in the data directory, prints the URL and its fingerprint, and serves HTTPS with it', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const certFile = path.join(dataDir, 'tls', 'cert.pem');
    const keyFile = path.join(dataDir, 'tls', 'key.pem');
    const pem = readFileSync(certFile, 'utf8');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const x = new X509Certificate(pem);
    assert.equal(x.fingerprint256, server.fingerprint);
    assert.ok(x.checkIP('127.0.0.1'), 'the certificate names 127.0.0.1');
    assert.ok(x.checkHost('localhost'));
    const text = printed.join('');
    assert.ok(text.includes(`draait op ${server.url}`), text);
    assert.ok(text.includes(`Vingerafdruk (SHA-256): ${x.fingerprint256}`), text);
    // Node verifies the chain and the name against only this certificate.
    const r = await httpsRequest(`${server.url}/api/health`, pem);
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).ok, true);
    assert.equal(r.peerFingerprint, x.fingerprint256);
  });

  test('plain HTTP to the HTTPS port gets no answer in clear text', async () => {
    const plain = server.url.replace('https:', 'http:');
    const r = await httpRequest(`${plain}/api/health`).catch((e: Error) => e);
    assert.ok(r instanceof Error || r.status !== 200, 'no JSON over plain HTTP');
  });

  test('the session cookie is Secure over HTTPS', async () => {
    const r = await httpsRequest(`${server.url}/api/login`, server.certificatePem!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'fout-wachtwoord-1' }),
    });
    assert.equal(r.status, 401);
    // A successful login: use the printed one-time password.
    const password = /Wachtwoord:\s+(\S+)/.exec(printed.join(''))![1]!;
    const ok = await httpsRequest(`${server.url}/api/login`, server.certificatePem!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    assert.equal(ok.status, 200, ok.body);
    const cookie = (ok.headers['set-cookie'] ?? []).find((c) => c.startsWith('uitslag_sessie='));
    assert.ok(cookie && /;\s*Secure/i.test(cookie) && /HttpOnly/i.test(cookie) && /SameSite=Strict/i.test(cookie), cookie);
  });

  test('a restart keeps the certificate (same fingerprint)', async () => {
    const before = server.fingerprint;
    await server.close();
    printed.length = 0;
    server = await startServer({ dataDir, port: 0, host: '127.0.0.1', tls: true, hasher: cheap, print: (t) => void printed.push(t) });
    assert.equal(server.fingerprint, before);
    assert.ok(printed.join('').includes(before!));
  });
});

describe('Host allow-list and security headers (issue 9, transport)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('a Host header that is not one of the installation\'s names is refused (DNS rebinding)', async () => {
    for (const host of ['evil.example', 'evil.example:20023', 'uitslag.attacker.test']) {
      const r = await httpRequest(`${server.url}/api/health`, { host });
      assert.equal(r.status, 421, host);
      assert.equal(JSON.parse(r.body).error.code, 'request.host');
      const ui = await httpRequest(`${server.url}/`, { host, accept: 'text/html' });
      assert.equal(ui.status, 421, `UI for ${host}`);
    }
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `[::1]:${server.port}`, os.hostname()]) {
      assert.equal((await httpRequest(`${server.url}/api/health`, { host })).status, 200, host);
    }
  });

  test('every answer carries CSP (no inline scripts, frame-ancestors none), nosniff and a referrer policy', async () => {
    const c = new ApiClient(server.url);
    for (const p of ['/api/health', '/', '/api/session', '/bestaat-niet']) {
      const r = await c.get(p);
      const csp = r.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/, p);
      assert.match(csp, /script-src 'self'(;|$)/, p);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, p);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
      assert.equal(r.headers.get('referrer-policy'), 'no-referrer', p);
      assert.equal(r.headers.get('x-frame-options'), 'DENY', p);
    }
  });
});

describe('uitslag serve: TLS by default, --no-tls on 127.0.0.1 (issue 9, transport)', { timeout: 120_000 }, () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'uitslag-serve-'));
  after(() => rmSync(work, { recursive: true, force: true }));

  async function serve(args: string[]): Promise<string> {
    let out = '';
    let seen!: () => void;
    const started = new Promise<void>((r) => (seen = r));
    const env = {
      stdout: (t: string) => {
        out += t;
        if (/draait op/.test(out) && (/Vingerafdruk/.test(out) || /zonder TLS/.test(out))) seen();
      },
      stderr: (t: string) => void (out += t),
      now: () => new Date(),
      randomBytes: (n: number) => Buffer.alloc(n, 1),
      untilStopped: () => started,
    };
    const code = await runCli(args, env);
    assert.equal(code, 0, out);
    return out;
  }

  test('serve without options makes a certificate and prints an https URL and the fingerprint', async () => {
    const data = path.join(work, 'tls');
    const out = await serve(['serve', '--data', data, '--port', '0', '--host', '127.0.0.1']);
    assert.match(out, /draait op https:\/\/127\.0\.0\.1:\d+/);
    const fp = new X509Certificate(readFileSync(path.join(data, 'tls', 'cert.pem'))).fingerprint256;
    assert.ok(out.includes(fp), out);
  });

  test('--no-tls serves plain HTTP on 127.0.0.1 when --host is not given', async () => {
    const out = await serve(['serve', '--data', path.join(work, 'plain'), '--port', '0', '--no-tls']);
    assert.match(out, /draait op http:\/\/127\.0\.0\.1:\d+/);
    assert.match(out, /zonder TLS/);
  });
});
