import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { seededDb, useDatabase } from "../support/db";
import { testEnv } from "../support/env";
import { getEnv, parseEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { handleResendWebhook } from "~/services/webhooks/resend-webhooks.server";
import { recordTwilioStatus } from "~/services/webhooks/twilio-webhooks.server";
import type { Checkpoint } from "~/services/shared/checkpoints.server";
import * as resendWebhook from "~/routes/webhooks.resend";
import { tick } from "../../jobs/tick";
import { debtorContacts, debtors, devOutbox, outboundMessages, timelineEvents, webhookEvents } from "../../db/tables";
import { first, type Db } from "../../db/client";

const env = parseEnv(testEnv({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "relance-files-")) }));
const SECRET = `whsec_${Buffer.from("test-only-resend-webhook-secret-0123456789").toString("base64")}`;
const firstPass = new Date("2026-11-20T09:00:00Z");
const bounceAt = new Date("2026-11-21T10:00:00Z");

const deps = (db: Db, now: Date) => ({ db, env, email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now });

/** What Resend sends: a JSON body and Svix headers signed over id, timestamp and the exact body. */
function signed(event: { type: string; data: Record<string, unknown> }, options: { id: string; at: Date; secret?: string }) {
  const body = JSON.stringify({ ...event, created_at: options.at.toISOString() });
  const headers = new Headers({
    "content-type": "application/json",
    "svix-id": options.id,
    "svix-timestamp": String(Math.floor(options.at.getTime() / 1000)),
    "svix-signature": new Webhook(options.secret ?? SECRET).sign(options.id, options.at, body),
  });
  return { body, headers };
}

function emailEvent(type: string, message: typeof outboundMessages.$inferSelect, extra: Record<string, unknown> = {}) {
  return {
    type,
    data: {
      email_id: message.providerMessageId,
      from: "relances@atelier-durand.fr",
      to: [message.toAddress],
      subject: message.subject,
      created_at: "2026-11-20T09:00:01.000Z",
      ...extra,
    },
  };
}

const hardBounce = { bounce: { type: "Permanent", subType: "General", message: "The recipient's email address does not exist." } };

/** The SDK checks svix-timestamp against Date.now(): the test clock stands at the event's time. */
async function at<T>(now: Date, run: () => T | Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ["Date"], now });
  try {
    return await run();
  } finally {
    vi.useRealTimers();
  }
}

function deliver(db: Db, event: { type: string; data: Record<string, unknown> }, id: string, now = bounceAt) {
  const { body, headers } = signed(event, { id, at: now });
  return at(now, async () => handleResendWebhook(db, SECRET, body, headers, now));
}

async function firstEmailTo(db: Db, debtorName: string) {
  return first(
    await db
      .select({ message: outboundMessages })
      .from(outboundMessages)
      .innerJoin(debtors, eq(debtors.id, outboundMessages.debtorId))
      .where(and(eq(debtors.name, debtorName), eq(outboundMessages.step, "first_reminder"), eq(outboundMessages.channel, "email"))),
  )!.message;
}

const reload = async (db: Db, id: number) => first(await db.select().from(outboundMessages).where(eq(outboundMessages.id, id)))!;
const contactOf = async (db: Db, message: typeof outboundMessages.$inferSelect) => first(await db.select().from(debtorContacts).where(eq(debtorContacts.id, message.contactId!)))!;
const timelineOf = async (db: Db, debtorId: number, type: string) =>
  await db
    .select()
    .from(timelineEvents)
    .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, type)));

