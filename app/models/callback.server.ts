import { and, asc, desc, eq, gt, isNotNull, isNull, like, sql } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { cadencePauses, callTasks, debtorContacts, outboundMessages } from "../../db/tables";

type Reader = Pick<Db, "select">;
type Tx = Db;

/** The number staff call by default: the primary contact's first (an SMS "STOP" does not refuse calls). */
export async function getPhoneOnFile(db: Reader, debtorId: number): Promise<string | null> {
  const row = first(
    await db
      .select({ phone: debtorContacts.phone })
      .from(debtorContacts)
      .where(and(eq(debtorContacts.debtorId, debtorId), isNotNull(debtorContacts.phone)))
      .orderBy(sql`${debtorContacts.isPrimary} desc`, asc(debtorContacts.id)),
  );
  return row?.phone ?? null;
}

/** The debtor's call-back request still in force, if any (the newest). */
export async function getOpenCallback(db: Reader, debtorId: number, now: Date) {
  return first(
    await db
      .select()
      .from(cadencePauses)
      .where(and(eq(cadencePauses.debtorId, debtorId), eq(cadencePauses.reason, "callback_requested"), isNull(cadencePauses.resolvedAt), gt(cadencePauses.endsAt, now)))
      .orderBy(desc(cadencePauses.id)),
  );
}

/**
 * Lifts the debtor's earlier call-back requests and cancels the call tasks they already produced
 * and nobody has made yet: the new request replaces them. Returns the lifted pauses.
 */
export async function replaceOpenCallbacks(tx: Tx, debtorId: number, now: Date) {
  const lifted = await tx
    .update(cadencePauses)
    .set({ resolvedAt: now })
    .where(and(eq(cadencePauses.debtorId, debtorId), eq(cadencePauses.reason, "callback_requested"), isNull(cadencePauses.resolvedAt)))
    .returning();
  for (const pause of lifted) {
    // The cadence keys a call-back's outbox row `call:callback-<pause id>:<date>:call`.
    const planned = await tx
      .select({ id: outboundMessages.id })
      .from(outboundMessages)
      .where(and(eq(outboundMessages.debtorId, debtorId), like(outboundMessages.key, `call:callback-${pause.id}:%`)));
    for (const message of planned) {
      await tx
        .update(outboundMessages)
        .set({ status: "cancelled", lastError: "replaced by a new call-back request" })
        .where(and(eq(outboundMessages.id, message.id), eq(outboundMessages.status, "pending")));
      await tx
        .update(callTasks)
        .set({ status: "cancelled", note: "replaced by a new call-back request" })
        .where(and(eq(callTasks.messageId, message.id), eq(callTasks.status, "open")));
    }
  }
  return lifted;
}

/**
 * The call-back request: a system-owned pause of the whole debtor from `now` until `endsAt` (every
 * pause has an end), which the cadence turns into a call task at `callbackAt`.
 */
export async function insertCallbackPause(tx: Tx, p: { debtorId: number; now: Date; endsAt: Date; callbackAt: Date; note: string | null }) {
  return one(
    await tx
      .insert(cadencePauses)
      .values({
        debtorId: p.debtorId,
        invoiceId: null,
        reason: "callback_requested",
        startsAt: p.now,
        endsAt: p.endsAt,
        owner: "system",
        callbackAt: p.callbackAt,
        note: p.note,
        createdAt: p.now,
      })
      .returning({ id: cadencePauses.id }),
  );
}
