/**
 * Migration 8 (the CSB installation) on a database of schema 7 with an HSB election in phase 2: the
 * election row (with staat = 0), the count units and the staged uploads survive unchanged; afterwards an
 * election may be marked as the CSB's (staat = 1) and a count unit may be a kieskring ('HSB5'), and nothing else new.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/server/db/database.ts';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/server/db/migrations.ts';

describe('migration 8: the CSB installation', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'uitslag-mig8-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps an HSB database of schema 7 as it was and allows STAAT and kieskring units afterwards', () => {
    assert.ok(SCHEMA_VERSION >= 8);
    const file = path.join(dir, 'uitslag.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    for (const [v, sql] of MIGRATIONS.slice(0, 7).entries()) {
      old.exec(sql);
      old.pragma(`user_version = ${v + 1}`);
    }
    old.prepare("INSERT INTO users (id, username, full_name, role, password_hash, created_at) VALUES (1, 'leider', 'L', 'verkiezingsleider', 'x', 't')").run();
    old
      .prepare(
        `INSERT INTO election (id, election_id, name, category, subcategory, election_date, number_of_seats, preference_threshold,
           kieskring_number, kieskring_name, definition_file_name, definition_hash, definition_bytes, definition_json, imported_at,
           imported_by, stemgebied_category, municipality_number, municipality_name)
         VALUES (1, 'TK2021', 'TK', 'TK', 'TK', '2021-03-17', 150, 25, 5, 'Lelystad', 'def.xml', 'ab', x'00', '{}', 't', 1, 'KIESKRING', NULL, NULL)`,
      )
      .run();
    old.prepare("INSERT INTO count_units (code, kind, state_json, version, updated_at) VALUES ('0034', 'complete', '{\"kind\":\"complete\"}', 3, 't')").run();
    old.prepare("INSERT INTO uploads (id, kind, user_id, file_name, bytes, hash, created_at, expires_at) VALUES ('u1', 'municipality_key', 1, 'k.crt', x'01', 'h', 't', 't')").run();
    const before = {
      election: old.prepare('SELECT * FROM election').all(),
      units: old.prepare('SELECT * FROM count_units').all(),
      uploads: old.prepare('SELECT * FROM uploads').all(),
    };
    old.close();

    const db = openDatabase(file);
    try {
      assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
      assert.deepEqual(
        db.prepare('SELECT * FROM election').all(),
        before.election.map((r) => ({ ...(r as object), staat: 0 })),
      );
      assert.deepEqual(db.prepare('SELECT * FROM count_units').all(), before.units);
      assert.deepEqual(db.prepare('SELECT * FROM uploads').all(), before.uploads);
      db.prepare("INSERT INTO count_units (code, kind, state_json, version, updated_at) VALUES ('HSB5', 'empty', '{}', 1, 't')").run();
      for (const bad of ['HSB', 'HSB0', 'HSB5a', 'XSB5', '034']) {
        assert.throws(() => db.prepare("INSERT INTO count_units (code, kind, state_json, version, updated_at) VALUES (?, 'empty', '{}', 1, 't')").run(bad), /CHECK/, bad);
      }
      assert.deepEqual(db.prepare('SELECT staat FROM election').get(), { staat: 0 });
      db.prepare("UPDATE election SET staat = 1, kieskring_number = 1, kieskring_name = 'Nederland'").run();
      assert.throws(() => db.prepare('UPDATE election SET staat = 2').run(), /CHECK/);
      assert.throws(() => db.prepare("INSERT INTO uploads (id, kind, user_id, file_name, bytes, hash, created_at, expires_at) VALUES ('u2', 'other', 1, 'f', x'01', 'h', 't', 't')").run(), /CHECK/);
      db.prepare("INSERT INTO uploads (id, kind, user_id, file_name, bytes, hash, created_at, expires_at) VALUES ('u3', 'kieskring_count', 1, 'f', x'01', 'h', 't', 't')").run();
    } finally {
      db.close();
    }
  });
});
