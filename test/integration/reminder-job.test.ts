import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, gt, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { seededDb } from "../support/db";
import { testEnv } from "../support/env";
import { FakeResend } from "../fakes/resend-server";
import { parseEnv } from "~/env.server";
import { devOutboxEmailSender, resendEmailSender, type EmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { checkLink } from "~/services/shared/links.server";
import { dryRun } from "~/services/shared/dry-run.server";
import { ticksBetween } from "~/domain/cadence-simulation";
import { tick } from "../../jobs/tick";
import { runCadence } from "~/services/shared/cadence.server";
import { callTasks, debtorContacts, debtors, devOutbox, invoices, letters, outboundMessageInvoices, outboundMessages, promises, timelineEvents } from "../../db/tables";
import { first, one, type Db } from "../../db/client";

const env = parseEnv(testEnv({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "relance-files-")) }));
const today = "2026-11-20";
const tenAm = new Date("2026-11-20T09:00:00Z");

function deps(db: Db, now: Date, email: EmailSender = devOutboxEmailSender(db)) {
  return { db, env, email, sms: devOutboxSmsSender(db), now };
}

/** Staff post every queued formal notice the day it is queued, with its registered-mail number. */
async function postQueuedLetters(db: Db, at: Date) {
  await db.update(letters).set({ status: "posted", trackingNumber: "1A23456789012", postedAt: at }).where(eq(letters.status, "to_post"));
}

const count = async (db: Db, table: typeof outboundMessages | typeof devOutbox | typeof letters | typeof callTasks) =>
  first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(table))!.n;

describe("the reminder job on the demo data", () => {
  it("sends one consolidated message per debtor, step and channel, each with a working link", async () => {
    const { db } = await seededDb(today);
    const report = await tick(deps(db, tenAm));
    expect(report.claimed).toBeGreaterThan(10);
    expect(report.sent).toBe(report.claimed);

    const messages = await db.select().from(outboundMessages);
    const perDebtorStepChannel = new Set(messages.map((m) => `${m.debtorId}/${m.step}/${m.channel}`));
    expect(perDebtorStepChannel.size).toBe(messages.length);
    // Every open invoice that has reached a step is in exactly one message per channel.
    const covered = await db
      .select({ invoiceId: outboundMessageInvoices.invoiceId, channel: outboundMessages.channel, n: sql<number>`count(*)`.mapWith(Number) })
      .from(outboundMessageInvoices)
      .innerJoin(outboundMessages, eq(outboundMessages.id, outboundMessageInvoices.messageId))
      .groupBy(outboundMessageInvoices.invoiceId, outboundMessages.channel);
    expect(covered.every((c) => c.n === 1)).toBe(true);

    for (const email of await db.select().from(devOutbox).where(eq(devOutbox.channel, "email"))) {
      const token = /\/l\/([\w.-]+)/.exec(email.text)?.[1];
      expect(token, `link in the email to ${email.toAddress}`).toBeDefined();
      expect((await checkLink(db, env, token!, tenAm)).status).toBe("valid");
    }
    // A week later second reminders go by SMS too; each keeps its short link with the message, so an
    // opening can be traced back to it.
    await tick(deps(db, new Date("2026-11-27T09:00:00Z")));
    const texts = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.channel, "sms"), eq(outboundMessages.status, "sent")));
    expect(texts.length).toBeGreaterThan(0);
    for (const sms of texts) {
      const token = /\/l\/([\w-]{22})/.exec(sms.bodyText ?? "")?.[1];
      const checked = await checkLink(db, env, token!, tenAm);
      expect(checked.status).toBe("valid");
      expect(checked.status === "valid" && checked.link.id).toBe(sms.linkId);
    }
    const consolidated = (await db.select().from(devOutbox)).find((m) => m.subject?.includes("2 factures"));
    expect(consolidated, "a debtor with two invoices due soon gets one email listing both").toBeDefined();
  });

  it("sends nothing twice when run again, the same minute or later that day", async () => {
    const { db } = await seededDb(today);
    const initial = await tick(deps(db, tenAm));
    const again = await tick(deps(db, tenAm));
    const afternoon = await tick(deps(db, new Date("2026-11-20T15:00:00Z")));
    expect(initial.claimed).toBeGreaterThan(0);
    expect(again.claimed + afternoon.claimed).toBe(0);
    expect(await count(db, devOutbox)).toBe(
      (
        await db
          .select()
          .from(outboundMessages)
          .where(sql`channel in ('email', 'sms') and status = 'sent'`)
      ).length,
    );
  });

  it("does what the dry-run said it would, over the next month", { timeout: 120_000 }, async () => {
    const { db } = await seededDb(today);
    const to = "2026-12-20";
    const predicted = (await dryRun(db, { from: today, to, everyHours: 3 }))
      .filter((r) => r.channel !== "-")
      .map((r) => `${r.debtorId} ${r.when.slice(0, 10)} ${r.what} ${r.channel}`)
      .sort();
    for (const at of ticksBetween(today, to, 3)) {
      await tick(deps(db, at));
      await postQueuedLetters(db, at);
    }
    const actual = (
      await db
        .select({
          debtorId: outboundMessages.debtorId,
          plannedFor: outboundMessages.plannedFor,
          step: outboundMessages.step,
          channel: outboundMessages.channel,
          tz: debtors.timeZone,
        })
        .from(outboundMessages)
        .innerJoin(debtors, eq(debtors.id, outboundMessages.debtorId))
    )
      .map((m) => `${m.debtorId} ${new Intl.DateTimeFormat("en-CA", { timeZone: m.tz }).format(m.plannedFor)} ${m.step} ${m.channel}`)
      .sort();
    expect(predicted.length).toBeGreaterThan(40);
    expect(actual).toEqual(predicted);
  });
});

