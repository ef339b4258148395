import { and, eq, inArray, isNull, lt, max, ne, or, sql } from "drizzle-orm";
import { readdirSync, rmSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { first, transaction, type Db } from "../../../db/client";
import { creditors } from "../../../db/schema/creditors";
import { debtors, debtorContacts } from "../../../db/schema/debtors";
import { invoices, payments } from "../../../db/schema/invoices";
import { timelineEvents } from "../../../db/schema/events";
import { disputes, disputeFiles, installmentPlans, promises } from "../../../db/schema/agreements";
import { paymentClaims, stepUpCodes } from "../../../db/schema/portal";
import { debtorLinks, debtorSessions } from "../../../db/schema/links";
import { callTasks, cadencePauses, letters } from "../../../db/schema/tasks";
import { outboundMessages } from "../../../db/schema/messages";
import { importRowIssues, importRuns } from "../../../db/schema/intake";
import { IMPORT_PREVIEW_KEPT_MS } from "../../domain/csv-import";
import { anonymisedName, decideRetention, scrubTimelineData, type RetentionFacts } from "../../domain/retention";
import { localDate } from "../../domain/dates";

/** Reads run inside the anonymising transaction too, so they take either the database or a transaction. */
type Reader = Pick<Db, "select">;

export type RetentionDeps = { db: Db; storageDir: string; now: Date };

export type RetentionCandidate = { debtorId: number; creditorId: number; name: string; closedAt: Date; files: string[] };

async function retentionFacts(db: Reader, debtorId: number): Promise<RetentionFacts & { name: string }> {
  const debtor = first(await db.select({ name: debtors.name, anonymisedAt: debtors.anonymisedAt }).from(debtors).where(eq(debtors.id, debtorId)))!;
  const debtorInvoices = await db.select({ status: invoices.status, paidAt: invoices.paidAt, createdAt: invoices.createdAt }).from(invoices).where(eq(invoices.debtorId, debtorId));
  const openDisputes = first(
    await db
      .select({ n: sql<number>`count(*)` })
      .from(disputes)
      .where(and(eq(disputes.debtorId, debtorId), eq(disputes.status, "open"))),
  )!.n;
  const lastEvent =
    first(
      await db
        .select({ at: max(timelineEvents.occurredAt) })
        .from(timelineEvents)
        .where(eq(timelineEvents.debtorId, debtorId)),
    )?.at ?? null;
  const lastPayment =
    first(
      await db
        .select({ at: max(payments.receivedAt) })
        .from(payments)
        .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
        .where(eq(invoices.debtorId, debtorId)),
    )?.at ?? null;
  const latest = [lastEvent, lastPayment].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  return { name: debtor.name, anonymisedAt: debtor.anonymisedAt, invoices: debtorInvoices, openDisputes, lastActivityAt: latest };
}

/** The uploads and letters stored for a debtor. Invoice PDFs stay: they are accounting documents (C. com. L123-22). */
async function storedFiles(db: Reader, debtorId: number): Promise<string[]> {
  const uploads = (
    await db.select({ path: disputeFiles.storagePath }).from(disputeFiles).innerJoin(disputes, eq(disputes.id, disputeFiles.disputeId)).where(eq(disputes.debtorId, debtorId))
  ).map((f) => f.path);
  const proofs = (await db.select({ path: paymentClaims.proofPath }).from(paymentClaims).where(eq(paymentClaims.debtorId, debtorId))).map((c) => c.path);
  const letterPdfs = (await db.select({ path: letters.pdfPath }).from(letters).where(eq(letters.debtorId, debtorId))).map((l) => l.path);
  return [...uploads, ...proofs, ...letterPdfs].filter((p): p is string => !!p);
}

/** Debtors of one creditor (or all) whose retention period is over, with the files that would go. */
export async function findRetentionCandidates(db: Db, now: Date, creditorId?: number): Promise<RetentionCandidate[]> {
  const rows = await db
    .select({ id: debtors.id, creditorId: debtors.creditorId, months: creditors.retentionMonths })
    .from(debtors)
    .innerJoin(creditors, eq(creditors.id, debtors.creditorId))
    .where(
      and(
        isNull(debtors.anonymisedAt),
        creditorId === undefined ? undefined : eq(debtors.creditorId, creditorId),
        // A cheap first cut so a large book is not read debtor by debtor; the domain rule decides.
        sql`exists (select 1 from invoices i where i.debtor_id = ${debtors.id})`,
        sql`not exists (select 1 from invoices i where i.debtor_id = ${debtors.id} and i.status in ('open', 'litigation'))`,
      ),
    )
    .orderBy(debtors.id);
  const due: RetentionCandidate[] = [];
  for (const row of rows) {
    const facts = await retentionFacts(db, row.id);
    const decision = decideRetention(facts, row.months, now);
    if (decision.due) due.push({ debtorId: row.id, creditorId: row.creditorId, name: facts.name, closedAt: decision.closedAt, files: await storedFiles(db, row.id) });
  }
  return due;
}

/**
 * Replaces a debtor's personal data with neutral values in one transaction, revokes its links and
 * ends its sessions; amounts, numbers, dates and payments stay. The timeline keeps its events (L13)
 * with their personal parts cleared, and records the anonymisation without personal data. Returns the files to
 * delete once committed, or null if the debtor is no longer due (paid again, already anonymised).
 */
async function anonymiseDebtor(db: Db, debtorId: number, now: Date): Promise<string[] | null> {
  return await transaction(db, async (tx) => {
    const debtor = first(
      await tx
        .select({ creditorId: debtors.creditorId, months: creditors.retentionMonths })
        .from(debtors)
        .innerJoin(creditors, eq(creditors.id, debtors.creditorId))
        .where(eq(debtors.id, debtorId)),
    );
    if (!debtor || !decideRetention(await retentionFacts(tx, debtorId), debtor.months, now).due) return null;
    const files = await storedFiles(tx, debtorId);
    await tx
      .update(debtors)
      .set({ name: anonymisedName(debtorId), siren: null, addressLine: null, postalCode: null, city: null, preferredChannel: null, anonymisedAt: now })
      .where(eq(debtors.id, debtorId));
    await tx.update(debtorContacts).set({ name: null, role: null, email: null, phone: null }).where(eq(debtorContacts.debtorId, debtorId));
    const disputeIds = (await tx.select({ id: disputes.id }).from(disputes).where(eq(disputes.debtorId, debtorId))).map((d) => d.id);
    if (disputeIds.length > 0) await tx.delete(disputeFiles).where(inArray(disputeFiles.disputeId, disputeIds));
    await tx.update(disputes).set({ message: "", resolutionNote: null }).where(eq(disputes.debtorId, debtorId));
    await tx.update(paymentClaims).set({ proofPath: null, proofName: null, proofContentType: null }).where(eq(paymentClaims.debtorId, debtorId));
    const noAcknowledgment = { acknowledgmentText: null, acknowledgedIp: null, acknowledgedUserAgent: null };
    await tx.update(promises).set(noAcknowledgment).where(eq(promises.debtorId, debtorId));
    await tx
      .update(installmentPlans)
      .set({ ...noAcknowledgment, decisionReason: null })
      .where(eq(installmentPlans.debtorId, debtorId));
    await tx.update(outboundMessages).set({ toAddress: null, subject: null, bodyText: null, lastError: null }).where(eq(outboundMessages.debtorId, debtorId));
    await tx.update(callTasks).set({ note: null, outcome: null }).where(eq(callTasks.debtorId, debtorId));
    await tx.update(cadencePauses).set({ note: null }).where(eq(cadencePauses.debtorId, debtorId));
    await tx.update(debtorLinks).set({ sentToHash: null }).where(eq(debtorLinks.debtorId, debtorId));
    await tx
      .update(debtorLinks)
      .set({ revokedAt: now, revokedReason: "anonymised" })
      .where(and(eq(debtorLinks.debtorId, debtorId), isNull(debtorLinks.revokedAt)));
    await tx.delete(debtorSessions).where(eq(debtorSessions.debtorId, debtorId));
    await tx.delete(stepUpCodes).where(eq(stepUpCodes.debtorId, debtorId));
    // Allowed by the timeline's trigger only now that the debtor is marked anonymised (migration 0010).
    for (const event of await tx.select({ id: timelineEvents.id, data: timelineEvents.data }).from(timelineEvents).where(eq(timelineEvents.debtorId, debtorId))) {
      const scrubbed = scrubTimelineData(event.data);
      if (JSON.stringify(scrubbed) !== JSON.stringify(event.data)) await tx.update(timelineEvents).set({ data: scrubbed }).where(eq(timelineEvents.id, event.id));
    }
    await tx
      .insert(timelineEvents)
      .values({
        creditorId: debtor.creditorId,
        debtorId,
        type: "debtor_anonymised",
        actor: "job",
        data: { retentionMonths: debtor.months, filesRemoved: files.length },
        occurredAt: now,
      });
    return files;
  });
}

/** Deletes a stored file, only inside STORAGE_DIR: a corrupted path can never reach other files. */
function removeStoredFile(storageDir: string, path: string): boolean {
  const inside = relative(resolve(storageDir), resolve(path));
  if (inside === "" || inside.split(sep)[0] === ".." || isAbsolute(inside)) return false;
  rmSync(path, { force: true });
  return true;
}

export type RetentionReport = { anonymised: RetentionCandidate[]; filesRemoved: number; filesOutsideStorage: string[] };

/** Anonymises every due debtor, one transaction each, then deletes its files. Running it twice is harmless. */
export async function runRetention({ db, storageDir, now }: RetentionDeps, creditorId?: number): Promise<RetentionReport> {
  const report: RetentionReport = { anonymised: [], filesRemoved: 0, filesOutsideStorage: [] };
  for (const candidate of await findRetentionCandidates(db, now, creditorId)) {
    const files = await anonymiseDebtor(db, candidate.debtorId, now);
    if (files === null) continue;
    report.anonymised.push({ ...candidate, files });
    for (const file of files) {
      if (removeStoredFile(storageDir, file)) report.filesRemoved++;
      else report.filesOutsideStorage.push(file);
    }
  }
  return report;
}

/**
 * The job's daily pass: for each creditor whose local date changed since the last run, claims the
 * day (so a doubled pass does nothing) and runs retention for it.
 */
export async function runDailyRetention(deps: RetentionDeps): Promise<RetentionReport> {
  const total: RetentionReport = { anonymised: [], filesRemoved: 0, filesOutsideStorage: [] };
  for (const creditor of await deps.db.select({ id: creditors.id, timeZone: creditors.timeZone }).from(creditors)) {
    const today = localDate(deps.now, creditor.timeZone);
    const claimed = await deps.db
      .update(creditors)
      .set({ retentionRunOn: today })
      .where(and(eq(creditors.id, creditor.id), or(isNull(creditors.retentionRunOn), ne(creditors.retentionRunOn, today))))
      .returning({ id: creditors.id });
    if (claimed.length !== 1) continue;
    const report = await runRetention(deps, creditor.id);
    total.anonymised.push(...report.anonymised);
    total.filesRemoved += report.filesRemoved;
    total.filesOutsideStorage.push(...report.filesOutsideStorage);
  }
  return total;
}

export type StaleImportPreview = { runId: number; creditorId: number; fileName: string; createdAt: Date; filePath: string | null };
export type ImportPurgeReport = { purged: StaleImportPreview[]; filesRemoved: number; filesOutsideStorage: string[] };

/** Previews nobody confirmed (or cancelled) within a day, and any a stopped server left half-read. */
export async function findStaleImportPreviews(db: Reader, now: Date): Promise<StaleImportPreview[]> {
  return await db
    .select({ runId: importRuns.id, creditorId: importRuns.creditorId, fileName: importRuns.fileName, createdAt: importRuns.createdAt, filePath: importRuns.filePath })
    .from(importRuns)
    .where(and(inArray(importRuns.status, ["previewing", "previewed"]), lt(importRuns.createdAt, new Date(now.getTime() - IMPORT_PREVIEW_KEPT_MS))))
    .orderBy(importRuns.id);
}

/**
 * Purges those previews: the run and its rows' issues (one short transaction each, which also
 * re-checks that nobody confirmed it meanwhile), then the stored file. Files in STORAGE_DIR/imports
 * that no waiting or running import owns (a stopped server's) go too, once as old. Running it twice is harmless.
 */
export async function purgeStaleImportPreviews({ db, storageDir, now }: RetentionDeps): Promise<ImportPurgeReport> {
  const report: ImportPurgeReport = { purged: [], filesRemoved: 0, filesOutsideStorage: [] };
  const removeFile = (path: string) => {
    if (removeStoredFile(storageDir, path)) report.filesRemoved++;
    else report.filesOutsideStorage.push(path);
  };
  const before = now.getTime() - IMPORT_PREVIEW_KEPT_MS;
  for (const stale of await findStaleImportPreviews(db, now)) {
    const purged = await transaction(db, async (tx) => {
      const still = first(
        await tx
          .select({ id: importRuns.id })
          .from(importRuns)
          .where(and(eq(importRuns.id, stale.runId), inArray(importRuns.status, ["previewing", "previewed"]))),
      );
      if (!still) return false;
      await tx.delete(importRowIssues).where(eq(importRowIssues.runId, stale.runId));
      await tx.delete(importRuns).where(eq(importRuns.id, stale.runId));
      return true;
    });
    if (!purged) continue;
    report.purged.push(stale);
    if (stale.filePath) removeFile(stale.filePath);
  }
  const dir = join(storageDir, "imports");
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return report;
  }
  // A finished run no longer needs its file; a stopped server may have left one behind.
  const kept = new Set(
    (
      await db
        .select({ path: importRuns.filePath })
        .from(importRuns)
        .where(inArray(importRuns.status, ["previewing", "previewed", "running"]))
    ).flatMap((r) => (r.path ? [resolve(r.path)] : [])),
  );
  for (const name of names) {
    const path = join(dir, name);
    const modified = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
    if (!kept.has(resolve(path)) && modified !== undefined && modified < before) removeFile(path);
  }
  return report;
}
