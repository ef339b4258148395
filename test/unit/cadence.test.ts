import { describe, expect, it } from "vitest";
import {
  decideCadence,
  nextDecisionAt,
  scaleOffset,
  type CadenceInvoice,
  type DebtorCadenceState,
  type PastContact,
  type StepKind,
} from "~/domain/cadence";
import { defaultCadences } from "~/domain/cadence-defaults";
import { applyDecision } from "~/domain/cadence-simulation";
import { addDays } from "~/domain/dates";

// Friday 20 November 2026, 10:00 in Paris.
const NOW = new Date("2026-11-20T09:00:00Z");
const at = (iso: string) => new Date(iso);

function invoice(id: number, dueDate: string, extra: Partial<CadenceInvoice> = {}): CadenceInvoice {
  return {
    id,
    dueDate,
    balanceCents: 120_000,
    paymentTermsDays: 30,
    status: "open",
    paidOn: null,
    stepsDone: [],
    openDispute: false,
    openPromise: null,
    inPlan: false,
    ...extra,
  };
}

function sent(date: string, step: StepKind, channel: PastContact["channel"] = "email"): PastContact {
  return { at: at(`${date}T09:00:00Z`), step, channel };
}

function state(invoices: CadenceInvoice[], extra: Partial<DebtorCadenceState> = {}): DebtorCadenceState {
  return {
    debtorId: 7,
    timeZone: "Europe/Paris",
    escalated: false,
    brokenPromiseCount: 0,
    channels: { email: true, sms: true, letter: true },
    policy: {
      steps: defaultCadences.standard,
      minDaysBetweenContacts: 7,
      maxDaysWithoutContact: 10,
      brokenPromisesBeforeLitigation: 2,
      promiseGraceDays: 3,
    },
    invoices,
    contacts: [],
    lastActionAt: null,
    pauses: [],
    plan: null,
    ...extra,
  };
}

const summary = (s: DebtorCadenceState, now = NOW) =>
  decideCadence(s, now).contacts.map((c) => `${c.step}/${c.channel}@${c.plannedFor.toISOString()}`);

describe("offsets scale with payment terms", () => {
  it.each([
    [-5, 30, -5],
    [5, 30, 5],
    [15, 30, 15],
    [30, 30, 30],
    [5, 60, 10],
    [15, 60, 25],
    [30, 60, 50],
    [-5, 60, -5],
    [5, 45, 8],
    [15, 45, 20],
    [30, 45, 40],
    [30, 90, 50],
    [5, 15, 5],
  ])("D%+i with %i-day terms → D%+i", (offset, terms, expected) => {
    expect(scaleOffset(offset, terms)).toBe(expected);
  });
});

