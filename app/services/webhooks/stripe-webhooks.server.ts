import { z } from "zod";
import { transaction, type Db } from "../../../db/client";
import {
  claimPaidCheckout,
  expireOpenCheckout,
  getCheckout,
  getCheckoutByPaymentIntent,
  getCheckoutByProviderSession,
  setCheckoutStatus,
  type CheckoutRow,
} from "../../models/checkout-sessions.server";
import { wasInvoiceMessaged } from "../../models/chased-invoices.server";
import { getDebtorCreditor, listOpenInvoiceBalances } from "../../models/portal.server";
import {
  getInvoice,
  insertReversal,
  listChargebacks,
  listReversedByInvoice,
  setReversedBalance,
  sumRefundedOnCharge,
  sumRefundedOverpaymentCents,
  sumReversedCents,
} from "../../models/stripe-payments.server";
import { listWaitingWebhookEvents, markWebhookEventProcessed, recordRefusedStripeEvent, storeWebhookEvent } from "../../models/webhook-events.server";
import { checkoutMismatch, distributeReversal, type Allocation } from "../../domain/payments";
import { formatMoney, totalsByCurrency } from "../../domain/money";
import { verifyStripeEvent } from "../../integrations/payments.server";
import { intlLocale } from "../../i18n/messages";
import { payMessages } from "../../i18n/portal-pay";
import { appendTimeline } from "../../models/timeline.server";
import { queueNotice } from "../shared/notices.server";
import { moveInstallments, recordInvoicePayment } from "../shared/payment-recording.server";

type Tx = Db;

export type StripeEventOutcome = "recorded" | "duplicate" | "already_recorded" | "mismatch" | "deferred" | "reversed" | "ignored";
export type StripeEventResult = { outcome: StripeEventOutcome; reason?: string; noticeIds: number[] };

/** The shape of what we read from Stripe's events (P2: parse at the boundary, ignore the rest). */
const eventSchema = z.looseObject({ id: z.string().min(1), type: z.string().min(1), livemode: z.boolean().optional(), data: z.looseObject({ object: z.looseObject({}) }) });
const metadataSchema = z
  .record(z.string(), z.string())
  .nullish()
  .transform((m) => m ?? {});
const idOf = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === "string" ? v : v.id));
const sessionSchema = z.looseObject({
  id: z.string(),
  amount_total: z
    .number()
    .int()
    .nullish()
    .transform((v) => v ?? null),
  currency: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  metadata: metadataSchema,
  payment_intent: idOf,
  payment_status: z.string().nullish(),
});
const chargeSchema = z.looseObject({ id: z.string(), payment_intent: idOf, amount_refunded: z.number().int(), currency: z.string(), metadata: metadataSchema });
const disputeSchema = z.looseObject({ id: z.string(), charge: idOf, payment_intent: idOf, amount: z.number().int(), currency: z.string(), status: z.string().nullish() });

/** Events about a payment that wait in the inbox when they arrive before it (P2). */
const REVERSALS = ["charge.refunded", "charge.dispute.created", "charge.dispute.closed"] as const;

export type StripeWebhookDeps = { db: Db; env: Parameters<typeof queueNotice>[1]; now: Date };

/**
 * P1: verify the raw body, then record. "invalid" when the signature does not hold; "wrong_mode"
 * when a test event reaches a live key or the reverse (a misconfigured endpoint): never booked,
 * kept once for staff.
 */
export async function handleStripeWebhook(
  deps: StripeWebhookDeps,
  keys: { webhookSecret: string; liveKey: boolean },
  rawBody: string,
  signature: string | null,
): Promise<StripeEventResult | "invalid" | "wrong_mode"> {
  const event = verifyStripeEvent(rawBody, signature, keys.webhookSecret, deps.now);
  if (!event) return "invalid";
  // Every real event says its mode; a signed body that is not an event is ignored further on.
  if (typeof event.livemode === "boolean" && event.livemode !== keys.liveKey) {
    await refuseWrongMode(deps, event);
    return "wrong_mode";
  }
  return recordStripeEvent(deps, event, rawBody);
}

