import { describe, expect, it } from "vitest";
import { isCalendarDate } from "~/domain/dates";
import { ECB_MAIN_REFINANCING_RATES, ECB_RATES_CONFIRMED_THROUGH, type EcbRate } from "~/domain/ecb-rates";
import { LEGAL_INTEREST_RATES, halfYearStart } from "~/domain/legal-interest-rates";
import {
  computeLatePenalties,
  ecbRateInForce,
  RECOVERY_INDEMNITY_CENTS,
  type PenaltyTerms,
} from "~/domain/penalties";

const business: PenaltyTerms = {
  debtorKind: "business",
  rateMode: "ecb_plus_10",
  contractRateBp: null,
  indemnityEnabled: true,
};
const contract = (contractRateBp: number | null): PenaltyTerms => ({ ...business, rateMode: "contract", contractRateBp });

describe("the ECB rate table", () => {
  it("is sorted oldest first, in whole basis points, with valid dates", () => {
    const dates = ECB_MAIN_REFINANCING_RATES.map((r) => r.effectiveFrom);
    expect(dates).toEqual([...dates].sort());
    expect(new Set(dates).size).toBe(dates.length);
    for (const { effectiveFrom, rateBp } of ECB_MAIN_REFINANCING_RATES) {
      expect(isCalendarDate(effectiveFrom)).toBe(true);
      expect(Number.isSafeInteger(rateBp)).toBe(true);
    }
    expect(ECB_RATES_CONFIRMED_THROUGH).toBe("2026-01-01");
    expect(ECB_MAIN_REFINANCING_RATES.at(-1)).toEqual({ effectiveFrom: "2025-06-11", rateBp: 215 });
  });

  it.each([
    ["2016-03-16", 0],
    ["2022-07-26", 0],
    ["2022-07-27", 50],
    ["2023-01-01", 250],
    ["2023-07-01", 400],
    ["2024-01-01", 450],
    ["2024-06-11", 450],
    ["2024-06-12", 425],
    ["2024-07-01", 425],
    ["2025-01-01", 315],
    ["2025-06-10", 240],
    ["2025-06-11", 215],
    ["2025-07-01", 215],
    ["2026-01-01", 215],
  ])("on %s the rate in force is %i bp", (date, rateBp) => {
    expect(ecbRateInForce(date)).toBe(rateBp);
  });

  it("reads a table passed in, whatever its order", () => {
    const rates: EcbRate[] = [
      { effectiveFrom: "2030-02-01", rateBp: 300 },
      { effectiveFrom: "2030-01-01", rateBp: 100 },
    ];
    expect(ecbRateInForce("2030-01-31", rates)).toBe(100);
    expect(ecbRateInForce("2030-02-01", rates)).toBe(300);
  });

  it.each([
    ["before the first known rate", "2016-03-15"],
    ["for an invalid date", "2025-02-30"],
  ])("throws %s", (_label, date) => {
    expect(() => ecbRateInForce(date)).toThrow(RangeError);
  });
});

