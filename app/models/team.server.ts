import { and, eq, isNull, ne, sql } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { creditors, staffSessions, staffUsers } from "../../db/tables";

/** The creditor's members, by name, with whether each has set a password. */
export async function listTeamMembers(db: Db, creditorId: number) {
  return await db
    .select({
      id: staffUsers.id,
      name: staffUsers.name,
      email: staffUsers.email,
      role: staffUsers.role,
      disabledAt: staffUsers.disabledAt,
      hasPassword: sql<number>`${staffUsers.passwordHash} is not null`.mapWith(Number),
    })
    .from(staffUsers)
    .where(eq(staffUsers.creditorId, creditorId))
    .orderBy(staffUsers.name, staffUsers.id);
}

/** Only a member of this creditor: another creditor's id finds nothing, like a missing one. */
export async function getTeamMember(db: Pick<Db, "select">, creditorId: number, memberId: number) {
  return first(
    await db
      .select()
      .from(staffUsers)
      .where(and(eq(staffUsers.id, memberId), eq(staffUsers.creditorId, creditorId))),
  );
}

export async function countOtherActiveOwners(db: Pick<Db, "select">, creditorId: number, exceptId: number): Promise<number> {
  return (
    first(
      await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(staffUsers)
        .where(and(eq(staffUsers.creditorId, creditorId), eq(staffUsers.role, "owner"), isNull(staffUsers.disabledAt), ne(staffUsers.id, exceptId))),
    )?.n ?? 0
  );
}

export async function setMemberRole(tx: Db, creditorId: number, memberId: number, role: typeof staffUsers.$inferSelect.role) {
  await tx
    .update(staffUsers)
    .set({ role })
    .where(and(eq(staffUsers.id, memberId), eq(staffUsers.creditorId, creditorId)));
}

/** Disables (a date) or enables (null) the member's access. */
export async function setMemberDisabledAt(tx: Db, creditorId: number, memberId: number, disabledAt: Date | null) {
  await tx
    .update(staffUsers)
    .set({ disabledAt })
    .where(and(eq(staffUsers.id, memberId), eq(staffUsers.creditorId, creditorId)));
}

export async function deleteStaffSessionsOf(tx: Db, staffUserId: number) {
  await tx.delete(staffSessions).where(eq(staffSessions.staffUserId, staffUserId));
}

/** A staff account with this email, whatever the creditor (compared in lower case), or undefined. */
export async function findStaffByEmail(db: Db, email: string) {
  return first(
    await db
      .select({ id: staffUsers.id })
      .from(staffUsers)
      .where(sql`lower(${staffUsers.email}) = ${email}`),
  );
}

export async function insertTeamMember(tx: Db, member: { creditorId: number; email: string; name: string; role: typeof staffUsers.$inferSelect.role; createdAt: Date }) {
  return one(
    await tx
      .insert(staffUsers)
      .values({ ...member, passwordHash: null })
      .returning({ id: staffUsers.id }),
  );
}

/** The creditor's legal name, for the welcome email. */
export async function getCreditorLegalName(db: Db, creditorId: number) {
  return first(await db.select({ name: creditors.legalName }).from(creditors).where(eq(creditors.id, creditorId)));
}
