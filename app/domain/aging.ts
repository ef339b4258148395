import { daysBetween, type CalendarDate } from "./dates";

export const agingBuckets = ["not_due", "1_30", "31_60", "61_90", "over_90"] as const;
export type AgingBucket = (typeof agingBuckets)[number];

/** Days past the due date; 0 while not yet due. */
export function daysOverdue(dueDate: CalendarDate, today: CalendarDate): number {
  return Math.max(0, daysBetween(dueDate, today));
}

export function agingBucket(dueDate: CalendarDate, today: CalendarDate): AgingBucket {
  const days = daysOverdue(dueDate, today);
  if (days === 0) return "not_due";
  if (days <= 30) return "1_30";
  if (days <= 60) return "31_60";
  if (days <= 90) return "61_90";
  return "over_90";
}

export type AgingSummary = {
  outstandingCents: number;
  overdueCents: number;
  buckets: Record<AgingBucket, { count: number; cents: number }>;
};

/** Outstanding and overdue totals with the aging buckets, for one currency's open balances. */
export function summarizeAging(
  openInvoices: readonly { dueDate: CalendarDate; balanceCents: number }[],
  today: CalendarDate,
): AgingSummary {
  const buckets = Object.fromEntries(agingBuckets.map((b) => [b, { count: 0, cents: 0 }])) as AgingSummary["buckets"];
  let outstandingCents = 0;
  let overdueCents = 0;
  for (const invoice of openInvoices) {
    const bucket = agingBucket(invoice.dueDate, today);
    buckets[bucket].count += 1;
    buckets[bucket].cents += invoice.balanceCents;
    outstandingCents += invoice.balanceCents;
    if (bucket !== "not_due") overdueCents += invoice.balanceCents;
  }
  return { outstandingCents, overdueCents, buckets };
}

/** The window DSO is measured over: a quarter smooths one large invoice without hiding a trend. */
export const DSO_WINDOW_DAYS = 90;

/**
 * Days sales outstanding by the count-back-free method: what is owed now against what was invoiced
 * over the window, scaled to the window's days. Null with no sales in the window (nothing to divide by).
 */
export function computeDso(outstandingCents: number, invoicedInWindowCents: number, windowDays = DSO_WINDOW_DAYS): number | null {
  if (invoicedInWindowCents <= 0) return null;
  return Math.round((outstandingCents / invoicedInWindowCents) * windowDays);
}
