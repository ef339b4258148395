/** Money is an integer count of the currency's minor unit (cents) plus an ISO 4217 code. */
export type Money = { cents: number; currency: string };

// Building an Intl formatter costs far more than formatting with it: one per locale and currency.
const moneyFormatters = new Map<string, Intl.NumberFormat>();

export function formatMoney({ cents, currency }: Money, locale: string): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Amount is not whole cents: ${cents}`);
  const key = `${locale} ${currency}`;
  let formatter = moneyFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency });
    moneyFormatters.set(key, formatter);
  }
  return formatter.format(cents / 100);
}

/** Totals per currency: amounts in different currencies are never added together. */
export function totalsByCurrency(amounts: readonly Money[]): Money[] {
  const totals = new Map<string, number>();
  for (const { cents, currency } of amounts) totals.set(currency, (totals.get(currency) ?? 0) + cents);
  return [...totals].map(([currency, cents]) => ({ cents, currency }));
}
