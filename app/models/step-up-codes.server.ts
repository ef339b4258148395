import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { stepUpCodes } from "../../db/tables";

/** The code this session may type now, if any. */
export async function findLiveStepUpCode(db: Db, sessionHash: string, debtorId: number, now: Date) {
  return first(
    await db
      .select()
      .from(stepUpCodes)
      .where(and(eq(stepUpCodes.sessionHash, sessionHash), eq(stepUpCodes.debtorId, debtorId), isNull(stepUpCodes.usedAt), gt(stepUpCodes.expiresAt, now)))
      .orderBy(desc(stepUpCodes.id)),
  );
}

/** One live code per session: a new one replaces the previous. */
export async function expireLiveStepUpCodes(db: Db, sessionHash: string, now: Date) {
  await db
    .update(stepUpCodes)
    .set({ expiresAt: now })
    .where(and(eq(stepUpCodes.sessionHash, sessionHash), isNull(stepUpCodes.usedAt), gt(stepUpCodes.expiresAt, now)));
}

export async function insertStepUpCode(db: Db, code: { sessionHash: string; debtorId: number; codeHash: string; sentTo: string; expiresAt: Date; createdAt: Date }) {
  return one(await db.insert(stepUpCodes).values(code).returning({ id: stepUpCodes.id }));
}

/** Every code this session was sent, newest first. */
export async function listStepUpCodesOfSession(db: Db, sessionHash: string, debtorId: number) {
  return await db
    .select()
    .from(stepUpCodes)
    .where(and(eq(stepUpCodes.sessionHash, sessionHash), eq(stepUpCodes.debtorId, debtorId)))
    .orderBy(desc(stepUpCodes.id));
}

export async function setStepUpCodeAttempts(db: Db, codeId: number, attempts: number) {
  await db.update(stepUpCodes).set({ attempts }).where(eq(stepUpCodes.id, codeId));
}

export async function markStepUpCodeUsed(db: Db, codeId: number, at: Date) {
  await db.update(stepUpCodes).set({ usedAt: at }).where(eq(stepUpCodes.id, codeId));
}
