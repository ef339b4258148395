import { contactWindows, type ContactChannel, type ContactWindow, type ContactWindows } from "./business-calendar";

/**
 * A creditor's own contact windows, kept inside the conservative policy of L10: no statute fixes
 * hours, so the outer bounds are those of the references it cites (nothing before 08:00 or from
 * 20:00, never on Sunday; calls never at the weekend, as for telephone prospecting). Public holidays
 * stay closed for every channel whatever is saved: the business calendar closes them.
 */

export const CHANNELS: readonly ContactChannel[] = ["email", "sms", "call", "letter"];

export const WINDOW_BOUNDS: ContactWindows = Object.freeze({
  email: Object.freeze({ weekdays: Object.freeze([1, 2, 3, 4, 5, 6]), startMinute: 8 * 60, endMinute: 20 * 60 }),
  sms: Object.freeze({ weekdays: Object.freeze([1, 2, 3, 4, 5, 6]), startMinute: 8 * 60, endMinute: 20 * 60 }),
  call: Object.freeze({ weekdays: Object.freeze([1, 2, 3, 4, 5]), startMinute: 8 * 60, endMinute: 20 * 60 }),
  letter: Object.freeze({ weekdays: Object.freeze([1, 2, 3, 4, 5, 6]), startMinute: 8 * 60, endMinute: 20 * 60 }),
});

/** A window shorter than this would leave a day's contacts no room to go. */
export const MIN_WINDOW_MINUTES = 60;

export const WEEKDAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"] as const;
export const CHANNEL_NAMES: Record<ContactChannel, string> = { email: "E-mail", sms: "SMS", call: "Appels", letter: "Courriers" };

export type WindowInput = { weekdays: readonly string[]; start: string; end: string };
export type WindowField = `${ContactChannel}.${"weekdays" | "start" | "end"}`;
export type WindowsResult = { ok: true; windows: ContactWindows } | { ok: false; errors: Partial<Record<WindowField, string>> };

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function minuteToTime(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
}

function parseTime(text: string): number | null {
  const match = TIME.exec(text.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function dayList(days: readonly number[]): string {
  return days.map((d) => WEEKDAY_NAMES[d - 1]).join(", ");
}

/** Checks the four channels' windows against the bounds; every problem is reported, per field. */
export function validateContactWindows(input: Partial<Record<ContactChannel, WindowInput>>): WindowsResult {
  const errors: Partial<Record<WindowField, string>> = {};
  const windows = {} as Record<ContactChannel, ContactWindow>;
  for (const channel of CHANNELS) {
    const bounds = WINDOW_BOUNDS[channel];
    const given = input[channel] ?? { weekdays: [], start: "", end: "" };
    const name = CHANNEL_NAMES[channel];
    const days = [...new Set(given.weekdays.map(Number))].sort((a, b) => a - b);
    if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
      errors[`${channel}.weekdays`] = `${name} : jour inconnu.`;
    } else if (days.length === 0) {
      errors[`${channel}.weekdays`] = `${name} : cochez au moins un jour.`;
    } else {
      const outside = days.filter((d) => !bounds.weekdays.includes(d));
      if (outside.length > 0) {
        errors[`${channel}.weekdays`] = `${name} : jamais le ${dayList(outside)} (au plus du ${dayList([bounds.weekdays[0]!])} au ${dayList([bounds.weekdays.at(-1)!])}).`;
      }
    }
    const start = parseTime(given.start);
    const end = parseTime(given.end);
    const earliest = minuteToTime(bounds.startMinute);
    const latest = minuteToTime(bounds.endMinute);
    if (start === null) errors[`${channel}.start`] = `${name} : saisissez une heure de début, par exemple 09:00.`;
    else if (start < bounds.startMinute) errors[`${channel}.start`] = `${name} : pas avant ${earliest}.`;
    if (end === null) errors[`${channel}.end`] = `${name} : saisissez une heure de fin, par exemple 19:00.`;
    else if (end > bounds.endMinute) errors[`${channel}.end`] = `${name} : pas après ${latest}.`;
    else if (start !== null && start >= bounds.startMinute && end - start < MIN_WINDOW_MINUTES) {
      errors[`${channel}.end`] = `${name} : la fin doit venir au moins une heure après le début.`;
    }
    if (start !== null && end !== null) windows[channel] = { weekdays: days, startMinute: start, endMinute: end };
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, windows };
}

/** Saved rows over the defaults: a channel never saved keeps today's window. */
export function mergeWindows(saved: readonly { channel: ContactChannel; weekdays: readonly number[]; startMinute: number; endMinute: number }[]): ContactWindows {
  const merged: Record<ContactChannel, ContactWindow> = { ...contactWindows };
  for (const row of saved) merged[row.channel] = { weekdays: [...row.weekdays], startMinute: row.startMinute, endMinute: row.endMinute };
  return merged;
}

/** "lun.–ven., 09:00–19:00" as staff read it. */
export function describeWindow(window: ContactWindow): string {
  const short = window.weekdays.map((d) => `${WEEKDAY_NAMES[d - 1]!.slice(0, 3)}.`);
  const contiguous = window.weekdays.every((d, i) => i === 0 || d === window.weekdays[i - 1]! + 1);
  const days = contiguous && short.length > 2 ? `${short[0]}–${short.at(-1)}` : short.join(", ");
  return `${days}, ${minuteToTime(window.startMinute)}–${minuteToTime(window.endMinute)}`;
}
