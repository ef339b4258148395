import { addDays, daysBetween, localDate, type CalendarDate } from "./dates";
import type { PauseKind } from "./pauses";
import { isTimeBarred, prescriptionLastDay } from "./prescription";
import { brokenPromiseReason, brokenPromisesEscalation, unansweredNoticeEscalation, unansweredRemindersEscalation, callbackReason, dueReason, followUpReason, installmentReason, thankYouReason } from "./contact-reasons";
import {
  contactWindows as defaultWindows,
  nextContactWindow,
  zonedInstant,
  type ContactChannel,
  type ContactWindows,
  type HolidayRegion,
} from "./business-calendar";

/**
 * The cadence engine: given everything known about one debtor and the current instant, decide which
 * contacts are due (and when, inside the debtor's contact windows) and which state changes follow
 * (a promise broken, a plan defaulted, an escalation). Pure: the shell loads the state, claims the
 * contacts and applies the effects; the dry-run replays it day after day.
 */

export type StepKind =
  | "pre_reminder"
  | "first_reminder"
  | "second_reminder"
  | "call"
  | "formal_notice"
  | "broken_promise"
  | "installment_reminder"
  | "follow_up"
  | "thank_you";

/** Steps of the escalation ladder, in order; the others are event-driven. */
export const LADDER: readonly StepKind[] = ["pre_reminder", "first_reminder", "second_reminder", "call", "formal_notice"];

export type PolicyStep = { kind: StepKind; offsetDays: number; channel: ContactChannel };

export type CadencePolicy = {
  steps: readonly PolicyStep[];
  minDaysBetweenContacts: number;
  maxDaysWithoutContact: number;
  brokenPromisesBeforeLitigation: number;
  promiseGraceDays: number;
  /** After an email or SMS reminder with no answer, the next reminder goes by the other one (when reachable). */
  alternateChannelsAfterUnanswered?: boolean;
};

export type CadenceInvoice = {
  id: number;
  /** The number staff and the debtor know it by, for the reasons staff read. */
  number?: string;
  dueDate: CalendarDate;
  balanceCents: number;
  paymentTermsDays: number;
  status: "open" | "paid" | "cancelled" | "litigation";
  /** The local date it was settled, for the thank-you. */
  paidOn: CalendarDate | null;
  /** Steps already sent (or being sent) about this invoice. */
  stepsDone: readonly StepKind[];
  openDispute: boolean;
  openPromise: { id: number; date: CalendarDate } | null;
  /** Part of an installment plan under review or in force: the plan's own schedule applies. */
  inPlan: boolean;
  /** The debtor's last acknowledgment of this debt (payment, promise, plan), when it restarts prescription. */
  acknowledgedOn?: CalendarDate | null;
};

export type Pause = {
  id: number;
  /** Null: the whole debtor. */
  invoiceId: number | null;
  reason: Extract<PauseKind, "document_requested" | "callback_requested" | "payment_claimed" | "staff_hold">;
  endsAt: Date | null;
  callbackAt: Date | null;
};

export type Installment = { id: number; position: number; dueDate: CalendarDate; amountCents: number; paidCents: number; reminded: boolean };

export type PastContact = {
  at: Date;
  step: StepKind;
  channel: ContactChannel;
  /** A letter only: when staff marked it posted by registered mail; null while it waits to be posted. */
  postedAt?: Date | null;
};

export type DebtorCadenceState = {
  debtorId: number;
  timeZone: string;
  /** Consumers' debts are time-barred after two years (L8); absent: a professional. */
  debtorKind?: "business" | "consumer";
  /** Whose public holidays close the debtor's days (Alsace-Moselle has two more); absent: metropolitan. */
  holidayRegion?: HolidayRegion;
  escalated: boolean;
  brokenPromiseCount: number;
  /** Channels we may use now: email not bounced or opted out, a phone not opted out of SMS, a postal address. */
  channels: Record<"email" | "sms" | "letter", boolean>;
  policy: CadencePolicy;
  invoices: readonly CadenceInvoice[];
  /** Messages sent to this debtor, oldest first (failed and cancelled ones excluded). */
  contacts: readonly PastContact[];
  /** The last time the debtor did something (paid, promised, proposed, disputed): reminders before it were answered. */
  lastActionAt: Date | null;
  pauses: readonly Pause[];
  plan: { id: number; status: "pending_review" | "accepted"; installments: readonly Installment[] } | null;
  /** The creditor's contact windows; the business calendar's defaults when absent. */
  windows?: ContactWindows;
  /** The channel the debtor chose in the portal; only email and SMS can stand in for each other. */
  preferredChannel?: "email" | "sms" | null;
};

