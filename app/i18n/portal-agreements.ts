import type { Rejection, RejectionKey, RejectionParams } from "../domain/agreements";
import type { Locale } from "./messages";

/**
 * The debtor's commitments in the portal: giving a payment date and proposing a plan. Dates and
 * amounts arrive already formatted in the debtor's locale (`F`), so each sentence reads naturally.
 */
export type Formatters = { date: (date: string) => string; money: (cents: number) => string };

type RejectionMessages = Record<RejectionKey, (p: RejectionParams, f: Formatters) => string>;

const list = (items: string[], and: string) => (items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} ${and} ${items.at(-1)}`);

const fr = {
  back: "Retour à vos factures",
  invoice: "Facture",
  dueOn: (date: string) => `échéance le ${date}`,
  change: "Modifier",
  errorSummary: "Certaines informations sont à corriger :",
  promise: {
    title: "M'engager sur une date de paiement",
    intro: (limit: string, days: number) => `Choisissez les factures et la date à laquelle vous les réglerez, au plus tard le ${limit} (${days} jours).`,
    invoicesLegend: "Factures concernées",
    alreadyPromised: (date: string) => `déjà promise pour le ${date}`,
    alreadyPromisedHelp:
      "Une facture déjà promise garde sa date : une seconde promesse n'est pas possible en ligne. Pour changer de date, proposez un échéancier ou demandez à être rappelé.",
    noneEligible: "Aucune facture ne peut recevoir de promesse de paiement en ce moment.",
    date: "Date de paiement",
    dateHint: (limit: string) => `Après aujourd'hui et au plus tard le ${limit}.`,
    amount: "Montant (facultatif)",
    amountHint: "Laissez vide pour régler la totalité des factures choisies.",
    review: "Vérifier mon engagement",
    confirmTitle: "Confirmez votre engagement",
    youCommit: "Vous vous engagez à :",
    notCovered: (numbers: string) => `Le montant ne couvre pas la facture ${numbers} : les relances continuent pour elle.`,
    acknowledgment: (p: { debtor: string; creditor: string; total: string; numbers: string[]; amount: string; date: string }) =>
      `Pour ${p.debtor}, je reconnais devoir à ${p.creditor} la somme de ${p.total} au titre ${p.numbers.length > 1 ? "des factures" : "de la facture"} ${list(p.numbers, "et")}, et je m'engage à payer ${p.amount} au plus tard le ${p.date}.`,
    nextTitle: "Et ensuite ?",
    nextPaused: (until: string) => `Les relances sur ces factures sont suspendues jusqu'au ${until} inclus.`,
    nextThen: {
      broken_promise: (date: string) => `Si le paiement n'est pas arrivé à cette date, un rappel de votre engagement non tenu vous sera envoyé le ${date}.`,
      resume: (date: string) => `Si le paiement n'est pas arrivé à cette date, l'engagement sera considéré comme non tenu et les relances reprendront le ${date}.`,
      escalate: (date: string) => `Si le paiement n'est pas arrivé à cette date, le dossier sera transmis au service contentieux le ${date}.`,
    },
    nextNotice: "Vous recevrez une confirmation par e-mail.",
    confirm: "Je confirme mon engagement",
    changed: "Les montants ont changé depuis votre vérification : relisez votre engagement avant de confirmer.",
    noticeTitle: "Votre engagement de paiement est enregistré",
  },
  plan: {
    title: "Proposer un échéancier",
    intro: (total: string, months: number, min: string) =>
      `Étalez le paiement de ${total} sur ${months} mois au plus, en échéances d'au moins ${min} (la dernière peut être plus petite).`,
    covers: "Factures comprises dans l'échéancier :",
    monthlyTitle: "Des mensualités égales",
    count: "Nombre de mensualités",
    start: "Date de la première mensualité",
    startHint: (limit: string) => `Après aujourd'hui et au plus tard le ${limit}.`,
    remainderNote: "Les centimes qui ne se divisent pas sont ajoutés à la première mensualité.",
    customTitle: "Ou votre propre calendrier",
    customHint: (total: string) => `Indiquez vos dates et montants ; le total doit faire exactement ${total}. Les lignes vides sont ignorées.`,
    rowLegend: (n: number) => `Échéance ${n}`,
    rowDate: "Date",
    rowAmount: "Montant",
    addRow: "Ajouter une ligne",
    removeRow: "Retirer la dernière ligne",
    review: "Voir l'échéancier",
    confirmTitle: "Confirmez votre proposition d'échéancier",
    schedule: "Échéancier",
    position: "N°",
    amount: "Montant",
    date: "Date",
    total: "Total",
    statusColumn: "État",
    acceptedAtOnce: "Cet échéancier respecte les conditions de votre créancier : il sera accepté immédiatement.",
    needsReview: (reason: "too_long" | "high_risk" | "recent_breach") =>
      `Cet échéancier sera étudié par votre créancier (${
        { too_long: "il dépasse la durée acceptée automatiquement", high_risk: "votre dossier demande un examen", recent_breach: "un engagement récent n'a pas été tenu" }[reason]
      }). Vous serez informé de sa décision.`,
    acknowledgment: (p: { debtor: string; creditor: string; total: string; numbers: string[]; schedule: string[] }) =>
      `Pour ${p.debtor}, je reconnais devoir à ${p.creditor} la somme de ${p.total} au titre ${p.numbers.length > 1 ? "des factures" : "de la facture"} ${list(p.numbers, "et")}, et je m'engage à la régler selon l'échéancier suivant : ${p.schedule.join(" ; ")}. Si une échéance n'est pas payée, l'échéancier prend fin et les relances reprennent sur le solde restant.`,
    ackLabel: "Je reconnais cette dette et je m'engage à respecter cet échéancier :",
    ackRequired: "Cochez la case pour confirmer que vous reconnaissez la dette et acceptez l'échéancier.",
    confirm: "Envoyer ma proposition",
    nextTitle: "Et ensuite ?",
    nextAccepted: "Les relances habituelles s'arrêtent : vous recevrez seulement un rappel avant chaque échéance.",
    nextReminders: (dates: string[]) => `Rappels prévus : ${dates.join(", ")}.`,
    nextMissed: "Une échéance non payée met fin à l'échéancier et les relances reprennent.",
    nextReview: "Les relances sont suspendues pendant l'examen de votre proposition.",
    nextNotice: "Vous recevrez l'échéancier par e-mail.",
    unavailable: "Un échéancier en ligne n'est pas possible pour ces factures. Demandez à être rappelé.",
    changed: "Les montants ont changé depuis votre vérification : relisez l'échéancier avant de confirmer.",
    noticeTitle: (accepted: boolean): string => (accepted ? "Votre échéancier est accepté" : "Votre proposition d'échéancier est enregistrée"),
    inForceTitle: "Votre échéancier",
  },
  status: {
    pending_review: "en cours d'examen par votre créancier",
    accepted: "accepté",
  },
  installmentStatus: { scheduled: "à venir", paid: "payée", missed: "non payée" },
  home: {
    title: "Vos engagements en cours",
    promise: (number: string, date: string, amount: string | null) =>
      `Paiement promis${amount ? ` de ${amount}` : ""} pour la facture ${number}, au plus tard le ${date}.`,
    plan: (status: string) => `Échéancier ${status}.`,
    donePromise: "Votre engagement est enregistré. Une confirmation vous a été envoyée.",
    donePlan: "Votre proposition d'échéancier est enregistrée. Une confirmation vous a été envoyée.",
  },
  rejections: {
    "invoices.none": () => "Choisissez au moins une facture.",
    "invoices.alreadyPromised": (p, f) => `Cette facture a déjà une date de paiement promise (${p.date ? f.date(p.date) : ""}).`,
    "date.missing": () => "Indiquez une date, par exemple 15/12/2026.",
    "date.notAfterToday": (p, f) => `Choisissez une date après aujourd'hui (${f.date(p.date!)}).`,
    "date.beyondLimit": (p, f) => `La date ne peut pas dépasser le ${f.date(p.date!)} (${p.days} jours au plus). Pour un délai plus long, proposez un échéancier.`,
    "amount.invalid": () => "Saisissez un montant en euros, par exemple 250 ou 250,50.",
    "amount.notPositive": () => "Le montant doit être supérieur à zéro, ou laissez le champ vide.",
    "amount.aboveBalance": (p, f) => `Le montant ne peut pas dépasser ce que vous devez sur ces factures : ${f.money(p.cents!)}.`,
    "count.invalid": (p) => `Choisissez entre 2 et ${p.count} mensualités.`,
    "count.tooMany": (p, f) => `Chaque mensualité doit être d'au moins ${f.money(p.cents!)} : ${p.count! >= 2 ? `${p.count} mensualités au plus` : "un échéancier n'est pas possible pour ce montant"}.`,
    "start.missing": () => "Indiquez la date de la première mensualité.",
    "start.notAfterToday": (p, f) => `Choisissez une date après aujourd'hui (${f.date(p.date!)}).`,
    "start.beyondLimit": (p, f) => `La première échéance ne peut pas dépasser le ${f.date(p.date!)} (${p.days} jours au plus).`,
    "plan.beyondLimit": (p, f) =>
      p.row
        ? `L'échéance ${p.row} dépasse le ${f.date(p.date!)} : un échéancier dure ${p.months} mois au plus.`
        : `La dernière mensualité dépasserait le ${f.date(p.date!)} (${p.months} mois au plus) : ${p.count} mensualités au plus avec cette date de départ.`,
    "installment.belowMinimum": (p, f) => `L'échéance ${p.row} doit être d'au moins ${f.money(p.cents!)} (seule la dernière peut être plus petite).`,
    "rows.tooFew": (p) => `Indiquez au moins ${p.count} échéances.`,
    "row.dateMissing": (p) => `Indiquez la date de l'échéance ${p.row}.`,
    "row.dateNotIncreasing": (p, f) => `L'échéance ${p.row} doit être après le ${f.date(p.date!)}.`,
    "row.amountInvalid": (p) => `Indiquez le montant de l'échéance ${p.row} en euros, par exemple 250 ou 250,50.`,
    "rows.sumMismatch": (p, f) => `Le total des échéances (${f.money(p.count!)}) doit être exactement ${f.money(p.cents!)}.`,
  } satisfies RejectionMessages,
};

