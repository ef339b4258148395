import { describe, expect, it } from "vitest";
import { formatMoney, totalsByCurrency } from "~/domain/money";
import { agingBucket, computeDso, daysOverdue, summarizeAging } from "~/domain/aging";

describe("money", () => {
  // French separates thousands with a narrow no-break space and the symbol with a no-break space.
  it("formats integer cents in the reader's locale", () => {
    expect(formatMoney({ cents: 123456, currency: "EUR" }, "fr-FR")).toBe("1\u202f234,56\u00a0€");
    expect(formatMoney({ cents: 123456, currency: "EUR" }, "en-GB")).toBe("€1,234.56");
    expect(formatMoney({ cents: 5, currency: "EUR" }, "fr-FR")).toBe("0,05\u00a0€");
  });

  it("refuses amounts that are not whole cents", () => {
    expect(() => formatMoney({ cents: 10.5, currency: "EUR" }, "fr-FR")).toThrow(RangeError);
  });

  it("never adds different currencies together", () => {
    expect(
      totalsByCurrency([
        { cents: 100, currency: "EUR" },
        { cents: 250, currency: "GBP" },
        { cents: 50, currency: "EUR" },
      ]),
    ).toEqual([
      { cents: 150, currency: "EUR" },
      { cents: 250, currency: "GBP" },
    ]);
  });
});

describe("aging", () => {
  it.each([
    ["2026-11-25", "not_due", 0],
    ["2026-11-20", "not_due", 0],
    ["2026-11-19", "1_30", 1],
    ["2026-10-21", "1_30", 30],
    ["2026-10-20", "31_60", 31],
    ["2026-09-21", "31_60", 60],
    ["2026-09-20", "61_90", 61],
    ["2026-08-22", "61_90", 90],
    ["2026-08-21", "over_90", 91],
  ])("due %s, seen on 2026-11-20: %s, %i days overdue", (due, bucket, days) => {
    expect(agingBucket(due, "2026-11-20")).toBe(bucket);
    expect(daysOverdue(due, "2026-11-20")).toBe(days);
  });

  it("sums outstanding and overdue balances per bucket", () => {
    const summary = summarizeAging(
      [
        { dueDate: "2026-11-30", balanceCents: 1000 },
        { dueDate: "2026-11-10", balanceCents: 2000 },
        { dueDate: "2026-11-01", balanceCents: 500 },
        { dueDate: "2026-06-01", balanceCents: 700 },
      ],
      "2026-11-20",
    );
    expect(summary.outstandingCents).toBe(4200);
    expect(summary.overdueCents).toBe(3200);
    expect(summary.buckets["1_30"]).toEqual({ count: 2, cents: 2500 });
    expect(summary.buckets.over_90).toEqual({ count: 1, cents: 700 });
    expect(summary.buckets["31_60"]).toEqual({ count: 0, cents: 0 });
  });
});

describe("days sales outstanding", () => {
  it.each([
    ["a quarter's sales all unpaid", 90_000, 90_000, 90],
    ["a third of the quarter's sales unpaid", 30_000, 90_000, 30],
    ["nothing owed", 0, 90_000, 0],
    ["rounded to the day", 10_000, 70_000, 13],
  ])("%s", (_, outstanding, invoiced, dso) => {
    expect(computeDso(outstanding, invoiced)).toBe(dso);
  });

  it("is undefined without sales in the window, rather than infinite", () => {
    expect(computeDso(50_000, 0)).toBeNull();
  });
});
