import { describe, expect, it } from "vitest";
import { addDays, daysBetween, formatCalendarDate, isCalendarDate, localDate } from "~/domain/dates";

describe("calendar dates", () => {
  it.each([
    ["2026-11-20", 5, "2026-11-25"],
    ["2026-11-28", 5, "2026-12-03"],
    ["2026-12-30", 3, "2027-01-02"],
    ["2028-02-27", 2, "2028-02-29"],
    ["2026-03-01", -1, "2026-02-28"],
    // Across the spring DST switch in Europe: calendar days are not 24-hour steps in Paris.
    ["2026-03-28", 2, "2026-03-30"],
  ])("%s + %i days = %s", (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it("counts whole days between dates, negative backwards", () => {
    expect(daysBetween("2026-11-20", "2026-11-25")).toBe(5);
    expect(daysBetween("2026-11-25", "2026-11-20")).toBe(-5);
    expect(daysBetween("2026-10-20", "2026-10-30")).toBe(10);
  });

  it.each(["2026-02-30", "2026-13-01", "20261120", "2026-1-5", ""])("rejects %j", (value) => {
    expect(isCalendarDate(value)).toBe(false);
    expect(() => addDays(value, 1)).toThrow(RangeError);
  });
});

describe("the date it is for the debtor", () => {
  it.each([
    // 23:30 UTC is already tomorrow in Paris (UTC+1 in winter) but still today in London.
    ["2026-11-20T23:30:00Z", "Europe/Paris", "2026-11-21"],
    ["2026-11-20T23:30:00Z", "Europe/London", "2026-11-20"],
    // Summer time: Paris is UTC+2.
    ["2026-07-14T22:30:00Z", "Europe/Paris", "2026-07-15"],
    ["2026-07-14T21:30:00Z", "Europe/Paris", "2026-07-14"],
    // The night of the autumn switch (25 October 2026, 03:00 → 02:00).
    ["2026-10-24T22:30:00Z", "Europe/Paris", "2026-10-25"],
    ["2026-10-25T22:30:00Z", "Europe/Paris", "2026-10-25"],
    ["2026-10-25T23:30:00Z", "Europe/Paris", "2026-10-26"],
  ])("%s in %s is %s", (instant, zone, expected) => {
    expect(localDate(new Date(instant), zone)).toBe(expected);
  });

  it("formats a due date in the reader's language without shifting it", () => {
    expect(formatCalendarDate("2026-11-25", "fr-FR")).toBe("25 novembre 2026");
    expect(formatCalendarDate("2026-11-25", "en-GB")).toBe("25 November 2026");
  });
});
