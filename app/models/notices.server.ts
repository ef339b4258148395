import { eq } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { debtors } from "../../db/tables";

/** The debtor a notice goes to. */
export async function getNoticeDebtor(tx: Db, debtorId: number) {
  return first(await tx.select().from(debtors).where(eq(debtors.id, debtorId)));
}
