import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import twilio from "twilio";
import { seededDb, databaseEnv } from "../support/db";
import { testEnv } from "../support/env";
import { FakeTwilio } from "../fakes/twilio-server";
import { parseEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { twilioSmsSender, type SmsSender } from "~/integrations/sms.server";
import { gsm7Length } from "~/domain/sms-text";
import * as statusRoute from "~/routes/webhooks.twilio.status";
import * as inboundRoute from "~/routes/webhooks.twilio.inbound";
import { tick } from "../../jobs/tick";
import { debtorContacts, outboundMessages, timelineEvents, webhookEvents } from "../../db/tables";
import { first, closeConnection, type Db } from "../../db/client";

const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const AUTH_TOKEN = "test-twilio-auth-token-0123456789";
const SERVICE_SID = `MG${"fedcba9876543210".repeat(2)}`;
const twilioVars = { TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID };
const env = parseEnv(testEnv({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "relance-files-")), ...twilioVars }));

// The first pass sends first reminders by email; the second reminder goes by SMS a week later.
const FIRST = new Date("2026-11-20T09:00:00Z");
const SECOND = new Date("2026-11-27T09:00:00Z");
const plus = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

let fake: FakeTwilio;
let sms: SmsSender;
let db: Db;

beforeEach(async () => {
  fake = new FakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
  sms = twilioSmsSender({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, messagingServiceSid: SERVICE_SID, apiBaseUrl: await fake.start() });
  // The routes open the database through getDb(): point it at this test's seeded file.
  const seeded = await seededDb("2026-11-20");
  await closeConnection(seeded.db);
  for (const [key, value] of Object.entries({ ...twilioVars, ...databaseEnv(seeded.path) })) vi.stubEnv(key, value);
  resetEnvCache();
  closeDb();
  db = getDb();
});

afterEach(async () => {
  await fake.stop();
  closeDb();
  vi.unstubAllEnvs();
  resetEnvCache();
});

/** One job pass at `now`, with Twilio's clock at the same instant. */
function runAt(now: Date) {
  fake.clock = () => now;
  return tick({ db, env, email: devOutboxEmailSender(db, () => now), sms, now });
}

const smsTo = async (phone: string) =>
  first(
    await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.channel, "sms"), eq(outboundMessages.toAddress, phone))),
  )!;
const contactWith = async (phone: string) => first(await db.select().from(debtorContacts).where(eq(debtorContacts.phone, phone)))!;
const countOf = async (table: typeof timelineEvents | typeof webhookEvents) => first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(table))!.n;

/** Calls a route's action as Remix would, at `at`, signed as Twilio signs (or with the given signature). */
async function webhook(route: typeof statusRoute, path: string, params: Record<string, string>, at: Date, signature?: string) {
  vi.stubEnv("TEST_FIXED_NOW", at.toISOString());
  resetEnvCache();
  const signed = signature ?? twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${env.PUBLIC_BASE_URL}${path}`, params);
  // Behind a proxy the request reaches us under another host: the signed URL is the public one.
  const request = new Request(`http://10.0.0.7:3000${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signed },
    body: new URLSearchParams(params),
  });
  return route.action({ request, params: {}, context: {} });
}

function statusParams(sid: string, to: string, status: string, errorCode?: string) {
  return {
    AccountSid: ACCOUNT_SID,
    ApiVersion: "2010-04-01",
    MessagingServiceSid: SERVICE_SID,
    MessageSid: sid,
    MessageStatus: status,
    SmsSid: sid,
    SmsStatus: status,
    To: to,
    From: "+33757000000",
    ...(errorCode ? { ErrorCode: errorCode } : {}),
  };
}

function inboundParams(from: string, body: string, sid = `SM${"ab".repeat(16)}`) {
  return { AccountSid: ACCOUNT_SID, ApiVersion: "2010-04-01", MessageSid: sid, SmsSid: sid, From: from, To: "+33757000000", Body: body, NumMedia: "0", NumSegments: "1" };
}

