import { gsm7Segments, toGsm7 } from "../app/domain/sms-text";
import type { CalendarDate } from "../app/domain/dates";
import { date, money, type Locale } from "./format";

export type SmsTemplate = "second_reminder" | "broken_promise" | "installment_reminder" | "formal_notice";

export type SmsProps = {
  locale: Locale;
  creditorName: string;
  invoiceCount: number;
  totalCents: number;
  currency: string;
  oldestDueDate: CalendarDate;
  /** A short link (/l/ and 22 characters): a signed JWT would not fit two segments. */
  linkUrl: string;
  deadline: CalendarDate | null;
};

/** The most an SMS may cost: two concatenated GSM-7 segments (306 septets). */
export const MAX_SMS_SEGMENTS = 2;
const MAX_CREDITOR_NAME = 30;

type Words = { total: string; due: string; deadline: string; props: SmsProps };

const texts: Record<Locale, Record<SmsTemplate, (w: Words) => string>> = {
  fr: {
    second_reminder: ({ total, due, props }) =>
      `${props.invoiceCount > 1 ? `${props.invoiceCount} factures impayées` : "Facture impayée"} de ${total}, échue depuis le ${due}. Payez ou proposez un échéancier : ${props.linkUrl}`,
    broken_promise: ({ total, props }) =>
      `Le paiement promis de ${total} n'est pas arrivé. Payez ou fixez une nouvelle date : ${props.linkUrl}`,
    installment_reminder: ({ total, props }) =>
      `Rappel de votre échéancier, reste dû ${total}. Détail et paiement : ${props.linkUrl}`,
    formal_notice: ({ total, deadline, props }) =>
      `Mise en demeure envoyée pour ${total} impayés. Réglez avant le ${deadline} pour éviter une procédure : ${props.linkUrl}`,
  },
  en: {
    second_reminder: ({ total, due, props }) =>
      `${props.invoiceCount > 1 ? `${props.invoiceCount} unpaid invoices` : "Unpaid invoice"} of ${total}, overdue since ${due}. Pay or propose a plan: ${props.linkUrl}`,
    broken_promise: ({ total, props }) =>
      `The payment of ${total} you promised has not arrived. Pay or set a new date: ${props.linkUrl}`,
    installment_reminder: ({ total, props }) =>
      `Reminder of your payment plan, ${total} left to pay. Details and payment: ${props.linkUrl}`,
    formal_notice: ({ total, deadline, props }) =>
      `A formal notice was sent for ${total} unpaid. Pay before ${deadline} to avoid legal action: ${props.linkUrl}`,
  },
};

const stop: Record<Locale, string> = { fr: "STOP SMS : répondez STOP", en: "Reply STOP to opt out" };

/**
 * Renders an SMS folded into GSM-7 (an accent outside it would switch the whole message to UCS-2)
 * and refuses anything over two segments rather than let the operator split it further.
 */
export function renderSms(template: SmsTemplate, props: SmsProps): { body: string; segments: number } {
  const creditor = props.creditorName.length > MAX_CREDITOR_NAME ? `${props.creditorName.slice(0, MAX_CREDITOR_NAME - 1)}.` : props.creditorName;
  const words: Words = {
    total: money(props.locale, props.totalCents, props.currency),
    due: date(props.locale, props.oldestDueDate),
    deadline: props.deadline ? date(props.locale, props.deadline) : "",
    props,
  };
  const separator = props.locale === "fr" ? " : " : ": ";
  const body = toGsm7(`${creditor}${separator}${texts[props.locale][template](words)}\n${stop[props.locale]}`);
  const segments = gsm7Segments(body);
  if (segments > MAX_SMS_SEGMENTS) throw new RangeError(`The ${template} SMS takes ${segments} segments: at most ${MAX_SMS_SEGMENTS}`);
  return { body, segments };
}
