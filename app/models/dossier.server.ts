import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  cadencePauses,
  callTasks,
  creditors,
  debtors,
  disputeFiles,
  disputes,
  installmentPlanInvoices,
  installmentPlans,
  installments,
  invoices,
  letters,
  outboundMessages,
  paymentClaims,
  payments,
  promises,
  timelineEvents,
} from "../../db/schema";

/**
 * Everything the litigation dossier is made of, for one debtor of one creditor: the creditor is in
 * the first where, and every later query hangs off that debtor's id.
 */
export function loadDossierFacts(db: Db, creditorId: number, debtorId: number) {
  const row = db
    .select({ debtor: debtors, creditor: creditors })
    .from(debtors)
    .innerJoin(creditors, eq(creditors.id, debtors.creditorId))
    .where(and(eq(debtors.id, debtorId), eq(debtors.creditorId, creditorId)))
    .get();
  if (!row) return null;
  const invoiceRows = db.select().from(invoices).where(and(eq(invoices.debtorId, debtorId), eq(invoices.creditorId, creditorId))).orderBy(asc(invoices.dueDate), asc(invoices.number)).all();
  const invoiceIds = invoiceRows.map((i) => i.id);
  const plans = db.select().from(installmentPlans).where(eq(installmentPlans.debtorId, debtorId)).orderBy(asc(installmentPlans.createdAt), asc(installmentPlans.id)).all();
  const planIds = plans.map((p) => p.id);
  const disputeRows = db.select().from(disputes).where(eq(disputes.debtorId, debtorId)).orderBy(asc(disputes.createdAt), asc(disputes.id)).all();
  const events = db.select().from(timelineEvents).where(eq(timelineEvents.debtorId, debtorId)).orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id)).all();
  return {
    ...row,
    invoices: invoiceRows,
    payments: invoiceIds.length ? db.select().from(payments).where(inArray(payments.invoiceId, invoiceIds)).orderBy(asc(payments.receivedAt), asc(payments.id)).all() : [],
    events,
    messages: db.select().from(outboundMessages).where(eq(outboundMessages.debtorId, debtorId)).all(),
    promises: db.select().from(promises).where(eq(promises.debtorId, debtorId)).orderBy(asc(promises.createdAt), asc(promises.id)).all(),
    plans,
    planInvoices: planIds.length ? db.select().from(installmentPlanInvoices).where(inArray(installmentPlanInvoices.planId, planIds)).all() : [],
    installments: planIds.length ? db.select().from(installments).where(inArray(installments.planId, planIds)).orderBy(asc(installments.planId), asc(installments.position)).all() : [],
    disputes: disputeRows,
    disputeFiles: disputeRows.length
      ? db.select().from(disputeFiles).where(inArray(disputeFiles.disputeId, disputeRows.map((d) => d.id))).orderBy(asc(disputeFiles.id)).all()
      : [],
    paymentClaims: db.select().from(paymentClaims).where(eq(paymentClaims.debtorId, debtorId)).orderBy(asc(paymentClaims.id)).all(),
    letters: db.select().from(letters).where(and(eq(letters.debtorId, debtorId), eq(letters.creditorId, creditorId), ne(letters.status, "cancelled"))).orderBy(asc(letters.id)).all(),
    callTasks: db.select().from(callTasks).where(and(eq(callTasks.debtorId, debtorId), eq(callTasks.creditorId, creditorId))).orderBy(asc(callTasks.dueAt)).all(),
    pauses: db.select().from(cadencePauses).where(eq(cadencePauses.debtorId, debtorId)).orderBy(asc(cadencePauses.startsAt)).all(),
  };
}

export type DossierFacts = NonNullable<ReturnType<typeof loadDossierFacts>>;
