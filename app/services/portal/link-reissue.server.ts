import { and, eq, sql } from "drizzle-orm";
import { debtorContacts, debtors, outboundMessages } from "../../../db/schema";
import { localDate } from "../../domain/dates";
import { insertLink } from "../shared/links.server";
import { deliverMessage, type OutboxDeps } from "../shared/outbox.server";
import { first, transaction } from "../../../db/client";

/**
 * "Send me a new link": only ever to a contact already on file (M17, M18), at most once a day per
 * contact (the message key carries the day), and the answer never says whether the address is known.
 */
export async function requestNewLink(deps: OutboxDeps, email: string): Promise<void> {
  const { db, env, now } = deps;
  const address = email.trim().toLowerCase();
  const contacts = await db
    .select({ contactId: debtorContacts.id, email: debtorContacts.email, debtor: debtors })
    .from(debtorContacts)
    .innerJoin(debtors, eq(debtors.id, debtorContacts.debtorId))
    .where(
      and(
        sql`lower(${debtorContacts.email}) = ${address}`,
        sql`${debtorContacts.emailOptOutAt} is null`,
        sql`exists (select 1 from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open')`,
      ),
    );

  for (const contact of contacts) {
    const messageId = await transaction(db, async (tx) => {
      const today = localDate(now, contact.debtor.timeZone);
      const claimed = first(
        await tx
          .insert(outboundMessages)
          .values({
            key: `new_link:contact-${contact.contactId}:${today}:email`,
            creditorId: contact.debtor.creditorId,
            debtorId: contact.debtor.id,
            contactId: contact.contactId,
            step: "new_link",
            channel: "email",
            status: "pending",
            locale: contact.debtor.locale,
            toAddress: contact.email,
            plannedFor: now,
          })
          .onConflictDoNothing({ target: outboundMessages.key })
          .returning({ id: outboundMessages.id }),
      );
      if (!claimed) return null;
      const link = await insertLink(tx, env, {
        debtorId: contact.debtor.id,
        invoiceIds: [],
        channel: "reissue",
        sentTo: contact.email,
        now,
      });
      await tx.update(outboundMessages).set({ linkId: link.id }).where(eq(outboundMessages.id, claimed.id));
      return claimed.id;
    });
    // Sent at once; if the provider is down the row stays pending and the job retries it.
    if (messageId !== null) await deliverMessage(deps, messageId);
  }
}
