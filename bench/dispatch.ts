/**
 * Benchmark: planned emails through the real outbox delivery path (deliverDueMessages) and the
 * Resend SDK, against the local fake enforcing Resend's default rate limit of 2 requests/s.
 *
 *   npm run bench:dispatch   [-- --emails 10000 --pdf 100 --compose 2000 --rate 2]
 *
 * 1. Batches: confirmations (notices) without attachments go through the batch endpoint, 100 per
 *    call: the ceiling is 2 × 100 = 200 emails/s (target ≥ 95 %).
 * 2. Reminders with their invoice PDFs attached cannot go in a batch: one call each, so the ceiling
 *    is 2 emails/s; measured apart, after the batches.
 * 3. Composing: the CPU each email costs to compose as the outbox does (rows, link, props, render),
 *    for 2,000 of the confirmations and for 2,000 other reminders listing one to three invoices,
 *    planned for the next day, each shape's first render by React included (target ≤ 1 ms).
 * Prints emails/s, requests, 429s, seconds, CPU and the ratios, and checks that each email was
 * delivered once.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { and, eq, inArray, sql } from "drizzle-orm";
import { openDatabase, first, one, transaction } from "../db/client";
import { runMigrations } from "../db/migrate";
import { seedDemo } from "../db/seed";
import { debtors, outboundMessageInvoices, outboundMessages } from "../db/tables";
import { parseEnv } from "../app/env.server";
import { RESEND_BATCH_LIMIT, resendEmailSender } from "../app/integrations/email.server";
import { devOutboxSmsSender } from "../app/integrations/sms.server";
import { insertLink, linkUrl, signLink } from "../app/services/shared/links.server";
import { renderStepEmail } from "../app/services/shared/message-rendering.server";
import { queueNotice } from "../app/services/shared/notices.server";
import { deliverDueMessages, messageProps } from "../app/services/shared/outbox.server";
import { isEmailTemplate } from "../emails";
import { renderStats } from "../emails/render";
import { testEnv } from "../test/support/env";
import { reportFigures } from "./support/figures";
import { getMessage, getMessageCreditor, getMessageDebtor, getMessageLink, listMessageInvoices } from "../app/models/outbox.server";

const { values } = parseArgs({
  options: {
    emails: { type: "string", default: "10000" },
    pdf: { type: "string", default: "100" },
    compose: { type: "string", default: "2000" },
    rate: { type: "string", default: "2" },
  },
});
const EMAILS = Number(values.emails);
const WITH_PDF = Number(values.pdf);
const COMPOSED = Number(values.compose);
const RATE = Number(values.rate);
const NOW = new Date("2026-11-20T09:00:00Z");
const dir = mkdtempSync(join(tmpdir(), "relance-dispatch-"));
const env = parseEnv(testEnv({ STORAGE_DIR: dir }));
const TARGET_RATIO = 95;
const TARGET_COMPOSE_MS = 1;

type Stats = { requests: number; rateLimited: number; replays: number; delivered: number; distinct: number };

function startFake(): Promise<{ url: string; stats: () => Promise<Stats>; stop: () => void }> {
  const child = fork(join(import.meta.dirname, "support/resend-fake.ts"), { execArgv: ["--import", "tsx"], env: { ...process.env, FAKE_RATE_LIMIT: String(RATE) } });
  return new Promise((resolve) => {
    child.once("message", (message: { url: string }) =>
      resolve({
        url: message.url,
        stats: () =>
          new Promise((done) => {
            child.once("message", (stats: Stats) => done(stats));
            child.send("stats");
          }),
        stop: () => child.send("stop"),
      }),
    );
  });
}

// One debtor per email, each with an address; a confirmation queued for each, as the portal does.
const db = openDatabase(join(dir, "dispatch.db"));
runMigrations(db);
await seedDemo(db, { today: "2026-11-20", passwordHash: "unused" });
const sqlite = db.$client;
const insertDebtor = sqlite.prepare(
  "insert into debtors (creditor_id, kind, name, address_line, postal_code, city, locale, time_zone, segment, created_at) values (1, 'business', ?, '1 rue de la Paix', '69001', 'Lyon', 'fr', 'Europe/Paris', 'standard', 0)",
);
const insertContact = sqlite.prepare("insert into debtor_contacts (debtor_id, email, is_primary, created_at) values (?, ?, 1, 0)");
await transaction(db, async (tx) => {
  for (let i = 0; i < EMAILS; i++) {
    const debtorId = Number(insertDebtor.run(`Client ${i}`).lastInsertRowid);
    const contactId = Number(insertContact.run(debtorId, `client${i}@example.fr`).lastInsertRowid);
    await queueNotice(
      tx,
      env,
      { debtorId, key: `bench-${i}`, title: "Votre demande est enregistrée", lines: [`Référence ${i}`], to: { channel: "email", address: `client${i}@example.fr`, contactId } },
      NOW,
    );
  }
});

/**
 * Reminders with their invoices' PDFs attached, one debtor each: one to three overdue invoices,
 * steps, languages and kinds of debtor varied so that several shapes are composed.
 */
