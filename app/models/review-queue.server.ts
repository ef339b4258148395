import { and, asc, eq, gte, inArray, isNull, lte, or, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { distinctList } from "../../db/dialect";
import { cadencePauses, debtors, disputeFiles, disputes, installmentPlanInvoices, installmentPlans, installments, invoices, paymentClaims, promises } from "../../db/tables";

type Reader = Pick<Db, "select">;

/** Plans waiting for a decision, oldest first, with their schedule and invoices (creditor in the where). */
export async function listPlansToReview(db: Reader, creditorId: number) {
  const plans = await db
    .select({ plan: installmentPlans, debtorName: debtors.name, debtorId: debtors.id, segment: debtors.segment, brokenPromiseCount: debtors.brokenPromiseCount })
    .from(installmentPlans)
    .innerJoin(debtors, eq(debtors.id, installmentPlans.debtorId))
    .where(and(eq(debtors.creditorId, creditorId), eq(installmentPlans.status, "pending_review")))
    .orderBy(asc(installmentPlans.createdAt));
  const ids = plans.map((p) => p.plan.id);
  const rows = ids.length ? await db.select().from(installments).where(inArray(installments.planId, ids)).orderBy(asc(installments.position)) : [];
  const numbers = ids.length
    ? await db
        .select({ planId: installmentPlanInvoices.planId, number: invoices.number })
        .from(installmentPlanInvoices)
        .innerJoin(invoices, eq(invoices.id, installmentPlanInvoices.invoiceId))
        .where(inArray(installmentPlanInvoices.planId, ids))
    : [];
  return plans.map((p) => ({
    ...p,
    installments: rows.filter((r) => r.planId === p.plan.id),
    invoiceNumbers: numbers.filter((n) => n.planId === p.plan.id).map((n) => n.number),
  }));
}

export async function listOpenDisputes(db: Reader, creditorId: number) {
  return await db
    .select({
      dispute: disputes,
      debtorName: debtors.name,
      invoiceNumber: invoices.number,
      balanceCents: invoices.balanceCents,
      currency: invoices.currency,
      fileIds: sql<string | null>`(select ${distinctList(sql`f.id`)} from ${disputeFiles} f where f.dispute_id = ${disputes.id})`,
    })
    .from(disputes)
    .innerJoin(debtors, eq(debtors.id, disputes.debtorId))
    .innerJoin(invoices, eq(invoices.id, disputes.invoiceId))
    .where(and(eq(debtors.creditorId, creditorId), eq(disputes.status, "open")))
    .orderBy(asc(disputes.createdAt));
}

export async function listPendingClaims(db: Reader, creditorId: number) {
  return await db
    .select({ claim: paymentClaims, debtorName: debtors.name, invoiceNumber: invoices.number, balanceCents: invoices.balanceCents, currency: invoices.currency })
    .from(paymentClaims)
    .innerJoin(debtors, eq(debtors.id, paymentClaims.debtorId))
    .innerJoin(invoices, eq(invoices.id, paymentClaims.invoiceId))
    .where(and(eq(debtors.creditorId, creditorId), eq(paymentClaims.status, "pending")))
    .orderBy(asc(paymentClaims.createdAt));
}

/** Promises falling due today or earlier and still open, and those broken this last week. */
export async function listPromisesToWatch(db: Reader, creditorId: number, today: string, weekAgo: Date) {
  return await db
    .select({ promise: promises, debtorName: debtors.name, invoiceNumber: invoices.number, balanceCents: invoices.balanceCents, currency: invoices.currency })
    .from(promises)
    .innerJoin(debtors, eq(debtors.id, promises.debtorId))
    .innerJoin(invoices, eq(invoices.id, promises.invoiceId))
    .where(
      and(
        eq(debtors.creditorId, creditorId),
        or(and(eq(promises.status, "open"), lte(promises.promisedDate, today)), and(eq(promises.status, "broken"), gte(promises.resolvedAt, weekAgo))),
      ),
    )
    .orderBy(asc(promises.promisedDate));
}

export async function listCallbackRequests(db: Reader, creditorId: number) {
  return await db
    .select({ pause: cadencePauses, debtorName: debtors.name })
    .from(cadencePauses)
    .innerJoin(debtors, eq(debtors.id, cadencePauses.debtorId))
    .where(and(eq(debtors.creditorId, creditorId), eq(cadencePauses.reason, "callback_requested"), isNull(cadencePauses.resolvedAt)))
    .orderBy(asc(cadencePauses.callbackAt));
}

/** Documents debtors asked for, still to send: each pauses its invoice until `endsAt`. */
export async function listDocumentRequests(db: Reader, creditorId: number) {
  return await db
    .select({ pause: cadencePauses, debtorName: debtors.name, invoiceNumber: invoices.number })
    .from(cadencePauses)
    .innerJoin(debtors, eq(debtors.id, cadencePauses.debtorId))
    .leftJoin(invoices, eq(invoices.id, cadencePauses.invoiceId))
    .where(and(eq(debtors.creditorId, creditorId), eq(cadencePauses.reason, "document_requested"), isNull(cadencePauses.resolvedAt)))
    .orderBy(asc(cadencePauses.endsAt));
}

/** A plan still waiting for a decision, or undefined (decided meanwhile, or missing). */
export async function getPlanPendingReview(tx: Reader, planId: number) {
  return first(
    await tx
      .select()
      .from(installmentPlans)
      .where(and(eq(installmentPlans.id, planId), eq(installmentPlans.status, "pending_review"))),
  );
}

export async function decidePlan(
  tx: Pick<Db, "update">,
  planId: number,
  decision: { status: "accepted" | "rejected" | "countered"; decisionReason: string | null; decidedAt: Date },
) {
  await tx.update(installmentPlans).set(decision).where(eq(installmentPlans.id, planId));
}

/** The plan's first installment by position, or undefined. */
export async function getFirstInstallment(tx: Reader, planId: number) {
  return first(await tx.select().from(installments).where(eq(installments.planId, planId)).orderBy(installments.position));
}

/** An open dispute, or undefined (resolved meanwhile, or missing). */
export async function getOpenDisputeById(tx: Reader, disputeId: number) {
  return first(
    await tx
      .select()
      .from(disputes)
      .where(and(eq(disputes.id, disputeId), eq(disputes.status, "open"))),
  );
}

export async function getInvoiceById(tx: Reader, invoiceId: number) {
  return first(await tx.select().from(invoices).where(eq(invoices.id, invoiceId)));
}

export async function resolveDispute(
  tx: Pick<Db, "update">,
  disputeId: number,
  outcome:
    { status: "unfounded"; resolutionNote: string; resolvedAt: Date } | { status: "founded"; resolution: "cancelled" | "credit_note" | "corrected_amount"; resolvedAt: Date },
) {
  await tx.update(disputes).set(outcome).where(eq(disputes.id, disputeId));
}

/** The balance left after a founded dispute; nothing left cancels the invoice. */
export async function setFoundedDisputeBalance(tx: Pick<Db, "update">, invoiceId: number, balanceCents: number) {
  await tx
    .update(invoices)
    .set({ balanceCents, ...(balanceCents === 0 ? { status: "cancelled" as const } : {}) })
    .where(eq(invoices.id, invoiceId));
}

/** A payment claim still pending, or undefined (decided meanwhile, or missing). */
export async function getPendingClaimById(tx: Reader, claimId: number) {
  return first(
    await tx
      .select()
      .from(paymentClaims)
      .where(and(eq(paymentClaims.id, claimId), eq(paymentClaims.status, "pending"))),
  );
}

/** Ends the open "payment claimed" hold of the debtor on this invoice. */
export async function resolvePaymentClaimedPause(tx: Pick<Db, "update">, debtorId: number, invoiceId: number, at: Date) {
  await tx
    .update(cadencePauses)
    .set({ resolvedAt: at })
    .where(and(eq(cadencePauses.debtorId, debtorId), eq(cadencePauses.invoiceId, invoiceId), eq(cadencePauses.reason, "payment_claimed"), isNull(cadencePauses.resolvedAt)));
}

export async function resolvePaymentClaim(tx: Pick<Db, "update">, claimId: number, status: "confirmed" | "rejected", at: Date) {
  await tx.update(paymentClaims).set({ status, resolvedAt: at }).where(eq(paymentClaims.id, claimId));
}