async function refuseWrongMode({ db, now }: StripeWebhookDeps, event: { id: string; type: string; data: { object: unknown } }) {
  const metadata = metadataSchema.catch({}).parse((event.data.object as { metadata?: unknown } | null)?.metadata);
  const debtorId = Number(metadata.debtor_id);
  const creditorId = Number.isSafeInteger(debtorId) ? ((await getDebtorCreditor(db, debtorId))?.creditorId ?? null) : null;
  await recordRefusedStripeEvent(db, { providerEventId: event.id, type: event.type, reason: "livemode_mismatch", creditorId, receivedAt: now });
  console.warn(`stripe event ${event.id} (${event.type}) refused: its livemode does not match STRIPE_SECRET_KEY`);
}

/**
 * R12, P2, P3: the event goes into the inbox (unique id: a redelivery is a no-op) and its effects
 * happen in the same IMMEDIATE transaction (R3, R8), so the job's claim and a payment serialise.
 * Called by the webhook route and by the development checkout with a Stripe-shaped event.
 */
export async function recordStripeEvent(deps: StripeWebhookDeps, event: unknown, rawPayload: string): Promise<StripeEventResult> {
  const { db, now } = deps;
  const parsed = eventSchema.safeParse(event);
  const eventId = parsed.success ? parsed.data.id : null;
  if (!parsed.success || !eventId) return { outcome: "ignored", reason: "not a Stripe event", noticeIds: [] };
  const result = await transaction(db, async (tx) => {
    const stored = await storeWebhookEvent(tx, { provider: "stripe", providerEventId: eventId, type: parsed.data.type, payload: rawPayload, receivedAt: now });
    if (!stored) return { outcome: "duplicate" as const, noticeIds: [] };
    const outcome = await applyEvent(tx, deps, parsed.data.type, parsed.data.data.object, eventId);
    // A reversal for a payment not recorded yet waits in the inbox (processed_at null) for it.
    if (outcome.outcome !== "deferred") await markProcessed(tx, eventId, now);
    return outcome;
  });
  if (result.outcome === "mismatch" || (result.outcome === "deferred" && result.reason)) {
    console.warn(`stripe event ${eventId} (${parsed.data.type}) not recorded: ${result.reason}`);
  }
  return result;
}

async function refundedOverpaymentCents(tx: Tx, paymentIntentId: string | null): Promise<number> {
  if (!paymentIntentId) return 0;
  return await sumRefundedOverpaymentCents(tx, paymentIntentId);
}

async function markProcessed(tx: Tx, eventId: string, now: Date) {
  await markWebhookEventProcessed(tx, "stripe", eventId, now);
}

async function applyEvent(tx: Tx, deps: StripeWebhookDeps, type: string, object: Record<string, unknown>, eventId: string): Promise<StripeEventResult> {
  switch (type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return fulfil(tx, deps, object, eventId);
    case "checkout.session.expired": {
      const session = sessionSchema.safeParse(object);
      if (session.success) {
        const row = await findCheckout(tx, session.data.metadata, session.data.id);
        if (row) await expireOpenCheckout(tx, row.id);
      }
      return { outcome: "ignored", noticeIds: [] };
    }
    case "charge.refunded":
    case "charge.dispute.created":
    case "charge.dispute.closed":
      return applyReversal(tx, deps.now, type, object);
    default:
      // Stored for the record; nothing to do (R12).
      return { outcome: "ignored", noticeIds: [] };
  }
}

async function findCheckout(tx: Tx, metadata: Record<string, string>, sessionId: string | null, paymentIntentId?: string | null): Promise<CheckoutRow | undefined> {
  const id = Number(metadata.checkout_id);
  if (Number.isSafeInteger(id) && id > 0) {
    const row = await getCheckout(tx, id);
    if (row) return row;
  }
  if (sessionId) {
    const row = await getCheckoutByProviderSession(tx, sessionId);
    if (row) return row;
  }
  return paymentIntentId ? await getCheckoutByPaymentIntent(tx, paymentIntentId) : undefined;
}

