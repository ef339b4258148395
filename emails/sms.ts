import { gsm7Segments, isGsm7, toGsm7 } from "../app/domain/sms-text";
import type { CalendarDate } from "../app/domain/dates";
import { fillPlaceholders, type PlaceholderValues } from "../app/domain/message-templates";
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
  debtorName?: string;
  invoiceNumbers?: readonly string[];
  /** The creditor's own text for this step and language, with placeholders; null for ours. */
  customText?: string | null;
  /** Set on the debtor's first contact: the GDPR notice (art. 14) goes with it as a link. */
  privacyUrl?: string | null;
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
const privacy: Record<Locale, (url: string) => string> = { fr: (url) => `Vos données : ${url}`, en: (url) => `Your data: ${url}` };

/** What every SMS ends with: the privacy link on a first contact, then the STOP line. */
function footer(props: SmsProps): string {
  return `${props.privacyUrl ? `\n${privacy[props.locale](props.privacyUrl)}` : ""}\n${stop[props.locale]}`;
}

/** A name or a list cut to what an SMS can carry. */
function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}.` : text;
}

function smsInvoices(numbers: readonly string[]): string {
  return numbers.length <= 2 ? numbers.join(", ") : `${numbers.slice(0, 2).join(", ")} +${numbers.length - 2}`;
}

/**
 * Renders an SMS folded into GSM-7 (an accent outside it would switch the whole message to UCS-2)
 * and refuses anything over two segments rather than let the operator split it further. A
 * creditor's own text keeps the creditor's name before it and the STOP line after it; should real
 * values make it too long, our text goes instead.
 */
export function renderSms(template: SmsTemplate, props: SmsProps): { body: string; segments: number } {
  const creditor = clip(props.creditorName, MAX_CREDITOR_NAME);
  const words: Words = {
    total: money(props.locale, props.totalCents, props.currency),
    due: date(props.locale, props.oldestDueDate),
    deadline: props.deadline ? date(props.locale, props.deadline) : "",
    props,
  };
  const separator = props.locale === "fr" ? " : " : ": ";
  const compose = (text: string) => toGsm7(`${creditor}${separator}${text}${footer(props)}`);
  if (props.customText) {
    const values: PlaceholderValues = {
      debtor: clip(props.debtorName ?? "", MAX_CREDITOR_NAME),
      creditor,
      amount: words.total,
      due_date: words.due,
      deadline: words.deadline || words.due,
      invoices: smsInvoices(props.invoiceNumbers ?? []),
      link: props.linkUrl,
    };
    const body = compose(fillPlaceholders(props.customText, values));
    if (isGsm7(body)) {
      const segments = gsm7Segments(body);
      if (segments <= MAX_SMS_SEGMENTS) return { body, segments };
    }
  }
  const body = compose(texts[props.locale][template](words));
  const segments = gsm7Segments(body);
  if (segments > MAX_SMS_SEGMENTS) throw new RangeError(`The ${template} SMS takes ${segments} segments: at most ${MAX_SMS_SEGMENTS}`);
  return { body, segments };
}

/** The longest values a real SMS carries: a 30-character name, six-figure sums, the longest month. */
export function worstCaseSmsProps(locale: Locale, creditorName: string, linkUrl: string): SmsProps {
  return {
    locale,
    creditorName,
    debtorName: "Etablissements Dupont-Lefebvre",
    invoiceCount: 12,
    invoiceNumbers: ["FAC-2026-000123", "FAC-2026-000124", "FAC-2026-000125"],
    totalCents: 123_456_78,
    currency: "EUR",
    oldestDueDate: "2026-09-30",
    deadline: "2026-09-30",
    linkUrl,
    // Any text may be a debtor's first contact, which carries the privacy link too.
    privacyUrl: new URL("/privacy", linkUrl).href,
  };
}

/**
 * Whether a creditor's SMS text fits two GSM-7 segments once filled with the worst realistic values
 * (folded into GSM-7 the way it will be sent); the French error says how far over it is.
 */
export function checkSmsBudget(text: string, props: SmsProps): { ok: true; segments: number; body: string } | { ok: false; error: string } {
  const creditor = clip(props.creditorName, MAX_CREDITOR_NAME);
  const separator = props.locale === "fr" ? " : " : ": ";
  const values: PlaceholderValues = {
    debtor: clip(props.debtorName ?? "", MAX_CREDITOR_NAME),
    creditor,
    amount: money(props.locale, props.totalCents, props.currency),
    due_date: date(props.locale, props.oldestDueDate),
    deadline: date(props.locale, props.deadline ?? props.oldestDueDate),
    invoices: smsInvoices(props.invoiceNumbers ?? []),
    link: props.linkUrl,
  };
  const body = toGsm7(`${creditor}${separator}${fillPlaceholders(text, values)}${footer(props)}`);
  const odd = [...body].find((char) => !isGsm7(char));
  if (odd) return { ok: false, error: `Le caractère « ${odd} » n'existe pas en SMS standard (GSM-7) : remplacez-le.` };
  const segments = gsm7Segments(body);
  if (segments > MAX_SMS_SEGMENTS) {
    return { ok: false, error: `Trop long : avec des valeurs réelles (nom, montant, date, lien, lien vers vos données personnelles au premier contact, mention STOP), le SMS prendrait ${segments} segments ; au plus ${MAX_SMS_SEGMENTS} (306 caractères).` };
  }
  return { ok: true, segments, body };
}
