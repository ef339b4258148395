import { data, redirect } from "@remix-run/node";
import type { OutboxDeps } from "../shared/outbox.server";
import { parseFields } from "../http/forms.server";
import { listQuery, matchesQuery, parseSort, sortRows } from "../../domain/work-list";
import { z } from "zod";
import { transaction, type Db } from "../../../db/client";
import { formatCalendarDate, localDate } from "../../domain/dates";
import { formatMoney } from "../../domain/money";
import { parseAmountToCents } from "../../domain/payments";
import { now } from "../../clock.server";
import { getEnv } from "../../env.server";
import { intlLocale } from "../../i18n/messages";
import { reviewDecisionMessages } from "../../i18n/review-decisions";
import { isPastDeadline, STAFF_DECISION_BUSINESS_DAYS } from "../../domain/pauses";
import {
  decidePlan,
  getFirstInstallment,
  getInvoiceById,
  getOpenDisputeById,
  getPendingClaimById,
  getPlanPendingReview,
  listCallbackRequests,
  listDocumentRequests,
  listOpenDisputes,
  listPendingClaims,
  listPlansToReview,
  listPromisesToWatch,
  resolveDispute,
  resolvePaymentClaim,
  resolvePaymentClaimedPause,
  setFoundedDisputeBalance,
} from "../../models/review-queue.server";
import { getDebtorOfCreditor } from "../../models/debtor-file.server";
import { appendTimeline } from "../../models/timeline.server";
import { requireSameOrigin } from "../http/http.server";
import { queueNotice, sendNoticeNow } from "../shared/notices.server";
import { recordInvoicePayment } from "../shared/payment-recording.server";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";
import { revokeLinksOfClosedInvoices } from "../shared/links.server";

type Tx = Db;
const LOCALE = "fr-FR";
const euros = (cents: number, currency = "EUR") => formatMoney({ cents, currency }, LOCALE);

const SORT_KEYS = ["client", "montant", "recu"] as const;
const LIST_PARAMS = ["q", "type", "tri", "ordre"];
const DECISION_KEY = /^(plan|dispute|claim)-\d+$/;
const filtersSchema = z.object({
  q: z.string().trim().max(100).catch(""),
  type: z.enum(["tous", "plan", "dispute", "claim"]).catch("tous"),
  ouvrir: z.string().regex(DECISION_KEY).optional().catch(undefined),
});

/**
 * Everything waiting for a person's decision: plans, disputes and payment claims as one list, the
 * oldest first (or sorted, filtered by kind and name), one opened in place with its decision forms;
 * below, what to watch (promises, documents asked for, call-backs).
 */
