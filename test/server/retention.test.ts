/**
 * The retention period before "vernietigen": up to and including three calendar months after the
 * election date, in Dutch calendar days whatever the machine's time zone.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { retentionEnd } from '../../src/domain/retention.ts';
import { retentionDate, withinRetention } from '../../src/server/archive.ts';

describe('retention period', () => {
  test('three calendar months after the election date; a missing day becomes the last day of the month', () => {
    assert.equal(retentionDate('2021-03-17'), '2021-06-17');
    assert.equal(retentionDate('2023-11-22'), '2024-02-22');
    assert.equal(retentionDate('2025-10-29'), '2026-01-29');
    assert.equal(retentionDate('2021-11-30'), '2022-02-28');
    assert.equal(retentionDate('2023-11-30'), '2024-02-29');
    assert.equal(retentionDate('2021-05-31'), '2021-08-31');
    assert.equal(retentionEnd('2021-02-30'), null);
    assert.equal(retentionEnd('17-03-2021'), null);
  });

  test('the last day is still within the period, in Amsterdam time', () => {
    // 17 June 2021, 23:59:59 summer time (UTC+2) is still the last day
    assert.equal(withinRetention(new Date('2021-06-17T21:59:59Z'), retentionDate('2021-03-17')), true);
    // one second later it is 18 June in the Netherlands, though still 17 June in UTC
    assert.equal(withinRetention(new Date('2021-06-17T22:00:00Z'), retentionDate('2021-03-17')), false);
    assert.equal(withinRetention(new Date('2021-03-17T07:30:00Z'), retentionDate('2021-03-17')), true);
    // winter time (UTC+1): 29 January 2026, 23:30 in the Netherlands
    assert.equal(withinRetention(new Date('2026-01-29T22:30:00Z'), retentionDate('2025-10-29')), true);
    assert.equal(withinRetention(new Date('2026-01-29T23:00:00Z'), retentionDate('2025-10-29')), false);
  });
});
