import type { CalendarDate } from "../app/domain/dates";

/** What every debtor email template receives: plain values, already chosen and ordered. */
export type ReminderEmailProps = {
  locale: "fr" | "en";
  creditorName: string;
  creditorEmail: string;
  debtorName: string;
  invoices: { number: string; amountCents: number; currency: string; dueDate: CalendarDate }[];
  linkUrl: string;
  privacyUrl: string;
};