export async function loadReviewQueue(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const params = new URL(request.url).searchParams;
  const filters = filtersSchema.parse(Object.fromEntries(params));
  const sort = parseSort(params, SORT_KEYS, { key: "recu", direction: "asc" });
  const today = localDate(at, staff.creditorTimeZone);
  const time = new Intl.DateTimeFormat(LOCALE, { dateStyle: "short", timeStyle: "short", timeZone: staff.creditorTimeZone });
  const date = (d: string) => formatCalendarDate(d, LOCALE);
  // Disputes and claims are staff's to decide within a deadline (app/domain/pauses.ts); past it, they say so.
  const late = (since: Date) => isPastDeadline(localDate(since, staff.creditorTimeZone), today, STAFF_DECISION_BUSINESS_DAYS);
  const plans = await listPlansToReview(db, staff.creditorId);
  const disputes = await listOpenDisputes(db, staff.creditorId);
  const claims = await listPendingClaims(db, staff.creditorId);
  // One line per decision to take, whatever its kind, for the table staff work through.
  const allDecisions = [
    ...plans.map((p) => ({
      key: `plan-${p.plan.id}`,
      kind: "plan" as const,
      debtorId: p.debtorId,
      debtorName: p.debtorName,
      amountCents: p.plan.totalCents,
      amount: euros(p.plan.totalCents, p.plan.currency),
      invoices: p.invoiceNumbers.join(", "),
      receivedAtMs: p.plan.createdAt.getTime(),
      receivedAt: time.format(p.plan.createdAt),
      late: false,
    })),
    ...disputes.map((d) => ({
      key: `dispute-${d.dispute.id}`,
      kind: "dispute" as const,
      debtorId: d.dispute.debtorId,
      debtorName: d.debtorName,
      amountCents: d.balanceCents,
      amount: euros(d.balanceCents, d.currency),
      invoices: d.invoiceNumber,
      receivedAtMs: d.dispute.createdAt.getTime(),
      receivedAt: time.format(d.dispute.createdAt),
      late: late(d.dispute.createdAt),
    })),
    ...claims.map((c) => ({
      key: `claim-${c.claim.id}`,
      kind: "claim" as const,
      debtorId: c.claim.debtorId,
      debtorName: c.debtorName,
      amountCents: c.claim.amountCents,
      amount: euros(c.claim.amountCents, c.currency),
      invoices: c.invoiceNumber,
      receivedAtMs: c.claim.createdAt.getTime(),
      receivedAt: time.format(c.claim.createdAt),
      late: late(c.claim.createdAt),
    })),
  ];
  const shown = allDecisions.filter((d) => (filters.type === "tous" || d.kind === filters.type) && matchesQuery(filters.q, d.debtorName, d.invoices));
  const decisions = sortRows(shown, sort, { client: (d) => d.debtorName, montant: (d) => d.amountCents, recu: (d) => d.receivedAtMs });
  return {
    canDecide: staff.role !== "read_only",
    decisionDays: STAFF_DECISION_BUSINESS_DAYS,
    filters,
    sort,
    total: allDecisions.length,
    decisions: decisions.map((d, i) => ({ ...d, next: decisions[i + 1]?.key ?? null })),
    plans: plans.map((p) => ({
      id: p.plan.id,
      debtorId: p.debtorId,
      debtorName: p.debtorName,
      total: euros(p.plan.totalCents, p.plan.currency),
      invoices: p.invoiceNumbers.join(", "),
      proposedAt: time.format(p.plan.createdAt),
      risk: [p.segment === "high_risk" ? "client à risque" : null, p.brokenPromiseCount > 0 ? `${p.brokenPromiseCount} promesse(s) non tenue(s)` : null].filter(Boolean).join(", "),
      schedule: p.installments.map((i) => `${date(i.dueDate)} : ${euros(i.amountCents, p.plan.currency)}`),
    })),
    disputes: disputes.map((d) => ({
      id: d.dispute.id,
      debtorId: d.dispute.debtorId,
      debtorName: d.debtorName,
      invoiceNumber: d.invoiceNumber,
      balance: euros(d.balanceCents, d.currency),
      reason: d.dispute.reason,
      message: d.dispute.message,
      fileIds: d.fileIds ? d.fileIds.split(",").map(Number) : [],
      openedAt: time.format(d.dispute.createdAt),
      late: late(d.dispute.createdAt),
    })),
    claims: claims.map((c) => ({
      id: c.claim.id,
      debtorId: c.claim.debtorId,
      debtorName: c.debtorName,
      invoiceNumber: c.invoiceNumber,
      balance: euros(c.balanceCents, c.currency),
      amount: euros(c.claim.amountCents, c.currency),
      amountInput: (c.claim.amountCents / 100).toFixed(2).replace(".", ","),
      paidOn: date(c.claim.paidOn),
      method: c.claim.method,
      reference: c.claim.reference,
      hasProof: c.claim.proofPath !== null,
      late: late(c.claim.createdAt),
    })),
    promises: (await listPromisesToWatch(db, staff.creditorId, today, new Date(at.getTime() - 7 * 86_400_000))).map((p) => ({
      id: p.promise.id,
      debtorId: p.promise.debtorId,
      debtorName: p.debtorName,
      invoiceNumber: p.invoiceNumber,
      balance: euros(p.balanceCents, p.currency),
      date: date(p.promise.promisedDate),
      status: p.promise.status,
    })),
    callbacks: (await listCallbackRequests(db, staff.creditorId)).map((c) => ({
      id: c.pause.id,
      debtorId: c.pause.debtorId,
      debtorName: c.debtorName,
      slot: c.pause.callbackAt ? time.format(c.pause.callbackAt) : "—",
      note: c.pause.note,
    })),
    documents: (await listDocumentRequests(db, staff.creditorId)).map((d) => ({
      id: d.pause.id,
      debtorId: d.pause.debtorId,
      debtorName: d.debtorName,
      invoiceNumber: d.invoiceNumber,
      note: d.pause.note,
      requestedAt: time.format(d.pause.startsAt),
      until: d.pause.endsAt ? date(localDate(d.pause.endsAt, staff.creditorTimeZone)) : "—",
    })),
  };
}