describe("the ladder of the default French cadence", () => {
  it.each<[string, CadenceInvoice, PastContact[], string[]]>([
    ["due in 5 days: the friendly pre-reminder", invoice(1, "2026-11-25"), [], ["pre_reminder/email@2026-11-20T09:00:00.000Z"]],
    ["due in 6 days: nothing yet", invoice(1, "2026-11-26"), [], []],
    ["1 day overdue, never reminded: no pre-reminder after the due date", invoice(1, "2026-11-19"), [], []],
    ["D+5: the first reminder", invoice(1, "2026-11-15", { stepsDone: ["pre_reminder"] }), [sent("2026-11-10", "pre_reminder")], ["first_reminder/email@2026-11-20T09:00:00.000Z"]],
    [
      "D+15: the second reminder, by email and SMS",
      invoice(1, "2026-11-05", { stepsDone: ["pre_reminder", "first_reminder"] }),
      [sent("2026-11-10", "first_reminder")],
      ["second_reminder/email@2026-11-20T09:00:00.000Z", "second_reminder/sms@2026-11-20T09:00:00.000Z"],
    ],
    ["D+20: a call task for staff", invoice(1, "2026-10-31", { stepsDone: ["first_reminder", "second_reminder"] }), [sent("2026-11-13", "second_reminder")], ["call/call@2026-11-20T09:00:00.000Z"]],
    [
      "D+30: the formal notice, by registered letter and email",
      invoice(1, "2026-10-21", { stepsDone: ["first_reminder", "second_reminder", "call"] }),
      [sent("2026-11-05", "second_reminder"), sent("2026-11-10", "call", "call")],
      ["formal_notice/letter@2026-11-20T09:00:00.000Z", "formal_notice/email@2026-11-20T09:00:00.000Z"],
    ],
    ["a step already done is not repeated", invoice(1, "2026-11-15", { stepsDone: ["first_reminder"] }), [sent("2026-11-20", "first_reminder")], []],
    ["60-day terms: no first reminder at D+5", invoice(1, "2026-11-15", { paymentTermsDays: 60 }), [], []],
    ["60-day terms: the first reminder at D+10", invoice(1, "2026-11-10", { paymentTermsDays: 60 }), [], ["first_reminder/email@2026-11-20T09:00:00.000Z"]],
  ])("%s", (_label, inv, contacts, expected) => {
    expect(summary(state([inv], { contacts }))).toEqual(expected);
  });

  it("climbs one rung at a time: an old debt never reminded starts with the first reminder, not a burst", () => {
    const decision = decideCadence(state([invoice(1, "2026-10-15")]), NOW);
    expect(decision.contacts.map((c) => c.step)).toEqual(["first_reminder"]);
  });

  it("after downtime, the next rung goes at once, the one after waits for the gap", () => {
    const s = state([invoice(1, "2026-10-15", { stepsDone: ["first_reminder"] })], { contacts: [sent("2026-10-20", "first_reminder")] });
    expect(decideCadence(s, NOW).contacts.map((c) => `${c.step}/${c.channel}`)).toEqual(["second_reminder/email", "second_reminder/sms"]);
  });
});

describe("one debtor, one consolidated message", () => {
  it("covers every invoice with a step due, each moving to its own step, in the most advanced tone", () => {
    const s = state([
      invoice(1, "2026-11-15", { stepsDone: ["pre_reminder"] }),
      invoice(2, "2026-11-05", { stepsDone: ["first_reminder"] }),
      invoice(3, "2026-12-30"),
    ]);
    const [email, sms] = decideCadence(s, NOW).contacts;
    expect(email).toMatchObject({ step: "second_reminder", channel: "email", key: "second_reminder:debtor-7:2026-11-20:email" });
    expect(email?.invoiceSteps).toEqual([
      { invoiceId: 1, step: "first_reminder" },
      { invoiceId: 2, step: "second_reminder" },
    ]);
    expect(sms?.channel).toBe("sms");
  });

  it("gives the same keys to a second run the same day", () => {
    const s = state([invoice(1, "2026-11-15", { stepsDone: ["pre_reminder"] })]);
    const later = new Date("2026-11-20T15:00:00Z");
    expect(decideCadence(s, NOW).contacts[0]?.key).toBe(decideCadence(s, later).contacts[0]?.key);
  });

  it("a call to a large invoice's debtor comes with the first reminder", () => {
    const s = state([invoice(1, "2026-11-15", { balanceCents: 1_500_000 })]);
    expect(decideCadence(s, NOW).contacts.map((c) => c.channel)).toEqual(["email", "call"]);
  });
});

