/**
 * Issue 13: the audit log screen checks the chain from where the last check ended, yet any change
 * made outside the program (another connection to the database file) is found as by a full walk.
 * Property: after random appends and random outside edits, the incremental check always says what
 * the full walk says.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { SYSTEM_ACTOR, verifyChain, verifyChainIncremental, writeAudit } from '../../src/server/audit.ts';
import { openDatabase } from '../../src/server/db/database.ts';

test('property: the incremental chain check agrees with the full walk after appends and outside edits', () => {
  const step = fc.oneof(
    fc.record({ kind: fc.constant('append' as const), n: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ kind: fc.constant('edit' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('check' as const) }),
  );
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 25 }), (steps) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'uitslag-audit-'));
      const file = path.join(dir, 'db.sqlite');
      const db = openDatabase(file);
      const outside = new Database(file);
      try {
        outside.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
        let t = Date.parse('2026-12-03T10:00:00Z');
        for (const s of steps) {
          if (s.kind === 'append') {
            for (let i = 0; i < s.n; i++) writeAudit(db, new Date((t += 1000)), SYSTEM_ACTOR, 'phase.change', { i });
          } else if (s.kind !== 'check') {
            const ids = (outside.prepare('SELECT id FROM audit_log ORDER BY id').all() as { id: number }[]).map((r) => r.id);
            if (ids.length === 0) continue;
            const id = ids[s.at % ids.length];
            if (s.kind === 'edit') outside.prepare(`UPDATE audit_log SET details_json = '{"i":-1}' WHERE id = ?`).run(id);
            else outside.prepare('DELETE FROM audit_log WHERE id = ?').run(id);
          }
          assert.deepEqual(verifyChainIncremental(db), verifyChain(db));
        }
      } finally {
        outside.close();
        db.close();
        rmSync(dir, { recursive: true, force: true });
      }
    }),
    { numRuns: 60 },
  );
});
