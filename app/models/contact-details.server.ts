import { and, desc, eq, isNotNull, isNull } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { debtorContacts, debtors } from "../../db/tables";
import type { PreferredChannel } from "../domain/contact-details";

/** What the debtor's contact preferences page shows and compares against: their channel, their PO number, the primary contact, a textable phone. */
export async function getContactDetails(db: Db, debtorId: number) {
  const debtor = first(await db.select({ preferredChannel: debtors.preferredChannel, purchaseOrderRef: debtors.purchaseOrderRef }).from(debtors).where(eq(debtors.id, debtorId)))!;
  const primary = first(await db.select().from(debtorContacts).where(eq(debtorContacts.debtorId, debtorId)).orderBy(desc(debtorContacts.isPrimary), desc(debtorContacts.id)));
  const hasPhone =
    first(
      await db
        .select({ id: debtorContacts.id })
        .from(debtorContacts)
        .where(and(eq(debtorContacts.debtorId, debtorId), isNotNull(debtorContacts.phone), isNull(debtorContacts.smsOptOutAt))),
    ) !== undefined;
  return { ...debtor, primary, hasPhone };
}

/** The debtor's preferred channel and purchase-order number, as they set them. */
export async function setContactPreferences(tx: Db, debtorId: number, p: { preferredChannel: PreferredChannel; purchaseOrderRef: string | null }) {
  await tx.update(debtors).set({ preferredChannel: p.preferredChannel, purchaseOrderRef: p.purchaseOrderRef }).where(eq(debtors.id, debtorId));
}

/** A new primary contact the debtor gave; returns its id. */
export async function replacePrimaryContact(tx: Db, debtorId: number, contact: { name: string; email: string | null; phone: string | null }, now: Date): Promise<number> {
  // The old contact stays on file (history, and the notice to the previous address); only its primary flag goes.
  await tx.update(debtorContacts).set({ isPrimary: false }).where(eq(debtorContacts.debtorId, debtorId));
  return one(
    await tx
      .insert(debtorContacts)
      .values({
        debtorId,
        name: contact.name,
        role: "accounts_payable",
        email: contact.email,
        phone: contact.phone,
        isPrimary: true,
        createdAt: now,
      })
      .returning({ id: debtorContacts.id }),
  ).id;
}
