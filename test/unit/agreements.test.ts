import { describe, expect, it } from "vitest";
import {
  addMonths,
  allocatePromise,
  buildPlanSchedule,
  decideAutoAccept,
  parseAmountCents,
  validateCustomSchedule,
  validatePromise,
  type AgreementPolicy,
} from "~/domain/agreements";

const policy: AgreementPolicy = { maxPromiseDays: 30, promiseGraceDays: 3, maxPlanMonths: 6, minInstallmentCents: 5000, autoAcceptPlanMonths: 3 };
const today = "2026-11-20";

describe("adding months", () => {
  it.each([
    ["2026-11-20", 1, "2026-12-20"],
    ["2026-11-20", 2, "2027-01-20"],
    ["2027-01-31", 1, "2027-02-28"],
    ["2028-01-31", 1, "2028-02-29"],
    ["2026-08-31", 3, "2026-11-30"],
    ["2026-03-15", -3, "2025-12-15"],
  ])("%s + %i months = %s", (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });
});

describe("amounts typed by a person", () => {
  it.each([
    ["", null],
    ["120", 12000],
    ["120,5", 12050],
    ["1 234,56", 123456],
    ["1\u202f234,56 €", 123456],
    ["1234.56", 123456],
    ["0", 0],
    ["-5", "invalid"],
    ["12,345", "invalid"],
    ["douze", "invalid"],
    ["1e3", "invalid"],
  ] as const)("%j → %j", (input, expected) => {
    expect(parseAmountCents(input)).toBe(expected);
  });
});

describe("a promised payment date", () => {
  const base = { amountCents: null, balanceCents: 100_000, invoiceCount: 2, today, policy };
  it.each([
    ["tomorrow", { date: "2026-11-21" }, null],
    ["the last day allowed, a Sunday", { date: "2026-12-20" }, null],
    ["a part of the balance", { date: "2026-12-01", amountCents: 40_000 }, null],
    ["the whole balance", { date: "2026-12-01", amountCents: 100_000 }, null],
    ["today", { date: "2026-11-20" }, { field: "date", key: "date.notAfterToday", params: { date: today } }],
    ["a past date", { date: "2026-11-02" }, { field: "date", key: "date.notAfterToday", params: { date: today } }],
    ["one day beyond the limit", { date: "2026-12-21" }, { field: "date", key: "date.beyondLimit", params: { date: "2026-12-20", days: 30 } }],
    ["no date", { date: "" }, { field: "date", key: "date.missing" }],
    ["an impossible date", { date: "2026-02-30" }, { field: "date", key: "date.missing" }],
    ["zero", { date: "2026-12-01", amountCents: 0 }, { field: "amount", key: "amount.notPositive" }],
    ["more than owed", { date: "2026-12-01", amountCents: 100_001 }, { field: "amount", key: "amount.aboveBalance", params: { cents: 100_000 } }],
    ["words for an amount", { date: "2026-12-01", amountCents: "invalid" as const }, { field: "amount", key: "amount.invalid" }],
    ["no invoice chosen", { date: "2026-12-01", invoiceCount: 0 }, { field: "invoices", key: "invoices.none" }],
  ])("%s", (_, input, rejection) => {
    const result = validatePromise({ ...base, ...input });
    if (rejection === null) expect(result.ok).toBe(true);
    else expect(result).toEqual({ ok: false, rejections: [rejection] });
  });

  it("reports every wrong field at once", () => {
    const result = validatePromise({ ...base, date: "2027-06-01", amountCents: 0 });
    expect(result.ok === false && result.rejections.map((r) => r.field)).toEqual(["date", "amount"]);
  });

  it.each([
    [null, [{ invoiceId: 1, amountCents: 30_000 }, { invoiceId: 2, amountCents: 70_000 }]],
    [50_000, [{ invoiceId: 1, amountCents: 30_000 }, { invoiceId: 2, amountCents: 20_000 }]],
    [20_000, [{ invoiceId: 1, amountCents: 20_000 }]],
  ])("spreads %j over the oldest invoices first", (amount, expected) => {
    expect(allocatePromise([{ id: 1, balanceCents: 30_000 }, { id: 2, balanceCents: 70_000 }], amount)).toEqual(expected);
  });
});

