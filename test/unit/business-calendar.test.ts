import { describe, expect, it } from "vitest";
import { addDays, localDate } from "~/domain/dates";
import {
  contactWindows,
  dayOfWeek,
  frenchPublicHolidays,
  holidayRegionOf,
  isBusinessDay,
  isFrenchPublicHoliday,
  isWithinContactWindow,
  nextContactWindow,
  zonedInstant,
  type ContactChannel,
} from "~/domain/business-calendar";

const PARIS = "Europe/Paris";
const LONDON = "Europe/London";
const MARTINIQUE = "America/Martinique";
const NOUMEA = "Pacific/Noumea";
const CHANNELS: ContactChannel[] = ["email", "sms", "call", "letter"];

const wallTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** "HH:MM" on the wall clock of `timeZone`, read independently of the module under test. */
function wallTime(instant: Date, timeZone: string): string {
  let format = wallTimeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    wallTimeFormats.set(timeZone, format);
  }
  return format.format(instant);
}

const iso = (instant: Date) => instant.toISOString();

describe("French public holidays", () => {
  it.each([
    // [year, Easter Monday, Ascension Thursday, Whit Monday]
    [2019, "2019-04-22", "2019-05-30", "2019-06-10"],
    [2024, "2024-04-01", "2024-05-09", "2024-05-20"],
    [2025, "2025-04-21", "2025-05-29", "2025-06-09"],
    [2026, "2026-04-06", "2026-05-14", "2026-05-25"],
    [2027, "2027-03-29", "2027-05-06", "2027-05-17"],
    // Extremes of the computus: Easter on 25 April (2038) and on 22 March (2285).
    [2038, "2038-04-26", "2038-06-03", "2038-06-14"],
    [2285, "2285-03-23", "2285-04-30", "2285-05-11"],
  ])("%i: Easter Monday %s, Ascension %s, Whit Monday %s", (year, easterMonday, ascension, whitMonday) => {
    const holidays = frenchPublicHolidays(year);
    expect(holidays).toEqual(expect.arrayContaining([easterMonday, ascension, whitMonday]));
    expect(dayOfWeek(easterMonday)).toBe(1);
    expect(dayOfWeek(ascension)).toBe(4);
    expect(dayOfWeek(whitMonday)).toBe(1);
  });

  it("lists the eleven days of 2026 in order", () => {
    expect(frenchPublicHolidays(2026)).toEqual([
      "2026-01-01",
      "2026-04-06",
      "2026-05-01",
      "2026-05-08",
      "2026-05-14",
      "2026-05-25",
      "2026-07-14",
      "2026-08-15",
      "2026-11-01",
      "2026-11-11",
      "2026-12-25",
    ]);
  });

  it("lists a day once when two holidays coincide (Ascension on 1 May 2008)", () => {
    const holidays = frenchPublicHolidays(2008);
    expect(holidays).toHaveLength(10);
    expect(holidays.filter((d) => d === "2008-05-01")).toHaveLength(1);
    expect(holidays).toEqual([...holidays].sort());
  });

  it("returns a copy callers cannot use to corrupt later answers", () => {
    frenchPublicHolidays(2026).push("2026-06-01");
    expect(isFrenchPublicHoliday("2026-06-01")).toBe(false);
  });

  it.each([
    ["2026-07-14", true],
    ["2026-07-13", false],
    ["2026-04-05", false], // Easter Sunday is a Sunday, not a listed holiday
    ["2026-04-03", false], // Good Friday: Alsace-Moselle only
    ["2026-12-26", false], // Saint Stephen: Alsace-Moselle only
    ["2027-01-01", true],
    ["2024-05-20", true],
  ])("%s is a public holiday: %s", (date, expected) => {
    expect(isFrenchPublicHoliday(date)).toBe(expected);
  });

  it.each([1582, 10_000, 2026.5, Number.NaN])("rejects year %s", (year) => {
    expect(() => frenchPublicHolidays(year)).toThrow(RangeError);
  });
});

