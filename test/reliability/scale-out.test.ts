import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import twilio from "twilio";
import { Webhook } from "standardwebhooks";
import { and, eq, gt, inArray, isNotNull, or, sql } from "drizzle-orm";
import { seededDb, databaseEnv } from "../support/db";
import { testEnv } from "../support/env";
import { startServer, type ServedApp } from "../support/served";
import { FakeResend } from "../fakes/resend-server";
import { FakeTwilio } from "../fakes/twilio-server";
import { parseEnv } from "~/env.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { queueNotice } from "~/services/shared/notices.server";
import { TWILIO_STATUS_PATH } from "~/services/webhooks/twilio-webhooks.server";
import { tick } from "../../jobs/tick";
import { debtorContacts, debtors, emailBatches, outboundMessages, webhookEvents } from "../../db/tables";
import { closeConnection, first, transaction } from "../../db/client";

/**
 * Issue 13, part 5: two web servers and four job workers on one PostgreSQL database. 2,000 notices are
 * due (half emails, which go as Resend batches, half SMS) and the demo book's second reminders come due
 * at the same minute; the workers plan and send them while one of them is killed with SIGKILL every
 * second or so, at random, and started again. Meanwhile every delivery Resend and Twilio report is
 * posted to both web servers at once, as two servers behind one address would each receive a retry.
 * Every message must reach the provider exactly once, none may be lost, no row may stay claimed, and
 * each webhook must be recorded once.
 *
 * Time runs fast: each worker pass is a process started with `--now` on a clock where a real second
 * is ten seconds, so that leases of killed workers (5 minutes for a message, 1 for a batch) and the
 * lookup of an SMS whose fate is unknown (after 10 minutes) come within the test's reach.
 */
const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const AUTH_TOKEN = "test-twilio-auth-token-0123456789";
const SERVICE_SID = `MG${"fedcba9876543210".repeat(2)}`;
const RESEND_WEBHOOK_SECRET = `whsec_${Buffer.from("scale-out-resend-webhook-secret").toString("base64")}`;
/** The one address both web servers stand behind: what Twilio signs. */
const PUBLIC_BASE_URL = "https://relance.example.fr";
const WORKERS = 4;
const NOTICES = 2_000;
const SPEED = 10;
const KILLING_FOR_MS = 40_000;
const DEADLINE_MS = 240_000;

const storage = mkdtempSync(join(tmpdir(), "relance-files-"));
const env = parseEnv(testEnv({ STORAGE_DIR: storage }));
const SETUP = new Date("2026-11-20T09:00:00Z");
/** Friday 27 November, 09:00 in Paris: the second reminders are due. */
const START = new Date("2026-11-27T08:00:00Z");