// Each test runs a few passes over the demo book, with ~30 HTTP calls per pass.
describe("sending SMS through the real Twilio SDK", { timeout: 30_000 }, () => {
  it("the job sends the second reminder by SMS: short link, at most two GSM-7 segments, status callback set", async () => {
    await runAt(FIRST);
    expect(fake.requests).toHaveLength(0);
    const report = await runAt(SECOND);
    const rows = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.channel, "sms"), eq(outboundMessages.step, "second_reminder")));
    expect(rows.length).toBeGreaterThan(0);
    expect(report.failed).toBe(0);
    expect(fake.sent).toHaveLength(rows.length);
    for (const row of rows) {
      const received = fake.sent.find((m) => m.to === row.toAddress)!;
      expect(row).toMatchObject({ status: "sent", provider: "twilio", providerMessageId: received.sid, bodyText: received.body });
      expect(received.messagingServiceSid).toBe(SERVICE_SID);
      expect(received.statusCallback).toBe(`${env.PUBLIC_BASE_URL}/webhooks/twilio/status`);
      const token = /\/l\/([A-Za-z0-9_-]+)/.exec(received.body)?.[1];
      expect(token, received.body).toHaveLength(22);
      expect(gsm7Length(received.body)).toBeLessThanOrEqual(306);
    }
  });

  it("R9: Twilio accepted but the answer was lost; 11 minutes later the row is reconciled, not sent again", async () => {
    await runAt(FIRST);
    fake.dropResponseNext();
    const initial = await runAt(SECOND);
    expect(initial.retrying).toBe(1);
    const lost = fake.sent[0]!;
    expect(await smsTo(lost.to)).toMatchObject({ status: "sending", providerMessageId: null });
    const posts = fake.requests.length;

    await runAt(plus(SECOND, 5)); // too early to ask Twilio
    expect((await smsTo(lost.to)).status).toBe("sending");
    await runAt(plus(SECOND, 11));
    expect(await smsTo(lost.to)).toMatchObject({ status: "sent", providerMessageId: lost.sid, attempts: 1 });
    expect(fake.requests.length).toBe(posts);
    expect(fake.sent.filter((m) => m.to === lost.to)).toHaveLength(1);
  });

  it("R9: when Twilio has no record of it, the row goes back to pending and is sent once", async () => {
    await runAt(FIRST);
    fake.dropRequestNext();
    await runAt(SECOND);
    const phone = fake.requests[0]!.to;
    expect((await smsTo(phone)).status).toBe("sending");
    expect(fake.sent.some((m) => m.to === phone)).toBe(false);

    await runAt(plus(SECOND, 11));
    expect(await smsTo(phone)).toMatchObject({ status: "pending", lastError: "not found at the provider: safe to send again" });
    await runAt(plus(SECOND, 13));
    expect(await smsTo(phone)).toMatchObject({ status: "sent", attempts: 2 });
    expect(fake.sent.filter((m) => m.to === phone)).toHaveLength(1);
  });

  it("R9: the lookup reads Twilio's pages back to the message's time, so one behind 150 newer SMS to the same number is found", async () => {
    const to = "+33612345678";
    fake.clock = () => FIRST;
    const early = await sms.send({ to, body: "the one looked for", idempotencyKey: "k", statusCallbackUrl: "https://relance.example/cb" });
    fake.clock = () => plus(FIRST, -120);
    await sms.send({ to, body: "older than the window", idempotencyKey: "k0", statusCallbackUrl: "https://relance.example/cb" });
    for (let i = 0; i < 150; i++) {
      fake.clock = () => plus(FIRST, 1 + i);
      await sms.send({ to, body: `newer ${i}`, idempotencyKey: `k${i}`, statusCallbackUrl: "https://relance.example/cb" });
    }
    const lookupsBefore = fake.lookups;
    const found = await sms.findSent(to, plus(FIRST, -1));
    expect(found.find((m) => m.body === "the one looked for")).toEqual({
      providerMessageId: early.status === "success" ? early.providerMessageId : "",
      body: "the one looked for",
    });
    expect(found).toHaveLength(151);
    expect(found.some((m) => m.body === "older than the window")).toBe(false);
    expect(fake.lookups - lookupsBefore).toBe(2); // two pages of 100, newest first
  });

  it("a permanent 21610 (unsubscribed recipient) fails the message and opts the contact out", async () => {
    await runAt(FIRST);
    fake.failNext(400, 21610);
    await runAt(SECOND);
    const phone = fake.requests[0]!.to;
    expect((await smsTo(phone)).status).toBe("failed");
    expect((await smsTo(phone)).lastError).toContain("21610");
    expect((await contactWith(phone)).smsOptOutAt).toEqual(SECOND);
    expect(fake.sent.some((m) => m.to === phone)).toBe(false);
    expect(fake.sent.length).toBe(fake.requests.length - 1);
  });
});

