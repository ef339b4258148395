import { describe, expect, it } from "vitest";
import { planPreReminders, type DebtorToConsider, type OpenInvoice } from "~/domain/pre-reminders";

const today = "2026-11-20";
const invoice = (id: number, dueDate: string, extra: Partial<OpenInvoice> = {}): OpenInvoice => ({
  id,
  dueDate,
  balanceCents: 10_000,
  preReminded: false,
  ...extra,
});
const debtor = (invoices: OpenInvoice[], extra: Partial<DebtorToConsider> = {}): DebtorToConsider => ({
  debtorId: 7,
  today,
  hasEmail: true,
  invoices,
  ...extra,
});

describe("planning pre-reminders", () => {
  it.each([
    ["due in exactly 5 days", "2026-11-25", true],
    ["due in 1 day (catch-up after downtime)", "2026-11-21", true],
    ["due in 6 days: too early", "2026-11-26", false],
    ["due today: too late, the overdue cadence takes over", "2026-11-20", false],
    ["already overdue", "2026-11-10", false],
  ])("an invoice %s → planned: %s", (_label, dueDate, planned) => {
    expect(planPreReminders([debtor([invoice(1, dueDate)])]).length).toBe(planned ? 1 : 0);
  });

  it("skips invoices already pre-reminded or with nothing left to pay", () => {
    const plans = planPreReminders([
      debtor([invoice(1, "2026-11-25", { preReminded: true }), invoice(2, "2026-11-24", { balanceCents: 0 })]),
    ]);
    expect(plans).toEqual([]);
  });

  it("sends one consolidated message per debtor, listing every invoice", () => {
    const plans = planPreReminders([debtor([invoice(3, "2026-11-25"), invoice(1, "2026-11-23"), invoice(9, "2026-12-30")])]);
    expect(plans).toEqual([{ key: "pre_reminder:debtor-7:2026-11-20:email", debtorId: 7, invoiceIds: [1, 3] }]);
  });

  it("plans nothing for a debtor without a usable email address", () => {
    expect(planPreReminders([debtor([invoice(1, "2026-11-25")], { hasEmail: false })])).toEqual([]);
  });

  it("gives the same key to a second run the same day and a new key the next day", () => {
    const first = planPreReminders([debtor([invoice(1, "2026-11-25")])]);
    const again = planPreReminders([debtor([invoice(1, "2026-11-25")])]);
    const tomorrow = planPreReminders([debtor([invoice(2, "2026-11-26")], { today: "2026-11-21" })]);
    expect(again[0]?.key).toBe(first[0]?.key);
    expect(tomorrow[0]?.key).not.toBe(first[0]?.key);
  });
});
