import { contactWindows, isWithinContactWindow, zonedInstant, type ContactWindows, type HolidayRegion } from "./business-calendar";
import { normalizePhone } from "./contact-details";
import { addDays, localDate, type CalendarDate } from "./dates";

/**
 * Call-back requests from the portal (DESIGN.md: "asks for a call back → next step becomes a call
 * task at the chosen slot"). The slots are the creditor's call windows (by default L10's Mon–Fri
 * 09:00–19:00; French public holidays always closed, and Good Friday and 26 December too for a debtor
 * in Alsace-Moselle) of the next business days, on the debtor's own wall clock.
 */

export const CALLBACK_BUSINESS_DAYS = 5;
export const CALLBACK_SLOT_MINUTES = 30;
/** Staff need time to see the request before the call. */
export const CALLBACK_MIN_LEAD_MINUTES = 120;
/** The pause outlives the slot by a day: if the call cannot happen, reminders resume then. */
export const CALLBACK_PAUSE_AFTER_SLOT_MS = 86_400_000;
export const CALLBACK_NOTE_MAX = 500;

const MINUTE_MS = 60_000;
// Weekends and holidays close at most a few days in a row; this bounds the search.
const MAX_SCAN_DAYS = 31;

export type CallbackDay = { date: CalendarDate; slots: Date[] };

/**
 * The slots offered at `now`: every half hour inside the call window, for the first
 * CALLBACK_BUSINESS_DAYS days that still have one (today counts if a slot is left), none sooner than
 * the lead time.
 */
export function offerCallbackSlots(now: Date, timeZone: string, windows: ContactWindows = contactWindows, region: HolidayRegion = "metropolitan"): CallbackDay[] {
  const window = windows.call;
  const earliest = now.getTime() + CALLBACK_MIN_LEAD_MINUTES * MINUTE_MS;
  const days: CallbackDay[] = [];
  let date = localDate(now, timeZone);
  for (let i = 0; i < MAX_SCAN_DAYS && days.length < CALLBACK_BUSINESS_DAYS; i++, date = addDays(date, 1)) {
    const slots: Date[] = [];
    for (let minute = window.startMinute; minute + CALLBACK_SLOT_MINUTES <= window.endMinute; minute += CALLBACK_SLOT_MINUTES) {
      const at = zonedInstant(date, minute, timeZone);
      // The window check also closes weekends and holidays, and drops a wall time a DST gap moved.
      if (at.getTime() < earliest || !isWithinContactWindow(at, "call", timeZone, windows, region) || localDate(at, timeZone) !== date) continue;
      if (!slots.some((s) => s.getTime() === at.getTime())) slots.push(at);
    }
    if (slots.length > 0) days.push({ date, slots });
  }
  return days;
}

export type CallbackField = "slot" | "phone" | "note";
export type CallbackErrorKey = "slot.missing" | "slot.notOffered" | "phone.missing" | "phone.invalid" | "note.tooLong";

export type CallbackInput = { slot: string; phoneChoice: string; otherPhone: string; note: string };
export type CallbackRequest = { slot: Date; phone: { kind: "file" } | { kind: "other"; number: string }; note: string };

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The chosen slot, only if it is one of those offered (compared as instants, whatever the ISO spelling). */
export function chooseSlot(value: string, offered: readonly CallbackDay[]): { ok: true; slot: Date } | { ok: false; key: CallbackErrorKey } {
  const text = value.trim();
  if (text === "") return { ok: false, key: "slot.missing" };
  const at = ISO_INSTANT.test(text) ? Date.parse(text) : Number.NaN;
  const slot = offered.flatMap((d) => d.slots).find((s) => s.getTime() === at);
  return slot ? { ok: true, slot } : { ok: false, key: "slot.notOffered" };
}

/**
 * Reads a request: a slot among those offered, the phone on file or another number (E.164, or a
 * French number as people write it), a note of at most CALLBACK_NOTE_MAX characters.
 */
export function validateCallbackRequest(
  input: CallbackInput,
  offered: readonly CallbackDay[],
  hasPhoneOnFile: boolean,
): { ok: true; value: CallbackRequest } | { ok: false; errors: Partial<Record<CallbackField, CallbackErrorKey>> } {
  const errors: Partial<Record<CallbackField, CallbackErrorKey>> = {};
  const slot = chooseSlot(input.slot, offered);
  if (!slot.ok) errors.slot = slot.key;

  let phone: CallbackRequest["phone"] | null = null;
  if (input.phoneChoice === "file" && hasPhoneOnFile) phone = { kind: "file" };
  else if (input.phoneChoice === "other" || !hasPhoneOnFile) {
    const number = normalizePhone(input.otherPhone);
    if (input.otherPhone.trim() === "") errors.phone = "phone.missing";
    else if (!number) errors.phone = "phone.invalid";
    else phone = { kind: "other", number };
  } else errors.phone = "phone.missing";

  const note = input.note.trim();
  if ([...note].length > CALLBACK_NOTE_MAX) errors.note = "note.tooLong";

  if (!slot.ok || !phone || errors.note) return { ok: false, errors };
  return { ok: true, value: { slot: slot.slot, phone, note } };
}

/** When the pause ends if the call could not take place: the cadence resumes then. */
export function callbackPauseEnd(slot: Date): Date {
  return new Date(slot.getTime() + CALLBACK_PAUSE_AFTER_SLOT_MS);
}
