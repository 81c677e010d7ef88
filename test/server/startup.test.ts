import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase, StartupError } from '../../src/server/db/database.ts';
import { SCHEMA_VERSION } from '../../src/server/db/migrations.ts';
import { startServer } from '../../src/server/main.ts';
import { scryptHasher } from '../../src/server/password-hash.ts';
import { ApiClient, startTestServer } from '../support/server.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'uitslag-startup-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const cheap = scryptHasher({ N: 1024, r: 8, p: 1 });

describe('first start and restart', () => {
  test('empty data dir: DB, logs, keys dir, admin with a once-printed password that must be changed', async () => {
    const dataDir = path.join(tmp, 'nieuw');
    const printed: string[] = [];
    const s = await startServer({ dataDir, port: 0, host: '127.0.0.1', hasher: cheap, print: (t) => void printed.push(t) });
    let password: string;
    try {
      const all = printed.join('');
      assert.match(all, /EENMALIG WACHTWOORD/);
      assert.match(all, /Gebruikersnaam: admin/);
      assert.match(all, /draait op http:\/\/127\.0\.0\.1:\d+/);
      password = /Wachtwoord:\s+(\S+)/.exec(all)![1]!;
      assert.ok(password.length >= 12);
      assert.equal(s.url, `http://127.0.0.1:${s.port}`);
      assert.ok(s.port > 0);
      const c = new ApiClient(s.url);
      const r = await c.login('admin', password);
      assert.equal(r.status, 200);
      assert.equal(r.json.user.mustChangePassword, true);
    } finally {
      await s.close();
    }
    const log = readFileSync(path.join(dataDir, 'logs', 'uitslag.log'), 'utf8').trim().split('\n');
    assert.ok(log.length > 0);
    for (const line of log) JSON.parse(line);
    assert.ok(!log.join('\n').includes(password), 'the password is not in the log');

    // Restart: nothing printed about passwords, same admin.
    const printed2: string[] = [];
    const s2 = await startServer({ dataDir, port: 0, host: '127.0.0.1', hasher: cheap, print: (t) => void printed2.push(t) });
    try {
      assert.doesNotMatch(printed2.join(''), /WACHTWOORD/);
      assert.equal((await new ApiClient(s2.url).login('admin', password)).status, 200);
    } finally {
      await s2.close();
    }
  });

  test('password file: used and not printed', async () => {
    const server = await startTestServer({ adminInitialPassword: 'uit-een-bestand-gelezen' });
    try {
      assert.doesNotMatch(server.printed.join(''), /Wachtwoord/);
      const r = await new ApiClient(server.url).login('admin', 'uit-een-bestand-gelezen');
      assert.equal(r.status, 200);
      assert.equal(r.json.user.mustChangePassword, true);
    } finally {
      await server.close();
    }
  });

  test('a too weak password file is refused', async () => {
    const file = path.join(tmp, 'zwak.txt');
    writeFileSync(file, 'admin\n');
    await assert.rejects(
      startServer({ dataDir: path.join(tmp, 'zwak'), port: 0, host: '127.0.0.1', hasher: cheap, adminPasswordFile: file, print: () => {} }),
      (e: Error) => e instanceof StartupError && /12 tekens/.test(e.message),
    );
  });

  test('the database is in WAL mode with synchronous=FULL and foreign keys on', async () => {
    const server = await startTestServer();
    try {
      const db = new Database(path.join(server.dataDir, 'uitslag.sqlite'), { readonly: true });
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      } finally {
        db.close();
      }
    } finally {
      await server.close();
    }
    const db = openDatabase(path.join(tmp, 'pragma.sqlite'));
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 2);
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    } finally {
      db.close();
    }
  });

  test('refuses a database from a newer version', async () => {
    const dataDir = path.join(tmp, 'nieuwer');
    mkdirSync(dataDir);
    const db = new Database(path.join(dataDir, 'uitslag.sqlite'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await assert.rejects(
      startServer({ dataDir, port: 0, host: '127.0.0.1', hasher: cheap, print: () => {} }),
      (e: Error) => e instanceof StartupError && /nieuwere versie/.test(e.message),
    );
  });

  test('refuses an unwritable data directory', async () => {
    const file = path.join(tmp, 'een-bestand');
    writeFileSync(file, 'x');
    await assert.rejects(
      startServer({ dataDir: path.join(file, 'data'), port: 0, host: '127.0.0.1', hasher: cheap, print: () => {} }),
      (e: Error) => e instanceof StartupError && /niet beschrijfbaar/.test(e.message),
    );
  });

  test('refuses a port in use', async () => {
    const server = await startTestServer();
    try {
      await assert.rejects(
        startServer({ dataDir: path.join(tmp, 'poort'), port: server.port, host: '127.0.0.1', hasher: cheap, print: () => {} }),
        (e: Error) => e instanceof StartupError && /in gebruik/.test(e.message),
      );
    } finally {
      await server.close();
    }
  });
});

describe('the UI', () => {
  test('without a build: / says to run npm run build', async () => {
    const server = await startTestServer({ uiDir: path.join(tmp, 'geen-ui') });
    try {
      const r = await new ApiClient(server.url).get('/');
      assert.equal(r.status, 200);
      assert.match(r.text, /npm run build/);
    } finally {
      await server.close();
    }
  });

  test('with a build: static files, SPA fallback for HTML, JSON 404 under /api', async () => {
    const ui = path.join(tmp, 'ui');
    mkdirSync(path.join(ui, 'assets'), { recursive: true });
    writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>uitslag</title><div id="root"></div>');
    writeFileSync(path.join(ui, 'assets', 'app.js'), 'console.log(1)');
    const server = await startTestServer({ uiDir: ui });
    try {
      const c = new ApiClient(server.url);
      assert.match((await c.get('/')).text, /id="root"/);
      assert.equal((await c.get('/assets/app.js')).text, 'console.log(1)');
      const deep = await c.request('GET', '/gebruikers/overzicht', undefined, { accept: 'text/html' });
      assert.equal(deep.status, 200);
      assert.match(deep.text, /id="root"/);
      const api = await c.get('/api/bestaat-niet');
      assert.equal(api.status, 404);
      assert.equal(api.json.error.code, 'not_found');
      const asset = await c.get('/assets/bestaat-niet.js');
      assert.equal(asset.status, 404);
    } finally {
      await server.close();
    }
  });
});
