/**
 * Seeds for property tests (house rule 10): a fresh random seed per run, the environment
 * variable FC_SEED to repeat one, and the seed printed when a property fails.
 */
import fc from 'fast-check';
import { propertySeed } from './property.ts';

/** The run's seed: FC_SEED if set, otherwise fresh per run (test/support/property.ts). */
export { propertySeed };

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