describe("contact rules", () => {
  it("keeps at least 7 days between two messages", () => {
    const s = state([invoice(1, "2026-11-05", { stepsDone: ["first_reminder"] })], { contacts: [sent("2026-11-16", "first_reminder")] });
    const decision = decideCadence(s, NOW);
    // 16 + 7 = Monday 23 November, 09:00 in Paris.
    expect(decision.contacts.map((c) => c.plannedFor.toISOString())).toEqual(["2026-11-23T08:00:00.000Z", "2026-11-23T08:00:00.000Z"]);
    expect(decision.notes.join()).toContain("at least 7 days between contacts");
  });

  it("never lets 10 days pass without a contact while nothing is in force", () => {
    const goodPayer = { ...state([]).policy, steps: defaultCadences.good_payer };
    const s = state([invoice(1, "2026-11-05", { stepsDone: ["first_reminder"] })], { policy: goodPayer, contacts: [sent("2026-11-10", "first_reminder")] });
    expect(summary(s)).toEqual(["follow_up/email@2026-11-20T09:00:00.000Z"]);
    expect(summary({ ...s, contacts: [sent("2026-11-12", "first_reminder")] })).toEqual([]);
  });

  it("plans no reminder on 26 December for a debtor in Alsace-Moselle (local holiday)", () => {
    const s = state([invoice(1, "2025-12-01")]);
    const christmasEve = at("2025-12-24T20:00:00Z");
    expect(summary(s, christmasEve)).toEqual(["first_reminder/email@2025-12-26T08:00:00.000Z"]);
    expect(summary({ ...s, holidayRegion: "alsace_moselle" }, christmasEve)).toEqual(["first_reminder/email@2025-12-29T08:00:00.000Z"]);
  });

  it.each([
    // Friday 20:30 in Paris: email waits for Monday 09:00 (business days only).
    ["2026-11-20T19:30:00Z", "email", "2026-11-23T08:00:00.000Z"],
    // Friday 07:00 in Paris: 09:00 the same morning.
    ["2026-11-20T06:00:00Z", "email", "2026-11-20T08:00:00.000Z"],
  ])("sends in business hours of the debtor's time zone (now %s, %s → %s)", (now, channel, expected) => {
    const decision = decideCadence(state([invoice(1, "2026-11-15")]), new Date(now));
    expect(decision.contacts.find((c) => c.channel === channel)?.plannedFor.toISOString()).toBe(expected);
  });

  it("sends SMS on weekdays only: Saturday's second reminder waits for Monday, its email and SMS together", () => {
    const saturday = new Date("2026-11-21T09:00:00Z");
    const s = state([invoice(1, "2026-11-06", { stepsDone: ["first_reminder"] })], { contacts: [sent("2026-11-11", "first_reminder")] });
    expect(summary(s, saturday)).toEqual(["second_reminder/email@2026-11-23T08:00:00.000Z", "second_reminder/sms@2026-11-23T08:00:00.000Z"]);
  });

  it("uses the debtor's own time zone: 09:00 in London is 09:00 UTC in winter", () => {
    const early = new Date("2026-11-20T07:00:00Z");
    expect(summary(state([invoice(1, "2026-11-25")], { timeZone: "Europe/London" }), early)).toEqual(["pre_reminder/email@2026-11-20T09:00:00.000Z"]);
  });
});

describe("channel fallback", () => {
  const overdue = [invoice(1, "2026-11-05", { stepsDone: ["first_reminder"] })];
  const contacts = [sent("2026-11-10", "first_reminder")];
  it.each<[string, DebtorCadenceState["channels"], string[]]>([
    ["all channels", { email: true, sms: true, letter: true }, ["email", "sms"]],
    ["bounced email → SMS", { email: false, sms: true, letter: true }, ["sms"]],
    ["SMS opted out → email only", { email: true, sms: false, letter: true }, ["email"]],
    ["neither → a call task", { email: false, sms: false, letter: true }, ["call"]],
  ])("%s", (_label, channels, expected) => {
    expect(decideCadence(state(overdue, { channels, contacts }), NOW).contacts.map((c) => c.channel)).toEqual(expected);
  });

  it("a formal notice decided after the post office closes goes with its email the next working morning", () => {
    const s = state([invoice(1, "2026-10-21", { stepsDone: ["call"] })]);
    const evening = new Date("2026-11-20T16:30:00Z"); // 17:30 in Paris: email is open, letters are not
    expect(summary(s, evening)).toEqual(["formal_notice/letter@2026-11-23T08:00:00.000Z", "formal_notice/email@2026-11-23T08:00:00.000Z"]);
  });

  it("a formal notice without a postal address becomes a call task", () => {
    const s = state([invoice(1, "2026-10-21", { stepsDone: ["call"] })], { channels: { email: true, sms: true, letter: false } });
    expect(decideCadence(s, NOW).contacts.map((c) => c.channel)).toEqual(["call", "email"]);
  });
});

