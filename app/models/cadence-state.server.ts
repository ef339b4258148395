import { and, eq, inArray, isNull, lte, ne, notInArray, or, sql, type SQL } from "drizzle-orm";
import { groupBy } from "../utils/group-by";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { first, type Db } from "../../db/client";
import { instant } from "../../db/dialect";
import {
  cadencePauses,
  cadencePolicies,
  cadenceSteps,
  debtorContacts,
  debtors,
  disputes,
  installmentPlanInvoices,
  installmentPlans,
  installments,
  invoices,
  letters,
  outboundMessageInvoices,
  outboundMessages,
  promises,
  timelineEvents,
} from "../../db/tables";
import type { CadencePolicy, StepKind } from "../domain/cadence";
import { preparedOnce } from "./prepared.server";

type Reader = Pick<Db, "select">;

/** Timeline entries that mean the debtor answered: reminders sent before them were not ignored. */
export const DEBTOR_ACTION_TYPES = [
  "payment.recorded",
  "promise.made",
  "plan.proposed",
  "dispute.opened",
  "payment.claimed",
  "callback.requested",
  "document.requested",
  // A conversation with staff on the phone is an answer too, whatever was said.
  "call.answered",
] as const;

const LIVE_MESSAGE = notInArray(outboundMessages.status, ["cancelled", "failed"]);

type InDebtors = (column: SQLiteColumn) => SQL | undefined;

/** The queries behind a debtor's cadence state, for some debtors (or the whole book). */
export function cadenceStateQueries(db: Reader, debtorIds: readonly number[] | undefined, { notReminders }: { notReminders: readonly string[] }) {
  const inDebtors: InDebtors = (column) => (debtorIds ? inArray(column, [...debtorIds]) : undefined);
  return {
    invoices: db
      .select({
        id: invoices.id,
        number: invoices.number,
        debtorId: invoices.debtorId,
        dueDate: invoices.dueDate,
        balanceCents: invoices.balanceCents,
        paymentTermsDays: invoices.paymentTermsDays,
        status: invoices.status,
        paidAt: invoices.paidAt,
      })
      .from(invoices)
      // For some debtors, the debtor index alone: with the status test in SQL, SQLite prefers the
      // status index and scans every open invoice of the book for each page.
      .where(inDebtors(invoices.debtorId) ?? or(eq(invoices.status, "open"), eq(invoices.status, "paid"))),
    debtors: db.select().from(debtors).where(inDebtors(debtors.id)),
    steps: db
      .select({ invoiceId: outboundMessageInvoices.invoiceId, step: outboundMessageInvoices.step })
      .from(outboundMessageInvoices)
      .innerJoin(outboundMessages, eq(outboundMessages.id, outboundMessageInvoices.messageId))
      .where(and(LIVE_MESSAGE, inDebtors(outboundMessages.debtorId))),
    contacts: db
      .select({
        debtorId: outboundMessages.debtorId,
        key: outboundMessages.key,
        step: outboundMessages.step,
        channel: outboundMessages.channel,
        // The planned instant, not the send time: the same history the dry-run replays.
        at: outboundMessages.plannedFor,
        postedAt: letters.postedAt,
      })
      .from(outboundMessages)
      .leftJoin(letters, eq(letters.messageId, outboundMessages.id))
      // Steps that answer the debtor (a new link, a notice) are not reminders and do not space the cadence.
      .where(and(LIVE_MESSAGE, notInArray(outboundMessages.step, [...notReminders]), inDebtors(outboundMessages.debtorId)))
      .orderBy(outboundMessages.plannedFor, outboundMessages.id),
    openPromises: db
      .select({ id: promises.id, invoiceId: promises.invoiceId, date: promises.promisedDate })
      .from(promises)
      .where(and(eq(promises.status, "open"), inDebtors(promises.debtorId)))
      .orderBy(promises.id),
    openDisputes: db
      .select({ invoiceId: disputes.invoiceId })
      .from(disputes)
      .where(and(eq(disputes.status, "open"), inDebtors(disputes.debtorId))),
    livePlans: db
      .select({ id: installmentPlans.id, debtorId: installmentPlans.debtorId, status: installmentPlans.status })
      .from(installmentPlans)
      .where(and(inArray(installmentPlans.status, ["pending_review", "accepted"]), inDebtors(installmentPlans.debtorId))),
    openPauses: db
      .select()
      .from(cadencePauses)
      .where(and(isNull(cadencePauses.resolvedAt), inDebtors(cadencePauses.debtorId))),
    channels: db.select().from(debtorContacts).where(inDebtors(debtorContacts.debtorId)),
    lastActions: db
      .select({ debtorId: timelineEvents.debtorId, at: sql<Date>`max(${timelineEvents.occurredAt})`.mapWith(timelineEvents.occurredAt) })
      .from(timelineEvents)
      .where(and(inArray(timelineEvents.type, [...DEBTOR_ACTION_TYPES]), inDebtors(timelineEvents.debtorId)))
      .groupBy(timelineEvents.debtorId),
  };
}

/** The invoices of these plans. */
export async function listPlanInvoices(db: Reader, planIds: readonly number[]) {
  return await db
    .select()
    .from(installmentPlanInvoices)
    .where(inArray(installmentPlanInvoices.planId, [...planIds]));
}

/** The installments of these plans, in order. */
export async function listPlanInstallments(db: Reader, planIds: readonly number[]) {
  return await db
    .select()
    .from(installments)
    .where(inArray(installments.planId, [...planIds]))
    .orderBy(installments.position);
}

