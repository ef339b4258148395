import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { refusedWebhooks } from "../../db/tables";
import Stripe from "stripe";
import twilio from "twilio";
import { Webhook } from "standardwebhooks";
import { seededDb, databaseEnv } from "../support/db";
import { databaseDigest } from "../support/digest";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import * as stripeRoute from "~/routes/webhooks.stripe";
import * as resendRoute from "~/routes/webhooks.resend";
import * as twilioStatus from "~/routes/webhooks.twilio.status";
import * as twilioInbound from "~/routes/webhooks.twilio.inbound";

/**
 * What an attacker (or a misconfigured proxy) sends to the provider webhooks: no signature, a
 * signature for something else, an old timestamp, the wrong content type, a huge body. Each is
 * refused with its status and problem JSON, and the database is left exactly as it was.
 */
const BASE = "http://localhost:4310";
const NOW = new Date("2026-11-20T09:00:00Z");
const STRIPE_SECRET = "whsec_test_hostile_0123456789abcdef";
const RESEND_SECRET = `whsec_${Buffer.from("hostile-test-resend-webhook-secret-0123").toString("base64")}`;
const TWILIO_TOKEN = "hostile-twilio-auth-token-0123456789";
const HUGE = 2 * 1024 * 1024;

async function outcome(run: () => unknown): Promise<Response> {
  try {
    return (await run()) as Response;
  } catch (thrown) {
    return thrown as Response;
  }
}
const call = (route: { action: (a: never) => unknown }, path: string, body: BodyInit, headers: Record<string, string>, init: RequestInit = {}) =>
  outcome(() => route.action({ request: new Request(`${BASE}${path}`, { method: "POST", headers, body, ...init }), params: {}, context: {} } as never));

const event = JSON.stringify({
  id: "evt_hostile_1",
  object: "event",
  type: "checkout.session.completed",
  data: { object: { id: "cs_test_hostile", object: "checkout.session", amount_total: 1, currency: "eur", metadata: { checkoutId: "1" }, payment_status: "paid" } },
});
const stripeSig = (payload: string, options: { secret?: string; at?: Date } = {}) =>
  Stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? STRIPE_SECRET, timestamp: Math.floor((options.at ?? NOW).getTime() / 1000) });

/** A body streamed without Content-Length (chunked): the cap must hold while reading. */
function chunked(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  const vars = {
    ...databaseEnv(path),
    TEST_FIXED_NOW: NOW.toISOString(),
    STRIPE_SECRET_KEY: "sk_test_hostile",
    STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
    RESEND_WEBHOOK_SECRET: RESEND_SECRET,
    TWILIO_ACCOUNT_SID: `AC${"0123456789abcdef".repeat(2)}`,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWILIO_MESSAGING_SERVICE_SID: `MG${"fedcba9876543210".repeat(2)}`,
  };
  for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
  resetEnvCache();
  closeDb();
});
afterAll(() => {
  closeDb();
  vi.unstubAllEnvs();
  resetEnvCache();
});

async function expectRefused(response: () => Promise<Response>, status: number, detail?: RegExp) {
  const before = await databaseDigest(getDb(), { withRateLimits: true });
  const r = await response();
  expect(r.status).toBe(status);
  expect(r.headers.get("Content-Type")).toBe("application/problem+json");
  const body = (await r.json()) as { status: number; detail: string };
  expect(body.status).toBe(status);
  if (detail) expect(body.detail).toMatch(detail);
  expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
}

describe("Stripe webhook", () => {
  const json = { "Content-Type": "application/json" };
  it("refuses a missing signature, a wrong secret, a stale or future timestamp, and a body that is not the one signed", async () => {
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", event, json), 400, /Stripe-Signature/);
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", event, { ...json, "Stripe-Signature": stripeSig(event, { secret: "whsec_someone_else" }) }), 400);
    await expectRefused(
      () => call(stripeRoute, "/webhooks/stripe", event, { ...json, "Stripe-Signature": stripeSig(event, { at: new Date(NOW.getTime() - 10 * 60_000) }) }),
      400,
      /too old/,
    );
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", event, { ...json, "Stripe-Signature": "t=1,v1=" + "0".repeat(64) }), 400);
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", `${event} `, { ...json, "Stripe-Signature": stripeSig(event) }), 400);
  });

  it("refuses a genuine signature dated beyond the tolerance in the future (the SDK checks only age)", async () => {
    const ahead = stripeSig(event, { at: new Date(NOW.getTime() + 10 * 60_000) });
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", event, { ...json, "Stripe-Signature": ahead }), 400, /too far ahead/);
    const farAhead = stripeSig(event, { at: new Date(NOW.getTime() + 365 * 86_400_000) });
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", event, { ...json, "Stripe-Signature": farAhead }), 400);
  });

  it("refuses a live event on a test key, books nothing and keeps only a note for staff", async () => {
    const live = JSON.stringify({ ...JSON.parse(event), id: "evt_hostile_live", livemode: true });
    const withoutRefusals = async () => Object.entries(await databaseDigest(getDb(), { withRateLimits: true })).filter(([table]) => table !== "refused_webhooks");
    const before = await withoutRefusals();
    for (let i = 0; i < 2; i++) {
      const response = await call(stripeRoute, "/webhooks/stripe", live, { ...json, "Stripe-Signature": stripeSig(live) });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { title: string }).title).toBe("Wrong mode");
    }
    expect(await withoutRefusals()).toEqual(before);
    expect(await getDb().select({ id: refusedWebhooks.providerEventId }).from(refusedWebhooks)).toEqual([{ id: "evt_hostile_live" }]);
  });

  it("refuses a form-encoded or text body unless it is the exact signed JSON", async () => {
    const form = new URLSearchParams({ id: "evt_x", type: "checkout.session.completed" }).toString();
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", form, { "Content-Type": "application/x-www-form-urlencoded", "Stripe-Signature": stripeSig(event) }), 400);
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", "not json at all", { "Content-Type": "text/plain", "Stripe-Signature": stripeSig("not json at all") }), 400);
  });

  it("stores nothing for a signed body that is not a Stripe event", async () => {
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    for (const payload of ["{}", '{"id":"","type":"x","data":{"object":{}}}', '{"id":"evt_1","type":"x","data":null}']) {
      const response = await call(stripeRoute, "/webhooks/stripe", payload, { ...json, "Stripe-Signature": stripeSig(payload) });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ outcome: "ignored" });
    }
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });

  it("refuses a body over 1 MB, declared or streamed, with 413 before reading it all", async () => {
    const big = "a".repeat(HUGE);
    await expectRefused(
      () => call(stripeRoute, "/webhooks/stripe", big, { ...json, "Content-Length": String(HUGE), "Stripe-Signature": stripeSig(big) }),
      413,
      /larger than 1048576 bytes/,
    );
    await expectRefused(() => call(stripeRoute, "/webhooks/stripe", chunked(HUGE), { ...json, "Stripe-Signature": stripeSig("x") }, { duplex: "half" } as RequestInit), 413);
  });
});

