import { and, asc, desc, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { cadencePauses, debtorContacts, debtors, invoices, outboundMessageInvoices, outboundMessages, payments, timelineEvents } from "../../db/schema";

/** One debtor of this creditor, or undefined (another creditor's debtor looks missing). */
export function getDebtorOfCreditor(db: Db, creditorId: number, debtorId: number) {
  return db.select().from(debtors).where(and(eq(debtors.id, debtorId), eq(debtors.creditorId, creditorId))).get();
}

export function listDebtorInvoices(db: Db, debtorId: number) {
  return db.select().from(invoices).where(eq(invoices.debtorId, debtorId)).orderBy(asc(invoices.dueDate), asc(invoices.number)).all();
}

export function listDebtorContacts(db: Db, debtorId: number) {
  return db.select().from(debtorContacts).where(eq(debtorContacts.debtorId, debtorId)).orderBy(desc(debtorContacts.isPrimary), asc(debtorContacts.id)).all();
}

/**
 * The debtor's timeline, newest first, with the messages it mentions (their stored content). With
 * an invoice, only what concerns it: its own events and the messages that listed it.
 */
export function listDebtorTimeline(db: Db, debtorId: number, invoiceId?: number) {
  const aboutInvoice = invoiceId
    ? db.select({ id: outboundMessageInvoices.messageId }).from(outboundMessageInvoices).where(eq(outboundMessageInvoices.invoiceId, invoiceId)).all().map((r) => r.id)
    : [];
  // One debtor's history is short enough to filter here, which keeps the invoice view's rule readable.
  const events = db
    .select()
    .from(timelineEvents)
    .where(eq(timelineEvents.debtorId, debtorId))
    .orderBy(desc(timelineEvents.occurredAt), desc(timelineEvents.id))
    .all();
  const messageIds = events.map((e) => Number(e.data.messageId)).filter((id) => Number.isSafeInteger(id) && id > 0);
  const messages = new Map(
    (messageIds.length ? db.select().from(outboundMessages).where(inArray(outboundMessages.id, messageIds)).all() : []).map((m) => [m.id, m]),
  );
  const relevant = new Set(aboutInvoice);
  return events
    .filter((e) => !invoiceId || e.invoiceId === invoiceId || relevant.has(Number(e.data.messageId)))
    .map((e) => ({ event: e, message: messages.get(Number(e.data.messageId)) }));
}

/** Money received on invoices already settled, to give back (the newest first). */
export function listDebtorOverpayments(db: Db, debtorId: number) {
  return db
    .select({ payment: payments, number: invoices.number })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(and(eq(invoices.debtorId, debtorId), eq(payments.kind, "overpayment")))
    .orderBy(desc(payments.receivedAt), desc(payments.id))
    .all();
}

/** The debtor's running staff hold, if any (a whole-debtor pause staff placed with an end date). */
export function getActiveStaffHold(db: Pick<Db, "select">, debtorId: number, now: Date) {
  return db
    .select()
    .from(cadencePauses)
    .where(and(eq(cadencePauses.debtorId, debtorId), eq(cadencePauses.reason, "staff_hold"), isNull(cadencePauses.resolvedAt), isNull(cadencePauses.invoiceId), gt(cadencePauses.endsAt, now)))
    .orderBy(desc(cadencePauses.endsAt))
    .get();
}

/** A new hold replaces the running one: one end date at a time, the latest staff gave. */
export function placeStaffHold(tx: Pick<Db, "select" | "insert" | "update">, hold: { debtorId: number; endsAt: Date; note: string }, now: Date): number {
  liftStaffHolds(tx, hold.debtorId, now);
  return tx
    .insert(cadencePauses)
    .values({ debtorId: hold.debtorId, reason: "staff_hold", owner: "staff", startsAt: now, endsAt: hold.endsAt, note: hold.note })
    .returning({ id: cadencePauses.id })
    .get().id;
}

/** Ends every running staff hold of the debtor now; how many there were. */
export function liftStaffHolds(tx: Pick<Db, "update">, debtorId: number, now: Date): number {
  return tx
    .update(cadencePauses)
    .set({ resolvedAt: now })
    .where(and(eq(cadencePauses.debtorId, debtorId), eq(cadencePauses.reason, "staff_hold"), isNull(cadencePauses.resolvedAt)))
    .run().changes;
}
