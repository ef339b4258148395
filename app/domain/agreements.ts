import { addDays, isCalendarDate, type CalendarDate } from "./dates";

/**
 * The debtor's own commitments (DESIGN.md "gives a payment date", "proposes an installment plan"):
 * the creditor's limits, checked before anything is written. Pure: `today` is the debtor's local
 * date, passed in. Every refusal is a value naming the field it concerns and a message key, so the
 * page can put the right sentence next to the right input, in the debtor's language.
 */

/** The creditor's limits for the debtor's segment (`cadence_policies`). */
export type AgreementPolicy = {
  maxPromiseDays: number;
  promiseGraceDays: number;
  maxPlanMonths: number;
  minInstallmentCents: number;
  autoAcceptPlanMonths: number;
};

export type RejectionKey =
  | "invoices.none"
  | "invoices.alreadyPromised"
  | "date.missing"
  | "date.notAfterToday"
  | "date.beyondLimit"
  | "amount.invalid"
  | "amount.notPositive"
  | "amount.aboveBalance"
  | "count.invalid"
  | "count.tooMany"
  | "start.missing"
  | "start.notAfterToday"
  | "start.beyondLimit"
  | "plan.beyondLimit"
  | "installment.belowMinimum"
  | "rows.tooFew"
  | "row.dateMissing"
  | "row.dateNotIncreasing"
  | "row.amountInvalid"
  | "rows.sumMismatch";

/** Values the message needs: the limit that was crossed, the row concerned. Raw, formatted by the page. */
export type RejectionParams = { date?: CalendarDate; days?: number; months?: number; cents?: number; count?: number; row?: number };

/** `field` is the form field's name, so the page shows the message right next to it. */
export type Rejection = { field: string; key: RejectionKey; params?: RejectionParams };

export type Checked<T> = { ok: true; value: T } | { ok: false; rejections: Rejection[] };

const rejected = <T>(rejections: Rejection[]): Checked<T> => ({ ok: false, rejections });

/** The same calendar day `months` later, or the month's last day when it has fewer days (31 Jan + 1 = 28/29 Feb). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  if (!isCalendarDate(date)) throw new RangeError(`Not a calendar date: ${date}`);
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(d, lastDay)).padStart(2, "0")}`;
}

/**
 * An amount typed by a person, in euros: "120", "120,5", "1 234,56", "1234.56", "1 234,56 €".
 * Null when left empty; "invalid" for anything else (negative, letters, more than two decimals).
 */
