import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, or, sql } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { instant } from "../../db/dialect";
import { cadencePolicies, debtors, disputes, installmentPlanInvoices, installmentPlans, installments, invoices, paymentClaims, promises } from "../../db/tables";
import type { AgreementPolicy } from "../domain/agreements";
import { preparedOnce } from "./prepared.server";

type Reader = Pick<Db, "select">;

/** The schema's defaults, for a creditor whose policy row for this segment is missing. */
const DEFAULT_POLICY: AgreementPolicy = { maxPromiseDays: 30, promiseGraceDays: 3, maxPlanMonths: 6, minInstallmentCents: 5000, autoAcceptPlanMonths: 3 };

/** The creditor's limits for this debtor's segment. */
export async function getAgreementPolicy(db: Reader, debtorId: number) {
  const debtor = first(await db.select({ creditorId: debtors.creditorId, segment: debtors.segment }).from(debtors).where(eq(debtors.id, debtorId)));
  if (!debtor) throw new Response("Session required", { status: 401 });
  const row = first(
    await db
      .select()
      .from(cadencePolicies)
      .where(and(eq(cadencePolicies.creditorId, debtor.creditorId), eq(cadencePolicies.segment, debtor.segment))),
  );
  const policy: AgreementPolicy = row
    ? {
        maxPromiseDays: row.maxPromiseDays,
        promiseGraceDays: row.promiseGraceDays,
        maxPlanMonths: row.maxPlanMonths,
        minInstallmentCents: row.minInstallmentCents,
        autoAcceptPlanMonths: row.autoAcceptPlanMonths,
      }
    : DEFAULT_POLICY;
  return { policy, segment: debtor.segment, creditorId: debtor.creditorId };
}

/**
 * This debtor's open invoices, oldest due first, with what already holds each one: an open promise,
 * a live plan, an open dispute, an "already paid" claim being checked.
 */
export async function listCommitmentInvoices(db: Reader, debtorId: number) {
  const open = await db
    .select({ id: invoices.id, number: invoices.number, currency: invoices.currency, balanceCents: invoices.balanceCents, dueDate: invoices.dueDate })
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open"), gt(invoices.balanceCents, 0)))
    .orderBy(asc(invoices.dueDate), asc(invoices.number));
  const ids = open.map((i) => i.id);
  if (ids.length === 0) return [];
  const promised = new Map(
    (
      await db
        .select({ invoiceId: promises.invoiceId, date: promises.promisedDate, amountCents: promises.amountCents })
        .from(promises)
        .where(and(eq(promises.debtorId, debtorId), eq(promises.status, "open"), inArray(promises.invoiceId, ids)))
        .orderBy(asc(promises.id))
    ).map((p) => [p.invoiceId, p]),
  );
  const disputed = new Set(
    (
      await db
        .select({ invoiceId: disputes.invoiceId })
        .from(disputes)
        .where(and(eq(disputes.debtorId, debtorId), eq(disputes.status, "open")))
    ).map((d) => d.invoiceId),
  );
  const claimed = new Set(
    (
      await db
        .select({ invoiceId: paymentClaims.invoiceId })
        .from(paymentClaims)
        .where(and(eq(paymentClaims.debtorId, debtorId), eq(paymentClaims.status, "pending")))
    ).map((c) => c.invoiceId),
  );
  const planned = new Set(
    (
      await db
        .select({ invoiceId: installmentPlanInvoices.invoiceId })
        .from(installmentPlanInvoices)
        .innerJoin(installmentPlans, eq(installmentPlans.id, installmentPlanInvoices.planId))
        .where(and(eq(installmentPlans.debtorId, debtorId), inArray(installmentPlans.status, ["pending_review", "accepted"])))
    ).map((p) => p.invoiceId),
  );
  return open.map((invoice) => ({
    ...invoice,
    openPromise: promised.get(invoice.id) ?? null,
    held: disputed.has(invoice.id) || claimed.has(invoice.id),
    inPlan: planned.has(invoice.id),
  }));
}

export type CommitmentInvoice = Awaited<ReturnType<typeof listCommitmentInvoices>>[number];

const livePlan = preparedOnce((db: Reader) =>
  db
    .select()
    .from(installmentPlans)
    .where(and(eq(installmentPlans.debtorId, sql.placeholder("debtorId")), inArray(installmentPlans.status, ["pending_review", "accepted"])))
    .orderBy(asc(installmentPlans.id))
    .prepare(),
);
const planInstallments = preparedOnce((db: Reader) =>
  db
    .select()
    .from(installments)
    .where(eq(installments.planId, sql.placeholder("planId")))
    .orderBy(asc(installments.position))
    .prepare(),
);

/** The debtor's plan under review or in force, with its installments; at most one (a new one is refused while it lives). */
export async function getLivePlan(db: Reader, debtorId: number) {
  const plan = first(await livePlan(db).execute({ debtorId }));
  if (!plan) return null;
  const rows = await planInstallments(db).execute({ planId: plan.id });
  return { ...plan, status: plan.status as "pending_review" | "accepted", installments: rows };
}

