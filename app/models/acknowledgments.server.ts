import { and, eq, inArray, max } from "drizzle-orm";
import type { Db } from "../../db/client";
import { installmentPlanInvoices, installmentPlans, payments, promises } from "../../db/schema";

type Reader = Pick<Db, "select">;

/**
 * When the debtor last acknowledged each invoice (C. civ. 2240: it interrupts prescription, and a new
 * period of the same length starts, art. 2231): a payment received, a promise to pay, or a plan they
 * proposed covering it. Asked only for the few invoices that would otherwise be time-barred.
 */
export function lastAcknowledgments(db: Reader, invoiceIds: readonly number[]): Map<number, Date> {
  const latest = new Map<number, Date>();
  if (invoiceIds.length === 0) return latest;
  const ids = [...invoiceIds];
  const keep = (rows: { invoiceId: number; at: Date | null }[]) => {
    for (const { invoiceId, at } of rows) if (at && (latest.get(invoiceId)?.getTime() ?? -Infinity) < at.getTime()) latest.set(invoiceId, at);
  };
  keep(
    db
      .select({ invoiceId: payments.invoiceId, at: max(payments.receivedAt) })
      .from(payments)
      .where(and(inArray(payments.invoiceId, ids), eq(payments.kind, "payment")))
      .groupBy(payments.invoiceId)
      .all(),
  );
  keep(db.select({ invoiceId: promises.invoiceId, at: max(promises.createdAt) }).from(promises).where(inArray(promises.invoiceId, ids)).groupBy(promises.invoiceId).all());
  keep(
    db
      .select({ invoiceId: installmentPlanInvoices.invoiceId, at: max(installmentPlans.createdAt) })
      .from(installmentPlanInvoices)
      .innerJoin(installmentPlans, eq(installmentPlans.id, installmentPlanInvoices.planId))
      .where(inArray(installmentPlanInvoices.invoiceId, ids))
      .groupBy(installmentPlanInvoices.invoiceId)
      .all(),
  );
  return latest;
}
