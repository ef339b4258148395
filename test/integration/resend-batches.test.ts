import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, isNotNull } from "drizzle-orm";
import { seededDb } from "../support/db";
import { testEnv } from "../support/env";
import { FakeResend } from "../fakes/resend-server";
import { parseEnv } from "~/env.server";
import { resendEmailSender, type EmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { queueNotice } from "~/services/shared/notices.server";
import { batchIdempotencyKey, deliverDueMessages, deliverMessage } from "~/services/shared/outbox.server";
import { debtorContacts, debtors, emailBatches, outboundMessages } from "../../db/tables";
import { first, transaction, type Db } from "../../db/client";

const env = parseEnv(testEnv({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "relance-files-")) }));
const now = new Date("2026-11-20T09:00:00Z");

let resend: FakeResend;
afterEach(() => resend.stop());

async function sender(options: { rateLimit?: number; maxRequestsPerSecond?: number } = {}): Promise<EmailSender> {
  resend = new FakeResend({ rateLimit: options.rateLimit });
  return resendEmailSender({ apiKey: "re_test_key", baseUrl: await resend.start(), maxRequestsPerSecond: options.maxRequestsPerSecond });
}

const deps = (db: Db, email: EmailSender, at = now, batchSize?: number) => ({ db, env, email, sms: devOutboxSmsSender(db), now: at, batchSize });

/** Confirmations (no attachment) queued for the first `count` debtors with an email address. */
async function queueNotices(db: Db, count: number, overrides: { to?: string } = {}): Promise<number[]> {
  const withEmail = (
    await db
      .select({ debtorId: debtors.id, contactId: debtorContacts.id, email: debtorContacts.email })
      .from(debtors)
      .innerJoin(debtorContacts, eq(debtorContacts.debtorId, debtors.id))
      .where(isNotNull(debtorContacts.email))
      .orderBy(debtors.id)
  )
    .filter((row, index, all) => all.findIndex((r) => r.debtorId === row.debtorId) === index)
    .slice(0, count);
  // One after the other, so that ids follow the index (the batch goes out in id order).
  const ids: number[] = [];
  for (const [index, row] of withEmail.entries()) {
    const notice = {
      debtorId: row.debtorId,
      key: `batch-test-${index}`,
      title: "Votre demande est bien reçue",
      lines: [`Référence ${index}`],
      to: { channel: "email" as const, address: index === 0 && overrides.to ? overrides.to : row.email!, contactId: row.contactId },
    };
    ids.push((await transaction(db, async (tx) => await queueNotice(tx, env, notice, now)))!);
  }
  return ids;
}

const rows = async (db: Db, ids: number[]) => await Promise.all(ids.map(async (id) => first(await db.select().from(outboundMessages).where(eq(outboundMessages.id, id)))!));