async function planReminders(count: number, plannedFor: Date, prefix: string): Promise<number[]> {
  const insertInvoice = sqlite.prepare(
    "insert into invoices (creditor_id, debtor_id, number, currency, amount_cents, balance_cents, issue_date, due_date, payment_terms_days, status, created_at) values (1, ?, ?, 'EUR', ?, ?, '2026-09-20', ?, 30, 'open', 0)",
  );
  const steps = ["first_reminder", "second_reminder", "follow_up"] as const;
  return await transaction(db, async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const locale = i % 2 === 0 ? "fr" : "en";
      const debtorId = Number(insertDebtor.run(`Café d'Élise & fils <${prefix}${i}>`).lastInsertRowid);
      await tx
        .update(debtors)
        .set({ locale, kind: i % 5 === 4 ? "consumer" : "business" })
        .where(eq(debtors.id, debtorId));
      const address = `${prefix}${i}@example.fr`;
      const contactId = Number(insertContact.run(debtorId, address).lastInsertRowid);
      const invoiceIds = Array.from({ length: 1 + (i % 3) }, (_, k) =>
        Number(insertInvoice.run(debtorId, `F-${prefix}${i}-${k}`, 120_000 + k * 3_333, 120_000 + k * 3_333, `2026-10-${10 + k * 5}`).lastInsertRowid),
      );
      const link = await insertLink(tx, env, { debtorId, invoiceIds, channel: "email", sentTo: address, now: NOW });
      const step = steps[Math.floor(i / 6) % steps.length]!;
      const message = one(
        await tx
          .insert(outboundMessages)
          .values({
            key: `bench-${prefix}${i}`,
            creditorId: 1,
            debtorId,
            contactId,
            linkId: link.id,
            step,
            channel: "email",
            status: "pending",
            locale,
            toAddress: address,
            plannedFor,
          })
          .returning({ id: outboundMessages.id }),
      );
      await tx.insert(outboundMessageInvoices).values(invoiceIds.map((invoiceId) => ({ messageId: message.id, invoiceId, step })));
      ids.push(message.id);
    }
    return ids;
  });
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/**
 * CPU per email to compose it as the outbox does: its rows read, its link signed, its props computed
 * (penalties, earlier contacts), then rendered (subject, HTML, text); attachments aside. The render
 * alone is what the template cache serves.
 */
async function composeCpuMs(ids: number[]): Promise<{ render: number; whole: number }> {
  const start = process.cpuUsage();
  let render = 0;
  for (const id of ids) {
    // The outbox's own reads (app/models/outbox.server.ts), as it makes them.
    const message = (await getMessage(db, id))!;
    const debtor = (await getMessageDebtor(db, message.debtorId))!;
    const creditor = (await getMessageCreditor(db, message.creditorId))!;
    const link = message.linkId ? await getMessageLink(db, message.linkId) : undefined;
    const shown = await listMessageInvoices(db, id);
    if (!isEmailTemplate(message.step)) throw new Error(`${message.step} is not an email`);
    const url = link ? linkUrl(env, await signLink(env, link)) : "";
    const props = await messageProps(db, { message, debtor, invoices: shown }, creditor, url, env.PUBLIC_BASE_URL, NOW);
    const rendering = process.cpuUsage();
    await renderStepEmail(db, message.creditorId, message.step, props);
    render += cpuMs(rendering);
  }
  return { render: render / ids.length, whole: cpuMs(start) / ids.length };
}

type Phase = { sent: number; seconds: number; cpuMs: number; stats: Stats };

async function dispatch(ids: number[], before: Stats): Promise<Phase> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const report = await deliverDueMessages({ db, env, email, sms: devOutboxSmsSender(db), now: NOW });
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuMs(cpuStart);
  const after = await fake.stats();
  const stats = {
    requests: after.requests - before.requests,
    rateLimited: after.rateLimited - before.rateLimited,
    replays: after.replays - before.replays,
    delivered: after.delivered - before.delivered,
    distinct: after.distinct - before.distinct,
  };
  const sent = first(
    await db
      .select({ n: sql<number>`count(*)` })
      .from(outboundMessages)
      .where(and(inArray(outboundMessages.id, ids), eq(outboundMessages.status, "sent"))),
  )!.n;
  console.log(`${pad("emails sent")}${sent} (report: ${JSON.stringify(report)})`);
  console.log(`${pad("delivered by the fake")}${stats.delivered} (${stats.distinct} distinct)`);
  console.log(`${pad("requests")}${stats.requests} (${stats.rateLimited} answered 429, ${stats.replays} replays)`);
  return { sent, seconds, cpuMs: cpu / ids.length, stats };
}

