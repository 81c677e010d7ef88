/**
 * Preloaded by `npm test` (node --import): every fast-check property runs with a fresh random seed
 * per test run, or with FC_SEED=<n> to reproduce one. fast-check prints the seed (and the shrunk
 * counterexample's path) in the failure message; this module also prints it once at start when a
 * test file uses it explicitly (`propertySeed()`), so a failing CI log always shows how to rerun.
 */
import fc from 'fast-check';

const fromEnv = process.env.FC_SEED;
const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Math.floor(Math.random() * 0x7fffffff);
if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be a whole number, not ${fromEnv}`);
fc.configureGlobal({ seed });

/** The seed of this run (for tests that derive further runs from it or name it in a message). */
export function propertySeed(): number {
  return seed;
}

/** A message suffix that says how to rerun with the same seed. */
export function reproduce(): string {
  return `(rerun with FC_SEED=${seed})`;
}
