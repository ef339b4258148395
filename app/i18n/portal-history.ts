import type { Locale } from "./messages";

/** Words of the debtor's story in the portal: settled invoices, their receipts, past promises and plans. */
const fr = {
  settledTitle: "Factures réglées (12 derniers mois)",
  settledNone: "Aucune facture réglée ces 12 derniers mois.",
  invoice: "Facture",
  paidOn: (date: string) => `Réglée le ${date}`,
  paidBy: (means: string) => `par ${means}`,
  methods: { card: "carte", transfer: "virement", cheque: "chèque", cash: "espèces", other: "autre moyen" },
  receipt: (date: string) => `Reçu du paiement du ${date} (PDF)`,
  receiptLabel: (number: string, date: string) => `Reçu du paiement du ${date}, facture ${number} (PDF)`,
  pdf: {
    title: "Reçu de paiement",
    note: "Reçu établi d'après le paiement enregistré pour la facture ci-dessous.",
    received: (name: string) => `Reçu de : ${name}`,
    invoice: (n: string) => `Facture n° ${n}`,
    amount: (a: string) => `Montant reçu : ${a}`,
    date: (d: string) => `Date du paiement : ${d}`,
    means: (m: string) => `Moyen de paiement : ${m}`,
    reference: (r: string) => `Référence : ${r}`,
    paymentRef: (id: number) => `Reçu n° ${id}`,
    settled: "Facture intégralement réglée.",
    balance: (a: string) => `Reste à payer sur cette facture : ${a}`,
    filename: "recu",
  },
};

const en: typeof fr = {
  settledTitle: "Settled invoices (last 12 months)",
  settledNone: "No invoice settled in the last 12 months.",
  invoice: "Invoice",
  paidOn: (date) => `Paid on ${date}`,
  paidBy: (means) => `by ${means}`,
  methods: { card: "card", transfer: "bank transfer", cheque: "cheque", cash: "cash", other: "other means" },
  receipt: (date) => `Receipt for the payment of ${date} (PDF)`,
  receiptLabel: (number, date) => `Receipt for the payment of ${date}, invoice ${number} (PDF)`,
  pdf: {
    title: "Payment receipt",
    note: "Receipt prepared from the payment recorded for the invoice below.",
    received: (name) => `Received from: ${name}`,
    invoice: (n) => `Invoice no. ${n}`,
    amount: (a) => `Amount received: ${a}`,
    date: (d) => `Payment date: ${d}`,
    means: (m) => `Payment method: ${m}`,
    reference: (r) => `Reference: ${r}`,
    paymentRef: (id) => `Receipt no. ${id}`,
    settled: "Invoice paid in full.",
    balance: (a) => `Balance still due on this invoice: ${a}`,
    filename: "receipt",
  },
};

export const historyMessages = (locale: Locale) => (locale === "en" ? en : fr);
