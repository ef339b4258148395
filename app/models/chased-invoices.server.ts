import { and, eq, inArray, notInArray, or } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { outboundMessageInvoices, outboundMessages } from "../../db/tables";

/** Whether a message about this invoice at one of these steps went out or is still due (neither cancelled nor failed). */
export async function wasInvoiceMessaged(db: Db, invoiceId: number, steps: string[]): Promise<boolean> {
  return Boolean(
    first(
      await db
        .select({ id: outboundMessages.id })
        .from(outboundMessageInvoices)
        .innerJoin(outboundMessages, eq(outboundMessages.id, outboundMessageInvoices.messageId))
        .where(
          and(
            eq(outboundMessageInvoices.invoiceId, invoiceId),
            notInArray(outboundMessages.status, ["cancelled", "failed"]),
            or(inArray(outboundMessageInvoices.step, steps), inArray(outboundMessages.step, steps)),
          ),
        ),
    ),
  );
}
