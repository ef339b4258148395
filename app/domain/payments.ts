/**
 * Paying from the portal: which amounts a debtor may pay on which invoices (P4, P7), and how a
 * payment, a refund or a chargeback spreads over invoices and plan installments. Pure: amounts are
 * integer cents, invoices come from the database, never from the form's totals.
 */

/** Stripe's floor for a card payment in euros, and a sensible one for any instalment. */
export const MIN_PAYMENT_CENTS = 100;

export type PayableInvoice = { id: number; number: string; balanceCents: number; currency: string };

/** What the form said about one invoice: chosen or not, and the amount typed (blank = in full). */
export type PaymentChoice = { invoiceId: number; amountText: string | null };

export type Allocation = { invoiceId: number; amountCents: number };

export type AmountError = "not_a_number" | "too_small" | "above_balance" | "partial_not_allowed";

export type AllocationDecision =
  | { ok: true; allocations: Allocation[]; totalCents: number; currency: string }
  | { ok: false; formError?: "nothing_chosen" | "mixed_currencies"; fieldErrors: Record<number, { error: AmountError; balanceCents: number }> };

/**
 * "12", "12,5", "12.50", "1 234,56", "1.234,56", "1,234.56" → cents; anything else → null. Thousands
 * written with "." or "," count only when the other mark ends the amount: "12,345" or "1.234" are
 * ambiguous between languages and refused rather than read as a thousand times the intent.
 */
export function parseAmountToCents(text: string): number | null {
  const compact = text.replace(/[\s\u00a0\u202f€]/g, "");
  const plain = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(compact);
  const grouped = /^(\d{1,3}(?:\.\d{3})+),(\d{1,2})$/.exec(compact) ?? /^(\d{1,3}(?:,\d{3})+)\.(\d{1,2})$/.exec(compact);
  const match = plain ?? grouped;
  if (!match) return null;
  const euros = Number(match[1]!.replace(/[.,]/g, ""));
  const total = euros * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
  return Number.isSafeInteger(total) ? total : null;
}

/**
 * Decides what is paid on each chosen invoice. Only the debtor's open invoices count (an id that is
 * not one of them is ignored, not trusted); the amount is the balance from the database unless a
 * part is typed and the creditor allows partial payments (P7). Overpayment is refused, not credited.
 */
export function decideAllocations(open: readonly PayableInvoice[], choices: readonly PaymentChoice[], policy: { allowPartialPayments: boolean }): AllocationDecision {
  const byId = new Map(open.map((invoice) => [invoice.id, invoice]));
  const fieldErrors: Record<number, { error: AmountError; balanceCents: number }> = {};
  const allocations: Allocation[] = [];
  for (const choice of choices) {
    const invoice = byId.get(choice.invoiceId);
    if (!invoice || invoice.balanceCents <= 0 || allocations.some((a) => a.invoiceId === invoice.id)) continue;
    const typed = choice.amountText?.trim() ?? "";
    let amountCents = invoice.balanceCents;
    if (typed !== "") {
      const parsed = parseAmountToCents(typed);
      const fail = (error: AmountError) => (fieldErrors[invoice.id] = { error, balanceCents: invoice.balanceCents });
      if (parsed === null) fail("not_a_number");
      else if (parsed > invoice.balanceCents) fail("above_balance");
      else if (parsed < invoice.balanceCents && !policy.allowPartialPayments) fail("partial_not_allowed");
      else if (parsed < Math.min(MIN_PAYMENT_CENTS, invoice.balanceCents)) fail("too_small");
      if (parsed !== null) amountCents = parsed;
    }
    allocations.push({ invoiceId: invoice.id, amountCents });
  }
  if (Object.keys(fieldErrors).length > 0) return { ok: false, fieldErrors };
  if (allocations.length === 0) return { ok: false, formError: "nothing_chosen", fieldErrors };
  const currencies = new Set(allocations.map((a) => byId.get(a.invoiceId)!.currency));
  // One Checkout Session has one currency: invoices in several are paid one currency at a time.
  if (currencies.size > 1) return { ok: false, formError: "mixed_currencies", fieldErrors };
  return { ok: true, allocations, totalCents: allocations.reduce((sum, a) => sum + a.amountCents, 0), currency: [...currencies][0]! };
}

