import { and, eq, inArray, ne, notInArray } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { creditors, debtors, invoices, outboundMessages } from "../../db/tables";

type Reader = Pick<Db, "select">;

/** The debtor an SMS goes to and its creditor, or undefined when either vanished. */
export async function getSmsParties(db: Reader, debtorId: number) {
  const debtor = first(await db.select().from(debtors).where(eq(debtors.id, debtorId)));
  const creditor = debtor && first(await db.select().from(creditors).where(eq(creditors.id, debtor.creditorId)));
  return { debtor, creditor };
}

/** The invoices an SMS covers: the listed ones, or every open one of the debtor when none is listed. */
export async function listSmsInvoices(db: Reader, debtorId: number, invoiceIds: number[]) {
  return invoiceIds.length
    ? await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, debtorId), inArray(invoices.id, invoiceIds)))
    : await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")));
}

/** Whether no other message has gone, or is going, to this debtor: a call task is not a message they receive. */
export async function isFirstContact(tx: Reader, debtorId: number, messageId: number): Promise<boolean> {
  const earlier = first(
    await tx
      .select({ id: outboundMessages.id })
      .from(outboundMessages)
      .where(
        and(
          eq(outboundMessages.debtorId, debtorId),
          ne(outboundMessages.id, messageId),
          ne(outboundMessages.channel, "call"),
          notInArray(outboundMessages.status, ["cancelled", "failed"]),
        ),
      )
      .limit(1),
  );
  return earlier === undefined;
}
