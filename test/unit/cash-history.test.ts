import { describe, expect, it } from "vitest";
import { dsoHistory, monthEnds, weekStarts } from "~/domain/cash-history";
import { computeDso } from "~/domain/aging";

describe("the dashboard's history periods", () => {
  it("weeks start on Mondays, the last one being this week's", () => {
    const weeks = weekStarts("2026-12-03", 3); // a Thursday
    expect(weeks).toEqual(["2026-11-16", "2026-11-23", "2026-11-30"]);
    expect(weekStarts("2026-11-30", 1)).toEqual(["2026-11-30"]);
    expect(weekStarts("2026-12-06", 1)).toEqual(["2026-11-30"]); // a Sunday
    expect(weekStarts("2026-12-03")).toHaveLength(52);
  });

  it("months end on their last day, across the year and leap Februaries; the last is today", () => {
    expect(monthEnds("2026-03-15", 4)).toEqual(["2025-12-31", "2026-01-31", "2026-02-28", "2026-03-15"]);
    expect(monthEnds("2024-03-01", 2)).toEqual(["2024-02-29", "2024-03-01"]);
    expect(monthEnds("2026-12-03")).toHaveLength(12);
  });
});

describe("DSO history", () => {
  it("counts what was owed at each month end: owed today plus what was paid on those invoices since", () => {
    const ends = ["2026-10-31", "2026-11-30"];
    // 1,000 € issued 15 October, 600 € of it paid in November; 500 € issued 10 November, unpaid.
    const facts = {
      invoices: [
        { issueDate: "2026-10-15", amountCents: 1000_00, balanceCents: 400_00 },
        { issueDate: "2026-11-10", amountCents: 500_00, balanceCents: 500_00 },
      ],
      paidAfter: [{ issueDate: "2026-10-15", afterMonth: 0, cents: 600_00 }],
    };
    const [october, november] = dsoHistory(ends, facts);
    expect(october).toEqual({ monthEnd: "2026-10-31", dso: computeDso(1000_00, 1000_00) });
    expect(november).toEqual({ monthEnd: "2026-11-30", dso: computeDso(900_00, 1500_00) });
  });

  it("has no DSO for a month end with nothing invoiced in the 90 days before", () => {
    const [only] = dsoHistory(["2026-11-30"], { invoices: [{ issueDate: "2026-01-10", amountCents: 100_00, balanceCents: 100_00 }], paidAfter: [] });
    expect(only!.dso).toBeNull();
  });
});
