import { and, eq, inArray, isNull, lt, max, ne, or, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import {
  cadencePauses,
  callTasks,
  creditors,
  debtorContacts,
  debtorLinks,
  debtorSessions,
  debtors,
  disputeFiles,
  disputes,
  importRowIssues,
  importRuns,
  installmentPlans,
  invoices,
  letters,
  outboundMessages,
  paymentClaims,
  payments,
  promises,
  stepUpCodes,
  timelineEvents,
} from "../../db/tables";
import { IMPORT_PREVIEW_KEPT_MS } from "../domain/csv-import";
import { anonymisedName, scrubTimelineData, type RetentionFacts } from "../domain/retention";

/** Reads run inside the anonymising transaction too, so they take either the database or a transaction. */
type Reader = Pick<Db, "select">;

export type StaleImportPreview = { runId: number; creditorId: number; fileName: string; createdAt: Date; filePath: string | null };

/** What the retention rule reads about a debtor: its invoices, open disputes and last activity. */
export async function loadRetentionFacts(db: Reader, debtorId: number): Promise<RetentionFacts & { name: string }> {
  const debtor = first(await db.select({ name: debtors.name, anonymisedAt: debtors.anonymisedAt }).from(debtors).where(eq(debtors.id, debtorId)))!;
  const debtorInvoices = await db.select({ status: invoices.status, paidAt: invoices.paidAt, createdAt: invoices.createdAt }).from(invoices).where(eq(invoices.debtorId, debtorId));
  const openDisputes = first(
    await db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
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
export async function listStoredFiles(db: Reader, debtorId: number): Promise<string[]> {
  const uploads = (
    await db.select({ path: disputeFiles.storagePath }).from(disputeFiles).innerJoin(disputes, eq(disputes.id, disputeFiles.disputeId)).where(eq(disputes.debtorId, debtorId))
  ).map((f) => f.path);
  const proofs = (await db.select({ path: paymentClaims.proofPath }).from(paymentClaims).where(eq(paymentClaims.debtorId, debtorId))).map((c) => c.path);
  const letterPdfs = (await db.select({ path: letters.pdfPath }).from(letters).where(eq(letters.debtorId, debtorId))).map((l) => l.path);
  return [...uploads, ...proofs, ...letterPdfs].filter((p): p is string => !!p);
}

/** Debtors not anonymised yet, of one creditor (or all), with their creditor's retention period. */
export async function listRetentionCandidateRows(db: Db, creditorId?: number) {
  return await db
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
}

/** The debtor's creditor and its retention period. */
export async function getDebtorRetention(tx: Db, debtorId: number) {
  return first(
    await tx
      .select({ creditorId: debtors.creditorId, months: creditors.retentionMonths })
      .from(debtors)
      .innerJoin(creditors, eq(creditors.id, debtors.creditorId))
      .where(eq(debtors.id, debtorId)),
  );
}

/**
 * Replaces the debtor's personal data with neutral values, revokes its links and ends its sessions;
 * amounts, numbers, dates and payments stay, and the timeline's events lose their personal parts.
 */
export async function anonymiseDebtorData(tx: Db, debtorId: number, now: Date) {
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
}

/** The timeline records the anonymisation, without personal data. */
export async function recordDebtorAnonymised(tx: Db, event: { creditorId: number; debtorId: number; retentionMonths: number; filesRemoved: number }, now: Date) {
  await tx.insert(timelineEvents).values({
    creditorId: event.creditorId,
    debtorId: event.debtorId,
    type: "debtor_anonymised",
    actor: "job",
    data: { retentionMonths: event.retentionMonths, filesRemoved: event.filesRemoved },
    occurredAt: now,
  });
}

/** Every creditor with its time zone. */
export async function listCreditorZones(db: Db) {
  return await db.select({ id: creditors.id, timeZone: creditors.timeZone }).from(creditors);
}

/** Claims the creditor's local day for retention: false if a pass already ran that day. */
export async function claimRetentionDay(db: Db, creditorId: number, today: string): Promise<boolean> {
  const claimed = await db
    .update(creditors)
    .set({ retentionRunOn: today })
    .where(and(eq(creditors.id, creditorId), or(isNull(creditors.retentionRunOn), ne(creditors.retentionRunOn, today))))
    .returning({ id: creditors.id });
  return claimed.length === 1;
}

/** Previews nobody confirmed (or cancelled) within a day, and any a stopped server left half-read. */
export async function findStaleImportPreviews(db: Reader, now: Date): Promise<StaleImportPreview[]> {
  return await db
    .select({ runId: importRuns.id, creditorId: importRuns.creditorId, fileName: importRuns.fileName, createdAt: importRuns.createdAt, filePath: importRuns.filePath })
    .from(importRuns)
    .where(and(inArray(importRuns.status, ["previewing", "previewed"]), lt(importRuns.createdAt, new Date(now.getTime() - IMPORT_PREVIEW_KEPT_MS))))
    .orderBy(importRuns.id);
}

/** Whether the import run is still a preview nobody confirmed. */
export async function isImportPreviewPending(tx: Db, runId: number): Promise<boolean> {
  const still = first(
    await tx
      .select({ id: importRuns.id })
      .from(importRuns)
      .where(and(eq(importRuns.id, runId), inArray(importRuns.status, ["previewing", "previewed"]))),
  );
  return still !== undefined;
}

/** Deletes the import run and its rows' issues. */
export async function deleteImportRun(tx: Db, runId: number) {
  await tx.delete(importRowIssues).where(eq(importRowIssues.runId, runId));
  await tx.delete(importRuns).where(eq(importRuns.id, runId));
}

/** The files of imports waiting or running. */
export async function listImportFilesInUse(db: Reader) {
  return await db
    .select({ path: importRuns.filePath })
    .from(importRuns)
    .where(inArray(importRuns.status, ["previewing", "previewed", "running"]));
}