describe("Resend delivery events", () => {
  it("a hard bounce fails the message, closes the address, and the next passes use SMS only", async () => {
    const { db } = await seededDb("2026-11-20");
    await tick(deps(db, firstPass));
    const bounced = await firstEmailTo(db, "Garage des Alpes SAS");
    const control = await firstEmailTo(db, "Hôtel du Parc");
    expect(bounced.status).toBe("sent");

    expect(await deliver(db, emailEvent("email.bounced", bounced, hardBounce), "msg_bounce_1")).toBe("processed");

    const message = await reload(db, bounced.id);
    expect(message.status).toBe("failed");
    expect(message.lastError).toBe("bounced: Permanent/General: The recipient's email address does not exist.");
    expect((await contactOf(db, bounced)).emailUndeliverableAt).toEqual(bounceAt);
    const [event] = await timelineOf(db, bounced.debtorId, "message.bounced");
    expect(event).toMatchObject({ actor: "provider", occurredAt: bounceAt, data: { messageId: bounced.id, step: "first_reminder" } });
    expect(await db.select().from(webhookEvents)).toMatchObject([{ provider: "resend", providerEventId: "msg_bounce_1", type: "email.bounced", processedAt: bounceAt }]);

    const lastBefore = first(await db.select({ id: sql<number>`max(${outboundMessages.id})`.mapWith(Number) }).from(outboundMessages))!.id;
    await tick(deps(db, new Date("2026-11-27T09:00:00Z")));
    const laterContacts = async (debtorId: number) =>
      await db
        .select({ step: outboundMessages.step, channel: outboundMessages.channel, status: outboundMessages.status })
        .from(outboundMessages)
        .where(and(eq(outboundMessages.debtorId, debtorId), sql`${outboundMessages.id} > ${lastBefore}`))
        .orderBy(outboundMessages.channel, outboundMessages.id);
    // A failed message is not a step done: the reminder that never arrived is sent again, by SMS only.
    expect(await laterContacts(bounced.debtorId)).toEqual([{ step: "first_reminder", channel: "sms", status: "sent" }]);
    expect(await laterContacts(control.debtorId), "a debtor whose address works moves on by email and SMS").toEqual([
      { step: "second_reminder", channel: "email", status: "sent" },
      { step: "second_reminder", channel: "sms", status: "sent" },
    ]);

    // A week later the ladder moves on, still without email.
    await tick(deps(db, new Date("2026-12-04T09:00:00Z")));
    expect(await laterContacts(bounced.debtorId)).toEqual([
      { step: "first_reminder", channel: "sms", status: "sent" },
      { step: "second_reminder", channel: "sms", status: "sent" },
    ]);
  });

  it("a soft bounce is stored but closes nothing", async () => {
    const { db } = await seededDb("2026-11-20");
    await tick(deps(db, firstPass));
    const sent = await firstEmailTo(db, "Garage des Alpes SAS");
    const outcome = await deliver(db, emailEvent("email.bounced", sent, { bounce: { type: "Transient", subType: "MailboxFull", message: "Mailbox full" } }), "msg_soft");
    expect(outcome).toBe("ignored");
    expect((await reload(db, sent.id)).status).toBe("sent");
    expect((await contactOf(db, sent)).emailUndeliverableAt).toBeNull();
    expect(await db.select().from(webhookEvents)).toHaveLength(1);
  });

  it("a complaint closes the address and leaves the message as sent", async () => {
    const { db } = await seededDb("2026-11-20");
    await tick(deps(db, firstPass));
    const sent = await firstEmailTo(db, "Pharmacie Centrale");
    expect(await deliver(db, emailEvent("email.complained", sent), "msg_complaint")).toBe("processed");
    expect((await contactOf(db, sent)).emailUndeliverableAt).toEqual(bounceAt);
    expect((await reload(db, sent.id)).status).toBe("sent");
    expect(await timelineOf(db, sent.debtorId, "message.complained")).toHaveLength(1);
  });

  it("delivered moves sent to delivered; opens are stored and change nothing (M3)", async () => {
    const { db } = await seededDb("2026-11-20");
    await tick(deps(db, firstPass));
    const sent = await firstEmailTo(db, "Transports Girard");
    const timeline = async () => first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(timelineEvents))!.n;
    const before = await timeline();
    expect(await deliver(db, emailEvent("email.opened", sent), "msg_open")).toBe("ignored");
    expect((await reload(db, sent.id)).status).toBe("sent");
    expect(await deliver(db, emailEvent("email.delivered", sent), "msg_delivered")).toBe("processed");
    expect((await reload(db, sent.id)).status).toBe("delivered");
    expect(await timeline()).toBe(before);
    expect((await db.select({ type: webhookEvents.type }).from(webhookEvents)).map((e) => e.type)).toEqual(["email.opened", "email.delivered"]);
  });
});

describe("events that arrive before the send is recorded", () => {
  it("a delivery, a bounce or an SMS status answered before the worker writes down the id is kept and applied when it does", async () => {
    const { db } = await seededDb("2026-11-20");
    let seen = 0;
    const early: { kind: string; id: string }[] = [];
    // Right after each provider call, before its outcome is recorded, the provider's webhooks arrive.
    const checkpoint: Checkpoint = async (point) => {
      if (point !== "send:after") return;
      for (const row of await db.select().from(devOutbox).where(gt(devOutbox.id, seen)).orderBy(devOutbox.id)) {
        seen = row.id;
        const id = `dev_${row.id}`;
        const now = new Date();
        if (row.channel === "email") {
          const kind = early.some((e) => e.kind === "bounced") ? "delivered" : "bounced";
          const event = { type: `email.${kind}`, data: { email_id: id, to: [row.toAddress], ...(kind === "bounced" ? hardBounce : {}) } };
          const { body, headers } = signed(event, { id: `msg_early_${row.id}`, at: now });
          expect(await handleResendWebhook(db, SECRET, body, headers, now)).toBe("parked");
          early.push({ kind, id });
        } else {
          expect(await recordTwilioStatus(db, { MessageSid: id, MessageStatus: "delivered", To: row.toAddress }, now)).toBe("parked");
          early.push({ kind: "sms delivered", id });
        }
      }
    };
    // A week after the first reminders, the second ones go by email and SMS.
    await tick(deps(db, firstPass));
    seen = first(await db.select({ id: sql<number>`coalesce(max(id), 0)`.mapWith(Number) }).from(devOutbox))!.id;
    await tick({ ...deps(db, new Date("2026-11-27T08:00:00Z")), checkpoint });
    expect(early.filter((e) => e.kind === "delivered").length).toBeGreaterThan(0);
    expect(early.filter((e) => e.kind === "sms delivered").length).toBeGreaterThan(0);

    const byId = async (id: string) => first(await db.select().from(outboundMessages).where(eq(outboundMessages.providerMessageId, id)))!;
    for (const { kind, id } of early) {
      const message = await byId(id);
      if (kind === "bounced") {
        expect(message.status).toBe("failed");
        expect((await contactOf(db, message)).emailUndeliverableAt).not.toBeNull();
        expect(await timelineOf(db, message.debtorId, "message.bounced")).toHaveLength(1);
      } else {
        expect(message.status, `${kind} ${id}`).toBe("delivered");
      }
    }
    expect(await db.select().from(webhookEvents).where(isNull(webhookEvents.processedAt)), "nothing left parked").toEqual([]);
  });
});

