import type { CallbackErrorKey } from "../domain/callback-slots";
import type { Locale } from "./messages";

/** Words of the call-back request page. French first; the English dictionary has the same keys. */
const fr = {
  title: "Être rappelé",
  back: "Retour à vos factures",
  intro: "Choisissez un créneau : un conseiller vous appelle à l'heure choisie, pour trouver une solution ensemble.",
  zoneHint: (zone: string) => `Heures de ${zone}.`,
  open: (when: string) => `Vous avez déjà demandé à être rappelé le ${when}. Une nouvelle demande remplacera celle-ci.`,
  slotsLegend: "Quand pouvons-nous vous appeler ?",
  phoneLegend: "À quel numéro ?",
  phoneOnFile: (masked: string) => `Le numéro que nous avons : ${masked}`,
  phoneOther: "Un autre numéro",
  otherLabel: "Autre numéro",
  otherHint: "Par exemple 06 12 34 56 78 ou +44 20 7946 0018.",
  noteLabel: "Un mot pour le conseiller (facultatif, 500 caractères au plus)",
  review: "Vérifier ma demande",
  errors: {
    "slot.missing": "Choisissez un créneau.",
    "slot.notOffered": "Ce créneau n'est plus proposé. Choisissez un des créneaux de la liste.",
    "phone.missing": "Indiquez le numéro auquel vous appeler.",
    "phone.invalid": "Ce numéro n'est pas valide. Écrivez-le comme 06 12 34 56 78 ou au format international, +33 6 12 34 56 78.",
    "note.tooLong": "Votre message dépasse 500 caractères. Raccourcissez-le.",
  } satisfies Record<CallbackErrorKey, string>,
  confirmTitle: "Confirmez votre demande de rappel",
  weWillCall: (when: string, phone: string) => `Nous vous appellerons le ${when}, au ${phone}.`,
  paused: (when: string) => `Nos relances sont suspendues jusqu'à cet appel, le ${when}.`,
  resume: (date: string) => `Si l'appel n'a pas pu avoir lieu, elles reprendront le ${date}.`,
  replaces: (when: string) => `Cette demande remplace celle du ${when}.`,
  yourNote: "Votre message :",
  noticeNext: "Vous recevrez une confirmation par e-mail.",
  confirm: "Je confirme ma demande de rappel",
  change: "Modifier",
  done: (when: string) => `Votre demande est enregistrée : nous vous appellerons le ${when}. Nos relances sont suspendues jusque-là.`,
  doneReplaced: "Elle remplace votre demande précédente.",
  noticeTitle: "Votre demande de rappel est enregistrée",
  noticeReplaced: (when: string) => `Elle remplace votre demande de rappel du ${when}.`,
  noSlots: "Aucun créneau n'est disponible pour le moment. Réessayez demain.",
};

const en: typeof fr = {
  title: "Ask for a call back",
  back: "Back to your invoices",
  intro: "Choose a time: an adviser will call you then, to find a solution together.",
  zoneHint: (zone: string) => `Times in ${zone}.`,
  open: (when: string) => `You already asked to be called on ${when}. A new request will replace it.`,
  slotsLegend: "When can we call you?",
  phoneLegend: "On which number?",
  phoneOnFile: (masked: string) => `The number we have: ${masked}`,
  phoneOther: "Another number",
  otherLabel: "Other number",
  otherHint: "For example +44 20 7946 0018 or 06 12 34 56 78.",
  noteLabel: "A word for the adviser (optional, 500 characters at most)",
  review: "Review my request",
  errors: {
    "slot.missing": "Choose a time.",
    "slot.notOffered": "This time is no longer offered. Choose one of the times listed.",
    "phone.missing": "Give the number to call you on.",
    "phone.invalid": "This number is not valid. Write it in international format, like +44 20 7946 0018, or as a French number, 06 12 34 56 78.",
    "note.tooLong": "Your message is longer than 500 characters. Please shorten it.",
  },
  confirmTitle: "Confirm your call-back request",
  weWillCall: (when: string, phone: string) => `We will call you on ${when}, on ${phone}.`,
  paused: (when: string) => `Our reminders are paused until this call, on ${when}.`,
  resume: (date: string) => `If the call could not take place, they will resume on ${date}.`,
  replaces: (when: string) => `This request replaces the one for ${when}.`,
  yourNote: "Your message:",
  noticeNext: "You will receive a confirmation by email.",
  confirm: "I confirm my call-back request",
  change: "Change",
  done: (when: string) => `Your request is recorded: we will call you on ${when}. Our reminders are paused until then.`,
  doneReplaced: "It replaces your previous request.",
  noticeTitle: "Your call-back request is recorded",
  noticeReplaced: (when: string) => `It replaces your call-back request for ${when}.`,
  noSlots: "No time is available at the moment. Please try again tomorrow.",
};

export type CallbackMessages = typeof fr;

export function callbackMessages(locale: Locale): CallbackMessages {
  return locale === "en" ? en : fr;
}
