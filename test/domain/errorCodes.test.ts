/** The error codes are declared once (src/domain/errorCodes.ts); docs/api.md lists exactly those. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ERROR_CODES, isErrorCode } from '../../src/domain/errorCodes.ts';
import { ROOT } from '../support/paths.ts';

test("docs/api.md's table of error codes is the code's table, with the same status and words", () => {
  const doc = readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
  const start = doc.indexOf('### Error codes');
  assert.ok(start >= 0, 'docs/api.md has a section "### Error codes"');
  const end = doc.indexOf('\n#', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  const rows = [...section.matchAll(/^\| `([^`]+)` \| (\d{3}|—) \| (.+) \|$/gm)].map(
    (m) => [m[1] ?? '', { status: m[2] === '—' ? null : Number(m[2]), text: (m[3] ?? '').trim() }] as const,
  );
  assert.deepEqual(Object.fromEntries(rows), { ...ERROR_CODES });
  assert.equal(rows.length, Object.keys(ERROR_CODES).length, 'each code once');
});

test('every error code has a status of an HTTP error (or none) and Dutch words', () => {
  for (const [code, { status, text }] of Object.entries(ERROR_CODES)) {
    if (status !== null) assert.ok(status >= 400 && status <= 599, `${code}: ${status}`);
    assert.match(text, /^[A-Z]/, `${code}: Dutch words, not a code`);
    assert.ok(isErrorCode(code));
  }
  assert.equal(isErrorCode('toString'), false);
  assert.equal(isErrorCode('no.such_code'), false);
});
