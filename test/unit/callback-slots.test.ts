import { describe, expect, it } from "vitest";
import {
  CALLBACK_NOTE_MAX,
  callbackPauseEnd,
  chooseSlot,
  offerCallbackSlots,
  validateCallbackRequest,
  type CallbackDay,
} from "~/domain/callback-slots";

const PARIS = "Europe/Paris";
const LONDON = "Europe/London";

/** "HH:MM" on the wall clock of a zone, read independently of the module under test. */
const wall = (instant: Date, timeZone = PARIS) =>
  new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(instant);
const days = (offered: CallbackDay[]) => offered.map((d) => d.date);
const iso = (d: Date) => d.toISOString();

describe("the call-back slots offered", () => {
  it("skip the weekend: on Friday evening, Monday to Friday next week, 09:00 to 18:30 every half hour", () => {
    const offered = offerCallbackSlots(new Date("2026-11-20T17:30:00Z"), PARIS); // Friday 18:30 in Paris
    expect(days(offered)).toEqual(["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]);
    for (const day of offered) {
      expect(day.slots).toHaveLength(20);
      expect(wall(day.slots[0]!)).toBe("09:00");
      expect(wall(day.slots[1]!)).toBe("09:30");
      expect(wall(day.slots.at(-1)!)).toBe("18:30");
    }
    expect(iso(offered[0]!.slots[0]!)).toBe("2026-11-23T08:00:00.000Z");
  });

  it("skip French public holidays: Armistice Day (11 November) and Easter Monday", () => {
    expect(days(offerCallbackSlots(new Date("2026-11-10T08:00:00Z"), PARIS))).toEqual(["2026-11-10", "2026-11-12", "2026-11-13", "2026-11-16", "2026-11-17"]);
    expect(days(offerCallbackSlots(new Date("2026-04-02T17:00:00Z"), PARIS))).toEqual(["2026-04-03", "2026-04-07", "2026-04-08", "2026-04-09", "2026-04-10"]);
  });

  it("skip Good Friday and 26 December for a debtor in Alsace-Moselle only", () => {
    // Thursday 2 April 2026, 19:00 in Paris: Good Friday is 3 April, Easter Monday 6 April.
    const easter = new Date("2026-04-02T17:00:00Z");
    expect(days(offerCallbackSlots(easter, PARIS, undefined, "alsace_moselle"))).toEqual(["2026-04-07", "2026-04-08", "2026-04-09", "2026-04-10", "2026-04-13"]);
    expect(days(offerCallbackSlots(easter, PARIS, undefined, "metropolitan"))[0]).toBe("2026-04-03");
    // 26 December 2025 is a Friday.
    const christmas = new Date("2025-12-24T17:00:00Z");
    expect(days(offerCallbackSlots(christmas, PARIS, undefined, "alsace_moselle"))).toEqual(["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-02", "2026-01-05"]);
    expect(days(offerCallbackSlots(christmas, PARIS))[0]).toBe("2025-12-26");
  });

  it("follow the debtor's wall clock across a DST switch", () => {
    // Paris moves to summer time on Sunday 29 March 2026: 09:00 is 08:00 UTC on Friday, 07:00 UTC on Monday.
    const spring = offerCallbackSlots(new Date("2026-03-27T05:00:00Z"), PARIS);
    expect(days(spring)).toEqual(["2026-03-27", "2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02"]);
    expect(iso(spring[0]!.slots[0]!)).toBe("2026-03-27T08:00:00.000Z");
    expect(iso(spring[1]!.slots[0]!)).toBe("2026-03-30T07:00:00.000Z");
    expect(spring.every((d) => d.slots.length === 20 && wall(d.slots[0]!) === "09:00" && wall(d.slots.at(-1)!) === "18:30")).toBe(true);
    // Back to winter time on Sunday 25 October 2026, in London as well (its own hours).
    const autumn = offerCallbackSlots(new Date("2026-10-23T05:00:00Z"), LONDON);
    expect(iso(autumn[0]!.slots[0]!)).toBe("2026-10-23T08:00:00.000Z");
    expect(iso(autumn[1]!.slots[0]!)).toBe("2026-10-26T09:00:00.000Z");
    expect(autumn.every((d) => wall(d.slots[0]!, LONDON) === "09:00")).toBe(true);
  });

  it("leave at least two hours before the first slot", () => {
    // Monday 11:15 in Paris: 13:15 at the earliest, so 13:30.
    const offered = offerCallbackSlots(new Date("2026-11-23T10:15:00Z"), PARIS);
    expect(offered[0]!.date).toBe("2026-11-23");
    expect(wall(offered[0]!.slots[0]!)).toBe("13:30");
    // Exactly two hours ahead is allowed.
    expect(wall(offerCallbackSlots(new Date("2026-11-23T10:00:00Z"), PARIS)[0]!.slots[0]!)).toBe("13:00");
    // After 16:30 nothing is left today: today does not count among the five days.
    const late = offerCallbackSlots(new Date("2026-11-23T15:31:00Z"), PARIS);
    expect(days(late)).toEqual(["2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-30"]);
    const every = late.flatMap((d) => d.slots);
    expect(every.every((s) => s.getTime() >= Date.parse("2026-11-23T15:31:00Z") + 2 * 3_600_000)).toBe(true);
  });
});

describe("choosing a slot", () => {
  const offered = offerCallbackSlots(new Date("2026-11-20T17:30:00Z"), PARIS);

  it("accepts an offered instant, however the ISO string spells it", () => {
    expect(chooseSlot("2026-11-23T08:00:00.000Z", offered)).toEqual({ ok: true, slot: new Date("2026-11-23T08:00:00Z") });
    expect(chooseSlot("2026-11-23T09:30:00+01:00", offered)).toEqual({ ok: true, slot: new Date("2026-11-23T08:30:00Z") });
  });

  it("refuses anything else: between slots, out of hours, a Saturday, past the five days, not a date", () => {
    for (const value of ["2026-11-23T08:15:00Z", "2026-11-23T18:00:00Z", "2026-11-21T09:00:00Z", "2026-11-30T08:00:00Z", "tomorrow", "1732352400000", "2026-11-23"]) {
      expect(chooseSlot(value, offered), value).toEqual({ ok: false, key: "slot.notOffered" });
    }
    expect(chooseSlot("  ", offered)).toEqual({ ok: false, key: "slot.missing" });
  });
});

describe("a call-back request", () => {
  const offered = offerCallbackSlots(new Date("2026-11-20T17:30:00Z"), PARIS);
  const slot = "2026-11-23T13:00:00.000Z";

  it("uses the phone on file by default, or another number in E.164 or French format", () => {
    expect(validateCallbackRequest({ slot, phoneChoice: "file", otherPhone: "", note: "" }, offered, true)).toEqual({
      ok: true,
      value: { slot: new Date(slot), phone: { kind: "file" }, note: "" },
    });
    for (const [typed, e164] of [
      ["06 12 34 56 78", "+33612345678"],
      ["06.12.34.56.78", "+33612345678"],
      ["+33 (0)6 12 34 56 78", "+33612345678"],
      ["+44 7700 900123", "+447700900123"],
    ] as const) {
      const result = validateCallbackRequest({ slot, phoneChoice: "other", otherPhone: typed, note: " après 14 h " }, offered, true);
      expect(result, typed).toEqual({ ok: true, value: { slot: new Date(slot), phone: { kind: "other", number: e164 }, note: "après 14 h" } });
    }
  });

  it("says which field is wrong", () => {
    expect(validateCallbackRequest({ slot: "2026-11-21T09:00:00Z", phoneChoice: "other", otherPhone: "12 34", note: "x".repeat(CALLBACK_NOTE_MAX + 1) }, offered, true)).toEqual({
      ok: false,
      errors: { slot: "slot.notOffered", phone: "phone.invalid", note: "note.tooLong" },
    });
    expect(validateCallbackRequest({ slot, phoneChoice: "other", otherPhone: " ", note: "" }, offered, true)).toEqual({ ok: false, errors: { phone: "phone.missing" } });
    // Nothing on file: another number is needed whatever the form says.
    expect(validateCallbackRequest({ slot, phoneChoice: "file", otherPhone: "", note: "" }, offered, false)).toEqual({ ok: false, errors: { phone: "phone.missing" } });
    expect(validateCallbackRequest({ slot: "", phoneChoice: "", otherPhone: "", note: "" }, offered, true)).toEqual({ ok: false, errors: { slot: "slot.missing", phone: "phone.missing" } });
    // 500 characters (accents count once) are fine.
    expect(validateCallbackRequest({ slot, phoneChoice: "file", otherPhone: "", note: "é".repeat(CALLBACK_NOTE_MAX) }, offered, true).ok).toBe(true);
  });

  it("keeps reminders paused one day past the slot", () => {
    expect(callbackPauseEnd(new Date(slot)).toISOString()).toBe("2026-11-24T13:00:00.000Z");
  });
});