describe("pauses and what ends them", () => {
  it("a dispute pauses that invoice only", () => {
    const s = state([invoice(1, "2026-11-15", { openDispute: true }), invoice(2, "2026-11-15")]);
    const [contact] = decideCadence(s, NOW).contacts;
    expect(contact?.invoiceSteps).toEqual([{ invoiceId: 2, step: "first_reminder" }]);
  });

  it("a promise pauses its invoice until the date plus grace", () => {
    const s = state([invoice(1, "2026-11-05", { openPromise: { id: 3, date: "2026-11-18" } })]);
    const decision = decideCadence(s, NOW);
    expect(decision.contacts).toEqual([]);
    expect(decision.notes.join()).toContain("paused until 2026-11-21");
  });

  it("a promise broken after its grace runs the broken-promise step and counts", () => {
    const s = state([invoice(1, "2026-11-05", { openPromise: { id: 3, date: "2026-11-16" } })]);
    const decision = decideCadence(s, NOW);
    expect(decision.effects).toEqual([{ type: "promise_broken", promiseId: 3, invoiceId: 1 }]);
    expect(decision.contacts.map((c) => `${c.step}/${c.channel}/${c.key}`)).toEqual([
      "broken_promise/email/broken_promise:promise-3:2026-11-20:email",
      "broken_promise/sms/broken_promise:promise-3:2026-11-20:sms",
    ]);
  });

  it("a promise is marked broken only in the pass that sends its reminder, so that reminder is never lost", () => {
    const s = state([invoice(1, "2026-11-05", { openPromise: { id: 3, date: "2026-11-16" } })]);
    // 00:30 in Paris the day the grace is over: too early to write, so nothing is marked yet.
    const night = decideCadence(s, at("2026-11-19T23:30:00Z"));
    expect(night.effects).toEqual([]);
    expect(night.contacts.map((c) => c.plannedFor.toISOString())).toEqual(["2026-11-20T08:00:00.000Z", "2026-11-20T08:00:00.000Z"]);
    expect(night.notes.join()).toContain("promise of 2026-11-16 not kept");
    // At 09:00 the same decision marks it broken and its reminder is due.
    const morning = decideCadence(s, at("2026-11-20T08:00:00Z"));
    expect(morning.effects).toEqual([{ type: "promise_broken", promiseId: 3, invoiceId: 1 }]);
    expect(morning.contacts.every((c) => c.plannedFor <= at("2026-11-20T08:00:00Z"))).toBe(true);
  });

  it("one promise over several invoices counts as one broken promise", () => {
    const promised = { openPromise: { id: 3, date: "2026-11-16" } };
    const s = state([invoice(1, "2026-11-05", promised), invoice(2, "2026-11-06", { openPromise: { id: 4, date: "2026-11-16" } })]);
    const decision = decideCadence(s, NOW);
    expect(decision.effects.filter((e) => e.type === "promise_broken")).toHaveLength(2);
    // Two broken promises would escalate under the default policy; one commitment does not.
    expect(decision.effects.some((e) => e.type === "escalate")).toBe(false);
    expect(applyDecision(s, decision.effects, decision.contacts).brokenPromiseCount).toBe(1);
  });

  it("the configured number of broken promises escalates to litigation instead", () => {
    const s = state([invoice(1, "2026-11-05", { openPromise: { id: 3, date: "2026-11-16" } })], { brokenPromiseCount: 1 });
    const decision = decideCadence(s, NOW);
    expect(decision.effects).toContainEqual({ type: "escalate", reason: "2 promesses de paiement non tenues" });
    expect(decision.contacts).toEqual([]);
  });

  it("a plan under review pauses its invoices", () => {
    const s = state([invoice(1, "2026-11-05", { inPlan: true })], { plan: { id: 4, status: "pending_review", installments: [] } });
    const decision = decideCadence(s, NOW);
    expect(decision.contacts).toEqual([]);
    expect(decision.notes.join()).toContain("awaiting review");
  });

  it("an accepted plan sends its own reminder before each installment", () => {
    const installments = [
      { id: 10, position: 1, dueDate: "2026-11-10", amountCents: 50_000, paidCents: 50_000, reminded: true },
      { id: 11, position: 2, dueDate: "2026-11-22", amountCents: 50_000, paidCents: 0, reminded: false },
    ];
    const s = state([invoice(1, "2026-10-05", { inPlan: true })], { plan: { id: 4, status: "accepted", installments } });
    expect(decideCadence(s, NOW).contacts.map((c) => c.key)).toEqual(["installment_reminder:installment-11:2026-11-20:email"]);
  });

  it("a missed installment defaults the plan", () => {
    const installments = [{ id: 10, position: 1, dueDate: "2026-11-10", amountCents: 50_000, paidCents: 0, reminded: true }];
    const s = state([invoice(1, "2026-10-05", { inPlan: true })], { plan: { id: 4, status: "accepted", installments } });
    expect(decideCadence(s, NOW).effects).toEqual([{ type: "plan_defaulted", planId: 4 }]);
  });

  it("a document request pauses the debtor for its 7 days, then the cadence resumes", () => {
    const pause = { id: 5, invoiceId: null, reason: "document_requested" as const, endsAt: at("2026-11-24T09:00:00Z"), callbackAt: null };
    const s = state([invoice(1, "2026-11-15")], { pauses: [pause] });
    expect(decideCadence(s, NOW).contacts).toEqual([]);
    const later = decideCadence(s, at("2026-11-24T10:00:00Z"));
    expect(later.effects).toEqual([{ type: "pause_expired", pauseId: 5 }]);
    expect(later.contacts.map((c) => c.step)).toEqual(["first_reminder"]);
  });

  it("a call-back request turns the next step into a call at the chosen slot", () => {
    const pause = { id: 6, invoiceId: null, reason: "callback_requested" as const, endsAt: null, callbackAt: at("2026-11-24T13:00:00Z") };
    const decision = decideCadence(state([invoice(1, "2026-11-15")], { pauses: [pause] }), NOW);
    expect(decision.contacts.map((c) => `${c.step}/${c.channel}/${c.plannedFor.toISOString()}`)).toEqual(["call/call/2026-11-24T13:00:00.000Z"]);
  });

  it("a call-back is one call: the day after its slot, while the pause still runs, it keeps the same key", () => {
    const pause = { id: 6, invoiceId: null, reason: "callback_requested" as const, endsAt: at("2026-11-25T13:00:00Z"), callbackAt: at("2026-11-24T13:00:00Z") };
    const s = state([invoice(1, "2026-11-15")], { pauses: [pause] });
    const atSlot = decideCadence(s, at("2026-11-24T13:00:00Z")).contacts.map((c) => c.key);
    const nextMorning = decideCadence(s, at("2026-11-25T08:00:00Z")).contacts.map((c) => c.key);
    expect(atSlot).toEqual(["call:callback-6:2026-11-24:call"]);
    expect(nextMorning).toEqual(atSlot);
  });

  it("an \"I already paid\" claim holds the invoice until staff check it", () => {
    const pause = { id: 7, invoiceId: 1, reason: "payment_claimed" as const, endsAt: null, callbackAt: null };
    const decision = decideCadence(state([invoice(1, "2026-11-15")], { pauses: [pause] }), NOW);
    expect(decision.contacts).toEqual([]);
    expect(decision.notes.join()).toContain("until staff lift it");
  });
});

