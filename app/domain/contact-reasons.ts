import { daysOverdue } from "./aging";
import { formatCalendarDate, type CalendarDate } from "./dates";

/**
 * Why the cadence plans a contact, as staff read it (French: the back office's language) on a call
 * task, in the calendar and in the dry-run: a sentence from the facts, never an internal key or id.
 */
export const STEP_LABELS: Readonly<Record<string, string>> = {
  pre_reminder: "Pré-relance",
  first_reminder: "Première relance",
  second_reminder: "Deuxième relance",
  formal_notice: "Mise en demeure",
  broken_promise: "Promesse non tenue",
  installment_reminder: "Rappel d'échéance",
  follow_up: "Suivi",
  thank_you: "Remerciement",
  call: "Appel",
  new_link: "Nouveau lien",
  notice: "Confirmation",
};

const day = (date: CalendarDate) => formatCalendarDate(date, "fr-FR").replace(/^1 /, "1er ");

/** "Deuxième relance pour F-2026-0085 (36 jours de retard) et F-2026-0090 (échue le 30 novembre 2026)". */
export function dueReason(step: string, invoices: readonly { number: string; dueDate: CalendarDate }[], today: CalendarDate, bigCall: boolean): string {
  const parts = invoices.map((i) => {
    const late = daysOverdue(i.dueDate, today);
    return `${i.number} (${late > 0 ? `${late} jour${late > 1 ? "s" : ""} de retard` : `échue le ${day(i.dueDate)}`})`;
  });
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} et ${parts.at(-1)}` : (parts[0] ?? "");
  return `${STEP_LABELS[step] ?? "Relance"} pour ${list}${bigCall ? " ; montant important : un appel aussi" : ""}`;
}

export const callbackReason = "Le client a demandé à être rappelé";
export const thankYouReason = "Facture réglée en totalité";

export function brokenPromiseReason(promisedDate: CalendarDate): string {
  return `Paiement promis pour le ${day(promisedDate)}, non reçu`;
}

export function followUpReason(quietSince: CalendarDate, overdueCount: number): string {
  return `Aucun contact depuis le ${day(quietSince)} alors que ${overdueCount} facture${overdueCount > 1 ? "s restent" : " reste"} en retard`;
}

export function installmentReason(position: number, dueDate: CalendarDate): string {
  return `Échéance n° ${position} du ${day(dueDate)}`;
}

/** Why a file is handed to litigation, for the timeline and the calendar. */
export function brokenPromisesEscalation(count: number): string {
  return `${count} promesses de paiement non tenues`;
}

export function unansweredNoticeEscalation(noticeDay: CalendarDate, deadlineDays: number): string {
  return `Mise en demeure du ${day(noticeDay)} restée sans réponse après ${deadlineDays} jours`;
}

export function unansweredRemindersEscalation(count: number, since: CalendarDate): string {
  return `${count} relances sans réponse depuis le ${day(since)}`;
}

/** What the job does by itself besides contacts, in the dry-run and the calendar. */
export const EFFECT_LABELS: Readonly<Record<string, string>> = {
  promise_broken: "Promesse constatée non tenue",
  plan_defaulted: "Échéancier défaillant",
  escalate: "Passage au contentieux",
};
export const EFFECT_REASONS: Readonly<Record<string, string>> = {
  promise_broken: "La date promise est passée sans paiement",
  plan_defaulted: "Une échéance du plan n'a pas été payée",
};
