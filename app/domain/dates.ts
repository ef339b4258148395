/**
 * Calendar dates ("2026-11-20") are what invoices print and what people mean by "due on";
 * instants (Date) are what happened. Storage keeps instants in UTC and dates as ISO strings;
 * converting between them always names a time zone.
 */
export type CalendarDate = string;

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Dates already checked, both ways (date → UTC midnight, UTC midnight → date): a planning pass
 * turns the same few hundred dates back and forth millions of times.
 */
const midnights = new Map<string, number>();
const datesByMidnight = new Map<number, CalendarDate>();

function remember(date: CalendarDate, midnight: number): void {
  if (midnights.size > 100_000) {
    midnights.clear();
    datesByMidnight.clear();
  }
  midnights.set(date, midnight);
  datesByMidnight.set(midnight, date);
}

export function isCalendarDate(value: string): value is CalendarDate {
  if (midnights.has(value)) return true;
  const midnight = checkedMidnight(value);
  if (midnight !== null) remember(value, midnight);
  return midnight !== null;
}

function checkedMidnight(value: string): number | null {
  const match = CALENDAR_DATE.exec(value);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date.getTime() : null;
}

/** Epoch milliseconds at 00:00 UTC of that date. */
export function utcMidnight(date: CalendarDate): number {
  const known = midnights.get(date);
  if (known !== undefined) return known;
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  return midnights.get(date)!;
}

/** The calendar date of any instant of that UTC day. */
function utcDate(epochMs: number): CalendarDate {
  const midnight = Math.floor(epochMs / DAY_MS) * DAY_MS;
  const known = datesByMidnight.get(midnight);
  if (known !== undefined) return known;
  const date = new Date(midnight).toISOString().slice(0, 10);
  remember(date, midnight);
  return date;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return utcDate(utcMidnight(date) + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** The calendar date it is at `instant` for someone living in `timeZone`. */
export function localDate(instant: Date, timeZone: string): CalendarDate {
  const epochMs = instant.getTime();
  if (Number.isNaN(epochMs)) throw new RangeError("Not a valid instant");
  return utcDate(epochMs + zoneOffset(epochMs, timeZone));
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for an unknown zone, which is what callers should see.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Zone offsets change only on quarter-hour boundaries, so one ICU lookup serves each quarter hour. */
const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, number>();

/**
 * The zone's offset from UTC at that instant, in milliseconds (positive east of Greenwich). ICU is
 * exact but slow, and a planning pass asks thousands of times, hence the cache.
 */
export function zoneOffset(epochMs: number, timeZone: string): number {
  const bucket = Math.floor(epochMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  const key = `${timeZone}@${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const clock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (const part of offsetFormatter(timeZone).formatToParts(new Date(bucket))) {
      if (part.type in clock) clock[part.type as keyof typeof clock] = Number(part.value);
    }
    // Some ICU versions print midnight as 24 even with h23.
    if (clock.hour === 24) clock.hour = 0;
    offset = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second) - bucket;
    // A pass touches a few days of a few zones; the cap only guards a long-lived process.
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** "20 novembre 2026" / "20 November 2026": a calendar date has no time zone to convert. */
// Building an Intl formatter costs far more than formatting with it: one per locale, made once.
const calendarDateFormatters = new Map<string, Intl.DateTimeFormat>();

export function formatCalendarDate(date: CalendarDate, locale: string): string {
  let formatter = calendarDateFormatters.get(locale);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
    calendarDateFormatters.set(locale, formatter);
  }
  return formatter.format(new Date(utcMidnight(date)));
}
