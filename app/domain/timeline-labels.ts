/** Timeline event types and actors in the words staff use (the debtor file, the litigation dossier). */
export const eventLabels: Record<string, string> = {
  "message.sent": "Message envoyé",
  "message.failed": "Échec d'envoi",
  "letter.queued": "Mise en demeure préparée",
  "letter.posted": "Courrier posté",
  "call_task.created": "Appel à passer",
  "call.answered": "Appel : client joint",
  "call.unanswered": "Appel : client non joint",
  "link.session_started": "Lien ouvert (session)",
  "payment.recorded": "Paiement reçu",
  "payment.overpaid": "Trop-perçu reçu (facture déjà réglée)",
  "payment.overpayment_refunded": "Trop-perçu remboursé",
  "checkout.expired": "Paiement par carte remplacé par un nouveau",
  "payment.claimed": "Déclare avoir payé",
  "promise.made": "Promesse de paiement",
  "promise.broken": "Promesse non tenue",
  "plan.proposed": "Échéancier proposé",
  "plan.defaulted": "Échéancier rompu",
  "dispute.opened": "Litige ouvert",
  "callback.requested": "Demande de rappel",
  "document.requested": "Document demandé",
  "contact.updated": "Coordonnées modifiées",
  "pause.ended": "Fin de pause",
  "pause.staff_hold": "Relances suspendues par l'équipe",
  "pause.staff_hold_lifted": "Relances reprises par l'équipe",
  "plan.decided": "Décision sur l'échéancier",
  "dispute.resolved": "Contestation tranchée",
  "payment.claim_rejected": "Paiement déclaré non retrouvé",
  "payment.mismatch": "Paiement incohérent, à vérifier",
  "checkout.started": "Paiement par carte commencé",
  "portal.stepped_up": "Identité confirmée par code",
  "debtor.escalated": "Transmis au contentieux",
  "dossier.exported": "Dossier contentieux exporté",
  "links.revoked": "Liens révoqués",
  "payment.chargeback_lost": "Litige bancaire perdu",
};

export const actorLabels: Record<string, string> = { debtor: "client", staff: "équipe", job: "relance automatique", provider: "prestataire", system: "système" };

/** The words for codes that staff read in sentences (timeline, review queue, dossier), lower case. */
export const channelWords: Record<string, string> = { email: "e-mail", sms: "SMS", letter: "courrier", call: "appel", portal: "espace client" };
export const paymentMethodWords: Record<string, string> = { transfer: "virement", card: "carte", cheque: "chèque", cash: "espèces", other: "autre moyen", sepa_debit: "prélèvement" };
export const disputeReasonWords: Record<string, string> = {
  amount: "montant contesté",
  not_received: "prestation ou marchandise non reçue",
  quality: "qualité",
  already_paid: "déjà payée",
  missing_po: "bon de commande ou mention manquante",
  other: "autre motif",
};
