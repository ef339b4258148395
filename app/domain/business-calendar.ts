import { addDays, isCalendarDate, utcMidnight, zoneOffset, type CalendarDate } from "./dates";

/**
 * When a debtor may be contacted (L10): French business days and per-channel hours, always read on
 * the debtor's own wall clock. Instants are converted with Intl only, so DST follows the IANA data
 * shipped with the runtime.
 */

export type ContactChannel = "email" | "sms" | "call" | "letter";

const MINUTES_PER_DAY = 24 * 60;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
// Weekends plus adjacent holidays close at most a handful of days in a row; this only guards
// against an impossible window looping forever.
const MAX_SEARCH_DAYS = 31;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

function calendarDate(year: number, month: number, day: number): CalendarDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(year: number): CalendarDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return calendarDate(year, month, day);
}

/**
 * Whose holidays apply: Moselle, Bas-Rhin and Haut-Rhin keep two more days off under their local
 * law (Good Friday and 26 December, C. trav. L3134-13). Overseas departments' days are not included.
 */
export type HolidayRegion = "metropolitan" | "alsace_moselle";

/** From the debtor's postal address: a French postal code starting 57, 67 or 68 is Alsace-Moselle. */
export function holidayRegionOf(postalCode: string | null | undefined, country: string | null | undefined = "FR"): HolidayRegion {
  if ((country ?? "FR").toUpperCase() !== "FR" || !postalCode) return "metropolitan";
  return /^(57|67|68)\d{3}$/.test(postalCode.replace(/\s/g, "")) ? "alsace_moselle" : "metropolitan";
}

const holidayCache = new Map<string, readonly CalendarDate[]>();

/**
 * The 11 public holidays of metropolitan France, sorted (13 in Alsace-Moselle). When two coincide
 * (Ascension on 1 May in 2008) the date appears once.
 */
export function frenchPublicHolidays(year: number, region: HolidayRegion = "metropolitan"): CalendarDate[] {
  return [...holidaysOf(year, region)];
}

function holidaysOf(year: number, region: HolidayRegion): readonly CalendarDate[] {
  // The Gregorian computus, and four-digit CalendarDate strings.
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`Year out of range for French public holidays: ${year}`);
  }
  let holidays = holidayCache.get(`${year}:${region}`);
  if (!holidays) {
    const easter = easterSunday(year);
    const dates = [
      calendarDate(year, 1, 1),
      addDays(easter, 1), // Easter Monday
      calendarDate(year, 5, 1),
      calendarDate(year, 5, 8),
      addDays(easter, 39), // Ascension Thursday
      addDays(easter, 50), // Whit Monday
      calendarDate(year, 7, 14),
      calendarDate(year, 8, 15),
      calendarDate(year, 11, 1),
      calendarDate(year, 11, 11),
      calendarDate(year, 12, 25),
    ];
    if (region === "alsace_moselle") dates.push(addDays(easter, -2), calendarDate(year, 12, 26)); // Good Friday, St Stephen's Day
    holidays = [...new Set(dates)].sort();
    holidayCache.set(`${year}:${region}`, holidays);
  }
  return holidays;
}

export function isFrenchPublicHoliday(date: CalendarDate, region: HolidayRegion = "metropolitan"): boolean {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  const year = Number(date.slice(0, 4));
  return holidaysOf(year, region).includes(date);
}

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export function dayOfWeek(date: CalendarDate): number {
  // Day 0, 1970-01-01, was a Thursday (4); dates before it count back.
  const days = Math.round(utcMidnight(date) / DAY_MS);
  return ((((days + 3) % 7) + 7) % 7) + 1;
}

/** Monday to Friday, French public holidays excluded. */
export function isBusinessDay(date: CalendarDate, region: HolidayRegion = "metropolitan"): boolean {
  return dayOfWeek(date) <= 5 && !isFrenchPublicHoliday(date, region);
}

/** Business days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function businessDaysBetween(from: CalendarDate, to: CalendarDate): number {
  let count = 0;
  for (let day = addDays(from, 1); day <= to; day = addDays(day, 1)) if (isBusinessDay(day)) count += 1;
  return count;
}

export type ContactWindow = { weekdays: readonly number[]; startMinute: number; endMinute: number };
/** One window per channel: a creditor's own, or the defaults below. */
export type ContactWindows = Readonly<Record<ContactChannel, ContactWindow>>;

const MON_FRI = Object.freeze([1, 2, 3, 4, 5]);

/**
 * Hours in the debtor's time zone, [startMinute, endMinute). No statute fixes them (L10): these are
 * the conservative policy. Business days only, Monday to Friday, for every channel (a creditor may
 * add Saturday in its settings); public holidays are closed for every channel.
 */
