import { and, eq, inArray, isNotNull, like, notInArray, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { invoices, payments } from "../../db/tables";

/**
 * Card payments taken through Stripe, as the webhook reverses them: the payment rows keyed by the
 * provider's references, and the invoice balances a refund or a chargeback reopens (P10).
 */

/** Overpayments on this payment intent that staff gave back. */
export async function sumRefundedOverpaymentCents(tx: Db, paymentIntentId: string): Promise<number> {
  return first(
    await tx
      .select({ total: sql<number>`coalesce(sum(${payments.amountCents}), 0)`.mapWith(Number) })
      .from(payments)
      .where(and(eq(payments.provider, "stripe"), eq(payments.kind, "overpayment"), eq(payments.providerRef, paymentIntentId), isNotNull(payments.refundedAt))),
  )!.total;
}

/** What the refunds already recorded on this charge took back (their refs are `<charge id>:<cumulative amount>`). */
export async function sumRefundedOnCharge(tx: Db, chargeId: string): Promise<number> {
  return first(
    await tx
      .select({ total: sql<number>`coalesce(sum(-${payments.amountCents}), 0)`.mapWith(Number) })
      .from(payments)
      .where(and(eq(payments.provider, "stripe"), eq(payments.kind, "refund"), like(payments.providerRef, `${chargeId}:%`))),
  )!.total;
}

/** What refunds and chargebacks other than `exceptRef` already took back from each of these invoices. */
export async function listReversedByInvoice(tx: Db, invoiceIds: number[], exceptRef: string) {
  return await tx
    .select({ invoiceId: payments.invoiceId, cents: sql<number>`sum(-${payments.amountCents})`.mapWith(Number) })
    .from(payments)
    .where(
      and(
        eq(payments.provider, "stripe"),
        inArray(payments.kind, ["refund", "chargeback"]),
        inArray(payments.invoiceId, invoiceIds),
        notInArray(payments.providerRef, [exceptRef]),
      ),
    )
    .groupBy(payments.invoiceId);
}

/**
 * A refund or chargeback row (a negative amount), once per provider ref, invoice and kind: true when
 * this call inserted it (counted on the rows `.returning()` gave back).
 */
export async function insertReversal(
  tx: Db,
  p: { invoiceId: number; amountCents: number; currency: string; providerRef: string; kind: "refund" | "chargeback"; receivedAt: Date },
): Promise<boolean> {
  const inserted = await tx
    .insert(payments)
    .values({
      invoiceId: p.invoiceId,
      amountCents: -p.amountCents,
      currency: p.currency,
      method: "card",
      provider: "stripe",
      providerRef: p.providerRef,
      kind: p.kind,
      receivedAt: p.receivedAt,
    })
    .onConflictDoNothing()
    .returning({ id: payments.id });
  return inserted.length === 1;
}

/** Everything refunds and chargebacks took back from these invoices. */
export async function sumReversedCents(tx: Db, invoiceIds: number[]): Promise<number> {
  return first(
    await tx
      .select({ total: sql<number>`coalesce(sum(-${payments.amountCents}), 0)`.mapWith(Number) })
      .from(payments)
      .where(and(eq(payments.provider, "stripe"), inArray(payments.kind, ["refund", "chargeback"]), inArray(payments.invoiceId, invoiceIds))),
  )!.total;
}

/** The chargeback rows of this dispute, in the order they were recorded. */
export async function listChargebacks(tx: Db, disputeId: string) {
  return await tx
    .select({ invoiceId: payments.invoiceId, cents: payments.amountCents })
    .from(payments)
    .where(and(eq(payments.provider, "stripe"), eq(payments.kind, "chargeback"), eq(payments.providerRef, disputeId)))
    .orderBy(payments.id);
}

/** One invoice, whole. */
export async function getInvoice(tx: Db, invoiceId: number) {
  return first(await tx.select().from(invoices).where(eq(invoices.id, invoiceId)));
}

/** The invoice's balance after a reversal; a paid invoice reopens (the cadence sees it at its next pass). */
export async function setReversedBalance(tx: Db, invoiceId: number, balanceCents: number, reopen: boolean) {
  await tx
    .update(invoices)
    .set({ balanceCents, ...(reopen ? { status: "open" as const, paidAt: null } : {}) })
    .where(eq(invoices.id, invoiceId));
}
