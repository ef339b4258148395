import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { staffCodes } from "../../db/tables";

type Purpose = (typeof staffCodes.$inferSelect)["purpose"];

/** The member's live code of that purpose, if any, dies now: a new one replaces it. */
export async function expireLiveStaffCodes(db: Db, staffUserId: number, purpose: Purpose, now: Date) {
  await db
    .update(staffCodes)
    .set({ expiresAt: now })
    .where(and(eq(staffCodes.staffUserId, staffUserId), eq(staffCodes.purpose, purpose), isNull(staffCodes.usedAt), gt(staffCodes.expiresAt, now)));
}

export async function insertStaffCode(db: Db, code: { staffUserId: number; purpose: Purpose; codeHash: string; expiresAt: Date; createdAt: Date }) {
  return one(await db.insert(staffCodes).values(code).returning({ id: staffCodes.id }));
}

/** The member's latest code of that purpose, live or not: only the latest may be typed. */
export async function findLatestStaffCode(db: Db, staffUserId: number, purpose: Purpose) {
  return first(
    await db
      .select()
      .from(staffCodes)
      .where(and(eq(staffCodes.staffUserId, staffUserId), eq(staffCodes.purpose, purpose)))
      .orderBy(desc(staffCodes.id)),
  );
}

export async function setStaffCodeAttempts(db: Db, codeId: number, attempts: number) {
  await db.update(staffCodes).set({ attempts }).where(eq(staffCodes.id, codeId));
}

export async function markStaffCodeUsed(db: Db, codeId: number, at: Date) {
  await db.update(staffCodes).set({ usedAt: at }).where(eq(staffCodes.id, codeId));
}