describe("Twilio webhooks", { timeout: 30_000 }, () => {
  const STATUS = "/webhooks/twilio/status";
  const INBOUND = "/webhooks/twilio/inbound";

  it("a signed status callback marks the SMS delivered, once; a bad signature changes nothing", async () => {
    await runAt(FIRST);
    await runAt(SECOND);
    const [delivered, refused] = fake.sent as [(typeof fake.sent)[0], (typeof fake.sent)[0]];
    const params = statusParams(delivered.sid, delivered.to, "delivered");
    const at = plus(SECOND, 1);
    const timeline = await countOf(timelineEvents);

    const forged = (await webhook(
      statusRoute,
      STATUS,
      params,
      at,
      twilio.getExpectedTwilioSignature("another-token-0123456789", `${env.PUBLIC_BASE_URL}${STATUS}`, params),
    )) as Response;
    expect(forged.status).toBe(403);
    expect(forged.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await forged.json()).toMatchObject({ status: 403, title: "Forbidden" });
    const tampered = (await webhook(
      statusRoute,
      STATUS,
      { ...params, MessageStatus: "failed" },
      at,
      twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${env.PUBLIC_BASE_URL}${STATUS}`, params),
    )) as Response;
    expect(tampered.status).toBe(403);
    expect(await countOf(webhookEvents)).toBe(0);
    expect(await countOf(timelineEvents)).toBe(timeline);
    expect((await smsTo(delivered.to)).status).toBe("sent");

    expect(((await webhook(statusRoute, STATUS, params, at)) as Response).status).toBe(204);
    expect((await smsTo(delivered.to)).status).toBe("delivered");
    const events = await db.select().from(timelineEvents).where(eq(timelineEvents.type, "message.delivered"));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor: "provider", debtorId: (await smsTo(delivered.to)).debtorId, occurredAt: at });

    // Twilio retries: the same (MessageSid, status) is a no-op.
    expect(((await webhook(statusRoute, STATUS, params, plus(at, 1))) as Response).status).toBe(204);
    expect(await countOf(timelineEvents)).toBe(timeline + 1);
    expect(await countOf(webhookEvents)).toBe(1);
    expect(first(await db.select().from(webhookEvents))).toMatchObject({ provider: "twilio", providerEventId: `${delivered.sid}:delivered`, processedAt: at });

    // A late "sent" callback never moves a delivered message back.
    await webhook(statusRoute, STATUS, statusParams(delivered.sid, delivered.to, "sent"), plus(at, 2));
    expect((await smsTo(delivered.to)).status).toBe("delivered");

    // Undelivered with 21610: the message failed and the contact is out of SMS.
    expect(((await webhook(statusRoute, STATUS, statusParams(refused.sid, refused.to, "undelivered", "21610"), at)) as Response).status).toBe(204);
    expect(await smsTo(refused.to)).toMatchObject({ status: "failed", lastError: "twilio 21610" });
    expect((await contactWith(refused.to)).smsOptOutAt).toEqual(at);
    expect(await db.select().from(timelineEvents).where(eq(timelineEvents.type, "message.failed"))).toHaveLength(1);
  });

  it("inbound STOP opts the contact out and the next pass plans no SMS for that debtor; START opts back in", async () => {
    await runAt(FIRST);
    const phone = "+33612345606";
    const at = plus(FIRST, 60);
    const response = (await webhook(inboundRoute, INBOUND, inboundParams(phone, "  arrêt "), at)) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/xml");
    expect(await response.text()).toBe("<Response/>");
    const contact = await contactWith(phone);
    expect(contact.smsOptOutAt).toEqual(at);
    expect(await db.select().from(timelineEvents).where(eq(timelineEvents.type, "contact.sms_opted_out"))).toMatchObject([{ debtorId: contact.debtorId }]);

    await runAt(SECOND);
    expect(fake.sent.length).toBeGreaterThan(0);
    expect(fake.sent.some((m) => m.to === phone)).toBe(false);
    const planned = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.debtorId, contact.debtorId), eq(outboundMessages.channel, "sms")));
    expect(planned).toEqual([]);

    await webhook(inboundRoute, INBOUND, inboundParams(phone, "Start", `SM${"cd".repeat(16)}`), plus(SECOND, 60));
    expect((await contactWith(phone)).smsOptOutAt).toBeNull();
    expect(await db.select().from(timelineEvents).where(eq(timelineEvents.type, "contact.sms_opted_in"))).toHaveLength(1);
  });

  it("a forged inbound STOP is refused, and without Twilio configured both routes answer 404", async () => {
    const phone = "+33612345606";
    const forged = (await webhook(inboundRoute, INBOUND, inboundParams(phone, "STOP"), FIRST, "bm90LWEtc2lnbmF0dXJl")) as Response;
    expect(forged.status).toBe(403);
    expect((await contactWith(phone)).smsOptOutAt).toBeNull();

    vi.stubEnv("TWILIO_ACCOUNT_SID", "");
    vi.stubEnv("TWILIO_AUTH_TOKEN", "");
    vi.stubEnv("TWILIO_MESSAGING_SERVICE_SID", "");
    for (const [route, path] of [
      [statusRoute, STATUS],
      [inboundRoute, INBOUND],
    ] as const) {
      expect(((await webhook(route, path, inboundParams(phone, "STOP"), FIRST)) as Response).status).toBe(404);
    }
    expect(await countOf(webhookEvents)).toBe(0);
  });
});