describe("escalation and the end of the road", () => {
  it("goes to litigation when the formal notice's deadline passes unanswered", () => {
    const s = state([invoice(1, "2026-10-10", { stepsDone: ["formal_notice"] })], { contacts: [sent("2026-11-10", "formal_notice")] });
    expect(decideCadence(s, NOW).effects).toEqual([{ type: "escalate", reason: "Mise en demeure du 10 novembre 2026 restée sans réponse après 8 jours" }]);
    expect(decideCadence({ ...s, lastActionAt: at("2026-11-15T10:00:00Z") }, NOW).effects).toEqual([]);
  });

  it("counts the formal notice's 8 days from the day its letter was posted, not the day it was queued", () => {
    const queued = "2026-11-05";
    const notice = (postedAt: Date | null) => [sent(queued, "formal_notice"), { ...sent(queued, "formal_notice", "letter"), postedAt }];
    const s = (postedAt: Date | null) => state([invoice(1, "2026-10-05", { stepsDone: ["first_reminder", "second_reminder", "formal_notice"] })], { contacts: notice(postedAt) });
    // Queued 15 days ago and never posted: the debtor has not been put on notice, nothing escalates.
    expect(decideCadence(s(null), NOW).effects).toEqual([]);
    // Posted on the 13th: 7 days today, not yet; 8 days tomorrow.
    expect(decideCadence(s(at("2026-11-13T15:00:00Z")), NOW).effects).toEqual([]);
    expect(decideCadence(s(at("2026-11-12T15:00:00Z")), NOW).effects).toEqual([{ type: "escalate", reason: "Mise en demeure du 12 novembre 2026 restée sans réponse après 8 jours" }]);
  });

  it("goes to litigation after 3 unanswered reminders within a month", () => {
    const contacts = [sent("2026-10-25", "first_reminder"), sent("2026-11-02", "second_reminder"), sent("2026-11-02", "second_reminder", "sms"), sent("2026-11-11", "follow_up")];
    const s = state([invoice(1, "2026-10-20", { stepsDone: ["first_reminder", "second_reminder", "call"] })], { contacts });
    expect(decideCadence(s, NOW).effects).toEqual([{ type: "escalate", reason: "3 relances sans réponse depuis le 25 octobre 2026" }]);
    expect(decideCadence({ ...s, lastActionAt: at("2026-11-03T10:00:00Z") }, NOW).effects).toEqual([]);
  });

  it("a file in litigation gets no more automatic contact", () => {
    expect(decideCadence(state([invoice(1, "2026-11-15")], { escalated: true }), NOW).contacts).toEqual([]);
  });

  it("thanks a debtor who paid a chased invoice, once", () => {
    const paid = invoice(1, "2026-11-05", { status: "paid", balanceCents: 0, paidOn: "2026-11-19", stepsDone: ["first_reminder"] });
    expect(summary(state([paid]))).toEqual(["thank_you/email@2026-11-20T09:00:00.000Z"]);
    expect(summary(state([{ ...paid, stepsDone: ["first_reminder", "thank_you"] }]))).toEqual([]);
    expect(summary(state([{ ...paid, stepsDone: [] }]))).toEqual([]);
  });
});

