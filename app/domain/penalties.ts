import { addDays, daysBetween, isCalendarDate, type CalendarDate } from "./dates";
import { ECB_MAIN_REFINANCING_RATES, ECB_RATES_CONFIRMED_THROUGH, type EcbRate } from "./ecb-rates";

/**
 * French late-payment penalties between professionals (Code de commerce L441-10 II, D441-5):
 * interest from the day after the due date, without any reminder, plus a fixed 40 € recovery
 * indemnity per invoice. Consumers owe neither (L8). These figures are shown to the debtor; adding
 * them to the amount to pay is the creditor's choice, made elsewhere.
 *
 * Rounding: interest is simple, actual/365 (365 even in leap years). Each period's interest is
 * principal × rateBp × days / (10 000 × 365), computed exactly in integers and rounded half-up to
 * the cent; the total interest is the sum of the rounded periods.
 */

export type PenaltyTerms = {
  debtorKind: "business" | "consumer";
  rateMode: "ecb_plus_10" | "contract";
  /** Used when rateMode is "contract". */
  contractRateBp: number | null;
  /** The creditor's setting for the 40 € indemnity. */
  indemnityEnabled: boolean;
};

/**
 * A stretch of days at one rate; `from` and `to` are both counted (days = to − from + 1). A null
 * rate: the half-year's rate is not published yet, so no interest is computed for it (never a guess).
 */
export type PenaltyPeriod = { from: CalendarDate; to: CalendarDate; rateBp: number | null; days: number; interestCents: number };

export type PenaltyBreakdown = {
  daysLate: number;
  interestCents: number;
  indemnityCents: number;
  totalCents: number;
  periods: PenaltyPeriod[];
  /** The first day whose rate is not published yet: interest stops the day before. Null when all are known. */
  unpublishedFrom: CalendarDate | null;
};

export const RECOVERY_INDEMNITY_CENTS = 4000;

/** "ECB rate + 10 points". */
const STATUTORY_MARGIN_BP = 1000;
const BP_DAYS_DENOMINATOR = 10_000n * 365n;

/** The ECB rate (bp) in force on `date`: the latest change that took effect on or before it. */
export function ecbRateInForce(date: CalendarDate, rates: readonly EcbRate[] = ECB_MAIN_REFINANCING_RATES): number {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  let inForce: EcbRate | undefined;
  for (const rate of rates) {
    if (rate.effectiveFrom <= date && (!inForce || rate.effectiveFrom > inForce.effectiveFrom)) inForce = rate;
  }
  if (!inForce) throw new RangeError(`No ECB rate known in force on ${date}`);
  return inForce.rateBp;
}

function periodInterestCents(principalCents: number, rateBp: number, days: number): number {
  const numerator = BigInt(principalCents) * BigInt(rateBp) * BigInt(days);
  // Half-up for a non-negative quotient: floor((2n + d) / 2d).
  return Number((2n * numerator + BP_DAYS_DENOMINATOR) / (2n * BP_DAYS_DENOMINATOR));
}

function period(principalCents: number, from: CalendarDate, to: CalendarDate, rateBp: number): PenaltyPeriod {
  const days = daysBetween(from, to) + 1;
  return { from, to, rateBp, days, interestCents: periodInterestCents(principalCents, rateBp, days) };
}

/** 1 January or 1 July of the half-year containing `date`, and the first day of the next one. */
function halfYear(date: CalendarDate): { start: CalendarDate; next: CalendarDate } {
  const year = Number(date.slice(0, 4));
  const yyyy = (y: number) => String(y).padStart(4, "0");
  return Number(date.slice(5, 7)) <= 6
    ? { start: `${yyyy(year)}-01-01`, next: `${yyyy(year)}-07-01` }
    : { start: `${yyyy(year)}-07-01`, next: `${yyyy(year + 1)}-01-01` };
}

function validate(input: Parameters<typeof computeLatePenalties>[0]): void {
  const { principalCents, dueDate, asOf, terms } = input;
  if (!Number.isSafeInteger(principalCents) || principalCents < 0) {
    throw new RangeError(`Principal must be a non-negative whole number of cents: ${principalCents}`);
  }
  if (!isCalendarDate(dueDate)) throw new RangeError(`Due date is not a calendar date: ${dueDate}`);
  if (!isCalendarDate(asOf)) throw new RangeError(`As-of date is not a calendar date: ${asOf}`);
  if (terms.debtorKind === "business" && terms.rateMode === "contract") {
    const rate = terms.contractRateBp;
    if (rate === null || !Number.isSafeInteger(rate) || rate < 0) {
      throw new RangeError(`Contract penalty rate must be a non-negative whole number of basis points: ${rate}`);
    }
  }
}

export function computeLatePenalties(input: {
  principalCents: number;
  dueDate: CalendarDate;
  asOf: CalendarDate;
  terms: PenaltyTerms;
  ecbRates?: readonly EcbRate[];
  /** The latest half-year start whose ECB rate is known; later half-years are "not published". */
  ecbConfirmedThrough?: CalendarDate;
}): PenaltyBreakdown {
  validate(input);
  const { principalCents, dueDate, asOf, terms, ecbRates = ECB_MAIN_REFINANCING_RATES, ecbConfirmedThrough = ECB_RATES_CONFIRMED_THROUGH } = input;
  const daysLate = Math.max(0, daysBetween(dueDate, asOf));
  if (daysLate === 0 || terms.debtorKind === "consumer") {
    return { daysLate, interestCents: 0, indemnityCents: 0, totalCents: 0, periods: [], unpublishedFrom: null };
  }

  const firstDay = addDays(dueDate, 1);
  const periods: PenaltyPeriod[] = [];
  if (terms.rateMode === "contract") {
    periods.push(period(principalCents, firstDay, asOf, terms.contractRateBp as number));
  } else {
    // L441-10 II: the rate of each half-year is fixed by the ECB rate in force on its first day.
    for (let from = firstDay; from <= asOf; ) {
      const { start, next } = halfYear(from);
      const lastDayOfHalf = addDays(next, -1);
      const to = lastDayOfHalf < asOf ? lastDayOfHalf : asOf;
      if (start > ecbConfirmedThrough) periods.push({ from, to, rateBp: null, days: daysBetween(from, to) + 1, interestCents: 0 });
      else periods.push(period(principalCents, from, to, ecbRateInForce(start, ecbRates) + STATUTORY_MARGIN_BP));
      from = next;
    }
  }

  const interestCents = periods.reduce((sum, p) => sum + p.interestCents, 0);
  const indemnityCents = terms.indemnityEnabled ? RECOVERY_INDEMNITY_CENTS : 0;
  const unpublishedFrom = periods.find((p) => p.rateBp === null)?.from ?? null;
  return { daysLate, interestCents, indemnityCents, totalCents: interestCents + indemnityCents, periods, unpublishedFrom };
}
