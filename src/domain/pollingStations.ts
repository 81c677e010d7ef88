/**
 * Polling stations of a gemeente installation (domain.md §9): number, name, optional postcode.
 * Pure validation and parsing of the simple CSV import (`nummer;naam;postcode`). No I/O.
 *
 * Decisions:
 * - A number is a whole number 1 .. MAX_POLLING_STATION_NUMBER; gaps in the numbering are allowed
 *   (many municipalities number their stations with gaps); an EMPTY number is "missing" and refused.
 * - A postcode is typed as '1234 AB' or '1234ab' and stored as '1234 AB'. The first digit is never 0,
 *   and the letter pairs SA, SD and SS are not used in Dutch postcodes (PostNL rule).
 * - The unit code of a polling station (count_units, 510b Id `<gemeente code>::SB<n>`) is 'SB<n>'.
 */
import { fail, ok, type Result } from './result.ts';
import { freeTextProblem } from './text.ts';

export const MAX_POLLING_STATION_NUMBER = 99_999;
export const MAX_POLLING_STATION_NAME = 200;

export interface PollingStationInput {
  readonly number: number;
  readonly name: string;
  /** '1234 AB' or null. */
  readonly postcode: string | null;
}

/** 'SB12' for polling station 12: its code in the entry engine and in 510b Ids. */
export function pollingStationCode(number: number): string {
  return `SB${number}`;
}

/** The number in a code 'SB12' (null when the code is not a polling-station code). */
export function pollingStationNumberOf(code: string): number | null {
  const m = /^SB([1-9]\d{0,4})$/.exec(code);
  return m ? Number(m[1]) : null;
}

export function checkPollingStationNumber(n: unknown): Result<number> {
  if (typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 && n <= MAX_POLLING_STATION_NUMBER) return ok(n);
  return fail(
    'polling_station.number',
    `Het nummer van een stembureau is een heel getal van 1 tot en met ${MAX_POLLING_STATION_NUMBER.toLocaleString('nl-NL')}.`,
    `got ${String(n)}`,
  );
}

/** Parse a typed number: digits only (no sign, no leading zeros beyond one digit are needed but allowed). */
export function parsePollingStationNumber(text: string): Result<number> {
  const t = text.trim();
  if (t === '') return fail('polling_station.number_missing', 'Het nummer van het stembureau ontbreekt.');
  if (!/^\d{1,6}$/.test(t)) {
    return fail('polling_station.number', `"${t}" is geen geldig stembureaunummer (alleen cijfers).`, `got ${JSON.stringify(t)}`);
  }
  return checkPollingStationNumber(Number(t));
}

export function normalisePollingStationName(name: string): Result<string> {
  const t = name.replace(/\s+/g, ' ').trim();
  if (t === '') return fail('polling_station.name', 'De naam van het stembureau ontbreekt.');
  const problem = freeTextProblem(t, 'De naam van het stembureau');
  if (problem !== null) {
    return fail('polling_station.name', problem);
  }
  if ([...t].length > MAX_POLLING_STATION_NAME) {
    return fail('polling_station.name', `De naam van het stembureau is te lang (ten hoogste ${MAX_POLLING_STATION_NAME} tekens).`);
  }
  return ok(t);
}

/** '1234ab', '1234 AB', ' 1234  ab ' → '1234 AB'; '' → null. */
export function normalisePostcode(text: string | null | undefined): Result<string | null> {
  const t = (text ?? '').trim();
  if (t === '') return ok(null);
  const m = /^([1-9]\d{3}) *([A-Za-z]{2})$/.exec(t);
  if (!m) {
    return fail('polling_station.postcode', `"${t}" is geen geldige postcode; gebruik de vorm 1234 AB.`, `got ${JSON.stringify(t)}`);
  }
  const letters = m[2]!.toUpperCase();
  if (letters === 'SA' || letters === 'SD' || letters === 'SS') {
    return fail('polling_station.postcode', `"${t}" is geen geldige postcode: de letters ${letters} worden niet gebruikt.`, `got ${JSON.stringify(t)}`);
  }
  return ok(`${m[1]} ${letters}`);
}

/** Validate one station as given over the API. */
export function checkPollingStation(input: { number: unknown; name: string; postcode?: string | null }): Result<PollingStationInput> {
  const n = checkPollingStationNumber(input.number);
  if (!n.ok) return n;
  const name = normalisePollingStationName(input.name);
  if (!name.ok) return name;
  const pc = normalisePostcode(input.postcode);
  if (!pc.ok) return pc;
  return ok({ number: n.value, name: name.value, postcode: pc.value });
}

// ---------------------------------------------------------------------------------------------
// CSV: `nummer;naam;postcode` with a header row, UTF-8 with or without BOM, all-or-nothing
// ---------------------------------------------------------------------------------------------

export interface CsvLineError {
  /** 1-based line number in the file (the header is line 1). */
  readonly line: number;
  readonly message: string;
}

export interface CsvFailure {
  readonly ok: false;
  readonly code: 'polling_station.csv';
  /** Dutch summary for the user. */
  readonly message: string;
  readonly detail?: string;
  /** Every problem found, by line (at most MAX_CSV_ERRORS). */
  readonly lines: readonly CsvLineError[];
}

export const MAX_CSV_ERRORS = 100;
export const MAX_CSV_STATIONS = 5_000;

