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