/** Promises broken and plans defaulted by this debtor since `since`: the trust part of the auto-accept rule. */
export async function countRecentBreaches(db: Reader, debtorId: number, since: Date): Promise<number> {
  const broken = first(
    await db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(promises)
      .where(and(eq(promises.debtorId, debtorId), eq(promises.status, "broken"), gte(promises.resolvedAt, since))),
  )!.n;
  const defaulted = first(
    await db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(installmentPlans)
      .where(and(eq(installmentPlans.debtorId, debtorId), eq(installmentPlans.status, "defaulted"), gte(installmentPlans.decidedAt, since))),
  )!.n;
  return broken + defaulted;
}

const openPromises = preparedOnce((db: Reader) =>
  db
    .select({ id: promises.id, date: promises.promisedDate, amountCents: promises.amountCents, number: invoices.number, currency: invoices.currency })
    .from(promises)
    .innerJoin(invoices, eq(invoices.id, promises.invoiceId))
    .where(and(eq(promises.debtorId, sql.placeholder("debtorId")), eq(promises.status, "open"), eq(invoices.status, "open")))
    .orderBy(asc(promises.promisedDate), asc(invoices.number))
    .prepare(),
);

/** Open promises of this debtor, with the invoice number, for the portal home. */
export async function listOpenPromises(db: Reader, debtorId: number) {
  return await openPromises(db).execute({ debtorId });
}

/**
 * This debtor's promises made since `since` or still open, newest first: the portal's history.
 * A promise on an invoice paid meanwhile stays "open" until the job resolves it; the caller reads both.
 */
export async function listPromiseHistory(db: Reader, debtorId: number, since: Date) {
  // created_at is stored as UTC milliseconds; a placeholder takes the stored form.
  return await promiseHistory(db).execute({ debtorId, since: instant(since) });
}

const promiseHistory = preparedOnce((db: Reader) =>
  db
    .select({
      id: promises.id,
      date: promises.promisedDate,
      amountCents: promises.amountCents,
      status: promises.status,
      createdAt: promises.createdAt,
      resolvedAt: promises.resolvedAt,
      number: invoices.number,
      currency: invoices.currency,
    })
    .from(promises)
    .innerJoin(invoices, eq(invoices.id, promises.invoiceId))
    .where(and(eq(promises.debtorId, sql.placeholder("debtorId")), or(gte(promises.createdAt, sql.placeholder("since")), eq(promises.status, "open"))))
    .orderBy(desc(promises.createdAt), desc(promises.id))
    .prepare(),
);

/** This debtor's plans proposed since `since` or still live, newest first, each with its schedule. */
export async function listPlanHistory(db: Reader, debtorId: number, since: Date) {
  const plans = await planHistory(db).execute({ debtorId, since: instant(since) });
  if (plans.length === 0) return [];
  const rows = await planHistoryInstallments(db).execute({ debtorId, since: instant(since) });
  return plans.map((plan) => ({ ...plan, installments: rows.filter((r) => r.planId === plan.id) }));
}

const inPlanHistory = and(
  eq(installmentPlans.debtorId, sql.placeholder("debtorId")),
  or(gte(installmentPlans.createdAt, sql.placeholder("since")), inArray(installmentPlans.status, ["pending_review", "accepted"])),
);

const planHistory = preparedOnce((db: Reader) =>
  db
    .select({
      id: installmentPlans.id,
      status: installmentPlans.status,
      totalCents: installmentPlans.totalCents,
      currency: installmentPlans.currency,
      createdAt: installmentPlans.createdAt,
      decidedAt: installmentPlans.decidedAt,
    })
    .from(installmentPlans)
    .where(inPlanHistory)
    .orderBy(desc(installmentPlans.createdAt), desc(installmentPlans.id))
    .prepare(),
);

/** The installments of the plans `planHistory` finds, by the same conditions: one prepared query, whatever their number. */
const planHistoryInstallments = preparedOnce((db: Reader) =>
  db
    .select(getTableColumns(installments))
    .from(installments)
    .innerJoin(installmentPlans, eq(installmentPlans.id, installments.planId))
    .where(inPlanHistory)
    .orderBy(asc(installments.position))
    .prepare(),
);

export type NewPromise = Omit<typeof promises.$inferInsert, "id" | "status" | "resolvedAt">;
export type NewPlan = Omit<typeof installmentPlans.$inferInsert, "id">;

/** The debtor's promises, one per invoice; returns their ids in the order given. */
export async function insertPromises(tx: Db, rows: NewPromise[]): Promise<number[]> {
  return (await tx.insert(promises).values(rows).returning({ id: promises.id })).map((row) => row.id);
}

/** A plan the debtor proposed, with the invoices it covers and its schedule. */
export async function insertPlan(tx: Db, plan: NewPlan, invoiceIds: number[], schedule: { position: number; dueDate: string; amountCents: number }[]) {
  const row = one(await tx.insert(installmentPlans).values(plan).returning({ id: installmentPlans.id }));
  await tx.insert(installmentPlanInvoices).values(invoiceIds.map((invoiceId) => ({ planId: row.id, invoiceId })));
  await tx.insert(installments).values(schedule.map((i) => ({ planId: row.id, position: i.position, dueDate: i.dueDate, amountCents: i.amountCents })));
  return row;
}

/** Cancels this debtor's open promises on these invoices. */
export async function cancelOpenPromisesOn(tx: Db, debtorId: number, invoiceIds: number[], now: Date) {
  await tx
    .update(promises)
    .set({ status: "cancelled", resolvedAt: now })
    .where(and(eq(promises.debtorId, debtorId), eq(promises.status, "open"), inArray(promises.invoiceId, invoiceIds)));
}
