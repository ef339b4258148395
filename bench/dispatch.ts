/**
 * Benchmark: 10,000 planned emails through the real outbox delivery path (deliverDueMessages) and
 * the Resend SDK, against the local fake enforcing Resend's default rate limit of 2 requests/s.
 *
 *   npm run bench:dispatch   [-- --emails 10000 --rate 2]
 *
 * The emails are confirmations (notices) without attachments, so they go through the batch endpoint,
 * 100 per call: the ceiling is 2 × 100 = 200 emails/s. Prints emails/s, requests, 429s, seconds and
 * the ratio to the ceiling (target ≥ 95 %), and checks that each email was delivered once.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { performance } from "node:perf_hooks";
import { eq, sql } from "drizzle-orm";
import { openDatabase } from "../db/client";
import { runMigrations } from "../db/migrate";
import { seedDemo } from "../db/seed";
import { outboundMessages } from "../db/schema";
import { parseEnv } from "../app/env.server";
import { RESEND_BATCH_LIMIT, resendEmailSender } from "../app/integrations/email.server";
import { devOutboxSmsSender } from "../app/integrations/sms.server";
import { queueNotice } from "../app/services/shared/notices.server";
import { deliverDueMessages } from "../app/services/shared/outbox.server";
import { testEnv } from "../test/support/env";

const { values } = parseArgs({ options: { emails: { type: "string", default: "10000" }, rate: { type: "string", default: "2" } } });
const EMAILS = Number(values.emails);
const RATE = Number(values.rate);
const NOW = new Date("2026-11-20T09:00:00Z");
const dir = mkdtempSync(join(tmpdir(), "relance-dispatch-"));
const env = parseEnv(testEnv({ STORAGE_DIR: dir }));

type Stats = { requests: number; rateLimited: number; replays: number; delivered: number; distinct: number };

function startFake(): Promise<{ url: string; stats: () => Promise<Stats> }> {
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
      }),
    );
  });
}

// One debtor per email, each with an address; a confirmation queued for each, as the portal does.
const db = openDatabase(join(dir, "dispatch.db"));
runMigrations(db);
seedDemo(db, { today: "2026-11-20", passwordHash: "unused" });
const sqlite = db.$client;
const insertDebtor = sqlite.prepare(
  "insert into debtors (creditor_id, kind, name, address_line, postal_code, city, locale, time_zone, segment, created_at) values (1, 'business', ?, '1 rue de la Paix', '69001', 'Lyon', 'fr', 'Europe/Paris', 'standard', 0)",
);
const insertContact = sqlite.prepare("insert into debtor_contacts (debtor_id, email, is_primary, created_at) values (?, ?, 1, 0)");
db.transaction((tx) => {
  for (let i = 0; i < EMAILS; i++) {
    const debtorId = Number(insertDebtor.run(`Client ${i}`).lastInsertRowid);
    const contactId = Number(insertContact.run(debtorId, `client${i}@example.fr`).lastInsertRowid);
    queueNotice(tx, env, { debtorId, key: `bench-${i}`, title: "Votre demande est enregistrée", lines: [`Référence ${i}`], to: { channel: "email", address: `client${i}@example.fr`, contactId } }, NOW);
  }
});

const fake = await startFake();
const email = resendEmailSender({ apiKey: "re_test_key", baseUrl: fake.url, maxRequestsPerSecond: RATE });
console.log(`${EMAILS} emails planned; sending through the batch endpoint, ${RESEND_BATCH_LIMIT} per call, against a limit of ${RATE} requests/s`);
const start = performance.now();
const cpuStart = process.cpuUsage();
const report = await deliverDueMessages({ db, env, email, sms: devOutboxSmsSender(db), now: NOW });
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const stats = await fake.stats();
const sent = db.select({ n: sql<number>`count(*)` }).from(outboundMessages).where(eq(outboundMessages.status, "sent")).get()!.n;

const perSecond = sent / seconds;
const ceiling = RATE * RESEND_BATCH_LIMIT;
const pad = (label: string) => label.padEnd(28);
console.log(`${pad("emails sent")}${sent} (report: ${JSON.stringify(report)})`);
console.log(`${pad("delivered by the fake")}${stats.delivered} (${stats.distinct} distinct)`);
console.log(`${pad("requests")}${stats.requests} (${stats.rateLimited} answered 429, ${stats.replays} replays)`);
console.log(`${pad("seconds")}${seconds.toFixed(1)} (this process used ${cpuSeconds.toFixed(1)} s of CPU: ${((1000 * cpuSeconds) / EMAILS).toFixed(2)} ms per email)`);
console.log(`${pad("emails/s")}${perSecond.toFixed(1)}  (${(stats.requests / seconds).toFixed(2)} requests/s)`);
console.log(`${pad("ratio to the ceiling")}${((100 * perSecond) / ceiling).toFixed(1)} % of ${ceiling} emails/s   target ≥ 95 %`);
db.$client.close();
rmSync(dir, { recursive: true, force: true });
if (sent !== EMAILS || stats.distinct !== EMAILS || stats.delivered !== EMAILS) {
  console.error("FAILED: every email must be sent and delivered exactly once");
  process.exitCode = 1;
}
