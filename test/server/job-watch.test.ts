/**
 * Waiting on a background job (`?wait=1`, src/server/jobWatch.ts): a waiting request is answered when
 * what it waits for has happened, not before and not later than that; with nothing happening, at the
 * limit. (The endpoints' use of it is exercised by every import test through `uploadCountZip`, which
 * asserts that each answer moved on, and by the documents' tests.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobWatch } from '../../src/server/jobWatch.ts';

describe('JobWatch', () => {
  it('answers at once when the job has already moved on', async () => {
    const w = new JobWatch();
    await w.until(() => true, 60_000);
    assert.equal(w.waiting, 0);
  });

  it('answers after the change that moves the job on, not after changes that do not', async () => {
    const w = new JobWatch();
    let stage = 'reading';
    let answered = false;
    const waiting = w.until(() => stage !== 'reading', 60_000).then(() => (answered = true));
    assert.equal(w.waiting, 1);
    w.changed(); // a change that does not move it on (e.g. progress within the step)
    await Promise.resolve();
    assert.equal(answered, false);
    stage = 'checking';
    w.changed();
    await waiting;
    assert.equal(answered, true);
    assert.equal(w.waiting, 0, 'no waiter left behind');
  });

  it('answers at the limit when nothing happens, and several waiters each once', async () => {
    const w = new JobWatch();
    let n = 0;
    await Promise.all([w.until(() => false, 5).then(() => n++), w.until(() => false, 5).then(() => n++)]);
    assert.equal(n, 2);
    assert.equal(w.waiting, 0);
  });
});