describe("the privacy notice on the first contact (GDPR art. 14)", () => {
  it("goes as a short link in an SMS when the SMS is the debtor's first message, and not again", { timeout: 60_000 }, async () => {
    const { db } = await seededDb(today);
    // Debtors never contacted yet, reachable only by phone: their first reminder goes by SMS.
    const fresh = (
      await db
        .select({ id: debtors.id })
        .from(debtors)
        .where(
          sql`exists (select 1 from debtor_contacts c where c.debtor_id = ${debtors.id} and c.phone is not null) and not exists (select 1 from outbound_messages m where m.debtor_id = ${debtors.id})`,
        )
    ).map((d) => d.id);
    await db.update(debtorContacts).set({ emailUndeliverableAt: tenAm }).where(inArray(debtorContacts.debtorId, fresh));
    await tick(deps(db, tenAm));
    const texts = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.channel, "sms"), inArray(outboundMessages.debtorId, fresh)));
    expect(texts.length).toBeGreaterThan(0);
    for (const sms of texts) expect(sms.bodyText).toContain(`${env.PUBLIC_BASE_URL}/privacy`);
    // Their next SMS a week or more later does not repeat it.
    for (const at of ticksBetween("2026-11-21", "2026-12-08", 12)) await tick(deps(db, at));
    const later = (
      await db
        .select()
        .from(outboundMessages)
        .where(
          and(
            eq(outboundMessages.channel, "sms"),
            inArray(
              outboundMessages.debtorId,
              texts.map((t) => t.debtorId),
            ),
          ),
        )
    ).filter((m) => !texts.some((t) => t.id === m.id));
    expect(later.length).toBeGreaterThan(0);
    for (const sms of later) expect(sms.bodyText).not.toContain("/privacy");
  });
});

