import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { seededDb, databaseEnv } from "../support/db";
import { FakeStripe, type FakeSession } from "../fakes/stripe-server";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { dryRun } from "~/services/shared/dry-run.server";
import * as landing from "~/routes/l.$token";
import * as payRoute from "~/routes/portal.pay._index";
import * as doneRoute from "~/routes/portal.pay.done";
import * as stripeRoute from "~/routes/webhooks.stripe";
import * as dashboard from "~/routes/backoffice._index";
import * as debtorFile from "~/routes/backoffice.debtors.$debtorId";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { DEMO_LOGIN } from "../../db/seed";
import { tick } from "../../jobs/tick";
import {
  checkoutSessions,
  devOutbox,
  installmentPlanInvoices,
  installmentPlans,
  installments,
  invoices,
  outboundMessageInvoices,
  outboundMessages,
  payments,
  refusedWebhooks,
  debtors,
  staffUsers,
  timelineEvents,
  webhookEvents,
} from "../../db/tables";
import { first, one, closeConnection, type Db } from "../../db/client";
import { args, outcome, staffCsrf } from "../support/routes";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const WEBHOOK_URL = `${BASE}/webhooks/stripe`;

let fake: FakeStripe;
let db: Db;
let cookie: string;
let debtorId: number;
let warnings: string[];

beforeEach(async () => {
  fake = new FakeStripe();
  fake.clock = () => new Date(NOW);
  const base = await fake.start();
  const seeded = await seededDb("2026-11-20");
  await closeConnection(seeded.db);
  const vars = { ...databaseEnv(seeded.path), TEST_FIXED_NOW: NOW, STRIPE_SECRET_KEY: "sk_test_fake", STRIPE_WEBHOOK_SECRET: fake.webhookSecret, STRIPE_API_BASE_URL: base };
  for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
  resetEnvCache();
  closeDb();
  db = getDb();
  warnings = [];
  vi.spyOn(console, "warn").mockImplementation((...parts: unknown[]) => void warnings.push(parts.map(String).join(" ")));
  // The morning pass sends Boulangerie Martin a pre-reminder about its two invoices due soon.
  await runJob();
  const email = first(
    await db
      .select()
      .from(devOutbox)
      .where(sql`${devOutbox.subject} like '%2 factures%'`),
  )!;
  const token = /\/l\/([\w.-]+)/.exec(email.text)![1]!;
  const response = (await outcome(() =>
    landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), params: { token }, context: {} }),
  )) as Response;
  cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
  debtorId = first(await db.select().from(outboundMessages).where(eq(outboundMessages.toAddress, email.toAddress)))!.debtorId;
});

afterEach(async () => {
  await fake.stop();
  closeDb();
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  resetEnvCache();
});

function runJob(at = NOW) {
  const d = getDb();
  return tick({ db: d, env: getEnv(), email: devOutboxEmailSender(d, () => new Date(at)), sms: devOutboxSmsSender(d), now: new Date(at) });
}

async function openInvoices() {
  return await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")))
    .orderBy(invoices.dueDate);
}

async function csrf(): Promise<string> {
  return (await payRoute.loader(args(new Request(`${BASE}/portal/pay`, { headers: { Cookie: cookie } })))).csrf;
}

/** Submits the pay form as a browser would (plus whatever a tamperer adds). */
async function pay(fields: [string, string][]): Promise<Response | { data: { errors: { form?: string; fields: Record<number, string> } }; init: ResponseInit }> {
  const body = new URLSearchParams([["csrf", await csrf()], ...fields]);
  const request = new Request(`${BASE}/portal/pay`, { method: "POST", headers: { Cookie: cookie, Origin: BASE }, body });
  return (await outcome(() => payRoute.action(args(request)))) as Response;
}

/** Pays through the portal and returns the session the fake Stripe created. */
async function checkout(fields: [string, string][]): Promise<FakeSession> {
  const response = (await pay(fields)) as Response;
  expect(response.status).toBe(303);
  const session = [...fake.sessions.values()].find((s) => s.url === response.headers.get("Location"));
  expect(session).toBeDefined();
  return session!;
}

