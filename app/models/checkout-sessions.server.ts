import { and, desc, eq, inArray } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { checkoutSessions } from "../../db/schema";

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
