import { and, eq, isNull, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { creditors, staffUsers } from "../../db/tables";

/** The active member with this email (case-insensitive), with what a code email needs. */
export async function findActiveStaffByEmail(db: Db, email: string) {
  return (
    first(
      await db
        .select({ id: staffUsers.id, name: staffUsers.name, email: staffUsers.email, passwordHash: staffUsers.passwordHash, creditorName: creditors.legalName })
        .from(staffUsers)
        .innerJoin(creditors, eq(creditors.id, staffUsers.creditorId))
        .where(and(sql`lower(${staffUsers.email}) = ${email.trim().toLowerCase()}`, isNull(staffUsers.disabledAt))),
    ) ?? null
  );
}

/** The member's email and password hash (null when they sign in by code only). */
export async function getStaffCredentials(db: Db, staffUserId: number) {
  return first(await db.select({ email: staffUsers.email, passwordHash: staffUsers.passwordHash }).from(staffUsers).where(eq(staffUsers.id, staffUserId)));
}

export async function setStaffPasswordHash(db: Db, staffUserId: number, passwordHash: string) {
  await db.update(staffUsers).set({ passwordHash }).where(eq(staffUsers.id, staffUserId));
}