async function deliver(event: unknown, tamper?: (body: string) => string) {
  const response = (await stripeRoute.action(args(fake.webhookRequest(WEBHOOK_URL, event, { tamper })))) as Response;
  return { status: response.status, body: (await response.json()) as { outcome?: string } };
}

const count = async (table: typeof payments | typeof webhookEvents | typeof timelineEvents) => first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(table))!.n;
const paymentRows = async () => await db.select().from(payments).where(eq(payments.provider, "stripe")).orderBy(payments.id);
const invoice = async (id: number) => first(await db.select().from(invoices).where(eq(invoices.id, id)))!;

describe("starting a card payment", () => {
  it("sends Stripe the amounts from the database, whatever the form claims, and answers 303 to Checkout", async () => {
    const [initial, second] = await openInvoices();
    const other = first(
      await db
        .select()
        .from(invoices)
        .where(and(sql`${invoices.debtorId} <> ${debtorId}`, eq(invoices.status, "open"))),
    )!;
    const response = (await pay([
      ["invoice", String(initial!.id)],
      ["invoice", String(second!.id)],
      ["invoice", String(other.id)],
      ["total", "1"],
      ["currency", "usd"],
      ["amount", "1"],
      [`amount-${other.id}`, "1"],
    ])) as Response;
    expect(response.status).toBe(303);
    const row = first(await db.select().from(checkoutSessions))!;
    expect(row).toMatchObject({ debtorId, currency: "EUR", totalCents: initial!.balanceCents + second!.balanceCents, status: "open" });
    expect(row.allocations).toEqual([
      { invoiceId: initial!.id, amountCents: initial!.balanceCents },
      { invoiceId: second!.id, amountCents: second!.balanceCents },
    ]);

    const [request] = fake.requests;
    expect(request).toMatchObject({ method: "POST", path: "/v1/checkout/sessions", idempotencyKey: `checkout:${row.id}` });
    expect(request!.params).toMatchObject({
      mode: "payment",
      client_reference_id: String(row.id),
      metadata: { checkout_id: String(row.id), debtor_id: String(debtorId) },
      payment_intent_data: { metadata: { checkout_id: String(row.id), debtor_id: String(debtorId) } },
      success_url: `${BASE}/portal/pay/done?checkout=${row.id}&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${BASE}/portal/pay?cancelled=${row.id}`,
      line_items: [
        { quantity: "1", price_data: { currency: "eur", unit_amount: String(initial!.balanceCents), product_data: { name: expect.stringContaining(initial!.number) } } },
        { quantity: "1", price_data: { currency: "eur", unit_amount: String(second!.balanceCents), product_data: { name: expect.stringContaining(second!.number) } } },
      ],
    });
    const session = fake.sessions.get(row.providerSessionId!)!;
    expect(response.headers.get("Location")).toBe(session.url);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });

  it("sends a double submission back to the same Checkout page", async () => {
    const [initial] = await openInvoices();
    const one = await checkout([["invoice", String(initial!.id)]]);
    const two = await checkout([["invoice", String(initial!.id)]]);
    expect(two.id).toBe(one.id);
    expect(await db.select().from(checkoutSessions)).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("refuses amounts above the balance or under 1 €, next to the field, and changes nothing", async () => {
    const [initial, second] = await openInvoices();
    const result = (await pay([
      ["invoice", String(initial!.id)],
      [`amount-${initial!.id}`, String(initial!.balanceCents / 100 + 1)],
      ["invoice", String(second!.id)],
      [`amount-${second!.id}`, "0,99"],
    ])) as { data: { errors: { fields: Record<number, string> } }; init: ResponseInit };
    expect(result.init.status).toBe(400);
    expect(result.data.errors.fields[initial!.id]).toMatch(/ne peut pas dépasser le reste à payer/);
    expect(result.data.errors.fields[second!.id]).toBe("Le montant doit être d'au moins 1 €.");
    expect(await db.select().from(checkoutSessions)).toHaveLength(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("says so when Stripe fails, and the next attempt reuses the same row and idempotency key", async () => {
    const [initial] = await openInvoices();
    fake.failNext(500);
    const failed = (await pay([["invoice", String(initial!.id)]])) as { data: { errors: { form?: string } }; init: ResponseInit };
    expect(failed.init.status).toBe(400);
    expect(failed.data.errors.form).toMatch(/Le service de paiement ne répond pas/);
    await checkout([["invoice", String(initial!.id)]]);
    const row = first(await db.select().from(checkoutSessions))!;
    expect(fake.requests.map((r) => r.idempotencyKey)).toEqual([`checkout:${row.id}`, `checkout:${row.id}`]);
    expect(await db.select().from(checkoutSessions)).toHaveLength(1);
  });
});

describe("the Stripe webhook", () => {
  it("refuses a body modified after signing, and stores nothing", async () => {
    const [initial] = await openInvoices();
    const session = fake.complete((await checkout([["invoice", String(initial!.id)]])).id);
    const event = fake.event("checkout.session.completed", session);
    const result = await deliver(event, (body) => body.replace(`"amount_total": ${session.amount_total}`, '"amount_total": 100'));
    expect(result.status).toBe(400);
    expect(await count(webhookEvents)).toBe(0);
    expect(await paymentRows()).toHaveLength(0);
    expect((await invoice(initial!.id)).balanceCents).toBe(initial!.balanceCents);
  });

  it("records a payment once when the same event comes three times, and the success page then says so", async () => {
    const [initial, second] = await openInvoices();
    const session = fake.complete(
      (
        await checkout([
          ["invoice", String(initial!.id)],
          ["invoice", String(second!.id)],
        ])
      ).id,
    );
    const row = first(await db.select().from(checkoutSessions))!;

    // Before the webhook the success page only says the payment is being confirmed (P3).
    const donePage = () => doneRoute.loader(args(new Request(`${BASE}/portal/pay/done?checkout=${row.id}&session_id=${session.id}`, { headers: { Cookie: cookie } })));
    expect((await donePage()).state).toBe("confirming");
    expect(await paymentRows()).toHaveLength(0);

    const event = fake.event("checkout.session.completed", session);
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push(await deliver(event));
    expect(outcomes.map((o) => [o.status, o.body.outcome])).toEqual([
      [200, "recorded"],
      [200, "duplicate"],
      [200, "duplicate"],
    ]);
    // Stripe may also send the same fact as another event: still recorded once.
    expect((await deliver(fake.event("checkout.session.async_payment_succeeded", session))).body.outcome).toBe("already_recorded");

    expect((await paymentRows()).map((p) => [p.invoiceId, p.amountCents, p.kind, p.providerRef])).toEqual([
      [initial!.id, initial!.balanceCents, "payment", session.payment_intent],
      [second!.id, second!.balanceCents, "payment", session.payment_intent],
    ]);
    for (const paid of [initial!, second!]) {
      expect(await invoice(paid.id)).toMatchObject({ status: "paid", balanceCents: 0, paidAt: new Date(NOW) });
    }
    const recorded = (await db.select().from(timelineEvents).where(eq(timelineEvents.type, "payment.recorded"))).filter(
      (e) => e.debtorId === debtorId && (e.data as { provider?: string }).provider === "stripe",
    );
    expect(recorded.map((e) => e.invoiceId).sort()).toEqual([initial!.id, second!.id].sort());
    expect(recorded.every((e) => e.actor === "debtor")).toBe(true);
    expect(first(await db.select().from(checkoutSessions))!.status).toBe("paid");
    const done = await donePage();
    expect(done.state).toBe("recorded");
    expect(done.lines.every((l) => l.leftLabel === null)).toBe(true);
  });

  it("records nothing when the amount or the currency differs from our checkout, answers 200 and leaves a trace for staff", async () => {
    const [initial] = await openInvoices();
    const created = await checkout([["invoice", String(initial!.id)]]);
    const session = fake.complete(created.id);
    for (const [index, change] of [{ amount_total: 100 }, { currency: "usd" }].entries()) {
      const result = await deliver(fake.event("checkout.session.completed", { ...session, ...change }, `evt_mismatch_${index}`));
      expect(result).toEqual({ status: 200, body: { received: true, outcome: "mismatch" } });
    }
    expect(await paymentRows()).toHaveLength(0);
    expect(await invoice(initial!.id)).toMatchObject({ status: "open", balanceCents: initial!.balanceCents });
    expect(await count(webhookEvents)).toBe(2);
    const traces = await db.select().from(timelineEvents).where(eq(timelineEvents.type, "payment.mismatch"));
    expect(traces.map((t) => (t.data as { reason: string }).reason)).toEqual([`amount 100 cents, expected ${initial!.balanceCents}`, "currency usd, expected EUR"]);
    expect(warnings.join("\n")).toMatch(/not recorded: amount 100 cents/);
    // The genuine event still records afterwards.
    expect((await deliver(fake.event("checkout.session.completed", session))).body.outcome).toBe("recorded");
  });

  it("stores unknown event types and answers 200", async () => {
    const result = await deliver(fake.event("customer.created", { id: "cus_1", object: "customer" }));
    expect(result).toEqual({ status: 200, body: { received: true, outcome: "ignored" } });
    expect(await count(webhookEvents)).toBe(1);
  });
});

describe("refunds and chargebacks", () => {
  async function paidCheckout() {
    const [initial, second] = await openInvoices();
    const session = fake.complete(
      (
        await checkout([
          ["invoice", String(initial!.id)],
          ["invoice", String(second!.id)],
        ])
      ).id,
    );
    return { initial: initial!, second: second!, session };
  }

  it("a refund after completion reopens the balance, the last invoice first; an older cumulative event changes nothing", async () => {
    const { initial, second, session } = await paidCheckout();
    await deliver(fake.event("checkout.session.completed", session));
    const partial = second.balanceCents + 1_000;
    expect((await deliver(fake.event("charge.refunded", fake.charge(session, partial)))).body.outcome).toBe("reversed");
    expect(await invoice(second.id)).toMatchObject({ status: "open", balanceCents: second.balanceCents, paidAt: null });
    expect(await invoice(initial.id)).toMatchObject({ status: "open", balanceCents: 1_000 });
    // The full refund, then a late copy of the partial one (a different event): the balance is whole, once.
    await deliver(fake.event("charge.refunded", fake.charge(session, session.amount_total)));
    await deliver(fake.event("charge.refunded", fake.charge(session, partial)));
    expect((await invoice(initial.id)).balanceCents).toBe(initial.balanceCents);
    const refunds = (await paymentRows()).filter((p) => p.kind === "refund");
    expect(refunds.reduce((sum, p) => sum + p.amountCents, 0)).toBe(-session.amount_total);
    expect(first(await db.select().from(checkoutSessions))!.status).toBe("refunded");
    expect((await db.select().from(timelineEvents).where(eq(timelineEvents.type, "payment.refunded"))).length).toBe(refunds.length);
  });

  it("a refund that arrives before the completion waits for it, then applies (out of order)", async () => {
    const { initial, second, session } = await paidCheckout();
    expect((await deliver(fake.event("charge.refunded", fake.charge(session, 2_000)))).body.outcome).toBe("deferred");
    expect(await paymentRows()).toHaveLength(0);
    expect((await invoice(second.id)).balanceCents).toBe(second.balanceCents);
    expect((await deliver(fake.event("checkout.session.completed", session))).body.outcome).toBe("recorded");
    expect((await paymentRows()).map((p) => [p.invoiceId, p.amountCents, p.kind])).toEqual([
      [initial.id, initial.balanceCents, "payment"],
      [second.id, second.balanceCents, "payment"],
      [second.id, -2_000, "refund"],
    ]);
    expect(await invoice(second.id)).toMatchObject({ status: "open", balanceCents: 2_000 });
    expect(await invoice(initial.id)).toMatchObject({ status: "paid", balanceCents: 0 });
    expect((await db.select().from(webhookEvents)).every((e) => e.processedAt !== null)).toBe(true);
  });

  it("a chargeback reopens the balance too, once", async () => {
    const { second, session } = await paidCheckout();
    await deliver(fake.event("checkout.session.completed", session));
    const dispute = fake.event("charge.dispute.created", fake.dispute(session, second.balanceCents));
    await deliver(dispute);
    await deliver(dispute);
    expect((await paymentRows()).filter((p) => p.kind === "chargeback").map((p) => [p.invoiceId, p.amountCents])).toEqual([[second.id, -second.balanceCents]]);
    expect(await invoice(second.id)).toMatchObject({ status: "open", balanceCents: second.balanceCents });
  });
});

describe("the end of a chargeback (charge.dispute.closed)", () => {
  async function chargedBack() {
    const [initial, second] = await openInvoices();
    const session = fake.complete(
      (
        await checkout([
          ["invoice", String(initial!.id)],
          ["invoice", String(second!.id)],
        ])
      ).id,
    );
    await deliver(fake.event("checkout.session.completed", session));
    return { first: initial!, second: second!, session };
  }
  const closed = (session: FakeSession, amount: number, status: "won" | "lost") => fake.event("charge.dispute.closed", { ...fake.dispute(session, amount), status });

  it("won: the money comes back once, the invoice is paid again and the next pass does not chase it", async () => {
    const { second, session } = await chargedBack();
    await deliver(fake.event("charge.dispute.created", fake.dispute(session, second.balanceCents)));
    expect(await invoice(second.id)).toMatchObject({ status: "open", balanceCents: second.balanceCents });
    const won = closed(session, second.balanceCents, "won");
    expect((await deliver(won)).body.outcome).toBe("recorded");
    await deliver(won);
    await deliver(closed(session, second.balanceCents, "won"));
    expect(await invoice(second.id)).toMatchObject({ status: "paid", balanceCents: 0 });
    expect((await paymentRows()).filter((p) => p.invoiceId === second.id).reduce((sum, p) => sum + p.amountCents, 0)).toBe(second.balanceCents);
    const stepsFor = async () =>
      await db
        .select({ id: outboundMessageInvoices.messageId, step: outboundMessageInvoices.step })
        .from(outboundMessageInvoices)
        .where(eq(outboundMessageInvoices.invoiceId, second.id));
    const before = new Set((await stepsFor()).map((m) => m.id));
    // A month later the invoice would be far overdue had the chargeback stood.
    await runJob("2026-12-21T09:00:00Z");
    expect((await stepsFor()).filter((m) => !before.has(m.id) && m.step !== "thank_you")).toEqual([]);
  });

  it("lost: the chargeback stands, the balance stays reopened, and staff see the outcome on the timeline", async () => {
    const { second, session } = await chargedBack();
    await deliver(fake.event("charge.dispute.created", fake.dispute(session, second.balanceCents)));
    expect((await deliver(closed(session, second.balanceCents, "lost"))).status).toBe(200);
    expect(await invoice(second.id)).toMatchObject({ status: "open", balanceCents: second.balanceCents });
    expect(await db.select().from(timelineEvents).where(eq(timelineEvents.type, "payment.chargeback_lost"))).toHaveLength(1);
  });

  it("whatever the order: closed (won) before created, or before the payment itself, ends with the invoice paid once", async () => {
    const [initial, second] = await openInvoices();
    const session = fake.complete(
      (
        await checkout([
          ["invoice", String(initial!.id)],
          ["invoice", String(second!.id)],
        ])
      ).id,
    );
    const created = fake.event("charge.dispute.created", fake.dispute(session, second!.balanceCents));
    expect((await deliver(closed(session, second!.balanceCents, "won"))).body.outcome).toBe("deferred");
    expect((await deliver(fake.event("checkout.session.completed", session))).body.outcome).toBe("recorded");
    await deliver(created);
    expect(await invoice(second!.id)).toMatchObject({ status: "paid", balanceCents: 0 });
    expect((await paymentRows()).filter((p) => p.kind === "chargeback")).toHaveLength(1);
    expect((await paymentRows()).filter((p) => p.invoiceId === second!.id).reduce((sum, p) => sum + p.amountCents, 0)).toBe(second!.balanceCents);
    expect((await db.select().from(webhookEvents)).every((e) => e.processedAt !== null)).toBe(true);
  });
});

describe("events Stripe's SDK would let through", () => {
  it("refuses a signature dated beyond the tolerance in the future, like a stale one, and stores nothing", async () => {
    const session = fake.complete((await checkout([["invoice", String((await openInvoices())[0]!.id)]])).id);
    const event = fake.event("checkout.session.completed", session);
    fake.clock = () => new Date(new Date(NOW).getTime() + 6 * 60_000);
    expect((await deliver(event)).status).toBe(400);
    fake.clock = () => new Date(new Date(NOW).getTime() - 6 * 60_000);
    expect((await deliver(event)).status).toBe(400);
    expect([await count(webhookEvents), (await paymentRows()).length]).toEqual([0, 0]);
    // Inside the tolerance (a clock 2 minutes ahead) it is recorded.
    fake.clock = () => new Date(new Date(NOW).getTime() + 2 * 60_000);
    expect((await deliver(event)).body.outcome).toBe("recorded");
  });

  it("refuses a live event on a test key (400), books nothing, and keeps it once for the creditor's dashboard", async () => {
    const session = fake.complete((await checkout([["invoice", String((await openInvoices())[0]!.id)]])).id);
    const live = { ...fake.event("checkout.session.completed", session), livemode: true };
    const initial = await deliver(live);
    expect(initial.status).toBe(400);
    expect((await deliver(live)).status).toBe(400);
    expect([await count(webhookEvents), (await paymentRows()).length]).toEqual([0, 0]);
    const refused = await db.select().from(refusedWebhooks);
    expect(refused).toMatchObject([
      { provider: "stripe", providerEventId: live.id, reason: "livemode_mismatch", creditorId: first(await db.select().from(debtors).where(eq(debtors.id, debtorId)))!.creditorId },
    ]);
    expect(warnings.join("\n")).toMatch(/livemode does not match/);
  });

  it("acknowledges an unknown event type, ignores it and keeps it once however often it comes", async () => {
    const unknown = fake.event("issuing_card.created", { id: "ic_1", object: "issuing.card" });
    for (let i = 0; i < 3; i++) expect((await deliver(unknown)).status).toBe(200);
    expect((await db.select().from(webhookEvents)).map((e) => e.type)).toEqual(["issuing_card.created"]);
    expect(await paymentRows()).toHaveLength(0);
  });
});

describe("what the cadence does after a payment", () => {
  it("a partial payment leaves the invoice open, confirms what remains, and the reminders go on for the rest", async () => {
    const [initial, second] = await openInvoices();
    const part = 5_000;
    const session = fake.complete(
      (
        await checkout([
          ["invoice", String(initial!.id)],
          [`amount-${initial!.id}`, "50"],
        ])
      ).id,
    );
    expect(session.amount_total).toBe(part);
    await deliver(fake.event("checkout.session.completed", session));
    expect(await invoice(initial!.id)).toMatchObject({ status: "open", balanceCents: initial!.balanceCents - part, paidAt: null });

    // The receipt says what is left, sent at once.
    const notice = first(
      await db
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.debtorId, debtorId), eq(outboundMessages.step, "notice"))),
    )!;
    // French amounts use narrow no-break spaces.
    const text = notice.bodyText!.replace(/[\u00a0\u202f]/g, " ");
    expect(text).toContain("Paiement reçu : 50,00 €");
    expect(text).toContain(`Facture ${initial!.number} : 50,00 € réglés, reste à payer`);
    expect(text).toMatch(/Reste à payer au total : .*Les relances continuent/);
    expect(notice.status).toBe("sent");

    // Both invoices still get chased in the coming weeks.
    const planned = (await dryRun(db, { from: "2026-11-21", to: "2026-12-31", debtorId })).filter((row) => row.what !== "thank_you");
    expect(planned.some((row) => row.invoices.includes(initial!.number))).toBe(true);
    expect(planned.some((row) => row.invoices.includes(second!.number))).toBe(true);
    expect(planned.some((row) => row.what === "thank_you")).toBe(false);
  });

  it("a full payment: the next pass plans the thank-you, no receipt doubles it, and no reminder follows for it", async () => {
    const [initial, second] = await openInvoices();
    const session = fake.complete((await checkout([["invoice", String(initial!.id)]])).id);
    await deliver(fake.event("checkout.session.completed", session));
    expect(
      await db
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.debtorId, debtorId), eq(outboundMessages.step, "notice"))),
    ).toHaveLength(0);

    const later = "2026-11-20T10:00:00Z";
    expect((await runJob(later)).claimed).toBeGreaterThan(0);
    const thanks = await db
      .select({ invoiceId: outboundMessageInvoices.invoiceId })
      .from(outboundMessages)
      .innerJoin(outboundMessageInvoices, eq(outboundMessageInvoices.messageId, outboundMessages.id))
      .where(and(eq(outboundMessages.debtorId, debtorId), eq(outboundMessages.step, "thank_you")));
    expect(thanks).toEqual([{ invoiceId: initial!.id }]);
    const planned = await dryRun(db, { from: "2026-11-21", to: "2027-01-31", debtorId });
    expect(planned.some((row) => row.invoices.includes(initial!.number))).toBe(false);
    expect(planned.some((row) => row.invoices.includes(second!.number))).toBe(true);
  });

  it("a payment on an invoice under an accepted plan pays its installments, oldest first", async () => {
    const [initial] = await openInvoices();
    const plan = one(await db.insert(installmentPlans).values({ debtorId, totalCents: initial!.balanceCents, currency: "EUR", status: "accepted" }).returning());
    await db.insert(installmentPlanInvoices).values({ planId: plan.id, invoiceId: initial!.id });
    const half = Math.floor(initial!.balanceCents / 2);
    await db.insert(installments).values([
      { planId: plan.id, position: 1, dueDate: "2026-12-01", amountCents: half },
      { planId: plan.id, position: 2, dueDate: "2027-01-01", amountCents: initial!.balanceCents - half },
    ]);
    const session = fake.complete(
      (
        await checkout([
          ["invoice", String(initial!.id)],
          [`amount-${initial!.id}`, String((half + 1_000) / 100)],
        ])
      ).id,
    );
    await deliver(fake.event("checkout.session.completed", session));
    const rows = await db.select().from(installments).where(eq(installments.planId, plan.id)).orderBy(installments.position);
    expect(rows.map((r) => [r.paidCents, r.status])).toEqual([
      [half, "paid"],
      [1_000, "scheduled"],
    ]);
  });
});

