import { eq } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { creditors } from "../../db/tables";

/** The creditor's row, every column. */
export async function getCreditor(db: Db, creditorId: number) {
  return first(await db.select().from(creditors).where(eq(creditors.id, creditorId)));
}

/** The creditor's legal and trade names. */
export async function getCreditorNames(db: Db, creditorId: number) {
  return first(await db.select({ legalName: creditors.legalName, tradeName: creditors.tradeName }).from(creditors).where(eq(creditors.id, creditorId)));
}

/** Writes the changed settings of the creditor. */
export async function updateCreditorSettings(tx: Db, creditorId: number, changes: Partial<Omit<typeof creditors.$inferSelect, "id" | "createdAt">>) {
  await tx.update(creditors).set(changes).where(eq(creditors.id, creditorId));
}
