import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { instant } from "../../db/dialect";
import { debtorLinks, debtorSessions } from "../../db/tables";
import { preparedOnce } from "./prepared.server";

// Every link exchange starts one: built and prepared once per connection.
const insertSession = preparedOnce((db) =>
  db
    .insert(debtorSessions)
    .values({
      idHash: sql.placeholder("idHash"),
      debtorId: sql.placeholder("debtorId"),
      linkId: sql.placeholder("linkId"),
      createdAt: sql.placeholder("createdAt"),
      expiresAt: sql.placeholder("expiresAt"),
    })
    .prepare(),
);

export async function insertDebtorSession(db: Db, session: { idHash: string; debtorId: number; linkId: number; createdAt: Date; expiresAt: Date }) {
  await insertSession(db).execute(session);
}

const liveSession = preparedOnce((db) =>
  db
    .select({ debtorId: debtorSessions.debtorId, linkId: debtorSessions.linkId, stepUpAt: debtorSessions.stepUpAt })
    .from(debtorSessions)
    // A revoked link (contact changed, "not me", creditor's request: M14) ends the sessions opened with it too.
    .innerJoin(debtorLinks, eq(debtorLinks.id, debtorSessions.linkId))
    .where(and(eq(debtorSessions.idHash, sql.placeholder("idHash")), gt(debtorSessions.expiresAt, sql.placeholder("now")), isNull(debtorLinks.revokedAt)))
    .prepare(),
);

/** The session with this id hash, if it has not expired and its link was not revoked. */
export async function findLiveDebtorSession(db: Db, idHash: string, now: Date) {
  // expires_at is stored as UTC milliseconds; a placeholder takes the stored form.
  return first(await liveSession(db).execute({ idHash, now: instant(now) }));
}

/** The debtor proved, with a code, that the link was theirs (M10). */
export async function markDebtorSessionSteppedUp(db: Db, idHash: string, at: Date) {
  await db.update(debtorSessions).set({ stepUpAt: at }).where(eq(debtorSessions.idHash, idHash));
}
