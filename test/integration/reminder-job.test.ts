import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { seededDb } from "../support/db";
import { testEnv } from "../support/env";
import { FakeResend } from "../fakes/resend-server";
import { parseEnv } from "~/env.server";
import { devOutboxEmailSender, resendEmailSender, type EmailSender } from "~/integrations/email.server";
import { checkLink } from "~/services/links.server";
import { deliverPendingEmails } from "~/services/outbox.server";
import { claimPreReminders } from "~/services/pre-reminders.server";
import { tick } from "../../jobs/tick";
import { debtorContacts, debtors, devOutbox, invoices, outboundMessageInvoices, outboundMessages } from "../../db/schema";
import type { Db } from "../../db/client";

const env = parseEnv(testEnv());
const today = "2026-11-20";
const nineAm = new Date("2026-11-20T08:00:00Z");

/** Open invoices due within the next five days, per debtor: what the pre-reminders must cover. */
function expectedCoverage(db: Db) {
  const rows = db
    .select({ debtorId: invoices.debtorId, id: invoices.id })
    .from(invoices)
    .where(sql`${invoices.status} = 'open' and ${invoices.dueDate} > ${today} and ${invoices.dueDate} <= '2026-11-25'`)
    .all();
  const byDebtor = new Map<number, number[]>();
  for (const row of rows) byDebtor.set(row.debtorId, [...(byDebtor.get(row.debtorId) ?? []), row.id].sort((a, b) => a - b));
  return byDebtor;
}

function coverage(db: Db) {
  const rows = db
    .select({ debtorId: outboundMessages.debtorId, invoiceId: outboundMessageInvoices.invoiceId })
    .from(outboundMessageInvoices)
    .innerJoin(outboundMessages, eq(outboundMessages.id, outboundMessageInvoices.messageId))
    .all();
  const byDebtor = new Map<number, number[]>();
  for (const row of rows) byDebtor.set(row.debtorId, [...(byDebtor.get(row.debtorId) ?? []), row.invoiceId].sort((a, b) => a - b));
  return byDebtor;
}

describe("the pre-reminder job with the development outbox", () => {
  it("sends one consolidated email per debtor with invoices due in five days, each with a working link", async () => {
    const { db } = seededDb(today);
    const email = devOutboxEmailSender(db);
    const report = await tick({ db, env, email, now: nineAm });

    const expected = expectedCoverage(db);
    expect(expected.size).toBeGreaterThanOrEqual(5);
    expect(report).toMatchObject({ claimed: expected.size, sent: expected.size, failed: 0 });
    expect(coverage(db)).toEqual(expected);

    const kept = db.select().from(devOutbox).all();
    expect(kept).toHaveLength(expected.size);
    const consolidated = kept.find((m) => m.subject?.includes("2 factures"));
    expect(consolidated, "a debtor with two invoices due gets one email listing both").toBeDefined();
    const english = kept.find((m) => m.toAddress.endsWith(".co.uk"));
    expect(english?.subject).toBe("Atelier Durand: your invoice is due soon");

    for (const message of kept) {
      const token = /\/l\/([\w.-]+)/.exec(message.text)?.[1];
      expect(token, `link in ${message.toAddress}'s email`).toBeDefined();
      expect((await checkLink(db, env, token!, nineAm)).status).toBe("valid");
    }
  });

  it("sends nothing twice when run again the same day, even in the same minute", async () => {
    const { db } = seededDb(today);
    const email = devOutboxEmailSender(db);
    const first = await tick({ db, env, email, now: nineAm });
    const second = await tick({ db, env, email, now: nineAm });
    const later = await tick({ db, env, email, now: new Date("2026-11-20T15:00:00Z") });
    expect(first.sent).toBeGreaterThan(0);
    expect(second).toEqual({ claimed: 0, sent: 0, retrying: 0, failed: 0, cancelled: 0 });
    expect(later.claimed).toBe(0);
    expect(db.select().from(devOutbox).all()).toHaveLength(first.sent);
  });

  it("does not remind a debtor again the next day about the same invoices", async () => {
    const { db } = seededDb(today);
    const email = devOutboxEmailSender(db);
    const first = await tick({ db, env, email, now: nineAm });
    // A new invoice enters the window on the 21st (due on the 26th) for a debtor already reminded.
    const reminded = db.select().from(outboundMessages).get()!;
    const fresh = db.insert(invoices).values({
      creditorId: reminded.creditorId, debtorId: reminded.debtorId, number: "F-2026-9999", amountCents: 50_000,
      balanceCents: 50_000, issueDate: "2026-10-27", dueDate: "2026-11-26", paymentTermsDays: 30,
    }).returning().get();
    const nextDay = await tick({ db, env, email, now: new Date("2026-11-21T08:00:00Z") });
    expect(nextDay.claimed).toBe(1);
    const coveredTwice = db.select({ invoiceId: outboundMessageInvoices.invoiceId, n: sql<number>`count(*)` })
      .from(outboundMessageInvoices).groupBy(outboundMessageInvoices.invoiceId).having(sql`count(*) > 1`).all();
    expect(coveredTwice).toEqual([]);
    const latest = db.select().from(outboundMessages).where(eq(outboundMessages.key, `pre_reminder:debtor-${reminded.debtorId}:2026-11-21:email`)).get()!;
    expect(db.select().from(outboundMessageInvoices).where(eq(outboundMessageInvoices.messageId, latest.id)).all().map((r) => r.invoiceId)).toEqual([fresh.id]);
    expect(first.claimed).toBeGreaterThan(0);
  });

  it("uses the debtor's own calendar: late evening in Paris is already the next day", async () => {
    const { db } = seededDb(today);
    const email = devOutboxEmailSender(db);
    // 23:30 UTC on the 19th is the 20th in Paris but still the 19th in London.
    await tick({ db, env, email, now: new Date("2026-11-19T23:30:00Z") });
    const keys = db.select({ key: outboundMessages.key, tz: debtors.timeZone }).from(outboundMessages)
      .innerJoin(debtors, eq(debtors.id, outboundMessages.debtorId)).all();
    for (const { key, tz } of keys) {
      expect(key).toContain(tz === "Europe/London" ? ":2026-11-19:" : ":2026-11-20:");
    }
  });

  it("skips debtors whose only address bounced, and invoices paid before the email leaves", async () => {
    const { db } = seededDb(today);
    const plans = expectedCoverage(db);
    const [bouncedDebtor, paidDebtor] = [...plans.keys()];
    db.update(debtorContacts).set({ emailUndeliverableAt: nineAm }).where(eq(debtorContacts.debtorId, bouncedDebtor!)).run();
    claimPreReminders({ db, env, now: nineAm });
    // Paid between the claim and the delivery: the email is cancelled, not sent.
    db.update(invoices).set({ status: "paid", balanceCents: 0 }).where(eq(invoices.debtorId, paidDebtor!)).run();
    const report = await deliverPendingEmails({ db, env, email: devOutboxEmailSender(db), now: nineAm });
    expect(report.cancelled).toBe(1);
    const debtorsMessaged = db.select({ debtorId: outboundMessages.debtorId, status: outboundMessages.status }).from(outboundMessages).all();
    expect(debtorsMessaged.find((m) => m.debtorId === bouncedDebtor)).toBeUndefined();
    expect(debtorsMessaged.find((m) => m.debtorId === paidDebtor)?.status).toBe("cancelled");
  });
});

