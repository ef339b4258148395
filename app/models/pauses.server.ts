import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { creditors, debtors, installmentPlans, outboundMessages, staffUsers } from "../../db/tables";

/** Every plan under review, with its debtor and the creditor's zone and review deadline (business days). */
export async function listPlansPendingReview(tx: Db) {
  return await tx
    .select({ plan: installmentPlans, debtor: debtors, creditor: { id: creditors.id, timeZone: creditors.timeZone, businessDays: creditors.planReviewBusinessDays } })
    .from(installmentPlans)
    .innerJoin(debtors, eq(debtors.id, installmentPlans.debtorId))
    .innerJoin(creditors, eq(creditors.id, debtors.creditorId))
    .where(eq(installmentPlans.status, "pending_review"));
}

/** The plan lapses: staff did not decide in time. */
export async function lapsePlan(tx: Db, planId: number, decisionReason: string, decidedAt: Date) {
  await tx.update(installmentPlans).set({ status: "lapsed", decisionReason, decidedAt }).where(eq(installmentPlans.id, planId));
}

/** The creditor's owners who can still sign in. */
export async function listActiveOwners(tx: Db, creditorId: number) {
  return await tx
    .select()
    .from(staffUsers)
    .where(and(eq(staffUsers.creditorId, creditorId), eq(staffUsers.role, "owner"), isNull(staffUsers.disabledAt)));
}

/** Queues a staff alert in the outbox, once per key: a second call with the same key does nothing. */
export async function queueStaffAlertEmail(
  tx: Db,
  alert: { key: string; creditorId: number; debtorId: number; step: string; toAddress: string; plannedFor: Date; bodyText: string },
) {
  await tx
    .insert(outboundMessages)
    .values({ ...alert, channel: "email", status: "pending", locale: "fr" })
    .onConflictDoNothing({ target: outboundMessages.key });
}
