import { and, asc, eq, gte, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { cadencePauses, debtors, disputeFiles, disputes, installmentPlanInvoices, installmentPlans, installments, invoices, paymentClaims, promises } from "../../db/schema";

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
      fileIds: sql<string | null>`(select group_concat(f.id) from ${disputeFiles} f where f.dispute_id = ${disputes.id})`,
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