export type PlannedContact = {
  /** Deterministic: the same state and day give the same key, so a second run claims nothing new. */
  key: string;
  step: StepKind;
  channel: ContactChannel;
  /** Each invoice the contact concerns, with the step it takes that invoice to. */
  invoiceSteps: { invoiceId: number; step: StepKind }[];
  plannedFor: Date;
  reason: string;
  promiseId?: number;
  installmentId?: number;
};

export type CadenceEffect =
  | { type: "promise_broken"; promiseId: number; invoiceId: number }
  | { type: "plan_defaulted"; planId: number }
  | { type: "escalate"; reason: string }
  | { type: "pause_expired"; pauseId: number };

export type CadenceDecision = {
  contacts: PlannedContact[];
  effects: CadenceEffect[];
  /** Why nothing or something happens, one line per fact, for the dry-run and the timeline. */
  notes: string[];
};

/** Preferred local send time: 09:00, then pushed into the channel's window. */
const SEND_MINUTE = 9 * 60;
const INSTALLMENT_REMINDER_DAYS = 3;
const INSTALLMENT_GRACE_DAYS = 3;
/** A paid invoice that was chased is thanked for within this many days of its payment. */
const THANK_YOU_DAYS = 7;
/** Days after the formal notice (its deadline) before the file goes to litigation. */
export const FORMAL_NOTICE_DEADLINE_DAYS = 8;
const UNANSWERED_REMINDERS_FOR_LITIGATION = 3;
const UNANSWERED_WINDOW_DAYS = 30;
/** Invoices at or above this favour a personal call alongside the first reminder. */
export const LARGE_INVOICE_CENTS = 1_000_000;

/**
 * Offsets are written for 30-day terms and stretch with longer terms, more for later steps:
 * 60-day terms turn D+5/D+15/D+30 into D+10/D+25/D+50 (DESIGN.md); 45 days falls in between.
 */
export function scaleOffset(offsetDays: number, paymentTermsDays: number): number {
  if (offsetDays <= 0) return offsetDays;
  const stretch = Math.min(1, Math.max(0, (paymentTermsDays - 30) / 30));
  return Math.round(offsetDays + stretch * Math.max(5, Math.round((offsetDays * 2) / 3)));
}

const reminderSteps = new Set<StepKind>(["first_reminder", "second_reminder", "formal_notice", "broken_promise", "follow_up"]);

/**
 * When a contact planned for `date` leaves: 09:00 local pushed into the channel's window, or, when
 * that is past, the next open window. Thousands of debtors share a handful of (date, channel, zone)
 * triples in one pass, so answers are kept for the pass's `now`.
 */
function sendInstant(date: CalendarDate, channel: ContactChannel, timeZone: string, now: Date, windows: ContactWindows, region: HolidayRegion): Date {
  if (sendInstants.now !== now.getTime()) sendInstants = { now: now.getTime(), byKey: new Map() };
  const key = `${date}|${channel}|${timeZone}|${region}|${windowsKey(windows)}`;
  let instant = sendInstants.byKey.get(key);
  if (!instant) {
    instant = computeSendInstant(date, channel, timeZone, now, windows, region);
    sendInstants.byKey.set(key, instant);
  }
  return instant;
}
let sendInstants: { now: number; byKey: Map<string, Date> } = { now: Number.NaN, byKey: new Map() };

/** Creditors' windows are loaded once per pass and shared by their debtors: one key per object. */
const windowKeys = new WeakMap<ContactWindows, string>();
function windowsKey(windows: ContactWindows): string {
  let key = windowKeys.get(windows);
  if (key === undefined) {
    key = JSON.stringify(windows);
    windowKeys.set(windows, key);
  }
  return key;
}

