import { and, eq, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { debtorContacts, debtors, outboundMessages } from "../../db/tables";

/**
 * The contacts a "send me a new link" request for this address may reach: only an address already on
 * file (M17, M18), not opted out, of a debtor with an open invoice. `address` is trimmed and lower-cased.
 */
export async function listContactsForNewLink(db: Db, address: string) {
  return await db
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
}

/**
 * Claims the day's "new_link" email to this contact: its key carries the contact and the day, so a
 * second request the same day claims nothing (undefined).
 */
export async function claimNewLinkMessage(
  tx: Db,
  p: { contactId: number; day: string; creditorId: number; debtorId: number; locale: "fr" | "en"; toAddress: string | null; now: Date },
) {
  return first(
    await tx
      .insert(outboundMessages)
      .values({
        key: `new_link:contact-${p.contactId}:${p.day}:email`,
        creditorId: p.creditorId,
        debtorId: p.debtorId,
        contactId: p.contactId,
        step: "new_link",
        channel: "email",
        status: "pending",
        locale: p.locale,
        toAddress: p.toAddress,
        plannedFor: p.now,
      })
      .onConflictDoNothing({ target: outboundMessages.key })
      .returning({ id: outboundMessages.id }),
  );
}

/** The link a claimed "new_link" message carries. */
export async function setMessageLink(tx: Db, messageId: number, linkId: number) {
  await tx.update(outboundMessages).set({ linkId }).where(eq(outboundMessages.id, messageId));
}
