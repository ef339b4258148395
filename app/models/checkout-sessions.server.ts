import { and, desc, eq, inArray } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { checkoutSessions, invoices } from "../../db/tables";

export type CheckoutRow = typeof checkoutSessions.$inferSelect;

/** The debtor's checkouts still open, newest first. */
export async function listOpenCheckouts(db: Db, debtorId: number) {
  return await db
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.debtorId, debtorId), eq(checkoutSessions.status, "open")))
    .orderBy(desc(checkoutSessions.id));
}

/** Closes these checkouts on our side (a new one replaces them). */
export async function expireCheckouts(tx: Db, checkoutIds: number[]) {
  await tx.update(checkoutSessions).set({ status: "expired" }).where(inArray(checkoutSessions.id, checkoutIds));
}

/** A new open checkout; its id is the idempotency key of the hosted page (P5). */
export async function insertCheckout(
  tx: Db,
  p: { debtorId: number; currency: string; totalCents: number; allocations: CheckoutRow["allocations"]; now: Date },
): Promise<CheckoutRow> {
  return one(
    await tx
      .insert(checkoutSessions)
      .values({ debtorId: p.debtorId, currency: p.currency, totalCents: p.totalCents, allocations: p.allocations, status: "open", createdAt: p.now })
      .returning(),
  );
}

/** The hosted page the payment provider opened for this checkout. */
export async function setCheckoutProviderSession(db: Db, checkoutId: number, providerSessionId: string) {
  await db.update(checkoutSessions).set({ providerSessionId }).where(eq(checkoutSessions.id, checkoutId));
}

/** One checkout, only if it belongs to this debtor: another debtor's id finds nothing. */
export async function getCheckoutOfDebtor(db: Db, debtorId: number, checkoutId: number) {
  return first(
    await db
      .select()
      .from(checkoutSessions)
      .where(and(eq(checkoutSessions.id, checkoutId), eq(checkoutSessions.debtorId, debtorId))),
  );
}

/** A checkout by our id (the metadata Stripe echoes back). */
export async function getCheckout(db: Db, checkoutId: number) {
  return first(await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, checkoutId)));
}

/** A checkout by the provider's hosted-page id. */
export async function getCheckoutByProviderSession(db: Db, providerSessionId: string) {
  return first(await db.select().from(checkoutSessions).where(eq(checkoutSessions.providerSessionId, providerSessionId)));
}

/** A checkout by the payment intent that paid it. */
export async function getCheckoutByPaymentIntent(db: Db, paymentIntentId: string) {
  return first(await db.select().from(checkoutSessions).where(eq(checkoutSessions.paymentIntentId, paymentIntentId)));
}

/** The provider let the hosted page expire: the checkout closes, if it was still open. */
export async function expireOpenCheckout(tx: Db, checkoutId: number) {
  await tx
    .update(checkoutSessions)
    .set({ status: "expired" })
    .where(and(eq(checkoutSessions.id, checkoutId), eq(checkoutSessions.status, "open")));
}

/**
 * Marks the checkout paid, once: true only for the call that moved it (compare-and-set, counted on
 * the rows `.returning()` gave back), so a redelivered completion records nothing twice.
 */
export async function claimPaidCheckout(tx: Db, checkoutId: number, p: { paymentIntentId: string | null; completedAt: Date; providerSessionId: string }): Promise<boolean> {
  const claimed = await tx
    .update(checkoutSessions)
    .set({ status: "paid", paymentIntentId: p.paymentIntentId, completedAt: p.completedAt, providerSessionId: p.providerSessionId })
    // Expired on our side (provider error) yet paid at Stripe: money received is recorded all the same.
    .where(and(eq(checkoutSessions.id, checkoutId), inArray(checkoutSessions.status, ["open", "expired"])))
    .returning({ id: checkoutSessions.id });
  return claimed.length === 1;
}

/** The checkout's status after a reversal (refunded) or a chargeback won back (paid again). */
export async function setCheckoutStatus(tx: Db, checkoutId: number, status: "paid" | "refunded") {
  await tx.update(checkoutSessions).set({ status }).where(eq(checkoutSessions.id, checkoutId));
}

/** The numbers of the invoices a checkout pays, by invoice id. */
export async function listCheckoutInvoiceNumbers(db: Db, invoiceIds: number[]) {
  return await db.select({ id: invoices.id, number: invoices.number }).from(invoices).where(inArray(invoices.id, invoiceIds));
}
