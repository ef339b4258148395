import { describe, expect, it } from "vitest";
import { ladderRungs, validatePolicy, type PolicyInput, type StepInput } from "~/domain/cadence-policy";
import { defaultCadences } from "~/domain/cadence-defaults";

const step = (kind: string, offsetDays: string | number, channel = "email", tone = "formal"): StepInput => ({ kind, offsetDays: String(offsetDays), channel, tone });

const limits = {
  minDaysBetweenContacts: "7",
  maxDaysWithoutContact: "10",
  brokenPromisesBeforeLitigation: "3",
  promiseGraceDays: "3",
  maxPromiseDays: "30",
  maxPlanMonths: "6",
  minInstallmentEuros: "50",
  autoAcceptPlanMonths: "3",
  alternateChannelsAfterUnanswered: "",
};

const standard: StepInput[] = defaultCadences.standard.map((s) => step(s.kind, s.offsetDays, s.channel, s.tone));
const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({ steps: standard, ...limits, ...over });

describe("validating a cadence policy", () => {
  it("accepts each default policy as it is seeded", () => {
    for (const steps of Object.values(defaultCadences)) {
      const result = validatePolicy(input({ steps: steps.map((s) => step(s.kind, s.offsetDays, s.channel, s.tone)) }));
      expect(result.ok).toBe(true);
    }
  });

  it("returns numbers, cents and the steps in the order given", () => {
    const result = validatePolicy(input({ minInstallmentEuros: "49,90" }));
    expect(result).toMatchObject({ ok: true, policy: { minDaysBetweenContacts: 7, minInstallmentCents: 4990 } });
    if (result.ok) expect(result.policy.steps.map((s) => `${s.kind}:${s.offsetDays}:${s.channel}`)).toEqual(standard.map((s) => `${s.kind}:${s.offsetDays}:${s.channel}`));
  });

  it.each<[string, StepInput[], string, RegExp]>([
    ["offsets that do not increase along the ladder", [step("first_reminder", 10), step("second_reminder", 10)], "steps.1.offsetDays", /après l'étape précédente/],
    ["a later step placed before an earlier one", [step("second_reminder", 15), step("first_reminder", 20)], "steps.1.kind", /ne peut venir après/],
    ["a formal notice with no reminder before it", [step("pre_reminder", -5, "email", "friendly"), step("formal_notice", 30, "letter", "legal")], "steps.1.kind", /au moins une relance/],
    ["a pre-reminder after the due date", [step("pre_reminder", 2, "email", "friendly"), step("first_reminder", 5)], "steps.0.offsetDays", /avant l'échéance/],
    ["a reminder on or before the due date", [step("first_reminder", 0)], "steps.0.offsetDays", /au moins J\+1/],
    ["two channels of one step on different days", [step("second_reminder", 15), step("second_reminder", 16, "sms")], "steps.1.offsetDays", /partent ensemble : J\+15/],
    ["the same step and channel twice", [step("first_reminder", 5), step("first_reminder", 5)], "steps.1.channel", /figure déjà/],
    ["a channel the step cannot use", [step("first_reminder", 5, "letter")], "steps.0.channel", /canal possible e-mail, SMS, appel/],
    ["a step that is not on the ladder", [step("litigation", 40)], "steps.0.kind", /Choisissez une étape/],
    ["an offset that is not a number", [step("first_reminder", "cinq")], "steps.0.offsetDays", /nombre de jours/],
    ["an offset beyond six months", [step("first_reminder", 200)], "steps.0.offsetDays", /Entre -30 et \+180/],
    ["an unknown tone", [step("first_reminder", 5, "email", "rude")], "steps.0.tone", /ton/],
    ["no step at all", [], "steps", /au moins une étape/],
  ])("refuses %s, naming the field", (_, steps, field, message) => {
    const result = validatePolicy(input({ steps }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toMatch(message);
  });

  it.each<[string, Partial<PolicyInput>, string, RegExp]>([
    ["a minimum gap of 0 days", { minDaysBetweenContacts: "0" }, "minDaysBetweenContacts", /Entre 1 et 30/],
    ["a minimum gap of 31 days", { minDaysBetweenContacts: "31" }, "minDaysBetweenContacts", /Entre 1 et 30/],
    ["a quiet period no longer than the gap", { minDaysBetweenContacts: "10", maxDaysWithoutContact: "10" }, "maxDaysWithoutContact", /dépasser l'écart minimal entre deux contacts \(10 jours\)/],
    ["no broken promise tolerated at all", { brokenPromisesBeforeLitigation: "0" }, "brokenPromisesBeforeLitigation", /Entre 1 et 5/],
    ["a promise grace of three weeks", { promiseGraceDays: "21" }, "promiseGraceDays", /Entre 0 et 15/],
    ["promises more than 90 days out", { maxPromiseDays: "120" }, "maxPromiseDays", /Entre 1 et 90/],
    ["auto-accepting longer plans than allowed", { maxPlanMonths: "4", autoAcceptPlanMonths: "6" }, "autoAcceptPlanMonths", /\(4 mois\)/],
    ["a minimum installment that is not an amount", { minInstallmentEuros: "cinquante" }, "minInstallmentEuros", /montant en euros/],
    ["a minimum installment under 1 €", { minInstallmentEuros: "0,50" }, "minInstallmentEuros", /Entre 1 € et 100 000 €/],
    ["a decimal number of days", { promiseGraceDays: "2.5" }, "promiseGraceDays", /nombre entier/],
  ])("refuses %s", (_, over, field, message) => {
    const result = validatePolicy(input(over));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[field]).toMatch(message);
  });

  it("reports every problem at once, each on its own field", () => {
    const result = validatePolicy(input({ steps: [step("first_reminder", 10), step("second_reminder", 5)], minDaysBetweenContacts: "0", promiseGraceDays: "x" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.errors).sort()).toEqual(["minDaysBetweenContacts", "promiseGraceDays", "steps.1.offsetDays"]);
  });
});

describe("the ladder the cadence editor draws", () => {
  it("puts the valid steps in time order with their names and channels, and leaves out a row being typed", () => {
    const rungs = ladderRungs([
      { kind: "first_reminder", offsetDays: "7", channel: "email", tone: "cordial" },
      { kind: "pre_reminder", offsetDays: "-5", channel: "email", tone: "friendly" },
      { kind: "formal_notice", offsetDays: "30", channel: "letter", tone: "legal" },
      { kind: "second_reminder", offsetDays: "1", channel: "sms", tone: "formal" },
      { kind: "call", offsetDays: "", channel: "call", tone: "formal" },
      { kind: "call", offsetDays: "2.5", channel: "call", tone: "formal" },
    ]);
    expect(rungs.map((r) => [r.offsetDays, r.name, r.channelName])).toEqual([
      [-5, "Pré-relance", "e-mail"],
      [1, "Deuxième relance", "SMS"],
      [7, "Première relance", "e-mail"],
      [30, "Mise en demeure", "courrier recommandé"],
    ]);
  });
});
