import { describe, expect, it } from "vitest";
import { addMonths, decideRetention, DEFAULT_RETENTION_MONTHS, type RetentionFacts } from "~/domain/retention";

const at = (iso: string) => new Date(iso);
const paid = (iso: string) => ({ status: "paid" as const, paidAt: at(iso), createdAt: at("2019-01-01T00:00:00Z") });
const facts = (overrides: Partial<RetentionFacts> = {}): RetentionFacts => ({
  anonymisedAt: null,
  invoices: [paid("2021-06-01T10:00:00Z")],
  openDisputes: 0,
  lastActivityAt: null,
  ...overrides,
});
const NOW = at("2026-12-02T09:00:00Z");

describe("when a debtor is due for anonymisation", () => {
  it("is due once every invoice has been settled for longer than the period (5 years by default)", () => {
    expect(decideRetention(facts(), DEFAULT_RETENTION_MONTHS, NOW)).toEqual({ due: true, closedAt: at("2021-06-01T10:00:00Z") });
  });

  it("counts from the last invoice settled or the last event on the file, whichever is later", () => {
    const twoInvoices = facts({ invoices: [paid("2020-01-10T00:00:00Z"), paid("2022-03-01T00:00:00Z")] });
    expect(decideRetention(twoInvoices, 60, NOW)).toMatchObject({ due: false, reason: "within_period", until: at("2027-03-01T00:00:00Z") });
    const lateRefund = facts({ lastActivityAt: at("2023-01-05T00:00:00Z") });
    expect(decideRetention(lateRefund, 60, NOW)).toMatchObject({ due: false, reason: "within_period" });
  });

  it("is never due while an invoice is open or in litigation, or a dispute is open", () => {
    const open = { status: "open" as const, paidAt: null, createdAt: at("2015-01-01T00:00:00Z") };
    expect(decideRetention(facts({ invoices: [paid("2015-01-01T00:00:00Z"), open] }), 60, NOW)).toMatchObject({ due: false, reason: "invoice_open" });
    expect(decideRetention(facts({ invoices: [{ ...open, status: "litigation" }] }), 60, NOW)).toMatchObject({ due: false, reason: "invoice_open" });
    expect(decideRetention(facts({ openDisputes: 1 }), 60, NOW)).toMatchObject({ due: false, reason: "dispute_open" });
  });

  it("treats a written-off invoice as settled on the date it was last touched", () => {
    const writtenOff = { status: "cancelled" as const, paidAt: null, createdAt: at("2020-02-01T00:00:00Z") };
    expect(decideRetention(facts({ invoices: [writtenOff], lastActivityAt: at("2020-05-01T00:00:00Z") }), 60, NOW)).toEqual({ due: true, closedAt: at("2020-05-01T00:00:00Z") });
  });

  it("skips a debtor already anonymised and one without invoices", () => {
    expect(decideRetention(facts({ anonymisedAt: at("2026-01-01T00:00:00Z") }), 60, NOW)).toMatchObject({ due: false, reason: "already_anonymised" });
    expect(decideRetention(facts({ invoices: [] }), 60, NOW)).toMatchObject({ due: false, reason: "no_invoice" });
  });

  it("is due exactly at the end of the period, not a millisecond before", () => {
    const end = at("2026-06-01T10:00:00Z");
    expect(decideRetention(facts(), 60, new Date(end.getTime() - 1)).due).toBe(false);
    expect(decideRetention(facts(), 60, end).due).toBe(true);
  });

  it("adds calendar months, rolling a missing day to the month's last", () => {
    expect(addMonths(at("2021-08-31T12:00:00Z"), 6)).toEqual(at("2022-02-28T12:00:00Z"));
    expect(addMonths(at("2020-02-29T00:00:00Z"), 12)).toEqual(at("2021-02-28T00:00:00Z"));
  });
});
