/**
 * The per-election parameters of the seat allocation and the preference threshold (Kieswet P 7,
 * P 8, P 15), by election category (the EML `ElectionCategory`). They are data, not branches in
 * the algorithm: bill 36 641 would extend the "reach the kiesdeler" rule for residual seats from
 * TK and EP to GR, PS and AB, which is then a change of `residualSeatThreshold` here only.
 * See docs: ../shared/docs/national.md §1.2.
 */
import { fail, ok, type Result } from '../result.ts';
import { frac, type Fraction } from './fraction.ts';

/** The EML election categories (kiesraad-eml-extensions.xsd). */
export const ELECTION_CATEGORIES = ['EK', 'TK', 'EP', 'PS', 'AB', 'GR', 'BC', 'GC', 'ER', 'NR', 'PR', 'LR', 'IR'] as const;
export type ElectionCategory = (typeof ELECTION_CATEGORIES)[number];

export function isElectionCategory(s: string): s is ElectionCategory {
  return (ELECTION_CATEGORIES as readonly string[]).includes(s);
}

export interface SeatParameters {
  readonly category: ElectionCategory;
  /** Bodies with at least this many seats use largest averages (P 7); smaller ones P 8. */
  readonly largeBodySeats: number;
  /**
   * P 7(2): a list takes part in the residual seats (of a large body) only if its votes reach
   * this fraction of the kiesdeler; null: every list takes part.
   */
  readonly residualSeatThreshold: Fraction | null;
  /** P 8(2): a list takes part in the largest remainders (small body) only if its votes reach this fraction of the kiesdeler. */
  readonly remainderThreshold: Fraction;
  /** P 15: a candidate is elected by preference votes with votes *greater than* this fraction of the kiesdeler. */
  readonly preferenceThreshold: Fraction;
}

export const LARGE_BODY_SEATS = 19;

/**
 * The parameters for an election of `category` with `seats` seats. EK (weighted votes, U 2-U 9)
 * and the categories without a Kieswet seat allocation in this program fail.
 */
export function seatParameters(category: string, seats: number): Result<SeatParameters, 'seats.unsupported-category'> {
  if (!isElectionCategory(category)) {
    return fail('seats.unsupported-category', `Onbekende verkiezingssoort: ${category}.`);
  }
  const large = seats >= LARGE_BODY_SEATS;
  const base = { category, largeBodySeats: LARGE_BODY_SEATS, remainderThreshold: frac(3, 4) };
  switch (category) {
    case 'TK':
      return ok({ ...base, residualSeatThreshold: frac(1), preferenceThreshold: frac(1, 4) });
    case 'EP':
      // P 7(2) by reference (Y 23), and 10 % for preference votes (Y 23a).
      return ok({ ...base, residualSeatThreshold: frac(1), preferenceThreshold: frac(1, 10) });
    case 'PS':
    case 'AB':
      return ok({ ...base, residualSeatThreshold: null, preferenceThreshold: frac(1, 4) });
    case 'GR':
    case 'ER':
    case 'BC':
    case 'GC':
      // P 15(2): 50 % for a council of fewer than 19 seats (gemeenteraad; eilandsraad alike).
      return ok({ ...base, residualSeatThreshold: null, preferenceThreshold: large ? frac(1, 4) : frac(1, 2) });
    case 'EK':
    case 'NR':
    case 'PR':
    case 'LR':
    case 'IR':
      return fail(
        'seats.unsupported-category',
        `De zetelverdeling voor verkiezingssoort ${category} wordt door dit programma niet ondersteund.`,
      );
  }
}