const en: typeof fr = {
  back: "Back to your invoices",
  invoice: "Invoice",
  dueOn: (date) => `due ${date}`,
  change: "Change",
  errorSummary: "Some details need correcting:",
  promise: {
    title: "Commit to a payment date",
    intro: (limit, days) => `Choose the invoices and the date you will pay them by, no later than ${limit} (${days} days).`,
    invoicesLegend: "Invoices",
    alreadyPromised: (date) => `already promised for ${date}`,
    alreadyPromisedHelp:
      "An invoice already promised keeps its date: a second promise cannot be made online. To change the date, propose a payment plan or ask to be called back.",
    noneEligible: "No invoice can take a payment promise at the moment.",
    date: "Payment date",
    dateHint: (limit) => `After today and no later than ${limit}.`,
    amount: "Amount (optional)",
    amountHint: "Leave empty to pay the chosen invoices in full.",
    review: "Review my commitment",
    confirmTitle: "Confirm your commitment",
    youCommit: "You commit to:",
    notCovered: (numbers) => `The amount does not reach invoice ${numbers}: reminders continue for it.`,
    acknowledgment: (p) =>
      `On behalf of ${p.debtor}, I acknowledge owing ${p.creditor} the sum of ${p.total} for ${p.numbers.length > 1 ? "invoices" : "invoice"} ${list(p.numbers, "and")}, and I undertake to pay ${p.amount} no later than ${p.date}.`,
    nextTitle: "What happens next?",
    nextPaused: (until) => `Reminders about these invoices are paused until ${until} inclusive.`,
    nextThen: {
      broken_promise: (date) => `If the payment has not arrived by then, a reminder about the broken promise will be sent on ${date}.`,
      resume: (date) => `If the payment has not arrived by then, the promise counts as broken and reminders resume on ${date}.`,
      escalate: (date) => `If the payment has not arrived by then, the file will be handed over for litigation on ${date}.`,
    },
    nextNotice: "You will receive a confirmation by email.",
    confirm: "I confirm my commitment",
    changed: "The amounts changed since you reviewed them: read your commitment again before confirming.",
    noticeTitle: "Your payment commitment is recorded",
  },
  plan: {
    title: "Propose a payment plan",
    intro: (total, months, min) => `Spread ${total} over at most ${months} months, in installments of at least ${min} (the last one may be smaller).`,
    covers: "Invoices in the plan:",
    monthlyTitle: "Equal monthly installments",
    count: "Number of installments",
    start: "Date of the first installment",
    startHint: (limit) => `After today and no later than ${limit}.`,
    remainderNote: "Cents that do not divide evenly are added to the first installment.",
    customTitle: "Or your own schedule",
    customHint: (total) => `Enter your dates and amounts; they must add up to exactly ${total}. Empty rows are ignored.`,
    rowLegend: (n) => `Installment ${n}`,
    rowDate: "Date",
    rowAmount: "Amount",
    addRow: "Add a row",
    removeRow: "Remove the last row",
    review: "See the schedule",
    confirmTitle: "Confirm your payment plan proposal",
    schedule: "Schedule",
    position: "No.",
    amount: "Amount",
    date: "Date",
    total: "Total",
    statusColumn: "Status",
    acceptedAtOnce: "This plan is within your creditor's terms: it will be accepted at once.",
    needsReview: (reason) =>
      `Your creditor will review this plan (${
        { too_long: "it is longer than plans accepted automatically", high_risk: "your account needs a review", recent_breach: "a recent commitment was not kept" }[reason]
      }). You will be told of their decision.`,
    acknowledgment: (p) =>
      `On behalf of ${p.debtor}, I acknowledge owing ${p.creditor} the sum of ${p.total} for ${p.numbers.length > 1 ? "invoices" : "invoice"} ${list(p.numbers, "and")}, and I undertake to pay it according to the following schedule: ${p.schedule.join("; ")}. If an installment is not paid, the plan ends and reminders resume on the remaining balance.`,
    ackLabel: "I acknowledge this debt and undertake to keep to this schedule:",
    ackRequired: "Tick the box to confirm that you acknowledge the debt and accept the schedule.",
    confirm: "Send my proposal",
    nextTitle: "What happens next?",
    nextAccepted: "The usual reminders stop: you will only get a reminder before each installment.",
    nextReminders: (dates) => `Reminders planned: ${dates.join(", ")}.`,
    nextMissed: "A missed installment ends the plan and reminders resume.",
    nextReview: "Reminders are paused while your proposal is reviewed.",
    nextNotice: "You will receive the schedule by email.",
    unavailable: "A payment plan cannot be set up online for these invoices. Please ask to be called back.",
    changed: "The amounts changed since you reviewed them: read the schedule again before confirming.",
    noticeTitle: (accepted) => (accepted ? "Your payment plan is accepted" : "Your payment plan proposal is recorded"),
    inForceTitle: "Your payment plan",
  },
  status: {
    pending_review: "being reviewed by your creditor",
    accepted: "accepted",
  },
  installmentStatus: { scheduled: "upcoming", paid: "paid", missed: "missed" },
  home: {
    title: "Your commitments in force",
    promise: (number, date, amount) => `Payment${amount ? ` of ${amount}` : ""} promised for invoice ${number}, no later than ${date}.`,
    plan: (status) => `Payment plan ${status}.`,
    donePromise: "Your commitment is recorded. A confirmation has been sent to you.",
    donePlan: "Your payment plan proposal is recorded. A confirmation has been sent to you.",
  },
  rejections: {
    "invoices.none": () => "Choose at least one invoice.",
    "invoices.alreadyPromised": (p, f) => `This invoice already has a promised payment date (${p.date ? f.date(p.date) : ""}).`,
    "date.missing": () => "Enter a date, for example 15/12/2026.",
    "date.notAfterToday": (p, f) => `Choose a date after today (${f.date(p.date!)}).`,
    "date.beyondLimit": (p, f) => `The date cannot be later than ${f.date(p.date!)} (${p.days} days at most). For longer, propose a payment plan.`,
    "amount.invalid": () => "Enter an amount in euros, for example 250 or 250.50.",
    "amount.notPositive": () => "The amount must be above zero, or leave the field empty.",
    "amount.aboveBalance": (p, f) => `The amount cannot be more than you owe on these invoices: ${f.money(p.cents!)}.`,
    "count.invalid": (p) => `Choose between 2 and ${p.count} installments.`,
    "count.tooMany": (p, f) => `Each installment must be at least ${f.money(p.cents!)}: ${p.count! >= 2 ? `${p.count} installments at most` : "a plan is not possible for this amount"}.`,
    "start.missing": () => "Enter the date of the first installment.",
    "start.notAfterToday": (p, f) => `Choose a date after today (${f.date(p.date!)}).`,
    "start.beyondLimit": (p, f) => `The first installment cannot be later than ${f.date(p.date!)} (${p.days} days at most).`,
    "plan.beyondLimit": (p, f) =>
      p.row
        ? `Installment ${p.row} is after ${f.date(p.date!)}: a plan lasts ${p.months} months at most.`
        : `The last installment would be after ${f.date(p.date!)} (${p.months} months at most): ${p.count} installments at most from this start date.`,
    "installment.belowMinimum": (p, f) => `Installment ${p.row} must be at least ${f.money(p.cents!)} (only the last one may be smaller).`,
    "rows.tooFew": (p) => `Enter at least ${p.count} installments.`,
    "row.dateMissing": (p) => `Enter the date of installment ${p.row}.`,
    "row.dateNotIncreasing": (p, f) => `Installment ${p.row} must be after ${f.date(p.date!)}.`,
    "row.amountInvalid": (p) => `Enter the amount of installment ${p.row} in euros, for example 250 or 250.50.`,
    "rows.sumMismatch": (p, f) => `The installments add up to ${f.money(p.count!)}; they must total exactly ${f.money(p.cents!)}.`,
  },
};

export type AgreementMessages = typeof fr;

export function agreementMessages(locale: Locale): AgreementMessages {
  return locale === "en" ? en : fr;
}

/** Each refusal as a sentence, keyed by the field it belongs next to (the first one per field). */
export function rejectionsByField(rejections: readonly Rejection[], locale: Locale, f: Formatters): Record<string, string> {
  const t = agreementMessages(locale).rejections;
  const byField: Record<string, string> = {};
  for (const r of rejections) byField[r.field] ??= t[r.key](r.params ?? {}, f);
  return byField;
}