describe("late penalties, ECB + 10 points", () => {
  it("splits at 1 January: 10 000,00 € due 2025-11-30, as of 2026-01-31", () => {
    // ECB 2.15 % on 1 July 2025 and on 1 January 2026, so 12.15 % in both half-years.
    // 1 000 000 × 1215 × 31 / 3 650 000 = 10 319.178… → 10 319 cents, twice.
    const result = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2025-11-30", asOf: "2026-01-31", terms: business });
    expect(result).toEqual({
      daysLate: 62,
      interestCents: 20_638,
      indemnityCents: 4000,
      totalCents: 24_638,
      periods: [
        { from: "2025-12-01", to: "2025-12-31", rateBp: 1215, days: 31, interestCents: 10_319 },
        { from: "2026-01-01", to: "2026-01-31", rateBp: 1215, days: 31, interestCents: 10_319 },
      ],
      unpublishedFrom: null,
    });
  });

  it("splits at 1 July with a different rate, ignoring a change inside the half-year", () => {
    // H1 2025: 3.15 % on 1 January (the cut to 2.15 % on 11 June waits for 1 July) → 13.15 %.
    // 250 000 × 1315 × 20 / 3 650 000 = 1 801.369… → 1 801.
    // H2 2025: 2.15 % on 1 July → 12.15 %. 250 000 × 1215 × 30 / 3 650 000 = 2 496.575… → 2 497.
    const result = computeLatePenalties({ principalCents: 250_000, dueDate: "2025-06-10", asOf: "2025-07-30", terms: business });
    expect(result.periods).toEqual([
      { from: "2025-06-11", to: "2025-06-30", rateBp: 1315, days: 20, interestCents: 1801 },
      { from: "2025-07-01", to: "2025-07-30", rateBp: 1215, days: 30, interestCents: 2497 },
    ]);
    expect(result).toMatchObject({ daysLate: 50, interestCents: 4298, indemnityCents: 4000, totalCents: 8298 });
  });

  it("crosses 1 July 2024 from 14.50 % to 14.25 %", () => {
    // 123 456 × 1450 × 30 / 3 650 000 = 1 471.324… → 1 471; 123 456 × 1425 × 31 / 3 650 000 = 1 494.155… → 1 494.
    const result = computeLatePenalties({ principalCents: 123_456, dueDate: "2024-05-31", asOf: "2024-07-31", terms: business });
    expect(result.periods).toEqual([
      { from: "2024-06-01", to: "2024-06-30", rateBp: 1450, days: 30, interestCents: 1471 },
      { from: "2024-07-01", to: "2024-07-31", rateBp: 1425, days: 31, interestCents: 1494 },
    ]);
    expect(result.interestCents).toBe(2965);
  });

  it("runs over several half-years, one rate each", () => {
    // H2 2022: 0 % on 1 July → 10 %, 184 days: 500 000 × 1000 × 184 / 3 650 000 = 25 205.479… → 25 205.
    // H1 2023: 2.50 % → 12.50 %, 181 days: 30 993.150… → 30 993. H2 2023: 4 % → 14 %, 184 days: 35 287.671… → 35 288.
    const result = computeLatePenalties({ principalCents: 500_000, dueDate: "2022-06-30", asOf: "2023-12-31", terms: business });
    expect(result.periods.map((p) => [p.from, p.to, p.rateBp, p.days, p.interestCents])).toEqual([
      ["2022-07-01", "2022-12-31", 1000, 184, 25_205],
      ["2023-01-01", "2023-06-30", 1250, 181, 30_993],
      ["2023-07-01", "2023-12-31", 1400, 184, 35_288],
    ]);
    expect(result.daysLate).toBe(549);
    expect(result.interestCents).toBe(91_486);
  });

  it("counts the first day late alone: due on 30 June, as of 1 July", () => {
    // 1 000 000 × 1215 × 1 / 3 650 000 = 332.876… → 333.
    const result = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2025-06-30", asOf: "2025-07-01", terms: business });
    expect(result.periods).toEqual([{ from: "2025-07-01", to: "2025-07-01", rateBp: 1215, days: 1, interestCents: 333 }]);
    expect(result.totalCents).toBe(4333);
  });

  it("uses the table passed in", () => {
    const rates: EcbRate[] = [{ effectiveFrom: "2020-01-01", rateBp: 500 }];
    // 1 000 000 × 1500 × 10 / 3 650 000 = 4 109.589… → 4 110.
    const result = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2025-03-01", asOf: "2025-03-11", terms: business, ecbRates: rates });
    expect(result.periods).toEqual([{ from: "2025-03-02", to: "2025-03-11", rateBp: 1500, days: 10, interestCents: 4110 }]);
  });

  it("throws when the table has no rate for a half-year", () => {
    expect(() =>
      computeLatePenalties({ principalCents: 100, dueDate: "2016-02-01", asOf: "2016-04-01", terms: business }),
    ).toThrow(/No ECB rate known in force on 2016-01-01/);
  });
});