describe("a payment in progress is never duplicated", () => {
  it("a second checkout covering an invoice expires the first, at Stripe with a key from our row and in our table", async () => {
    const [initial, second] = await openInvoices();
    const one = await checkout([["invoice", String(initial!.id)]]);
    const two = await checkout([
      ["invoice", String(initial!.id)],
      ["invoice", String(second!.id)],
    ]);
    expect(two.id).not.toBe(one.id);
    const [oldRow, newRow] = await db.select().from(checkoutSessions).orderBy(checkoutSessions.id);
    expect(oldRow).toMatchObject({ providerSessionId: one.id, status: "expired" });
    expect(newRow).toMatchObject({ providerSessionId: two.id, status: "open" });
    const expire = fake.requests.find((r) => r.path === `/v1/checkout/sessions/${one.id}/expire`);
    expect(expire).toMatchObject({ method: "POST", idempotencyKey: `expire:${oldRow!.id}` });
    expect(fake.sessions.get(one.id)!.status).toBe("expired");
    // It was expired before the new page was created, so no moment exists with two payable pages.
    expect(fake.requests.indexOf(expire!)).toBeLessThan(fake.requests.findIndex((r) => r.params.client_reference_id === String(newRow!.id)));
  });

  it("money still arriving for a settled invoice is an overpayment: no balance or dashboard counts it, and staff refund it in one click", async () => {
    const staff = first(await db.select().from(staffUsers))!;
    await db
      .update(staffUsers)
      .set({ passwordHash: await hashPassword(DEMO_LOGIN.password) })
      .where(eq(staffUsers.id, staff.id));
    const staffCookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
    const [initial] = await openInvoices();
    const collected = async () =>
      ((await dashboard.loader(args(new Request(`${BASE}/backoffice`, { headers: { Cookie: staffCookie } })))) as { collectedThisMonth: string }).collectedThisMonth;
    const before = await collected();
    // Paid on a first page (say a tab left open, whose expiry Stripe could not apply), then on a second one.
    const one = await checkout([["invoice", String(initial!.id)]]);
    fake.failNext(500);
    const second = (await openInvoices())[1]!;
    const two = await checkout([
      ["invoice", String(initial!.id)],
      ["invoice", String(second.id)],
    ]);
    await deliver(fake.event("checkout.session.completed", fake.complete(two.id)));
    expect(await invoice(initial!.id)).toMatchObject({ status: "paid", balanceCents: 0 });
    const late = fake.complete(one.id);
    expect((await deliver(fake.event("checkout.session.completed", late))).body.outcome).toBe("recorded");
    expect(await invoice(initial!.id)).toMatchObject({ status: "paid", balanceCents: 0 });
    const over = (await paymentRows()).filter((p) => p.kind === "overpayment");
    expect(over).toEqual([expect.objectContaining({ invoiceId: initial!.id, amountCents: initial!.balanceCents, refundedAt: null })]);
    const euros = (label: string) => Math.round(Number(label.replace(/[^\d,]/g, "").replace(",", ".")) * 100);
    expect(euros(await collected()) - euros(before)).toBe(initial!.balanceCents + second.balanceCents);

    const file = (await debtorFile.loader(args(new Request(`${BASE}/backoffice/debtors/${debtorId}`, { headers: { Cookie: staffCookie } }), { debtorId: String(debtorId) }))) as {
      overpayments: { id: number; refundedAt: string | null }[];
    };
    expect(file.overpayments).toEqual([expect.objectContaining({ id: over[0]!.id, refundedAt: null })]);
    const click = () =>
      outcome(() =>
        debtorFile.action(
          args(
            new Request(`${BASE}/backoffice/debtors/${debtorId}`, {
              method: "POST",
              headers: { Cookie: staffCookie, Origin: BASE },
              body: new URLSearchParams({ csrf: staffCsrf(staffCookie), intent: "refund-overpayment", overpaymentId: String(over[0]!.id) }),
            }),
            { debtorId: String(debtorId) },
          ),
        ),
      );
    expect(((await click()) as Response).status).toBe(303);
    expect(((await click()) as Response).status).toBe(303);
    expect(fake.refunds).toEqual([expect.objectContaining({ amount: initial!.balanceCents, payment_intent: late.payment_intent })]);
    expect(fake.requests.filter((r) => r.path === "/v1/refunds").map((r) => r.idempotencyKey)).toEqual([`refund:${over[0]!.id}`]);
    // Stripe then reports the refund on that charge: the invoice, settled by the other payment, stays settled.
    await deliver(fake.event("charge.refunded", fake.charge(late, initial!.balanceCents)));
    expect(await invoice(initial!.id)).toMatchObject({ status: "paid", balanceCents: 0 });
    expect((await paymentRows()).filter((p) => p.kind === "refund")).toHaveLength(0);
    expect(euros(await collected()) - euros(before)).toBe(initial!.balanceCents + second.balanceCents);
  });
});