const reason = z.string().trim().min(5, { error: "Expliquez en quelques mots : le client lira ce motif." }).max(1000, { error: "Le motif dépasse 1 000 caractères." });
const amount = z.string().transform((text, ctx) => {
  const cents = parseAmountToCents(text);
  if (cents === null || cents < 0) {
    ctx.addIssue({ code: "custom", message: "Saisissez un montant en euros, par exemple 150 ou 150,50." });
    return z.NEVER;
  }
  return cents;
});
const decisionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("plan-accept"), id: z.coerce.number().int().positive() }),
  z.object({ intent: z.literal("plan-reject"), id: z.coerce.number().int().positive(), reason }),
  z.object({ intent: z.literal("plan-counter"), id: z.coerce.number().int().positive(), reason }),
  z.object({
    intent: z.literal("dispute-founded"),
    id: z.coerce.number().int().positive(),
    resolution: z.enum(["cancelled", "credit_note", "corrected_amount"], { error: "Choisissez comment la contestation est réglée." }),
    amount: z.string().optional(),
  }),
  z.object({ intent: z.literal("dispute-unfounded"), id: z.coerce.number().int().positive(), reason }),
  z.object({ intent: z.literal("claim-confirm"), id: z.coerce.number().int().positive(), amount }),
  z.object({ intent: z.literal("claim-reject"), id: z.coerce.number().int().positive(), reason }),
]);

type Decision = z.infer<typeof decisionSchema>;
export type ReviewErrors = { key: string; fields: Record<string, string | undefined> };
type Staff = Awaited<ReturnType<typeof requireStaff>>;

/** A decision failed for a reason staff can fix: the message goes next to the field. */
class Refusal extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Applies one staff decision in one transaction: the item's new state (which the cadence reads at
 * its next pass), one timeline event, and a notice telling the debtor, sent once committed.
 */
export async function decideReviewItem(deps: OutboxDeps, request: Request) {
  const { db } = deps;
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas de décider.", { status: 403 });
  const form = await readStaffForm(request);
  const key = `${form.get("intent")}-${form.get("id")}`;
  const parsed = parseFields(decisionSchema, form);
  if (!parsed.ok) return data({ key, fields: parsed.errors } satisfies ReviewErrors, { status: 400 });
  let noticeId: number | null;
  try {
    noticeId = await transaction(db, async (tx) => apply(tx, staff, parsed.data, at));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    return data({ key, fields: { [error.field]: error.message } } satisfies ReviewErrors, { status: error.field === "id" ? 409 : 400 });
  }
  await sendNoticeNow(deps, noticeId);
  // Back to the same list with the next decision open.
  const next = String(form.get("next") ?? "");
  throw redirect(`/backoffice/review${listQuery(String(form.get("list") ?? ""), LIST_PARAMS, DECISION_KEY.test(next) ? next : null)}`, 303);
}

const gone = () => new Refusal("id", "Cet élément a déjà été traité ou n'existe pas.");

