import { and, eq } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { cadencePauses, paymentClaims } from "../../db/tables";

export type NewPaymentClaim = Omit<typeof paymentClaims.$inferInsert, "id" | "status" | "resolvedAt">;

/** The invoices of this debtor with an "already paid" claim being checked. */
export async function listPendingClaimInvoiceIds(db: Db, debtorId: number): Promise<number[]> {
  return (
    await db
      .select({ invoiceId: paymentClaims.invoiceId })
      .from(paymentClaims)
      .where(and(eq(paymentClaims.debtorId, debtorId), eq(paymentClaims.status, "pending")))
  ).map((c) => c.invoiceId);
}

/** The claim on this invoice still being checked, if any. */
export async function getPendingClaim(db: Db, invoiceId: number) {
  return first(
    await db
      .select()
      .from(paymentClaims)
      .where(and(eq(paymentClaims.invoiceId, invoiceId), eq(paymentClaims.status, "pending"))),
  );
}

/** A new pending claim. */
export async function insertPaymentClaim(tx: Db, claim: NewPaymentClaim) {
  return one(await tx.insert(paymentClaims).values(claim).returning({ id: paymentClaims.id }));
}

/** Holds the claimed invoice until staff check the claim: a pause with an owner and no end (DESIGN.md). */
export async function holdClaimedInvoice(tx: Db, p: { debtorId: number; invoiceId: number; claimId: number; now: Date }) {
  await tx.insert(cadencePauses).values({ debtorId: p.debtorId, invoiceId: p.invoiceId, reason: "payment_claimed", startsAt: p.now, owner: "staff", note: `claim ${p.claimId}` });
}
