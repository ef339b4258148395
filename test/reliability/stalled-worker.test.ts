import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, gt, inArray, isNotNull, or, sql } from "drizzle-orm";
import { seededDb, databaseEnv } from "../support/db";
import { testEnv } from "../support/env";
import { FakeResend } from "../fakes/resend-server";
import { FakeTwilio } from "../fakes/twilio-server";
import { parseEnv } from "~/env.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { queueNotice } from "~/services/shared/notices.server";
import { tick } from "../../jobs/tick";
import { debtorContacts, debtors, emailBatches, outboundMessages } from "../../db/tables";
import { first, transaction } from "../../db/client";

/**
 * Issue 13, part 3: a job worker that stalls mid-send (SIGSTOP: paused, not dead, as a frozen VM or a
 * long GC would leave it) while another worker takes its message over and sends it, must not send it
 * again when it resumes. Two real job processes on one SQLite file, the real SDKs against the local
 * Resend and Twilio fakes; the stalled worker is stopped right before its provider call, one kind of
 * send at a time: an SMS, an email with its invoice attached, a Resend batch.
 */
const ACCOUNT_SID = `AC${"0123456789abcdef".repeat(2)}`;
const AUTH_TOKEN = "test-twilio-auth-token-0123456789";
const SERVICE_SID = `MG${"fedcba9876543210".repeat(2)}`;
const storage = mkdtempSync(join(tmpdir(), "relance-files-"));
const env = parseEnv(testEnv({ STORAGE_DIR: storage }));

// A week after the first reminders, second reminders go by email (invoices attached) and SMS.
const SETUP = new Date("2026-11-20T09:00:00Z");
const START = new Date("2026-11-27T08:00:00Z");
const minutes = (n: number) => new Date(START.getTime() + n * 60_000);