describe("late penalties, contract rate", () => {
  it.each([
    // [principal, rateBp, dueDate, asOf, days, interest]
    // 1 000 000 × 800 × 45 / 3 650 000 = 9 863.013… → 9 863, across 1 January: one period.
    [1_000_000, 800, "2025-12-15", "2026-01-29", 45, 9863],
    // Actual/365 even in a leap year: 366 days at 10 % is 100 273.97… → 100 274, not 100 000.
    [1_000_000, 1000, "2023-12-31", "2024-12-31", 366, 100_274],
    // Exactly half a cent rounds up: 125 × 1000 × 73 / 3 650 000 = 2.5 → 3.
    [125, 1000, "2025-01-01", "2025-03-15", 73, 3],
    // 2.4 rounds down: 120 × 1000 × 73 / 3 650 000 = 2.4 → 2.
    [120, 1000, "2025-01-01", "2025-03-15", 73, 2],
    [1_000_000, 0, "2025-01-01", "2025-03-15", 73, 0],
    [0, 1500, "2025-01-01", "2025-03-15", 73, 0],
  ])("%i cents at %i bp, due %s, as of %s: %i days, %i cents", (principalCents, rateBp, dueDate, asOf, days, interest) => {
    const result = computeLatePenalties({ principalCents, dueDate, asOf, terms: contract(rateBp) });
    expect(result.periods).toHaveLength(1);
    expect(result.periods[0]).toMatchObject({ rateBp, days, interestCents: interest });
    expect(result).toMatchObject({ daysLate: days, interestCents: interest, indemnityCents: 4000, totalCents: interest + 4000 });
  });

  it("stays exact for amounts whose product exceeds 2^53", () => {
    // 9 000 000 000 000 × 1500 × 3650 would lose precision as a float; simple interest over 10 years is 150 %.
    const result = computeLatePenalties({ principalCents: 9_000_000_000_000, dueDate: "2020-01-01", asOf: "2029-12-29", terms: contract(1500) });
    expect(result.periods[0]?.days).toBe(3650);
    expect(result.interestCents).toBe(13_500_000_000_000);
  });
});

describe("who owes what", () => {
  it("a consumer owes neither L441-10 interest nor the indemnity (L8)", () => {
    for (const rateMode of ["ecb_plus_10", "contract"] as const) {
      const result = computeLatePenalties({
        principalCents: 1_000_000,
        dueDate: "2025-11-30",
        asOf: "2026-01-31",
        terms: { debtorKind: "consumer", rateMode, contractRateBp: null, indemnityEnabled: true },
      });
      expect(result).toEqual({ daysLate: 62, interestCents: 0, indemnityCents: 0, totalCents: 0, periods: [], unpublishedFrom: null });
    }
  });

  it("no indemnity when the creditor disabled it, interest unchanged", () => {
    const result = computeLatePenalties({
      principalCents: 1_000_000,
      dueDate: "2025-11-30",
      asOf: "2026-01-31",
      terms: { ...business, indemnityEnabled: false },
    });
    expect(result).toMatchObject({ interestCents: 20_638, indemnityCents: 0, totalCents: 20_638 });
    expect(result.periods).toHaveLength(2);
  });

  it("the indemnity is a flat 40 € from the first day, whatever the balance (L2)", () => {
    expect(RECOVERY_INDEMNITY_CENTS).toBe(4000);
    for (const principalCents of [1, 100, 50_000_000]) {
      const result = computeLatePenalties({ principalCents, dueDate: "2025-03-10", asOf: "2025-03-11", terms: business });
      expect(result.indemnityCents).toBe(4000);
    }
  });

  it.each([
    ["on the due date", "2025-03-10"],
    ["before the due date", "2025-02-01"],
  ])("nothing is owed %s", (_label, asOf) => {
    const result = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2025-03-10", asOf, terms: business });
    expect(result).toEqual({ daysLate: 0, interestCents: 0, indemnityCents: 0, totalCents: 0, periods: [], unpublishedFrom: null });
  });
});