describe("channel choice", () => {
  const due = () => invoice(1, "2026-11-15", { stepsDone: ["pre_reminder"] });
  const channels = (s: DebtorCadenceState) => decideCadence(s, NOW).contacts.map((c) => `${c.step}/${c.channel}`);
  const alternating = (s: DebtorCadenceState): DebtorCadenceState => ({ ...s, policy: { ...s.policy, alternateChannelsAfterUnanswered: true } });

  it("sends an email reminder by SMS when the debtor prefers SMS, and by email when SMS is closed", () => {
    const base = state([due()], { contacts: [sent("2026-11-10", "pre_reminder")] });
    expect(channels(base)).toEqual(["first_reminder/email"]);
    expect(channels({ ...base, preferredChannel: "sms" })).toEqual(["first_reminder/sms"]);
    expect(channels({ ...base, preferredChannel: "sms", channels: { email: true, sms: false, letter: true } })).toEqual(["first_reminder/email"]);
  });

  it("keeps a letter, a call and a step sent on both channels as the policy has them", () => {
    const notice = invoice(1, "2026-10-10", { stepsDone: ["pre_reminder", "first_reminder", "second_reminder", "call"] });
    const s = state([notice], { preferredChannel: "sms", contacts: [sent("2026-11-05", "second_reminder")] });
    expect(channels(s)).toContain("formal_notice/letter");
    const second = state([invoice(1, "2026-11-05", { stepsDone: ["pre_reminder", "first_reminder"] })], { preferredChannel: "sms", contacts: [sent("2026-11-10", "first_reminder")] });
    expect(channels(second)).toEqual(["second_reminder/email", "second_reminder/sms"]);
  });

  it("with the policy's option, the reminder after an unanswered email goes by SMS; an answer since keeps the email", () => {
    const unanswered = state([due()], { contacts: [sent("2026-11-10", "pre_reminder")] });
    expect(channels(unanswered)).toEqual(["first_reminder/email"]);
    expect(channels(alternating(unanswered))).toEqual(["first_reminder/sms"]);
    expect(decideCadence(alternating(unanswered), NOW).notes).toContain("first_reminder: by sms, the email of 2026-11-10 got no answer");
    expect(channels(alternating({ ...unanswered, lastActionAt: at("2026-11-12T10:00:00Z") }))).toEqual(["first_reminder/email"]);
    // After an unanswered SMS (the debtor's preference), back to email.
    expect(channels(alternating({ ...unanswered, preferredChannel: "sms", contacts: [sent("2026-11-10", "pre_reminder", "sms")] }))).toEqual(["first_reminder/email"]);
  });
});

