import { formatCalendarDate, localDate, utcMidnight, type CalendarDate } from "../domain/dates";
import { formatMoney } from "../domain/money";
import type { Db } from "../../db/client";
import { historyMessages } from "../i18n/portal-history";
import { listSettledInvoices } from "../models/portal.server";

type PaymentMethod = "card" | "transfer" | "cheque" | "cash" | "other";

/** The same calendar date a year earlier: the start of "the last 12 months". */
const yearBefore = (today: CalendarDate): CalendarDate => `${String(Number(today.slice(0, 4)) - 1).padStart(4, "0")}${today.slice(4)}`;

/**
 * The home's "settled invoices" list (M19: number, amount, dates and means only), for invoices the
 * debtor's calendar says were settled within the last 12 months. "Paid on" is the date of the
 * payment that settled the invoice; each payment has its receipt.
 */
export function loadSettledInvoices(db: Db, debtor: { id: number; locale: "fr" | "en"; timeZone: string }, today: CalendarDate, intl: string) {
  const t = historyMessages(debtor.locale);
  const cutoff = yearBefore(today);
  // A day's margin on the instant: the exact cut-off is the debtor's calendar, below.
  const since = new Date(utcMidnight(cutoff) - 86_400_000);
  const day = (at: Date) => formatCalendarDate(localDate(at, debtor.timeZone), intl);
  return listSettledInvoices(db, debtor.id, since)
    .filter((invoice) => invoice.paidAt !== null && localDate(invoice.paidAt, debtor.timeZone) >= cutoff)
    .map((invoice) => {
      const settling = invoice.payments.at(-1);
      const methods = [...new Set(invoice.payments.map((p) => p.method as PaymentMethod))];
      return {
        id: invoice.id,
        number: invoice.number,
        amountLabel: formatMoney({ cents: invoice.amountCents, currency: invoice.currency }, intl),
        paidOnLabel: day(settling?.receivedAt ?? invoice.paidAt!),
        meansLabel: methods.length > 0 ? methods.map((m) => t.methods[m]).join(", ") : null,
        receipts: invoice.payments.map((p) => ({ id: p.id, dateLabel: day(p.receivedAt) })),
      };
    });
}