describe("Resend webhook", () => {
  const signed = (body: string, at = NOW, secret = RESEND_SECRET) => ({
    "Content-Type": "application/json",
    "svix-id": "msg_hostile_1",
    "svix-timestamp": String(Math.floor(at.getTime() / 1000)),
    "svix-signature": new Webhook(secret).sign("msg_hostile_1", at, body),
  });
  const body = JSON.stringify({ type: "email.bounced", created_at: NOW.toISOString(), data: { email_id: "re_1", to: ["x@y.fr"], bounce: { type: "Permanent" } } });

  it("refuses missing Svix headers, a signature for another id, and a wrong content type carrying a form", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    try {
      await expectRefused(() => call(resendRoute, "/webhooks/resend", body, { "Content-Type": "application/json" }), 400, /svix-signature/);
      const headers = signed(body);
      await expectRefused(() => call(resendRoute, "/webhooks/resend", body, { ...headers, "svix-id": "msg_other" }), 400);
      await expectRefused(() => call(resendRoute, "/webhooks/resend", body, { ...headers, "svix-timestamp": String(Math.floor(NOW.getTime() / 1000) + 3600) }), 400);
      await expectRefused(
        () => call(resendRoute, "/webhooks/resend", new URLSearchParams({ type: "email.bounced" }).toString(), { ...headers, "Content-Type": "application/x-www-form-urlencoded" }),
        400,
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a genuine signature dated beyond the tolerance in the future", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
    try {
      await expectRefused(() => call(resendRoute, "/webhooks/resend", body, signed(body, new Date(NOW.getTime() + 10 * 60_000))), 400);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses a body over 1 MB with 413", async () => {
    const big = "b".repeat(HUGE);
    await expectRefused(() => call(resendRoute, "/webhooks/resend", big, { ...signed("x"), "Content-Length": String(HUGE) }), 413);
    await expectRefused(() => call(resendRoute, "/webhooks/resend", chunked(HUGE), signed("x"), { duplex: "half" } as RequestInit), 413);
  });
});

describe("Twilio webhooks", () => {
  const params = { MessageSid: "SM" + "0".repeat(32), MessageStatus: "delivered", From: "+33611111111", Body: "STOP" };
  const form = (p: Record<string, string>) => new URLSearchParams(p).toString();
  const formHeaders = { "Content-Type": "application/x-www-form-urlencoded" };

  it("refuses a missing signature, one computed for the internal host, and a JSON body, on both routes", async () => {
    for (const [route, path] of [
      [twilioStatus, "/webhooks/twilio/status"],
      [twilioInbound, "/webhooks/twilio/inbound"],
    ] as const) {
      await expectRefused(() => call(route, path, form(params), formHeaders), 403, /X-Twilio-Signature/);
      // Signed for the address the request reached (a proxy's internal host), not the public one (P11).
      const internal = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `http://10.0.0.5:3000${path}`, params);
      await expectRefused(() => call(route, path, form(params), { ...formHeaders, "X-Twilio-Signature": internal }), 403);
      const publicSig = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${BASE}${path}`, params);
      await expectRefused(() => call(route, path, JSON.stringify(params), { "Content-Type": "application/json", "X-Twilio-Signature": publicSig }), 403);
      // A parameter added after signing.
      await expectRefused(() => call(route, path, form({ ...params, OptOutType: "START" }), { ...formHeaders, "X-Twilio-Signature": publicSig }), 403);
    }
  });

  it("refuses a body over 1 MB with 413", async () => {
    const big = form({ ...params, Body: "c".repeat(HUGE) });
    await expectRefused(() => call(twilioInbound, "/webhooks/twilio/inbound", big, { ...formHeaders, "X-Twilio-Signature": "x" }), 413);
    await expectRefused(() => call(twilioStatus, "/webhooks/twilio/status", chunked(HUGE), { ...formHeaders, "X-Twilio-Signature": "x" }, { duplex: "half" } as RequestInit), 413);
  });
});