describe("business days", () => {
  it.each([
    ["2026-03-30", 1],
    ["2026-01-13", 2],
    ["2026-05-14", 4],
    ["2026-01-16", 5],
    ["2026-01-17", 6],
    ["2026-03-29", 7],
    ["2024-02-29", 4],
  ])("%s is weekday %i", (date, weekday) => {
    expect(dayOfWeek(date)).toBe(weekday);
  });

  it.each([
    ["2026-01-13", true], // Tuesday
    ["2026-01-17", false], // Saturday
    ["2026-01-18", false], // Sunday
    ["2026-05-14", false], // Ascension Thursday
    ["2026-05-15", true], // the "pont" Friday is still a business day
    ["2026-04-06", false], // Easter Monday
    ["2026-11-11", false], // Armistice, a Wednesday
    ["2026-11-01", false], // All Saints' falls on a Sunday
  ])("%s is a business day: %s", (date, expected) => {
    expect(isBusinessDay(date)).toBe(expected);
  });

  it.each(["2026-02-29", "2026-1-5", ""])("rejects %j", (date) => {
    expect(() => isBusinessDay(date)).toThrow(RangeError);
    expect(() => dayOfWeek(date)).toThrow(RangeError);
    expect(() => isFrenchPublicHoliday(date)).toThrow(RangeError);
  });
});

describe("contact windows", () => {
  it("follows the L10 policy", () => {
    expect(contactWindows).toEqual({
      email: { weekdays: [1, 2, 3, 4, 5], startMinute: 480, endMinute: 1200 },
      sms: { weekdays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1140 },
      call: { weekdays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1140 },
      letter: { weekdays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020 },
    });
  });

  it.each<[string, ContactChannel, string, boolean]>([
    // Tuesday 13 January 2026 in Paris (UTC+1).
    ["2026-01-13T07:59:00+01:00", "email", PARIS, false],
    ["2026-01-13T08:00:00+01:00", "email", PARIS, true],
    ["2026-01-13T19:59:59+01:00", "email", PARIS, true],
    ["2026-01-13T20:00:00+01:00", "email", PARIS, false],
    ["2026-01-13T08:59:00+01:00", "sms", PARIS, false],
    ["2026-01-13T09:00:00+01:00", "sms", PARIS, true],
    ["2026-01-13T18:59:00+01:00", "sms", PARIS, true],
    ["2026-01-13T19:00:00+01:00", "sms", PARIS, false],
    ["2026-01-13T08:59:00+01:00", "call", PARIS, false],
    ["2026-01-13T09:00:00+01:00", "call", PARIS, true],
    ["2026-01-13T18:59:00+01:00", "call", PARIS, true],
    ["2026-01-13T19:00:00+01:00", "call", PARIS, false],
    ["2026-01-13T08:59:00+01:00", "letter", PARIS, false],
    ["2026-01-13T09:00:00+01:00", "letter", PARIS, true],
    ["2026-01-13T16:59:00+01:00", "letter", PARIS, true],
    ["2026-01-13T17:00:00+01:00", "letter", PARIS, false],
    // Saturday: e-mail only.
    // Saturday: business days only, e-mail included, unless the creditor adds Saturday.
    ["2026-01-17T10:00:00+01:00", "email", PARIS, false],
    ["2026-01-17T10:00:00+01:00", "sms", PARIS, false],
    ["2026-01-17T10:00:00+01:00", "call", PARIS, false],
    ["2026-01-17T10:00:00+01:00", "letter", PARIS, false],
    // Sunday: nothing.
    ["2026-01-18T10:00:00+01:00", "email", PARIS, false],
    // Public holidays close every channel, Saturday e-mail included (Saturday 15 August 2026).
    ["2026-05-14T10:00:00+02:00", "email", PARIS, false],
    ["2026-05-14T10:00:00+02:00", "sms", PARIS, false],
    ["2026-04-06T10:00:00+02:00", "call", PARIS, false],
    ["2026-08-15T10:00:00+02:00", "email", PARIS, false],
    // London is an hour behind Paris: the same instant reads differently.
    ["2026-01-13T07:30:00Z", "email", LONDON, false],
    ["2026-01-13T07:30:00Z", "email", PARIS, true],
    ["2026-01-16T18:30:00Z", "sms", LONDON, true],
    ["2026-01-16T18:30:00Z", "sms", PARIS, false],
    ["2026-07-15T07:59:00+01:00", "email", LONDON, false],
    ["2026-07-15T08:00:00+01:00", "email", LONDON, true],
    // Martinique is UTC−4 all year.
    ["2026-01-13T07:59:00-04:00", "email", MARTINIQUE, false],
    ["2026-01-13T08:00:00-04:00", "email", MARTINIQUE, true],
    ["2026-01-13T19:59:00-04:00", "email", MARTINIQUE, true],
    ["2026-01-13T20:00:00-04:00", "email", MARTINIQUE, false],
    ["2026-01-13T19:30:00-04:00", "email", PARIS, false], // 00:30 the next day in Paris
    ["2026-07-14T10:00:00-04:00", "sms", MARTINIQUE, false],
    // The holiday is the debtor's date, not UTC's: 21:00 UTC on 14 July is 08:00 on 15 July in Nouméa.
    ["2026-07-14T21:00:00Z", "email", NOUMEA, true],
    ["2026-07-13T22:00:00Z", "email", NOUMEA, false], // 09:00 on 14 July there
  ])("%s %s in %s: %s", (instant, channel, zone, expected) => {
    expect(isWithinContactWindow(new Date(instant), channel, zone)).toBe(expected);
  });

  it("re-checks a send planned at 19:58 and delayed to 20:03: outside, re-queued for the next morning", () => {
    const planned = new Date("2026-01-13T19:58:00+01:00");
    const delayed = new Date("2026-01-13T20:03:00+01:00");
    expect(isWithinContactWindow(planned, "email", PARIS)).toBe(true);
    expect(isWithinContactWindow(delayed, "email", PARIS)).toBe(false);
    expect(iso(nextContactWindow(delayed, "email", PARIS))).toBe(iso(new Date("2026-01-14T08:00:00+01:00")));
  });

  it.each([
    ["an invalid instant", () => isWithinContactWindow(new Date("nope"), "email", PARIS)],
    ["an unknown zone", () => isWithinContactWindow(new Date(), "email", "Mars/Olympus")],
    ["an unknown channel", () => isWithinContactWindow(new Date(), "fax" as ContactChannel, PARIS)],
    ["an invalid start", () => nextContactWindow(new Date(Number.NaN), "sms", PARIS)],
  ])("rejects %s", (_label, call) => {
    expect(call).toThrow(RangeError);
  });
});