function computeSendInstant(date: CalendarDate, channel: ContactChannel, timeZone: string, now: Date, windows: ContactWindows, region: HolidayRegion): Date {
  const preferred = zonedInstant(date, SEND_MINUTE, timeZone);
  if (preferred > now) return nextContactWindow(preferred, channel, timeZone, windows, region);
  const next = nextContactWindow(now, channel, timeZone, windows, region);
  // Too late today: the next window's day, at the usual hour rather than the minute it opens.
  const day = localDate(next, timeZone);
  return day > localDate(now, timeZone) ? nextContactWindow(zonedInstant(day, SEND_MINUTE, timeZone), channel, timeZone, windows, region) : next;
}

export function decideCadence(state: DebtorCadenceState, now: Date): CadenceDecision {
  const today = localDate(now, state.timeZone);
  const decision: CadenceDecision = { contacts: [], effects: [], notes: [] };
  if (state.escalated) {
    decision.notes.push("file handed over to litigation: no more automatic contact");
    return decision;
  }

  const windows = state.windows ?? defaultWindows;
  const region = state.holidayRegion ?? "metropolitan";
  const at = (date: CalendarDate, channel: ContactChannel) => sendInstant(date, channel, state.timeZone, now, windows, region);
  /**
   * Plans one step on one or more channels. The channels of one step go out together, at the first
   * instant inside every one of their windows: once a step is sent its invoices move on, so a
   * channel left for later would never go.
   */
  const contact: ContactFn = (c) => {
    const channels = [...new Set(c.channels.map((wanted) => routeChannel(state, c.step, wanted)))].filter((ch) => ch !== null);
    if (channels.length === 0) {
      decision.notes.push(`${c.step}: no usable channel`);
      return;
    }
    let plannedFor = c.time ? (c.time > now ? c.time : now) : new Date(Math.max(...channels.map((ch) => at(c.on, ch).getTime())));
    for (let settled = false; !settled; ) {
      const aligned = new Date(Math.max(...channels.map((ch) => nextContactWindow(plannedFor, ch, state.timeZone, windows, region).getTime())));
      settled = aligned.getTime() === plannedFor.getTime();
      plannedFor = aligned;
    }
    const { on: _on, time: _time, keyScope, channels: _channels, invoiceSteps, ...rest } = c;
    // A contact asked for at an exact time happens once: keyed by the day asked for, so a pass after
    // that instant (while its pause still runs) finds it claimed instead of planning it again.
    const keyDay = c.time ? c.on : localDate(plannedFor, state.timeZone);
    for (const channel of channels) {
      const key = `${c.step}:${keyScope}:${keyDay}:${channel}`;
      if (decision.contacts.some((planned) => planned.key === key)) continue;
      const steps = typeof invoiceSteps === "function" ? invoiceSteps(channel) : invoiceSteps;
      decision.contacts.push({ ...rest, channel, invoiceSteps: steps, plannedFor, key });
    }
  };

  thankYou(state, today, contact);

  // Pauses with an end that has passed are lifted; the others hold their invoices (or the debtor).
  const activePauses = state.pauses.filter((pause) => {
    if (pause.endsAt && pause.endsAt <= now) {
      decision.effects.push({ type: "pause_expired", pauseId: pause.id });
      return false;
    }
    return true;
  });
  const debtorPause = activePauses.find((p) => p.invoiceId === null);
  for (const pause of activePauses.filter((p) => p.reason === "callback_requested" && p.callbackAt)) {
    contact({
      step: "call",
      channels: ["call"],
      invoiceSteps: [],
      on: localDate(pause.callbackAt!, state.timeZone),
      time: pause.callbackAt!,
      keyScope: `callback-${pause.id}`,
      reason: callbackReason,
    });
  }
  if (debtorPause) {
    decision.notes.push(`paused: ${describePause(debtorPause, state.timeZone)}`);
    return decision;
  }

  let promisesBrokenNow = 0;
  const eligible: CadenceInvoice[] = [];
  for (const invoice of state.invoices) {
    if (invoice.status !== "open" || invoice.balanceCents <= 0) continue;
    if (isTimeBarred(state.debtorKind ?? "business", invoice.dueDate, today, invoice.acknowledgedOn ?? null)) {
      decision.notes.push(`invoice ${invoice.id} time-barred (consumer debt due ${invoice.dueDate}, over 2 years): never chased`);
      continue;
    }
    const pause = activePauses.find((p) => p.invoiceId === invoice.id);
    if (pause) {
      decision.notes.push(`invoice ${invoice.id} paused: ${describePause(pause, state.timeZone)}`);
      continue;
    }
    if (invoice.openDispute) {
      decision.notes.push(`invoice ${invoice.id} disputed: paused until staff resolve it`);
      continue;
    }
    if (invoice.inPlan) continue;
    if (invoice.openPromise) {
      const promise = invoice.openPromise;
      const graceEnd = addDays(promise.date, state.policy.promiseGraceDays);
      if (today <= graceEnd) {
        decision.notes.push(`invoice ${invoice.id} promised for ${promise.date}: paused until ${graceEnd}`);
        continue;
      }
      const planned = decision.contacts.length;
      contact({
        step: "broken_promise",
        channels: ["email", "sms"],
        invoiceSteps: [{ invoiceId: invoice.id, step: "broken_promise" }],
        on: today,
        keyScope: `promise-${promise.id}`,
        reason: brokenPromiseReason(promise.date),
        promiseId: promise.id,
      });
      // The promise is marked broken in the same pass that sends its reminder: marked earlier (at
      // midnight, say), no later pass would plan that reminder again, since the promise is no longer open.
      const reminder = decision.contacts.slice(planned);
      if (reminder.length > 0 && reminder.every((c) => c.plannedFor > now)) {
        decision.notes.push(`invoice ${invoice.id}: promise of ${promise.date} not kept; its reminder leaves ${reminder[0]!.plannedFor.toISOString()}`);
        continue;
      }
      promisesBrokenNow += 1;
      decision.effects.push({ type: "promise_broken", promiseId: promise.id, invoiceId: invoice.id });
      continue;
    }
    eligible.push(invoice);
  }

  // One commitment covering several invoices is one broken promise, not one per invoice.
  const brokenPromises = state.brokenPromiseCount + (promisesBrokenNow > 0 ? 1 : 0);
  planInstallments(state, today, decision, contact);

  const escalation =
    brokenPromises >= state.policy.brokenPromisesBeforeLitigation
      ? brokenPromisesEscalation(brokenPromises)
      : litigationReason(state, eligible, today);
  if (escalation) {
    // The file is handed over: no more chasing messages, only a pending thank-you may still go.
    decision.effects.push({ type: "escalate", reason: escalation });
    decision.contacts = decision.contacts.filter((c) => c.step === "thank_you");
    return decision;
  }

  planLadder(state, eligible, today, decision, contact);
  return decision;
}