async function apply(tx: Tx, staff: Staff, decision: Decision, at: Date): Promise<number | null> {
  const env = getEnv();
  const notify = async (debtorId: number, noticeKey: string, title: string, lines: string[]) => queueNotice(tx, env, { debtorId, key: noticeKey, title, lines }, at);
  const log = async (debtorId: number, type: string, data: Record<string, unknown>, invoiceId: number | null = null) =>
    appendTimeline(tx, { creditorId: staff.creditorId, debtorId, invoiceId, type, actor: "staff", data: { ...data, staff: staff.name }, occurredAt: at });
  const debtorOf = async (debtorId: number) => {
    const debtor = await getDebtorOfCreditor(tx, staff.creditorId, debtorId);
    if (!debtor) throw gone();
    return { debtor, t: reviewDecisionMessages(debtor.locale), intl: intlLocale[debtor.locale] };
  };

  switch (decision.intent) {
    case "plan-accept":
    case "plan-reject":
    case "plan-counter": {
      const plan = await getPlanPendingReview(tx, decision.id);
      if (!plan) throw gone();
      const { t, intl } = await debtorOf(plan.debtorId);
      const status = decision.intent === "plan-accept" ? "accepted" : decision.intent === "plan-reject" ? "rejected" : "countered";
      const why = "reason" in decision ? decision.reason : null;
      await decidePlan(tx, plan.id, { status, decisionReason: why, decidedAt: at });
      await log(plan.debtorId, "plan.decided", { planId: plan.id, status, reason: why });
      if (status === "accepted") {
        const firstDue = await getFirstInstallment(tx, plan.id);
        return notify(plan.debtorId, `plan-${plan.id}-accepted`, t.planAccepted.title, t.planAccepted.lines(firstDue ? formatCalendarDate(firstDue.dueDate, intl) : "—"));
      }
      const copy = status === "rejected" ? t.planRejected : t.planCountered;
      return notify(plan.debtorId, `plan-${plan.id}-${status}`, copy.title, copy.lines(why!));
    }
    case "dispute-founded":
    case "dispute-unfounded": {
      const dispute = await getOpenDisputeById(tx, decision.id);
      if (!dispute) throw gone();
      const { t, intl } = await debtorOf(dispute.debtorId);
      const invoice = (await getInvoiceById(tx, dispute.invoiceId))!;
      const money = (cents: number) => formatMoney({ cents, currency: invoice.currency }, intl);
      if (decision.intent === "dispute-unfounded") {
        await resolveDispute(tx, dispute.id, { status: "unfounded", resolutionNote: decision.reason, resolvedAt: at });
        await log(dispute.debtorId, "dispute.resolved", { disputeId: dispute.id, status: "unfounded", reason: decision.reason }, invoice.id);
        return notify(dispute.debtorId, `dispute-${dispute.id}-resolved`, t.disputeUnfounded.title(invoice.number), t.disputeUnfounded.lines(decision.reason));
      }
      const left = foundedBalance(invoice.balanceCents, decision.resolution, decision.amount);
      await resolveDispute(tx, dispute.id, { status: "founded", resolution: decision.resolution, resolvedAt: at });
      // Nothing left to pay after a founded dispute is a cancelled debt, not a payment: no thank-you.
      await setFoundedDisputeBalance(tx, invoice.id, left);
      // Links sent only about this invoice have nothing left to act on.
      if (left === 0) await revokeLinksOfClosedInvoices(tx, dispute.debtorId, "invoice cancelled", at);
      await log(
        dispute.debtorId,
        "dispute.resolved",
        { disputeId: dispute.id, status: "founded", resolution: decision.resolution, balanceBefore: invoice.balanceCents, balanceAfter: left },
        invoice.id,
      );
      const line =
        decision.resolution === "cancelled" || left === 0
          ? t.disputeFounded.cancelled
          : decision.resolution === "credit_note"
            ? t.disputeFounded.creditNote(money(invoice.balanceCents - left), money(left))
            : t.disputeFounded.corrected(money(left));
      return notify(dispute.debtorId, `dispute-${dispute.id}-resolved`, t.disputeFounded.title(invoice.number), [line]);
    }
    case "claim-confirm":
    case "claim-reject": {
      const claim = await getPendingClaimById(tx, decision.id);
      if (!claim) throw gone();
      const { t, intl } = await debtorOf(claim.debtorId);
      const invoice = (await getInvoiceById(tx, claim.invoiceId))!;
      const money = (cents: number) => formatMoney({ cents, currency: invoice.currency }, intl);
      // The hold on this invoice ends either way: paid, or chased again.
      await resolvePaymentClaimedPause(tx, claim.debtorId, claim.invoiceId, at);
      if (decision.intent === "claim-reject") {
        await resolvePaymentClaim(tx, claim.id, "rejected", at);
        await log(claim.debtorId, "payment.claim_rejected", { claimId: claim.id, reason: decision.reason }, invoice.id);
        return notify(claim.debtorId, `claim-${claim.id}-resolved`, t.claimRejected.title(invoice.number), t.claimRejected.lines(decision.reason));
      }
      if (decision.amount <= 0 || decision.amount > invoice.balanceCents) {
        throw new Refusal("amount", `Le montant reçu doit être entre 0,01 € et le reste dû, ${euros(invoice.balanceCents, invoice.currency)}.`);
      }
      await resolvePaymentClaim(tx, claim.id, "confirmed", at);
      const recorded = await recordInvoicePayment(tx, {
        creditorId: staff.creditorId,
        debtorId: claim.debtorId,
        invoiceId: invoice.id,
        amountCents: decision.amount,
        currency: invoice.currency,
        method: claim.method,
        provider: "claim",
        providerRef: `claim-${claim.id}`,
        actor: "staff",
        data: { claimId: claim.id, paidOn: claim.paidOn, reference: claim.reference, staff: staff.name },
        at,
      });
      const leftCents = recorded?.leftCents ?? invoice.balanceCents;
      return notify(
        claim.debtorId,
        `claim-${claim.id}-resolved`,
        t.claimConfirmed.title(invoice.number),
        t.claimConfirmed.lines(money(decision.amount), leftCents > 0 ? money(leftCents) : null),
      );
    }
  }
}

/** The balance left after a founded dispute, or a refusal that says what is wrong with the amount. */
function foundedBalance(balanceCents: number, resolution: "cancelled" | "credit_note" | "corrected_amount", amountText: string | undefined): number {
  if (resolution === "cancelled") return 0;
  const cents = amountText ? parseAmountToCents(amountText) : null;
  if (cents === null) throw new Refusal("amount", "Saisissez le montant en euros, par exemple 150 ou 150,50.");
  if (resolution === "credit_note") {
    if (cents <= 0 || cents > balanceCents) throw new Refusal("amount", `L'avoir doit être entre 0,01 € et le reste dû, ${euros(balanceCents)}.`);
    return balanceCents - cents;
  }
  if (cents < 0 || cents >= balanceCents) throw new Refusal("amount", `Le montant corrigé doit être inférieur au reste dû, ${euros(balanceCents)}.`);
  return cents;
}
