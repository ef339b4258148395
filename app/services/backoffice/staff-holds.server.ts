import { z } from "zod";
import { parseFields } from "../http/forms.server";
import { transaction, type Db } from "../../../db/client";
import { addDays, formatCalendarDate, isCalendarDate, type CalendarDate } from "../../domain/dates";
import { zonedInstant } from "../../domain/business-calendar";
import { hasHiddenCharacters } from "../../domain/text";
import { liftStaffHolds, placeStaffHold } from "../../models/debtor-file.server";
import { appendTimeline } from "../../models/timeline.server";

const LOCALE = "fr-FR";

/** A staff hold always ends: on the date staff give, at most this far ahead (no pause without an end). */
export const STAFF_HOLD_MAX_DAYS = 90;

const holdSchema = z.object({
  reason: z
    .string({ error: "Indiquez pourquoi les relances sont suspendues (3 caractères au moins)." })
    .trim()
    .min(3, { error: "Indiquez pourquoi les relances sont suspendues (3 caractères au moins)." })
    .max(300, { error: "Le motif dépasse 300 caractères." })
    .refine((text) => !hasHiddenCharacters(text), { error: "Le motif contient des caractères invisibles ou de contrôle : retapez-le." }),
  until: z.string({ error: "Indiquez jusqu'à quelle date suspendre les relances." }).refine(isCalendarDate, { error: "Indiquez jusqu'à quelle date suspendre les relances." }),
});

export type HoldRequest = { reason: string; until: CalendarDate };
export type HoldFieldErrors = Partial<Record<"reason" | "until", string>>;

/** A hold as staff typed it (the debtor file's card, the debtor list's bulk bar), or what to fix. */
export function parseHold(form: FormData, today: CalendarDate): { hold: HoldRequest } | { errors: HoldFieldErrors } {
  const parsed = parseFields(holdSchema, form);
  if (!parsed.ok) return { errors: parsed.errors };
  const latest = addDays(today, STAFF_HOLD_MAX_DAYS);
  if (parsed.data.until < today || parsed.data.until > latest) {
    return { errors: { until: `Choisissez une date entre aujourd'hui et le ${formatCalendarDate(latest, LOCALE)} (${STAFF_HOLD_MAX_DAYS} jours au plus).` } };
  }
  return { hold: parsed.data };
}

type Staff = { creditorId: number; name: string; creditorTimeZone: string };

/**
 * Suspends every reminder to these debtors until the date given (included), with the reason, in one
 * transaction: each gets a whole-debtor pause the cadence honours and a line on its timeline; the job
 * lifts it by itself the next day. The debtors must already be known to belong to the staff's creditor.
 */
export async function holdDebtors(db: Db, staff: Staff, debtorIds: readonly number[], hold: HoldRequest, at: Date) {
  const endsAt = zonedInstant(addDays(hold.until, 1), 0, staff.creditorTimeZone);
  await transaction(db, async (tx) => {
    for (const debtorId of debtorIds) {
      await placeStaffHold(tx, { debtorId, endsAt, note: hold.reason }, at);
      await appendTimeline(tx, {
        creditorId: staff.creditorId,
        debtorId,
        type: "pause.staff_hold",
        actor: "staff",
        data: { until: formatCalendarDate(hold.until, LOCALE), reason: hold.reason, staff: staff.name },
        occurredAt: at,
      });
    }
  });
}

/** Resumes the reminders of these debtors now; a debtor with no hold running is left as it is. */
export async function resumeDebtors(db: Db, staff: Staff, debtorIds: readonly number[], at: Date) {
  await transaction(db, async (tx) => {
    for (const debtorId of debtorIds) {
      if ((await liftStaffHolds(tx, debtorId, at)) > 0)
        await appendTimeline(tx, { creditorId: staff.creditorId, debtorId, type: "pause.staff_hold_lifted", actor: "staff", data: { staff: staff.name }, occurredAt: at });
    }
  });
}
