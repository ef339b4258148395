import { localDate, type CalendarDate } from "./dates";
import { decideCadence, type CadenceEffect, type DebtorCadenceState, type PlannedContact } from "./cadence";

export type SimulatedContact = PlannedContact & { debtorId: number };
export type SimulatedEffect = CadenceEffect & { debtorId: number; at: Date };

/**
 * The dry-run: replays the cadence at each tick as the job would, assuming the debtor does nothing
 * and every contact goes out when planned. Uses the same decision function as the job, so what it
 * shows is what the job will send if nothing changes.
 */
export function simulateCadence(
  initial: readonly DebtorCadenceState[],
  ticks: readonly Date[],
): { contacts: SimulatedContact[]; effects: SimulatedEffect[] } {
  const contacts: SimulatedContact[] = [];
  const effects: SimulatedEffect[] = [];
  const states = initial.map((s) => structuredClone(s));
  const sentKeys = new Set<string>();
  for (const now of ticks) {
    states.forEach((state, index) => {
      const decision = decideCadence(state, now);
      for (const effect of decision.effects) effects.push({ ...effect, debtorId: state.debtorId, at: now });
      const due = decision.contacts.filter((c) => c.plannedFor <= now && !sentKeys.has(c.key));
      for (const contact of due) {
        sentKeys.add(contact.key);
        contacts.push({ ...contact, debtorId: state.debtorId });
      }
      states[index] = applyDecision(state, decision.effects, due);
    });
  }
  return { contacts, effects };
}

/** The state after the effects are applied and the contacts sent: what the database would hold. */
export function applyDecision(state: DebtorCadenceState, effects: readonly CadenceEffect[], sent: readonly PlannedContact[]): DebtorCadenceState {
  // Promises broken together count once, as in the database (see applyEffects in the cadence pass).
  let next: DebtorCadenceState = effects.some((e) => e.type === "promise_broken") ? { ...state, brokenPromiseCount: state.brokenPromiseCount + 1 } : { ...state };
  for (const effect of effects) {
    switch (effect.type) {
      case "promise_broken":
        next = { ...next, invoices: next.invoices.map((i) => (i.id === effect.invoiceId ? { ...i, openPromise: null } : i)) };
        break;
      case "plan_defaulted":
        next = { ...next, plan: null, invoices: next.invoices.map((i) => ({ ...i, inPlan: false })) };
        break;
      case "escalate":
        next = { ...next, escalated: true };
        break;
      case "pause_expired":
        next = { ...next, pauses: next.pauses.filter((p) => p.id !== effect.pauseId) };
        break;
    }
  }
  for (const contact of sent) {
    next = {
      ...next,
      // A simulated letter is taken as posted the day it is queued, as staff are asked to.
      contacts: [
        ...next.contacts,
        { at: contact.plannedFor, step: contact.step, channel: contact.channel, ...(contact.channel === "letter" ? { postedAt: contact.plannedFor } : {}) },
      ],
      invoices: next.invoices.map((invoice) => {
        const moved = contact.invoiceSteps.find((s) => s.invoiceId === invoice.id);
        return moved && !invoice.stepsDone.includes(moved.step) ? { ...invoice, stepsDone: [...invoice.stepsDone, moved.step] } : invoice;
      }),
      plan: next.plan && contact.installmentId
        ? { ...next.plan, installments: next.plan.installments.map((i) => (i.id === contact.installmentId ? { ...i, reminded: true } : i)) }
        : next.plan,
    };
  }
  return next;
}

/** Ticks every `everyHours` hours from `from` 00:00 UTC to the end of `to`, as a job running that often. */
export function ticksBetween(from: CalendarDate, to: CalendarDate, everyHours = 1): Date[] {
  const ticks: Date[] = [];
  const step = everyHours * 3_600_000;
  for (let t = new Date(`${from}T00:00:00Z`); localDate(t, "UTC") <= to; t = new Date(t.getTime() + step)) ticks.push(t);
  return ticks;
}
