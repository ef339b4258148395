import { and, eq } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { letters } from "../../db/tables";

/** The creditor's letter still waiting to be posted, or undefined. */
export async function getLetterToPost(db: Db, creditorId: number, letterId: number) {
  return first(
    await db
      .select()
      .from(letters)
      .where(and(eq(letters.id, letterId), eq(letters.creditorId, creditorId), eq(letters.status, "to_post"))),
  );
}

/** Records that the letter left by registered mail, with its tracking number. */
export async function setLetterPosted(tx: Db, letterId: number, trackingNumber: string, at: Date) {
  await tx.update(letters).set({ status: "posted", trackingNumber, postedAt: at }).where(eq(letters.id, letterId));
}

/** One letter of this creditor, whatever its status, or undefined. */
export async function getLetterOfCreditor(db: Db, creditorId: number, letterId: number) {
  return first(
    await db
      .select()
      .from(letters)
      .where(and(eq(letters.id, letterId), eq(letters.creditorId, creditorId))),
  );
}
