import type { CalendarDate } from "../app/domain/dates";

/** One invoice as a message shows it: balances and penalties already computed (integer cents). */
export type EmailInvoice = {
  number: string;
  /** What is still owed on this invoice. */
  amountCents: number;
  currency: string;
  dueDate: CalendarDate;
  daysOverdue: number;
  /** L441-10 late-payment interest to date; 0 for consumers or when not yet due. */
  interestCents: number;
  /** The first day whose late-payment rate is not published yet (interest stops the day before); null when all are. */
  interestUnpublishedFrom?: CalendarDate | null;
  /** The fixed 40 € recovery indemnity (4000), professionals only; 0 otherwise. */
  indemnityCents: number;
};

/** What every debtor email template receives: plain values, already chosen and ordered. */
export type ReminderEmailProps = {
  locale: "fr" | "en";
  creditorName: string;
  creditorEmail: string;
  /** The creditor's accent colour (`#rrggbb`, from the settings), drawn above the message; none: no band. */
  accentColor?: string;
  debtorName: string;
  debtorKind: "business" | "consumer";
  invoices: EmailInvoice[];
  linkUrl: string;
  privacyUrl: string;
  /** The first message a debtor ever receives carries the GDPR notice (L11). */
  includePrivacyNotice: boolean;
  /** The new deadline the message sets ("within 5 days" as a date), when the step sets one. */
  deadline: CalendarDate | null;
  /** Earlier contacts, oldest first, for the formal steps' history paragraph. */
  previousContacts: { date: CalendarDate; channel: "email" | "sms" | "letter" | "call" }[];
  /** For the broken-promise step: what was promised. */
  promise?: { date: CalendarDate; amountCents: number | null };
  /** For a notice (confirmation, one-time code): its title and lines, already in the debtor's language. */
  notice?: { title: string; lines: string[] };
  /** For the installment reminder: the coming installment. */
  installment?: { dueDate: CalendarDate; amountCents: number; position: number; count: number };
  /** The creditor's own subject and opening paragraphs, placeholders already filled (see emails/templates.ts). */
  override?: { subject: string | null; opening: string[] };
};
