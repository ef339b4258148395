import type { ReminderEmailProps } from "./props";

/** "de Atelier" reads wrong in French: elide before a vowel (not before h, often aspirated). */
export function de(name: string): string {
  return /^[aeiouyàâäéèêëîïôöùûüœæ]/i.test(name) ? `d'${name}` : `de ${name}`;
}

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

type Channel = ReminderEmailProps["previousContacts"][number]["channel"];

/** Words every template shares: greeting, invoice table, penalties, footer. */
const fr = {
  greeting: (name: string) => `Bonjour ${name},`,
  regards: "Cordialement,",
  invoice: (number: string) => `Facture ${number}`,
  due: (date: string) => `Échéance : ${date}`,
  overdue: (days: number) => (days === 1 ? "1 jour de retard" : `${days} jours de retard`),
  settled: "Réglée",
  total: "Total restant dû",
  totalSettled: "Total réglé",
  interest: (amount: string) => `Pénalités de retard à ce jour : ${amount}`,
  interestUnpublished: (from: string) => `Pénalités de retard à partir du ${from} : taux non encore publié, non calculées`,
  indemnity: (amount: string) => `Indemnité forfaitaire pour frais de recouvrement : ${amount}`,
  penaltiesLaw:
    "Ces sommes sont dues de plein droit en application de l'article L441-10 du Code de commerce et de nos conditions générales de vente. Elles ne sont pas comprises dans les montants indiqués ci-dessus.",
  interestPart: (amount: string) => `à des pénalités de retard de ${amount}`,
  indemnityPart: (amount: string, invoices: number) =>
    invoices === 1
      ? `à une indemnité forfaitaire pour frais de recouvrement de ${amount}`
      : `à une indemnité forfaitaire pour frais de recouvrement par facture, soit ${amount}`,
  penaltiesSummary: (parts: string) =>
    `Pour information, ce retard ouvre droit, à ce jour, ${parts} (article L441-10 du Code de commerce) ; ces montants ne sont pas compris dans la somme à régler.`,
  contact: {
    email: (date: string) => `notre e-mail du ${date}`,
    sms: (date: string) => `notre SMS du ${date}`,
    letter: (date: string) => `notre courrier du ${date}`,
    call: (date: string) => `notre appel du ${date}`,
  } satisfies Record<Channel, (date: string) => string>,
  unpaid: (count: number, history: string | null) => {
    const invoices =
      count === 1
        ? "la facture ci-dessous reste impayée à ce jour"
        : "les factures ci-dessous restent impayées à ce jour";
    return history ? `Malgré ${history}, ${invoices}.` : `${capitalise(invoices)}.`;
  },
  help: "Une difficulté, une question sur une facture, besoin d'un délai ? Le même lien vous permet de nous le dire en une minute.",
  alreadyPaid: "Si votre règlement est déjà parti, merci : ne tenez pas compte de ce message.",
  sentBy: (creditor: string, email: string) => `Message envoyé par Relance pour le compte ${de(creditor)} (${email}).`,
  personalLink: "Ce lien est personnel : ne le transférez pas.",
  privacyNotice: (creditor: string) =>
    `Pourquoi recevez-vous ce message ? ${creditor} confie à Relance le suivi de ses factures ; vos coordonnées proviennent de ses fichiers clients et ne servent qu'à ce suivi. Qui traite vos données, pour quelles finalités, combien de temps, et comment exercer vos droits :`,
  privacyLink: "Vos données et vos droits",
};

const en: typeof fr = {
  greeting: (name) => `Hello ${name},`,
  regards: "Kind regards,",
  invoice: (number) => `Invoice ${number}`,
  due: (date) => `Due: ${date}`,
  overdue: (days) => (days === 1 ? "1 day overdue" : `${days} days overdue`),
  settled: "Paid",
  total: "Total outstanding",
  totalSettled: "Total paid",
  interest: (amount) => `Late-payment interest to date: ${amount}`,
  interestUnpublished: (from) => `Late-payment interest from ${from}: rate not yet published, not computed`,
  indemnity: (amount) => `Fixed compensation for recovery costs: ${amount}`,
  penaltiesLaw:
    "These sums are due by law under Article L441-10 of the French Commercial Code and our terms of sale. They are not included in the amounts shown above.",
  interestPart: (amount) => `late-payment interest of ${amount}`,
  indemnityPart: (amount, invoices) =>
    invoices === 1
      ? `fixed compensation for recovery costs of ${amount}`
      : `fixed compensation for recovery costs on each invoice, ${amount} in all`,
  penaltiesSummary: (parts) =>
    `For your information, this late payment entitles us, to date, to ${parts} (Article L441-10 of the French Commercial Code); these amounts are not included in the sum to pay.`,
  contact: {
    email: (date) => `our email of ${date}`,
    sms: (date) => `our text message of ${date}`,
    letter: (date) => `our letter of ${date}`,
    call: (date) => `our call of ${date}`,
  },
  unpaid: (count, history) => {
    const invoices = count === 1 ? "the invoice below remains unpaid" : "the invoices below remain unpaid";
    return history ? `Despite ${history}, ${invoices}.` : `${capitalise(invoices)}.`;
  },
  help: "A difficulty, a question about an invoice, need more time? The same link lets you tell us in a minute.",
  alreadyPaid: "If your payment is already on its way, thank you, and please disregard this message.",
  sentBy: (creditor, email) => `Sent by Relance on behalf of ${creditor} (${email}).`,
  personalLink: "This link is personal: please do not forward it.",
  privacyNotice: (creditor) =>
    `Why are you receiving this? ${creditor} uses Relance to follow up its invoices; your contact details come from its customer records and are used only for that purpose. Who processes your data, why, for how long, and how to exercise your rights:`,
  privacyLink: "Your data and your rights",
};

export const common = { fr, en };
