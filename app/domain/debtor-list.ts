import { daysBetween, type CalendarDate } from "./dates";
import { isTimeBarred } from "./prescription";

/** The filters of the debtor list; "all" shows every debtor of the creditor. */
export const debtorListFilters = ["all", "overdue", "paused", "litigation"] as const;
export type DebtorListFilter = (typeof debtorListFilters)[number];

export type DebtorListState = "litigation" | "time_barred" | "paused" | "overdue" | "current" | "settled";

export const DEBTORS_PER_PAGE = 25;

/** The columns the list sorts by; by default the largest amount overdue first. */
export const debtorListSorts = ["retard", "du", "client", "anciennete", "contact"] as const;
export type DebtorListSort = (typeof debtorListSorts)[number];

/**
 * One state per debtor, the most pressing first: litigation (escalated or an invoice handed over)
 * outranks a pause, a pause outranks lateness, so staff see why reminders are or are not going out.
 * A consumer whose every open debt is time-barred (L8), counting from their last acknowledgment, is
 * "prescrite": nothing will go out.
 */
export function decideDebtorState(
  row: { escalated: boolean; hasLitigationInvoice: boolean; paused: boolean; owedCents: number; overdueCents: number; kind?: "business" | "consumer"; newestOpenDueDate?: CalendarDate | null; acknowledgedOn?: CalendarDate | null },
  today?: CalendarDate,
): DebtorListState {
  if (row.escalated || row.hasLitigationInvoice) return "litigation";
  if (today && row.kind && row.newestOpenDueDate && row.owedCents > 0 && isTimeBarred(row.kind, row.newestOpenDueDate, today, row.acknowledgedOn ?? null)) return "time_barred";
  if (row.paused) return "paused";
  if (row.overdueCents > 0) return "overdue";
  return row.owedCents > 0 ? "current" : "settled";
}

/** Days late of the oldest unpaid invoice already due; 0 when none is. */
export function oldestDaysLate(oldestDueDate: CalendarDate | null, today: CalendarDate): number {
  return oldestDueDate ? Math.max(0, daysBetween(oldestDueDate, today)) : 0;
}

/** What the search box may match exactly: a SIREN typed with spaces is still a SIREN. */
export function sirenOf(query: string): string | null {
  const digits = query.replace(/[\s.]/g, "");
  return /^\d{9}$/.test(digits) ? digits : null;
}

/** A LIKE pattern that matches the text literally (%, _ and the escape character neutralised). */
export function likeContains(query: string): string {
  return `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function pageCount(total: number, perPage = DEBTORS_PER_PAGE): number {
  return Math.max(1, Math.ceil(total / perPage));
}
