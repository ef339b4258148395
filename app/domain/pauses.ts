import { businessDaysBetween } from "./business-calendar";
import type { CalendarDate } from "./dates";

/**
 * Every way the cadence can be held for a debtor or an invoice. Nothing stays paused forever without
 * someone seeing it (DESIGN.md): each kind either ends by itself on a known date, or has a named
 * owner with a deadline after which the pause is raised to them.
 */
export const PAUSE_KINDS = [
  "promise",
  "plan_under_review",
  "plan_accepted",
  "dispute",
  "payment_claimed",
  "document_requested",
  "callback_requested",
  "staff_hold",
] as const;

export type PauseKind = (typeof PAUSE_KINDS)[number];

export type PauseTerm =
  /** Lifted by the job on a date known when the pause starts. */
  | { ends: "on_date"; until: string }
  /** Lifted by a decision of `owner`, who is told when `deadlineBusinessDays` pass without one. */
  | { ends: "by_owner"; owner: "creditor_staff"; deadlineBusinessDays: number; pastDeadline: string };

/** Business days staff have to decide on a plan under review, unless the creditor set another figure. */
export const DEFAULT_PLAN_REVIEW_BUSINESS_DAYS = 5;
/** Business days staff have to resolve a dispute or check an "already paid" claim before it is raised as late. */
export const STAFF_DECISION_BUSINESS_DAYS = 10;

export const PAUSE_TERMS: Readonly<Record<PauseKind, PauseTerm>> = {
  promise: { ends: "on_date", until: "the promised date + the policy's grace days; unpaid then, the promise is broken" },
  plan_under_review: {
    ends: "by_owner",
    owner: "creditor_staff",
    deadlineBusinessDays: DEFAULT_PLAN_REVIEW_BUSINESS_DAYS,
    pastDeadline: "owners are emailed and see it on the dashboard; the pause ends and the debtor is told reminders resume",
  },
  plan_accepted: { ends: "on_date", until: "each installment's date + 3 days; one missed, the plan defaults" },
  dispute: {
    ends: "by_owner",
    owner: "creditor_staff",
    deadlineBusinessDays: STAFF_DECISION_BUSINESS_DAYS,
    pastDeadline: "shown late in the review queue; only a recorded decision resumes a disputed invoice (L12)",
  },
  payment_claimed: {
    ends: "by_owner",
    owner: "creditor_staff",
    deadlineBusinessDays: STAFF_DECISION_BUSINESS_DAYS,
    pastDeadline: "shown late in the review queue",
  },
  document_requested: { ends: "on_date", until: "7 days after the request; listed for staff meanwhile" },
  callback_requested: { ends: "on_date", until: "the chosen slot: the call task takes over" },
  staff_hold: { ends: "on_date", until: "the end date staff give when they hold a file" },
};

/** Whether a decision owed within `businessDays` of `startedOn` is late on `today` (the deadline day itself is still on time). */
export function isPastDeadline(startedOn: CalendarDate, today: CalendarDate, businessDays: number): boolean {
  return businessDaysBetween(startedOn, today) > businessDays;
}
