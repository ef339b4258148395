import { businessDaysBetween } from "./business-calendar";
import type { CalendarDate } from "./dates";

/** A formal notice should leave within three business days of being prepared; later, it is flagged (L13). */
export const LETTER_POSTING_BUSINESS_DAYS = 3;

/** Business days a prepared letter has waited, and whether that is too long. */
export function letterWait(queuedOn: CalendarDate, today: CalendarDate): { businessDays: number; late: boolean } {
  const businessDays = businessDaysBetween(queuedOn, today);
  return { businessDays, late: businessDays > LETTER_POSTING_BUSINESS_DAYS };
}
