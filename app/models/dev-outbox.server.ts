import { desc, eq } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { devOutbox } from "../../db/schema";

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