describe("invalid input", () => {
  const valid = { principalCents: 1000, dueDate: "2025-03-10", asOf: "2025-04-10", terms: business };

  it.each([
    ["a negative principal", { principalCents: -1 }, /Principal/],
    ["fractional cents", { principalCents: 10.5 }, /Principal/],
    ["NaN cents", { principalCents: Number.NaN }, /Principal/],
    ["an unsafe integer", { principalCents: 2 ** 53 }, /Principal/],
    ["an impossible due date", { dueDate: "2025-02-30" }, /Due date/],
    ["a malformed as-of date", { asOf: "10/04/2025" }, /As-of date/],
    ["a contract rate missing", { terms: contract(null) }, /Contract penalty rate/],
    ["a negative contract rate", { terms: contract(-100) }, /Contract penalty rate/],
    ["a fractional contract rate", { terms: contract(12.5) }, /Contract penalty rate/],
  ])("rejects %s", (_label, override, message) => {
    expect(() => computeLatePenalties({ ...valid, ...override })).toThrow(RangeError);
    expect(() => computeLatePenalties({ ...valid, ...override })).toThrow(message);
  });

  it("validates even when nothing would be owed", () => {
    expect(() => computeLatePenalties({ ...valid, asOf: "2025-03-01", principalCents: -5 })).toThrow(RangeError);
  });
});

describe("rates not published yet", () => {
  const business: PenaltyTerms = { debtorKind: "business", rateMode: "ecb_plus_10", contractRateBp: null, indemnityEnabled: true };

  it("computes no interest for a half-year after the last confirmed one, and says from when", () => {
    const result = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2026-05-31", asOf: "2026-07-10", terms: business, ecbConfirmedThrough: "2026-01-01" });
    expect(result.periods).toEqual([
      // 1 to 30 June at 2,15 % + 10 = 12,15 %: 10 000 € × 12,15 % × 30 / 365 = 99,86 €.
      { from: "2026-06-01", to: "2026-06-30", rateBp: 1215, days: 30, interestCents: 9_986 },
      { from: "2026-07-01", to: "2026-07-10", rateBp: null, days: 10, interestCents: 0 },
    ]);
    expect(result.interestCents).toBe(9_986);
    expect(result.unpublishedFrom).toBe("2026-07-01");
  });

  it("reuses nothing when the following half-year is confirmed", () => {
    const result = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2026-05-31", asOf: "2026-07-10", terms: business, ecbConfirmedThrough: "2026-07-01" });
    expect(result.unpublishedFrom).toBeNull();
  });

  it("a contract rate never depends on the ECB table", () => {
    const result = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2026-05-31", asOf: "2027-07-10", terms: { ...business, rateMode: "contract", contractRateBp: 1200 } });
    expect(result.unpublishedFrom).toBeNull();
  });
});

// Against the real clock on purpose: this fails once a half-year has begun whose rate the tables
// do not hold (the ECB rate in force on 1 January is known by then), so someone checks the
// published rates and updates app/domain/ecb-rates.ts and legal-interest-rates.ts.
//
// A half-year whose rates could not be checked (no network where the table was last updated) may be
// acknowledged below, with the day the acknowledgment lapses: penalties for it already say "taux non
// encore publié", and the test fails again on that day if nobody has added the rates.
const ACKNOWLEDGED_GAPS: readonly { halfYear: string; until: string; why: string }[] = [
  { halfYear: "2026-07-01", until: "2027-01-01", why: "ECB rate on 1 July 2026 and the legal rate of 2026 H2 not verified yet" },
];

describe("the rate tables are up to date", () => {
  const today = new Date().toISOString().slice(0, 10);
  const currentHalfYear = halfYearStart(today);
  const acknowledged = ACKNOWLEDGED_GAPS.some((gap) => gap.halfYear === currentHalfYear && today < gap.until);

  it("the ECB table is confirmed through the current half-year", () => {
    const upToDate = ECB_RATES_CONFIRMED_THROUGH >= currentHalfYear || acknowledged;
    expect(upToDate, `ECB rate in force on ${currentHalfYear} not confirmed: check ecb.europa.eu and update ecb-rates.ts`).toBe(true);
  });

  it("the legal interest rate of the current half-year is recorded", () => {
    const upToDate = LEGAL_INTEREST_RATES.at(-1)!.halfYearStart >= currentHalfYear || acknowledged;
    expect(upToDate, `legal interest rate for ${currentHalfYear} not recorded: check the arrêté on Légifrance`).toBe(true);
  });

  it("an acknowledged gap lapses within a half-year", () => {
    for (const gap of ACKNOWLEDGED_GAPS) expect(Date.parse(gap.until) - Date.parse(gap.halfYear)).toBeLessThanOrEqual(184 * 86_400_000);
  });
});

