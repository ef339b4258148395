/** Money is an integer count of the currency's minor unit (cents) plus an ISO 4217 code. */
export type Money = { cents: number; currency: string };

export function formatMoney({ cents, currency }: Money, locale: string): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`Amount is not whole cents: ${cents}`);
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}

/** Totals per currency: amounts in different currencies are never added together. */
export function totalsByCurrency(amounts: readonly Money[]): Money[] {
  const totals = new Map<string, number>();
  for (const { cents, currency } of amounts) totals.set(currency, (totals.get(currency) ?? 0) + cents);
  return [...totals].map(([currency, cents]) => ({ cents, currency }));
}
