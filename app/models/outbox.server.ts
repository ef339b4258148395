import { and, asc, eq, inArray, isNull, lt, lte, ne, or, sql, type Column } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { instant } from "../../db/dialect";
import { callTasks, creditors, debtorContacts, debtorLinks, debtors, installments, invoices, outboundMessageInvoices, letters, outboundMessages, promises } from "../../db/tables";
import { preparedOnce } from "./prepared.server";

/**
 * What the outbox reads to compose each message, prepared once per connection: rebuilt by drizzle
 * and prepared again by SQLite for every email, these reads cost about three times the render.
 */
type Reader = Pick<Db, "select">;
const id = sql.placeholder("id");

const message = preparedOnce((db: Reader) => db.select().from(outboundMessages).where(eq(outboundMessages.id, id)).prepare());
const debtor = preparedOnce((db: Reader) => db.select().from(debtors).where(eq(debtors.id, id)).prepare());
const creditor = preparedOnce((db: Reader) => db.select().from(creditors).where(eq(creditors.id, id)).prepare());
const link = preparedOnce((db: Reader) => db.select().from(debtorLinks).where(eq(debtorLinks.id, id)).prepare());
const promise = preparedOnce((db: Reader) => db.select().from(promises).where(eq(promises.id, id)).prepare());
const installment = preparedOnce((db: Reader) => db.select().from(installments).where(eq(installments.id, id)).prepare());
const installmentCount = preparedOnce((db: Reader) =>
  db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(installments)
    .where(eq(installments.planId, sql.placeholder("planId")))
    .prepare(),
);
const covered = preparedOnce((db: Reader) =>
  db
    .select({ invoice: invoices })
    .from(outboundMessageInvoices)
    .innerJoin(invoices, eq(invoices.id, outboundMessageInvoices.invoiceId))
    .where(eq(outboundMessageInvoices.messageId, id))
    .orderBy(asc(invoices.dueDate), asc(invoices.number))
    .prepare(),
);
const openInvoices = preparedOnce((db: Reader) =>
  db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, id), eq(invoices.status, "open")))
    .orderBy(asc(invoices.dueDate))
    .prepare(),
);

export const getMessage = async (db: Reader, messageId: number) => first(await message(db).execute({ id: messageId }));
export const getMessageDebtor = async (db: Reader, debtorId: number) => first(await debtor(db).execute({ id: debtorId }));
export const getMessageCreditor = async (db: Reader, creditorId: number) => first(await creditor(db).execute({ id: creditorId }));
export const getMessageLink = async (db: Reader, linkId: number) => first(await link(db).execute({ id: linkId }));
export const getMessagePromise = async (db: Reader, promiseId: number) => first(await promise(db).execute({ id: promiseId }));
export const getMessageInstallment = async (db: Reader, installmentId: number) => first(await installment(db).execute({ id: installmentId }));
export const countInstallments = async (db: Reader, planId: number) => first(await installmentCount(db).execute({ planId }))?.n ?? 0;
/** The invoices a message concerns, by due date then number. */
export const listMessageInvoices = async (db: Reader, messageId: number) => (await covered(db).execute({ id: messageId })).map((row) => row.invoice);
/** Every open invoice of the debtor, for a message that lists them all. */
export const listOpenInvoicesOf = async (db: Reader, debtorId: number) => await openInvoices(db).execute({ id: debtorId });

const earlier = preparedOnce((db: Reader) =>
  db
    .select({ sentAt: outboundMessages.sentAt, channel: outboundMessages.channel, step: outboundMessages.step })
    .from(outboundMessages)
    .where(
      and(
        eq(outboundMessages.debtorId, sql.placeholder("debtorId")),
        inArray(outboundMessages.status, ["sent", "delivered"]),
        ne(outboundMessages.id, sql.placeholder("messageId")),
        lt(outboundMessages.sentAt, sql.placeholder("before")),
      ),
    )
    .orderBy(asc(outboundMessages.sentAt))
    .prepare(),
);

/** The debtor's messages sent before an instant, other than this one and other than the steps given (staff emails). */
export async function listEarlierContacts(db: Reader, p: { debtorId: number; messageId: number; before: Date; exceptSteps: ReadonlySet<string> }) {
  return (await earlier(db).execute({ debtorId: p.debtorId, messageId: p.messageId, before: instant(p.before) })).filter((c) => !p.exceptSteps.has(c.step));
}

/**
 * Once a message was handed over, its outbox copy keeps no usable secret (a step-up code): the
 * secret is masked in the stored body. A message not sent (failed, still queued) is left as it is.
 */
