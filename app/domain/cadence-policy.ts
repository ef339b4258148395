import { LADDER, type StepKind } from "./cadence";
import type { ContactChannel } from "./business-calendar";

/**
 * What a creditor may save as a cadence policy: the ladder's steps and the limits the cadence and
 * the portal apply. Pure: the form's strings in, a policy or French errors per field out.
 */

export type LadderKind = "pre_reminder" | "first_reminder" | "second_reminder" | "call" | "formal_notice";
export type Tone = "friendly" | "cordial" | "formal" | "legal";

export const TONES: readonly Tone[] = ["friendly", "cordial", "formal", "legal"];
export const LADDER_KINDS: readonly LadderKind[] = ["pre_reminder", "first_reminder", "second_reminder", "call", "formal_notice"];

/** The channels each step can use: those with a message, a letter or a task to go with them. */
export const STEP_CHANNELS: Record<LadderKind, readonly ContactChannel[]> = {
  pre_reminder: ["email"],
  first_reminder: ["email", "sms", "call"],
  second_reminder: ["email", "sms", "call"],
  call: ["call"],
  formal_notice: ["letter", "email", "sms"],
};

export const STEP_NAMES: Record<LadderKind, string> = {
  pre_reminder: "Pré-relance",
  first_reminder: "Première relance",
  second_reminder: "Deuxième relance",
  call: "Appel",
  formal_notice: "Mise en demeure",
};
export const CHANNEL_LABELS: Record<ContactChannel, string> = { email: "e-mail", sms: "SMS", call: "appel", letter: "courrier recommandé" };
export const TONE_NAMES: Record<Tone, string> = { friendly: "amical", cordial: "cordial", formal: "ferme", legal: "juridique" };

export type StepInput = { kind: string; offsetDays: string; channel: string; tone: string };
export type LimitsInput = {
  minDaysBetweenContacts: string;
  maxDaysWithoutContact: string;
  brokenPromisesBeforeLitigation: string;
  promiseGraceDays: string;
  maxPromiseDays: string;
  maxPlanMonths: string;
  minInstallmentEuros: string;
  autoAcceptPlanMonths: string;
  /** A checkbox: "on" when ticked. */
  alternateChannelsAfterUnanswered: string;
};
export type PolicyInput = { steps: readonly StepInput[] } & LimitsInput;

export type ValidStep = { kind: LadderKind; offsetDays: number; channel: ContactChannel; tone: Tone };
export type ValidLimits = {
  minDaysBetweenContacts: number;
  maxDaysWithoutContact: number;
  brokenPromisesBeforeLitigation: number;
  promiseGraceDays: number;
  maxPromiseDays: number;
  maxPlanMonths: number;
  minInstallmentCents: number;
  autoAcceptPlanMonths: number;
  alternateChannelsAfterUnanswered: boolean;
};
export type ValidPolicy = { steps: ValidStep[] } & ValidLimits;

/** Field names as the form spells them: `steps.2.offsetDays`, `minDaysBetweenContacts`… and `steps` for the ladder as a whole. */
export type PolicyErrors = Record<string, string>;
export type PolicyResult = { ok: true; policy: ValidPolicy } | { ok: false; errors: PolicyErrors };

export const MAX_STEPS = 12;
const MIN_OFFSET = -30;
const MAX_OFFSET = 180;

const isLadderKind = (kind: string): kind is LadderKind => (LADDER as readonly string[]).includes(kind);
const isTone = (tone: string): tone is Tone => (TONES as readonly string[]).includes(tone);

function integer(text: string): number | null {
  const trimmed = text.trim();
  return /^[+-]?\d{1,6}$/.test(trimmed) ? Number(trimmed) : null;
}

function signed(offset: number): string {
  return offset < 0 ? `J${offset}` : `J+${offset}`;
}

/** The limits, each in its own range; `null` fields are reported by name. */
function validateLimits(input: LimitsInput, errors: PolicyErrors): ValidLimits | null {
  const ranged = (field: keyof LimitsInput, min: number, max: number, words: string): number => {
    const value = integer(input[field]);
    if (value === null) errors[field] = `Saisissez un nombre entier (${words}).`;
    else if (value < min || value > max) errors[field] = `Entre ${min} et ${max} (${words}).`;
    return value ?? Number.NaN;
  };
  const minGap = ranged("minDaysBetweenContacts", 1, 30, "jours");
  const maxQuiet = ranged("maxDaysWithoutContact", 2, 60, "jours");
  if (!errors.minDaysBetweenContacts && !errors.maxDaysWithoutContact && maxQuiet <= minGap) {
    errors.maxDaysWithoutContact = `Doit dépasser l'écart minimal entre deux contacts (${minGap} jours).`;
  }
  const broken = ranged("brokenPromisesBeforeLitigation", 1, 5, "promesses");
  const grace = ranged("promiseGraceDays", 0, 15, "jours");
  const promiseDays = ranged("maxPromiseDays", 1, 90, "jours");
  const planMonths = ranged("maxPlanMonths", 1, 24, "mois");
  const autoAccept = ranged("autoAcceptPlanMonths", 0, 24, "mois");
  if (!errors.maxPlanMonths && !errors.autoAcceptPlanMonths && autoAccept > planMonths) {
    errors.autoAcceptPlanMonths = `Ne peut dépasser la durée maximale d'un échéancier (${planMonths} mois).`;
  }
  const euros = input.minInstallmentEuros.trim().replace(",", ".");
  const cents = /^\d{1,6}(\.\d{1,2})?$/.test(euros) ? Math.round(Number(euros) * 100) : null;
  if (cents === null) errors.minInstallmentEuros = "Saisissez un montant en euros, par exemple 50 ou 49,90.";
  else if (cents < 100 || cents > 10_000_000) errors.minInstallmentEuros = "Entre 1 € et 100 000 €.";
  if (Object.keys(errors).some((k) => !k.startsWith("steps"))) return null;
  return {
    minDaysBetweenContacts: minGap,
    maxDaysWithoutContact: maxQuiet,
    brokenPromisesBeforeLitigation: broken,
    promiseGraceDays: grace,
    maxPromiseDays: promiseDays,
    maxPlanMonths: planMonths,
    minInstallmentCents: cents!,
    autoAcceptPlanMonths: autoAccept,
    alternateChannelsAfterUnanswered: input.alternateChannelsAfterUnanswered === "on",
  };
}