describe("claiming re-checks the debtor's state", () => {
  it("a new link the debtor asked for does not hold back the cadence's next contact", async () => {
    const { db } = await seededDb(today);
    const martin = first(await db.select().from(debtors).where(eq(debtors.name, "Boulangerie Martin SARL")))!;
    await db.insert(outboundMessages).values({
      key: "new_link:contact-1:2026-11-20:email",
      creditorId: martin.creditorId,
      debtorId: martin.id,
      step: "new_link",
      channel: "email",
      status: "sent",
      locale: "fr",
      plannedFor: new Date("2026-11-20T07:00:00Z"),
      sentAt: new Date("2026-11-20T07:00:00Z"),
    });
    await tick(deps(db, tenAm));
    const steps = (await db.select({ step: outboundMessages.step }).from(outboundMessages).where(eq(outboundMessages.debtorId, martin.id))).map((m) => m.step);
    expect(steps).toEqual(["new_link", "pre_reminder"]);
  });

  it("skips invoices paid or promised since the last pass", async () => {
    const { db } = await seededDb(today);
    const dueSoon = await db.select().from(invoices).where(eq(invoices.dueDate, "2026-11-25"));
    const [paid, promised] = dueSoon;
    await db.update(invoices).set({ status: "paid", balanceCents: 0, paidAt: tenAm }).where(eq(invoices.id, paid!.id));
    await db.insert(promises).values({ debtorId: promised!.debtorId, invoiceId: promised!.id, promisedDate: "2026-12-01", source: "portal" });
    await tick(deps(db, tenAm));
    const coveredIds = (await db.select({ id: outboundMessageInvoices.invoiceId }).from(outboundMessageInvoices)).map((r) => r.id);
    expect(coveredIds).not.toContain(paid!.id);
    expect(coveredIds).not.toContain(promised!.id);
  });

  it("cancels a claimed message whose invoices were paid before it left", async () => {
    const { db } = await seededDb(today);
    const evening = new Date("2026-11-20T19:30:00Z"); // claimed at 10:00, delivered by the evening pass
    await tick(deps(db, tenAm));
    const message = first(await db.select().from(outboundMessages).where(eq(outboundMessages.step, "first_reminder")));
    expect(message).toBeDefined();
    // Reset it to pending, then settle its invoices before the next pass delivers it.
    await db.update(outboundMessages).set({ status: "pending" }).where(eq(outboundMessages.id, message!.id));
    const ids = (await db.select().from(outboundMessageInvoices).where(eq(outboundMessageInvoices.messageId, message!.id))).map((r) => r.invoiceId);
    for (const id of ids) await db.update(invoices).set({ status: "paid", balanceCents: 0 }).where(eq(invoices.id, id));
    const report = await tick(deps(db, evening));
    expect(report.cancelled).toBeGreaterThanOrEqual(1);
    expect(first(await db.select().from(outboundMessages).where(eq(outboundMessages.id, message!.id)))?.status).toBe("cancelled");
  });

  it("after days of downtime, a stale pending message is cancelled and the step planned afresh, not sent late", async () => {
    const { db } = await seededDb(today);
    await runCadence({ db, env, now: tenAm }); // claimed, then the job stopped before delivering
    const claimed = await db.select().from(outboundMessages).where(eq(outboundMessages.status, "pending"));
    expect(claimed.length).toBeGreaterThan(0);
    const monday = new Date("2026-11-23T09:00:00Z");
    await tick(deps(db, monday));
    const stale = await db
      .select()
      .from(outboundMessages)
      .where(
        inArray(
          outboundMessages.id,
          claimed.map((m) => m.id),
        ),
      );
    expect(stale.every((m) => m.status === "cancelled")).toBe(true);
    const replanned = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.status, "sent"), sql`${outboundMessages.key} like '%:2026-11-23:%'`));
    expect(replanned.length).toBeGreaterThanOrEqual(claimed.filter((m) => m.step !== "pre_reminder").length);
  });

  it("a message that comes due outside the contact window waits for the next one (L10)", async () => {
    const { db } = await seededDb(today);
    await tick(deps(db, tenAm));
    const message = first(await db.select().from(outboundMessages).where(eq(outboundMessages.channel, "email")))!;
    await db
      .update(outboundMessages)
      .set({ status: "pending", plannedFor: new Date("2026-11-20T18:58:00Z") })
      .where(eq(outboundMessages.id, message.id));
    // Friday 20:03 in Paris: too late for email, which waits for Monday 08:00 (business days only).
    const late = await tick(deps(db, new Date("2026-11-20T19:03:00Z")));
    expect(late.deferred).toBe(1);
    expect(first(await db.select().from(outboundMessages).where(eq(outboundMessages.id, message.id)))?.nextAttemptAt?.toISOString()).toBe("2026-11-23T07:00:00.000Z");
  });
});