/** `on` is the local day (sent at the usual hour); `time`, when set, the exact instant asked for. */
type ContactFn = (
  c: Omit<PlannedContact, "key" | "plannedFor" | "channel" | "invoiceSteps"> & {
    channels: ContactChannel[];
    invoiceSteps: PlannedContact["invoiceSteps"] | ((channel: ContactChannel) => PlannedContact["invoiceSteps"]);
    on: CalendarDate;
    time?: Date;
    keyScope: string;
  },
) => void;

/** The next step of the ladder each invoice has reached, consolidated into one contact per channel. */
function planLadder(state: DebtorCadenceState, eligible: CadenceInvoice[], today: CalendarDate, decision: CadenceDecision, contact: ContactFn) {
  const due: { invoice: CadenceInvoice; step: StepKind; since: CalendarDate }[] = [];
  for (const invoice of eligible) {
    const next = dueLadderStep(state.policy, invoice, today);
    if (next) due.push({ invoice, ...next });
  }
  // The gap is between automated messages: a staff call is a conversation, and thanks are not chasing.
  const lastContact = [...state.contacts]
    .reverse()
    .find((c) => c.channel !== "call" && c.step !== "thank_you" && c.step !== "installment_reminder");
  const gapEnd = lastContact ? addDays(localDate(lastContact.at, state.timeZone), state.policy.minDaysBetweenContacts) : null;

  if (due.length === 0) {
    followUp(state, eligible, today, lastContact, decision, contact);
    return;
  }
  // One consolidated contact: the tone of the most advanced step, every invoice with a step due.
  const top = due.reduce((a, b) => (LADDER.indexOf(b.step) > LADDER.indexOf(a.step) ? b : a)).step;
  // Before the due date, only invoices not yet due are pre-reminded; overdue ones are not mixed in.
  const covered = top === "pre_reminder" ? due : due.filter((d) => d.step !== "pre_reminder");
  const on = gapEnd && gapEnd > today ? gapEnd : today;
  if (on > today) decision.notes.push(`${top} waits for ${on}: at least ${state.policy.minDaysBetweenContacts} days between contacts`);
  const channels = chooseMessageChannel(state, top, state.policy.steps.filter((s) => s.kind === top).map((s) => s.channel), decision);
  const large = covered.some((d) => d.invoice.balanceCents >= LARGE_INVOICE_CENTS);
  if (top === "first_reminder" && large && !channels.includes("call")) channels.push("call");
  contact({
    step: top,
    channels,
    // Messages consolidate every invoice with a step due; a letter or a call concerns only the
    // invoices that reached that step (the others still get their own message).
    invoiceSteps: (channel) =>
      covered.filter((d) => channel === "email" || channel === "sms" || d.step === top).map((d) => ({ invoiceId: d.invoice.id, step: d.step })),
    on,
    keyScope: `debtor-${state.debtorId}`,
    reason: describeDue(covered, top, large && channels.includes("call"), today),
  });
}

