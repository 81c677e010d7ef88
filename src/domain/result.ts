import type { ErrorCode } from './errorCodes.ts';

/**
 * Expected failures are values, not exceptions (house rule 2).
 * Every failure carries a stable machine code and a Dutch message for the user;
 * `detail` is optional technical information for IT staff.
 */
export interface Failure<C extends string = ErrorCode> {
  readonly ok: false;
  readonly code: C;
  /** Dutch, for the user. */
  readonly message: string;
  /** Technical detail (may be English), for IT staff and logs. */
  readonly detail?: string;
}

export interface Success<T> {
  readonly ok: true;
  readonly value: T;
}

export type Result<T, C extends string = ErrorCode> = Success<T> | Failure<C>;

export function ok<T>(value: T): Success<T> {
  return { ok: true, value };
}

export function fail<C extends string>(code: C, message: string, detail?: string): Failure<C> {
  return detail === undefined ? { ok: false, code, message } : { ok: false, code, message, detail };
}