function csvFail(message: string, lines: CsvLineError[], detail?: string): CsvFailure {
  return { ok: false, code: 'polling_station.csv', message, lines, ...(detail !== undefined ? { detail } : {}) };
}

/** Split one line on ';' with optional double quotes ("a;b", "He said ""hi"""). null: bad quoting. */
export function splitCsvLine(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return null; // unterminated quote
        const ch = line[i]!;
        if (ch === '"') {
          if (line[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += ch;
        i++;
      }
      if (i < line.length && line[i] !== ';') return null; // text after the closing quote
    } else {
      const next = line.indexOf(';', i);
      const end = next === -1 ? line.length : next;
      field = line.slice(i, end);
      if (field.includes('"')) return null;
      i = end;
    }
    out.push(field);
    if (i >= line.length) return out;
    i++; // skip ';'
  }
}

/**
 * Parse the whole CSV. Every line is checked and every problem reported with its line number; the
 * result is all stations or a failure (nothing partial). Empty lines are skipped.
 */
export function parsePollingStationsCsv(bytes: Uint8Array): Result<PollingStationInput[]> | CsvFailure {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return csvFail('Het bestand is geen geldige UTF-8-tekst. Sla het op als CSV (UTF-8).', [], 'invalid UTF-8');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\n|\r/);
  const headerIndex = lines.findIndex((l) => l.trim() !== '');
  if (headerIndex === -1) return csvFail('Het bestand is leeg.', []);
  const header = splitCsvLine(lines[headerIndex]!)?.map((h) => h.trim().toLowerCase());
  const headerOk = header !== undefined && header !== null && header[0] === 'nummer' && header[1] === 'naam' &&
    (header.length === 2 || (header.length === 3 && header[2] === 'postcode'));
  if (!headerOk) {
    return csvFail(
      'De eerste regel moet de kopregel "nummer;naam;postcode" zijn (gescheiden door puntkomma’s).',
      [{ line: headerIndex + 1, message: `Kopregel "${lines[headerIndex]!.slice(0, 100)}" is niet "nummer;naam;postcode".` }],
    );
  }
  const columns = header.length;
  const rows: StationRowInput[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fields = splitCsvLine(raw);
    if (fields === null) rows.push({ line, problem: 'Aanhalingstekens kloppen niet.' });
    else if (fields.length !== columns) {
      rows.push({ line, problem: `Verwacht ${columns} velden gescheiden door puntkomma’s, gevonden ${fields.length}.` });
    } else rows.push({ line, numberText: fields[0]!, nameText: fields[1]!, postcodeText: columns === 3 ? fields[2]! : null });
  }
  const { stations, errors } = validateStationRows(rows);
  if (errors.length > 0) return csvFail(stationErrorsMessage(errors), errors);
  if (stations.length === 0) return csvFail('Het bestand bevat geen stembureaus (alleen een kopregel).', []);
  if (stations.length > MAX_CSV_STATIONS) {
    return csvFail(`Het bestand bevat te veel stembureaus (ten hoogste ${MAX_CSV_STATIONS.toLocaleString('nl-NL')}).`, []);
  }
  return ok(stations);
}

/** One polling station as read from a file (a CSV line, an EML 110b PollingPlace), or what was wrong with it. */
export type StationRowInput =
  | { readonly line: number; readonly numberText: string; readonly nameText: string; readonly postcodeText: string | null }
  | { readonly line: number; readonly problem: string };

/**
 * Validate polling stations read from any file: every row is checked and every problem reported
 * with its line number (number, duplicate number, name, postcode). The stations come out sorted by
 * number; they are complete only when `errors` is empty.
 */
export function validateStationRows(rows: readonly StationRowInput[]): { stations: PollingStationInput[]; errors: CsvLineError[] } {
  const errors: CsvLineError[] = [];
  const stations: PollingStationInput[] = [];
  const firstLineOf = new Map<number, number>();
  for (const row of rows) {
    const add = (message: string) => {
      if (errors.length < MAX_CSV_ERRORS) errors.push({ line: row.line, message });
    };
    if ('problem' in row) {
      add(row.problem);
      continue;
    }
    const n = parsePollingStationNumber(row.numberText);
    const name = normalisePollingStationName(row.nameText);
    const pc = normalisePostcode(row.postcodeText);
    let bad = false;
    if (!n.ok) {
      add(n.message);
      bad = true;
    } else {
      const first = firstLineOf.get(n.value);
      if (first !== undefined) {
        add(`Stembureau ${n.value} komt al voor op regel ${first}.`);
        bad = true;
      } else firstLineOf.set(n.value, row.line);
    }
    for (const r of [name, pc]) {
      if (!r.ok) {
        add(n.ok ? `Stembureau ${n.value}: ${r.message}` : r.message);
        bad = true;
      }
    }
    if (!bad && n.ok && name.ok && pc.ok) stations.push({ number: n.value, name: name.value, postcode: pc.value });
  }
  return { stations: stations.sort((a, b) => a.number - b.number), errors };
}

/** The Dutch summary of a refused stations file: the number of problems and the first five. */
export function stationErrorsMessage(errors: readonly CsvLineError[]): string {
  const shown = errors.slice(0, 5).map((e) => `regel ${e.line}: ${e.message}`).join(' ');
  const count = errors.length === 1 ? 'er is 1 fout' : `er zijn ${errors.length}${errors.length >= MAX_CSV_ERRORS ? '+' : ''} fouten`;
  return `Het bestand is niet geïmporteerd: ${count}. ${shown}`;
}