/**
 * The next rung of the ladder after the last one the invoice had, once its date has come. One rung
 * at a time: after downtime, or for a book imported with old debts, the first contact is a first
 * reminder, never a formal notice out of the blue, and the 7-day gap spaces the climb (R11).
 */
export function dueLadderStep(policy: CadencePolicy, invoice: CadenceInvoice, today: CalendarDate): { step: StepKind; since: CalendarDate } | null {
  const doneIndex = Math.max(-1, ...invoice.stepsDone.map((s) => LADDER.indexOf(s)));
  for (const kind of LADDER.slice(doneIndex + 1)) {
    const step = policy.steps.find((s) => s.kind === kind);
    if (!step) continue;
    // A pre-reminder is only worth sending before the due date.
    if (kind === "pre_reminder" && today >= invoice.dueDate) continue;
    const since = addDays(invoice.dueDate, scaleOffset(step.offsetDays, invoice.paymentTermsDays));
    return since > today ? null : { step: kind, since };
  }
  return null;
}

/** Never more than N days without a contact while nothing is in force (DESIGN.md). */
function followUp(state: DebtorCadenceState, eligible: CadenceInvoice[], today: CalendarDate, last: PastContact | undefined, decision: CadenceDecision, contact: ContactFn) {
  const overdue = eligible.filter((i) => i.dueDate < today && i.stepsDone.some((s) => reminderSteps.has(s)));
  if (overdue.length === 0 || !last) return;
  const quietSince = localDate(last.at, state.timeZone);
  if (daysBetween(quietSince, today) < state.policy.maxDaysWithoutContact) return;
  contact({
    step: "follow_up",
    channels: ["email"],
    invoiceSteps: overdue.map((i) => ({ invoiceId: i.id, step: "follow_up" as const })),
    on: today,
    keyScope: `debtor-${state.debtorId}`,
    reason: followUpReason(quietSince, overdue.length),
  });
}

function thankYou(state: DebtorCadenceState, today: CalendarDate, contact: ContactFn) {
  // Thank only for invoices that were chased, within a week of their payment.
  const settled = state.invoices.filter(
    (i) =>
      i.status === "paid" &&
      i.paidOn !== null &&
      daysBetween(i.paidOn, today) <= THANK_YOU_DAYS &&
      !i.stepsDone.includes("thank_you") &&
      i.stepsDone.some((s) => reminderSteps.has(s) || s === "pre_reminder"),
  );
  if (settled.length === 0) return;
  contact({
    step: "thank_you",
    channels: ["email"],
    invoiceSteps: settled.map((i) => ({ invoiceId: i.id, step: "thank_you" as const })),
    on: today,
    keyScope: `debtor-${state.debtorId}`,
    reason: thankYouReason,
  });
}

