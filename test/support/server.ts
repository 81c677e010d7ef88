/**
 * Start the real server for tests: 127.0.0.1, random port, temporary data directory, an admin
 * password from a file (known to the test), a controllable clock and cheap scrypt parameters.
 * Used by the server tests and by the UI's browser tests.
 *
 *   const server = await startTestServer();
 *   const admin = await adminClient(server);           // logged in, first-login password change done
 *   const r = await admin.get('/api/session');          // { status, json, text, bytes, headers }
 *   await server.close();                               // also removes the data directory
 */
import { X509Certificate } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '../../src/domain/permissions.ts';
import type { RandomSource, ServerConfig, TestHooks } from '../../src/server/context.ts';
import { startServer } from '../../src/server/main.ts';
import { scryptHasher, type PasswordHasher } from '../../src/server/password-hash.ts';

/** The test clock starts here by default: before TK2021's election date (2021-03-17), so certificates are valid. */
export const DEFAULT_TEST_START = '2021-02-15T09:00:00.000Z';
export const ADMIN_INITIAL_PASSWORD = 'eerste-wachtwoord-admin';
export const ADMIN_PASSWORD = 'nieuw-wachtwoord-beheerder';
export const USER_PASSWORD = 'wachtwoord-van-gebruiker';

/** Runs with real time from a chosen start; `advance` jumps ahead. */
export class TestClock {
  private readonly startReal = Date.now();
  private offsetMs = 0;
  constructor(private readonly start: Date = new Date(DEFAULT_TEST_START)) {}
  now = (): Date => new Date(this.start.getTime() + (Date.now() - this.startReal) + this.offsetMs);
  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

export interface TestServerOptions {
  /** Reuse a data directory (not removed on close). */
  readonly dataDir?: string;
  /** Initial admin password (written to a file passed as adminPasswordFile); null = let the server print one. */
  readonly adminInitialPassword?: string | null;
  readonly clock?: TestClock;
  readonly idleTimeoutSeconds?: number;
  readonly hasher?: PasswordHasher;
  readonly random?: RandomSource;
  readonly uiDir?: string;
  readonly config?: Partial<ServerConfig>;
  readonly testHooks?: TestHooks;
  /** Serve HTTPS with the installation's generated certificate (default: plain HTTP on 127.0.0.1). */
  readonly tls?: boolean;
  /**
   * Start the render worker with the server as production does (default false in tests: most never
   * render, and the worker then starts at the first render, saving the shared machine its start-up).
   */
  readonly startRenderWorker?: boolean;
}

export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly clock: TestClock;
  /** The admin's initial password (null when the server printed one; see `printed`). */
  readonly adminInitialPassword: string | null;
  /** Everything the server printed on its "terminal". */
  readonly printed: string[];
  /** Set by adminClient once the first-login password change is done. */
  adminReady: boolean;
  /** With `tls`: the server's certificate (PEM) and its SHA-256 fingerprint. */
  readonly certificatePem: string | null;
  readonly fingerprint: string | null;
  close(): Promise<void>;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'uitslag-test-'));
  const clock = opts.clock ?? new TestClock();
  const initial = opts.adminInitialPassword === undefined ? ADMIN_INITIAL_PASSWORD : opts.adminInitialPassword;
  let passwordFile: string | undefined;
  if (initial !== null) {
    passwordFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'uitslag-pw-')), 'admin-wachtwoord.txt');
    writeFileSync(passwordFile, initial + '\n', { mode: 0o600 });
  }
  const printed: string[] = [];
  const running = await startServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    quiet: true,
    clock: clock.now,
    print: (t) => void printed.push(t),
    hasher: opts.hasher ?? scryptHasher({ N: 1024, r: 8, p: 1 }),
    ...(passwordFile !== undefined ? { adminPasswordFile: passwordFile } : {}),
    ...(opts.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: opts.idleTimeoutSeconds } : {}),
    ...(opts.random !== undefined ? { random: opts.random } : {}),
    ...(opts.uiDir !== undefined ? { uiDir: opts.uiDir } : {}),
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    // Every answer is checked against its route's response schema (a mismatch answers 500).
    testHooks: { checkResponses: true, ...opts.testHooks },
    tls: opts.tls ?? false,
    startRenderWorker: opts.startRenderWorker ?? false,
  });
  if (passwordFile) rmSync(path.dirname(passwordFile), { recursive: true, force: true });
  if (running.certificatePem) trusted.set(new URL(running.url).origin, running.certificatePem);
  return {
    url: running.url,
    port: running.port,
    dataDir,
    clock,
    adminInitialPassword: initial,
    printed,
    adminReady: false,
    certificatePem: running.certificatePem,
    fingerprint: running.fingerprint,
    async close() {
      await running.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly bytes: Buffer;
  /** Parsed JSON body (undefined when not JSON). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly json: any;
}

/** Certificates (PEM) of the test servers started with `tls`, by origin: the only ones the test clients trust. */
const trusted = new Map<string, string>();

/**
 * One request: fetch over plain HTTP; over HTTPS node:https trusting exactly the test server's own
 * certificate (never certificate checks switched off).
 */
async function send(url: string, init: { method: string; headers: Record<string, string>; body: string | FormData | null }): Promise<Response> {
  const u = new URL(url);
  if (u.protocol !== 'https:') return fetch(url, { ...init, redirect: 'manual' });
  const ca = trusted.get(u.origin);
  if (ca === undefined) throw new Error(`no certificate known for ${u.origin}`);
  const headers = { ...init.headers };
  let body: Buffer | null = null;
  if (init.body instanceof FormData) {
    const encoded = new Response(init.body);
    headers['content-type'] = encoded.headers.get('content-type') ?? 'multipart/form-data';
    body = Buffer.from(await encoded.arrayBuffer());
  } else if (init.body !== null) body = Buffer.from(init.body, 'utf8');
  // Pinned: the presented certificate must be exactly the server's own (its validity follows the
  // server's test clock, not today, so the ordinary chain check would call it expired).
  const pinned = new X509Certificate(ca).fingerprint256;
  return new Promise<Response>((resolve, reject) => {
    // agent: false: a new TLS handshake each time, so the peer certificate is always there to compare (a resumed session may not carry it)
    const req = httpsRequest(u, { method: init.method, headers, rejectUnauthorized: false, agent: false }, (res) => {
      const presented = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      if (presented !== pinned) {
        res.destroy();
        reject(new Error(`${u.origin} presented another certificate (${presented})`));
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) out.append(k, one);
        }
        const status = res.statusCode ?? 0;
        const data = status === 204 || status === 304 ? null : Buffer.concat(chunks);
        resolve(new Response(data, { status, headers: out }));
      });
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/** A tiny HTTP client with a cookie jar (one session). */
export class ApiClient {
  cookie: string | null = null;
  constructor(readonly baseUrl: string) {}

  async request(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (method !== 'GET' && method !== 'HEAD') {
      h['content-type'] ??= 'application/json';
      payload = body === undefined ? '{}' : JSON.stringify(body);
    }
    const res = await send(this.baseUrl + urlPath, { method, headers: h, body: payload ?? null });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name?.trim() === 'uitslag_sessie') this.cookie = value ? `uitslag_sessie=${value}` : null;
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const text = bytes.toString('utf8');
    let json: unknown;
    if ((res.headers.get('content-type') ?? '').includes('application/json')) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.status, headers: res.headers, text, bytes, json };
  }

  get(urlPath: string): Promise<ApiResponse> {
    return this.request('GET', urlPath);
  }

  post(urlPath: string, body?: unknown): Promise<ApiResponse> {
    return this.request('POST', urlPath, body);
  }

  /** multipart/form-data upload with one field `file`. */
  upload(urlPath: string, fileName: string, bytes: Buffer | string): Promise<ApiResponse> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(typeof bytes === 'string' ? Buffer.from(bytes) : bytes)]), fileName);
    return this.request('POST', urlPath, form);
  }

  async login(username: string, password: string): Promise<ApiResponse> {
    return this.post('/api/login', { username, password });
  }
}

