import { and, desc, eq, gt, gte, inArray, isNull, lte, ne, notInArray, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { first, type Db } from "../../db/client";
import {
  cadencePauses,
  callTasks,
  debtors,
  disputes,
  installmentPlans,
  invoices,
  letters,
  outboundMessageInvoices,
  outboundMessages,
  paymentClaims,
  payments,
  promises,
  refusedWebhooks,
  timelineEvents,
} from "../../db/tables";

/**
 * Stripe events refused because their mode (test/live) does not match the key: this creditor's, and
 * those that point at no creditor (the deployment's one Stripe account is misconfigured for all).
 */
export async function summarizeRefusedWebhooks(db: Db, creditorId: number) {
  return first(
    await db
      .select({ count: sql<number>`count(*)`.mapWith(Number), lastAt: sql<Date | null>`max(${refusedWebhooks.receivedAt})`.mapWith(refusedWebhooks.receivedAt) })
      .from(refusedWebhooks)
      .where(sql`${refusedWebhooks.creditorId} = ${creditorId} or ${refusedWebhooks.creditorId} is null`),
  )!;
}

/** Open balances of one creditor (scoped in the where, as every back-office query). */
export async function listOpenBalances(db: Db, creditorId: number) {
  return await db
    .select({ dueDate: invoices.dueDate, balanceCents: invoices.balanceCents, currency: invoices.currency })
    .from(invoices)
    .where(and(eq(invoices.creditorId, creditorId), eq(invoices.status, "open"), gt(invoices.balanceCents, 0)));
}

export async function listRecentMessages(db: Db, creditorId: number, limit = 20) {
  return await db
    .select({
      id: outboundMessages.id,
      step: outboundMessages.step,
      channel: outboundMessages.channel,
      status: outboundMessages.status,
      debtorId: debtors.id,
      debtorName: debtors.name,
      sentAt: outboundMessages.sentAt,
      createdAt: outboundMessages.createdAt,
    })
    .from(outboundMessages)
    .innerJoin(debtors, eq(debtors.id, outboundMessages.debtorId))
    .where(eq(outboundMessages.creditorId, creditorId))
    .orderBy(desc(outboundMessages.id))
    .limit(limit);
}

/** For tables that reach the creditor only through their debtor: the scope of every back-office count. */
function debtorOfCreditor(creditorId: number) {
  return (debtorId: SQLiteColumn) => sql`${debtorId} in (select id from debtors where creditor_id = ${creditorId})`;
}

/** What waits for a person: decisions, calls due by now and letters to post. */
export async function countStaffWork(db: Db, creditorId: number, now: Date) {
  const count = sql<number>`count(*)`.mapWith(Number);
  const ofCreditor = debtorOfCreditor(creditorId);
  return {
    toDecide:
      first(
        await db
          .select({ n: count })
          .from(installmentPlans)
          .where(and(eq(installmentPlans.status, "pending_review"), ofCreditor(installmentPlans.debtorId))),
      )!.n +
      first(
        await db
          .select({ n: count })
          .from(disputes)
          .where(and(eq(disputes.status, "open"), ofCreditor(disputes.debtorId))),
      )!.n +
      first(
        await db
          .select({ n: count })
          .from(paymentClaims)
          .where(and(eq(paymentClaims.status, "pending"), ofCreditor(paymentClaims.debtorId))),
      )!.n,
    callsDue: first(
      await db
        .select({ n: count })
        .from(callTasks)
        .where(and(eq(callTasks.creditorId, creditorId), eq(callTasks.status, "open"), lte(callTasks.dueAt, now))),
    )!.n,
    lettersToPost: first(
      await db
        .select({ n: count })
        .from(letters)
        .where(and(eq(letters.creditorId, creditorId), eq(letters.status, "to_post"))),
    )!.n,
  };
}

/** Formal notices still waiting to be posted, oldest first, with the debtor they go to. */
export async function listLettersToPost(db: Db, creditorId: number) {
  return await db
    .select({
      id: letters.id,
      debtorId: letters.debtorId,
      debtorName: debtors.name,
      addressLine: debtors.addressLine,
      postalCode: debtors.postalCode,
      city: debtors.city,
      queuedAt: letters.createdAt,
    })
    .from(letters)
    .innerJoin(debtors, eq(debtors.id, letters.debtorId))
    .where(and(eq(letters.creditorId, creditorId), eq(letters.status, "to_post")))
    .orderBy(letters.createdAt, letters.id);
}

/** Plans that lapsed for want of a decision since an instant, for the owners' dashboard. */
export async function listLapsedPlans(db: Db, creditorId: number, since: Date) {
  return await db
    .select({
      id: installmentPlans.id,
      debtorId: debtors.id,
      debtorName: debtors.name,
      totalCents: installmentPlans.totalCents,
      currency: installmentPlans.currency,
      lapsedAt: installmentPlans.decidedAt,
    })
    .from(installmentPlans)
    .innerJoin(debtors, eq(debtors.id, installmentPlans.debtorId))
    .where(and(eq(debtors.creditorId, creditorId), eq(installmentPlans.status, "lapsed"), gte(installmentPlans.decidedAt, since)))
    .orderBy(installmentPlans.decidedAt);
}

/** Euros invoiced since a date (issue dates are calendar dates), for DSO. */
export async function sumInvoicedSince(db: Db, creditorId: number, since: string) {
  return first(
    await db
      .select({ cents: sql<number>`coalesce(sum(${invoices.amountCents}), 0)`.mapWith(Number) })
      .from(invoices)
      .where(and(eq(invoices.creditorId, creditorId), eq(invoices.currency, "EUR"), ne(invoices.status, "cancelled"), gte(invoices.issueDate, since))),
  )!.cents;
}

/**
 * Money received since an instant, refunds and chargebacks netted off (their rows are negative
 * facts). An overpayment is not collected money: it is owed back.
 */
export async function sumCollectedSince(db: Db, creditorId: number, since: Date) {
  return first(
    await db
      .select({ cents: sql<number>`coalesce(sum(${payments.amountCents}), 0)`.mapWith(Number) })
      .from(payments)
      .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
      .where(and(eq(invoices.creditorId, creditorId), eq(payments.currency, "EUR"), ne(payments.kind, "overpayment"), gte(payments.receivedAt, since))),
  )!.cents;
}

/** What holds the cadence right now, by reason, for the debtors of one creditor. */
export async function countHolds(db: Db, creditorId: number) {
  const count = sql<number>`count(*)`.mapWith(Number);
  const ofCreditor = debtorOfCreditor(creditorId);
  const pauses = await db
    .select({ reason: cadencePauses.reason, n: count })
    .from(cadencePauses)
    .where(and(isNull(cadencePauses.resolvedAt), ofCreditor(cadencePauses.debtorId)))
    .groupBy(cadencePauses.reason);
  return {
    promise: first(
      await db
        .select({ n: count })
        .from(promises)
        .where(and(eq(promises.status, "open"), ofCreditor(promises.debtorId))),
    )!.n,
    plan: first(
      await db
        .select({ n: count })
        .from(installmentPlans)
        .where(and(eq(installmentPlans.status, "accepted"), ofCreditor(installmentPlans.debtorId))),
    )!.n,
    planReview: first(
      await db
        .select({ n: count })
        .from(installmentPlans)
        .where(and(eq(installmentPlans.status, "pending_review"), ofCreditor(installmentPlans.debtorId))),
    )!.n,
    dispute: first(
      await db
        .select({ n: count })
        .from(disputes)
        .where(and(eq(disputes.status, "open"), ofCreditor(disputes.debtorId))),
    )!.n,
    ...Object.fromEntries(pauses.map((p) => [p.reason, p.n])),
  } as Record<string, number>;
}

/**
 * What the funnel is computed from, for messages sent since an instant: the messages with their
 * invoices, the links a session was started from, the debtors' actions and the invoices paid.
 */
export async function loadFunnelFacts(db: Db, creditorId: number, since: Date, actionTypes: readonly string[]) {
  const sent = await db
    .select({
      id: outboundMessages.id,
      step: outboundMessages.step,
      channel: outboundMessages.channel,
      sentAt: outboundMessages.sentAt,
      debtorId: outboundMessages.debtorId,
      linkId: outboundMessages.linkId,
    })
    .from(outboundMessages)
    .where(
      and(
        eq(outboundMessages.creditorId, creditorId),
        inArray(outboundMessages.status, ["sent", "delivered"]),
        inArray(outboundMessages.channel, ["email", "sms", "letter"]),
        notInArray(outboundMessages.step, ["notice", "new_link", "thank_you", "creditor_copy", "staff_alert"]),
        gte(outboundMessages.sentAt, since),
      ),
    );
  const ids = sent.map((m) => m.id);
  const listed = ids.length ? await db.select().from(outboundMessageInvoices).where(inArray(outboundMessageInvoices.messageId, ids)) : [];
  const events = await db
    .select({ type: timelineEvents.type, debtorId: timelineEvents.debtorId, data: timelineEvents.data, at: timelineEvents.occurredAt })
    .from(timelineEvents)
    .where(and(eq(timelineEvents.creditorId, creditorId), gte(timelineEvents.occurredAt, since), inArray(timelineEvents.type, ["link.session_started", ...actionTypes])));
  const paid = await db
    .select({ id: invoices.id, paidAt: invoices.paidAt })
    .from(invoices)
    .where(and(eq(invoices.creditorId, creditorId), eq(invoices.status, "paid"), gte(invoices.paidAt, since)));
  const actionsByDebtor = new Map<number, Date[]>();
  for (const e of events.filter((e) => e.type !== "link.session_started")) actionsByDebtor.set(e.debtorId, [...(actionsByDebtor.get(e.debtorId) ?? []), e.at]);
  return {
    messages: sent.map((m) => ({ ...m, sentAt: m.sentAt!, invoiceIds: listed.filter((l) => l.messageId === m.id).map((l) => l.invoiceId) })),
    facts: {
      openedLinkIds: new Set(events.filter((e) => e.type === "link.session_started").map((e) => Number(e.data.linkId))),
      actionsByDebtor,
      paidAt: new Map(paid.map((p) => [p.id, p.paidAt!])),
    },
  };
}

/**
 * Which of the ordered boundaries an instant has passed (0: before the first), as SQL: the buckets
 * the history charts sum by, so the database returns a few rows whatever the number of payments.
 */
function boundariesPassed(column: SQLiteColumn, boundaries: readonly Date[]) {
  const cases = boundaries.map((b, i) => sql`when ${gte(column, b)} then ${i + 1}`).reverse();
  return sql<number>`case ${sql.join(cases, sql` `)} else 0 end`.mapWith(Number);
}

/** Money collected (refunds and chargebacks netted, overpayments left out) in each period starting at a boundary; the last runs to now. */
export async function sumCollectedByPeriod(db: Db, creditorId: number, starts: readonly Date[]): Promise<number[]> {
  const period = boundariesPassed(payments.receivedAt, starts);
  const rows = await db
    .select({ period, cents: sql<number>`sum(${payments.amountCents})`.mapWith(Number) })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(and(eq(invoices.creditorId, creditorId), eq(payments.currency, "EUR"), ne(payments.kind, "overpayment"), gte(payments.receivedAt, starts[0]!)))
    .groupBy(sql`1`);
  const sums = starts.map(() => 0);
  for (const r of rows) if (r.period >= 1) sums[r.period - 1] = r.cents;
  return sums;
}

/** Invoiced and still owed per issue date, and what was paid after each month end, for the DSO history (app/domain/cash-history.ts). */
export async function loadDsoFacts(db: Db, creditorId: number, monthBoundaries: readonly Date[]) {
  const live = and(eq(invoices.creditorId, creditorId), eq(invoices.currency, "EUR"), ne(invoices.status, "cancelled"));
  const invoiceRows = await db
    .select({
      issueDate: invoices.issueDate,
      amountCents: sql<number>`sum(${invoices.amountCents})`.mapWith(Number),
      // Owed as the dashboard's card counts it: open invoices with something left to pay.
      balanceCents: sql<number>`coalesce(sum(case when ${invoices.status} = 'open' and ${invoices.balanceCents} > 0 then ${invoices.balanceCents} end), 0)`.mapWith(Number),
    })
    .from(invoices)
    .where(live)
    .groupBy(invoices.issueDate);
  const passed = boundariesPassed(payments.receivedAt, monthBoundaries);
  const paidRows = await db
    .select({ issueDate: invoices.issueDate, passed, cents: sql<number>`sum(${payments.amountCents})`.mapWith(Number) })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(and(live, ne(payments.kind, "overpayment"), gte(payments.receivedAt, monthBoundaries[0]!)))
    .groupBy(sql`1`, sql`2`);
  return {
    invoices: invoiceRows,
    // Passed boundary k + 1 (the day after month end k): received after month end k.
    paidAfter: paidRows.map((r) => ({ issueDate: r.issueDate, afterMonth: r.passed - 1, cents: r.cents })),
  };
}