/**
 * The ladder in the order shown: each step in the ladder's order (pre-reminder, first reminder,
 * second reminder, call, formal notice), offsets strictly increasing from one step to the next, the
 * channels of one step on the same day (they leave together), a formal notice only after a reminder.
 */
function validateSteps(steps: readonly StepInput[], errors: PolicyErrors): ValidStep[] {
  const valid: ValidStep[] = [];
  if (steps.length === 0) errors.steps = "Ajoutez au moins une étape.";
  if (steps.length > MAX_STEPS) errors.steps = `Au plus ${MAX_STEPS} étapes.`;
  const seen = new Set<string>();
  let previous: ValidStep | null = null;
  steps.forEach((step, index) => {
    const at = (field: keyof StepInput) => `steps.${index}.${field}`;
    if (!isLadderKind(step.kind)) {
      errors[at("kind")] = "Choisissez une étape.";
      return;
    }
    const name = STEP_NAMES[step.kind];
    const channel = step.channel as ContactChannel;
    if (!STEP_CHANNELS[step.kind].includes(channel)) {
      errors[at("channel")] = `${name} : canal possible ${STEP_CHANNELS[step.kind].map((c) => CHANNEL_LABELS[c]).join(", ")}.`;
    } else if (seen.has(`${step.kind}:${channel}`)) {
      errors[at("channel")] = `${name} par ${CHANNEL_LABELS[channel]} figure déjà plus haut.`;
    }
    if (!isTone(step.tone)) errors[at("tone")] = "Choisissez un ton.";
    const offset = integer(step.offsetDays);
    if (offset === null) {
      errors[at("offsetDays")] = "Saisissez un nombre de jours (négatif avant l'échéance).";
    } else if (offset < MIN_OFFSET || offset > MAX_OFFSET) {
      errors[at("offsetDays")] = `Entre ${MIN_OFFSET} et +${MAX_OFFSET} jours.`;
    } else if (step.kind === "pre_reminder" && offset >= 0) {
      errors[at("offsetDays")] = "Une pré-relance part avant l'échéance : saisissez un nombre négatif, par exemple -5.";
    } else if (step.kind !== "pre_reminder" && offset <= 0) {
      errors[at("offsetDays")] = `${name} : après l'échéance, au moins J+1.`;
    } else if (previous) {
      const order = LADDER.indexOf(step.kind) - LADDER.indexOf(previous.kind);
      if (order < 0) {
        errors[at("kind")] = `${name} ne peut venir après ${STEP_NAMES[previous.kind].toLowerCase()} : l'échelle monte d'une étape à la suivante.`;
      } else if (order === 0 && offset !== previous.offsetDays) {
        errors[at("offsetDays")] = `Les canaux d'une même étape partent ensemble : ${signed(previous.offsetDays)}, comme la ligne précédente.`;
      } else if (order > 0 && offset <= previous.offsetDays) {
        errors[at("offsetDays")] = `Doit venir après l'étape précédente (${STEP_NAMES[previous.kind].toLowerCase()} à ${signed(previous.offsetDays)}).`;
      }
    }
    if (step.kind === "formal_notice" && !valid.some((s) => s.kind === "first_reminder" || s.kind === "second_reminder")) {
      errors[at("kind")] = "Une mise en demeure suppose au moins une relance avant elle.";
    }
    seen.add(`${step.kind}:${channel}`);
    if (offset !== null && isTone(step.tone) && STEP_CHANNELS[step.kind].includes(channel)) {
      const parsed: ValidStep = { kind: step.kind, offsetDays: offset, channel, tone: step.tone };
      valid.push(parsed);
      previous = parsed;
    }
  });
  return valid;
}

export function validatePolicy(input: PolicyInput): PolicyResult {
  const errors: PolicyErrors = {};
  const steps = validateSteps(input.steps, errors);
  const limits = validateLimits(input, errors);
  if (Object.keys(errors).length > 0 || !limits) return { ok: false, errors };
  return { ok: true, policy: { steps, ...limits } };
}

export function isLadderStep(kind: StepKind): kind is LadderKind {
  return isLadderKind(kind);
}

/** One rung of a ladder as the cadence editor draws it. */
export type LadderRung = { kind: LadderKind; name: string; offsetDays: number; channel: ContactChannel; channelName: string };

/**
 * The rungs a ladder defines, in time order, from the editor's fields as typed so far: a row that is
 * not yet valid (an offset being typed, an unknown kind) is left out of the picture, not guessed.
 */
export function ladderRungs(steps: readonly StepInput[]): LadderRung[] {
  return steps
    .flatMap((step) => {
      const offset = Number(step.offsetDays);
      const kind = step.kind as LadderKind;
      const channel = step.channel as ContactChannel;
      if (step.offsetDays.trim() === "" || !Number.isInteger(offset) || !LADDER_KINDS.includes(kind) || !(channel in CHANNEL_LABELS)) return [];
      return [{ kind, name: STEP_NAMES[kind], offsetDays: offset, channel, channelName: CHANNEL_LABELS[channel] }];
    })
    .sort((a, b) => a.offsetDays - b.offsetDays);
}
