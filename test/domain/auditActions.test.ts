/** The audit actions are declared once (src/domain/auditActions.ts); docs/api.md lists exactly those. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { AUDIT_ACTIONS } from '../../src/domain/auditActions.ts';
import { ROOT } from '../support/paths.ts';

test("docs/api.md's table of audit actions is the code's table, with the same words", () => {
  const doc = readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### Audit actions'));
  const rows = [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()] as const);
  assert.deepEqual(Object.fromEntries(rows), { ...AUDIT_ACTIONS });
  for (const words of Object.values(AUDIT_ACTIONS)) assert.match(words, /^[A-Z]/, 'Dutch words, not a code');
});