describe("POST /webhooks/resend", () => {
  const BASE = "http://localhost:4310";
  const post = (body: string, headers: Headers) => new Request(`${BASE}/webhooks/resend`, { method: "POST", body, headers });
  const call = (request: Request, now = bounceAt) => at(now, () => resendWebhook.action({ request, params: {}, context: {} }));
  let bounced: typeof outboundMessages.$inferSelect;

  async function state() {
    const db = getDb();
    return {
      events: await db.select().from(webhookEvents),
      message: await reload(db, bounced.id),
      contact: await contactOf(db, bounced),
      timeline: first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(timelineEvents))!.n,
    };
  }

  beforeAll(async () => {
    const { path } = await seededDb("2026-11-20");
    useDatabase(path);
    process.env.RESEND_WEBHOOK_SECRET = SECRET;
    resetEnvCache();
    closeDb();
    const db = getDb();
    await tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: firstPass });
    bounced = await firstEmailTo(db, "Garage des Alpes SAS");
  });

  afterEach(() => {
    process.env.RESEND_WEBHOOK_SECRET = SECRET;
    resetEnvCache();
  });

  afterAll(() => {
    closeDb();
    delete process.env.RESEND_WEBHOOK_SECRET;
    resetEnvCache();
  });

  it("answers 404 while no webhook secret is configured", async () => {
    delete process.env.RESEND_WEBHOOK_SECRET;
    resetEnvCache();
    const { body, headers } = signed(emailEvent("email.bounced", bounced, hardBounce), { id: "msg_unconfigured", at: bounceAt });
    const response = await call(post(body, headers));
    expect(response.status).toBe(404);
    expect((await state()).events).toHaveLength(0);
  });

  it("refuses a tampered body, a wrong secret or a stale timestamp with 400 problem JSON, changing nothing", async () => {
    const before = await state();
    const good = signed(emailEvent("email.bounced", bounced, hardBounce), { id: "msg_tampered", at: bounceAt });
    const tampered = good.body.replace(bounced.providerMessageId!, "dev_999");
    const wrongSecret = signed(emailEvent("email.bounced", bounced, hardBounce), {
      id: "msg_other",
      at: bounceAt,
      secret: `whsec_${Buffer.from("another-secret-entirely-0123456789").toString("base64")}`,
    });
    const stale = signed(emailEvent("email.bounced", bounced, hardBounce), { id: "msg_stale", at: new Date(bounceAt.getTime() - 10 * 60_000) });
    for (const request of [post(tampered, good.headers), post(wrongSecret.body, wrongSecret.headers), post(stale.body, stale.headers)]) {
      const response = await call(request);
      expect(response.status).toBe(400);
      expect(response.headers.get("Content-Type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ type: "about:blank", title: "Invalid signature", status: 400 });
    }
    expect(await state()).toEqual(before);
  });

  it("applies a signed bounce once, however many times it is delivered", async () => {
    const { body, headers } = signed(emailEvent("email.bounced", bounced, hardBounce), { id: "msg_replayed", at: bounceAt });
    const initial = await call(post(body, headers));
    expect(initial.status).toBe(200);
    expect(await initial.json()).toEqual({ received: true });
    const afterFirst = await state();
    expect(afterFirst.message.status).toBe("failed");
    expect(afterFirst.contact.emailUndeliverableAt).toEqual(bounceAt);

    // Svix retries with the same id (and a fresh signature) a minute later.
    const later = new Date(bounceAt.getTime() + 60_000);
    const again = signed(emailEvent("email.bounced", bounced, hardBounce), { id: "msg_replayed", at: later });
    const second = await call(post(again.body, again.headers), later);
    expect(second.status).toBe(200);
    expect(await state()).toEqual(afterFirst);
    expect(await timelineOf(getDb(), bounced.debtorId, "message.bounced")).toHaveLength(1);
  });
});