describe("a plan from a number of installments", () => {
  it("splits the balance into whole cents, the odd cents on the first installment", () => {
    const result = buildPlanSchedule({ balanceCents: 100_000, count: 3, start: "2026-12-05", today, policy });
    expect(result).toEqual({
      ok: true,
      value: [
        { position: 1, dueDate: "2026-12-05", amountCents: 33_334 },
        { position: 2, dueDate: "2027-01-05", amountCents: 33_333 },
        { position: 3, dueDate: "2027-02-05", amountCents: 33_333 },
      ],
    });
  });

  it.each([
    [2, 100_001],
    [3, 100_000],
    [6, 31_999],
    [6, 1_234_567],
  ])("%i installments always sum to exactly %i cents", (count, balanceCents) => {
    const result = buildPlanSchedule({ balanceCents, count, start: "2026-11-21", today, policy });
    expect(result.ok && result.value.reduce((s, i) => s + i.amountCents, 0)).toBe(balanceCents);
  });

  it.each([
    ["one installment", { count: 1 }, { field: "count", key: "count.invalid", params: { count: 24 } }],
    ["a start today", { start: today }, { field: "start", key: "start.notAfterToday", params: { date: today } }],
    ["a start beyond the promise limit", { start: "2026-12-21" }, { field: "start", key: "start.beyondLimit", params: { date: "2026-12-20", days: 30 } }],
    ["no start", { start: "" }, { field: "start", key: "start.missing", params: { row: 1 } }],
    ["longer than 6 months", { count: 7, start: "2026-12-01" }, { field: "count", key: "plan.beyondLimit", params: { date: "2027-05-20", months: 6, count: 6 } }],
    ["installments under the 50 € minimum", { balanceCents: 20_000, count: 5 }, { field: "count", key: "count.tooMany", params: { cents: 5000, count: 4 } }],
  ])("refuses %s", (_, input, rejection) => {
    const result = buildPlanSchedule({ balanceCents: 100_000, count: 3, start: "2026-12-01", today, policy, ...input });
    expect(result).toEqual({ ok: false, rejections: [rejection] });
  });
});

describe("a custom schedule", () => {
  const rows = (...pairs: [string, number | null | "invalid"][]) => pairs.map(([date, amountCents]) => ({ date, amountCents }));
  const check = (r: ReturnType<typeof rows>, balanceCents = 100_000) => validateCustomSchedule({ rows: r, balanceCents, today, policy });

  it("accepts increasing dates, a small last installment, and ignores empty rows", () => {
    const result = check(rows(["2026-12-01", 60_000], ["", null], ["2027-01-15", 38_000], ["2027-02-01", 2_000]));
    expect(result).toEqual({
      ok: true,
      value: [
        { position: 1, dueDate: "2026-12-01", amountCents: 60_000 },
        { position: 2, dueDate: "2027-01-15", amountCents: 38_000 },
        { position: 3, dueDate: "2027-02-01", amountCents: 2_000 },
      ],
    });
  });

  it.each([
    ["a single row", rows(["2026-12-01", 100_000]), { field: "rows", key: "rows.tooFew", params: { count: 2 } }],
    ["dates going back", rows(["2026-12-15", 50_000], ["2026-12-10", 50_000]), { field: "row-2-date", key: "row.dateNotIncreasing", params: { row: 2, date: "2026-12-15" } }],
    ["the same date twice", rows(["2026-12-01", 50_000], ["2026-12-01", 50_000]), { field: "row-2-date", key: "row.dateNotIncreasing", params: { row: 2, date: "2026-12-01" } }],
    ["a first date in the past", rows(["2026-11-01", 50_000], ["2026-12-15", 50_000]), { field: "row-1-date", key: "start.notAfterToday", params: { date: today } }],
    ["a last date beyond 6 months", rows(["2026-12-01", 50_000], ["2027-05-21", 50_000]), { field: "row-2-date", key: "plan.beyondLimit", params: { date: "2027-05-20", months: 6, row: 2 } }],
    ["a middle installment under the minimum", rows(["2026-12-01", 4_999], ["2027-01-01", 95_001]), { field: "row-1-amount", key: "installment.belowMinimum", params: { row: 1, cents: 5000 } }],
    ["an amount without a date", rows(["2026-12-01", 50_000], ["", 50_000]), { field: "row-2-date", key: "row.dateMissing", params: { row: 2 } }],
    ["a date without an amount", rows(["2026-12-01", 50_000], ["2027-01-01", null]), { field: "row-2-amount", key: "row.amountInvalid", params: { row: 2 } }],
    ["a total one cent short", rows(["2026-12-01", 50_000], ["2027-01-01", 49_999]), { field: "rows", key: "rows.sumMismatch", params: { cents: 100_000, count: 99_999 } }],
  ])("refuses %s", (_, r, rejection) => {
    expect(check(r)).toEqual({ ok: false, rejections: [rejection] });
  });
});

describe("accepting a plan at once", () => {
  const schedule = (last: string) => [
    { position: 1, dueDate: "2026-12-01", amountCents: 50_000 },
    { position: 2, dueDate: last, amountCents: 50_000 },
  ];
  it.each([
    ["within 3 months, standard debtor, word kept", { schedule: schedule("2027-02-20") }, { accept: true }],
    ["a good payer", { schedule: schedule("2027-02-20"), segment: "good_payer" as const }, { accept: true }],
    ["one day beyond 3 months", { schedule: schedule("2027-02-21") }, { accept: false, reason: "too_long" }],
    ["a high-risk debtor", { schedule: schedule("2027-01-01"), segment: "high_risk" as const }, { accept: false, reason: "high_risk" }],
    ["a promise broken this year", { schedule: schedule("2027-01-01"), recentBreaches: 1 }, { accept: false, reason: "recent_breach" }],
  ])("%s", (_, input, expected) => {
    expect(decideAutoAccept({ today, policy, segment: "standard", recentBreaches: 0, ...input })).toEqual(expected);
  });
});