export function parseAmountCents(input: string | null | undefined): number | null | "invalid" {
  const text = (input ?? "").replace(/[\s\u00a0\u202f€]/g, "");
  if (text === "") return null;
  const match = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(text);
  if (!match) return "invalid";
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

/** The last day a promise may name: today + `maxPromiseDays`. */
export function promiseDateLimit(today: CalendarDate, policy: Pick<AgreementPolicy, "maxPromiseDays">): CalendarDate {
  return addDays(today, policy.maxPromiseDays);
}

export type PromiseInput = {
  date: string;
  /** Already parsed by `parseAmountCents`. */
  amountCents: number | null | "invalid";
  /** Balance of the chosen invoices. */
  balanceCents: number;
  invoiceCount: number;
  today: CalendarDate;
  policy: Pick<AgreementPolicy, "maxPromiseDays">;
};

/**
 * A payment date after today and no further than the policy allows (any day: the debtor's bank
 * decides when a transfer leaves, not our business calendar); an optional amount above zero and not
 * above what is owed on the chosen invoices.
 */
export function validatePromise(input: PromiseInput): Checked<{ date: CalendarDate; amountCents: number | null }> {
  const rejections: Rejection[] = [];
  if (input.invoiceCount === 0) rejections.push({ field: "invoices", key: "invoices.none" });
  const limit = promiseDateLimit(input.today, input.policy);
  if (!isCalendarDate(input.date)) rejections.push({ field: "date", key: "date.missing" });
  else if (input.date <= input.today) rejections.push({ field: "date", key: "date.notAfterToday", params: { date: input.today } });
  else if (input.date > limit) rejections.push({ field: "date", key: "date.beyondLimit", params: { date: limit, days: input.policy.maxPromiseDays } });
  const amount = input.amountCents;
  if (amount === "invalid") rejections.push({ field: "amount", key: "amount.invalid" });
  else if (amount !== null && amount <= 0) rejections.push({ field: "amount", key: "amount.notPositive" });
  else if (amount !== null && input.invoiceCount > 0 && amount > input.balanceCents)
    rejections.push({ field: "amount", key: "amount.aboveBalance", params: { cents: input.balanceCents } });
  if (rejections.length > 0) return rejected(rejections);
  return { ok: true, value: { date: input.date, amountCents: amount === "invalid" ? null : amount } };
}

/**
 * A promised amount spread over the chosen invoices, oldest due first (the order a creditor
 * allocates a payment). Invoices the amount does not reach are left out of the promise: the page
 * says so before the debtor confirms. Without an amount every invoice is promised in full.
 */
export function allocatePromise(
  invoices: readonly { id: number; balanceCents: number }[],
  amountCents: number | null,
): { invoiceId: number; amountCents: number }[] {
  if (amountCents === null) return invoices.map((i) => ({ invoiceId: i.id, amountCents: i.balanceCents }));
  let left = amountCents;
  const shares: { invoiceId: number; amountCents: number }[] = [];
  for (const invoice of invoices) {
    if (left <= 0) break;
    const share = Math.min(left, invoice.balanceCents);
    shares.push({ invoiceId: invoice.id, amountCents: share });
    left -= share;
  }
  return shares;
}

export type ScheduledInstallment = { position: number; dueDate: CalendarDate; amountCents: number };

/** The last day an installment may fall on: today + `maxPlanMonths` months. */
export function planDateLimit(today: CalendarDate, policy: Pick<AgreementPolicy, "maxPlanMonths">): CalendarDate {
  return addMonths(today, policy.maxPlanMonths);
}

/** A plan has at least two installments: one payment on a date is a promise. */
export const MIN_INSTALLMENTS = 2;
/** More rows than any policy needs; keeps a hostile form from asking for thousands. */
export const MAX_INSTALLMENTS = 24;

function checkStart(start: string, field: string, today: CalendarDate, policy: AgreementPolicy): Rejection | null {
  if (!isCalendarDate(start)) return { field, key: field === "start" ? "start.missing" : "row.dateMissing", params: { row: 1 } };
  if (start <= today) return { field, key: "start.notAfterToday", params: { date: today } };
  // The first installment is no further away than a promised date could be.
  const limit = promiseDateLimit(today, policy);
  if (start > limit) return { field, key: "start.beyondLimit", params: { date: limit, days: policy.maxPromiseDays } };
  return null;
}

/**
 * Monthly installments from `start`, in whole cents summing exactly to the balance. The odd cents
 * go on the FIRST installment: the following ones are all equal, and the creditor is never left
 * with a remainder at the end of the plan.
 */
export function buildPlanSchedule(input: {
  balanceCents: number;
  count: number;
  start: string;
  today: CalendarDate;
  policy: AgreementPolicy;
}): Checked<ScheduledInstallment[]> {
  const { balanceCents, count, start, today, policy } = input;
  const rejections: Rejection[] = [];
  const countOk = Number.isSafeInteger(count) && count >= MIN_INSTALLMENTS && count <= MAX_INSTALLMENTS;
  if (!countOk) rejections.push({ field: "count", key: "count.invalid", params: { count: MAX_INSTALLMENTS } });
  const startRejection = checkStart(start, "start", today, policy);
  if (startRejection) rejections.push(startRejection);
  if (rejections.length > 0) return rejected(rejections);

  const limit = planDateLimit(today, policy);
  const last = addMonths(start, count - 1);
  if (last > limit) {
    const fitting = monthsFitting(start, limit);
    return rejected([{ field: "count", key: "plan.beyondLimit", params: { date: limit, months: policy.maxPlanMonths, count: fitting } }]);
  }
  const base = Math.floor(balanceCents / count);
  if (base < policy.minInstallmentCents) {
    const most = Math.floor(balanceCents / policy.minInstallmentCents);
    return rejected([{ field: "count", key: "count.tooMany", params: { cents: policy.minInstallmentCents, count: most } }]);
  }
  const remainder = balanceCents - base * count;
  return {
    ok: true,
    value: Array.from({ length: count }, (_, i) => ({
      position: i + 1,
      dueDate: addMonths(start, i),
      amountCents: base + (i === 0 ? remainder : 0),
    })),
  };
}

/** How many monthly installments from `start` fit before `limit`. */
function monthsFitting(start: CalendarDate, limit: CalendarDate): number {
  let n = 0;
  while (n < MAX_INSTALLMENTS && addMonths(start, n) <= limit) n += 1;
  return n;
}

export type CustomRow = { date: string; amountCents: number | null | "invalid" };

/**
 * A schedule the debtor wrote: empty rows ignored; dates strictly increasing, the first after today
 * (within the promise limit), the last within `maxPlanMonths`; each amount at least the policy's
 * minimum except the last, which may be smaller; the sum exactly the balance. Fields are named
 * `row-<n>-date` / `row-<n>-amount` after the row as the debtor sees it (1-based).
 */
export function validateCustomSchedule(input: {
  rows: readonly CustomRow[];
  balanceCents: number;
  today: CalendarDate;
  policy: AgreementPolicy;
}): Checked<ScheduledInstallment[]> {
  const { balanceCents, today, policy } = input;
  const rows = input.rows
    .map((row, index) => ({ ...row, n: index + 1 }))
    .filter((row) => row.date.trim() !== "" || row.amountCents !== null);
  if (rows.length < MIN_INSTALLMENTS || rows.length > MAX_INSTALLMENTS) {
    return rejected([{ field: "rows", key: "rows.tooFew", params: { count: MIN_INSTALLMENTS } }]);
  }
  const rejections: Rejection[] = [];
  const limit = planDateLimit(today, policy);
  let previous: CalendarDate | null = null;
  rows.forEach((row, i) => {
    const field = `row-${row.n}-date`;
    if (!isCalendarDate(row.date)) rejections.push({ field, key: "row.dateMissing", params: { row: row.n } });
    else if (i === 0 && checkStart(row.date, field, today, policy)) rejections.push(checkStart(row.date, field, today, policy)!);
    else if (previous !== null && row.date <= previous) rejections.push({ field, key: "row.dateNotIncreasing", params: { row: row.n, date: previous } });
    else if (row.date > limit) rejections.push({ field, key: "plan.beyondLimit", params: { date: limit, months: policy.maxPlanMonths, row: row.n } });
    if (isCalendarDate(row.date)) previous = row.date;

    const amountField = `row-${row.n}-amount`;
    const last = i === rows.length - 1;
    if (row.amountCents === null || row.amountCents === "invalid" || row.amountCents <= 0) {
      rejections.push({ field: amountField, key: "row.amountInvalid", params: { row: row.n } });
    } else if (!last && row.amountCents < policy.minInstallmentCents) {
      rejections.push({ field: amountField, key: "installment.belowMinimum", params: { row: row.n, cents: policy.minInstallmentCents } });
    }
  });
  if (rejections.length > 0) return rejected(rejections);
  const sum = rows.reduce((total, row) => total + (row.amountCents as number), 0);
  if (sum !== balanceCents) return rejected([{ field: "rows", key: "rows.sumMismatch", params: { cents: balanceCents, count: sum } }]);
  return { ok: true, value: rows.map((row, i) => ({ position: i + 1, dueDate: row.date, amountCents: row.amountCents as number })) };
}

/** How far back a broken promise or a defaulted plan counts against accepting a new plan at once. */
export const TRUST_WINDOW_MONTHS = 12;

export type AutoAcceptInput = {
  schedule: readonly ScheduledInstallment[];
  today: CalendarDate;
  policy: Pick<AgreementPolicy, "autoAcceptPlanMonths">;
  segment: "standard" | "high_risk" | "good_payer";
  /** Promises broken and plans defaulted by this debtor since `today - TRUST_WINDOW_MONTHS`. */
  recentBreaches: number;
};

export type AutoAcceptDecision =
  | { accept: true }
  | { accept: false; reason: "too_long" | "high_risk" | "recent_breach" };

/**
 * Stricter than what is allowed: a plan is accepted at once only when its last installment falls
 * within `autoAcceptPlanMonths` months AND the debtor has kept their word (no promise broken and no
 * plan defaulted in the last 12 months) AND the debtor is not in the high-risk segment, whose plans
 * a person always looks at. Anything else is a proposal staff review.
 */
export function decideAutoAccept(input: AutoAcceptInput): AutoAcceptDecision {
  const last = input.schedule.at(-1);
  if (!last || last.dueDate > addMonths(input.today, input.policy.autoAcceptPlanMonths)) return { accept: false, reason: "too_long" };
  if (input.segment === "high_risk") return { accept: false, reason: "high_risk" };
  if (input.recentBreaches > 0) return { accept: false, reason: "recent_breach" };
  return { accept: true };
}