async function creditorOf(tx: Tx, debtorId: number) {
  return (await getDebtorCreditor(tx, debtorId))!;
}

/** P3, P4: once per checkout, whatever the number and order of deliveries, and only if it matches our row. */
async function fulfil(tx: Tx, deps: StripeWebhookDeps, object: Record<string, unknown>, eventId: string): Promise<StripeEventResult> {
  const parsed = sessionSchema.safeParse(object);
  if (!parsed.success) return { outcome: "mismatch", reason: "the checkout session in the event could not be read", noticeIds: [] };
  const session = parsed.data;
  const row = await findCheckout(tx, session.metadata, session.id);
  if (!row) return { outcome: "mismatch", reason: `no checkout of ours for session ${session.id}`, noticeIds: [] };
  const { creditorId, locale } = await creditorOf(tx, row.debtorId);
  const reason = checkoutMismatch(
    { checkoutId: row.id, debtorId: row.debtorId, totalCents: row.totalCents, currency: row.currency, providerSessionId: row.providerSessionId },
    { sessionId: session.id, amountTotal: session.amount_total, currency: session.currency, metadata: session.metadata },
  );
  if (reason) {
    // Staff see it on the debtor's timeline; Stripe gets a 200 so it does not retry forever.
    await appendTimeline(tx, {
      creditorId,
      debtorId: row.debtorId,
      type: "payment.mismatch",
      actor: "provider",
      data: { checkoutId: row.id, sessionId: session.id, eventId, reason },
      occurredAt: deps.now,
    });
    return { outcome: "mismatch", reason, noticeIds: [] };
  }
  // Delayed methods complete "unpaid" and succeed later (async_payment_succeeded).
  if (session.payment_status !== "paid" && session.payment_status !== "no_payment_required") return { outcome: "ignored", reason: "payment not settled yet", noticeIds: [] };

  const paymentIntentId = session.payment_intent;
  const claimed = await claimPaidCheckout(tx, row.id, { paymentIntentId, completedAt: deps.now, providerSessionId: row.providerSessionId ?? session.id });
  if (!claimed) return { outcome: "already_recorded", noticeIds: [] };

  const providerRef = paymentIntentId ?? session.id;
  const settled: { number: string; paidCents: number; leftCents: number; chased: boolean }[] = [];
  for (const allocation of row.allocations) {
    const recorded = await recordInvoicePayment(tx, {
      creditorId,
      debtorId: row.debtorId,
      invoiceId: allocation.invoiceId,
      amountCents: allocation.amountCents,
      currency: row.currency,
      method: "card",
      provider: "stripe",
      providerRef,
      actor: "debtor",
      data: { checkoutId: row.id, paymentIntentId: providerRef },
      at: deps.now,
    });
    // Only what lowered a balance is confirmed to the debtor; an overpayment waits for staff's refund.
    if (!recorded || recorded.overpaidCents === allocation.amountCents) continue;
    settled.push({
      number: recorded.number,
      paidCents: allocation.amountCents - recorded.overpaidCents,
      leftCents: recorded.leftCents,
      chased: await wasChased(tx, allocation.invoiceId),
    });
  }

  // P2: refunds or disputes that arrived before this completion were kept for it.
  const pending = await listWaitingWebhookEvents(tx, "stripe", [...REVERSALS]);
  for (const stored of pending) {
    const payload = eventSchema.safeParse(JSON.parse(stored.payload));
    if (!payload.success) continue;
    const outcome = await applyReversal(tx, deps.now, stored.type, payload.data.data.object);
    if (outcome.outcome !== "deferred") await markProcessed(tx, stored.providerEventId, deps.now);
  }

  const noticeId = await confirmPayment(tx, deps, row, locale, settled);
  return { outcome: "recorded", noticeIds: noticeId === null ? [] : [noticeId] };
}

const CHASING_STEPS = ["pre_reminder", "first_reminder", "second_reminder", "formal_notice", "broken_promise", "follow_up"];

