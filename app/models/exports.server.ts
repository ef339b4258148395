import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { debtors, invoices } from "../../db/tables";

/** The creditor's open book (open and in litigation), each invoice with its debtor's name and reference, by debtor then due date. */
export async function listOpenBookInvoices(db: Db, creditorId: number) {
  return await db
    .select({ invoice: invoices, debtorName: debtors.name, debtorRef: debtors.externalRef })
    .from(invoices)
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .where(and(eq(invoices.creditorId, creditorId), inArray(invoices.status, ["open", "litigation"])))
    .orderBy(asc(debtors.name), asc(invoices.dueDate));
}
