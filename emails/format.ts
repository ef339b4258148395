import { formatCalendarDate, type CalendarDate } from "../app/domain/dates";
import { formatMoney, totalsByCurrency, type Money } from "../app/domain/money";
import type { ReminderEmailProps } from "./props";

export type Locale = ReminderEmailProps["locale"];

const intlLocale = { fr: "fr-FR", en: "en-GB" } as const satisfies Record<Locale, string>;

export function money(locale: Locale, cents: number, currency: string): string {
  return formatMoney({ cents, currency }, intlLocale[locale]);
}

export function date(locale: Locale, value: CalendarDate): string {
  const formatted = formatCalendarDate(value, intlLocale[locale]);
  // French writes the first of the month as an ordinal: "1er décembre", which Intl does not do.
  return locale === "fr" ? formatted.replace(/^1 /, "1er ") : formatted;
}

// Made once per locale, as money and dates are: constructing one costs more than formatting with it.
const listFormats = {
  fr: new Intl.ListFormat(intlLocale.fr, { type: "conjunction" }),
  en: new Intl.ListFormat(intlLocale.en, { type: "conjunction" }),
} satisfies Record<Locale, Intl.ListFormat>;

/** "a, b et c" / "a, b and c". */
export function list(locale: Locale, items: readonly string[]): string {
  return listFormats[locale].format(items);
}

/** One formatted total per currency: amounts in different currencies are never added together. */
export function totals(locale: Locale, amounts: readonly Money[]): string {
  return list(
    locale,
    totalsByCurrency(amounts).map((total) => money(locale, total.cents, total.currency)),
  );
}

/** Promises and installments carry no currency of their own: they are in the invoices' one. */
export function debtCurrency(props: ReminderEmailProps): string {
  return props.invoices[0]?.currency ?? "EUR";
}

/**
 * Step-specific data a template cannot do without. Subjects call this too, and renderEmail
 * computes the subject first, so a missing field throws before React renders anything.
 */
export function required<T>(value: T | undefined, template: string, field: string): T {
  if (value === undefined) throw new Error(`The ${template} email needs props.${field}`);
  return value;
}