describe("next contact window", () => {
  it.each<[string, string, ContactChannel, string, string]>([
    ["inside: unchanged", "2026-01-13T10:17:42+01:00", "sms", PARIS, "2026-01-13T10:17:42+01:00"],
    ["early morning: opens later that day", "2026-01-13T06:00:00+01:00", "email", PARIS, "2026-01-13T08:00:00+01:00"],
    ["Friday 19:30 SMS: Monday 09:00", "2026-01-16T19:30:00+01:00", "sms", PARIS, "2026-01-19T09:00:00+01:00"],
    ["Friday evening e-mail: Monday 08:00", "2026-01-16T20:30:00+01:00", "email", PARIS, "2026-01-19T08:00:00+01:00"],
    ["Saturday 20:00 e-mail: Monday 08:00", "2026-01-17T20:00:00+01:00", "email", PARIS, "2026-01-19T08:00:00+01:00"],
    ["Friday 17:00 letter: Monday 09:00", "2026-01-16T17:00:00+01:00", "letter", PARIS, "2026-01-19T09:00:00+01:00"],
    ["Friday before Easter Monday: Tuesday", "2026-04-03T19:30:00+02:00", "sms", PARIS, "2026-04-07T09:00:00+02:00"],
    ["Friday before Whit Monday: Tuesday", "2026-05-22T19:30:00+02:00", "call", PARIS, "2026-05-26T09:00:00+02:00"],
    ["Ascension bridge, SMS", "2026-05-13T19:30:00+02:00", "sms", PARIS, "2026-05-15T09:00:00+02:00"],
    ["Ascension bridge, e-mail", "2026-05-13T20:30:00+02:00", "email", PARIS, "2026-05-15T08:00:00+02:00"],
    ["Christmas Eve SMS: Monday 28", "2026-12-24T19:30:00+01:00", "sms", PARIS, "2026-12-28T09:00:00+01:00"],
    ["Christmas Eve e-mail: Monday 28", "2026-12-24T20:30:00+01:00", "email", PARIS, "2026-12-28T08:00:00+01:00"],
    ["New Year's Eve SMS: Monday 4 January", "2026-12-31T19:30:00+01:00", "sms", PARIS, "2027-01-04T09:00:00+01:00"],
    ["New Year's Eve letter: Monday 4 January", "2026-12-31T17:00:00+01:00", "letter", PARIS, "2027-01-04T09:00:00+01:00"],
    ["Christmas on a Saturday, e-mail: Monday 27", "2027-12-24T20:00:00+01:00", "email", PARIS, "2027-12-27T08:00:00+01:00"],
    // London debtor: London hours, French holidays.
    ["London, inside at 18:30", "2026-01-16T18:30:00Z", "sms", LONDON, "2026-01-16T18:30:00Z"],
    ["London, Friday 19:30", "2026-01-16T19:30:00Z", "sms", LONDON, "2026-01-19T09:00:00Z"],
    ["London, Friday before Easter Monday", "2026-04-03T19:30:00+01:00", "sms", LONDON, "2026-04-07T09:00:00+01:00"],
    // Martinique debtor.
    ["Martinique, Friday 19:30", "2026-01-16T19:30:00-04:00", "sms", MARTINIQUE, "2026-01-19T09:00:00-04:00"],
    ["Martinique, Friday before Easter Monday", "2026-04-03T19:30:00-04:00", "sms", MARTINIQUE, "2026-04-07T09:00:00-04:00"],
    ["Martinique, already the next day in Paris", "2026-01-13T20:30:00-04:00", "email", MARTINIQUE, "2026-01-14T08:00:00-04:00"],
    // Spring switch, Sunday 29 March 2026 (Paris 02:00 → 03:00, London 01:00 → 02:00).
    ["Paris, Friday SMS over the spring switch", "2026-03-27T19:30:00+01:00", "sms", PARIS, "2026-03-30T09:00:00+02:00"],
    ["Paris, Saturday e-mail over the spring switch", "2026-03-28T20:00:00+01:00", "email", PARIS, "2026-03-30T08:00:00+02:00"],
    ["Paris, during the switch night", "2026-03-29T01:30:00Z", "email", PARIS, "2026-03-30T08:00:00+02:00"],
    ["London, Friday SMS over the spring switch", "2026-03-27T19:30:00Z", "sms", LONDON, "2026-03-30T09:00:00+01:00"],
    // Autumn switch, Sunday 25 October 2026 (Paris 03:00 → 02:00).
    ["Paris, Friday SMS over the autumn switch", "2026-10-23T19:30:00+02:00", "sms", PARIS, "2026-10-26T09:00:00+01:00"],
    ["Paris, Saturday e-mail over the autumn switch", "2026-10-24T20:30:00+02:00", "email", PARIS, "2026-10-26T08:00:00+01:00"],
    ["Paris, first 02:30 of the repeated hour", "2026-10-25T00:30:00Z", "email", PARIS, "2026-10-26T08:00:00+01:00"],
    ["Paris, second 02:30 of the repeated hour", "2026-10-25T01:30:00Z", "email", PARIS, "2026-10-26T08:00:00+01:00"],
  ])("%s", (_label, from, channel, zone, expected) => {
    expect(iso(nextContactWindow(new Date(from), channel, zone))).toBe(iso(new Date(expected)));
  });

  it("reads Monday morning after each switch on the new offset", () => {
    expect(isWithinContactWindow(new Date("2026-03-30T05:59:00Z"), "email", PARIS)).toBe(false);
    expect(isWithinContactWindow(new Date("2026-03-30T06:00:00Z"), "email", PARIS)).toBe(true);
    // Saturday 24 October, for a creditor that added Saturday e-mails.
    const withSaturday = { ...contactWindows, email: { ...contactWindows.email, weekdays: [1, 2, 3, 4, 5, 6] } };
    expect(isWithinContactWindow(new Date("2026-10-24T17:59:00Z"), "email", PARIS, withSaturday)).toBe(true);
    expect(isWithinContactWindow(new Date("2026-10-24T18:00:00Z"), "email", PARIS, withSaturday)).toBe(false);
    expect(isWithinContactWindow(new Date("2026-10-24T17:59:00Z"), "email", PARIS)).toBe(false);
    expect(isWithinContactWindow(new Date("2026-10-26T06:59:00Z"), "email", PARIS)).toBe(false);
    expect(isWithinContactWindow(new Date("2026-10-26T07:00:00Z"), "email", PARIS)).toBe(true);
  });

  it("returns a new Date equal to `from` when already inside", () => {
    const from = new Date("2026-01-13T10:00:00+01:00");
    const next = nextContactWindow(from, "email", PARIS);
    expect(next.getTime()).toBe(from.getTime());
    expect(next).not.toBe(from);
  });

  describe.each([
    [PARIS, 7],
    [LONDON, 13],
    [MARTINIQUE, 13],
  ])("over all of 2026 in %s (every %i hours)", (zone, stepHours) => {
    it.each(CHANNELS)("%s: the earliest allowed instant, at most four days away", (channel) => {
      const HOUR = 3_600_000;
      const start = Date.parse("2026-01-01T00:17:00Z");
      const end = Date.parse("2027-01-02T00:00:00Z");
      const opening = `${String(contactWindows[channel].startMinute / 60).padStart(2, "0")}:00`;
      const problems: string[] = [];
      for (let t = start; t < end; t += stepHours * HOUR) {
        const from = new Date(t);
        const next = nextContactWindow(from, channel, zone);
        const report = (problem: string) => problems.push(`${iso(from)} → ${iso(next)}: ${problem}`);
        if (next.getTime() < t) report("earlier than the start");
        if (next.getTime() - t >= 4 * 24 * HOUR) report("four days or more away");
        if (!isWithinContactWindow(next, channel, zone)) report("outside the window");
        if (next.getTime() === t) continue;
        // Moved: it is an opening, and no whole hour in between was open (offsets here are whole hours).
        if (wallTime(next, zone) !== opening) report(`not the ${opening} opening`);
        for (let h = Math.ceil(t / HOUR) * HOUR; h < next.getTime(); h += HOUR) {
          if (isWithinContactWindow(new Date(h), channel, zone)) report(`skipped an open hour ${iso(new Date(h))}`);
        }
      }
      expect(problems).toEqual([]);
    });
  });
});

