import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { debtors, invoices } from "../../db/tables";

/** The creditor's debtors with an open invoice still owed, by name. */
export async function listDebtorsWithOpenBalance(db: Db, creditorId: number) {
  return await db
    .select({ id: debtors.id, name: debtors.name })
    .from(debtors)
    .where(
      and(
        eq(debtors.creditorId, creditorId),
        sql`exists (select 1 from ${invoices} where ${invoices.debtorId} = ${debtors.id} and ${invoices.status} = 'open' and ${invoices.balanceCents} > 0)`,
      ),
    )
    .orderBy(asc(debtors.name));
}

/** The debtor's open invoices with a balance, by due date then number. */
export async function listOwedInvoices(db: Db, debtorId: number) {
  return await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open"), gt(invoices.balanceCents, 0)))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
}
