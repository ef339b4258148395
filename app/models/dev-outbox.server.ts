import { desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { devOutbox } from "../../db/schema";

export function listDevOutbox(db: Db, limit = 200) {
  return db
    .select({ id: devOutbox.id, channel: devOutbox.channel, toAddress: devOutbox.toAddress, subject: devOutbox.subject, text: devOutbox.text, createdAt: devOutbox.createdAt })
    .from(devOutbox)
    .orderBy(desc(devOutbox.id))
    .limit(limit)
    .all();
}

export function getDevOutboxMessage(db: Db, id: number) {
  return db.select().from(devOutbox).where(eq(devOutbox.id, id)).get();
}