export const contactWindows: ContactWindows = Object.freeze({
  email: Object.freeze({ weekdays: MON_FRI, startMinute: 8 * 60, endMinute: 20 * 60 }),
  sms: Object.freeze({ weekdays: MON_FRI, startMinute: 9 * 60, endMinute: 19 * 60 }),
  call: Object.freeze({ weekdays: MON_FRI, startMinute: 9 * 60, endMinute: 19 * 60 }),
  // Posting a registered letter needs staff at work and a post office open.
  letter: Object.freeze({ weekdays: MON_FRI, startMinute: 9 * 60, endMinute: 17 * 60 }),
});

function windowFor(channel: ContactChannel, windows: ContactWindows): ContactWindow {
  const window = (windows as Partial<Record<string, ContactWindow>>)[channel];
  if (!window) throw new RangeError(`Unknown contact channel: ${channel}`);
  return window;
}

type WallClock = { year: number; month: number; day: number; hour: number; minute: number; second: number };

function wallClock(epochMs: number, timeZone: string): WallClock {
  const shifted = new Date(epochMs + zoneOffset(epochMs, timeZone));
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
  };
}

function assertInstant(instant: Date): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new RangeError(`Not a valid instant: ${String(instant)}`);
  }
}

/**
 * The UTC instant of a wall-clock time in an IANA zone. A time skipped by the spring switch is
 * shifted forward by the gap (02:30 → 03:30 in Paris); a time repeated in autumn resolves to its
 * first, summer-time, occurrence.
 */
export function zonedInstant(date: CalendarDate, minuteOfDay: number, timeZone: string): Date {
  const midnight = utcMidnight(date);
  if (!Number.isInteger(minuteOfDay) || minuteOfDay < 0 || minuteOfDay >= MINUTES_PER_DAY) {
    throw new RangeError(`Minute of day must be an integer in [0, 1440): ${minuteOfDay}`);
  }
  const wall = midnight + minuteOfDay * MINUTE_MS;
  // Offsets two days either side bracket any single DST transition near this wall time.
  const before = zoneOffset(wall - 2 * DAY_MS, timeZone);
  const after = zoneOffset(wall + 2 * DAY_MS, timeZone);
  const matches = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((candidate) => zoneOffset(candidate, timeZone) === wall - candidate)
    .sort((a, b) => a - b);
  // No match: the wall time fell in a gap; reading it with the old offset moves it forward.
  return new Date(matches[0] ?? wall - before);
}

function localClock(instant: Date, timeZone: string): { date: CalendarDate; minute: number } {
  const c = wallClock(instant.getTime(), timeZone);
  return { date: calendarDate(c.year, c.month, c.day), minute: c.hour * 60 + c.minute };
}

function isContactDay(date: CalendarDate, window: ContactWindow, region: HolidayRegion): boolean {
  return window.weekdays.includes(dayOfWeek(date)) && !isFrenchPublicHoliday(date, region);
}

export function isWithinContactWindow(
  instant: Date,
  channel: ContactChannel,
  timeZone: string,
  windows: ContactWindows = contactWindows,
  region: HolidayRegion = "metropolitan",
): boolean {
  assertInstant(instant);
  const window = windowFor(channel, windows);
  const { date, minute } = localClock(instant, timeZone);
  return isContactDay(date, window, region) && minute >= window.startMinute && minute < window.endMinute;
}

/**
 * `from` if the channel is open then for the debtor, otherwise the next opening: later the same day
 * or on the next day the channel allows, on the debtor's wall clock. `windows` are the creditor's
 * own when it set some (validated against L10 by `validateContactWindows`); `region`, the debtor's
 * holidays.
 */
export function nextContactWindow(
  from: Date,
  channel: ContactChannel,
  timeZone: string,
  windows: ContactWindows = contactWindows,
  region: HolidayRegion = "metropolitan",
): Date {
  if (isWithinContactWindow(from, channel, timeZone, windows, region)) return new Date(from.getTime());
  const window = windowFor(channel, windows);
  let day = localClock(from, timeZone).date;
  for (let i = 0; i <= MAX_SEARCH_DAYS; i++, day = addDays(day, 1)) {
    if (!isContactDay(day, window, region)) continue;
    const opening = zonedInstant(day, window.startMinute, timeZone);
    // The check guards against zones whose opening hour falls in a DST gap past the window.
    if (opening.getTime() > from.getTime() && isWithinContactWindow(opening, channel, timeZone, windows, region)) return opening;
  }
  throw new Error(`No ${channel} contact window within ${MAX_SEARCH_DAYS} days of ${from.toISOString()}`);
}
