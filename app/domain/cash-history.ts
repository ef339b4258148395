import { computeDso, DSO_WINDOW_DAYS } from "./aging";
import { dayOfWeek } from "./business-calendar";
import { addDays, type CalendarDate } from "./dates";

/**
 * The dashboard's history: cash collected week by week and DSO month by month, both reconstructed
 * from invoices and payments (no snapshot table to keep in step), in the creditor's calendar.
 */
export const CASH_WEEKS = 52;
export const DSO_MONTHS = 12;

/** The Mondays starting each of the last `count` weeks, oldest first; the last is this week's. */
export function weekStarts(today: CalendarDate, count = CASH_WEEKS): CalendarDate[] {
  const thisMonday = addDays(today, 1 - dayOfWeek(today));
  return Array.from({ length: count }, (_, i) => addDays(thisMonday, -7 * (count - 1 - i)));
}

/** The last day of each of the last `count` months, oldest first; the last is today (the month so far). */
export function monthEnds(today: CalendarDate, count = DSO_MONTHS): CalendarDate[] {
  const ends = [today];
  // The day before the 1st of a month is the last day of the one before.
  while (ends.length < count) ends.unshift(addDays(`${ends[0]!.slice(0, 8)}01`, -1));
  return ends;
}

/** What the DSO history is computed from, aggregated by the database. */
export type DsoFacts = {
  /** Per issue date (non-cancelled invoices in euros): the amounts invoiced and what open invoices still owe today. */
  invoices: readonly {
    issueDate: CalendarDate;
    amountCents: number;
    balanceCents: number;
  }[];
  /**
   * Payments on those invoices received after month end k (index into the month ends): per issue date
   * of the invoice, the money received after the end of month `afterMonth` and later.
   */
  paidAfter: readonly {
    issueDate: CalendarDate;
    afterMonth: number;
    cents: number;
  }[];
};

/**
 * DSO at each month end, by the dashboard's method (what is owed against what was invoiced over the
 * 90 days before, scaled to 90): what was owed then is what is owed today on the invoices issued by
 * then, plus what was paid on them since. Credit notes count from the invoice's issue, for want of a date.
 * For past month ends: today's point is the dashboard's DSO card itself.
 */
export function dsoHistory(ends: readonly CalendarDate[], facts: DsoFacts): { monthEnd: CalendarDate; dso: number | null }[] {
  return ends.map((end, k) => {
    const windowStart = addDays(end, -DSO_WINDOW_DAYS);
    let owed = 0;
    let invoiced = 0;
    for (const i of facts.invoices) {
      if (i.issueDate > end) continue;
      owed += i.balanceCents;
      if (i.issueDate >= windowStart) invoiced += i.amountCents;
    }
    for (const p of facts.paidAfter) if (p.issueDate <= end && p.afterMonth >= k) owed += p.cents;
    return { monthEnd: end, dso: computeDso(owed, invoiced) };
  });
}
