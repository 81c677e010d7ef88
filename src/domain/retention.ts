/**
 * The retention period of an election's files: up to and including three calendar months after
 * the election date (a day the target month lacks becomes its last day: 30 November + 3 months =
 * 28 or 29 February). The HSB's certificate is valid until the end of that same day, and
 * "vernietigen" is allowed without a second confirmation from the day after.
 */

/** '2021-03-17' → '2021-06-17'; null when `electionDate` is not a valid yyyy-mm-dd date. */
export function retentionEnd(electionDate: string): string | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(electionDate);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  const lastDay = new Date(Date.UTC(y, mo - 1 + 4, 0)).getUTCDate();
  return new Date(Date.UTC(y, mo - 1 + 3, Math.min(d, lastDay))).toISOString().slice(0, 10);
}