/** Log in as admin; on the first call the initial password is changed to ADMIN_PASSWORD. */
export async function adminClient(server: TestServer): Promise<ApiClient> {
  const client = new ApiClient(server.url);
  if (server.adminReady) {
    const r = await client.login('admin', ADMIN_PASSWORD);
    if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${r.text}`);
    return client;
  }
  if (server.adminInitialPassword === null) throw new Error('adminClient needs a known initial password');
  const r = await client.login('admin', server.adminInitialPassword);
  if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${r.text}`);
  const c = await client.post('/api/password', { currentPassword: server.adminInitialPassword, newPassword: ADMIN_PASSWORD });
  if (c.status !== 200) throw new Error(`admin password change failed: ${c.status} ${c.text}`);
  server.adminReady = true;
  return client;
}

/**
 * Create a user with `role` (via the admin) and return a client logged in as that user with the
 * first-login password change done (password USER_PASSWORD + '!').
 */
export async function userClient(server: TestServer, admin: ApiClient, role: Role, username: string = `test-${role}`): Promise<ApiClient> {
  const created = await admin.post('/api/users', { username, fullName: `Test ${role}`, role, initialPassword: USER_PASSWORD });
  if (created.status !== 201) throw new Error(`create user failed: ${created.status} ${created.text}`);
  const client = new ApiClient(server.url);
  const r = await client.login(username, USER_PASSWORD);
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
  const c = await client.post('/api/password', { currentPassword: USER_PASSWORD, newPassword: USER_PASSWORD + '!' });
  if (c.status !== 200) throw new Error(`password change ${username} failed: ${c.status} ${c.text}`);
  return client;
}
