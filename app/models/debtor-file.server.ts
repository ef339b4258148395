import { and, asc, desc, eq, gt, inArray, isNull } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import {
  cadencePauses,
  debtorContacts,
  debtors,
  disputeFiles,
  disputes,
  invoices,
  outboundMessageInvoices,
  outboundMessages,
  paymentClaims,
  payments,
  timelineEvents,
} from "../../db/tables";

/** One debtor of this creditor, or undefined (another creditor's debtor looks missing). */
export async function getDebtorOfCreditor(db: Db, creditorId: number, debtorId: number) {
  return first(
    await db
      .select()
      .from(debtors)
      .where(and(eq(debtors.id, debtorId), eq(debtors.creditorId, creditorId))),
  );
}

export async function listDebtorInvoices(db: Db, debtorId: number) {
  return await db.select().from(invoices).where(eq(invoices.debtorId, debtorId)).orderBy(asc(invoices.dueDate), asc(invoices.number));
}

export async function listDebtorContacts(db: Db, debtorId: number) {
  return await db.select().from(debtorContacts).where(eq(debtorContacts.debtorId, debtorId)).orderBy(desc(debtorContacts.isPrimary), asc(debtorContacts.id));
}

/**
 * The debtor's timeline, newest first, with the messages it mentions (their stored content). With
 * an invoice, only what concerns it: its own events and the messages that listed it.
 */
export async function listDebtorTimeline(db: Db, debtorId: number, invoiceId?: number) {
  const aboutInvoice = invoiceId
    ? (await db.select({ id: outboundMessageInvoices.messageId }).from(outboundMessageInvoices).where(eq(outboundMessageInvoices.invoiceId, invoiceId))).map((r) => r.id)
    : [];
  // One debtor's history is short enough to filter here, which keeps the invoice view's rule readable.
  const events = await db.select().from(timelineEvents).where(eq(timelineEvents.debtorId, debtorId)).orderBy(desc(timelineEvents.occurredAt), desc(timelineEvents.id));
  const messageIds = events.map((e) => Number(e.data.messageId)).filter((id) => Number.isSafeInteger(id) && id > 0);
  const messages = new Map((messageIds.length ? await db.select().from(outboundMessages).where(inArray(outboundMessages.id, messageIds)) : []).map((m) => [m.id, m]));
  const relevant = new Set(aboutInvoice);
  return events
    .filter((e) => !invoiceId || e.invoiceId === invoiceId || relevant.has(Number(e.data.messageId)))
    .map((e) => ({ event: e, message: messages.get(Number(e.data.messageId)) }));
}

/** Money received on invoices already settled, to give back (the newest first). */
export async function listDebtorOverpayments(db: Db, debtorId: number) {
  return await db
    .select({ payment: payments, number: invoices.number })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(and(eq(invoices.debtorId, debtorId), eq(payments.kind, "overpayment")))
    .orderBy(desc(payments.receivedAt), desc(payments.id));
}

/** The debtor's running staff hold, if any (a whole-debtor pause staff placed with an end date). */
export async function getActiveStaffHold(db: Pick<Db, "select">, debtorId: number, now: Date) {
  return first(
    await db
      .select()
      .from(cadencePauses)
      .where(
        and(
          eq(cadencePauses.debtorId, debtorId),
          eq(cadencePauses.reason, "staff_hold"),
          isNull(cadencePauses.resolvedAt),
          isNull(cadencePauses.invoiceId),
          gt(cadencePauses.endsAt, now),
        ),
      )
      .orderBy(desc(cadencePauses.endsAt)),
  );
}

/** A new hold replaces the running one: one end date at a time, the latest staff gave. */
export async function placeStaffHold(tx: Pick<Db, "select" | "insert" | "update">, hold: { debtorId: number; endsAt: Date; note: string }, now: Date): Promise<number> {
  await liftStaffHolds(tx, hold.debtorId, now);
  return one(
    await tx
      .insert(cadencePauses)
      .values({ debtorId: hold.debtorId, reason: "staff_hold", owner: "staff", startsAt: now, endsAt: hold.endsAt, note: hold.note })
      .returning({ id: cadencePauses.id }),
  ).id;
}

