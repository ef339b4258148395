import { and, eq, inArray } from "drizzle-orm";
import { one, type Db } from "../../db/client";
import { disputeFiles, disputes } from "../../db/tables";

export type NewDispute = Omit<typeof disputes.$inferInsert, "id" | "status">;
export type NewDisputeFile = Omit<typeof disputeFiles.$inferInsert, "id">;

/** The invoices of this debtor under an open dispute. */
export async function listOpenDisputedInvoiceIds(db: Db, debtorId: number): Promise<number[]> {
  return (
    await db
      .select({ invoiceId: disputes.invoiceId })
      .from(disputes)
      .where(and(eq(disputes.debtorId, debtorId), eq(disputes.status, "open")))
  ).map((d) => d.invoiceId);
}

/** The open disputes on these invoices. */
export async function listOpenDisputesOn(db: Db, invoiceIds: number[]) {
  return await db
    .select()
    .from(disputes)
    .where(and(inArray(disputes.invoiceId, invoiceIds), eq(disputes.status, "open")));
}

/** A new open dispute. */
export async function insertDispute(tx: Db, dispute: NewDispute) {
  return one(await tx.insert(disputes).values(dispute).returning({ id: disputes.id }));
}

/** A file the debtor attached to a dispute, stored under the upload directory. */
export async function insertDisputeFile(tx: Db, file: NewDisputeFile) {
  await tx.insert(disputeFiles).values(file);
}
