import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, inArray } from "drizzle-orm";
import twilio from "twilio";
import { Webhook } from "standardwebhooks";
import { seededDb, databaseEnv } from "../support/db";
import { FakeStripe } from "../fakes/stripe-server";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import * as stripeRoute from "~/routes/webhooks.stripe";
import * as resendRoute from "~/routes/webhooks.resend";
import * as twilioStatusRoute from "~/routes/webhooks.twilio.status";
import * as twilioInboundRoute from "~/routes/webhooks.twilio.inbound";
import { tick } from "../../jobs/tick";
import { checkoutSessions, debtorContacts, invoices, outboundMessages, payments, timelineEvents, webhookEvents } from "../../db/tables";
import { first, one, closeConnection, type Db } from "../../db/client";
import { args } from "../support/routes";

/**
 * Every Stripe, Resend and Twilio event we handle, each delivered three times, shuffled, mixed with
 * forged signatures and stale timestamps, through the real routes: each effect happens once, the
 * inbox holds each event once, and the bad ones are refused with the status the route intends.
 */
const BASE = "http://localhost:4310";
const NOW = new Date("2026-11-27T10:00:00Z");
const RESEND_SECRET = `whsec_${Buffer.from("storm-test-resend-webhook-secret-0123456789").toString("base64")}`;
const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const AUTH_TOKEN = "test-twilio-auth-token-0123456789";
const SERVICE_SID = `MG${"fedcba9876543210".repeat(2)}`;

type Delivery = { label: string; expect: number; send: () => Promise<Response> };

