import { daysBetween, type CalendarDate } from "./dates";
import { isTimeBarred } from "./prescription";

/** What the ranking knows of one open call task and its debtor. */
export type CallCandidate = {
  taskId: number;
  dueAt: Date;
  owedCents: number;
  /** The oldest open invoice's due date, or null when nothing is overdue yet. */
  oldestDueDate: CalendarDate | null;
  brokenPromiseCount: number;
  openDisputes: number;
  segment: "standard" | "high_risk" | "good_payer";
  /** With the newest open due date: a consumer whose every open debt is time-barred is not called (L8). */
  debtorKind?: "business" | "consumer";
  newestDueDate?: CalendarDate | null;
  /** The debtor's last acknowledgment (payment, promise, plan), which starts the two years again. */
  acknowledgedOn?: CalendarDate | null;
};

export type RankedCall = CallCandidate & { score: number; why: string[] };

/** Beyond this, more days or euros do not make a call more urgent: the cap keeps one factor from drowning the others. */
const AGE_CAP_DAYS = 90;
const AMOUNT_CAP_CENTS = 1_000_000;

/**
 * The call list, most useful call first (DESIGN.md, back office): money at stake and its age weigh
 * most, broken promises show words no longer work, an open dispute needs a person, and the segment
 * tilts the balance. Ties go to the task due first. Every point is explained, so staff can trust the order.
 * A consumer whose open debts are all time-barred is left out: calling about them is not allowed.
 */
export function rankCallTasks(candidates: readonly CallCandidate[], today: CalendarDate): RankedCall[] {
  return candidates
    .filter((c) => !(c.debtorKind === "consumer" && c.newestDueDate && isTimeBarred("consumer", c.newestDueDate, today, c.acknowledgedOn ?? null)))
    .map((c) => {
      const why: string[] = [];
      const age = c.oldestDueDate ? Math.min(AGE_CAP_DAYS, Math.max(0, daysBetween(c.oldestDueDate, today))) : 0;
      let score = (age / AGE_CAP_DAYS) * 40 + (Math.min(c.owedCents, AMOUNT_CAP_CENTS) / AMOUNT_CAP_CENTS) * 30;
      if (age > 0) why.push(`overdue_days:${age}`);
      why.push(`owed:${c.owedCents}`);
      if (c.brokenPromiseCount > 0) {
        score += Math.min(2, c.brokenPromiseCount) * 10;
        why.push(`broken_promises:${c.brokenPromiseCount}`);
      }
      if (c.openDisputes > 0) {
        score += 5;
        why.push(`open_disputes:${c.openDisputes}`);
      }
      if (c.segment === "high_risk") score += 10;
      if (c.segment === "good_payer") score -= 5;
      if (c.segment !== "standard") why.push(`segment:${c.segment}`);
      return { ...c, score: Math.round(score * 10) / 10, why };
    })
    .sort((a, b) => b.score - a.score || a.dueAt.getTime() - b.dueAt.getTime() || a.taskId - b.taskId);
}

export const CALL_OUTCOMES = ["promise", "will_pay", "dispute", "no_answer", "voicemail", "wrong_number"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Whether the debtor was reached: the cadence counts only a real conversation as an answer. */
export function reachedDebtor(outcome: CallOutcome): boolean {
  return outcome === "promise" || outcome === "will_pay" || outcome === "dispute";
}
