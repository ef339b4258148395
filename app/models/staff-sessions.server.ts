import { and, eq, gt, isNull, ne } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { creditors, staffSessions, staffUsers } from "../../db/tables";

export async function insertStaffSession(db: Db, session: { idHash: string; staffUserId: number; createdAt: Date; expiresAt: Date }) {
  await db.insert(staffSessions).values(session);
}

export async function deleteStaffSession(db: Db, idHash: string) {
  await db.delete(staffSessions).where(eq(staffSessions.idHash, idHash));
}

/** Every session of the member but the one kept (this browser's), if any. */
export async function deleteOtherStaffSessions(db: Db, staffUserId: number, keepIdHash: string | null) {
  await db.delete(staffSessions).where(and(eq(staffSessions.staffUserId, staffUserId), ne(staffSessions.idHash, keepIdHash ?? "")));
}

/** The active member signed in with this session, if it has not expired, with their creditor. */
export async function findStaffBySession(db: Db, idHash: string, now: Date) {
  return (
    first(
      await db
        .select({
          id: staffUsers.id,
          name: staffUsers.name,
          role: staffUsers.role,
          creditorId: staffUsers.creditorId,
          creditorName: creditors.legalName,
          creditorTimeZone: creditors.timeZone,
        })
        .from(staffSessions)
        .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
        .innerJoin(creditors, eq(creditors.id, staffUsers.creditorId))
        .where(and(eq(staffSessions.idHash, idHash), gt(staffSessions.expiresAt, now), isNull(staffUsers.disabledAt))),
    ) ?? null
  );
}