const pad = (label: string) => label.padEnd(32);
const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");
const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
const noticeIds = (await db.select({ id: outboundMessages.id }).from(outboundMessages).where(eq(outboundMessages.step, "notice"))).map((row) => row.id);
const fake = await startFake();
const email = resendEmailSender({ apiKey: "re_test_key", baseUrl: fake.url, maxRequestsPerSecond: RATE });
const loadAtStart = load();
const failures: string[] = [];

console.log(`1. ${EMAILS} confirmations planned; sending through the batch endpoint, ${RESEND_BATCH_LIMIT} per call, against a limit of ${RATE} requests/s`);
const batches = await dispatch(noticeIds, await fake.stats());
const batchCeiling = RATE * RESEND_BATCH_LIMIT;
const batchRate = batches.sent / batches.seconds;
const batchRatio = (100 * batchRate) / batchCeiling;
console.log(`${pad("seconds")}${batches.seconds.toFixed(1)} (this process used ${batches.cpuMs.toFixed(2)} ms of CPU per email: claims, composing, calls, records)`);
console.log(`${pad("emails/s")}${batchRate.toFixed(1)}  (${(batches.stats.requests / batches.seconds).toFixed(2)} requests/s)`);
console.log(`${pad("ratio to the ceiling")}${batchRatio.toFixed(1)} % of ${batchCeiling} emails/s   target ≥ ${TARGET_RATIO} %: ${verdict(batchRatio >= TARGET_RATIO)}`);
if (batches.sent !== EMAILS || batches.stats.distinct !== EMAILS || batches.stats.delivered !== EMAILS) failures.push("every confirmation must be sent and delivered exactly once");

const reminderIds = await planReminders(WITH_PDF, NOW, "pdf");
// Tomorrow's reminders, composed but not sent: each shape's first render through React is in the measure.
const shapesBefore = renderStats.shapes;
const reminderComposeMs = await composeCpuMs(await planReminders(COMPOSED, new Date(NOW.getTime() + 86_400_000), "later"));
const reminderShapes = renderStats.shapes - shapesBefore;
const noticeComposeMs = await composeCpuMs(noticeIds.slice(0, COMPOSED));

console.log(`\n2. ${WITH_PDF} reminders with their invoice PDFs attached; one call each, against a limit of ${RATE} requests/s`);
const singles = await dispatch(reminderIds, await fake.stats());
const singleRate = singles.sent / singles.seconds;
console.log(`${pad("seconds")}${singles.seconds.toFixed(1)} (this process used ${singles.cpuMs.toFixed(2)} ms of CPU per email, PDFs included)`);
console.log(`${pad("emails/s")}${singleRate.toFixed(2)}`);
console.log(`${pad("ratio to the ceiling")}${((100 * singleRate) / RATE).toFixed(1)} % of ${RATE} emails/s (one email per request)`);
if (singles.sent !== WITH_PDF || singles.stats.distinct !== WITH_PDF || singles.stats.delivered !== WITH_PDF)
  failures.push("every reminder must be sent and delivered exactly once");

console.log("\n3. Composing an email (attachments aside), in ms of CPU per email");
const composed = (label: string, ms: { render: number; whole: number }, note = "") =>
  console.log(
    `${pad(label)}render ${ms.render.toFixed(3)}   target ≤ ${TARGET_COMPOSE_MS} ms: ${verdict(ms.render <= TARGET_COMPOSE_MS)};   with its rows, link and props ${ms.whole.toFixed(3)}${note}`,
  );
composed(`${Math.min(COMPOSED, EMAILS)} confirmations`, noticeComposeMs);
composed(`${COMPOSED} reminders, 1–3 invoices`, reminderComposeMs, ` (${reminderShapes} shapes rendered by React among them)`);
console.log(`${pad("renders")}${renderStats.filled} filled from ${renderStats.shapes} shapes, ${renderStats.direct} through React`);
console.log(`${pad("load average")}${loadAtStart} at the start, ${load()} at the end (1, 5, 15 min; the machine may be shared)`);

reportFigures("dispatch", [
  { name: "batch sending, ratio to 2 × 100 emails/s", value: batchRatio, unit: "%", target: { atLeast: TARGET_RATIO } },
  { name: "render one confirmation, CPU", value: noticeComposeMs.render, unit: "ms", target: { atMost: TARGET_COMPOSE_MS } },
  { name: "render one reminder, CPU", value: reminderComposeMs.render, unit: "ms", target: { atMost: TARGET_COMPOSE_MS } },
  { name: "compose one reminder with its reads, CPU", value: reminderComposeMs.whole, unit: "ms", target: { atMost: TARGET_COMPOSE_MS } },
  { name: "reminders with PDF, ratio to 2 emails/s", value: (100 * singleRate) / RATE, unit: "%" },
]);
fake.stop();
db.$client.close();
rmSync(dir, { recursive: true, force: true });
if (failures.length > 0) {
  for (const failure of failures) console.error(`FAILED: ${failure}`);
  process.exitCode = 1;
}
