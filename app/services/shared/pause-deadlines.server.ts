import { planReviewLapsedAlert } from "../../../emails/staff";
import { formatCalendarDate, localDate } from "../../domain/dates";
import { isPastDeadline } from "../../domain/pauses";
import { intlLocale } from "../../i18n/messages";
import { reviewDecisionMessages } from "../../i18n/review-decisions";
import { lapsePlan, listActiveOwners, listPlansPendingReview, queueStaffAlertEmail } from "../../models/pauses.server";
import { appendTimeline } from "../../models/timeline.server";
import { queueNotice } from "./notices.server";
import { STAFF_ALERT_STEP, type OutboxDeps } from "./outbox.server";
import { transaction } from "../../../db/client";

export type PauseDeadlineDeps = Pick<OutboxDeps, "db" | "env" | "now">;

/**
 * A plan under review holds the cadence only while staff have time to decide: past the creditor's
 * deadline (business days from the proposal) it lapses, the debtor is told that reminders resume and
 * each active owner gets an alert, both queued in the outbox in the same transaction, so a crash
 * cannot lose them (they go out with this pass's deliveries, or the next one's).
 */
export async function lapseUnreviewedPlans({ db, env, now }: PauseDeadlineDeps): Promise<number> {
  return await transaction(db, async (tx) => {
    const pending = await listPlansPendingReview(tx);
    let lapsed = 0;
    for (const { plan, debtor, creditor } of pending) {
      // Business days are the creditor's: their staff's working week decides what "in time" means.
      const proposedOn = localDate(plan.createdAt, creditor.timeZone);
      if (!isPastDeadline(proposedOn, localDate(now, creditor.timeZone), creditor.businessDays)) continue;
      const reason = `Pas de décision dans les ${creditor.businessDays} jours ouvrés`;
      await lapsePlan(tx, plan.id, reason, now);
      await appendTimeline(tx, {
        creditorId: creditor.id,
        debtorId: debtor.id,
        type: "plan.review_lapsed",
        actor: "job",
        data: { planId: plan.id, businessDays: creditor.businessDays },
        occurredAt: now,
      });
      const t = reviewDecisionMessages(debtor.locale).planLapsed;
      await queueNotice(
        tx,
        env,
        { debtorId: debtor.id, key: `plan-${plan.id}-lapsed`, title: t.title, lines: t.lines(formatCalendarDate(proposedOn, intlLocale[debtor.locale])) },
        now,
      );
      const alert = planReviewLapsedAlert({
        debtorName: debtor.name,
        proposedOn: formatCalendarDate(proposedOn, "fr-FR"),
        businessDays: creditor.businessDays,
        debtorUrl: `${env.PUBLIC_BASE_URL}/backoffice/debtors/${debtor.id}`,
      });
      const owners = await listActiveOwners(tx, creditor.id);
      for (const owner of owners) {
        // The dashboard lists the lapsed plan whatever happens to this email; the key keeps it single.
        await queueStaffAlertEmail(tx, {
          key: `plan-review-lapsed:${plan.id}:${owner.id}`,
          creditorId: creditor.id,
          debtorId: debtor.id,
          step: STAFF_ALERT_STEP,
          toAddress: owner.email,
          plannedFor: now,
          bodyText: [alert.title, ...alert.lines].join("\n"),
        });
      }
      lapsed += 1;
    }
    return lapsed;
  });
}
