import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { emailBatches, outboundMessages } from "../../db/tables";
import { leaseFree } from "./outbox.server";

/** Resend batches of emails without attachments: the batch row (claim, lease, stored payload) and the messages it carries. */

export type EmailBatch = typeof emailBatches.$inferSelect;

export async function insertBatch(tx: Db, row: { createdAt: Date; claimToken: string; leaseExpiresAt: Date }): Promise<{ id: number }> {
  return one(await tx.insert(emailBatches).values(row).returning({ id: emailBatches.id }));
}

/** Puts these pending, unbatched messages in the batch: how many it took. */
export async function assignToBatch(tx: Db, messageIds: number[], batchId: number, nextAttemptAt: Date): Promise<number> {
  return (
    await tx
      .update(outboundMessages)
      .set({ batchId, nextAttemptAt })
      .where(and(inArray(outboundMessages.id, messageIds), eq(outboundMessages.status, "pending"), isNull(outboundMessages.batchId)))
      .returning({ id: outboundMessages.id })
  ).length;
}

export async function deleteBatch(tx: Db, batchId: number) {
  await tx.delete(emailBatches).where(eq(emailBatches.id, batchId));
}

/** Compare-and-set of a new claim token on an unsent batch nobody holds: whether this worker won it. */
export async function retakeBatchClaim(db: Db, batchId: number, claimToken: string, leaseExpiresAt: Date, now: Date): Promise<boolean> {
  const won = await db
    .update(emailBatches)
    .set({ claimToken, leaseExpiresAt })
    .where(and(eq(emailBatches.id, batchId), isNull(emailBatches.sentAt), leaseFree(emailBatches.leaseExpiresAt, now)))
    .returning({ id: emailBatches.id });
  return won.length === 1;
}

export async function getBatch(db: Db, batchId: number) {
  return first(await db.select().from(emailBatches).where(eq(emailBatches.id, batchId)));
}

export async function listPendingInBatch(db: Db, batchId: number) {
  return await db
    .select({ id: outboundMessages.id })
    .from(outboundMessages)
    .where(and(eq(outboundMessages.batchId, batchId), eq(outboundMessages.status, "pending")))
    .orderBy(outboundMessages.id);
}

/** The message leaves the batch, if it is still in it. */
export async function leaveBatch(db: Db, messageId: number, batchId: number) {
  await db
    .update(outboundMessages)
    .set({ batchId: null })
    .where(and(eq(outboundMessages.id, messageId), eq(outboundMessages.batchId, batchId)));
}

/** Stores the composed emails unless the batch has some already or was sent: first writer wins. */
export async function storeBatchPayload(db: Db, batchId: number, payload: string) {
  await db
    .update(emailBatches)
    .set({ payload })
    .where(and(eq(emailBatches.id, batchId), isNull(emailBatches.payload), isNull(emailBatches.sentAt)));
}

/** Whether the batch is unsent and still under this claim token. */
export async function holdsBatch(reader: Pick<Db, "select">, batchId: number, claimToken: string): Promise<boolean> {
  return (
    first(
      await reader
        .select({ id: emailBatches.id })
        .from(emailBatches)
        .where(and(eq(emailBatches.id, batchId), isNull(emailBatches.sentAt), eq(emailBatches.claimToken, claimToken))),
    ) !== undefined
  );
}

/** One more call made, the claim released; `sentAt` when it succeeded (the stored payload goes then). */
export async function recordBatchAttempt(tx: Db, batchId: number, sentAt: Date | null) {
  await tx
    .update(emailBatches)
    .set({ attempts: sql`${emailBatches.attempts} + 1`, claimToken: null, leaseExpiresAt: null, ...(sentAt ? { sentAt, payload: null } : {}) })
    .where(eq(emailBatches.id, batchId));
}

export async function listMessagesByIds(tx: Db, messageIds: number[]) {
  return await tx.select().from(outboundMessages).where(inArray(outboundMessages.id, messageIds));
}

/** A pending message of a failed batch waits for its retry. */
export async function setBatchMessageRetry(tx: Db, messageId: number, p: { attempts: number; lastError: string; nextAttemptAt: Date }) {
  await tx
    .update(outboundMessages)
    .set(p)
    .where(and(eq(outboundMessages.id, messageId), eq(outboundMessages.status, "pending")));
}
