import { describe, expect, it } from "vitest";
import { describeTimelineData, messageStatusLabel } from "~/domain/timeline-text";
import { outboundMessages } from "../../db/tables";
import { eventLabels } from "~/domain/timeline-labels";

/**
 * Issue 16, item 3: a timeline line is words, never "status : accepted" or an id. One sample per
 * event type, with the data its writer really stores; a new event type without a sample fails here.
 */
const TZ = "Europe/Paris";
const staff = "Claire Durand";
const samples: Record<string, Record<string, unknown>> = {
  "message.sent": { messageId: 81, step: "second_reminder", channel: "email", contentHash: "ab12" },
  "message.failed": { messageId: 81, step: "first_reminder", channel: "sms", error: "Numéro invalide" },
  "letter.queued": { messageId: 90, step: "formal_notice", channel: "letter", contentHash: null },
  "letter.posted": { letterId: 4, trackingNumber: "1A23456789012", sha256: "ff00", staff },
  "call_task.created": { messageId: 91, step: "call", channel: "call", contentHash: null },
  "call.answered": { taskId: 12, outcome: "promise", note: "Virement vendredi", staff },
  "call.unanswered": { taskId: 12, outcome: "no_answer", note: null, staff },
  "link.session_started": { linkId: 5, channel: "email" },
  "payment.recorded": { method: "card", provider: "stripe", checkoutId: 7, amountCents: 120_00, currency: "EUR", balanceCents: 0 },
  "payment.overpaid": { method: "transfer", provider: "staff", amountCents: 15_50, currency: "EUR", balanceCents: 0 },
  "payment.overpayment_refunded": { paymentId: 9, amountCents: 15_50, currency: "EUR", staff },
  "checkout.expired": { checkoutId: 7, replacedBy: 8 },
  "payment.claimed": { claimId: 3, paidOn: "2026-11-17", amountCents: 300_00, method: "transfer", reference: "VIR-42", proof: "avis.pdf", linkId: 2 },
  "promise.made": { promiseIds: [1], invoiceIds: [2], promisedDate: "2026-12-04", amountCents: 120_00, linkId: 2, sessionHash: "x" },
  "promise.broken": { promiseId: 1 },
  "plan.proposed": { status: "pending_review", planId: 3, totalCents: 900_00, installments: 3, linkId: 2, sessionHash: "x" },
  "plan.defaulted": { planId: 3 },
  "plan.review_lapsed": { planId: 3, businessDays: 5 },
  "dispute.opened": { disputeIds: [4], invoiceIds: [2], reason: "quality", files: 2, linkId: 2 },
  "callback.requested": { pauseId: 6, callbackAt: "2026-11-23T09:00:00.000Z", until: "2026-11-24T09:00:00.000Z", phone: "file", note: "Plutôt le matin", replacedPauseIds: [] },
  "document.requested": { pauseId: 7, kind: "purchase_order", note: null, until: "2026-12-01T23:00:00.000Z" },
  "contact.updated": { preferredChannel: "sms", purchaseOrderRef: "PO-2026-7", newContactId: 12, previousContactId: 11 },
  "pause.ended": { pauseId: 6 },
  "pause.staff_hold": { until: "15 décembre 2026", reason: "Négociation globale", staff },
  "pause.staff_hold_lifted": { staff },
  "plan.decided": { planId: 3, status: "rejected", reason: "Trop long pour nous", staff },
  "dispute.resolved": { disputeId: 4, status: "founded", resolution: "credit_note", balanceBefore: 500_00, balanceAfter: 350_00, staff },
  "payment.claim_rejected": { claimId: 3, reason: "Aucun virement reçu", staff },
  "payment.mismatch": { checkoutId: 7, sessionId: "cs_test_1", eventId: "evt_1", reason: "Le montant payé ne correspond pas" },
  "checkout.started": { checkoutId: 7, totalCents: 120_00, currency: "EUR", invoiceIds: [2] },
  "portal.stepped_up": { codeId: 3, sentTo: "s***@gmail.com", linkId: 2 },
  "debtor.escalated": { reason: "Deux promesses non tenues : le dossier passe au contentieux" },
  "dossier.exported": { staff, files: 6 },
  "links.revoked": { revoked: 2, staff },
  "payment.chargeback_lost": { provider: "stripe", checkoutId: 7, disputeId: "dp_1" },
};

const INTERNAL = [/\b[a-z]+_[a-z_]+\b/, /\b[a-z]+[A-Z][a-zA-Z]+\b/, /\b\d{4}-\d{2}-\d{2}/, /(^|· )[a-zA-Z]+ : /, /\b(cs|evt|dp)_\w+/];

describe("timeline lines in words", () => {
  it("has a sample for every event type staff can see", () => {
    expect(Object.keys(eventLabels).filter((type) => !(type in samples))).toEqual([]);
  });

  it.each(Object.entries(samples))("%s reads as a sentence, with no key, id, hash or ISO date", (_, data) => {
    const line = describeTimelineData(data, TZ);
    for (const pattern of INTERNAL) expect(line, `${pattern} in "${line}"`).not.toMatch(pattern);
    expect(line === "" || /^[A-ZÀ-Ý0-9«].*\.$/.test(line), line).toBe(true);
  });

  it("says what staff decided and who, in the creditor's words and zone", () => {
    // Intl puts narrow no-break spaces in amounts and times.
    const describe = (type: string) => describeTimelineData(samples[type]!, TZ).replace(/\s/g, " ");
    expect(describe("plan.decided")).toBe("Refusé, motif « Trop long pour nous », par Claire Durand.");
    expect(describe("dispute.resolved")).toBe("Fondée, avoir émis, reste dû avant 500,00 €, reste dû après 350,00 €, par Claire Durand.");
    expect(describe("callback.requested")).toBe("Rappel le 23 novembre 2026 à 10:00, jusqu'au 24 novembre 2026 à 10:00, note « Plutôt le matin ».");
    expect(describe("payment.claimed")).toBe("Montant 300,00 €, par virement, payé le 17 novembre 2026, référence VIR-42, justificatif « avis.pdf ».");
    expect(describe("call.answered")).toBe("Promesse de paiement datée, note « Virement vendredi », par Claire Durand.");
  });

  it("names every state a message can be in", () => {
    const unnamed = outboundMessages.status.enumValues.filter((status) => messageStatusLabel(status) === "état inconnu");
    expect(unnamed).toEqual([]);
  });
});