function shuffle<T>(items: T[], seed = 42): T[] {
  let a = seed;
  const rand = () => (a = (Math.imul(a ^ (a >>> 15), 1 | a) + 0x6d2b79f5) >>> 0) / 4294967296;
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("webhook storms", () => {
  let db: Db;
  const stripe = new FakeStripe();
  stripe.clock = () => NOW;

  beforeAll(async () => {
    const seeded = await seededDb("2026-11-20");
    await closeConnection(seeded.db);
    const vars = {
      ...databaseEnv(seeded.path),
      TEST_FIXED_NOW: NOW.toISOString(),
      STRIPE_SECRET_KEY: "sk_test_fake",
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      RESEND_WEBHOOK_SECRET: RESEND_SECRET,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID,
    };
    for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
    resetEnvCache();
    closeDb();
    db = getDb();
    // First reminders by email, then a week later second reminders by email and SMS.
    for (const at of [new Date("2026-11-20T09:00:00Z"), new Date("2026-11-27T09:00:00Z")]) {
      await tick({ db, env: getEnv(), email: devOutboxEmailSender(db, () => at), sms: devOutboxSmsSender(db, () => at), now: at });
    }
  });

  afterAll(() => {
    closeDb();
    vi.unstubAllEnvs();
    resetEnvCache();
  });

  it("each effect happens once; forged and stale deliveries are refused and stored nowhere", { timeout: 60_000 }, async () => {
    const sent = await db.select().from(outboundMessages).where(eq(outboundMessages.status, "sent"));
    const emails = sent.filter((m) => m.channel === "email");
    const texts = sent.filter((m) => m.channel === "sms");
    expect(emails.length).toBeGreaterThanOrEqual(5);
    expect(texts.length).toBeGreaterThanOrEqual(3);

    // --- Stripe: three checkouts of ours, on three debtors' open invoices.
    const open = await db.select().from(invoices).where(eq(invoices.status, "open"));
    const byDebtor = [...new Map(open.map((i) => [i.debtorId, i])).values()].slice(0, 3);
    const checkouts = await Promise.all(
      byDebtor.map(async (invoice, n) =>
        one(
          await db
            .insert(checkoutSessions)
            .values({
              debtorId: invoice.debtorId,
              providerSessionId: `cs_test_storm${n}${"a".repeat(20)}`,
              currency: invoice.currency,
              totalCents: invoice.balanceCents,
              allocations: [{ invoiceId: invoice.id, amountCents: invoice.balanceCents }],
            })
            .returning(),
        ),
      ),
    );
    const [paid, later, expired] = checkouts as [(typeof checkouts)[0], (typeof checkouts)[0], (typeof checkouts)[0]];
    const session = (row: typeof paid, status: string, paymentStatus: string) => ({
      id: row.providerSessionId,
      object: "checkout.session",
      status,
      payment_status: paymentStatus,
      amount_total: row.totalCents,
      currency: row.currency.toLowerCase(),
      metadata: { checkout_id: String(row.id), debtor_id: String(row.debtorId) },
      payment_intent: `pi_storm_${row.id}`,
    });
    const stripeEvents = [
      stripe.event("checkout.session.completed", session(paid, "complete", "paid"), "evt_storm_completed"),
      stripe.event("checkout.session.async_payment_succeeded", session(later, "complete", "paid"), "evt_storm_async"),
      stripe.event("checkout.session.expired", session(expired, "expired", "unpaid"), "evt_storm_expired"),
      stripe.event(
        "charge.refunded",
        {
          id: `ch_storm_${paid.id}`,
          object: "charge",
          amount: paid.totalCents,
          amount_refunded: 1000,
          currency: "eur",
          payment_intent: `pi_storm_${paid.id}`,
          metadata: { checkout_id: String(paid.id), debtor_id: String(paid.debtorId) },
        },
        "evt_storm_refund",
      ),
      stripe.event(
        "charge.dispute.created",
        {
          id: `dp_storm_${later.id}`,
          object: "dispute",
          amount: 500,
          currency: "eur",
          charge: `ch_storm_${later.id}`,
          payment_intent: `pi_storm_${later.id}`,
          reason: "fraudulent",
          status: "needs_response",
        },
        "evt_storm_dispute",
      ),
    ];
    const stripeUrl = `${BASE}/webhooks/stripe`;
    const stripeDelivery =
      (event: unknown, options: { tamper?: (body: string) => string; at?: Date } = {}) =>
      () => {
        stripe.clock = () => options.at ?? NOW;
        const request = stripe.webhookRequest(stripeUrl, event, { tamper: options.tamper });
        stripe.clock = () => NOW;
        return stripeRoute.action(args(request)) as Promise<Response>;
      };

    // --- Resend: delivered, hard bounce, suppressed, complaint, and an open (stored, ignored).
    const [delivered, bounced, suppressed, complained] = emails as [(typeof emails)[0], (typeof emails)[0], (typeof emails)[0], (typeof emails)[0]];
    const emailData = (m: typeof delivered, extra: Record<string, unknown> = {}) => ({ email_id: m.providerMessageId, to: [m.toAddress], subject: m.subject, ...extra });
    const resendEvents: [string, { type: string; data: Record<string, unknown> }][] = [
      ["msg_storm_delivered", { type: "email.delivered", data: emailData(delivered) }],
      ["msg_storm_bounced", { type: "email.bounced", data: emailData(bounced, { bounce: { type: "Permanent", subType: "General", message: "No such user" } }) }],
      ["msg_storm_suppressed", { type: "email.suppressed", data: emailData(suppressed, { suppressed: { type: "OnAccountSuppressionList", message: "Suppressed" } }) }],
      ["msg_storm_complained", { type: "email.complained", data: emailData(complained) }],
      ["msg_storm_opened", { type: "email.opened", data: emailData(delivered) }],
    ];
    const resendDelivery =
      (id: string, event: { type: string; data: Record<string, unknown> }, options: { secret?: string; at?: Date } = {}) =>
      () => {
        const at = options.at ?? NOW;
        const body = JSON.stringify({ ...event, created_at: at.toISOString() });
        const headers = {
          "content-type": "application/json",
          "svix-id": id,
          "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
          "svix-signature": new Webhook(options.secret ?? RESEND_SECRET).sign(id, at, body),
        };
        return resendRoute.action(args(new Request(`${BASE}/webhooks/resend`, { method: "POST", headers, body }))) as Promise<Response>;
      };

    // --- Twilio: delivered, undelivered as unsubscribed (21610), failed; inbound STOP and START.
    const [smsDelivered, smsUnsubscribed, smsFailed] = texts as [(typeof texts)[0], (typeof texts)[0], (typeof texts)[0]];
    const status = (m: typeof smsDelivered, value: string, errorCode?: string) => ({
      MessageSid: m.providerMessageId!,
      MessageStatus: value,
      To: m.toAddress!,
      AccountSid: ACCOUNT_SID,
      ...(errorCode ? { ErrorCode: errorCode } : {}),
    });
    const phones = (await db.select().from(debtorContacts)).filter((c) => c.phone);
    const stopper = phones.find((c) => ![smsDelivered, smsUnsubscribed, smsFailed].some((m) => m.toAddress === c.phone))!;
    const starter = phones.find((c) => c.id !== stopper.id && c.phone !== stopper.phone && ![smsDelivered, smsUnsubscribed, smsFailed].some((m) => m.toAddress === c.phone))!;
    await db
      .update(debtorContacts)
      .set({ smsOptOutAt: new Date("2026-11-01T00:00:00Z") })
      .where(eq(debtorContacts.phone, starter.phone!));
    const inbound = (sid: string, from: string, body: string) => ({ MessageSid: sid, From: from, To: "+33700000000", Body: body, AccountSid: ACCOUNT_SID });
    const twilioEvents: ["status" | "inbound", Record<string, string>][] = [
      ["status", status(smsDelivered, "delivered")],
      ["status", status(smsUnsubscribed, "undelivered", "21610")],
      ["status", status(smsFailed, "failed", "30005")],
      ["inbound", inbound("SMstormstop000000000000000000000", stopper.phone!, "STOP")],
      ["inbound", inbound("SMstormstart00000000000000000000", starter.phone!, "START")],
    ];
    const twilioDelivery = (kind: "status" | "inbound", params: Record<string, string>, signature?: string) => () => {
      const path = kind === "status" ? "/webhooks/twilio/status" : "/webhooks/twilio/inbound";
      const signed = signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${BASE}${path}`, params);
      const request = new Request(`http://10.0.0.7:3000${path}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signed },
        body: new URLSearchParams(params),
      });
      return (kind === "status" ? twilioStatusRoute : twilioInboundRoute).action(args(request)) as Promise<Response>;
    };

    const stale = new Date(NOW.getTime() - 10 * 60_000);
    const good: Delivery[] = [
      ...stripeEvents.map((e) => ({ label: `stripe ${e.type}`, expect: 200, send: stripeDelivery(e) })),
      ...resendEvents.map(([id, e]) => ({ label: `resend ${e.type}`, expect: 200, send: resendDelivery(id, e) })),
      ...twilioEvents.map(([kind, p]) => ({ label: `twilio ${kind} ${p.MessageStatus ?? p.Body}`, expect: kind === "status" ? 204 : 200, send: twilioDelivery(kind, p) })),
    ];
    const otherSecret = `whsec_${Buffer.from("somebody-else-entirely-0123456789").toString("base64")}`;
    const bad: Delivery[] = [
      ...stripeEvents.map((e) => ({
        label: `stripe forged ${e.type}`,
        expect: 400,
        send: stripeDelivery({ ...e, id: `${e.id}_forged` }, { tamper: (body) => body.replace('"livemode": false', '"livemode": true') }),
      })),
      ...stripeEvents.map((e) => ({ label: `stripe stale ${e.type}`, expect: 400, send: stripeDelivery({ ...e, id: `${e.id}_stale` }, { at: stale }) })),
      ...resendEvents.map(([id, e]) => ({ label: `resend forged ${e.type}`, expect: 400, send: resendDelivery(`${id}_forged`, e, { secret: otherSecret }) })),
      ...resendEvents.map(([id, e]) => ({ label: `resend stale ${e.type}`, expect: 400, send: resendDelivery(`${id}_stale`, e, { at: stale }) })),
      ...twilioEvents.map(([kind, p]) => ({
        label: `twilio forged ${kind}`,
        expect: 403,
        send: twilioDelivery(kind, p, twilio.getExpectedTwilioSignature("another-auth-token-0123456789", `${BASE}/webhooks/twilio/${kind}`, p)),
      })),
    ];
    const storm = shuffle([...good, ...good, ...good, ...bad]);

    // Svix checks timestamps against the system clock: it stands at the storm's instant.
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    const answers: [string, number, number][] = [];
    try {
      for (const delivery of storm) answers.push([delivery.label, (await delivery.send()).status, delivery.expect]);
    } finally {
      vi.useRealTimers();
    }
    expect(answers.filter(([, got, want]) => got !== want)).toEqual([]);

    // The inbox holds each good event once, and nothing of the refused ones.
    const inbox = await db.select().from(webhookEvents);
    expect(
      inbox
        .filter((e) => e.provider === "stripe")
        .map((e) => e.providerEventId)
        .sort(),
    ).toEqual(stripeEvents.map((e) => e.id).sort());
    expect(
      inbox
        .filter((e) => e.provider === "resend")
        .map((e) => e.providerEventId)
        .sort(),
    ).toEqual(resendEvents.map(([id]) => id).sort());
    expect(inbox.filter((e) => e.provider === "twilio")).toHaveLength(twilioEvents.length);
    expect(inbox.every((e) => e.processedAt !== null)).toBe(true);

    // Payments: one card payment per paid checkout, the refund and the chargeback once each.
    const rowsOf = async (row: typeof paid) =>
      await db
        .select()
        .from(payments)
        .where(
          inArray(
            payments.invoiceId,
            row.allocations.map((a) => a.invoiceId),
          ),
        );
    expect((await rowsOf(paid)).map((p) => [p.kind, p.amountCents]).sort()).toEqual(
      [
        ["payment", paid.totalCents],
        ["refund", -1000],
      ].sort(),
    );
    expect((await rowsOf(later)).map((p) => [p.kind, p.amountCents]).sort()).toEqual(
      [
        ["chargeback", -500],
        ["payment", later.totalCents],
      ].sort(),
    );
    expect(await rowsOf(expired)).toEqual([]);
    const invoice = async (row: typeof paid) => first(await db.select().from(invoices).where(eq(invoices.id, row.allocations[0]!.invoiceId)))!;
    expect([(await invoice(paid)).balanceCents, (await invoice(paid)).status]).toEqual([1000, "open"]);
    expect([(await invoice(later)).balanceCents, (await invoice(later)).status]).toEqual([500, "open"]);
    expect((await db.select().from(checkoutSessions)).map((c) => c.status).sort()).toEqual(["expired", "paid", "paid"]);

    // Emails: delivered, bounced and suppressed once; addresses closed; a complaint once on the timeline.
    const message = async (m: typeof delivered) => first(await db.select().from(outboundMessages).where(eq(outboundMessages.id, m.id)))!;
    const contact = async (id: number | null) =>
      first(
        await db
          .select()
          .from(debtorContacts)
          .where(eq(debtorContacts.id, id ?? -1)),
      )!;
    expect((await message(delivered)).status).toBe("delivered");
    expect([(await message(bounced)).status, (await message(suppressed)).status]).toEqual(["failed", "failed"]);
    for (const m of [bounced, suppressed, complained]) expect((await contact(m.contactId)).emailUndeliverableAt).toEqual(NOW);
    const timeline = async (type: string) => await db.select().from(timelineEvents).where(eq(timelineEvents.type, type));
    expect(await timeline("message.bounced")).toHaveLength(1);
    expect(await timeline("message.suppressed")).toHaveLength(1);
    expect(await timeline("message.complained")).toHaveLength(1);
    expect(await timeline("payment.refunded")).toHaveLength(1);
    expect(await timeline("payment.charged_back")).toHaveLength(1);

    // SMS: statuses once, the unsubscribed number opted out; STOP and START once each.
    expect([(await message(smsDelivered)).status, (await message(smsUnsubscribed)).status, (await message(smsFailed)).status]).toEqual(["delivered", "failed", "failed"]);
    expect((await contact(smsUnsubscribed.contactId)).smsOptOutAt).toEqual(NOW);
    expect((await timeline("message.failed")).filter((e) => (e.data as { channel?: string }).channel === "sms")).toHaveLength(2);
    expect((await db.select().from(debtorContacts).where(eq(debtorContacts.phone, stopper.phone!))).every((c) => c.smsOptOutAt?.getTime() === NOW.getTime())).toBe(true);
    expect((await db.select().from(debtorContacts).where(eq(debtorContacts.phone, starter.phone!))).every((c) => c.smsOptOutAt === null)).toBe(true);
    expect((await timeline("contact.sms_opted_out")).length).toBe((await db.select().from(debtorContacts).where(eq(debtorContacts.phone, stopper.phone!))).length);
    expect((await timeline("contact.sms_opted_in")).length).toBe((await db.select().from(debtorContacts).where(eq(debtorContacts.phone, starter.phone!))).length);
    console.log(`webhook storm: ${storm.length} deliveries (${good.length} events × 3, ${bad.length} forged or stale), inbox ${inbox.length} events`);
  });
});