describe("letters, calls and escalation", () => {
  it("queues formal notices as PDF letters and creates call tasks for staff, a rung at a time", { timeout: 60_000 }, async () => {
    const { db } = await seededDb(today);
    await tick(deps(db, tenAm));
    // An imported book starts with first reminders: nobody gets a formal notice out of the blue.
    expect(await count(db, letters)).toBe(0);
    for (const at of ticksBetween(today, "2026-12-08", 6)) await tick(deps(db, at));
    const queued = await db.select().from(letters);
    expect(queued.length).toBeGreaterThan(0);
    for (const letter of queued) {
      expect(existsSync(letter.pdfPath)).toBe(true);
      expect(readFileSync(letter.pdfPath).subarray(0, 5).toString()).toBe("%PDF-");
    }
    expect(await count(db, callTasks)).toBeGreaterThan(0);
    const types = (await db.select({ type: timelineEvents.type }).from(timelineEvents)).map((t) => t.type);
    expect(types).toContain("letter.queued");
    expect(types).toContain("call_task.created");
  });

  it("hands a file to litigation once the formal notice's deadline passes unanswered", { timeout: 60_000 }, async () => {
    const { db } = await seededDb(today);
    for (const at of ticksBetween(today, "2026-12-16", 6)) {
      await tick(deps(db, at));
      await postQueuedLetters(db, at);
    }
    const escalated = await db
      .select()
      .from(debtors)
      .where(sql`${debtors.escalatedAt} is not null`);
    expect(escalated.length).toBeGreaterThan(0);
    const stillOpen = await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, escalated[0]!.id), eq(invoices.status, "open")));
    expect(stillOpen).toEqual([]);
    const after = await count(db, outboundMessages);
    await tick(deps(db, new Date("2026-12-17T09:00:00Z")));
    const newForEscalated = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.debtorId, escalated[0]!.id), gt(outboundMessages.plannedFor, new Date("2026-12-16T23:00:00Z"))));
    expect(newForEscalated).toEqual([]);
    expect(await count(db, outboundMessages)).toBeGreaterThanOrEqual(after);
  });

  it("starts the litigation clock when the formal notice is marked posted, never while it waits", { timeout: 90_000 }, async () => {
    const { db } = await seededDb(today);
    for (const at of ticksBetween(today, "2026-12-08", 6)) await tick(deps(db, at));
    const letter = first(await db.select().from(letters).orderBy(letters.id))!;
    expect(letter.status).toBe("to_post");
    const escalatedAt = async () => first(await db.select().from(debtors).where(eq(debtors.id, letter.debtorId)))!.escalatedAt;
    // Three weeks unposted: the debtor was never put on notice, the file stays where it is.
    for (const at of ticksBetween("2026-12-09", "2026-12-28", 24)) await tick(deps(db, at));
    expect(await escalatedAt()).toBeNull();
    // Posted on the 29th: 7 days later still waiting, the 8th day it goes to litigation.
    await db
      .update(letters)
      .set({ status: "posted", trackingNumber: "1A23456789012", postedAt: new Date("2026-12-29T14:00:00Z") })
      .where(eq(letters.id, letter.id));
    for (const at of ticksBetween("2026-12-29", "2027-01-05", 24)) await tick(deps(db, at));
    expect(await escalatedAt()).toBeNull();
    await tick(deps(db, new Date("2027-01-06T09:00:00Z")));
    expect(await escalatedAt()).toEqual(new Date("2027-01-06T09:00:00Z"));
  });

  it("a broken promise runs its step, counts, and is recorded", async () => {
    const { db } = await seededDb(today);
    const overdue =
      first(
        await db
          .select()
          .from(invoices)
          .where(and(eq(invoices.status, "open"), eq(invoices.dueDate, "2026-11-11"))),
      ) ??
      first(
        await db
          .select()
          .from(invoices)
          .where(and(eq(invoices.status, "open"), sql`${invoices.dueDate} < '2026-11-15'`)),
      )!;
    const promise = one(await db.insert(promises).values({ debtorId: overdue.debtorId, invoiceId: overdue.id, promisedDate: "2026-11-14", source: "portal" }).returning());
    await tick(deps(db, tenAm));
    expect(first(await db.select().from(promises).where(eq(promises.id, promise.id)))?.status).toBe("broken");
    expect(first(await db.select().from(debtors).where(eq(debtors.id, overdue.debtorId)))?.brokenPromiseCount).toBe(1);
    const steps = await db.select({ step: outboundMessages.step, channel: outboundMessages.channel }).from(outboundMessages).where(eq(outboundMessages.debtorId, overdue.debtorId));
    expect(steps).toContainEqual({ step: "broken_promise", channel: "email" });
    expect(await db.select().from(timelineEvents).where(eq(timelineEvents.type, "promise.broken"))).toHaveLength(1);
  });
});