export async function maskInSentBody(db: Db, messageId: number, secret: string, mask: string) {
  const sent = first(await db.select({ bodyText: outboundMessages.bodyText }).from(outboundMessages).where(eq(outboundMessages.id, messageId)));
  await db
    .update(outboundMessages)
    .set({ bodyText: sent?.bodyText?.replaceAll(secret, mask) ?? null })
    .where(and(eq(outboundMessages.id, messageId), inArray(outboundMessages.status, ["sent", "delivered"])));
}

/** Queues a message once per key: its id, or undefined when that key was queued already. */
export async function insertMessageOnce(tx: Db, row: typeof outboundMessages.$inferInsert) {
  return first(await tx.insert(outboundMessages).values(row).onConflictDoNothing({ target: outboundMessages.key }).returning({ id: outboundMessages.id }));
}

export async function setMessageLink(tx: Db, messageId: number, linkId: number) {
  await tx.update(outboundMessages).set({ linkId }).where(eq(outboundMessages.id, messageId));
}

/** No worker holds it: never claimed, released, or its holder's lease ran out. */
export function leaseFree(leaseExpiresAt: Column, now: Date) {
  return or(isNull(leaseExpiresAt), lte(leaseExpiresAt, now));
}

/** The claim as it was read: a write made under a claim another worker has since taken changes nothing. */
export function sameClaim(message: { claimToken: string | null }) {
  return message.claimToken === null ? isNull(outboundMessages.claimToken) : eq(outboundMessages.claimToken, message.claimToken);
}

const coveredCount = sql<number>`(select count(*) from outbound_message_invoices where outbound_message_invoices.message_id = outbound_messages.id)`.mapWith(Number);

/** Pending messages whose time has come and that no worker holds, with what decides their path. */
export async function listDueMessages(db: Db, now: Date) {
  return await db
    .select({ id: outboundMessages.id, channel: outboundMessages.channel, step: outboundMessages.step, batchId: outboundMessages.batchId, covered: coveredCount })
    .from(outboundMessages)
    .where(
      and(
        eq(outboundMessages.status, "pending"),
        lte(outboundMessages.plannedFor, now),
        or(isNull(outboundMessages.nextAttemptAt), lte(outboundMessages.nextAttemptAt, now)),
        leaseFree(outboundMessages.leaseExpiresAt, now),
      ),
    )
    .orderBy(outboundMessages.id);
}

/** What decides a message's path (one call or a batch), from the row alone. */
export async function getMessageRoute(db: Db, messageId: number) {
  return first(
    await db
      .select({ status: outboundMessages.status, channel: outboundMessages.channel, step: outboundMessages.step, batchId: outboundMessages.batchId, covered: coveredCount })
      .from(outboundMessages)
      .where(eq(outboundMessages.id, messageId)),
  );
}

/** Compare-and-set of a fresh claim token on a pending row nobody holds: whether this worker won it. */
export async function claimPendingMessage(db: Db, messageId: number, token: string, leaseExpiresAt: Date, now: Date): Promise<boolean> {
  const won = await db
    .update(outboundMessages)
    .set({ claimToken: token, leaseExpiresAt })
    .where(and(eq(outboundMessages.id, messageId), eq(outboundMessages.status, "pending"), isNull(outboundMessages.batchId), leaseFree(outboundMessages.leaseExpiresAt, now)))
    .returning({ id: outboundMessages.id });
  return won.length === 1;
}

/** Whether the row is still in this status under this claim token. */
export async function isMessageHeld(db: Db, messageId: number, status: (typeof outboundMessages.$inferSelect)["status"], claimToken: string): Promise<boolean> {
  const row = first(
    await db
      .select({ id: outboundMessages.id })
      .from(outboundMessages)
      .where(and(eq(outboundMessages.id, messageId), eq(outboundMessages.status, status), eq(outboundMessages.claimToken, claimToken))),
  );
  return row !== undefined;
}

/** Cancels the pending messages planned before `before`: how many. */
export async function cancelPendingPlannedBefore(db: Db, before: Date): Promise<number> {
  return (
    await db
      .update(outboundMessages)
      .set({ status: "cancelled", lastError: "stale after downtime: the cadence plans it again" })
      .where(and(eq(outboundMessages.status, "pending"), lt(outboundMessages.plannedFor, before)))
      .returning({ id: outboundMessages.id })
  ).length;
}

