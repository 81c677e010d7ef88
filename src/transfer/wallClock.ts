/**
 * Wall-clock times, independent of the machine's time zone: the Europe/Amsterdam time of an
 * instant (for stated creation times), and the Date that yazl needs to write those parts as a
 * zip entry's DOS timestamp (transfer zips, ODT packages).
 */

import type { CreatedAtParts } from '../domain/dates.ts';

/** The wall-clock time of an instant in the Netherlands (month 1-12, hour 0-23). */
export type WallClock = CreatedAtParts;

const AMSTERDAM = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The Europe/Amsterdam wall-clock time of an instant, whatever the machine's time zone. */
export function amsterdamWallClock(instant: Date): WallClock {
  const parts = Object.fromEntries(
    AMSTERDAM.formatToParts(instant)
      .filter((p) => p.type !== 'literal')
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<keyof WallClock, number>;
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** A Date whose *local* getters return fixed wall-clock parts, so yazl's DOS time is zone independent. */
class FixedLocalDate extends Date {
  constructor(private readonly t: WallClock) {
    super(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
  }
  override getFullYear(): number {
    return this.t.year;
  }
  override getMonth(): number {
    return this.t.month - 1;
  }
  override getDate(): number {
    return this.t.day;
  }
  override getHours(): number {
    return this.t.hour;
  }
  override getMinutes(): number {
    return this.t.minute;
  }
  override getSeconds(): number {
    return this.t.second;
  }
}

/** The `mtime` to give yazl so that the entry's timestamp shows exactly these wall-clock parts. */
export function zipTimestamp(t: WallClock): Date {
  return new FixedLocalDate(t);
}
