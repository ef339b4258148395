import { type CalendarDate } from "./dates";

/**
 * The ECB main refinancing operations rate, by the date each change took effect, in basis points
 * (1 % = 100). L441-10 uses it for the default late-payment rate (rate + 10 points).
 *
 * This table is updated by hand after each half-year's opening rate is known, with
 * ECB_RATES_CONFIRMED_THROUGH moved on; a test fails once it is overdue.
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

/**
 * The latest half-year whose opening rate is confirmed: the rate in force on this 1 January or
 * 1 July was checked against the ECB's decisions (held at 2,15 % on 18 December 2025, with no
 * further meeting before 1 January 2026). Penalties for a later half-year say "taux non encore
 * publié" instead of reusing the last rate, until this moves on (or a rate is added with
 * `npm run rates:add`).
 */
export const ECB_RATES_CONFIRMED_THROUGH: CalendarDate = "2026-01-01";
