/**
 * Every word a debtor reads in the portal, French first. The English dictionary must have the
 * same keys (the type checks it), so a missing translation fails the build, not the page.
 */
const fr = {
  htmlTitle: "Relance",
  continue: {
    title: "Accéder à votre espace",
    intro: (creditor: string) => `${creditor} vous invite à consulter vos factures et à choisir comment les régler.`,
    button: "Continuer",
    privacy: "Ce lien est personnel. En continuant, vous ouvrez une session sur cet appareil.",
  },
  invalid: {
    title: "Ce lien n'est plus valide",
    body: "Il a peut-être expiré, été remplacé par un lien plus récent, ou été mal copié. Pas d'inquiétude : vous pouvez en recevoir un nouveau.",
    action: "Recevoir un nouveau lien",
  },
  newLink: {
    title: "Recevoir un nouveau lien",
    intro: "Indiquez l'adresse e-mail à laquelle vous recevez nos factures. Nous y enverrons un nouveau lien.",
    email: "Adresse e-mail",
    submit: "Envoyer le lien",
    sent: "Si cette adresse figure dans nos dossiers, un nouveau lien vient d'y être envoyé. Il est valable 30 jours.",
    invalidEmail: "Saisissez une adresse e-mail complète, par exemple nom@entreprise.fr.",
  },
  portal: {
    title: (creditor: string) => `Vos factures ${creditor}`,
    greeting: (name: string) => `Bonjour ${name}`,
    summary: (count: number, total: string) =>
      count === 0 ? "Vous n'avez aucune facture en attente. Merci !" : count === 1 ? `1 facture en attente, ${total} au total.` : `${count} factures en attente, ${total} au total.`,
    invoice: "Facture",
    amountDue: "Reste à payer",
    dueDate: "Échéance",
    status: "Situation",
    dueIn: (days: number) => (days === 0 ? "échue aujourd'hui" : days === 1 ? "échéance demain" : `échéance dans ${days} jours`),
    overdue: (days: number) => (days === 1 ? "en retard de 1 jour" : `en retard de ${days} jours`),
    contested: (date: string) => `Contestée le ${date}, relances suspendues`,
    details: "Détails",
    back: "Retour à vos factures",
    issued: "Émise le",
    originalAmount: "Montant initial",
    penaltiesNotice: (isBusiness: boolean): string =>
      isBusiness
        ? "En cas de retard, des pénalités au taux prévu par nos conditions générales (à défaut, taux BCE + 10 points) et une indemnité forfaitaire de 40 € pour frais de recouvrement sont dues (art. L441-10 du Code de commerce)."
        : "",
    actionsTitle: "Que souhaitez-vous faire ?",
    actions: {
      pay: "Payer par carte ou virement",
      promise: "M'engager sur une date de paiement",
      plan: "Proposer un échéancier",
      dispute: "Contester une facture",
      alreadyPaid: "J'ai déjà payé",
      callback: "Être rappelé",
      contact: "Mes coordonnées et préférences",
      documents: "Factures PDF et relevé de compte",
    },
  },
  session: {
    requiredTitle: "Votre session a expiré",
    requiredBody: "Pour votre sécurité, ouvrez à nouveau le lien reçu par e-mail ou par SMS, ou demandez-en un nouveau.",
  },
  notFound: { title: "Page introuvable", body: "Cette page n'existe pas ou ne vous est pas accessible." },
  error: { title: "Une erreur est survenue", body: "Réessayez dans un instant. Si le problème persiste, contactez-nous." },
  tooLarge: { title: "Envoi trop volumineux" },
};

export type Messages = typeof fr;

const en: Messages = {
  htmlTitle: "Relance",
  continue: {
    title: "Open your account",
    intro: (creditor) => `${creditor} invites you to review your invoices and choose how to settle them.`,
    button: "Continue",
    privacy: "This link is personal. Continuing opens a session on this device.",
  },
  invalid: {
    title: "This link is no longer valid",
    body: "It may have expired, been replaced by a newer link, or been copied incompletely. No worries: you can get a new one.",
    action: "Get a new link",
  },
  newLink: {
    title: "Get a new link",
    intro: "Enter the email address where you receive our invoices. We will send a new link there.",
    email: "Email address",
    submit: "Send the link",
    sent: "If this address is in our records, a new link is on its way. It is valid for 30 days.",
    invalidEmail: "Enter a complete email address, for example name@company.com.",
  },
  portal: {
    title: (creditor) => `Your ${creditor} invoices`,
    greeting: (name) => `Hello ${name}`,
    summary: (count, total) =>
      count === 0 ? "You have no outstanding invoices. Thank you!" : count === 1 ? `1 outstanding invoice, ${total} in total.` : `${count} outstanding invoices, ${total} in total.`,
    invoice: "Invoice",
    amountDue: "Amount due",
    dueDate: "Due date",
    status: "Status",
    dueIn: (days) => (days === 0 ? "due today" : days === 1 ? "due tomorrow" : `due in ${days} days`),
    overdue: (days) => (days === 1 ? "1 day overdue" : `${days} days overdue`),
    contested: (date) => `Disputed on ${date}, reminders paused`,
    details: "Details",
    back: "Back to your invoices",
    issued: "Issued on",
    originalAmount: "Original amount",
    penaltiesNotice: (isBusiness) =>
      isBusiness
        ? "Late payment incurs penalties at the rate set in our terms of sale (failing that, the ECB rate + 10 points) and a fixed €40 recovery indemnity (French Commercial Code, art. L441-10)."
        : "",
    actionsTitle: "What would you like to do?",
    actions: {
      pay: "Pay by card or bank transfer",
      promise: "Commit to a payment date",
      plan: "Propose a payment plan",
      dispute: "Dispute an invoice",
      alreadyPaid: "I have already paid",
      callback: "Ask for a call back",
      contact: "My contact details and preferences",
      documents: "Invoice PDFs and account statement",
    },
  },
  session: {
    requiredTitle: "Your session has expired",
    requiredBody: "For your security, open the link from your email or text message again, or ask for a new one.",
  },
  notFound: { title: "Page not found", body: "This page does not exist or is not available to you." },
  error: { title: "Something went wrong", body: "Please try again in a moment. If the problem persists, contact us." },
  tooLarge: { title: "Upload too large" },
};

export const locales = ["fr", "en"] as const;
export type Locale = (typeof locales)[number];
export const intlLocale: Record<Locale, string> = { fr: "fr-FR", en: "en-GB" };

export function messages(locale: Locale): Messages {
  return locale === "en" ? en : fr;
}

/** Picks fr or en from an Accept-Language header; French unless English is preferred. */
export function localeFromAcceptLanguage(header: string | null): Locale {
  const first = header?.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("en") ? "en" : "fr";
}
