/** Calendar dates as the documents and messages write them. */

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/** '2021-03-17' → '17 maart 2021'; null when not a valid date. */
export function dutchDate(iso: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return null;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return `${day} ${MONTHS[month - 1]} ${m[1]}`;
}

/** A moment in parts (month 1-12, hour 0-23): a PV's creation time (the template sets the PDF's own date from it, no clock enters the PDF), a wall-clock time. */
export interface CreatedAtParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** 'yyyy-mm-ddThh:mm:ss[.mmm]' (local time, as the server states it) in parts; null when it is no such time. */
export function parseCreatedAt(s: string): CreatedAtParts | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,3})?$/.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  return { year, month, day, hour, minute, second };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A moment as the PVs print it: 'dd-mm-yyyy hh:mm'. */
export function dutchDateTime(c: CreatedAtParts): string {
  return `${pad2(c.day)}-${pad2(c.month)}-${c.year} ${pad2(c.hour)}:${pad2(c.minute)}`;
}