describe("wall-clock time to instant", () => {
  it.each<[string, number, string, string]>([
    ["2026-01-13", 9 * 60, PARIS, "2026-01-13T08:00:00.000Z"],
    ["2026-07-14", 9 * 60, PARIS, "2026-07-14T07:00:00.000Z"],
    ["2026-01-13", 9 * 60, LONDON, "2026-01-13T09:00:00.000Z"],
    ["2026-07-14", 9 * 60, LONDON, "2026-07-14T08:00:00.000Z"],
    ["2026-07-14", 9 * 60, MARTINIQUE, "2026-07-14T13:00:00.000Z"],
    ["2026-01-13", 0, PARIS, "2026-01-12T23:00:00.000Z"],
    ["2026-01-13", 1439, PARIS, "2026-01-13T22:59:00.000Z"],
    ["2026-01-13", 20 * 60 + 30, MARTINIQUE, "2026-01-14T00:30:00.000Z"],
    // Paris, 29 March 2026: 02:00–02:59 does not exist; shifted forward by the hour.
    ["2026-03-29", 1 * 60 + 59, PARIS, "2026-03-29T00:59:00.000Z"],
    ["2026-03-29", 2 * 60, PARIS, "2026-03-29T01:00:00.000Z"],
    ["2026-03-29", 2 * 60 + 30, PARIS, "2026-03-29T01:30:00.000Z"],
    ["2026-03-29", 2 * 60 + 59, PARIS, "2026-03-29T01:59:00.000Z"],
    ["2026-03-29", 3 * 60, PARIS, "2026-03-29T01:00:00.000Z"],
    ["2026-03-29", 9 * 60, PARIS, "2026-03-29T07:00:00.000Z"],
    ["2026-03-28", 9 * 60, PARIS, "2026-03-28T08:00:00.000Z"],
    // Paris, 25 October 2026: 02:00–02:59 happens twice; the first (summer time) is taken.
    ["2026-10-25", 1 * 60 + 59, PARIS, "2026-10-24T23:59:00.000Z"],
    ["2026-10-25", 2 * 60, PARIS, "2026-10-25T00:00:00.000Z"],
    ["2026-10-25", 2 * 60 + 30, PARIS, "2026-10-25T00:30:00.000Z"],
    ["2026-10-25", 2 * 60 + 59, PARIS, "2026-10-25T00:59:00.000Z"],
    ["2026-10-25", 3 * 60, PARIS, "2026-10-25T02:00:00.000Z"],
    ["2026-10-25", 9 * 60, PARIS, "2026-10-25T08:00:00.000Z"],
    ["2026-10-24", 9 * 60, PARIS, "2026-10-24T07:00:00.000Z"],
    // London switches at 01:00 on the same Sundays.
    ["2026-03-29", 1 * 60 + 30, LONDON, "2026-03-29T01:30:00.000Z"],
    ["2026-10-25", 1 * 60 + 30, LONDON, "2026-10-25T00:30:00.000Z"],
    // New York, for a zone with other switch dates (8 March and 1 November 2026).
    ["2026-03-08", 2 * 60 + 30, "America/New_York", "2026-03-08T07:30:00.000Z"],
    ["2026-11-01", 1 * 60 + 30, "America/New_York", "2026-11-01T05:30:00.000Z"],
  ])("%s minute %i in %s is %s", (date, minute, zone, expected) => {
    expect(iso(zonedInstant(date, minute, zone))).toBe(expected);
  });

  it("takes the first 02:30 of the repeated hour: an hour later it is 02:30 again", () => {
    const first = zonedInstant("2026-10-25", 150, PARIS);
    expect(wallTime(first, PARIS)).toBe("02:30");
    expect(wallTime(new Date(first.getTime() + 3_600_000), PARIS)).toBe("02:30");
    expect(wallTime(new Date(first.getTime() - 3_600_000), PARIS)).toBe("01:30");
  });

  it.each([
    [PARIS, "2026-03-29", 120, 180],
    [PARIS, "2026-10-25", -1, -1],
    [LONDON, "2026-03-29", 60, 120],
    [LONDON, "2026-10-25", -1, -1],
    [MARTINIQUE, "2026-03-29", -1, -1],
  ])("round-trips every quarter hour in %s on %s, except the gap [%i, %i)", (zone, date, gapStart, gapEnd) => {
    for (const day of [addDays(date, -1), date, addDays(date, 1)]) {
      for (let minute = 0; minute < 1440; minute += 15) {
        const instant = zonedInstant(day, minute, zone);
        const inGap = day === date && minute >= gapStart && minute < gapEnd;
        const expected = inGap ? minute + 60 : minute;
        const hhmm = `${String(Math.floor(expected / 60)).padStart(2, "0")}:${String(expected % 60).padStart(2, "0")}`;
        expect([localDate(instant, zone), wallTime(instant, zone)]).toEqual([day, hhmm]);
      }
    }
  });

  it.each([
    ["a negative minute", () => zonedInstant("2026-01-13", -1, PARIS)],
    ["minute 1440", () => zonedInstant("2026-01-13", 1440, PARIS)],
    ["a fractional minute", () => zonedInstant("2026-01-13", 90.5, PARIS)],
    ["NaN", () => zonedInstant("2026-01-13", Number.NaN, PARIS)],
    ["an invalid date", () => zonedInstant("2026-02-29", 540, PARIS)],
    ["an unknown zone", () => zonedInstant("2026-01-13", 540, "Mars/Olympus")],
  ])("rejects %s", (_label, call) => {
    expect(call).toThrow(RangeError);
  });
});