/** Same invoices and amounts, whatever order the form listed them in: a resubmission is the same checkout. */
export function sameAllocations(a: readonly Allocation[], b: readonly Allocation[]): boolean {
  const key = (list: readonly Allocation[]) => [...list].sort((x, y) => x.invoiceId - y.invoiceId).map((x) => `${x.invoiceId}:${x.amountCents}`).join(",");
  return key(a) === key(b);
}

export type ExpectedCheckout = { checkoutId: number; debtorId: number; totalCents: number; currency: string; providerSessionId: string | null };
export type ReportedCheckout = {
  sessionId: string;
  amountTotal: number | null;
  currency: string | null;
  metadata: Record<string, string>;
};

/**
 * P4: what Stripe reports must match the row we created, or nothing is recorded. Returns the
 * reason for staff, or null when it matches.
 */
export function checkoutMismatch(expected: ExpectedCheckout, reported: ReportedCheckout): string | null {
  if (reported.metadata.checkout_id !== String(expected.checkoutId)) return `metadata.checkout_id is ${reported.metadata.checkout_id ?? "missing"}, expected ${expected.checkoutId}`;
  if (reported.metadata.debtor_id !== String(expected.debtorId)) return `metadata.debtor_id is ${reported.metadata.debtor_id ?? "missing"}, expected ${expected.debtorId}`;
  if (expected.providerSessionId !== null && reported.sessionId !== expected.providerSessionId) return `session ${reported.sessionId} is not ${expected.providerSessionId}`;
  if ((reported.currency ?? "").toUpperCase() !== expected.currency.toUpperCase()) return `currency ${reported.currency ?? "missing"}, expected ${expected.currency}`;
  if (reported.amountTotal !== expected.totalCents) return `amount ${reported.amountTotal ?? "missing"} cents, expected ${expected.totalCents}`;
  return null;
}

/**
 * A refund or a chargeback on a checkout that paid several invoices: taken back from the last
 * invoice first, never more than was paid on each (less what was already taken back).
 */
export function distributeReversal(allocations: readonly Allocation[], alreadyReversed: ReadonlyMap<number, number>, amountCents: number): Allocation[] {
  const out: Allocation[] = [];
  let left = amountCents;
  for (const allocation of [...allocations].reverse()) {
    if (left <= 0) break;
    const room = allocation.amountCents - (alreadyReversed.get(allocation.invoiceId) ?? 0);
    const take = Math.min(room, left);
    if (take > 0) {
      out.push({ invoiceId: allocation.invoiceId, amountCents: take });
      left -= take;
    }
  }
  return out;
}

export type InstallmentState = { id: number; position: number; amountCents: number; paidCents: number };

/**
 * A payment on an invoice under an accepted plan pays its installments oldest first; a negative
 * amount (refund, chargeback) unpays the newest paid first. Returns the installments that change.
 */
export function applyToInstallments(installments: readonly InstallmentState[], amountCents: number): { id: number; paidCents: number; paid: boolean }[] {
  const ordered = [...installments].sort((a, b) => a.position - b.position);
  const changes: { id: number; paidCents: number; paid: boolean }[] = [];
  let left = Math.abs(amountCents);
  for (const installment of amountCents >= 0 ? ordered : ordered.reverse()) {
    if (left <= 0) break;
    const delta = amountCents >= 0 ? Math.min(installment.amountCents - installment.paidCents, left) : Math.min(installment.paidCents, left);
    if (delta <= 0) continue;
    const paidCents = installment.paidCents + (amountCents >= 0 ? delta : -delta);
    changes.push({ id: installment.id, paidCents, paid: paidCents >= installment.amountCents });
    left -= delta;
  }
  return changes;
}

/** Groups an IBAN by four for reading ("FR76 3000 4000 …"); the copy button copies it without spaces. */
export function formatIban(iban: string): string {
  return iban.replace(/\s+/g, "").toUpperCase().replace(/(.{4})(?=.)/g, "$1 ");
}