describe("the next decision (incremental planning)", () => {
  /** Debtors in every situation the rules count days for: due dates, a sent reminder, a promise, a plan, a pause, a consumer's prescription. */
  function situations(): DebtorCadenceState[] {
    const all: DebtorCadenceState[] = [];
    for (let offset = -140; offset <= 40; offset += 3) {
      const due = addDays("2026-11-20", offset);
      all.push(state([invoice(1, due)]));
      all.push(state([invoice(1, due, { stepsDone: ["first_reminder"] })], { contacts: [sent(addDays("2026-11-20", -Math.abs(offset % 9)), "first_reminder")] }));
      all.push(state([invoice(1, due, { openPromise: { id: 3, date: addDays("2026-11-20", offset % 6) } })]));
      all.push(state([invoice(1, due, { inPlan: true })], { plan: { id: 4, status: "accepted", installments: [{ id: 5, position: 1, dueDate: addDays("2026-11-20", Math.abs(offset) % 12), amountCents: 100, paidCents: 0, reminded: false }] } }));
      all.push(state([invoice(1, due)], { pauses: [{ id: 6, invoiceId: null, reason: "staff_hold", endsAt: at(`${addDays("2026-11-20", Math.abs(offset) % 10)}T23:00:00Z`), callbackAt: null }] }));
      all.push(state([invoice(1, addDays("2024-11-20", offset % 20), { stepsDone: ["first_reminder"] })], { debtorKind: "consumer" }));
      all.push(state([invoice(1, due, { status: "paid", balanceCents: 0, paidOn: addDays("2026-11-20", -(Math.abs(offset) % 9)), stepsDone: ["first_reminder"] })]));
    }
    return all;
  }
  const acts = (s: DebtorCadenceState, now: Date) => {
    const d = decideCadence(s, now);
    return d.effects.length > 0 || d.contacts.some((c) => c.plannedFor <= now);
  };

  it("nothing would happen to a debtor left undecided until the instant its last decision named", () => {
    let quiet = 0;
    for (const s of situations()) {
      if (acts(s, NOW)) continue;
      quiet += 1;
      const next = nextDecisionAt(s, decideCadence(s, NOW), NOW);
      const until = Math.min(next?.getTime() ?? Infinity, NOW.getTime() + 60 * 86_400_000);
      for (let t = NOW.getTime() + 3_600_000; t < until; t += 3_600_000) {
        expect(acts(s, new Date(t)), `debtor ${JSON.stringify(s.invoices)} at ${new Date(t).toISOString()}, next decision ${next?.toISOString()}`).toBe(false);
      }
    }
    expect(quiet).toBeGreaterThan(100);
  });

  it("names a contact's own time, a pause's end, or a local midnight", () => {
    const paused = state([invoice(1, "2026-10-01")], { pauses: [{ id: 6, invoiceId: null, reason: "staff_hold", endsAt: at("2026-11-20T15:30:00Z"), callbackAt: null }] });
    expect(nextDecisionAt(paused, decideCadence(paused, NOW), NOW)).toEqual(at("2026-11-20T15:30:00Z"));
    // Due on the 25th: the first date the rules count from is that day, at midnight in Paris.
    const soon = state([invoice(1, "2026-11-25")], { policy: { ...state([]).policy, steps: [{ kind: "first_reminder", offsetDays: 5, channel: "email" }] } });
    expect(nextDecisionAt(soon, decideCadence(soon, NOW), NOW)).toEqual(at("2026-11-24T23:00:00Z"));
    const settled = state([]);
    expect(nextDecisionAt(settled, decideCadence(settled, NOW), NOW)).toBeNull();
  });
});
