import { type CalendarDate } from "./dates";

/**
 * The ECB main refinancing operations rate, by the date each change took effect, in basis points
 * (1 % = 100). L441-10 uses it for the default late-payment rate (rate + 10 points).
 *
 * This table must be updated by hand whenever the ECB changes the rate (and ECB_RATES_CHECKED_ON
 * moved on): penalties for a half-year starting after a change not listed here would be wrong.
 */
export type EcbRate = { effectiveFrom: CalendarDate; rateBp: number };

/** Oldest first. */
export const ECB_MAIN_REFINANCING_RATES: readonly EcbRate[] = Object.freeze(
  (
    [
      ["2016-03-16", 0],
      ["2022-07-27", 50],
      ["2022-09-14", 125],
      ["2022-11-02", 200],
      ["2022-12-21", 250],
      ["2023-02-08", 300],
      ["2023-03-22", 350],
      ["2023-05-10", 375],
      ["2023-06-21", 400],
      ["2023-08-02", 425],
      ["2023-09-20", 450],
      ["2024-06-12", 425],
      ["2024-09-18", 365],
      ["2024-10-23", 340],
      ["2024-12-18", 315],
      ["2025-02-05", 290],
      ["2025-03-12", 265],
      ["2025-04-23", 240],
      ["2025-06-11", 215],
    ] as const
  ).map(([effectiveFrom, rateBp]) => Object.freeze({ effectiveFrom, rateBp })),
);

/** When the table above was last compared with the ECB's published rates. */
export const ECB_RATES_CHECKED_ON: CalendarDate = "2025-06-11";
