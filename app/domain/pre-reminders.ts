import { addDays, type CalendarDate } from "./dates";

/** DESIGN.md: the friendly pre-reminder goes out 5 days before the due date. */
export const PRE_REMINDER_DAYS_BEFORE_DUE = 5;

export type OpenInvoice = {
  id: number;
  dueDate: CalendarDate;
  balanceCents: number;
  /** True once a pre-reminder has covered this invoice. */
  preReminded: boolean;
};

export type DebtorToConsider = {
  debtorId: number;
  /** Today in the debtor's own time zone. */
  today: CalendarDate;
  hasEmail: boolean;
  invoices: readonly OpenInvoice[];
};

export type PlannedPreReminder = {
  key: string;
  debtorId: number;
  invoiceIds: number[];
};

/**
 * Which debtors get a pre-reminder today, and about which invoices. One consolidated message per
 * debtor. An invoice qualifies from D-5 until the day before it falls due, so a job that was down
 * on D-5 still catches up, but never after the due date (the overdue reminders take over then).
 * The key names the debtor and the local day: a second run the same day plans the same keys.
 */
export function planPreReminders(debtors: readonly DebtorToConsider[]): PlannedPreReminder[] {
  const planned: PlannedPreReminder[] = [];
  for (const debtor of debtors) {
    if (!debtor.hasEmail) continue;
    const windowEnd = addDays(debtor.today, PRE_REMINDER_DAYS_BEFORE_DUE);
    const invoiceIds = debtor.invoices
      .filter(
        (invoice) =>
          !invoice.preReminded &&
          invoice.balanceCents > 0 &&
          invoice.dueDate > debtor.today &&
          invoice.dueDate <= windowEnd,
      )
      .map((invoice) => invoice.id)
      .sort((a, b) => a - b);
    if (invoiceIds.length === 0) continue;
    planned.push({
      key: `pre_reminder:debtor-${debtor.debtorId}:${debtor.today}:email`,
      debtorId: debtor.debtorId,
      invoiceIds,
    });
  }
  return planned;
}
