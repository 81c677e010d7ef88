import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { formatHash } from '../../src/domain/hashcode.ts';
import { adminClient, startTestServer, type ApiClient, type TestServer } from '../support/server.ts';
import {
  DEFINITION_FILE,
  LELYSTAD,
  LELYSTAD_LISTS_FILE,
  ZWOLLE_LISTS_FILE,
  groupsFor,
  sha256,
  tk2021,
} from './fixtures.ts';

describe('election import (110a + 230b)', () => {
  let server: TestServer;
  let admin: ApiClient;
  before(async () => {
    server = await startTestServer();
    admin = await adminClient(server);
  });
  after(() => server.close());

  test('candidate lists cannot be previewed before a definition exists', async () => {
    const r = await admin.upload('/api/election/candidate-lists/preview', LELYSTAD_LISTS_FILE, tk2021(LELYSTAD_LISTS_FILE));
    assert.equal(r.status, 409);
    assert.equal(r.json.error.code, 'election.none');
  });

  test('refused files: not XML, DOCTYPE, wrong EML kind, truncated, too large', async () => {
    const url = '/api/election/definition/preview';
    const notXml = await admin.upload(url, 'x.eml.xml', 'dit is geen XML');
    assert.equal(notXml.status, 422);
    assert.match(notXml.json.error.message, /\S/);
    const doctype = await admin.upload(
      url,
      'x.eml.xml',
      '<?xml version="1.0"?><!DOCTYPE EML [<!ENTITY x "y">]><EML xmlns="urn:oasis:names:tc:evs:schema:eml" Id="110a"/>',
    );
    assert.equal(doctype.status, 422);
    const wrongKind = await admin.upload(url, LELYSTAD_LISTS_FILE, tk2021(LELYSTAD_LISTS_FILE));
    assert.equal(wrongKind.status, 422);
    assert.match(wrongKind.json.error.message, /230b|kandidatenlijst/i);
    const def = tk2021(DEFINITION_FILE);
    const truncated = await admin.upload(url, DEFINITION_FILE, def.subarray(0, Math.floor(def.length / 2)));
    assert.equal(truncated.status, 422);
    const big = await admin.upload(url, 'groot.eml.xml', Buffer.alloc(10 * 1024 * 1024 + 1, 0x20));
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, 'upload.too_large');
    assert.match(big.json.error.message, /te groot/);
    const e = await admin.get('/api/election');
    assert.equal(e.json.election, null);
  });

  test('definition: preview shows the sha256 of the file in 16 groups; confirm with kieskring 5', async () => {
    const bytes = tk2021(DEFINITION_FILE);
    const p = await admin.upload('/api/election/definition/preview', '../../etc/passwd', bytes);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.hash, formatHash(sha256(bytes)));
    assert.equal(p.json.hash.split(' ').length, 16);
    assert.equal(p.json.electionId, 'TK2021');
    assert.equal(p.json.numberOfSeats, 150);
    assert.equal(p.json.kieskringen.length, 20);
    assert.deepEqual(p.json.kieskringen.find((k: { number: number }) => k.number === LELYSTAD), { number: 5, name: 'Lelystad' });
    // The uploaded "file name" is data, never a path.
    assert.equal(p.json.fileName, 'passwd');
    assert.equal((await admin.get('/api/election')).json.election, null, 'nothing imported by a preview');

    const unconfirmed = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: false, kieskring: 5 });
    assert.equal(unconfirmed.status, 400);
    const badKieskring = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, kieskring: 99 });
    assert.equal(badKieskring.status, 422);

    const c = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, kieskring: LELYSTAD });
    assert.equal(c.status, 200, c.text);
    const el = c.json.election;
    assert.equal(el.id, 'TK2021');
    assert.deepEqual(el.stemgebied, { category: 'KIESKRING', number: 5, name: 'Lelystad' });
    assert.equal(el.definition.hash, formatHash(sha256(bytes)));
    assert.equal(el.definition.fileName, 'passwd');
    assert.equal(el.candidateLists, null);
    // Used upload is gone.
    const again = await admin.post('/api/election/definition/confirm', { uploadId: p.json.uploadId, hashConfirmed: true, kieskring: LELYSTAD });
    assert.equal(again.status, 404);
    // No file named passwd anywhere in the data directory; the original bytes are stored in the DB.
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [e.name]));
    assert.ok(!walk(server.dataDir).includes('passwd'));
    assert.ok(!existsSync(path.join(server.dataDir, '..', 'etc')));
    const db = new Database(path.join(server.dataDir, 'uitslag.sqlite'), { readonly: true });
    try {
      const row = db.prepare('SELECT definition_bytes, definition_hash FROM election').get() as { definition_bytes: Buffer; definition_hash: string };
      assert.ok(row.definition_bytes.equals(bytes));
      assert.equal(row.definition_hash, sha256(bytes));
    } finally {
      db.close();
    }
    const regions = await admin.get('/api/election/regions');
    assert.equal(regions.status, 200);
    assert.deepEqual(regions.json.kieskring, { number: 5, name: 'Lelystad' });
    const names = regions.json.municipalities.map((m: { name: string }) => m.name);
    assert.ok(names.includes('Zwolle') || names.includes('Lelystad'), names.join(','));
    for (const m of regions.json.municipalities) assert.match(m.code, /^\d{4}$/);
  });

  test('230b of another kieskring is refused naming expected and found', async () => {
    const r = await admin.upload('/api/election/candidate-lists/preview', ZWOLLE_LISTS_FILE, tk2021(ZWOLLE_LISTS_FILE));
    assert.equal(r.status, 422);
    assert.match(r.json.error.message, /Zwolle/);
    assert.match(r.json.error.message, /Lelystad/);
  });

  test('candidate lists: wrong groups refused and nothing stored; fresh groups next time; right groups import', async () => {
    const bytes = tk2021(LELYSTAD_LISTS_FILE);
    const hex = sha256(bytes);
    const seen = new Set<string>();
    // Wrong groups, several attempts: each new preview draws its own hidden groups.
    for (let i = 0; i < 4; i++) {
      const p = await admin.upload('/api/election/candidate-lists/preview', LELYSTAD_LISTS_FILE, bytes);
      assert.equal(p.status, 200, p.text);
      const [a, b] = p.json.hiddenGroups as [number, number];
      assert.ok(a >= 0 && b <= 15 && a < b);
      seen.add(`${a},${b}`);
      assert.equal(p.json.contestId, '5');
      // The masked hash hides exactly those groups and never contains their values in place.
      const shown = p.json.maskedHash.split(' ');
      assert.equal(shown.length, 16);
      assert.equal(shown[a], '····');
      assert.equal(shown[b], '····');
      assert.equal(shown.filter((g: string) => g === '····').length, 2);
      assert.ok(!JSON.stringify(p.json).includes(hex.toUpperCase()));
      assert.ok(!JSON.stringify(p.json).toLowerCase().includes(hex));
      const right = groupsFor(bytes, [a, b]);
      const wrong: [string, string] = [right[0], right[1] === '0000' ? '0001' : '0000'];
      const c = await admin.post('/api/election/candidate-lists/confirm', { uploadId: p.json.uploadId, groups: wrong });
      assert.equal(c.status, 422);
      assert.equal(c.json.error.code, 'hash.mismatch');
      // Discarded: the right groups on the same upload no longer work.
      const late = await admin.post('/api/election/candidate-lists/confirm', { uploadId: p.json.uploadId, groups: right });
      assert.equal(late.status, 404);
      const lists = await admin.get('/api/election/lists');
      assert.deepEqual(lists.json.lists, []);
      assert.equal((await admin.get('/api/election')).json.election.candidateLists, null);
    }
    assert.ok(seen.size >= 2, 'hidden groups are fresh per attempt');

    const p = await admin.upload('/api/election/candidate-lists/preview', LELYSTAD_LISTS_FILE, bytes);
    const c = await admin.post('/api/election/candidate-lists/confirm', {
      uploadId: p.json.uploadId,
      groups: groupsFor(bytes, p.json.hiddenGroups).map((g) => g.toLowerCase()),
    });
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.election.candidateLists.hash, formatHash(hex));
    assert.equal(c.json.election.candidateLists.fileName, LELYSTAD_LISTS_FILE);
    assert.equal(c.json.election.candidateLists.lists, p.json.lists);
    const lists = await admin.get('/api/election/lists');
    assert.equal(lists.json.lists.length, p.json.lists);
    const vvd = lists.json.lists.find((l: { listNumber: number }) => l.listNumber === 1);
    assert.equal(vvd.name, 'VVD');
    const cands = await admin.get('/api/election/lists/1/candidates');
    assert.equal(cands.status, 200);
    assert.equal(cands.json.candidates[0].position, 1);
    assert.equal(cands.json.candidates[0].lastName, 'Rutte');
    assert.equal((await admin.get('/api/election/lists/999/candidates')).status, 404);

    // The definition can no longer be replaced.
    const re = await admin.upload('/api/election/definition/preview', DEFINITION_FILE, tk2021(DEFINITION_FILE));
    assert.equal(re.status, 409);

    // Candidate lists can be replaced in phase 1 (logged as replacement).
    const p2 = await admin.upload('/api/election/candidate-lists/preview', LELYSTAD_LISTS_FILE, bytes);
    const c2 = await admin.post('/api/election/candidate-lists/confirm', { uploadId: p2.json.uploadId, groups: groupsFor(bytes, p2.json.hiddenGroups) });
    assert.equal(c2.status, 200);
    const audit = await admin.get('/api/audit?limit=200');
    const actions = audit.json.records.map((r: { action: string }) => r.action);
    assert.ok(actions.includes('election.definition.import'));
    assert.ok(actions.includes('election.candidate_lists.import'));
    assert.ok(actions.includes('election.candidate_lists.replace'));
    assert.ok(actions.includes('election.candidate_lists.hash_mismatch'));
    const defRecord = audit.json.records.find((r: { action: string }) => r.action === 'election.definition.import');
    assert.equal(defRecord.username, 'admin');
    assert.equal(defRecord.role, 'beheerder');
    assert.equal(defRecord.details.hash, formatHash(sha256(tk2021(DEFINITION_FILE))));
    assert.equal(defRecord.details.fileName, 'passwd');
  });
});