/** The cadence thanks only invoices it chased (app/domain/cadence.ts, thankYou): the same test here. */
async function wasChased(tx: Tx, invoiceId: number): Promise<boolean> {
  return await wasInvoiceMessaged(tx, invoiceId, CHASING_STEPS);
}

/**
 * The receipt. A payment that settles chased invoices in full gets the cadence's thank-you at the
 * next pass (within minutes): sending a notice too would thank twice. So the notice goes when
 * something is left to pay on an invoice of this payment (the cadence goes on chasing it and says
 * nothing of the payment), or when an invoice settled here was never chased (no thank-you comes).
 */
async function confirmPayment(
  tx: Tx,
  deps: StripeWebhookDeps,
  row: CheckoutRow,
  locale: "fr" | "en",
  settled: { number: string; paidCents: number; leftCents: number; chased: boolean }[],
): Promise<number | null> {
  if (settled.length === 0 || settled.every((s) => s.leftCents === 0 && s.chased)) return null;
  const intl = intlLocale[locale];
  const t = payMessages(locale).notice;
  const money = (cents: number) => formatMoney({ cents, currency: row.currency }, intl);
  const open = await listOpenInvoiceBalances(tx, row.debtorId);
  const remaining = totalsByCurrency(open.filter((i) => i.cents > 0)).map((m) => formatMoney(m, intl));
  return queueNotice(
    tx,
    deps.env,
    {
      debtorId: row.debtorId,
      key: `payment-checkout-${row.id}`,
      title: t.title(money(settled.reduce((sum, s) => sum + s.paidCents, 0))),
      lines: [
        ...settled.map((s) => t.line(s.number, money(s.paidCents), s.leftCents > 0 ? money(s.leftCents) : null)),
        remaining.length ? t.remaining(remaining.join(" + ")) : t.settled,
      ],
    },
    deps.now,
  );
}

/**
 * P10: a refund or a chargeback takes money back, so the balance reopens and the cadence sees it at
 * its next pass. Refund events carry the charge's cumulative amount refunded: only the part not yet
 * recorded is applied, so an older event arriving late changes nothing (monotonic, P2).
 */
async function reverse(tx: Tx, now: Date, type: string, object: Record<string, unknown>): Promise<StripeEventResult> {
  let checkout: CheckoutRow | undefined;
  let kind: "refund" | "chargeback";
  let providerRef: string;
  let amountCents: number;
  let alreadyOnThisRef = 0;
  if (type === "charge.refunded") {
    const charge = chargeSchema.safeParse(object);
    if (!charge.success) return { outcome: "ignored", reason: "unreadable charge", noticeIds: [] };
    checkout = await findCheckout(tx, charge.data.metadata, null, charge.data.payment_intent);
    kind = "refund";
    providerRef = `${charge.data.id}:${charge.data.amount_refunded}`;
    amountCents = charge.data.amount_refunded;
    if (checkout) {
      alreadyOnThisRef = await sumRefundedOnCharge(tx, charge.data.id);
    }
  } else {
    const dispute = disputeSchema.safeParse(object);
    if (!dispute.success) return { outcome: "ignored", reason: "unreadable dispute", noticeIds: [] };
    checkout = await findCheckout(tx, {}, null, dispute.data.payment_intent);
    kind = "chargeback";
    providerRef = dispute.data.id;
    amountCents = dispute.data.amount;
  }
  if (!checkout || (checkout.status !== "paid" && checkout.status !== "refunded")) return { outcome: "deferred", noticeIds: [] };
  // Overpayments staff gave back are in the charge's cumulative refund too, but never reached a balance.
  if (kind === "refund") alreadyOnThisRef += await refundedOverpaymentCents(tx, checkout.paymentIntentId);

  const delta = amountCents - alreadyOnThisRef;
  if (delta <= 0) return { outcome: "ignored", noticeIds: [] };
  const invoiceIds = checkout.allocations.map((a) => a.invoiceId);
  const reversedRows = await listReversedByInvoice(tx, invoiceIds, providerRef);
  const already = new Map(reversedRows.map((r) => [r.invoiceId, r.cents]));
  const parts: Allocation[] = distributeReversal(checkout.allocations, already, delta);
  const { creditorId } = await creditorOf(tx, checkout.debtorId);
  for (const part of parts) {
    const inserted = await insertReversal(tx, { invoiceId: part.invoiceId, amountCents: part.amountCents, currency: checkout.currency, providerRef, kind, receivedAt: now });
    if (!inserted) continue;
    const invoice = (await getInvoice(tx, part.invoiceId))!;
    const balanceCents = Math.min(invoice.amountCents, invoice.balanceCents + part.amountCents);
    await setReversedBalance(tx, invoice.id, balanceCents, invoice.status === "paid");
    await appendTimeline(tx, {
      creditorId,
      debtorId: checkout.debtorId,
      invoiceId: invoice.id,
      type: kind === "refund" ? "payment.refunded" : "payment.charged_back",
      actor: "provider",
      data: { provider: "stripe", checkoutId: checkout.id, providerRef, amountCents: part.amountCents, currency: checkout.currency, balanceCents },
      occurredAt: now,
    });
    await moveInstallments(tx, invoice.id, -part.amountCents);
  }
  const totalReversed = await sumReversedCents(tx, invoiceIds);
  if (totalReversed >= checkout.totalCents) await setCheckoutStatus(tx, checkout.id, "refunded");
  return { outcome: "reversed", noticeIds: [] };
}

