import { addDays, isCalendarDate, type CalendarDate } from "./dates";
import { parseAmountToCents } from "./payments";

/** Why a debtor disputes an invoice (DESIGN.md, the portal). */
export const DISPUTE_REASONS = ["amount", "not_received", "quality", "already_paid", "missing_po", "other"] as const;
/** How a debtor says they paid, for an "already paid" claim. */
export const CLAIM_METHODS = ["transfer", "card", "cheque", "cash", "other"] as const;

export type DisputeReason = (typeof DISPUTE_REASONS)[number];
export type ClaimMethod = (typeof CLAIM_METHODS)[number];

/** Long enough for staff to act on, short enough to read in the review queue. */
export const MESSAGE_MIN_CHARS = 10;
export const MESSAGE_MAX_CHARS = 2000;
export const REFERENCE_MAX_CHARS = 100;
/** A payment older than this is not plausibly the one that settles an invoice still chased. */
export const CLAIM_LOOKBACK_DAYS = 730;

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

export type DisputeInput = { invoiceIds: readonly number[]; reason: string; message: string };
export type DisputeProblems = Partial<{
  invoices: "required" | "not_yours";
  reason: "required";
  message: "too_short" | "too_long";
}>;
export type ValidDispute = { invoiceIds: number[]; reason: DisputeReason; message: string };

/**
 * A dispute names one or more of the debtor's open invoices (ids outside that list are refused,
 * never silently dropped), a known reason and a message; each problem is named by field.
 */
export function validateDispute(input: DisputeInput, openInvoiceIds: readonly number[]): { ok: true; value: ValidDispute } | { ok: false; problems: DisputeProblems } {
  const invoiceIds = [...new Set(input.invoiceIds)];
  const message = input.message.trim();
  const problems: DisputeProblems = {};
  if (invoiceIds.length === 0) problems.invoices = "required";
  else if (invoiceIds.some((id) => !openInvoiceIds.includes(id))) problems.invoices = "not_yours";
  if (!isOneOf(DISPUTE_REASONS, input.reason)) problems.reason = "required";
  if (message.length < MESSAGE_MIN_CHARS) problems.message = "too_short";
  else if (message.length > MESSAGE_MAX_CHARS) problems.message = "too_long";
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, value: { invoiceIds, reason: input.reason as DisputeReason, message } };
}

export type ClaimInput = { invoiceId: number; paidOn: string; amount: string; method: string; reference: string };
export type ClaimProblems = Partial<{
  invoice: "required";
  paidOn: "invalid" | "future" | "too_old";
  amount: "invalid" | "above_balance";
  method: "required";
  reference: "too_long";
}>;
export type ValidClaim = { invoiceId: number; paidOn: CalendarDate; amountCents: number; method: ClaimMethod; reference: string | null };

/**
 * "I already paid": one of the debtor's open invoices, a date not after today (the debtor's own
 * today) nor absurdly old, a positive amount in whole cents not above what is still due, a known
 * method and an optional short reference.
 */
export function validateClaim(
  input: ClaimInput,
  context: { today: CalendarDate; openInvoices: readonly { id: number; balanceCents: number }[] },
): { ok: true; value: ValidClaim } | { ok: false; problems: ClaimProblems } {
  const invoice = context.openInvoices.find((i) => i.id === input.invoiceId);
  const reference = input.reference.trim();
  const problems: ClaimProblems = {};
  if (!invoice) problems.invoice = "required";
  if (!isCalendarDate(input.paidOn)) problems.paidOn = "invalid";
  else if (input.paidOn > context.today) problems.paidOn = "future";
  else if (input.paidOn < addDays(context.today, -CLAIM_LOOKBACK_DAYS)) problems.paidOn = "too_old";
  const cents = parseAmountToCents(input.amount.trim());
  if (cents === null || cents <= 0) problems.amount = "invalid";
  else if (invoice && cents > invoice.balanceCents) problems.amount = "above_balance";
  if (!isOneOf(CLAIM_METHODS, input.method)) problems.method = "required";
  if (reference.length > REFERENCE_MAX_CHARS) problems.reference = "too_long";
  if (Object.keys(problems).length > 0 || !invoice || cents === null) return { ok: false, problems };
  return {
    ok: true,
    value: { invoiceId: invoice.id, paidOn: input.paidOn as CalendarDate, amountCents: cents, method: input.method as ClaimMethod, reference: reference === "" ? null : reference },
  };
}
