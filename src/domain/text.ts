/**
 * Free text typed by users (full names, reasons, PV remarks, polling-station names, …) is shown on
 * screens, printed on the proces-verbaal and written to the audit log. One rule for all of it
 * (issue 9, defect 5): no control characters, no bidirectional overrides (they make a text read
 * differently from what it is, e.g. U+202E), no unpaired surrogates or non-characters, and no text
 * that looks blank (only spaces and invisible characters such as U+200B). Line breaks and tabs are
 * allowed only in multi-line fields. Pure: the server's zod schemas and the domain use it.
 *
 * Also here: `neutraliseSpreadsheetCell`, so a text that starts like a formula is not executed when
 * a CSV export is opened in a spreadsheet (issue 9, defect 4).
 */
import { fail, ok, type Result } from './result.ts';

export interface FreeTextOptions {
  /** Line breaks (LF, CRLF) and tabs allowed (remarks, objections). Default false. */
  readonly multiline?: boolean;
}

/** Characters that change the direction of the text around them (embeddings, overrides, isolates, marks). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/** C0 and C1 control characters and DEL. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/** Line and paragraph separators (line breaks outside multi-line fields). */
const SEPARATOR = /[\u2028\u2029]/u;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NONCHARACTER = /[\ufdd0-\ufdef\ufffe\uffff]/u;
/** Characters that take no visible space: white space, format characters, fillers that look empty. */
const INVISIBLE = /[\s\p{Cf}\u115f\u1160\u3164\uffa0\u2800\u034f\u180b-\u180d\ufe00-\ufe0f]/gu;

function codePoint(ch: string): string {
  return `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why `value` is not acceptable free text for the field labelled `label` (Dutch, e.g. 'Volledige
 * naam'), or null when it is. An empty (or only spaces) text is not refused here: whether a field is
 * required is the field's own rule.
 */
export function freeTextProblem(value: string, label: string, options: FreeTextOptions = {}): string | null {
  const rest = options.multiline ? value.replace(/\r\n|\n|\t/g, ' ') : value;
  const control = CONTROL.exec(rest) ?? SEPARATOR.exec(rest);
  if (control) {
    const what = /[\r\n\u2028\u2029]/.test(control[0]) ? 'een regelovergang' : `een stuurteken (${codePoint(control[0])})`;
    return `${label} bevat ${what}; dat is hier niet toegestaan.`;
  }
  const bidi = BIDI.exec(value);
  if (bidi) return `${label} bevat een teken dat de leesrichting omkeert (${codePoint(bidi[0])}); dat is niet toegestaan.`;
  if (LONE_SURROGATE.test(value)) return `${label} bevat een ongeldig teken (een losse surrogaat).`;
  const nonchar = NONCHARACTER.exec(value);
  if (nonchar) return `${label} bevat een ongeldig teken (${codePoint(nonchar[0])}).`;
  if (value.trim() !== '' && value.replace(INVISIBLE, '') === '') {
    return `${label} bevat alleen onzichtbare tekens; typ een zichtbare tekst.`;
  }
  return null;
}

/** `freeTextProblem` as a Result with code `text.invalid`. */
export function checkFreeText(value: string, label: string, options: FreeTextOptions = {}): Result<string, 'text.invalid'> {
  const problem = freeTextProblem(value, label, options);
  return problem === null ? ok(value) : fail('text.invalid', problem);
}

/** First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell value that a spreadsheet shows as text: a value starting with = + - @ tab or CR gets a
 * leading apostrophe. A value that already starts with an apostrophe gets one more, so the
 * original is always the cell minus its first apostrophe (when it has one).
 */
export function neutraliseSpreadsheetCell(value: string): string {
  return FORMULA_START.test(value) || value.startsWith("'") ? `'${value}` : value;
}
