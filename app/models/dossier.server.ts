import { and, asc, eq, inArray, ne } from "drizzle-orm";
import { first, type Db } from "../../db/client";
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
} from "../../db/tables";

/**
 * Everything the litigation dossier is made of, for one debtor of one creditor: the creditor is in
 * the first where, and every later query hangs off that debtor's id.
 */
export async function loadDossierFacts(db: Db, creditorId: number, debtorId: number) {
  const row = first(
    await db
      .select({ debtor: debtors, creditor: creditors })
      .from(debtors)
      .innerJoin(creditors, eq(creditors.id, debtors.creditorId))
      .where(and(eq(debtors.id, debtorId), eq(debtors.creditorId, creditorId))),
  );
  if (!row) return null;
  const invoiceRows = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.creditorId, creditorId)))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const invoiceIds = invoiceRows.map((i) => i.id);
  const plans = await db.select().from(installmentPlans).where(eq(installmentPlans.debtorId, debtorId)).orderBy(asc(installmentPlans.createdAt), asc(installmentPlans.id));
  const planIds = plans.map((p) => p.id);
  const disputeRows = await db.select().from(disputes).where(eq(disputes.debtorId, debtorId)).orderBy(asc(disputes.createdAt), asc(disputes.id));
  const events = await db.select().from(timelineEvents).where(eq(timelineEvents.debtorId, debtorId)).orderBy(asc(timelineEvents.occurredAt), asc(timelineEvents.id));
  return {
    ...row,
    invoices: invoiceRows,
    payments: invoiceIds.length ? await db.select().from(payments).where(inArray(payments.invoiceId, invoiceIds)).orderBy(asc(payments.receivedAt), asc(payments.id)) : [],
    events,
    messages: await db.select().from(outboundMessages).where(eq(outboundMessages.debtorId, debtorId)),
    promises: await db.select().from(promises).where(eq(promises.debtorId, debtorId)).orderBy(asc(promises.createdAt), asc(promises.id)),
    plans,
    planInvoices: planIds.length ? await db.select().from(installmentPlanInvoices).where(inArray(installmentPlanInvoices.planId, planIds)) : [],
    installments: planIds.length
      ? await db.select().from(installments).where(inArray(installments.planId, planIds)).orderBy(asc(installments.planId), asc(installments.position))
      : [],
    disputes: disputeRows,
    disputeFiles: disputeRows.length
      ? await db
          .select()
          .from(disputeFiles)
          .where(
            inArray(
              disputeFiles.disputeId,
              disputeRows.map((d) => d.id),
            ),
          )
          .orderBy(asc(disputeFiles.id))
      : [],
    paymentClaims: await db.select().from(paymentClaims).where(eq(paymentClaims.debtorId, debtorId)).orderBy(asc(paymentClaims.id)),
    letters: await db
      .select()
      .from(letters)
      .where(and(eq(letters.debtorId, debtorId), eq(letters.creditorId, creditorId), ne(letters.status, "cancelled")))
      .orderBy(asc(letters.id)),
    callTasks: await db
      .select()
      .from(callTasks)
      .where(and(eq(callTasks.debtorId, debtorId), eq(callTasks.creditorId, creditorId)))
      .orderBy(asc(callTasks.dueAt)),
    pauses: await db.select().from(cadencePauses).where(eq(cadencePauses.debtorId, debtorId)).orderBy(asc(cadencePauses.startsAt)),
  };
}

export type DossierFacts = NonNullable<Awaited<ReturnType<typeof loadDossierFacts>>>;
