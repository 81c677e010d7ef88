import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import '../support/property.ts';
import { dutchDate, dutchDateTime, parseCreatedAt } from '../../src/domain/dates.ts';

test('a date is written as the documents write it', () => {
  assert.equal(dutchDate('2021-03-17'), '17 maart 2021');
  assert.equal(dutchDate('2021-13-01'), null);
  assert.equal(dutchDate('17-03-2021'), null);
});

test('a PV creation time is read in parts and printed dd-mm-yyyy hh:mm', () => {
  const c = parseCreatedAt('2025-10-30T21:05:09.123');
  assert.deepEqual(c, { year: 2025, month: 10, day: 30, hour: 21, minute: 5, second: 9 });
  assert.ok(c !== null);
  assert.equal(dutchDateTime(c), '30-10-2025 21:05');
  for (const bad of ['2025-10-30', '2025-10-30T24:00:00', '2025-00-01T00:00:00', '2025-10-30T12:60:00', '2025-10-30 12:00:00', '']) {
    assert.equal(parseCreatedAt(bad), null, bad);
  }
});

test('every valid moment survives printing and reading back (property)', () => {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  fc.assert(
    fc.property(
      fc.record({
        year: fc.integer({ min: 1000, max: 9999 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
      }),
      (c) => {
        const iso = `${c.year}-${pad(c.month)}-${pad(c.day)}T${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}`;
        assert.deepEqual(parseCreatedAt(iso), { ...c });
        assert.equal(dutchDateTime(c), `${pad(c.day)}-${pad(c.month)}-${c.year} ${pad(c.hour)}:${pad(c.minute)}`);
      },
    ),
  );
});