describe("scale-out: 2 web servers and 4 job workers on one PostgreSQL (issue 13)", () => {
  const resend = new FakeResend();
  const fakeTwilio = new FakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
  let resendUrl: string;
  let twilioUrl: string;
  let servers: ServedApp[] = [];

  beforeAll(async () => {
    // The web servers run the production build, rebuilt when the app changed since (a stale build would test
    // old code). Vitest's own VITEST variable would leave the Remix plugin out of vite.config.ts, so the build runs without it.
    if (!buildIsCurrent()) {
      const { VITEST: _vitest, VITEST_POOL_ID: _pool, VITEST_WORKER_ID: _worker, ...env } = process.env;
      execFileSync("npx", ["remix", "vite:build"], { stdio: "ignore", env: { ...env, NODE_ENV: "production" } });
    }
    resendUrl = await resend.start();
    twilioUrl = await fakeTwilio.start();
  }, 240_000);
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await resend.stop();
    await fakeTwilio.stop();
  });

  it("every message goes to its provider once, none is lost, none stays claimed, each webhook is recorded once", { timeout: 420_000 }, async () => {
    const { db, path: url } = await seededDb("2026-11-20");
    await tick({ db, env, email: devOutboxEmailSender(db, () => SETUP), sms: devOutboxSmsSender(db), now: SETUP });
    const baseline = first(await db.select({ id: sql<number>`coalesce(max(id), 0)`.mapWith(Number) }).from(outboundMessages))!.id;

    const contacts = await db
      .select({ debtorId: debtors.id, contactId: debtorContacts.id, email: debtorContacts.email, phone: debtorContacts.phone })
      .from(debtors)
      .innerJoin(debtorContacts, eq(debtorContacts.debtorId, debtors.id))
      .orderBy(debtorContacts.id);
    const withEmail = contacts.filter((c) => c.email);
    const withPhone = contacts.filter((c) => c.phone);
    await transaction(db, async (tx) => {
      for (let i = 0; i < NOTICES; i++) {
        const sms = i % 2 === 1;
        const c = sms ? withPhone[i % withPhone.length]! : withEmail[i % withEmail.length]!;
        const to = sms ? { channel: "sms" as const, address: c.phone!, contactId: c.contactId } : { channel: "email" as const, address: c.email!, contactId: c.contactId };
        await queueNotice(tx, env, { debtorId: c.debtorId, key: `scale-${i}`, title: "Demande enregistrée", lines: [`Référence ref-${String(i).padStart(4, "0")}`], to }, START);
      }
    });

    const shared = {
      ...databaseEnv(url),
      STORAGE_DIR: storage,
      RESEND_API_KEY: "re_test_key",
      RESEND_BASE_URL: resendUrl,
      RESEND_MAX_REQUESTS_PER_SECOND: "100",
      RESEND_WEBHOOK_SECRET,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID,
      TWILIO_API_BASE_URL: twilioUrl,
    };
    servers = await Promise.all([0, 1].map(() => startServer(url, { ...shared, PUBLIC_BASE_URL })));

    const began = Date.now();
    const simulatedNow = () => new Date(START.getTime() + (Date.now() - began) * SPEED);
    fakeTwilio.clock = simulatedNow;
    let done = false;
    const counts = { passes: 0, kills: 0, failedPasses: [] as string[] };

    // Each worker: one pass after another, each with the clock's current instant.
    const running: (ChildProcess | undefined)[] = Array.from({ length: WORKERS }, () => undefined);
    const workers = running.map(async (_, slot) => {
      while (!done) {
        const child = spawn(process.execPath, ["--import", "tsx", "jobs/run.ts", "once", "--now", simulatedNow().toISOString()], {
          env: { ...process.env, ...testEnv({ ...shared, PUBLIC_BASE_URL }) },
          stdio: ["ignore", "ignore", "pipe"],
        });
        running[slot] = child;
        let stderr = "";
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
        running[slot] = undefined;
        if (signal === "SIGKILL") continue;
        counts.passes += 1;
        if (code !== 0) counts.failedPasses.push(stderr);
      }
    });
    const killer = (async () => {
      while (!done && Date.now() - began < KILLING_FOR_MS) {
        await sleep(500 + Math.random() * 1_000);
        const victim = running[Math.floor(Math.random() * WORKERS)];
        if (victim?.exitCode === null && victim.kill("SIGKILL")) counts.kills += 1;
      }
    })();

    // What the providers report, delivered to both web servers at the same moment.
    const webhooks = { posted: 0, answers: new Map<number, number>() };
    let reportedSms = 0;
    let reportedEmails = 0;
    const answer = (status: number) => webhooks.answers.set(status, (webhooks.answers.get(status) ?? 0) + 1);
    const reportDeliveries = async () => {
      for (const message of fakeTwilio.sent.slice(reportedSms)) {
        reportedSms += 1;
        const params = { AccountSid: ACCOUNT_SID, MessagingServiceSid: SERVICE_SID, MessageSid: message.sid, MessageStatus: "delivered", To: message.to };
        const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${TWILIO_STATUS_PATH}`, params);
        const responses = await Promise.all(
          servers.map((server) =>
            fetch(`${server.url}${TWILIO_STATUS_PATH}`, {
              method: "POST",
              headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
              body: new URLSearchParams(params),
            }),
          ),
        );
        for (const response of responses) answer(response.status);
        webhooks.posted += responses.length;
      }
      for (const delivery of resend.delivered.slice(reportedEmails)) {
        reportedEmails += 1;
        const at = new Date();
        const id = `msg_delivered_${delivery.id}`;
        const body = JSON.stringify({
          type: "email.delivered",
          created_at: at.toISOString(),
          data: { email_id: delivery.id, to: [delivery.email.to].flat(), subject: delivery.email.subject },
        });
        const signature = new Webhook(RESEND_WEBHOOK_SECRET.slice("whsec_".length)).sign(id, at, body);
        const headers = { "Content-Type": "application/json", "svix-id": id, "svix-timestamp": String(Math.floor(at.getTime() / 1000)), "svix-signature": signature };
        const responses = await Promise.all(servers.map((server) => fetch(`${server.url}/webhooks/resend`, { method: "POST", headers, body })));
        for (const response of responses) answer(response.status);
        webhooks.posted += responses.length;
      }
    };

    const open = async () =>
      first(
        await db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(outboundMessages)
          .where(and(gt(outboundMessages.id, baseline), inArray(outboundMessages.status, ["pending", "sending"]))),
      )!.n;
    while (Date.now() - began < DEADLINE_MS) {
      await reportDeliveries();
      if (Date.now() - began > KILLING_FOR_MS && (await open()) === 0) break;
      await sleep(1_000);
    }
    done = true;
    await killer;
    await Promise.all(workers);
    await reportDeliveries();
    const seconds = (Date.now() - began) / 1000;

    const planned = await db.select().from(outboundMessages).where(gt(outboundMessages.id, baseline));
    const notices = planned.filter((m) => m.key.startsWith("notice:scale-"));
    const reminders = planned.filter((m) => m.step !== "notice");
    const emails = planned.filter((m) => m.channel === "email");
    const sms = planned.filter((m) => m.channel === "sms");

    // Nothing lost: every message was sent (and reported delivered); two workers planning the same minute planned each reminder once.
    expect(notices).toHaveLength(NOTICES);
    expect(reminders.length, "the second reminders came due").toBeGreaterThan(0);
    expect(new Set(reminders.map((m) => `${m.debtorId} ${m.step} ${m.channel}`)).size, "no contact planned twice").toBe(reminders.length);
    expect(planned.filter((m) => m.status !== "delivered").map((m) => `${m.key} ${m.status} ${m.lastError}`)).toEqual([]);
    expect(counts.failedPasses).toEqual([]);

    // Exactly once at the provider: one accepted copy per message, matched by its unique text.
    const smsCopies = new Map<string, number>();
    for (const sent of fakeTwilio.sent) smsCopies.set(sent.body, (smsCopies.get(sent.body) ?? 0) + 1);
    expect(sms.filter((m) => smsCopies.get(m.bodyText!) !== 1).map((m) => `${m.key}: ${smsCopies.get(m.bodyText!) ?? 0}`)).toEqual([]);
    expect(fakeTwilio.sent).toHaveLength(sms.length);
    const emailCopies = new Map<string, number>();
    const emailKey = (to: string | string[] | null, subject: string | null, text: string | null) => JSON.stringify([[to].flat(), subject, text]);
    for (const d of resend.delivered)
      emailCopies.set(emailKey(d.email.to, d.email.subject, d.email.text), (emailCopies.get(emailKey(d.email.to, d.email.subject, d.email.text)) ?? 0) + 1);
    const emailCopiesOf = (m: (typeof emails)[number]) => emailCopies.get(emailKey(m.toAddress, m.subject, m.bodyText)) ?? 0;
    expect(emails.filter((m) => emailCopiesOf(m) !== 1).map((m) => `${m.key}: ${emailCopiesOf(m)}`)).toEqual([]);
    expect(resend.delivered).toHaveLength(emails.length);

    // Nothing stays claimed.
    expect(
      await db
        .select({ id: outboundMessages.id })
        .from(outboundMessages)
        .where(or(isNotNull(outboundMessages.claimToken), isNotNull(outboundMessages.leaseExpiresAt))),
    ).toEqual([]);
    expect(
      await db
        .select({ id: emailBatches.id })
        .from(emailBatches)
        .where(or(isNotNull(emailBatches.claimToken), isNotNull(emailBatches.leaseExpiresAt))),
    ).toEqual([]);

    // Each webhook recorded once, though both servers received it at the same moment.
    const recorded = await db
      .select({ provider: webhookEvents.provider, n: sql<number>`count(*)`.mapWith(Number) })
      .from(webhookEvents)
      .where(inArray(webhookEvents.type, ["message.delivered", "email.delivered"]))
      .groupBy(webhookEvents.provider);
    expect(Object.fromEntries(recorded.map((r) => [r.provider, r.n]))).toEqual({ twilio: sms.length, resend: emails.length });
    // Resend's route answers 200, Twilio's status route 204 (nothing to say back): nothing else, no 5xx under the race.
    expect([...webhooks.answers.keys()].sort()).toEqual([200, 204]);

    const duplicates = sms.filter((m) => (smsCopies.get(m.bodyText!) ?? 0) > 1).length + emails.filter((m) => emailCopiesOf(m) > 1).length;
    const lost = planned.filter((m) => m.status !== "delivered").length;
    console.log(
      `scale-out: ${JSON.stringify({
        servers: servers.length,
        workers: WORKERS,
        messages: planned.length,
        notices: notices.length,
        reminders: reminders.length,
        emails: emails.length,
        sms: sms.length,
        kills: counts.kills,
        passes: counts.passes,
        resendRequests: resend.requests.length,
        resendReplays: resend.requests.filter((r) => r.replayed).length,
        twilioCreates: fakeTwilio.requests.length,
        twilioLookups: fakeTwilio.lookups,
        webhooksPosted: webhooks.posted,
        webhooksRecorded: recorded.reduce((sum, r) => sum + r.n, 0),
        duplicates,
        lost,
        seconds: Math.round(seconds),
      })}`,
    );
    expect(counts.kills, "workers were killed along the way").toBeGreaterThan(5);
    await closeConnection(db);
  });
});

/** The server build exists and is newer than every source it is built from. */
function buildIsCurrent(): boolean {
  const built = "build/server/index.js";
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const sources = ["app", "emails"].flatMap((dir) => readdirSync(dir, { recursive: true, encoding: "utf8" }).map((file) => join(dir, file)));
  return [...sources, "vite.config.ts"].every((file) => statSync(file).mtimeMs <= builtAt);
}
