import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { debtors, invoices } from "../../db/tables";

/** Ids of the creditor's debtors. */
export async function listDebtorIdsOfCreditor(db: Db, creditorId: number): Promise<number[]> {
  return (await db.select({ id: debtors.id }).from(debtors).where(eq(debtors.creditorId, creditorId))).map((d) => d.id);
}

/** Names and zones of these debtors. */
export async function listDebtorNames(db: Db, debtorIds: readonly number[]) {
  return await db
    .select({ id: debtors.id, name: debtors.name, tz: debtors.timeZone })
    .from(debtors)
    .where(inArray(debtors.id, [...debtorIds]));
}

/** Numbers of these debtors' invoices. */
export async function listInvoiceNumbersOfDebtors(db: Db, debtorIds: readonly number[]) {
  return await db
    .select({ id: invoices.id, number: invoices.number })
    .from(invoices)
    .where(inArray(invoices.debtorId, [...debtorIds]));
}
