import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, gt, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { seededDb, databaseEnv } from "../support/db";
import { testEnv } from "../support/env";
import { FakeResend } from "../fakes/resend-server";
import { FakeTwilio } from "../fakes/twilio-server";
import { parseEnv } from "~/env.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { checkpointNames } from "~/services/shared/checkpoints.server";
import { queueNotice } from "~/services/shared/notices.server";
import { crashHook } from "../../jobs/crash-hook";
import { tick } from "../../jobs/tick";
import { debtorContacts, debtors, emailBatches, outboundMessages } from "../../db/tables";
import { first, transaction, type Db } from "../../db/client";

/**
 * R9 end to end: the real job command, killed with SIGKILL at random points of its passes and
 * restarted, against the local Resend and Twilio fakes, until a pass finds nothing to do. Then every
 * planned contact went out exactly once. `CRASH_RUNS=50 npm run test:crash` for the full run (the
 * default CI run does 8); `CRASH_SEED=n` replays a run's random choices.
 */
const RUNS = Number(process.env.CRASH_RUNS ?? 8);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 1_000_000));
const NOTICES = 130; // two batches at the start: 100 and 30
const SEND_POINTS = checkpointNames.filter((p) => !p.startsWith("claim:"));
// Node itself with tsx's loader, not the tsx wrapper: a SIGKILL must reach the process doing the work.
const job = (now: Date) => [process.execPath, ["--import", "tsx", "jobs/run.ts", "once", "--now", now.toISOString()]] as const;

const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const AUTH_TOKEN = "test-twilio-auth-token-0123456789";
const SERVICE_SID = `MG${"fedcba9876543210".repeat(2)}`;
const storage = mkdtempSync(join(tmpdir(), "relance-files-"));
const env = parseEnv(testEnv({ STORAGE_DIR: storage }));

// A week after the first reminders, second reminders go by email and SMS (Friday, 09:00 in Paris).
const SETUP = new Date("2026-11-20T09:00:00Z");
const START = new Date("2026-11-27T08:00:00Z");
const STEP_MS = 3 * 60_000;

