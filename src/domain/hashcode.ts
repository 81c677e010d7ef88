import { fail, ok, type Result } from './result.ts';

/**
 * Hash codes as shown to users (docs/hash-codes.md): SHA-256 as 64 hex characters in 16 groups of 4,
 * upper case, separated by spaces. Confirmation hides two groups chosen at random; the random
 * source is injected so this module stays pure.
 */

export const HASH_GROUPS = 16;

export function formatHash(hexDigest: string): string {
  const hex = hexDigest.toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new Error(`not a SHA-256 hex digest: ${hexDigest}`);
  return hashGroups(hex).join(' ');
}

export function hashGroups(hexDigest: string): string[] {
  const hex = hexDigest.toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < 64; i += 4) groups.push(hex.slice(i, i + 4));
  return groups;
}

/**
 * Choose two distinct group indices (0-15) to hide. `randomInt(n)` must return a
 * cryptographically secure uniform integer in [0, n).
 */
export function chooseHiddenGroups(randomInt: (n: number) => number): [number, number] {
  const a = randomInt(HASH_GROUPS);
  let b = randomInt(HASH_GROUPS - 1);
  if (b >= a) b += 1;
  return a < b ? [a, b] : [b, a];
}

/** The hash as shown while two groups are hidden: hidden groups become '····'. */
export function maskedHash(hexDigest: string, hidden: readonly number[]): string {
  return hashGroups(hexDigest)
    .map((g, i) => (hidden.includes(i) ? '····' : g))
    .join(' ');
}

export type HashConfirmError = 'hash.mismatch' | 'hash.format';

/** Check the groups a user typed for the hidden positions (case-insensitive, spaces ignored). */
export function confirmHiddenGroups(
  hexDigest: string,
  hidden: readonly number[],
  typed: readonly string[],
): Result<true, HashConfirmError> {
  const groups = hashGroups(hexDigest);
  if (typed.length !== hidden.length) {
    return fail('hash.format', `Vul ${hidden.length} groepen van 4 tekens in.`);
  }
  for (const [i, raw] of typed.entries()) {
    const t = raw.replace(/\s+/g, '').toUpperCase();
    if (!/^[0-9A-F]{4}$/.test(t)) {
      return fail('hash.format', 'Een hashcode-groep bestaat uit precies 4 tekens (0-9, A-F).');
    }
    const index = hidden[i]!;
    if (groups[index] !== t) {
      return fail(
        'hash.mismatch',
        `De ingevulde hashcode-groep ${index + 1} komt niet overeen met het bestand. Controleer de hashcode; het bestand is niet geïmporteerd.`,
      );
    }
  }
  return ok(true);
}