async function applyReversal(tx: Tx, now: Date, type: string, object: Record<string, unknown>): Promise<StripeEventResult> {
  return type === "charge.dispute.closed" ? await closeDispute(tx, now, object) : await reverse(tx, now, type, object);
}

/**
 * P10: a chargeback's end. Won, the money comes back: the balance is what it was before the
 * chargeback (paid invoices close again, so the cadence stops chasing them). Lost, the chargeback
 * stands. Whichever comes first, "created" or "closed", the chargeback is applied once (its rows are
 * keyed by the dispute id) and the reinstatement once (keyed by the dispute id and "won").
 */
async function closeDispute(tx: Tx, now: Date, object: Record<string, unknown>): Promise<StripeEventResult> {
  const dispute = disputeSchema.safeParse(object);
  if (!dispute.success) return { outcome: "ignored", reason: "unreadable dispute", noticeIds: [] };
  const opened = await reverse(tx, now, "charge.dispute.created", object);
  if (opened.outcome === "deferred") return opened;
  const checkout = (await findCheckout(tx, {}, null, dispute.data.payment_intent))!;
  const { creditorId } = await creditorOf(tx, checkout.debtorId);
  const status = dispute.data.status;
  if (status !== "won") {
    if (status === "lost") {
      await appendTimeline(tx, {
        creditorId,
        debtorId: checkout.debtorId,
        type: "payment.chargeback_lost",
        actor: "provider",
        data: { provider: "stripe", checkoutId: checkout.id, disputeId: dispute.data.id },
        occurredAt: now,
      });
    }
    return { outcome: "ignored", reason: status === "lost" ? undefined : `dispute closed as ${status ?? "unknown"}`, noticeIds: [] };
  }
  const chargedBack = await listChargebacks(tx, dispute.data.id);
  let reinstated = false;
  for (const row of chargedBack) {
    const recorded = await recordInvoicePayment(tx, {
      creditorId,
      debtorId: checkout.debtorId,
      invoiceId: row.invoiceId,
      amountCents: -row.cents,
      currency: checkout.currency,
      method: "card",
      provider: "stripe",
      providerRef: `${dispute.data.id}:won`,
      actor: "provider",
      data: { checkoutId: checkout.id, disputeId: dispute.data.id, chargebackWon: true },
      at: now,
    });
    reinstated ||= recorded !== null;
  }
  if (reinstated && checkout.status === "refunded") await setCheckoutStatus(tx, checkout.id, "paid");
  return { outcome: reinstated ? "recorded" : "ignored", noticeIds: [] };
}