/** Writes to a message under the claim it was read with (sameClaim): a claim taken over since changes nothing. */
export async function updateUnderClaim(db: Db, message: { id: number; claimToken: string | null }, set: Partial<typeof outboundMessages.$inferInsert>) {
  await db
    .update(outboundMessages)
    .set(set)
    .where(and(eq(outboundMessages.id, message.id), sameClaim(message)));
}

/** The provider refused this address: closed, so the next pass routes the step to another channel. */
export async function markEmailUndeliverable(db: Db, contactId: number | null, at: Date) {
  await db
    .update(debtorContacts)
    .set({ emailUndeliverableAt: at })
    .where(eq(debtorContacts.id, contactId ?? -1));
}

type MessageRow = typeof outboundMessages.$inferSelect;
type Claimed = { id: number; claimToken: string | null };

/** Phase A of an SMS: pending → sending under the claim, one more attempt, reconciled after `reconcileAt`. Whether it moved. */
export async function markSmsSending(db: Db, message: Claimed, attempts: number, reconcileAt: Date): Promise<boolean> {
  const claimed = await db
    .update(outboundMessages)
    .set({ status: "sending", attempts, nextAttemptAt: reconcileAt })
    .where(and(eq(outboundMessages.id, message.id), eq(outboundMessages.status, "pending"), sameClaim(message)))
    .returning({ id: outboundMessages.id });
  return claimed.length === 1;
}

/** The phone asked for no more SMS (STOP). */
export async function markSmsOptOut(db: Db, contactId: number | null, at: Date) {
  await db
    .update(debtorContacts)
    .set({ smsOptOutAt: at })
    .where(eq(debtorContacts.id, contactId ?? -1));
}

/** SMS rows left in "sending" past their reconciliation time. */
export async function listStuckSms(db: Db, now: Date) {
  return await db
    .select()
    .from(outboundMessages)
    .where(and(eq(outboundMessages.status, "sending"), eq(outboundMessages.channel, "sms"), lt(outboundMessages.nextAttemptAt, now)));
}

/** A "sending" SMS goes back to pending under the claim it was read with. */
export async function updateSendingUnderClaim(db: Db, message: Claimed, set: Partial<typeof outboundMessages.$inferInsert>) {
  await db
    .update(outboundMessages)
    .set(set)
    .where(and(eq(outboundMessages.id, message.id), eq(outboundMessages.status, "sending"), sameClaim(message)));
}

export async function insertLetterOnce(tx: Db, row: typeof letters.$inferInsert) {
  await tx.insert(letters).values(row).onConflictDoNothing({ target: letters.messageId });
}

export async function insertCallTaskOnce(tx: Db, row: typeof callTasks.$inferInsert) {
  await tx.insert(callTasks).values(row).onConflictDoNothing({ target: callTasks.messageId });
}

/**
 * Records the message as sent if it is still in status `from`: whether it was. Not fenced by the
 * claim: the provider accepted it, so it was sent, whoever holds the row now. An SMS counted its
 * attempt when it went to "sending".
 */
export async function markMessageSent(
  tx: Pick<Db, "update">,
  message: Pick<MessageRow, "id" | "channel" | "attempts">,
  from: MessageRow["status"],
  set: Partial<typeof outboundMessages.$inferInsert>,
): Promise<boolean> {
  const updated = await tx
    .update(outboundMessages)
    .set({ status: "sent", attempts: message.channel === "sms" ? sql`${outboundMessages.attempts}` : message.attempts + 1, ...set })
    .where(and(eq(outboundMessages.id, message.id), eq(outboundMessages.status, from)))
    .returning({ id: outboundMessages.id });
  return updated.length === 1;
}

/** A pending message waits for its retry, under the claim it was read with. */
export async function setRetryUnderClaim(db: Db, message: Claimed, set: Partial<typeof outboundMessages.$inferInsert>) {
  await db
    .update(outboundMessages)
    .set(set)
    .where(and(eq(outboundMessages.id, message.id), eq(outboundMessages.status, "pending"), sameClaim(message)));
}

/** Fails the message if it is still in `from` or pending, under its claim: whether it did. */
export async function markMessageFailed(
  tx: Pick<Db, "update">,
  message: Claimed,
  from: MessageRow["status"],
  set: Partial<typeof outboundMessages.$inferInsert>,
): Promise<boolean> {
  const updated = await tx
    .update(outboundMessages)
    .set({ status: "failed", ...set })
    .where(and(eq(outboundMessages.id, message.id), inArray(outboundMessages.status, [from, "pending"]), sameClaim(message)))
    .returning({ id: outboundMessages.id });
  return updated.length === 1;
}
