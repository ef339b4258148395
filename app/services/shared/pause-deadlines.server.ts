import { and, eq, isNull } from "drizzle-orm";
import { creditors, debtors, installmentPlans, staffUsers } from "../../../db/schema";
import { renderStaffEmail } from "../../../emails/staff";
import { formatCalendarDate, localDate } from "../../domain/dates";
import { isPastDeadline } from "../../domain/pauses";
import { intlLocale } from "../../i18n/messages";
import { reviewDecisionMessages } from "../../i18n/review-decisions";
import { appendTimeline } from "../../models/timeline.server";
import { queueNotice } from "./notices.server";
import type { OutboxDeps } from "./outbox.server";

export type PauseDeadlineDeps = Pick<OutboxDeps, "db" | "env" | "email" | "now">;

/**
 * A plan under review holds the cadence only while staff have time to decide: past the creditor's
 * deadline (business days from the proposal) it lapses, the debtor is told that reminders resume
 * (the notice goes out with this pass's deliveries) and the creditor's owners are emailed.
 */
export async function lapseUnreviewedPlans({ db, env, email, now }: PauseDeadlineDeps): Promise<number> {
  const lapsed = db.transaction(
    (tx) => {
      const pending = tx
        .select({ plan: installmentPlans, debtor: debtors, creditor: { id: creditors.id, timeZone: creditors.timeZone, businessDays: creditors.planReviewBusinessDays } })
        .from(installmentPlans)
        .innerJoin(debtors, eq(debtors.id, installmentPlans.debtorId))
        .innerJoin(creditors, eq(creditors.id, debtors.creditorId))
        .where(eq(installmentPlans.status, "pending_review"))
        .all();
      const done: { planId: number; creditorId: number; debtorId: number; debtorName: string; proposedOn: string; businessDays: number }[] = [];
      for (const { plan, debtor, creditor } of pending) {
        // Business days are the creditor's: their staff's working week decides what "in time" means.
        const proposedOn = localDate(plan.createdAt, creditor.timeZone);
        if (!isPastDeadline(proposedOn, localDate(now, creditor.timeZone), creditor.businessDays)) continue;
        const reason = `Pas de décision dans les ${creditor.businessDays} jours ouvrés`;
        tx.update(installmentPlans).set({ status: "lapsed", decisionReason: reason, decidedAt: now }).where(eq(installmentPlans.id, plan.id)).run();
        appendTimeline(tx, { creditorId: creditor.id, debtorId: debtor.id, type: "plan.review_lapsed", actor: "job", data: { planId: plan.id, businessDays: creditor.businessDays }, occurredAt: now });
        const t = reviewDecisionMessages(debtor.locale).planLapsed;
        queueNotice(tx, env, { debtorId: debtor.id, key: `plan-${plan.id}-lapsed`, title: t.title, lines: t.lines(formatCalendarDate(proposedOn, intlLocale[debtor.locale])) }, now);
        done.push({ planId: plan.id, creditorId: creditor.id, debtorId: debtor.id, debtorName: debtor.name, proposedOn, businessDays: creditor.businessDays });
      }
      return done;
    },
    { behavior: "immediate" },
  );
  for (const plan of lapsed) {
    const creditor = db.select({ name: creditors.legalName }).from(creditors).where(eq(creditors.id, plan.creditorId)).get()!;
    const owners = db.select().from(staffUsers).where(and(eq(staffUsers.creditorId, plan.creditorId), eq(staffUsers.role, "owner"), isNull(staffUsers.disabledAt))).all();
    for (const owner of owners) {
      const rendered = await renderStaffEmail({
        kind: "plan_review_lapsed",
        staffName: owner.name,
        creditorName: creditor.name,
        debtorName: plan.debtorName,
        proposedOn: formatCalendarDate(plan.proposedOn, "fr-FR"),
        businessDays: plan.businessDays,
        debtorUrl: `${env.PUBLIC_BASE_URL}/backoffice/debtors/${plan.debtorId}`,
      });
      // The dashboard lists the lapsed plan whatever happens to this email; the key keeps a retry single.
      await email.send({ from: env.EMAIL_FROM, to: owner.email, ...rendered, idempotencyKey: `plan-review-lapsed:${plan.planId}:${owner.id}` });
    }
  }
  return lapsed.length;
}
