/**
 * Exact rational numbers for the seat allocation (Kieswet hoofdstuk P): the kiesdeler, remainders,
 * averages and thresholds are fractions of vote counts, and a tie between two lists must be a
 * tie of exact values, never of rounded floating-point numbers. Numerator and denominator are
 * bigints, always reduced, the denominator positive.
 */

export interface Fraction {
  readonly n: bigint;
  /** Always > 0. */
  readonly d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** n/d, reduced. Throws on a zero denominator (a bug, never an expected failure). */
export function frac(n: bigint | number, d: bigint | number = 1n): Fraction {
  let nn = BigInt(n);
  let dd = BigInt(d);
  if (dd === 0n) throw new RangeError('fraction with denominator 0');
  if (dd < 0n) {
    nn = -nn;
    dd = -dd;
  }
  const g = gcd(nn, dd);
  return g > 1n ? { n: nn / g, d: dd / g } : { n: nn, d: dd };
}

export const ZERO: Fraction = { n: 0n, d: 1n };

export function add(a: Fraction, b: Fraction): Fraction {
  return frac(a.n * b.d + b.n * a.d, a.d * b.d);
}

export function sub(a: Fraction, b: Fraction): Fraction {
  return frac(a.n * b.d - b.n * a.d, a.d * b.d);
}

export function mul(a: Fraction, b: Fraction): Fraction {
  return frac(a.n * b.n, a.d * b.d);
}

export function div(a: Fraction, b: Fraction): Fraction {
  if (b.n === 0n) throw new RangeError('division by zero');
  return frac(a.n * b.d, a.d * b.n);
}

/** -1, 0 or 1 as a <, = or > b. */
export function compare(a: Fraction, b: Fraction): -1 | 0 | 1 {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function equals(a: Fraction, b: Fraction): boolean {
  return a.n === b.n && a.d === b.d;
}

/** The largest integer ≤ a. */
export function floor(a: Fraction): bigint {
  const q = a.n / a.d;
  return a.n < 0n && q * a.d !== a.n ? q - 1n : q;
}

/** The whole part and the proper fraction, e.g. "69485 17/25", "3", "2/3" (for documents). */
export function formatMixed(a: Fraction): string {
  const neg = a.n < 0n;
  const n = neg ? -a.n : a.n;
  const whole = n / a.d;
  const rest = n % a.d;
  const sign = neg ? '-' : '';
  if (rest === 0n) return `${sign}${whole}`;
  if (whole === 0n) return `${sign}${rest}/${a.d}`;
  return `${sign}${whole} ${rest}/${a.d}`;
}
