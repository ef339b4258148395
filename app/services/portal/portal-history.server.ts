import { formatCalendarDate, localDate, utcMidnight, type CalendarDate } from "../../domain/dates";
import { formatMoney } from "../../domain/money";
import { addMonths } from "../../domain/agreements";
import type { Db } from "../../../db/client";
import { historyMessages } from "../../i18n/portal-history";
import { listSettledInvoices } from "../../models/portal.server";
import { listPlanHistory, listPromiseHistory } from "../../models/agreements.server";

/** The start of "the last 12 months", in the debtor's calendar. */
const yearBefore = (today: CalendarDate): CalendarDate => addMonths(today, -12);

/**
 * The home's "settled invoices" list (M19: number, amount, dates and means only), for invoices the
 * debtor's calendar says were settled within the last 12 months. "Paid on" is the date of the
 * payment that settled the invoice; each payment has its receipt.
 */
export async function loadSettledInvoices(db: Db, debtor: { id: number; locale: "fr" | "en"; timeZone: string }, today: CalendarDate, intl: string) {
  const t = historyMessages(debtor.locale);
  const cutoff = yearBefore(today);
  // A day's margin on the instant: the exact cut-off is the debtor's calendar, below.
  const since = new Date(utcMidnight(cutoff) - 86_400_000);
  const day = (at: Date) => formatCalendarDate(localDate(at, debtor.timeZone), intl);
  return (await listSettledInvoices(db, debtor.id, since))
    .filter((invoice) => invoice.paidAt !== null && localDate(invoice.paidAt, debtor.timeZone) >= cutoff)
    .map((invoice) => {
      const settling = invoice.payments.at(-1);
      const methods = [...new Set(invoice.payments.map((p) => p.method))];
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

/**
 * Promises and plans of the last 12 months (and any still in force), each with its state in words:
 * a promise kept, broken or in force until its date; a plan proposed on a day, then accepted with its
 * next installment, rejected, lapsed, ended or completed, with its schedule.
 */
export async function loadCommitmentHistory(db: Db, debtor: { id: number; locale: "fr" | "en"; timeZone: string }, today: CalendarDate, intl: string) {
  const t = historyMessages(debtor.locale);
  const since = new Date(utcMidnight(yearBefore(today)) - 86_400_000);
  const day = (at: Date) => formatCalendarDate(localDate(at, debtor.timeZone), intl);
  const promises = (await listPromiseHistory(db, debtor.id, since)).map((p) => {
    const money = (cents: number) => formatMoney({ cents, currency: p.currency }, intl);
    const state = p.status === "open" ? t.promiseState.open(formatCalendarDate(p.date, intl)) : t.promiseState[p.status];
    return { id: p.id, status: p.status, text: t.entry(t.promise(p.number, p.amountCents === null ? null : money(p.amountCents), day(p.createdAt)), state) };
  });
  const plans = (await listPlanHistory(db, debtor.id, since)).map((plan) => {
    const money = (cents: number) => formatMoney({ cents, currency: plan.currency }, intl);
    const next = plan.installments.find((i) => i.status === "scheduled");
    const decided = plan.decidedAt ? day(plan.decidedAt) : null;
    const state =
      plan.status === "accepted"
        ? t.planState.accepted(next ? { date: formatCalendarDate(next.dueDate, intl), amount: money(next.amountCents - next.paidCents) } : null)
        : plan.status === "pending_review"
          ? t.planState.pending_review()
          : t.planState[plan.status](decided);
    return {
      id: plan.id,
      status: plan.status,
      text: t.entry(t.plan(money(plan.totalCents), day(plan.createdAt)), state),
      installments: plan.installments.map((i) => ({
        position: i.position,
        text: t.installment(i.position, formatCalendarDate(i.dueDate, intl), money(i.amountCents), t.installmentState[i.status]),
      })),
    };
  });
  return { promises, plans };
}
