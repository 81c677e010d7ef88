/**
 * Seeds for property tests (house rule 10): a fresh random seed per run, the environment
 * variable FC_SEED to repeat one, and the seed printed when a property fails.
 */
import { randomInt } from 'node:crypto';
import fc from 'fast-check';

/** FC_SEED if set, otherwise a fresh random seed. */
export function propertySeed(): number {
  const env = process.env.FC_SEED;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isSafeInteger(n)) throw new Error(`FC_SEED must be an integer, got ${JSON.stringify(env)}`);
    return n;
  }
  return randomInt(0, 2 ** 31 - 1);
}

/** fc.assert with a fresh (or FC_SEED) seed; on failure the message starts with how to repeat the run. */
export function assertProperty<Ts>(property: fc.IProperty<Ts>, params: fc.Parameters<Ts> = {}): void {
  const seed = propertySeed();
  try {
    fc.assert(property, { ...params, seed });
  } catch (e) {
    if (e instanceof Error) e.message = `property failed with seed ${seed}; repeat with FC_SEED=${seed}\n${e.message}`;
    throw e;
  }
}
