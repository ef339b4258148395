import { describe, expect, it } from "vitest";
import {
  applyToInstallments,
  checkoutMismatch,
  decideAllocations,
  distributeReversal,
  formatIban,
  parseAmountToCents,
  sameAllocations,
} from "~/domain/payments";
import { parseEnv } from "~/env.server";
import { testEnv } from "../support/env";

const open = [
  { id: 1, number: "F-001", balanceCents: 120_000, currency: "EUR" },
  { id: 2, number: "F-002", balanceCents: 4_550, currency: "EUR" },
  { id: 3, number: "F-003", balanceCents: 50, currency: "EUR" },
];
const partial = { allowPartialPayments: true };

describe("amounts typed by the debtor", () => {
  it.each([
    ["150", 15_000],
    ["150,5", 15_050],
    ["150.50", 15_050],
    ["1 234,56", 123_456],
    ["1.234,56", 123_456],
    ["1,234.56", 123_456],
    ["1 200,00 €", 120_000],
    ["0,99", 99],
  ])("%s → %i cents", (text, cents) => expect(parseAmountToCents(text)).toBe(cents));

  it.each(["", "abc", "12,345", "1.234", "-5", "1e3", "12,5,0"])("refuses %j", (text) => expect(parseAmountToCents(text)).toBeNull());
});

describe("deciding what is paid", () => {
  it("takes each chosen invoice's balance from the database when no amount is typed", () => {
    expect(decideAllocations(open, [{ invoiceId: 1, amountText: null }, { invoiceId: 2, amountText: "" }], partial)).toEqual({
      ok: true,
      allocations: [
        { invoiceId: 1, amountCents: 120_000 },
        { invoiceId: 2, amountCents: 4_550 },
      ],
      totalCents: 124_550,
      currency: "EUR",
    });
  });

  it("accepts a part when the creditor allows it", () => {
    const decision = decideAllocations(open, [{ invoiceId: 1, amountText: "500" }], partial);
    expect(decision).toMatchObject({ ok: true, totalCents: 50_000 });
  });

  it("refuses an amount above the balance, below 1 €, or not a number, next to that invoice", () => {
    const decision = decideAllocations(
      open,
      [
        { invoiceId: 1, amountText: "1200,01" },
        { invoiceId: 2, amountText: "0,50" },
        { invoiceId: 3, amountText: "beaucoup" },
      ],
      partial,
    );
    expect(decision).toEqual({
      ok: false,
      fieldErrors: {
        1: { error: "above_balance", balanceCents: 120_000 },
        2: { error: "too_small", balanceCents: 4_550 },
        3: { error: "not_a_number", balanceCents: 50 },
      },
    });
  });

  it("lets a balance under 1 € be paid in full", () => {
    expect(decideAllocations(open, [{ invoiceId: 3, amountText: "0,50" }], partial)).toMatchObject({ ok: true, totalCents: 50 });
  });

  it("refuses a part when the creditor wants invoices paid in full, but accepts the full amount typed", () => {
    expect(decideAllocations(open, [{ invoiceId: 1, amountText: "500" }], { allowPartialPayments: false })).toMatchObject({
      ok: false,
      fieldErrors: { 1: { error: "partial_not_allowed" } },
    });
    expect(decideAllocations(open, [{ invoiceId: 1, amountText: "1200" }], { allowPartialPayments: false })).toMatchObject({ ok: true, totalCents: 120_000 });
  });

  it("ignores invoices that are not the debtor's open ones and duplicates, and asks for at least one", () => {
    expect(decideAllocations(open, [{ invoiceId: 99, amountText: null }], partial)).toEqual({ ok: false, formError: "nothing_chosen", fieldErrors: {} });
    expect(decideAllocations(open, [{ invoiceId: 2, amountText: null }, { invoiceId: 2, amountText: "1" }], partial)).toMatchObject({ ok: true, totalCents: 4_550 });
  });

  it("pays one currency at a time", () => {
    const mixed = [...open, { id: 4, number: "F-004", balanceCents: 1_000, currency: "GBP" }];
    expect(decideAllocations(mixed, [{ invoiceId: 1, amountText: null }, { invoiceId: 4, amountText: null }], partial)).toMatchObject({ ok: false, formError: "mixed_currencies" });
  });

  it("recognises a resubmission whatever the order", () => {
    expect(sameAllocations([{ invoiceId: 1, amountCents: 5 }, { invoiceId: 2, amountCents: 7 }], [{ invoiceId: 2, amountCents: 7 }, { invoiceId: 1, amountCents: 5 }])).toBe(true);
    expect(sameAllocations([{ invoiceId: 1, amountCents: 5 }], [{ invoiceId: 1, amountCents: 6 }])).toBe(false);
  });
});

