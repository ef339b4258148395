import { desc, eq } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { devOutbox } from "../../db/tables";

export async function listDevOutbox(db: Db, limit = 200) {
  return await db
    .select({ id: devOutbox.id, channel: devOutbox.channel, toAddress: devOutbox.toAddress, subject: devOutbox.subject, text: devOutbox.text, createdAt: devOutbox.createdAt })
    .from(devOutbox)
    .orderBy(desc(devOutbox.id))
    .limit(limit);
}

export async function getDevOutboxMessage(db: Db, id: number) {
  return first(await db.select().from(devOutbox).where(eq(devOutbox.id, id)));
}

/**
 * Keeps a message in the development outbox, once per idempotency key (as Resend deduplicates), and
 * returns the id of the row that holds it: this one, or the one kept the first time.
 */
export async function keepInDevOutbox(db: Db, message: typeof devOutbox.$inferInsert & { idempotencyKey: string }) {
  await db.insert(devOutbox).values(message).onConflictDoNothing({ target: devOutbox.idempotencyKey });
  const kept = await db.query.devOutbox.findFirst({ where: (row, { eq }) => eq(row.idempotencyKey, message.idempotencyKey) });
  return kept?.id;
}

/** The SMS kept for this number since that instant. */
export async function listDevOutboxSmsTo(db: Db, to: string, since: Date) {
  return await db.query.devOutbox.findMany({ where: (row, { and, eq, gte }) => and(eq(row.channel, "sms"), eq(row.toAddress, to), gte(row.createdAt, since)) });
}