describe("emails without attachments go through Resend's batch endpoint", () => {
  it("in one call under a key derived from the batch, each message recording its own id", async () => {
    const { db } = await seededDb("2026-11-20");
    const email = await sender();
    const ids = await queueNotices(db, 5);
    const report = await deliverDueMessages(deps(db, email));
    expect(report.sent).toBe(5);
    expect(resend.requests).toHaveLength(1);
    const [call] = resend.requests;
    const batch = first(await db.select().from(emailBatches))!;
    expect(call).toMatchObject({ path: "/emails/batch", idempotencyKey: batchIdempotencyKey(batch), emails: 5 });
    expect(batch.sentAt).toEqual(now);
    expect(batch.payload).toBeNull();
    const sent = await rows(db, ids);
    expect(sent.map((m) => m.status)).toEqual(Array(5).fill("sent"));
    expect(sent.map((m) => m.providerMessageId)).toEqual(resend.delivered.map((d) => d.id));
    expect(sent.every((m) => m.batchId === batch.id)).toBe(true);
    expect(resend.delivered.every((d) => d.batch && d.email.subject.endsWith(" : Votre demande est bien reçue"))).toBe(true);
    expect(sent[2]!.bodyText).toContain("Référence 2");
  });

  it("at most batchSize emails per call, and never more than Resend's 100", async () => {
    const { db } = await seededDb("2026-11-20");
    const email = await sender();
    await queueNotices(db, 5);
    await deliverDueMessages(deps(db, email, now, 2));
    expect(resend.requests.map((r) => r.emails)).toEqual([2, 2, 1]);
    expect(new Set(resend.requests.map((r) => r.idempotencyKey)).size).toBe(3);
    expect(resend.delivered).toHaveLength(5);
  });

  it("a failed call keeps the batch as it was: the retry sends the same emails under the same key, once", async () => {
    const { db } = await seededDb("2026-11-20");
    const email = await sender();
    const ids = await queueNotices(db, 3);
    resend.failNext(500);
    const initial = await deliverDueMessages(deps(db, email));
    expect(initial.retrying).toBe(3);
    const waiting = await rows(db, ids);
    expect(waiting.every((m) => m.status === "pending" && m.batchId !== null && m.attempts === 1)).toBe(true);
    expect(waiting[0]!.nextAttemptAt).toEqual(new Date(now.getTime() + 60_000));
    const stored = first(await db.select().from(emailBatches))!;
    expect(stored.payload).not.toBeNull();

    // A debtor paid meanwhile, or a new notice came: the batch is not re-composed, a new one takes the newcomer.
    const later = (await queueNotices(db, 4)).slice(3);
    const second = await deliverDueMessages(deps(db, email, new Date(now.getTime() + 61_000)));
    expect(second.sent).toBe(4);
    expect(resend.requests.map((r) => [r.idempotencyKey, r.status, r.emails])).toEqual([
      [batchIdempotencyKey(stored), 500, 0],
      [batchIdempotencyKey(stored), 200, 3],
      [expect.stringMatching(/^email-batch:2:/), 200, 1],
    ]);
    expect(resend.delivered).toHaveLength(4);
    expect((await rows(db, [...ids, ...later])).every((m) => m.status === "sent")).toBe(true);
  });

  it("an address refused inside a batch fails alone and is closed; the others go", async () => {
    const { db } = await seededDb("2026-11-20");
    const email = await sender();
    const ids = await queueNotices(db, 3, { to: "not-an-address" });
    const report = await deliverDueMessages(deps(db, email));
    expect(report).toMatchObject({ sent: 2, failed: 1 });
    const [refused, ...others] = await rows(db, ids);
    expect(refused!.status).toBe("failed");
    expect(refused!.lastError).toContain("Invalid `to` field");
    expect(first(await db.select().from(debtorContacts).where(eq(debtorContacts.id, refused!.contactId!)))!.emailUndeliverableAt).toEqual(now);
    expect(others.every((m) => m.status === "sent")).toBe(true);
  });

  it("a 429 is waited out for its Retry-After and the same call made again; nothing goes twice", async () => {
    const { db } = await seededDb("2026-11-20");
    const email = await sender({ rateLimit: 1 });
    await queueNotices(db, 4);
    const report = await deliverDueMessages(deps(db, email, now, 2));
    expect(report.sent).toBe(4);
    expect(resend.rateLimited).toBeGreaterThanOrEqual(1);
    const limited = resend.requests.find((r) => r.status === 429)!;
    expect(resend.requests.filter((r) => r.idempotencyKey === limited.idempotencyKey).map((r) => r.status)).toEqual([429, 200]);
    expect(resend.delivered).toHaveLength(4);
  });

  it("paced at the account's rate, calls stay under the limit", async () => {
    // The fake counts arrivals, so a loaded machine's jitter can still cost one 429 (waited out);
    // without pacing, five calls in a row get several.
    const unpaced = (await seededDb("2026-11-20")).db;
    await queueNotices(unpaced, 5);
    await deliverDueMessages(deps(unpaced, await sender({ rateLimit: 2 }), now, 1));
    expect(resend.rateLimited).toBeGreaterThanOrEqual(2);
    await resend.stop();

    const { db } = await seededDb("2026-11-20");
    const email = await sender({ rateLimit: 2, maxRequestsPerSecond: 2 });
    await queueNotices(db, 5);
    await deliverDueMessages(deps(db, email, now, 1));
    expect(resend.rateLimited).toBeLessThanOrEqual(1);
    expect(resend.delivered).toHaveLength(5);
  });

  it("a notice sent at once by the web goes as a batch of one, and the job's pass does not send it again", async () => {
    const { db } = await seededDb("2026-11-20");
    const email = await sender();
    const [id] = await queueNotices(db, 1);
    expect(await deliverMessage(deps(db, email), id!)).toBe("sent");
    expect(await deliverMessage(deps(db, email), id!)).toBe("skipped");
    await deliverDueMessages(deps(db, email, new Date(now.getTime() + 120_000)));
    expect(resend.requests).toHaveLength(1);
    expect(resend.requests[0]).toMatchObject({ path: "/emails/batch", emails: 1 });
    expect(
      first(
        await db
          .select()
          .from(outboundMessages)
          .where(and(eq(outboundMessages.id, id!), eq(outboundMessages.status, "sent"))),
      ),
    ).toBeDefined();
  });
});
