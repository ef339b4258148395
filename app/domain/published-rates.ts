import { isCalendarDate, type CalendarDate } from "./dates";
import { ECB_MAIN_REFINANCING_RATES, ECB_RATES_CONFIRMED_THROUGH, type EcbRate } from "./ecb-rates";
import { LEGAL_INTEREST_RATES, halfYearStart, type LegalInterestRate } from "./legal-interest-rates";
import { textProblem } from "./intake";

/** A rate an owner added after the code's tables were written. */
export type PublishedRate = { kind: "ecb" | "legal"; effectiveFrom: CalendarDate; rateBp: number; source: string };

/** Above any rate either table has known; a typo in percent (215 for 2.15) is caught. */
const MAX_RATE_BP = 2000;

/** Checks what `rates:add` was given; every problem in words an operator can act on. */
export function checkPublishedRate(input: { kind?: string; from?: string; rate?: string; source?: string }): { ok: true; rate: PublishedRate } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const kind = input.kind === "ecb" || input.kind === "legal" ? input.kind : null;
  if (!kind) errors.push(`--kind must be "ecb" (ECB main refinancing rate) or "legal" (taux de l'intérêt légal, autres cas), got "${input.kind ?? ""}"`);
  const from = input.from ?? "";
  if (!isCalendarDate(from)) errors.push(`--from must be a date as YYYY-MM-DD, got "${from}"`);
  else if (kind === "legal" && halfYearStart(from) !== from) errors.push(`--from for a legal rate is the first day of its half-year (YYYY-01-01 or YYYY-07-01), got ${from}`);
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec((input.rate ?? "").trim());
  const rateBp = match ? Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0")) : null;
  if (rateBp === null) errors.push(`--rate is a percentage with at most two decimals and a dot, e.g. 2.15, got "${input.rate ?? ""}"`);
  else if (rateBp > MAX_RATE_BP) errors.push(`--rate ${input.rate} % is above 20 %: give the rate in percent, e.g. 2.15`);
  const source = (input.source ?? "").trim();
  const problem = source === "" ? "is required: the publication it comes from (e.g. \"ECB press release of 5 February 2026\")" : textProblem(source, 300);
  if (problem) errors.push(`--source ${problem}`);
  if (errors.length > 0 || !kind || rateBp === null) return { ok: false, errors };
  return { ok: true, rate: { kind, effectiveFrom: from, rateBp, source } };
}

/**
 * The ECB table with the added rates (an added one wins on the same date). Adding the rate in force
 * on a date confirms every half-year that starts on or before it.
 */
export function mergeEcbRates(added: readonly PublishedRate[]): { rates: EcbRate[]; confirmedThrough: CalendarDate } {
  const byDate = new Map<string, EcbRate>(ECB_MAIN_REFINANCING_RATES.map((r) => [r.effectiveFrom, r]));
  let confirmedThrough = ECB_RATES_CONFIRMED_THROUGH;
  for (const rate of added.filter((r) => r.kind === "ecb")) {
    byDate.set(rate.effectiveFrom, { effectiveFrom: rate.effectiveFrom, rateBp: rate.rateBp });
    const half = halfYearStart(rate.effectiveFrom);
    if (half > confirmedThrough) confirmedThrough = half;
  }
  return { rates: [...byDate.values()].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom)), confirmedThrough };
}

export function mergeLegalRates(added: readonly PublishedRate[]): LegalInterestRate[] {
  const byHalf = new Map<string, LegalInterestRate>(LEGAL_INTEREST_RATES.map((r) => [r.halfYearStart, r]));
  for (const rate of added.filter((r) => r.kind === "legal")) byHalf.set(rate.effectiveFrom, { halfYearStart: rate.effectiveFrom, rateBp: rate.rateBp, source: rate.source });
  return [...byHalf.values()].sort((a, b) => a.halfYearStart.localeCompare(b.halfYearStart));
}
