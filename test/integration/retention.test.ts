import { beforeEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { first, one, rawRun, type Db } from "../../db/client";
import { freshDb, databaseEnv } from "../support/db";
import { databaseDigest } from "../support/digest";
import { testEnv } from "../support/env";
import {
  creditors,
  debtorContacts,
  debtorLinks,
  debtorSessions,
  debtors,
  disputeFiles,
  disputes,
  importRowIssues,
  importRuns,
  invoices,
  letters,
  outboundMessages,
  paymentClaims,
  payments,
  promises,
  timelineEvents,
} from "../../db/tables";
import { runDailyRetention, runRetention } from "~/services/shared/retention.server";
import { getEnv } from "~/env.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { tick } from "../../jobs/tick";

const tsx = join(process.cwd(), "node_modules/.bin/tsx");
const NOW = new Date("2026-12-02T09:00:00Z");

let db: Db;
let dbPath: string;
let storageDir: string;
let creditorId: number;

/** A debtor with one invoice and everything a file can hold: contact, dispute with upload, proof, letter, link, session, message. */
async function debtorWithFile(name: string, invoiceStatus: "paid" | "open", paidAt: Date | null) {
  const debtorId = one(
    await db
      .insert(debtors)
      .values({ creditorId, kind: "business", name, siren: "523456789", addressLine: "5 avenue Alsace-Lorraine", postalCode: "38000", city: "Grenoble", externalRef: `C-${name}` })
      .returning(),
  ).id;
  await db.insert(debtorContacts).values({ debtorId, name: `Contact ${name}`, email: `${name}@example.fr`, phone: "+33612345678", isPrimary: true });
  const invoice = one(
    await db
      .insert(invoices)
      .values({
        creditorId,
        debtorId,
        number: `F-${name}`,
        amountCents: 123_45,
        balanceCents: invoiceStatus === "paid" ? 0 : 123_45,
        issueDate: "2020-01-10",
        dueDate: "2020-02-10",
        paymentTermsDays: 30,
        status: invoiceStatus,
        paidAt,
        createdAt: new Date("2020-01-10T08:00:00Z"),
      })
      .returning(),
  );
  if (paidAt) await db.insert(payments).values({ invoiceId: invoice.id, amountCents: 123_45, currency: "EUR", method: "transfer", receivedAt: paidAt });
  const file = (dir: string, fileName: string) => {
    mkdirSync(join(storageDir, dir), { recursive: true });
    const path = join(storageDir, dir, fileName);
    writeFileSync(path, `%PDF of ${name}`);
    return path;
  };
  const disputeId = one(
    await db
      .insert(disputes)
      .values({
        debtorId,
        invoiceId: invoice.id,
        reason: "quality",
        message: `Je suis ${name}, la livraison était abîmée`,
        status: "founded",
        resolutionNote: `Appel avec ${name}`,
      })
      .returning(),
  ).id;
  await db
    .insert(disputeFiles)
    .values({ disputeId, storagePath: file("uploads", `photo-${name}.jpg`), originalName: `photo-${name}.jpg`, contentType: "image/jpeg", sizeBytes: 10 });
  await db.insert(paymentClaims).values({
    debtorId,
    invoiceId: invoice.id,
    paidOn: "2020-03-01",
    amountCents: 123_45,
    method: "transfer",
    proofPath: file("uploads", `proof-${name}.pdf`),
    proofName: `virement-${name}.pdf`,
    proofContentType: "application/pdf",
    status: "confirmed",
  });
  await db
    .insert(letters)
    .values({ creditorId, debtorId, kind: "formal_notice", pdfPath: file("letters", `formal-notice-${name}.pdf`), pdfSha256: "ab".repeat(32), status: "posted" });
  const linkId = one(
    await db
      .insert(debtorLinks)
      .values({
        jti: `jti-${name}`,
        debtorId,
        scope: [invoice.id],
        channel: "email",
        sentToHash: "hash",
        issuedAt: new Date("2020-02-20T00:00:00Z"),
        expiresAt: new Date("2030-01-01T00:00:00Z"),
      })
      .returning(),
  ).id;
  await db.insert(debtorSessions).values({ idHash: `session-${name}`, debtorId, linkId, expiresAt: new Date("2030-01-01T00:00:00Z") });
  await db.insert(promises).values({
    debtorId,
    invoiceId: invoice.id,
    promisedDate: "2020-03-01",
    source: "portal",
    status: "kept",
    acknowledgmentText: `Moi, ${name}, je reconnais devoir 123,45 €`,
    acknowledgedIp: "203.0.113.9",
    acknowledgedUserAgent: "Firefox",
  });
  await db.insert(outboundMessages).values({
    key: `reminder:${name}`,
    creditorId,
    debtorId,
    step: "reminder_1",
    channel: "email",
    status: "sent",
    locale: "fr",
    toAddress: `${name}@example.fr`,
    subject: `Bonjour ${name}`,
    bodyText: `Bonjour ${name}, votre facture…`,
    contentHash: "cd".repeat(32),
    plannedFor: new Date("2020-02-15T08:00:00Z"),
  });
  await db.insert(timelineEvents).values({
    creditorId,
    debtorId,
    invoiceId: invoice.id,
    type: "call.answered",
    actor: "staff",
    data: { taskId: 1, outcome: "reached", note: `${name} paiera vendredi` },
    occurredAt: new Date("2020-02-16T08:00:00Z"),
  });
  await db.insert(timelineEvents).values({
    creditorId,
    debtorId,
    invoiceId: invoice.id,
    type: "payment_recorded",
    actor: "staff",
    data: { amountCents: 123_45 },
    occurredAt: paidAt ?? new Date("2020-02-15T08:00:00Z"),
  });
  return { debtorId, invoiceId: invoice.id };
}

const rowsOf = async (debtorId: number) => ({
  debtor: first(await db.select().from(debtors).where(eq(debtors.id, debtorId))),
  contacts: await db.select().from(debtorContacts).where(eq(debtorContacts.debtorId, debtorId)),
  disputes: await db.select().from(disputes).where(eq(disputes.debtorId, debtorId)),
  messages: await db.select().from(outboundMessages).where(eq(outboundMessages.debtorId, debtorId)),
  links: await db.select().from(debtorLinks).where(eq(debtorLinks.debtorId, debtorId)),
});
const filesOf = async (debtorId: number) => [
  ...(
    await db.select({ path: disputeFiles.storagePath }).from(disputeFiles).innerJoin(disputes, eq(disputes.id, disputeFiles.disputeId)).where(eq(disputes.debtorId, debtorId))
  ).map((r) => r.path),
  ...(await db.select({ path: paymentClaims.proofPath }).from(paymentClaims).where(eq(paymentClaims.debtorId, debtorId))).map((r) => r.path!),
  ...(await db.select({ path: letters.pdfPath }).from(letters).where(eq(letters.debtorId, debtorId))).map((r) => r.path),
];
const cli = (...args: string[]) =>
  spawnSync(tsx, ["jobs/retention.ts", ...args], { env: { ...process.env, ...testEnv({ ...databaseEnv(dbPath), STORAGE_DIR: storageDir }) }, encoding: "utf8" });

let settledLongAgo: { debtorId: number; invoiceId: number };
let settledRecently: { debtorId: number; invoiceId: number };
let stillOwing: { debtorId: number; invoiceId: number };

beforeEach(async () => {
  ({ db, path: dbPath } = freshDb());
  storageDir = mkdtempSync(join(tmpdir(), "relance-retention-"));
  creditorId = one(
    await db
      .insert(creditors)
      .values({ legalName: "Atelier Dupont SARL", addressLine: "1 rue de la Paix", postalCode: "75002", city: "Paris", email: "compta@dupont.test" })
      .returning(),
  ).id;
  settledLongAgo = await debtorWithFile("alpes", "paid", new Date("2021-03-01T10:00:00Z"));
  settledRecently = await debtorWithFile("brasserie", "paid", new Date("2023-06-01T10:00:00Z"));
  stillOwing = await debtorWithFile("cantal", "open", null);
});

describe("retention (GDPR art. 5(1)(e)): anonymising debtors settled for longer than the creditor's period", () => {
  it("anonymises a debtor settled more than 5 years ago and removes its files, keeping what accounting needs", async () => {
    const invoiceBefore = first(await db.select().from(invoices).where(eq(invoices.id, settledLongAgo.invoiceId)));
    const paymentsBefore = await db.select().from(payments).where(eq(payments.invoiceId, settledLongAgo.invoiceId));
    const files = await filesOf(settledLongAgo.debtorId);
    expect(files).toHaveLength(3);

    const report = await runRetention({ db, storageDir, now: NOW });

    expect(report.anonymised.map((d) => d.debtorId)).toEqual([settledLongAgo.debtorId]);
    expect(report.filesRemoved).toBe(3);
    for (const file of files) expect(existsSync(file)).toBe(false);

    const after = await rowsOf(settledLongAgo.debtorId);
    expect(after.debtor).toMatchObject({
      name: `Débiteur anonymisé #${settledLongAgo.debtorId}`,
      siren: null,
      addressLine: null,
      postalCode: null,
      city: null,
      anonymisedAt: NOW,
      externalRef: "C-alpes",
    });
    expect(after.contacts).toEqual([expect.objectContaining({ name: null, email: null, phone: null })]);
    expect(after.disputes).toEqual([expect.objectContaining({ message: "", resolutionNote: null, reason: "quality", status: "founded" })]);
    expect(after.messages).toEqual([expect.objectContaining({ toAddress: null, subject: null, bodyText: null, contentHash: "cd".repeat(32), status: "sent" })]);
    expect(after.links.every((l) => l.revokedAt?.getTime() === NOW.getTime() && l.sentToHash === null)).toBe(true);
    expect(await db.select().from(debtorSessions).where(eq(debtorSessions.debtorId, settledLongAgo.debtorId))).toEqual([]);
    expect(first(await db.select().from(promises).where(eq(promises.debtorId, settledLongAgo.debtorId)))).toMatchObject({
      acknowledgmentText: null,
      acknowledgedIp: null,
      acknowledgedUserAgent: null,
      promisedDate: "2020-03-01",
    });
    expect(first(await db.select().from(paymentClaims).where(eq(paymentClaims.debtorId, settledLongAgo.debtorId)))).toMatchObject({
      proofPath: null,
      proofName: null,
      amountCents: 123_45,
      paidOn: "2020-03-01",
    });
    // Accounting: the invoice (number, amounts, dates) and its payments are exactly as they were.
    expect(first(await db.select().from(invoices).where(eq(invoices.id, settledLongAgo.invoiceId)))).toEqual(invoiceBefore);
    expect(await db.select().from(payments).where(eq(payments.invoiceId, settledLongAgo.invoiceId))).toEqual(paymentsBefore);
    // The timeline keeps its events, their free texts cleared, and records the anonymisation without personal data.
    const events = await db.select().from(timelineEvents).where(eq(timelineEvents.debtorId, settledLongAgo.debtorId));
    expect(events.map((e) => e.type)).toEqual(["call.answered", "payment_recorded", "debtor_anonymised"]);
    expect(events[0]!.data).toEqual({ taskId: 1, outcome: "reached", note: "[anonymisé]" });
    expect(events[1]!.data).toEqual({ amountCents: 123_45 });
    const recorded = await db.select().from(timelineEvents).where(eq(timelineEvents.type, "debtor_anonymised"));
    expect(recorded).toEqual([expect.objectContaining({ debtorId: settledLongAgo.debtorId, actor: "job", data: { retentionMonths: 60, filesRemoved: 3 } })]);
    expect(JSON.stringify(await db.select().from(debtors).where(eq(debtors.id, settledLongAgo.debtorId)))).not.toContain("alpes@");
  });

  it("leaves untouched a debtor settled within the period and one that still owes an invoice", async () => {
    const before = [await rowsOf(settledRecently.debtorId), await rowsOf(stillOwing.debtorId)];
    const files = [...(await filesOf(settledRecently.debtorId)), ...(await filesOf(stillOwing.debtorId))];
    await runRetention({ db, storageDir, now: NOW });
    expect([await rowsOf(settledRecently.debtorId), await rowsOf(stillOwing.debtorId)]).toEqual(before);
    for (const file of files) expect(existsSync(file)).toBe(true);
  });

  it("keeps the timeline append-only otherwise: other debtors' events, and anything but data, cannot change", async () => {
    await runRetention({ db, storageDir, now: NOW });
    // The database's own refusal, under drizzle's "Failed query".
    const refusal = (write: Promise<unknown>) =>
      write.then(
        () => "written",
        (error: Error) => String((error.cause as Error | undefined)?.message ?? error.message),
      );
    expect(await refusal(rawRun(db, sql`update timeline_events set data = '{}' where debtor_id = ${settledRecently.debtorId}`))).toMatch(/append-only/);
    expect(await refusal(rawRun(db, sql`update timeline_events set type = 'x' where debtor_id = ${settledLongAgo.debtorId}`))).toMatch(/append-only/);
    expect(await refusal(rawRun(db, sql`delete from timeline_events where debtor_id = ${settledLongAgo.debtorId}`))).toMatch(/append-only/);
  });

  it("never deletes a file outside STORAGE_DIR, even if a stored path points there", async () => {
    const elsewhere = join(mkdtempSync(join(tmpdir(), "relance-elsewhere-")), "precious.txt");
    writeFileSync(elsewhere, "not ours");
    await db.insert(letters).values({ creditorId, debtorId: settledLongAgo.debtorId, kind: "formal_notice", pdfPath: elsewhere, pdfSha256: "ef".repeat(32) });
    await db
      .insert(letters)
      .values({ creditorId, debtorId: settledLongAgo.debtorId, kind: "formal_notice", pdfPath: join(storageDir, "..", "escape.pdf"), pdfSha256: "ef".repeat(32) });
    const report = await runRetention({ db, storageDir, now: NOW });
    expect(existsSync(elsewhere)).toBe(true);
    expect(report.filesRemoved).toBe(3);
    expect(report.filesOutsideStorage).toEqual([elsewhere, join(storageDir, "..", "escape.pdf")]);
  });

  it("follows the creditor's own period", async () => {
    await db.update(creditors).set({ retentionMonths: 36 }).where(eq(creditors.id, creditorId));
    const report = await runRetention({ db, storageDir, now: NOW });
    expect(report.anonymised.map((d) => d.debtorId)).toEqual([settledLongAgo.debtorId, settledRecently.debtorId]);
  });

  it("is idempotent: a second run changes nothing", async () => {
    await runRetention({ db, storageDir, now: NOW });
    const digest = await databaseDigest(db);
    expect((await runRetention({ db, storageDir, now: new Date("2026-12-03T09:00:00Z") })).anonymised).toEqual([]);
    expect(await databaseDigest(db)).toEqual(digest);
  });

  it("runs from the job once per creditor-local day: a doubled pass does nothing, the next day runs again", async () => {
    expect((await runDailyRetention({ db, storageDir, now: NOW })).anonymised).toHaveLength(1);
    await db.update(creditors).set({ retentionMonths: 36 }).where(eq(creditors.id, creditorId));
    expect((await runDailyRetention({ db, storageDir, now: new Date("2026-12-02T22:30:00Z") })).anonymised).toEqual([]);
    // 23:30 UTC is already 3 December in Paris.
    expect((await runDailyRetention({ db, storageDir, now: new Date("2026-12-02T23:30:00Z") })).anonymised.map((d) => d.debtorId)).toEqual([settledRecently.debtorId]);
  });
});

describe("the reminder job", () => {
  it("anonymises in its first pass of the day, and not again in the next pass", async () => {
    const pass = (at: Date) => tick({ db, env: { ...getEnv(), STORAGE_DIR: storageDir }, email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: at });
    expect((await pass(NOW)).anonymised).toBe(1);
    expect(first(await db.select().from(debtors).where(eq(debtors.id, settledLongAgo.debtorId)))!.anonymisedAt).toEqual(NOW);
    await db.update(creditors).set({ retentionMonths: 36 }).where(eq(creditors.id, creditorId));
    expect((await pass(new Date("2026-12-02T09:05:00Z"))).anonymised).toBe(0);
  });
});

describe("import previews nobody confirmed", () => {
  const stored = (name: string, madeAt: Date) => {
    mkdirSync(join(storageDir, "imports"), { recursive: true });
    const path = join(storageDir, "imports", name);
    writeFileSync(path, "ref_client;nom_client\n");
    utimesSync(path, madeAt, madeAt);
    return path;
  };
  const run = async (status: "previewing" | "previewed" | "running" | "done", createdAt: Date, filePath: string | null) => {
    const counts = { debtors: { created: 1, updated: 0, unchanged: 0 }, invoices: { created: 1, updated: 0, unchanged: 0 }, errors: 1, warnings: 0 };
    const id = one(
      await db
        .insert(importRuns)
        .values({ creditorId, fileName: "f.csv", filePath, fileSha256: "ab".repeat(32), encoding: "utf-8", delimiter: ";", status, totalRows: 2, preview: counts, createdAt })
        .returning(),
    ).id;
    await db.insert(importRowIssues).values({ runId: id, phase: "preview", severity: "error", rowNumber: 3, column: "invoice.amount", message: "Le montant doit être positif." });
    return id;
  };

  it("go, with their issues and files, in the job's pass a day after they were made; younger ones, running and finished imports stay", async () => {
    const dayAndMore = new Date(NOW.getTime() - 25 * 3_600_000);
    const hoursAgo = new Date(NOW.getTime() - 3 * 3_600_000);
    const oldFile = stored("old.upload", dayAndMore);
    const halfRead = stored("half.upload", dayAndMore);
    const youngFile = stored("young.upload", hoursAgo);
    const runningFile = stored("running.upload", dayAndMore);
    const orphan = stored("orphan.upload", dayAndMore);
    const freshOrphan = stored("fresh-orphan.upload", new Date());
    await run("previewed", dayAndMore, oldFile);
    await run("previewing", dayAndMore, halfRead);
    const young = await run("previewed", hoursAgo, youngFile);
    const running = await run("running", dayAndMore, runningFile);
    const done = await run("done", dayAndMore, null);

    const pass = (at: Date) => tick({ db, env: { ...getEnv(), STORAGE_DIR: storageDir }, email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: at });
    expect((await pass(NOW)).importPreviewsPurged).toBe(2);
    expect((await db.select({ id: importRuns.id }).from(importRuns).orderBy(importRuns.id)).map((r) => r.id)).toEqual([young, running, done]);
    expect((await db.select({ runId: importRowIssues.runId }).from(importRowIssues).orderBy(importRowIssues.runId)).map((r) => r.runId)).toEqual([young, running, done]);
    expect([oldFile, halfRead, orphan].map(existsSync)).toEqual([false, false, false]);
    expect([youngFile, runningFile, freshOrphan].map(existsSync)).toEqual([true, true, true]);
    expect((await pass(new Date(NOW.getTime() + 60_000))).importPreviewsPurged).toBe(0);
  });
});

describe("npm run retention", { timeout: 30_000 }, () => {
  it("--dry-run lists the debtor and files it would remove, and writes nothing", async () => {
    const digest = await databaseDigest(db);
    const files = await filesOf(settledLongAgo.debtorId);
    const run = cli("--dry-run", "--now", NOW.toISOString());
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`alpes (#${settledLongAgo.debtorId}, creditor #${creditorId}), settled since 2021-03-01`);
    for (const file of files) expect(run.stdout).toContain(`file ${file}`);
    expect(run.stdout).not.toContain("brasserie");
    expect(run.stdout).toContain("Dry run: 1 debtor(s) would be anonymised and 3 file(s) removed. Nothing was written.");
    expect(await databaseDigest(db)).toEqual(digest);
    for (const file of files) expect(existsSync(file)).toBe(true);
  });

  it("anonymises without --dry-run", async () => {
    const run = cli("--now", NOW.toISOString());
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("1 debtor(s) anonymised, 3 file(s) removed.");
    expect(first(await db.select().from(debtors).where(eq(debtors.id, settledLongAgo.debtorId)))!.anonymisedAt).toEqual(NOW);
  });

  it("refuses bad arguments with a message that says what is expected, writing nothing", async () => {
    const digest = await databaseDigest(db);
    const badNow = cli("--now", "tomorrow");
    expect(badNow.status).toBe(1);
    expect(badNow.stderr).toContain('--now must be an ISO instant such as 2026-11-20T09:00:00Z, got "tomorrow"');
    const unknown = cli("--dryrun");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Unknown option '--dryrun'");
    expect(unknown.stderr).toContain("Usage: npm run retention");
    expect(await databaseDigest(db)).toEqual(digest);
  });
});
