import { describe, expect, it } from "vitest";
import { MESSAGE_MAX_CHARS, validateClaim, validateDispute } from "~/domain/objections";

describe("a dispute", () => {
  const open = [11, 12, 13];
  const valid = { invoiceIds: [12], reason: "not_received", message: "  Les pièces ne sont jamais arrivées.  " };

  it("names open invoices of this debtor, a known reason and a message, trimmed", () => {
    expect(validateDispute(valid, open)).toEqual({ ok: true, value: { invoiceIds: [12], reason: "not_received", message: "Les pièces ne sont jamais arrivées." } });
  });

  it("counts an invoice ticked twice once", () => {
    expect(validateDispute({ ...valid, invoiceIds: [12, 13, 12] }, open)).toMatchObject({ ok: true, value: { invoiceIds: [12, 13] } });
  });

  it("says which field is wrong, all at once", () => {
    expect(validateDispute({ invoiceIds: [], reason: "because", message: "non" }, open)).toEqual({ ok: false, problems: { invoices: "required", reason: "required", message: "too_short" } });
  });

  it("refuses an invoice that is not one of the debtor's open ones rather than dropping it", () => {
    expect(validateDispute({ ...valid, invoiceIds: [12, 99] }, open)).toEqual({ ok: false, problems: { invoices: "not_yours" } });
  });

  it("keeps the message between 10 and 2,000 characters, spaces around it not counted", () => {
    expect(validateDispute({ ...valid, message: `   ${"x".repeat(9)}   ` }, open)).toMatchObject({ problems: { message: "too_short" } });
    expect(validateDispute({ ...valid, message: "x".repeat(10) }, open).ok).toBe(true);
    expect(validateDispute({ ...valid, message: "x".repeat(MESSAGE_MAX_CHARS) }, open).ok).toBe(true);
    expect(validateDispute({ ...valid, message: "x".repeat(MESSAGE_MAX_CHARS + 1) }, open)).toMatchObject({ problems: { message: "too_long" } });
  });

  it.each(["amount", "not_received", "quality", "already_paid", "missing_po", "other"])("accepts the reason %s", (reason) => {
    expect(validateDispute({ ...valid, reason }, open).ok).toBe(true);
  });
});

describe("an 'already paid' claim", () => {
  const context = { today: "2026-11-20", openInvoices: [{ id: 7, balanceCents: 150_050 }] };
  const valid = { invoiceId: 7, paidOn: "2026-11-18", amount: "1 500,50", method: "transfer", reference: " VIR 1118 " };

  it("is read into cents, a date, a method and a trimmed reference", () => {
    expect(validateClaim(valid, context)).toEqual({ ok: true, value: { invoiceId: 7, paidOn: "2026-11-18", amountCents: 150_050, method: "transfer", reference: "VIR 1118" } });
  });

  it("may be paid today, not tomorrow, and not more than two years ago", () => {
    expect(validateClaim({ ...valid, paidOn: "2026-11-20" }, context).ok).toBe(true);
    expect(validateClaim({ ...valid, paidOn: "2026-11-21" }, context)).toEqual({ ok: false, problems: { paidOn: "future" } });
    expect(validateClaim({ ...valid, paidOn: "2024-11-20" }, context).ok).toBe(true);
    expect(validateClaim({ ...valid, paidOn: "2024-11-19" }, context)).toEqual({ ok: false, problems: { paidOn: "too_old" } });
    expect(validateClaim({ ...valid, paidOn: "2026-02-30" }, context)).toEqual({ ok: false, problems: { paidOn: "invalid" } });
  });

  it("is a positive amount in whole cents, not above what is still due", () => {
    expect(validateClaim({ ...valid, amount: "1500.50" }, context).ok).toBe(true);
    expect(validateClaim({ ...valid, amount: "1500,505" }, context)).toMatchObject({ problems: { amount: "invalid" } });
    expect(validateClaim({ ...valid, amount: "0" }, context)).toMatchObject({ problems: { amount: "invalid" } });
    expect(validateClaim({ ...valid, amount: "-10" }, context)).toMatchObject({ problems: { amount: "invalid" } });
    expect(validateClaim({ ...valid, amount: "1500,51" }, context)).toEqual({ ok: false, problems: { amount: "above_balance" } });
    expect(validateClaim({ ...valid, amount: "200" }, context)).toMatchObject({ ok: true, value: { amountCents: 20_000 } });
  });

  it("names a known method, an optional reference of 100 characters at most, and one of the debtor's open invoices", () => {
    expect(validateClaim({ ...valid, method: "bitcoin" }, context)).toEqual({ ok: false, problems: { method: "required" } });
    expect(validateClaim({ ...valid, reference: "" }, context)).toMatchObject({ ok: true, value: { reference: null } });
    expect(validateClaim({ ...valid, reference: "r".repeat(101) }, context)).toEqual({ ok: false, problems: { reference: "too_long" } });
    expect(validateClaim({ ...valid, invoiceId: 8 }, context)).toEqual({ ok: false, problems: { invoice: "required" } });
  });
});
