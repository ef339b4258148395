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
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  const ends = Array.from({ length: count - 1 }, (_, i) => {
    const back = count - 1 - i; // months before this one
    const m = month - back;
    const y = year + Math.floor((m - 1) / 12);
    const mm = ((((m - 1) % 12) + 12) % 12) + 1;
    const firstOfNext = `${String(mm === 12 ? y + 1 : y).padStart(4, "0")}-${String(mm === 12 ? 1 : mm + 1).padStart(2, "0")}-01`;
    return addDays(firstOfNext, -1);
  });
  return [...ends, today];
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
 */
export function dsoHistory(ends: readonly CalendarDate[], facts: DsoFacts): { monthEnd: CalendarDate; dso: number | null }[] {
  return ends.map((end, k) => {
    const windowStart = addDays(end, -DSO_WINDOW_DAYS);
    // The last point is today's figure, computed as the card does: what is owed now (nothing is paid
    // "after" it), invoices dated ahead included.
    const today = k === ends.length - 1;
    const issuedBy = today ? "9999-12-31" : end;
    let owed = 0;
    let invoiced = 0;
    for (const i of facts.invoices) {
      if (i.issueDate > issuedBy) continue;
      owed += i.balanceCents;
      if (i.issueDate >= windowStart) invoiced += i.amountCents;
    }
    if (!today) for (const p of facts.paidAfter) if (p.issueDate <= issuedBy && p.afterMonth >= k) owed += p.cents;
    return { monthEnd: end, dso: computeDso(owed, invoiced) };
  });
}