describe("through the real Resend SDK", () => {
  let resend: FakeResend;
  let email: EmailSender;
  beforeEach(async () => {
    resend = new FakeResend();
    email = resendEmailSender({ apiKey: "re_test_key", baseUrl: await resend.start() });
  });
  afterEach(() => resend.stop());

  it("passes each message key as Resend's idempotency key", async () => {
    const { db } = await seededDb(today);
    await tick(deps(db, tenAm, email));
    const keys = (await db.select({ key: outboundMessages.key }).from(outboundMessages).where(eq(outboundMessages.channel, "email"))).map((k) => k.key);
    expect(resend.delivered.map((d) => d.idempotencyKey).sort()).toEqual(keys.sort());
    expect(resend.delivered[0]?.email.from).toBe("Atelier Durand <relances@atelier-durand.fr>");
  });

  it("retries a transient failure later with the same key; the provider sends once", async () => {
    const { db } = await seededDb(today);
    resend.failNext(500);
    const initial = await tick(deps(db, tenAm, email));
    expect(initial.retrying).toBe(1);
    const waiting = first(
      await db
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.status, "pending"), eq(outboundMessages.channel, "email"))),
    )!;
    expect(waiting.lastError).toContain("internal_server_error");
    expect(waiting.nextAttemptAt?.getTime()).toBe(tenAm.getTime() + 60_000);
    expect((await tick(deps(db, new Date(tenAm.getTime() + 30_000), email))).sent).toBe(0);
    expect((await tick(deps(db, new Date(tenAm.getTime() + 61_000), email))).sent).toBe(1);
    const keys = resend.delivered.map((d) => d.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("after a crash between the send and its record, the retry is replayed, not sent again", async () => {
    const { db } = await seededDb(today);
    await tick(deps(db, tenAm, email));
    const sent = resend.delivered.length;
    const requests = resend.requests.length;
    // The emails sent one call each (those with invoice copies attached); batches have their own test (test/reliability).
    const single = (
      await db
        .update(outboundMessages)
        .set({ status: "pending", providerMessageId: null, sentAt: null })
        .where(and(eq(outboundMessages.channel, "email"), isNull(outboundMessages.batchId)))
        .returning({ id: outboundMessages.id })
    ).length;
    expect(single).toBeGreaterThan(10);
    const again = await tick(deps(db, new Date(tenAm.getTime() + 60_000), email));
    expect(again.sent).toBe(single);
    expect(resend.requests.length).toBe(requests + single);
    expect(resend.requests.slice(requests).every((r) => r.replayed)).toBe(true);
    expect(resend.delivered.length).toBe(sent);
  });

  it("a refused address is closed and the step goes by SMS instead", async () => {
    const { db } = await seededDb(today);
    resend.failNext(422);
    const initial = await tick(deps(db, tenAm, email));
    expect(initial.failed).toBe(1);
    const failed = first(await db.select().from(outboundMessages).where(eq(outboundMessages.status, "failed")))!;
    expect(first(await db.select().from(debtorContacts).where(eq(debtorContacts.id, failed.contactId!)))?.emailUndeliverableAt).not.toBeNull();
    await tick(deps(db, new Date(tenAm.getTime() + 3_600_000), email));
    const rerouted = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.debtorId, failed.debtorId), eq(outboundMessages.step, failed.step)));
    expect(rerouted.map((m) => m.channel).sort()).toEqual(failed.step === "pre_reminder" ? ["email"] : ["email", "sms"]);
  });

  it("a reminder goes by the channel the debtor chose in the portal, in the job as in the dry-run", async () => {
    const initial = (await seededDb(today)).db;
    await tick(deps(initial, tenAm));
    const withPhone = new Set((await initial.select({ debtorId: debtorContacts.debtorId }).from(debtorContacts).where(isNotNull(debtorContacts.phone))).map((c) => c.debtorId));
    const byEmail = (
      await initial
        .select({ debtorId: outboundMessages.debtorId })
        .from(outboundMessages)
        .where(and(eq(outboundMessages.step, "first_reminder"), eq(outboundMessages.channel, "email")))
    )
      .map((m) => m.debtorId)
      .find((id) => withPhone.has(id));
    expect(byEmail).toBeDefined();

    const { db } = await seededDb(today);
    await db.update(debtors).set({ preferredChannel: "sms" }).where(eq(debtors.id, byEmail!));
    const predicted = (await dryRun(db, { from: today, to: today, debtorId: byEmail! })).filter((r) => r.what.includes("first_reminder"));
    await tick(deps(db, tenAm));
    const sentNow = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.debtorId, byEmail!), eq(outboundMessages.step, "first_reminder")));
    expect(sentNow.map((m) => m.channel)).toEqual(["sms"]);
    expect(predicted.map((r) => r.channel)).toEqual(["sms"]);
  });
});