function planInstallments(state: DebtorCadenceState, today: CalendarDate, decision: CadenceDecision, contact: ContactFn) {
  const plan = state.plan;
  if (!plan) return;
  if (plan.status === "pending_review") {
    decision.notes.push("installment plan awaiting review: its invoices are paused");
    return;
  }
  for (const installment of plan.installments) {
    const unpaid = installment.paidCents < installment.amountCents;
    if (!unpaid) continue;
    if (today > addDays(installment.dueDate, INSTALLMENT_GRACE_DAYS)) {
      decision.effects.push({ type: "plan_defaulted", planId: plan.id });
      decision.notes.push(`installment ${installment.position} due ${installment.dueDate} missed: plan defaults, escalation resumes`);
      return;
    }
    const remindOn = addDays(installment.dueDate, -INSTALLMENT_REMINDER_DAYS);
    if (!installment.reminded && today >= remindOn && today <= installment.dueDate) {
      contact({
        step: "installment_reminder",
        channels: ["email"],
        invoiceSteps: [],
        on: today,
        keyScope: `installment-${installment.id}`,
        reason: installmentReason(installment.position, installment.dueDate),
        installmentId: installment.id,
      });
    }
  }
}

/**
 * Litigation after the formal notice's deadline has passed unanswered, or after three reminders
 * within a month went unanswered with no legitimate reason (eligible invoices are those with none).
 */
function litigationReason(state: DebtorCadenceState, eligible: CadenceInvoice[], today: CalendarDate): string | null {
  if (eligible.filter((i) => i.dueDate < today).length === 0) return null;
  const answered = (c: PastContact) => state.lastActionAt !== null && state.lastActionAt >= c.at;
  const unanswered = state.contacts.filter((c) => reminderSteps.has(c.step) && !answered(c));
  const notices = unanswered.filter((c) => c.step === "formal_notice");
  // The registered letter is the notice in law: its clock starts when it is posted, and a letter
  // still waiting to be posted holds the file back from litigation whatever else went unanswered.
  const letter = notices.find((c) => c.channel === "letter");
  if (letter && !letter.postedAt) return null;
  const noticeAt = letter?.postedAt ?? notices[0]?.at;
  // Once a notice is out, its own deadline is the one that counts.
  if (noticeAt) {
    const noticeDay = localDate(noticeAt, state.timeZone);
    return daysBetween(noticeDay, today) >= FORMAL_NOTICE_DEADLINE_DAYS ? unansweredNoticeEscalation(noticeDay, FORMAL_NOTICE_DEADLINE_DAYS) : null;
  }
  // Contacts on the same day (email + SMS of one step) count once.
  const days = [...new Set(unanswered.map((c) => localDate(c.at, state.timeZone)))].sort();
  const recent = days.filter((d) => daysBetween(d, today) <= UNANSWERED_WINDOW_DAYS);
  const last = recent.at(-1);
  if (recent.length >= UNANSWERED_REMINDERS_FOR_LITIGATION && last && daysBetween(last, today) >= FORMAL_NOTICE_DEADLINE_DAYS) {
    return unansweredRemindersEscalation(recent.length, recent[0]!);
  }
  return null;
}

/** Reminders whose message may go by email or by SMS alike; a letter, a call or a formal notice keeps its channel. */
const SWAPPABLE_STEPS = new Set<StepKind>(["first_reminder", "second_reminder"]);

/**
 * A reminder step with one message channel goes by the debtor's preferred one when it is reachable;
 * with the policy's option, after a message that got no answer, by the other one (when reachable).
 */
function chooseMessageChannel(state: DebtorCadenceState, step: StepKind, channels: ContactChannel[], decision: CadenceDecision): ContactChannel[] {
  const messages = channels.filter((c): c is "email" | "sms" => c === "email" || c === "sms");
  if (!SWAPPABLE_STEPS.has(step) || messages.length !== 1) return channels;
  const planned = messages[0]!;
  let chosen = planned;
  const preferred = state.preferredChannel;
  if (preferred && preferred !== chosen && state.channels[preferred]) {
    chosen = preferred;
    decision.notes.push(`${step}: by ${preferred}, the debtor's preferred channel`);
  }
  if (state.policy.alternateChannelsAfterUnanswered) {
    const last = [...state.contacts].reverse().find((c) => (c.channel === "email" || c.channel === "sms") && c.step !== "thank_you" && c.step !== "installment_reminder");
    const unanswered = last && (!state.lastActionAt || state.lastActionAt < last.at);
    const other = chosen === "email" ? "sms" : "email";
    if (unanswered && last.channel === chosen && state.channels[other]) {
      chosen = other;
      decision.notes.push(`${step}: by ${other}, the ${last.channel} of ${localDate(last.at, state.timeZone)} got no answer`);
    }
  }
  return channels.map((c) => (c === planned ? chosen : c));
}

