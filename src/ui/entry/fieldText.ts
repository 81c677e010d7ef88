/**
 * What a typist typed in a count field, read without guessing: a whole number, empty (null), or
 * refused with the reason. "1,5", "-3", "12.000", letters and numbers of more than 9 digits are
 * refused as typed; the text stays visible (never altered) and stays out of the draft.
 */
import type { Num } from '../../domain/entry.ts';

export const MAX_DIGITS = 9;
/** Shown at a field whose text is not a count. */
export const INVALID_NUMBER_MESSAGE = "Vul alleen een heel getal van 0 of meer in, zonder punten of komma's.";
export const TOO_LARGE_MESSAGE = `Dit getal is te groot: ten hoogste ${MAX_DIGITS} cijfers.`;

export type FieldText = { readonly ok: true; readonly value: Num } | { readonly ok: false; readonly message: string };

export function parseFieldText(text: string): FieldText {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  if (!/^[0-9]+$/.test(t)) return { ok: false, message: INVALID_NUMBER_MESSAGE };
  if (t.replace(/^0+(?=.)/, '').length > MAX_DIGITS) return { ok: false, message: TOO_LARGE_MESSAGE };
  return { ok: true, value: Number(t) };
}