describe("a stalled job worker (issue 13, fencing)", () => {
  let resend: FakeResend;
  let twilio: FakeTwilio;
  let resendUrl: string;
  let twilioUrl: string;

  // Fresh fakes for each case: the reminders' idempotency keys repeat from one seeded world to the next.
  beforeEach(async () => {
    resend = new FakeResend();
    twilio = new FakeTwilio(ACCOUNT_SID, AUTH_TOKEN);
    resendUrl = await resend.start();
    twilioUrl = await twilio.start();
  });
  afterEach(async () => {
    await resend.stop();
    await twilio.stop();
  });

  function startJob(path: string, now: Date, extra: Record<string, string> = {}) {
    twilio.clock = () => now;
    // Node itself with tsx's loader: the signals must reach the process doing the work.
    const child = spawn(process.execPath, ["--import", "tsx", "jobs/run.ts", "once", "--now", now.toISOString()], {
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
    const output = { stdout: "", stderr: "" };
    child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return { child, output, exited };
  }

  function stoppedAt(job: { child: ChildProcessWithoutNullStreams; output: { stderr: string }; exited: Promise<number | null> }) {
    return new Promise<void>((resolve, reject) => {
      const check = () => (/crash hook: stopped at/.test(job.output.stderr) ? resolve() : undefined);
      job.child.stderr.on("data", check);
      void job.exited.then(() => reject(new Error(`the worker ended without stalling:\n${job.output.stderr}${JSON.stringify(job.output)}`)));
      check();
    });
  }

  for (const kind of ["sms", "email", "batch"] as const) {
    it(`${kind}: the worker stopped right before its provider call sends nothing when it resumes; the message went once`, { timeout: 120_000 }, async () => {
      const { db, path } = await seededDb("2026-11-20");
      await tick({ db, env, email: devOutboxEmailSender(db, () => SETUP), sms: devOutboxSmsSender(db), now: SETUP });
      const baseline = first(await db.select({ id: sql<number>`coalesce(max(id), 0)`.mapWith(Number) }).from(outboundMessages))!.id;
      // Confirmations the portal queued: emails without attachments go as a batch; one SMS.
      const contacts = await db
        .select({ debtorId: debtors.id, contactId: debtorContacts.id, email: debtorContacts.email, phone: debtorContacts.phone })
        .from(debtors)
        .innerJoin(debtorContacts, eq(debtorContacts.debtorId, debtors.id));
      const withEmail = contacts.filter((c) => c.email).slice(0, 3);
      const withPhone = contacts.find((c) => c.phone)!;
      await transaction(db, async (tx) => {
        for (const [i, c] of withEmail.entries())
          await queueNotice(
            tx,
            env,
            {
              debtorId: c.debtorId,
              key: `stall-${i}`,
              title: "Demande enregistrée",
              lines: [`Référence ${i}`],
              to: { channel: "email", address: c.email!, contactId: c.contactId },
            },
            START,
          );
        await queueNotice(
          tx,
          env,
          {
            debtorId: withPhone.debtorId,
            key: "stall-sms",
            title: "Demande enregistrée",
            lines: ["Référence SMS"],
            to: { channel: "sms", address: withPhone.phone!, contactId: withPhone.contactId },
          },
          START,
        );
      });

      const stalled = startJob(path, START, { TEST_STALL_AT: `send:before:${kind}@1` });
      await stoppedAt(stalled);
      const held = await db
        .select()
        .from(outboundMessages)
        .where(and(gt(outboundMessages.id, baseline), isNotNull(outboundMessages.claimToken)));
      const heldBatch = await db.select().from(emailBatches).where(isNotNull(emailBatches.claimToken));
      expect(kind === "batch" ? heldBatch.length : held.filter((m) => m.channel === kind).length, "the stalled worker holds one send of that kind").toBe(1);

      // Meanwhile other passes run, past every lease (11 minutes: an SMS in "sending" is looked up at
      // Twilio first), until one finds nothing left to do.
      const passes: string[] = [];
      for (let minute = 11; minute < 40; minute += 2) {
        const pass = startJob(path, minutes(minute));
        const code = await pass.exited;
        expect(code, pass.output.stderr).toBe(0);
        passes.push(pass.output.stdout.trim());
        const open = first(
          await db
            .select({ n: sql<number>`count(*)`.mapWith(Number) })
            .from(outboundMessages)
            .where(and(gt(outboundMessages.id, baseline), inArray(outboundMessages.status, ["pending", "sending"]))),
        )!.n;
        if (open === 0) break;
      }
      const requestsBeforeResume = { resend: resend.requests.length, twilio: twilio.requests.length };

      stalled.child.kill("SIGCONT");
      expect(await stalled.exited, stalled.output.stderr).toBe(0);

      // The woken worker made no provider call at all: its fence found another worker's claim.
      expect({ resend: resend.requests.length, twilio: twilio.requests.length }).toEqual(requestsBeforeResume);
      const planned = await db.select().from(outboundMessages).where(gt(outboundMessages.id, baseline));
      expect(planned.filter((m) => m.status !== "sent" && m.status !== "delivered").map((m) => `${m.key} ${m.status} ${m.lastError}`)).toEqual([]);
      for (const sms of planned.filter((m) => m.channel === "sms")) {
        expect(
          twilio.sent.filter((m) => m.to === sms.toAddress && m.body === sms.bodyText).map((m) => m.sid),
          sms.key,
        ).toEqual([sms.providerMessageId]);
      }
      const emails = planned.filter((m) => m.channel === "email");
      for (const email of emails) {
        const copies = resend.delivered.filter((d) => [d.email.to].flat().includes(email.toAddress!) && d.email.subject === email.subject && d.email.text === email.bodyText);
        expect(copies, email.key).toHaveLength(1);
      }
      expect(resend.delivered).toHaveLength(emails.length);
      expect(
        resend.requests.filter((r) => r.replayed),
        "no call was even replayed",
      ).toEqual([]);
      // And nothing is left claimed.
      expect(
        await db
          .select()
          .from(outboundMessages)
          .where(or(isNotNull(outboundMessages.claimToken), isNotNull(outboundMessages.leaseExpiresAt))),
      ).toEqual([]);
      expect(
        await db
          .select()
          .from(emailBatches)
          .where(or(isNotNull(emailBatches.claimToken), isNotNull(emailBatches.leaseExpiresAt))),
      ).toEqual([]);
      console.log(
        `stalled ${kind} worker: ${JSON.stringify({ emails: emails.length, sms: planned.length - emails.length, passesMeanwhile: passes.length, resendRequests: resend.requests.length, twilioCreates: twilio.requests.length, twilioLookups: twilio.lookups, stalledWorker: stalled.output.stdout.trim() })}`,
      );
    });
  }
});
