import { inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { creditors, debtors, invoices } from "../../db/tables";

/** What invoice copies are drawn from: these invoices (unknown ids are missing), their creditors and debtors by id. */
export async function loadInvoiceCopyFacts(db: Db, invoiceIds: readonly number[]) {
  const rows = await db
    .select()
    .from(invoices)
    .where(inArray(invoices.id, [...invoiceIds]));
  const creditorIds = rows.map((r) => r.creditorId);
  const debtorIds = rows.map((r) => r.debtorId);
  const creditorRows = new Map((await db.select().from(creditors).where(inArray(creditors.id, creditorIds))).map((c) => [c.id, c]));
  const debtorRows = new Map((await db.select().from(debtors).where(inArray(debtors.id, debtorIds))).map((d) => [d.id, d]));
  return { invoices: rows, creditors: creditorRows, debtors: debtorRows };
}
