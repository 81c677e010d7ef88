import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomInt } from 'node:crypto';
import fc from 'fast-check';
import {
  chooseHiddenGroups,
  confirmHiddenGroups,
  formatHash,
  hashGroups,
  maskedHash,
} from '../../src/domain/hashcode.ts';

const hex = createHash('sha256').update('uitslag').digest('hex');

test('formatHash gives 16 upper-case groups of 4 separated by spaces', () => {
  const s = formatHash(hex);
  assert.match(s, /^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
  assert.equal(s.replaceAll(' ', '').toLowerCase(), hex);
  assert.throws(() => formatHash('abc'));
});

test('chooseHiddenGroups returns two distinct sorted indices in range, for every random draw', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 14 }), (a, b) => {
      const draws = [a, b];
      const [x, y] = chooseHiddenGroups(() => draws.shift()!);
      return x >= 0 && y <= 15 && x < y;
    }),
  );
});

test('chooseHiddenGroups covers every pair with a uniform source', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) seen.add(chooseHiddenGroups((n) => randomInt(n)).join(','));
  assert.equal(seen.size, (16 * 15) / 2);
});

test('maskedHash hides exactly the chosen groups', () => {
  const m = maskedHash(hex, [2, 10]).split(' ');
  assert.equal(m.length, 16);
  assert.equal(m[2], '····');
  assert.equal(m[10], '····');
  assert.equal(m.filter((g) => g === '····').length, 2);
  assert.equal(m[0], hashGroups(hex)[0]);
});

test('confirmHiddenGroups accepts the right groups case-insensitively and refuses wrong ones', () => {
  const g = hashGroups(hex);
  assert.equal(confirmHiddenGroups(hex, [1, 7], [g[1]!.toLowerCase(), ` ${g[7]} `]).ok, true);
  const wrong = confirmHiddenGroups(hex, [1, 7], [g[1]!, g[8] === g[7] ? '0000' : g[8]!]);
  assert.equal(wrong.ok, false);
  if (!wrong.ok) {
    assert.equal(wrong.code, 'hash.mismatch');
    assert.match(wrong.message, /groep 8/);
  }
  const format = confirmHiddenGroups(hex, [1, 7], ['12', 'XYZW']);
  assert.equal(format.ok, false);
  if (!format.ok) assert.equal(format.code, 'hash.format');
  assert.equal(confirmHiddenGroups(hex, [1, 7], [g[1]!]).ok, false);
});