describe("the pre-reminder job through the real Resend SDK", () => {
  let resend: FakeResend;
  let email: EmailSender;
  beforeEach(async () => {
    resend = new FakeResend();
    email = resendEmailSender({ apiKey: "re_test_key", baseUrl: await resend.start() });
  });
  afterEach(() => resend.stop());

  it("passes the message key as Resend's idempotency key", async () => {
    const { db } = seededDb(today);
    const report = await tick({ db, env, email, now: nineAm });
    expect(resend.delivered).toHaveLength(report.sent);
    const keys = db.select({ key: outboundMessages.key, providerId: outboundMessages.providerMessageId }).from(outboundMessages).all();
    expect(resend.delivered.map((d) => d.idempotencyKey).sort()).toEqual(keys.map((k) => k.key).sort());
    expect(keys.every((k) => k.providerId?.startsWith("re_"))).toBe(true);
    expect(resend.delivered[0]?.email.from).toBe("Atelier Durand <relances@atelier-durand.fr>");
  });

  it("retries a transient failure later with the same key, and the provider sends once", async () => {
    const { db } = seededDb(today);
    resend.failNext(500);
    const first = await tick({ db, env, email, now: nineAm });
    expect(first.retrying).toBe(1);
    const retryingRow = db.select().from(outboundMessages).where(eq(outboundMessages.status, "pending")).get()!;
    expect(retryingRow.lastError).toContain("internal_server_error");
    expect(retryingRow.nextAttemptAt?.getTime()).toBe(nineAm.getTime() + 60_000);

    // Not yet due for a retry: nothing happens.
    expect((await tick({ db, env, email, now: new Date(nineAm.getTime() + 30_000) })).sent).toBe(0);
    const retry = await tick({ db, env, email, now: new Date(nineAm.getTime() + 61_000) });
    expect(retry.sent).toBe(1);
    const perKey = new Map<string, number>();
    for (const d of resend.delivered) perKey.set(d.idempotencyKey!, (perKey.get(d.idempotencyKey!) ?? 0) + 1);
    expect([...perKey.values()].every((n) => n === 1)).toBe(true);
  });

  it("after a crash between the send and its record, the retry is replayed by the provider, not sent again", async () => {
    const { db } = seededDb(today);
    await tick({ db, env, email, now: nineAm });
    const sentCount = resend.delivered.length;
    // Simulate the crash: the provider accepted every email but our records were lost.
    db.update(outboundMessages).set({ status: "pending", providerMessageId: null, sentAt: null }).run();
    const again = await tick({ db, env, email, now: new Date(nineAm.getTime() + 60_000) });
    expect(again.sent).toBe(sentCount);
    expect(resend.requests.length).toBe(sentCount * 2);
    expect(resend.delivered.length).toBe(sentCount);
  });

  it("gives up on a permanent error and records it", async () => {
    const { db } = seededDb(today);
    resend.failNext(422);
    const report = await tick({ db, env, email, now: nineAm });
    expect(report.failed).toBe(1);
    expect(db.select().from(outboundMessages).where(eq(outboundMessages.status, "failed")).all()).toHaveLength(1);
  });
});
