import type { Locale } from "./messages";

/** What the debtor is told when staff decide on something they asked for (back-office review queue). */
const fr = {
  planAccepted: {
    title: "Votre échéancier est accepté",
    lines: (first: string) => [`Les relances sont suspendues tant que les échéances sont respectées. Première échéance : ${first}.`, "Vous recevrez un rappel quelques jours avant chaque échéance."],
  },
  planRejected: {
    title: "Votre proposition d'échéancier n'a pas pu être acceptée",
    lines: (reason: string) => [`Motif : ${reason}`, "Les relances reprennent. Vous pouvez régler, proposer une autre solution ou nous contacter depuis votre espace."],
  },
  planLapsed: {
    title: "Votre proposition d'échéancier n'a pas encore été examinée",
    lines: (proposedOn: string) => [`Nous n'avons pas pu examiner à temps votre proposition du ${proposedOn} : elle ne suspend plus les relances.`, "Vous pouvez régler, proposer à nouveau un échéancier ou nous contacter depuis votre espace."],
  },
  planCountered: {
    title: "Nous vous proposons un autre échéancier",
    lines: (proposal: string) => [`Notre proposition : ${proposal}`, "Vous pouvez proposer un échéancier sur ces bases depuis votre espace. Les relances reprennent entre-temps."],
  },
  disputeFounded: {
    title: (number: string) => `Votre contestation de la facture ${number} est fondée`,
    cancelled: "La facture est annulée : vous n'avez plus rien à payer à son sujet.",
    creditNote: (amount: string, left: string) => `Un avoir de ${amount} est émis. Reste à payer sur cette facture : ${left}.`,
    corrected: (left: string) => `Le montant est corrigé. Reste à payer sur cette facture : ${left}.`,
  },
  disputeUnfounded: {
    title: (number: string) => `Votre contestation de la facture ${number} n'a pas été retenue`,
    lines: (reason: string) => [`Motif : ${reason}`, "Le suivi de cette facture reprend. Vous pouvez la régler ou proposer une solution depuis votre espace."],
  },
  claimConfirmed: {
    title: (number: string) => `Votre paiement de la facture ${number} est confirmé`,
    lines: (amount: string, left: string | null) => [`Nous avons bien reçu ${amount}.`, left ? `Reste à payer sur cette facture : ${left}.` : "Cette facture est soldée. Merci !"],
  },
  claimRejected: {
    title: (number: string) => `Nous n'avons pas trouvé votre paiement de la facture ${number}`,
    lines: (reason: string) => [`Motif : ${reason}`, "Le suivi de cette facture reprend. Si vous avez un justificatif, répondez-nous depuis votre espace."],
  },
};

const en: typeof fr = {
  planAccepted: {
    title: "Your payment plan is accepted",
    lines: (first) => [`Reminders are paused as long as the installments are paid. First installment: ${first}.`, "You will get a reminder a few days before each installment."],
  },
  planRejected: {
    title: "Your payment plan could not be accepted",
    lines: (reason) => [`Reason: ${reason}`, "Reminders resume. You can pay, suggest another solution or contact us from your account."],
  },
  planLapsed: {
    title: "Your payment plan proposal has not been reviewed yet",
    lines: (proposedOn) => [`We could not review your proposal of ${proposedOn} in time: it no longer pauses reminders.`, "You can pay, propose a plan again or contact us from your account."],
  },
  planCountered: {
    title: "We suggest another payment plan",
    lines: (proposal) => [`Our proposal: ${proposal}`, "You can propose a plan along these lines from your account. Reminders resume meanwhile."],
  },
  disputeFounded: {
    title: (number) => `Your dispute about invoice ${number} is upheld`,
    cancelled: "The invoice is cancelled: you owe nothing on it.",
    creditNote: (amount, left) => `A credit note of ${amount} is issued. Left to pay on this invoice: ${left}.`,
    corrected: (left) => `The amount is corrected. Left to pay on this invoice: ${left}.`,
  },
  disputeUnfounded: {
    title: (number) => `Your dispute about invoice ${number} was not upheld`,
    lines: (reason) => [`Reason: ${reason}`, "Follow-up of this invoice resumes. You can pay it or suggest a solution from your account."],
  },
  claimConfirmed: {
    title: (number) => `Your payment of invoice ${number} is confirmed`,
    lines: (amount, left) => [`We have received ${amount}.`, left ? `Left to pay on this invoice: ${left}.` : "This invoice is settled. Thank you!"],
  },
  claimRejected: {
    title: (number) => `We could not find your payment of invoice ${number}`,
    lines: (reason) => [`Reason: ${reason}`, "Follow-up of this invoice resumes. If you have a proof of payment, reply from your account."],
  },
};

export function reviewDecisionMessages(locale: Locale) {
  return locale === "en" ? en : fr;
}
