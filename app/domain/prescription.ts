import { isCalendarDate, type CalendarDate } from "./dates";

/**
 * Consumer claims are time-barred two years after they fall due (C. conso L218-2, L8); claims
 * between professionals run five years, beyond any cadence. Chasing a time-barred consumer debt is
 * not allowed: no reminder, no formal notice, no letter, no call.
 */
export const CONSUMER_PRESCRIPTION_YEARS = 2;

/** The last day the claim can still be pursued: the same day two years on (28 February for a 29 February). */
export function prescriptionLastDay(dueDate: CalendarDate): CalendarDate {
  if (!isCalendarDate(dueDate)) throw new RangeError(`Not a calendar date: ${dueDate}`);
  const year = String(Number(dueDate.slice(0, 4)) + CONSUMER_PRESCRIPTION_YEARS).padStart(4, "0");
  const sameDay = `${year}${dueDate.slice(4)}`;
  return isCalendarDate(sameDay) ? sameDay : `${year}-02-28`;
}

/**
 * True once the whole two years have passed, for a consumer only: from the due date, or from the
 * debtor's last acknowledgment of the debt (a payment, a promise, a plan), which starts the period
 * again (C. civ. 2240 and 2231).
 */
export function isTimeBarred(debtorKind: "business" | "consumer", dueDate: CalendarDate, today: CalendarDate, acknowledgedOn: CalendarDate | null = null): boolean {
  const from = acknowledgedOn !== null && acknowledgedOn > dueDate ? acknowledgedOn : dueDate;
  return debtorKind === "consumer" && today > prescriptionLastDay(from);
}

/** The intake warning for an invoice that arrives already time-barred; null otherwise. */
export function timeBarredWarning(debtorKind: "business" | "consumer", dueDate: CalendarDate, today: CalendarDate): string | null {
  if (!isTimeBarred(debtorKind, dueDate, today)) return null;
  return `Créance prescrite : facture d'un particulier échue depuis plus de ${CONSUMER_PRESCRIPTION_YEARS} ans (art. L218-2 du Code de la consommation). Elle est enregistrée mais ne recevra aucune relance, mise en demeure ni courrier.`;
}
