import { formatCalendarDate, isCalendarDate } from "./dates";
import { formatMoney } from "./money";
import { STEP_LABELS } from "./contact-reasons";
import { channelWords, disputeReasonWords, paymentMethodWords } from "./timeline-labels";

/**
 * What a timeline event's data says, as a line staff read: "Refusé, motif « … », par Claire Martin."
 * Each known field becomes words (amounts in euros, dates in the creditor's zone, codes in French);
 * ids, hashes and provider references stay in the database, where the dossier and audits find them.
 */
const LOCALE = "fr-FR";

const STATUS: Record<string, string> = {
  accepted: "accepté",
  rejected: "refusé",
  countered: "contre-proposition envoyée",
  pending_review: "à examiner par l'équipe",
  founded: "fondée",
  unfounded: "non fondée",
  delivered: "distribué",
  bounced: "rejeté par la messagerie du client",
  complained: "signalé comme indésirable",
  failed: "échec",
  sent: "envoyé",
  undelivered: "non distribué",
  queued: "en file d'attente",
  pending: "à envoyer",
  sending: "en cours d'envoi",
  cancelled: "annulé",
};
const OUTCOMES: Record<string, string> = {
  promise: "promesse de paiement datée",
  will_pay: "va payer, sans date",
  dispute: "conteste",
  no_answer: "pas de réponse",
  voicemail: "message laissé",
  wrong_number: "mauvais numéro",
};
const SOURCES: Record<string, string> = { phone: "au téléphone", portal: "dans l'espace client", email: "par e-mail" };
const RESOLUTIONS: Record<string, string> = { cancelled: "facture annulée", credit_note: "avoir émis", corrected_amount: "reste dû corrigé" };
const DOCUMENTS: Record<string, string> = { purchase_order: "bon de commande", delivery_note: "bon de livraison", other: "autre document" };

type Data = Record<string, unknown>;
type Describe = (value: unknown, data: Data, timeZone: string) => string | null;

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);
const quoted = (label: string) => (v: unknown) => (text(v) ? `${label} « ${text(v)} »` : null);
const labelled = (labels: Record<string, string>, prefix = "") => (v: unknown) => {
  const t = text(v);
  return t && labels[t] ? `${prefix}${labels[t]}` : null;
};
const money = (label: string): Describe => (v, data) => (typeof v === "number" ? `${label} ${formatMoney({ cents: v, currency: text(data.currency) ?? "EUR" }, LOCALE)}` : null);
/** A calendar date as itself; an instant in the creditor's zone. */
const when = (label: string): Describe => (v, _data, timeZone) => {
  const t = text(v);
  if (!t) return null;
  if (isCalendarDate(t)) return `${label} ${formatCalendarDate(t, LOCALE)}`;
  const at = new Date(t);
  if (Number.isNaN(at.getTime())) return `${label} ${t}`;
  return `${label} ${new Intl.DateTimeFormat(LOCALE, { dateStyle: "long", timeStyle: "short", timeZone }).format(at)}`;
};
const count = (one: string, many: string) => (v: unknown) => (typeof v === "number" && v > 0 ? `${v} ${v > 1 ? many : one}` : null);

/** Known fields in the order they read best; anything else (ids, hashes, references) is not shown. */
const FIELDS: [string, Describe][] = [
  ["status", (v) => labelled(STATUS)(v)],
  ["outcome", (v) => labelled(OUTCOMES)(v)],
  ["step", (v) => (text(v) && STEP_LABELS[text(v)!] ? STEP_LABELS[text(v)!]! : null)],
  ["channel", labelled(channelWords, "par ")],
  ["source", labelled(SOURCES)],
  ["amountCents", money("montant")],
  ["totalCents", money("total")],
  ["installments", count("échéance", "échéances")],
  ["method", labelled(paymentMethodWords, "par ")],
  ["promisedDate", when("pour le")],
  ["date", when("pour le")],
  ["paidOn", when("payé le")],
  ["callbackAt", when("rappel le")],
  ["until", when("jusqu'au")],
  ["kind", labelled(DOCUMENTS)],
  ["resolution", labelled(RESOLUTIONS)],
  ["balanceBefore", money("reste dû avant")],
  ["balanceAfter", money("reste dû après")],
  ["balanceCents", money("reste dû")],
  ["reference", (v) => (text(v) ? `référence ${text(v)}` : null)],
  ["trackingNumber", (v) => (text(v) ? `recommandé n° ${text(v)}` : null)],
  ["files", count("pièce jointe", "pièces jointes")],
  ["proof", quoted("justificatif")],
  ["preferredChannel", labelled(channelWords, "canal préféré : ")],
  ["purchaseOrderRef", (v) => (text(v) ? `bon de commande ${text(v)}` : null)],
  ["sentTo", (v) => (text(v) ? `code envoyé à ${text(v)}` : null)],
  ["keyword", quoted("mot-clé")],
  ["revoked", count("lien révoqué", "liens révoqués")],
  ["businessDays", (v) => (typeof v === "number" ? `sans décision après ${v} jours ouvrés` : null)],
  // A dispute's reason is a code; a decision's or an escalation's is already a sentence.
  ["reason", (v) => labelled(disputeReasonWords)(v) ?? quoted("motif")(v)],
  ["note", quoted("note")],
  ["error", quoted("erreur du prestataire")],
  ["errorCode", (v) => (v === null || v === undefined || v === "" ? null : `code d'erreur ${String(v)}`)],
  ["staff", (v) => (text(v) ? `par ${text(v)}` : null)],
];

export function describeTimelineData(data: Data, timeZone: string): string {
  const parts = FIELDS.flatMap(([key, describe]) => {
    if (!(key in data)) return [];
    const words = describe(data[key], data, timeZone);
    return words ? [words] : [];
  });
  if (parts.length === 0) return "";
  const line = parts.join(", ");
  return `${line.charAt(0).toUpperCase()}${line.slice(1)}.`;
}

/** A sent message's status in words, for the message line of the timeline. */
export const messageStatusLabel = (status: string) => STATUS[status] ?? "état inconnu";
export const channelLabel = (channel: string) => channelWords[channel] ?? channel;