describe("Alsace-Moselle", () => {
  it.each([
    ["57000", "FR", "alsace_moselle"],
    ["67 000", "FR", "alsace_moselle"],
    ["68100", "FR", "alsace_moselle"],
    ["75002", "FR", "metropolitan"],
    ["57000", "DE", "metropolitan"],
    [null, "FR", "metropolitan"],
  ] as const)("postal code %s in %s: %s", (postalCode, country, region) => {
    expect(holidayRegionOf(postalCode, country)).toBe(region);
  });

  it("adds Good Friday and 26 December for debtors in Moselle, Bas-Rhin and Haut-Rhin only", () => {
    expect(frenchPublicHolidays(2026, "alsace_moselle")).toEqual([...frenchPublicHolidays(2026), "2026-04-03", "2026-12-26"].sort());
    expect(isFrenchPublicHoliday("2026-04-03")).toBe(false);
    expect(isBusinessDay("2026-04-03", "alsace_moselle")).toBe(false);
    expect(isBusinessDay("2025-12-26", "alsace_moselle")).toBe(false);
    expect(isBusinessDay("2025-12-26")).toBe(true);
  });

  it("moves a Good Friday e-mail to the Tuesday after Easter Monday in Strasbourg, not in Paris", () => {
    const thursdayEvening = new Date("2026-04-02T20:30:00+02:00");
    expect(iso(nextContactWindow(thursdayEvening, "email", PARIS, contactWindows, "alsace_moselle"))).toBe(iso(new Date("2026-04-07T08:00:00+02:00")));
    expect(iso(nextContactWindow(thursdayEvening, "email", PARIS))).toBe(iso(new Date("2026-04-03T08:00:00+02:00")));
  });
});