describe("checking what Stripe reports", () => {
  const expected = { checkoutId: 7, debtorId: 3, totalCents: 12_000, currency: "EUR", providerSessionId: "cs_1" };
  const reported = { sessionId: "cs_1", amountTotal: 12_000, currency: "eur", metadata: { checkout_id: "7", debtor_id: "3" } };
  it("accepts the session we created", () => expect(checkoutMismatch(expected, reported)).toBeNull());
  it.each([
    [{ amountTotal: 100 }, /amount 100 cents, expected 12000/],
    [{ currency: "usd" }, /currency usd, expected EUR/],
    [{ metadata: { checkout_id: "8", debtor_id: "3" } }, /checkout_id is 8/],
    [{ metadata: { checkout_id: "7", debtor_id: "4" } }, /debtor_id is 4/],
    [{ sessionId: "cs_2" }, /session cs_2 is not cs_1/],
  ])("refuses %j", (change, reason) => expect(checkoutMismatch(expected, { ...reported, ...change })).toMatch(reason));
});

describe("refunds, chargebacks and plans", () => {
  const allocations = [
    { invoiceId: 1, amountCents: 10_000 },
    { invoiceId: 2, amountCents: 3_000 },
  ];
  it("takes a reversal back from the last invoice first, never more than was paid on each", () => {
    expect(distributeReversal(allocations, new Map(), 5_000)).toEqual([
      { invoiceId: 2, amountCents: 3_000 },
      { invoiceId: 1, amountCents: 2_000 },
    ]);
    expect(distributeReversal(allocations, new Map([[2, 3_000]]), 20_000)).toEqual([{ invoiceId: 1, amountCents: 10_000 }]);
  });

  it("pays installments oldest first and unpays the newest first", () => {
    const plan = [
      { id: 11, position: 2, amountCents: 5_000, paidCents: 0 },
      { id: 10, position: 1, amountCents: 5_000, paidCents: 1_000 },
    ];
    expect(applyToInstallments(plan, 6_000)).toEqual([
      { id: 10, paidCents: 5_000, paid: true },
      { id: 11, paidCents: 2_000, paid: false },
    ]);
    const after = [
      { id: 10, position: 1, amountCents: 5_000, paidCents: 5_000 },
      { id: 11, position: 2, amountCents: 5_000, paidCents: 2_000 },
    ];
    expect(applyToInstallments(after, -3_000)).toEqual([
      { id: 11, paidCents: 0, paid: false },
      { id: 10, paidCents: 4_000, paid: false },
    ]);
  });

  it("groups an IBAN by four", () => expect(formatIban("FR7630004000031234567890143")).toBe("FR76 3000 4000 0312 3456 7890 143"));
});

describe("Stripe configuration", () => {
  it("wants the key and the webhook secret together", () => {
    const keys = { STRIPE_SECRET_KEY: "sk_test_abc123", STRIPE_WEBHOOK_SECRET: "whsec_abc" };
    expect(parseEnv(testEnv(keys)).STRIPE_SECRET_KEY).toBe("sk_test_abc123");
    expect(() => parseEnv(testEnv({ STRIPE_SECRET_KEY: "sk_test_abc123" }))).toThrow(/set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET together/);
    expect(() => parseEnv(testEnv({ STRIPE_WEBHOOK_SECRET: "whsec_abc" }))).toThrow(/set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET together/);
    expect(() => parseEnv(testEnv({ STRIPE_API_BASE_URL: "http://127.0.0.1:1" }))).toThrow(/STRIPE_API_BASE_URL: only meaningful with STRIPE_SECRET_KEY/);
    expect(() => parseEnv(testEnv({ ...keys, STRIPE_SECRET_KEY: "pk_test_abc" }))).toThrow(/STRIPE_SECRET_KEY: must be a Stripe secret key/);
  });
});
