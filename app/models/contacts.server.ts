import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { debtorContacts } from "../../db/tables";

type Reader = Pick<Db, "select">;

/** The address to write to: the primary contact first, never one that bounced or opted out. */
export async function usableEmailContact(db: Reader, debtorId: number) {
  return first(
    await db
      .select()
      .from(debtorContacts)
      .where(and(eq(debtorContacts.debtorId, debtorId), isNotNull(debtorContacts.email), isNull(debtorContacts.emailOptOutAt), isNull(debtorContacts.emailUndeliverableAt)))
      .orderBy(sql`${debtorContacts.isPrimary} desc`, debtorContacts.id),
  );
}

/** The phone to text: the primary contact first, never one that answered STOP. */
export async function usableSmsContact(db: Reader, debtorId: number) {
  return first(
    await db
      .select()
      .from(debtorContacts)
      .where(and(eq(debtorContacts.debtorId, debtorId), isNotNull(debtorContacts.phone), isNull(debtorContacts.smsOptOutAt)))
      .orderBy(sql`${debtorContacts.isPrimary} desc`, debtorContacts.id),
  );
}