/** Every creditor's policies, keyed "creditorId:segment", with their steps in order. */
export async function loadCadencePolicies(db: Reader): Promise<Map<string, CadencePolicy>> {
  const rows = await db.select().from(cadencePolicies);
  const steps = groupBy(await db.select().from(cadenceSteps).orderBy(cadenceSteps.position), (s) => s.policyId);
  return new Map(
    rows.map((p) => [
      `${p.creditorId}:${p.segment}`,
      {
        steps: (steps.get(p.id) ?? []).map((s) => ({ kind: s.kind as StepKind, offsetDays: s.offsetDays, channel: s.channel })),
        minDaysBetweenContacts: p.minDaysBetweenContacts,
        maxDaysWithoutContact: p.maxDaysWithoutContact,
        brokenPromisesBeforeLitigation: p.brokenPromisesBeforeLitigation,
        promiseGraceDays: p.promiseGraceDays,
        alternateChannelsAfterUnanswered: p.alternateChannelsAfterUnanswered,
      },
    ]),
  );
}

/**
 * The debtors whose decision is owed (issue 14): never decided, their state moved since (a trigger
 * moved state_version), or the instant their last decision named has come. The rest of the book is
 * not read: a pass costs what changed and what is due, not the size of the book.
 */
export async function owedDebtors(db: Reader, now: Date): Promise<number[]> {
  return (
    await db
      .select({ id: debtors.id })
      .from(debtors)
      .where(and(isNull(debtors.escalatedAt), or(isNull(debtors.plannedVersion), ne(debtors.plannedVersion, debtors.stateVersion), lte(debtors.nextDecisionAt, now))))
      .orderBy(debtors.id)
  ).map((d) => d.id);
}

/** The state versions of these debtors. */
export async function listStateVersions(db: Reader, debtorIds: readonly number[]) {
  return await db
    .select({ id: debtors.id, version: debtors.stateVersion })
    .from(debtors)
    .where(inArray(debtors.id, [...debtorIds]));
}

export type Planned = { id: number; version: number; nextAt: Date | null };

const mark = preparedOnce((db: Db) =>
  db
    .update(debtors)
    .set({ plannedVersion: sql`${sql.placeholder("version")}`, nextDecisionAt: sql`${sql.placeholder("nextAt")}` })
    .where(eq(debtors.id, sql.placeholder("id")))
    .prepare(),
);

/**
 * Records what a decision was taken on, inside the caller's transaction; a write since then moved the
 * version, so the debtor stays owed. Prepared once: at midnight this marks much of the book.
 */
export async function markPlanned(db: Db, planned: readonly Planned[]) {
  for (const { id, version, nextAt } of planned) await mark(db).execute({ id, version, nextAt: nextAt ? instant(nextAt) : null });
}

/** Promises broken together count once. */
export async function countBrokenPromise(tx: Db, debtorId: number) {
  await tx
    .update(debtors)
    .set({ brokenPromiseCount: sql`${debtors.brokenPromiseCount} + 1` })
    .where(eq(debtors.id, debtorId));
}

export async function breakPromise(tx: Db, promiseId: number, now: Date) {
  await tx
    .update(promises)
    .set({ status: "broken", resolvedAt: now })
    .where(and(eq(promises.id, promiseId), eq(promises.status, "open")));
}

export async function defaultPlan(tx: Db, planId: number, now: Date) {
  await tx
    .update(installmentPlans)
    .set({ status: "defaulted", decidedAt: now })
    .where(and(eq(installmentPlans.id, planId), eq(installmentPlans.status, "accepted")));
}

/** The file goes to litigation: its open invoices with it, and the reminders still pending (not a thank-you) are cancelled. */
export async function escalateDebtor(tx: Db, debtorId: number, now: Date) {
  await tx.update(debtors).set({ escalatedAt: now }).where(eq(debtors.id, debtorId));
  await tx
    .update(invoices)
    .set({ status: "litigation" })
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")));
  await tx
    .update(outboundMessages)
    .set({ status: "cancelled", lastError: "file escalated to litigation" })
    .where(and(eq(outboundMessages.debtorId, debtorId), eq(outboundMessages.status, "pending"), ne(outboundMessages.step, "thank_you")));
}

export async function endPause(tx: Db, pauseId: number, now: Date) {
  await tx
    .update(cadencePauses)
    .set({ resolvedAt: now })
    .where(and(eq(cadencePauses.id, pauseId), isNull(cadencePauses.resolvedAt)));
}

/** Inserts the outbox row (unique key) and the invoice steps it covers; undefined if the row already exists. */
export async function insertPlannedMessage(tx: Db, message: Omit<typeof outboundMessages.$inferInsert, "status">, invoiceSteps: readonly { invoiceId: number; step: string }[]) {
  const inserted = first(
    await tx
      .insert(outboundMessages)
      .values({ ...message, status: "pending" })
      .onConflictDoNothing({ target: outboundMessages.key })
      .returning({ id: outboundMessages.id }),
  );
  if (!inserted) return undefined;
  if (invoiceSteps.length > 0) {
    await tx.insert(outboundMessageInvoices).values(invoiceSteps.map((s) => ({ messageId: inserted.id, invoiceId: s.invoiceId, step: s.step })));
  }
  return inserted;
}

/** The SMS body is fixed with its short link. */
export async function setPlannedSmsBody(tx: Db, messageId: number, bodyText: string, linkId: number) {
  await tx.update(outboundMessages).set({ bodyText, linkId }).where(eq(outboundMessages.id, messageId));
}

export async function linkPlannedMessage(tx: Db, messageId: number, linkId: number) {
  await tx.update(outboundMessages).set({ linkId }).where(eq(outboundMessages.id, messageId));
}
