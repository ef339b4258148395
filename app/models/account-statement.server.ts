import { and, asc, eq, gt, inArray, ne } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { creditors, debtors, invoices, payments } from "../../db/tables";

/** The debtor and its creditor, as the statement names them. */
export async function getStatementParties(db: Db, debtorId: number) {
  return first(await db.select({ debtor: debtors, creditor: creditors }).from(debtors).innerJoin(creditors, eq(creditors.id, debtors.creditorId)).where(eq(debtors.id, debtorId)));
}

/** The debtor's open invoices with a balance, by due date then number. */
export async function listStatementInvoices(db: Db, debtorId: number) {
  return await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open"), gt(invoices.balanceCents, 0)))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
}

/** What was received on these invoices of the debtor, oldest first. */
export async function listStatementPayments(db: Db, debtorId: number, invoiceIds: number[]) {
  return await db
    .select({ invoiceNumber: invoices.number, amountCents: payments.amountCents, currency: payments.currency, kind: payments.kind, receivedAt: payments.receivedAt })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    // An overpayment never reached the balance: the statement shows what did.
    .where(and(eq(invoices.debtorId, debtorId), inArray(payments.invoiceId, invoiceIds), ne(payments.kind, "overpayment")))
    .orderBy(asc(payments.receivedAt));
}
