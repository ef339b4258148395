import type { Db } from "../../../db/client";
import type { payments } from "../../../db/tables";
import { applyToInstallments } from "../../domain/payments";
import { appendTimeline } from "../../models/timeline.server";
import {
  getAcceptedPlanOfInvoice,
  getPaymentInvoice,
  insertPayment,
  insertPaymentOnce,
  listInstallments,
  setInstallmentPaid,
  setInvoiceBalance,
  wasPaymentRecorded,
} from "../../models/payments.server";

type Tx = Db;

export type ReceivedPayment = {
  creditorId: number;
  debtorId: number;
  invoiceId: number;
  amountCents: number;
  currency: string;
  method: (typeof payments.$inferInsert)["method"];
  /** With `providerRef`, what makes the payment unique: recorded once whatever the retries. */
  provider: string;
  providerRef: string;
  actor: "debtor" | "staff" | "provider";
  /** Extra facts for the timeline (checkout, claim, staff member…). */
  data: Record<string, unknown>;
  at: Date;
};

/**
 * The one place money received on an invoice is recorded, whoever reports it (Stripe, staff
 * confirming a transfer or a claim): the payment row (unique per provider reference, so a replay
 * records nothing), the balance, the paid status at zero, the plan's installments and one
 * "payment.recorded" event. What exceeds the balance (the invoice was settled meanwhile by another
 * checkout or a transfer) is an overpayment row, kept aside for staff to refund: it never lowers a
 * balance nor counts as collected. Returns null when this payment was recorded already.
 */
export async function recordInvoicePayment(tx: Tx, p: ReceivedPayment): Promise<{ number: string; leftCents: number; overpaidCents: number } | null> {
  // A replay arriving after the invoice was settled must not come back as an overpayment.
  if (await wasPaymentRecorded(tx, p)) return null;
  const invoice = (await getPaymentInvoice(tx, p.invoiceId))!;
  const payable = invoice.status === "open" || invoice.status === "litigation" ? invoice.balanceCents : 0;
  const appliedCents = Math.min(p.amountCents, payable);
  const overpaidCents = p.amountCents - appliedCents;
  const row = { invoiceId: p.invoiceId, currency: p.currency, method: p.method, provider: p.provider, providerRef: p.providerRef, receivedAt: p.at };
  const parts = [
    ...(appliedCents > 0 ? [{ ...row, amountCents: appliedCents, kind: "payment" as const }] : []),
    ...(overpaidCents > 0 ? [{ ...row, amountCents: overpaidCents, kind: "overpayment" as const }] : []),
  ];
  // Both rows or neither: a replay conflicts on the first one.
  if (parts.length === 0 || !(await insertPaymentOnce(tx, parts[0]!))) return null;
  if (parts[1]) await insertPayment(tx, parts[1]);
  const leftCents = invoice.balanceCents - appliedCents;
  const closes = appliedCents > 0 && leftCents === 0;
  if (appliedCents > 0) {
    await setInvoiceBalance(tx, invoice.id, leftCents, closes ? p.at : null);
  }
  await appendTimeline(tx, {
    creditorId: p.creditorId,
    debtorId: p.debtorId,
    invoiceId: invoice.id,
    type: appliedCents > 0 ? "payment.recorded" : "payment.overpaid",
    actor: p.actor,
    data: {
      method: p.method,
      provider: p.provider,
      ...p.data,
      amountCents: p.amountCents,
      currency: p.currency,
      balanceCents: leftCents,
      ...(overpaidCents > 0 ? { overpaidCents } : {}),
    },
    occurredAt: p.at,
  });
  if (appliedCents > 0) await moveInstallments(tx, invoice.id, appliedCents);
  return { number: invoice.number, leftCents, overpaidCents };
}

/** An accepted plan's installments follow what is paid on its invoices (oldest first; reversals newest first). */
export async function moveInstallments(tx: Tx, invoiceId: number, amountCents: number) {
  const plan = await getAcceptedPlanOfInvoice(tx, invoiceId);
  if (!plan) return;
  const rows = await listInstallments(tx, plan.id);
  for (const change of applyToInstallments(rows, amountCents)) {
    const row = rows.find((r) => r.id === change.id)!;
    await setInstallmentPaid(tx, change.id, { paidCents: change.paidCents, status: change.paid ? "paid" : row.status === "paid" ? "scheduled" : row.status });
  }
}
