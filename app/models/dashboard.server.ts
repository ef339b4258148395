import { and, desc, eq, gt, gte, isNull, lte, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { cadencePauses, callTasks, debtors, disputes, installmentPlans, invoices, letters, outboundMessages, paymentClaims, payments, promises } from "../../db/schema";

/** Open balances of one creditor (scoped in the where, as every back-office query). */
export function listOpenBalances(db: Db, creditorId: number) {
  return db
    .select({ dueDate: invoices.dueDate, balanceCents: invoices.balanceCents, currency: invoices.currency })
    .from(invoices)
    .where(and(eq(invoices.creditorId, creditorId), eq(invoices.status, "open"), gt(invoices.balanceCents, 0)))
    .all();
}

export function listRecentMessages(db: Db, creditorId: number, limit = 20) {
  return db
    .select({
      id: outboundMessages.id,
      step: outboundMessages.step,
      channel: outboundMessages.channel,
      status: outboundMessages.status,
      debtorId: debtors.id,
      debtorName: debtors.name,
      sentAt: outboundMessages.sentAt,
      createdAt: outboundMessages.createdAt,
    })
    .from(outboundMessages)
    .innerJoin(debtors, eq(debtors.id, outboundMessages.debtorId))
    .where(eq(outboundMessages.creditorId, creditorId))
    .orderBy(desc(outboundMessages.id))
    .limit(limit)
    .all();
}

/** What waits for a person: decisions, calls due by now and letters to post. */
export function countStaffWork(db: Db, creditorId: number, now: Date) {
  const count = sql<number>`count(*)`;
  const ofCreditor = (debtorId: SQLiteColumn) => sql`${debtorId} in (select id from debtors where creditor_id = ${creditorId})`;
  return {
    toDecide:
      db.select({ n: count }).from(installmentPlans).where(and(eq(installmentPlans.status, "pending_review"), ofCreditor(installmentPlans.debtorId))).get()!.n +
      db.select({ n: count }).from(disputes).where(and(eq(disputes.status, "open"), ofCreditor(disputes.debtorId))).get()!.n +
      db.select({ n: count }).from(paymentClaims).where(and(eq(paymentClaims.status, "pending"), ofCreditor(paymentClaims.debtorId))).get()!.n,
    callsDue: db.select({ n: count }).from(callTasks).where(and(eq(callTasks.creditorId, creditorId), eq(callTasks.status, "open"), lte(callTasks.dueAt, now))).get()!.n,
    lettersToPost: db.select({ n: count }).from(letters).where(and(eq(letters.creditorId, creditorId), eq(letters.status, "to_post"))).get()!.n,
  };
}

/** Euros invoiced since a date (issue dates are calendar dates), for DSO. */
export function sumInvoicedSince(db: Db, creditorId: number, since: string) {
  return db
    .select({ cents: sql<number>`coalesce(sum(${invoices.amountCents}), 0)` })
    .from(invoices)
    .where(and(eq(invoices.creditorId, creditorId), eq(invoices.currency, "EUR"), gte(invoices.issueDate, since)))
    .get()!.cents;
}

/** Money received since an instant, refunds and chargebacks netted off (their rows are negative facts). */
export function sumCollectedSince(db: Db, creditorId: number, since: Date) {
  return db
    .select({ cents: sql<number>`coalesce(sum(case when ${payments.kind} = 'payment' then ${payments.amountCents} else -${payments.amountCents} end), 0)` })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(and(eq(invoices.creditorId, creditorId), eq(payments.currency, "EUR"), gte(payments.receivedAt, since)))
    .get()!.cents;
}

/** What holds the cadence right now, by reason, for the debtors of one creditor. */
export function countHolds(db: Db, creditorId: number) {
  const count = sql<number>`count(*)`;
  const ofCreditor = (debtorId: SQLiteColumn) => sql`${debtorId} in (select id from debtors where creditor_id = ${creditorId})`;
  const pauses = db
    .select({ reason: cadencePauses.reason, n: count })
    .from(cadencePauses)
    .where(and(isNull(cadencePauses.resolvedAt), ofCreditor(cadencePauses.debtorId)))
    .groupBy(cadencePauses.reason)
    .all();
  return {
    promise: db.select({ n: count }).from(promises).where(and(eq(promises.status, "open"), ofCreditor(promises.debtorId))).get()!.n,
    plan: db.select({ n: count }).from(installmentPlans).where(and(eq(installmentPlans.status, "accepted"), ofCreditor(installmentPlans.debtorId))).get()!.n,
    planReview: db.select({ n: count }).from(installmentPlans).where(and(eq(installmentPlans.status, "pending_review"), ofCreditor(installmentPlans.debtorId))).get()!.n,
    dispute: db.select({ n: count }).from(disputes).where(and(eq(disputes.status, "open"), ofCreditor(disputes.debtorId))).get()!.n,
    ...Object.fromEntries(pauses.map((p) => [p.reason, p.n])),
  } as Record<string, number>;
}
