import { and, eq, inArray, max } from "drizzle-orm";
import type { Db } from "../../db/client";
import { installmentPlanInvoices, installmentPlans, invoices, payments, promises } from "../../db/tables";

type Reader = Pick<Db, "select">;

/**
 * When the debtor last acknowledged each invoice (C. civ. 2240: it interrupts prescription, and a new
 * period of the same length starts, art. 2231): a payment received, a promise to pay, or a plan they
 * proposed covering it. Asked only for the few invoices that would otherwise be time-barred.
 */
export async function lastAcknowledgments(db: Reader, invoiceIds: readonly number[]): Promise<Map<number, Date>> {
  const latest = new Map<number, Date>();
  if (invoiceIds.length === 0) return latest;
  const ids = [...invoiceIds];
  const keep = (rows: { invoiceId: number; at: Date | null }[]) => {
    for (const { invoiceId, at } of rows) if (at && (latest.get(invoiceId)?.getTime() ?? -Infinity) < at.getTime()) latest.set(invoiceId, at);
  };
  keep(
    await db
      .select({ invoiceId: payments.invoiceId, at: max(payments.receivedAt) })
      .from(payments)
      .where(and(inArray(payments.invoiceId, ids), eq(payments.kind, "payment")))
      .groupBy(payments.invoiceId),
  );
  keep(
    await db
      .select({ invoiceId: promises.invoiceId, at: max(promises.createdAt) })
      .from(promises)
      .where(inArray(promises.invoiceId, ids))
      .groupBy(promises.invoiceId),
  );
  keep(
    await db
      .select({ invoiceId: installmentPlanInvoices.invoiceId, at: max(installmentPlans.createdAt) })
      .from(installmentPlanInvoices)
      .innerJoin(installmentPlans, eq(installmentPlans.id, installmentPlanInvoices.planId))
      .where(inArray(installmentPlanInvoices.invoiceId, ids))
      .groupBy(installmentPlanInvoices.invoiceId),
  );
  return latest;
}

/**
 * Each debtor's last acknowledgment of any of their open invoices, for the lists that judge a debtor
 * as a whole (call list, debtor list): their debts are all time-barred only if the newest of the due
 * dates and of these acknowledgments is. Asked only for debtors the due dates alone would bar.
 */
export async function lastAcknowledgmentsOfDebtors(db: Reader, debtorIds: readonly number[]): Promise<Map<number, Date>> {
  const latest = new Map<number, Date>();
  if (debtorIds.length === 0) return latest;
  const open = await db
    .select({ id: invoices.id, debtorId: invoices.debtorId })
    .from(invoices)
    .where(and(inArray(invoices.debtorId, [...debtorIds]), eq(invoices.status, "open")));
  const byInvoice = await lastAcknowledgments(
    db,
    open.map((i) => i.id),
  );
  for (const { id, debtorId } of open) {
    const at = byInvoice.get(id);
    if (at && (latest.get(debtorId)?.getTime() ?? -Infinity) < at.getTime()) latest.set(debtorId, at);
  }
  return latest;
}