/** Courtesy messages are not worth another channel when email is closed. */
const emailOnly = new Set<StepKind>(["pre_reminder", "thank_you", "follow_up"]);

/**
 * Channel fallback: bounced email → SMS; no SMS (opted out, no phone) → email; neither → a call task
 * for staff; a letter without a postal address → a call task.
 */
function routeChannel(state: DebtorCadenceState, step: StepKind, wanted: ContactChannel): ContactChannel | null {
  const { channels } = state;
  switch (wanted) {
    case "email":
      if (channels.email) return "email";
      if (emailOnly.has(step)) return null;
      return channels.sms ? "sms" : "call";
    case "sms":
      return channels.sms ? "sms" : null;
    case "letter":
      return channels.letter ? "letter" : "call";
    case "call":
      return "call";
  }
}

function describePause(pause: Pause, timeZone: string): string {
  const until = pause.endsAt ? `until ${localDate(pause.endsAt, timeZone)}` : "until staff lift it";
  return `${pause.reason.replaceAll("_", " ")} ${until}`;
}

function describeDue(due: { invoice: CadenceInvoice }[], top: StepKind, bigCall: boolean, today: CalendarDate): string {
  return dueReason(top, due.map((d) => ({ number: d.invoice.number ?? `n° ${d.invoice.id}`, dueDate: d.invoice.dueDate })), today, bigCall);
}

/**
 * When the decision must next be taken again if nothing about the debtor changes (incremental
 * planning): the first contact still ahead, the end of a pause, or the first local midnight on
 * which a date the rules count from is reached. Generous on purpose: a date too many costs one more
 * decision, a date missed would hold a reminder back. Null when nothing lies ahead.
 */
export function nextDecisionAt(state: DebtorCadenceState, decision: CadenceDecision, now: Date): Date | null {
  const today = localDate(now, state.timeZone);
  const instants: number[] = [];
  for (const contact of decision.contacts) if (contact.plannedFor > now) instants.push(contact.plannedFor.getTime());
  for (const pause of state.pauses) {
    for (const at of [pause.endsAt, pause.callbackAt]) if (at && at > now) instants.push(at.getTime());
  }
  const ahead: { day: CalendarDate | null } = { day: null };
  // Rules compare today with a date by <, <= or >=: the date and the day after are both candidates.
  const count = (date: CalendarDate, days = 0) => {
    for (const day of [addDays(date, days), addDays(date, days + 1)]) if (day > today && (ahead.day === null || day < ahead.day)) ahead.day = day;
  };
  const { policy } = state;
  for (const invoice of state.invoices) {
    count(invoice.dueDate);
    for (const step of policy.steps) count(invoice.dueDate, scaleOffset(step.offsetDays, invoice.paymentTermsDays));
    if (invoice.paidOn) count(invoice.paidOn, THANK_YOU_DAYS);
    if (invoice.openPromise) count(invoice.openPromise.date, policy.promiseGraceDays);
    for (const from of [invoice.dueDate, invoice.acknowledgedOn ?? null]) if (from) count(prescriptionLastDay(from));
  }
  for (const contact of state.contacts) {
    for (const at of [contact.at, contact.postedAt ?? null]) {
      if (!at) continue;
      const day = localDate(at, state.timeZone);
      for (const days of [policy.minDaysBetweenContacts, policy.maxDaysWithoutContact, FORMAL_NOTICE_DEADLINE_DAYS, UNANSWERED_WINDOW_DAYS]) count(day, days);
    }
  }
  for (const installment of state.plan?.installments ?? []) {
    for (const days of [-INSTALLMENT_REMINDER_DAYS, 0, INSTALLMENT_GRACE_DAYS]) count(installment.dueDate, days);
  }
  if (ahead.day) instants.push(zonedInstant(ahead.day, 0, state.timeZone).getTime());
  return instants.length > 0 ? new Date(Math.min(...instants)) : null;
}