/** Ends every running staff hold of the debtor now; how many there were. */
export async function liftStaffHolds(tx: Pick<Db, "update">, debtorId: number, now: Date): Promise<number> {
  return (
    await tx
      .update(cadencePauses)
      .set({ resolvedAt: now })
      .where(and(eq(cadencePauses.debtorId, debtorId), eq(cadencePauses.reason, "staff_hold"), isNull(cadencePauses.resolvedAt)))
      .returning({ id: cadencePauses.id })
  ).length;
}

/** A dispute's evidence file, if the dispute is of one of this creditor's debtors. */
export async function getDisputeFileOfCreditor(db: Db, creditorId: number, fileId: number) {
  return first(
    await db
      .select({ path: disputeFiles.storagePath, name: disputeFiles.originalName, type: disputeFiles.contentType })
      .from(disputeFiles)
      .innerJoin(disputes, eq(disputes.id, disputeFiles.disputeId))
      .innerJoin(debtors, eq(debtors.id, disputes.debtorId))
      .where(and(eq(disputeFiles.id, fileId), eq(debtors.creditorId, creditorId))),
  );
}

/** A payment claim's proof, if the claim is of one of this creditor's debtors. */
export async function getClaimProofOfCreditor(db: Db, creditorId: number, claimId: number) {
  return first(
    await db
      .select({ path: paymentClaims.proofPath, name: paymentClaims.proofName, type: paymentClaims.proofContentType })
      .from(paymentClaims)
      .innerJoin(debtors, eq(debtors.id, paymentClaims.debtorId))
      .where(and(eq(paymentClaims.id, claimId), eq(debtors.creditorId, creditorId))),
  );
}

/** One invoice of this debtor, or undefined. */
export async function getDebtorInvoice(db: Pick<Db, "select">, debtorId: number, invoiceId: number) {
  return first(
    await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.id, invoiceId), eq(invoices.debtorId, debtorId))),
  );
}

/** The debtor's Stripe overpayment with this id, refunded or not. */
function overpaymentOfDebtor(db: Pick<Db, "select">, debtorId: number, paymentId: number) {
  const ofDebtor = db.select({ id: invoices.id }).from(invoices).where(eq(invoices.debtorId, debtorId));
  return and(eq(payments.id, paymentId), eq(payments.kind, "overpayment"), eq(payments.provider, "stripe"), inArray(payments.invoiceId, ofDebtor));
}

/** Claims the debtor's overpayment for a refund (refunded_at set, if not already): the claimed row, or undefined. */
export async function claimOverpaymentRefund(db: Pick<Db, "select" | "update">, debtorId: number, paymentId: number, at: Date) {
  return first(
    await db
      .update(payments)
      .set({ refundedAt: at })
      .where(and(overpaymentOfDebtor(db, debtorId, paymentId), isNull(payments.refundedAt)))
      .returning(),
  );
}

/** Whether the debtor has this overpayment, refunded or not. */
export async function hasOverpayment(db: Pick<Db, "select">, debtorId: number, paymentId: number): Promise<boolean> {
  return (
    first(
      await db
        .select({ id: payments.id })
        .from(payments)
        .where(overpaymentOfDebtor(db, debtorId, paymentId)),
    ) !== undefined
  );
}

/** Gives back a claim whose refund failed. */
export async function releaseOverpaymentClaim(db: Pick<Db, "update">, paymentId: number) {
  await db.update(payments).set({ refundedAt: null }).where(eq(payments.id, paymentId));
}

export async function setOverpaymentRefundRef(tx: Pick<Db, "update">, paymentId: number, refundRef: string | null) {
  await tx.update(payments).set({ refundRef }).where(eq(payments.id, paymentId));
}
