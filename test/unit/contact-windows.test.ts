import { describe, expect, it } from "vitest";
import { contactWindows, isWithinContactWindow, nextContactWindow } from "~/domain/business-calendar";
import { decideCadence, type DebtorCadenceState } from "~/domain/cadence";
import { describeWindow, mergeWindows, validateContactWindows, type WindowInput } from "~/domain/contact-windows";
import type { ContactChannel } from "~/domain/business-calendar";
import { offerCallbackSlots } from "~/domain/callback-slots";

const PARIS = "Europe/Paris";
const days = (text: string) => [...text];
const defaults: Record<ContactChannel, WindowInput> = {
  email: { weekdays: days("12345"), start: "08:00", end: "20:00" },
  sms: { weekdays: days("12345"), start: "09:00", end: "19:00" },
  call: { weekdays: days("12345"), start: "09:00", end: "19:00" },
  letter: { weekdays: days("12345"), start: "09:00", end: "17:00" },
};
const withWindow = (channel: ContactChannel, window: Partial<WindowInput>) => ({ ...defaults, [channel]: { ...defaults[channel], ...window } });

describe("a creditor's contact windows", () => {
  it("accepts today's windows, which are the defaults", () => {
    const result = validateContactWindows(defaults);
    expect(result).toEqual({ ok: true, windows: contactWindows });
  });

  it.each<[string, ContactChannel, Partial<WindowInput>, string, RegExp]>([
    ["SMS on a Sunday", "sms", { weekdays: days("1234567") }, "sms.weekdays", /jamais le dimanche/],
    ["calls on a Saturday", "call", { weekdays: days("123456") }, "call.weekdays", /jamais le samedi/],
    ["emails on a Sunday", "email", { weekdays: days("7") }, "email.weekdays", /jamais le dimanche/],
    ["a channel with no day", "letter", { weekdays: [] }, "letter.weekdays", /au moins un jour/],
    ["a day that does not exist", "sms", { weekdays: ["9"] }, "sms.weekdays", /jour inconnu/],
    ["SMS before 08:00", "sms", { start: "07:30" }, "sms.start", /pas avant 08:00/],
    ["emails after 20:00", "email", { end: "21:00" }, "email.end", /pas après 20:00/],
    ["calls until 20:30", "call", { end: "20:30" }, "call.end", /pas après 20:00/],
    ["an end before the start", "email", { start: "12:00", end: "10:00" }, "email.end", /au moins une heure après/],
    ["a window of half an hour", "sms", { start: "10:00", end: "10:30" }, "sms.end", /au moins une heure après/],
    ["a start that is not a time", "letter", { start: "9h" }, "letter.start", /heure de début/],
  ])("refuses %s", (_, channel, window, field, message) => {
    const result = validateContactWindows(withWindow(channel, window));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field as keyof typeof result.errors]).toMatch(message);
  });

  it("allows SMS on Saturdays and from 08:00 to 20:00, the outer bounds", () => {
    const result = validateContactWindows(withWindow("sms", { weekdays: days("123456"), start: "08:00", end: "20:00" }));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.windows.sms).toEqual({ weekdays: [1, 2, 3, 4, 5, 6], startMinute: 480, endMinute: 1200 });
  });

  it("keeps the defaults for channels never saved", () => {
    const merged = mergeWindows([{ channel: "email", weekdays: [1, 2, 3], startMinute: 600, endMinute: 720 }]);
    expect(merged.email).toEqual({ weekdays: [1, 2, 3], startMinute: 600, endMinute: 720 });
    expect(merged.sms).toEqual(contactWindows.sms);
    expect(describeWindow(merged.email)).toBe("lun.–mer., 10:00–12:00");
  });
});

describe("the calendar and the cadence with a creditor's windows", () => {
  const narrow = mergeWindows([
    { channel: "email", weekdays: [2, 4], startMinute: 10 * 60, endMinute: 12 * 60 },
    { channel: "sms", weekdays: [1, 2, 3, 4, 5, 6], startMinute: 8 * 60, endMinute: 20 * 60 },
  ]);

  it.each([
    // Friday 20 November 2026, 10:00 in Paris: email only opens Tuesdays and Thursdays 10:00–12:00.
    ["2026-11-20T09:00:00Z", "email", "2026-11-24T09:00:00.000Z"],
    ["2026-11-24T11:30:00Z", "email", "2026-11-26T09:00:00.000Z"],
    // SMS on Saturday morning is now allowed, Sunday still not.
    ["2026-11-21T07:30:00Z", "sms", "2026-11-21T07:30:00.000Z"],
    ["2026-11-21T19:30:00Z", "sms", "2026-11-23T07:00:00.000Z"],
    // Public holidays stay closed whatever is saved: Friday 25 December.
    ["2026-12-24T19:30:00Z", "sms", "2026-12-26T07:00:00.000Z"],
  ])("from %s the next %s opening is %s", (from, channel, expected) => {
    expect(nextContactWindow(new Date(from), channel as ContactChannel, PARIS, narrow).toISOString()).toBe(expected);
  });

  it("the defaults still apply when no windows are given", () => {
    expect(isWithinContactWindow(new Date("2026-11-21T07:30:00Z"), "sms", PARIS)).toBe(false);
    expect(isWithinContactWindow(new Date("2026-11-21T07:30:00Z"), "sms", PARIS, narrow)).toBe(true);
  });

  it("the cadence plans a step inside the creditor's window, passed in with the state", () => {
    const state: DebtorCadenceState = {
      debtorId: 1,
      timeZone: PARIS,
      escalated: false,
      brokenPromiseCount: 0,
      channels: { email: true, sms: true, letter: true },
      policy: { steps: [{ kind: "first_reminder", offsetDays: 5, channel: "email" }], minDaysBetweenContacts: 7, maxDaysWithoutContact: 10, brokenPromisesBeforeLitigation: 3, promiseGraceDays: 3 },
      invoices: [{ id: 1, dueDate: "2026-11-15", balanceCents: 10_000, paymentTermsDays: 30, status: "open", paidOn: null, stepsDone: [], openDispute: false, openPromise: null, inPlan: false }],
      contacts: [],
      lastActionAt: null,
      pauses: [],
      plan: null,
    };
    const now = new Date("2026-11-20T08:00:00Z");
    expect(decideCadence(state, now).contacts[0]!.plannedFor.toISOString()).toBe("2026-11-20T08:00:00.000Z");
    const planned = decideCadence({ ...state, windows: narrow }, now).contacts[0]!;
    expect(planned.plannedFor.toISOString()).toBe("2026-11-24T09:00:00.000Z");
    expect(planned.key).toBe("first_reminder:debtor-1:2026-11-24:email");
  });

  it("call-back slots offered in the portal follow the creditor's call window", () => {
    const afternoons = mergeWindows([{ channel: "call", weekdays: [1, 3], startMinute: 14 * 60, endMinute: 16 * 60 }]);
    const days = offerCallbackSlots(new Date("2026-11-20T09:00:00Z"), PARIS, afternoons);
    expect(days.map((d) => d.date)).toEqual(["2026-11-23", "2026-11-25", "2026-11-30", "2026-12-02", "2026-12-07"]);
    const times = new Set(days.flatMap((d) => d.slots.map((s) => new Intl.DateTimeFormat("fr-FR", { timeStyle: "short", timeZone: PARIS }).format(s))));
    expect([...times]).toEqual(["14:00", "14:30", "15:00", "15:30"]);
  });
});