/** mulberry32: the same seed, the same kill points. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Run = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };

describe("crash safety of the job (R9)", () => {
  let resend: FakeResend;
  let twilio: FakeTwilio;
  let resendUrl: string;
  let twilioUrl: string;
  let db: Db;
  let path: string;

  beforeAll(async () => {
    resend = new FakeResend();
    twilio = new FakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
    resendUrl = await resend.start();
    twilioUrl = await twilio.start();
    ({ db, path } = await seededDb("2026-11-20"));
  });
  afterAll(async () => {
    await resend.stop();
    await twilio.stop();
  });

  function runJob(now: Date, extra: Record<string, string>, killAfterRequests?: number): Promise<Run> {
    twilio.clock = () => now;
    const [command, args] = job(now);
    const child = spawn(command, args, {
      env: {
        ...process.env,
        ...testEnv({
          ...databaseEnv(path),
          STORAGE_DIR: storage,
          RESEND_API_KEY: "re_test_key",
          RESEND_BASE_URL: resendUrl,
          RESEND_MAX_REQUESTS_PER_SECOND: "100",
          TWILIO_ACCOUNT_SID: ACCOUNT_SID,
          TWILIO_AUTH_TOKEN: AUTH_TOKEN,
          TWILIO_MESSAGING_SERVICE_SID: SERVICE_SID,
          TWILIO_API_BASE_URL: twilioUrl,
          ...extra,
        }),
      },
    });
    let seen = 0;
    // Steered by the fakes: the process dies while the provider handles its request, which it completes.
    const onRequest = () => {
      if (killAfterRequests !== undefined && ++seen === killAfterRequests) child.kill("SIGKILL");
    };
    resend.onRequest = onRequest;
    twilio.onRequest = onRequest;
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  }

  const report = (run: Run) => JSON.parse(/\[job\] \S+ (\{.*\})/.exec(run.stdout)?.[1] ?? "null") as Record<string, number> | null;

  it(`every planned contact goes out exactly once, through ${RUNS} kills and restarts`, { timeout: (RUNS + 30) * 20_000 }, async () => {
    // A week of history first (first reminders, through the development drivers), then the contacts under test.
    await tick({ db, env, email: devOutboxEmailSender(db, () => SETUP), sms: devOutboxSmsSender(db), now: SETUP });
    const baseline = first(await db.select({ id: sql<number>`coalesce(max(id), 0)`.mapWith(Number) }).from(outboundMessages))!.id;
    const contacts = await db
      .select({
        debtorId: debtors.id,
        contactId: debtorContacts.id,
        email: debtorContacts.email,
        phone: debtorContacts.phone,
        emailClosed: debtorContacts.emailUndeliverableAt,
        smsOff: debtorContacts.smsOptOutAt,
      })
      .from(debtors)
      .innerJoin(debtorContacts, eq(debtorContacts.debtorId, debtors.id));
    const withEmail = contacts.filter((c) => c.email && !c.emailClosed);
    const withPhone = contacts.filter((c) => c.phone && !c.smsOff);
    /** Confirmations the portal queued meanwhile: new work for every pass, by email (batched) and SMS. */
    const queueNotices = async (label: string, emails: number, texts: number, at: Date) => {
      for (let i = 0; i < emails + texts; i++) {
        const row = i < emails ? withEmail[i % withEmail.length]! : withPhone[i % withPhone.length]!;
        const to =
          i < emails ? { channel: "email" as const, address: row.email!, contactId: row.contactId } : { channel: "sms" as const, address: row.phone!, contactId: row.contactId };
        await transaction(db, async (tx) =>
          queueNotice(tx, env, { debtorId: row.debtorId, key: `crash-${label}-${i}`, title: "Demande enregistree", lines: [`Reference ${label}-${i}`], to }, at),
        );
      }
    };
    await queueNotices("start", NOTICES, 3, START);

    const rand = random(SEED);
    const kills: Record<string, number> = {};
    const stuckSms = new Set<number>();
    let unsentBatchesSeen = 0;
    let now = START;
    for (let run = 0; run < RUNS; run += 1) {
      if (run > 0) await queueNotices(String(run), Math.floor(rand() * 40), Math.floor(rand() * 3), now);
      // The first passes die around the cadence's claim; later ones inside delivery, at a hook or while a fake answers.
      const steered = run >= 2 && rand() < 0.3;
      const point = run < 2 ? (["claim:before", "claim:after"] as const)[run]! : SEND_POINTS[Math.floor(rand() * SEND_POINTS.length)]!;
      // A pass makes a batch or two and a few single calls: the n-th time is drawn where it will come.
      const nth = run < 2 ? 1 : 1 + Math.floor(rand() * (point.startsWith("batch:") ? 2 : 3));
      const result = await runJob(now, steered ? {} : { TEST_CRASH_AT: `${point}@${nth}` }, steered ? 1 + Math.floor(rand() * 3) : undefined);
      if (result.signal === "SIGKILL") {
        const label = steered ? "fake-steered" : point;
        kills[label] = (kills[label] ?? 0) + 1;
      } else {
        expect(result.code, result.stderr).toBe(0);
      }
      for (const { id } of await db
        .select({ id: outboundMessages.id })
        .from(outboundMessages)
        .where(and(gt(outboundMessages.id, baseline), eq(outboundMessages.status, "sending"))))
        stuckSms.add(id);
      if (
        first(
          await db
            .select({ n: sql<number>`count(*)`.mapWith(Number) })
            .from(emailBatches)
            .where(and(isNotNull(emailBatches.payload), isNull(emailBatches.sentAt))),
        )!.n > 0
      )
        unsentBatchesSeen += 1;
      now = new Date(now.getTime() + STEP_MS);
    }

    // Restarted without crashes until a pass finds nothing to do.
    let quietPasses = 0;
    const open = async () =>
      first(
        await db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(outboundMessages)
          .where(and(gt(outboundMessages.id, baseline), inArray(outboundMessages.status, ["pending", "sending"]))),
      )!.n;
    for (let pass = 0; pass < 30; pass += 1) {
      const result = await runJob(now, {});
      expect(result.code, result.stderr).toBe(0);
      quietPasses += 1;
      now = new Date(now.getTime() + STEP_MS);
      const r = report(result)!;
      if (r.claimed === 0 && r.sent === 0 && r.retrying === 0 && r.failed === 0 && (await open()) === 0) break;
    }

    const planned = await db.select().from(outboundMessages).where(gt(outboundMessages.id, baseline));
    const emails = planned.filter((m) => m.channel === "email");
    const texts = planned.filter((m) => m.channel === "sms");
    expect(emails.length).toBeGreaterThan(NOTICES);
    expect(texts.length).toBeGreaterThan(0);
    // Every planned contact was sent.
    expect(planned.filter((m) => m.status !== "sent" && m.status !== "delivered").map((m) => `${m.id} ${m.channel} ${m.status} ${m.lastError}`)).toEqual([]);

    // Each email exactly once among the deliveries the fake performed (replays deliver nothing), and nothing else.
    const deliveredAs = new Map<string, number>();
    for (const d of resend.delivered) {
      const id = `${[d.email.to].flat().join(",")}\n${d.email.subject}\n${d.email.text}`;
      deliveredAs.set(id, (deliveredAs.get(id) ?? 0) + 1);
    }
    const twice = emails.filter((m) => deliveredAs.get(`${m.toAddress}\n${m.subject}\n${m.bodyText}`) !== 1);
    expect(twice.map((m) => `${m.key}: delivered ${deliveredAs.get(`${m.toAddress}\n${m.subject}\n${m.bodyText}`) ?? 0} times`)).toEqual([]);
    expect(resend.delivered).toHaveLength(emails.length);
    const perKey = new Map<string, number>();
    for (const d of resend.delivered.filter((d) => !d.batch)) perKey.set(d.idempotencyKey!, (perKey.get(d.idempotencyKey!) ?? 0) + 1);
    expect([...perKey.values()].every((n) => n === 1)).toBe(true);
    expect(resend.requests.filter((r) => r.status === 409)).toEqual([]);

    // Each SMS exactly once at Twilio; those stuck in "sending" were looked up there, not resent.
    for (const sms of texts) {
      const copies = twilio.sent.filter((m) => m.to === sms.toAddress && m.body === sms.bodyText);
      expect(
        copies.map((m) => m.sid),
        sms.key,
      ).toEqual([sms.providerMessageId]);
    }
    expect(twilio.sent).toHaveLength(texts.length);

    const batches = await db.select().from(emailBatches);
    const summary = {
      seed: SEED,
      runs: RUNS,
      killed: Object.values(kills).reduce((a, b) => a + b, 0),
      killsByPoint: kills,
      passesToQuiet: quietPasses,
      emails: emails.length,
      emailsInBatches: emails.filter((m) => m.batchId !== null).length,
      batches: batches.length,
      runsLeavingABatchComposedButUnrecorded: unsentBatchesSeen,
      sms: texts.length,
      smsStuckAndReconciled: stuckSms.size,
      resendRequests: resend.requests.length,
      resendReplays: resend.requests.filter((r) => r.replayed).length,
      resendDeliveries: resend.delivered.length,
      twilioCreates: twilio.requests.length,
      twilioLookups: twilio.lookups,
    };
    console.log(`crash safety: ${JSON.stringify(summary)}`);
    expect(summary.killed).toBeGreaterThan(0);
    for (const id of stuckSms) expect(planned.find((m) => m.id === id)?.status).toBe("sent");
  });

  it("the crash hook is inert outside tests", async () => {
    const kills: string[] = [];
    for (const NODE_ENV of ["production", "development"]) expect(crashHook({ NODE_ENV, TEST_CRASH_AT: "claim:before@1" }, () => kills.push(NODE_ENV))).toBeUndefined();
    expect(crashHook({ NODE_ENV: "test" })).toBeUndefined();
    const hook = crashHook({ NODE_ENV: "test", TEST_CRASH_AT: "send:after@2" }, () => kills.push("test"))!;
    hook("send:before");
    hook("send:after");
    expect(kills).toEqual([]);
    hook("send:after");
    hook("send:after");
    expect(kills).toEqual(["test"]);
    expect(() => crashHook({ NODE_ENV: "test", TEST_CRASH_AT: "lunch@1" })).toThrow(/TEST_CRASH_AT must be <checkpoint>@<n>/);
    // The stall hook stops instead of killing, and may wait for one kind of send.
    const stops: string[] = [];
    expect(crashHook({ NODE_ENV: "production", TEST_STALL_AT: "send:before@1" })).toBeUndefined();
    const stall = crashHook(
      { NODE_ENV: "test", TEST_STALL_AT: "send:before:sms@2" },
      () => kills.push("stall"),
      () => stops.push("stopped"),
    )!;
    stall("send:before", "email");
    stall("send:before", "sms");
    expect(stops).toEqual([]);
    stall("send:before", "sms");
    expect(stops).toEqual(["stopped"]);
    expect(() => crashHook({ NODE_ENV: "test", TEST_STALL_AT: "send:before:fax@1" })).toThrow(/TEST_STALL_AT must be <checkpoint>@<n>/);

    // The real command in production mode with the variable set: a whole pass, no crash.
    const fresh = await seededDb("2026-11-20");
    const [command, args] = job(new Date("2026-11-20T09:00:00Z"));
    const child = spawn(command, args, {
      env: { ...process.env, ...testEnv({ NODE_ENV: "production", ...databaseEnv(fresh.path), STORAGE_DIR: storage, TEST_CRASH_AT: "claim:before@1" }) },
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(stdout).toMatch(/"claimed":[1-9]\d*,"sent":[1-9]/);
  }, 60_000);
});
