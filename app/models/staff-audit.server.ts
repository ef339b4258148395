import { and, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client";
import { staffAuditEvents, staffUsers } from "../../db/tables";

type Writer = Pick<Db, "insert">;
type AuditAction = (typeof staffAuditEvents.$inferInsert)["action"];

export async function recordAuditEvent(db: Writer, event: typeof staffAuditEvents.$inferInsert) {
  await db.insert(staffAuditEvents).values(event);
}

/** The creditor's latest account changes of these kinds, newest first, with who made them. */
export async function listAuditEvents(db: Pick<Db, "select">, creditorId: number, actions: AuditAction[], limit: number) {
  return await db
    .select({ id: staffAuditEvents.id, action: staffAuditEvents.action, data: staffAuditEvents.data, occurredAt: staffAuditEvents.occurredAt, actorName: staffUsers.name })
    .from(staffAuditEvents)
    .innerJoin(staffUsers, eq(staffUsers.id, staffAuditEvents.actorStaffUserId))
    .where(and(eq(staffAuditEvents.creditorId, creditorId), inArray(staffAuditEvents.action, actions)))
    .orderBy(desc(staffAuditEvents.occurredAt), desc(staffAuditEvents.id))
    .limit(limit);
}
