/**
 * GDPR retention (art. 5(1)(e), L11): once every invoice of a debtor is settled or written off, the
 * file is kept for the creditor's retention period, then its personal data is anonymised. The
 * default, 5 years, is the prescription period of a B2B claim (C. com. L110-4); amounts, numbers and
 * dates stay because accounting documents are kept 10 years (C. com. L123-22).
 */
export const DEFAULT_RETENTION_MONTHS = 60;
export const MIN_RETENTION_MONTHS = 12;
export const MAX_RETENTION_MONTHS = 120;

export type RetentionFacts = {
  anonymisedAt: Date | null;
  invoices: readonly { status: "open" | "paid" | "cancelled" | "litigation"; paidAt: Date | null; createdAt: Date }[];
  openDisputes: number;
  /** The last thing that happened on the file (timeline, payment), so a late refund restarts the clock. */
  lastActivityAt: Date | null;
};

export type RetentionDecision =
  | { due: true; closedAt: Date }
  | { due: false; reason: "already_anonymised" | "no_invoice" | "invoice_open" | "dispute_open" | "within_period"; until?: Date };

export function decideRetention(facts: RetentionFacts, months: number, now: Date): RetentionDecision {
  if (facts.anonymisedAt) return { due: false, reason: "already_anonymised" };
  if (facts.invoices.length === 0) return { due: false, reason: "no_invoice" };
  if (facts.invoices.some((i) => i.status === "open" || i.status === "litigation")) return { due: false, reason: "invoice_open" };
  if (facts.openDisputes > 0) return { due: false, reason: "dispute_open" };
  const dates = facts.invoices.map((i) => (i.paidAt ?? i.createdAt).getTime());
  if (facts.lastActivityAt) dates.push(facts.lastActivityAt.getTime());
  const closedAt = new Date(Math.max(...dates));
  const until = addMonths(closedAt, months);
  return until.getTime() <= now.getTime() ? { due: true, closedAt } : { due: false, reason: "within_period", until };
}

/** Calendar months in UTC; a day that does not exist in the target month (31 → 30) rolls to its last day. */
export function addMonths(instant: Date, months: number): Date {
  const target = new Date(instant.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/** The neutral name an anonymised debtor keeps, so accounting exports still have a label. */
export function anonymisedName(debtorId: number): string {
  return `Débiteur anonymisé #${debtorId}`;
}

/** Keys of timeline data that can hold personal data (free texts, addresses, names, file names). */
const PERSONAL_TIMELINE_KEYS = new Set(["note", "sentTo", "debtorName", "proof", "files", "message", "text", "email", "phone", "to", "toAddress", "name", "ip", "userAgent"]);

/** A timeline event's data with its personal parts cleared; ids, amounts, dates and statuses stay. */
export function scrubTimelineData(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, PERSONAL_TIMELINE_KEYS.has(key) && value !== null ? "[anonymisé]" : value]));
}
