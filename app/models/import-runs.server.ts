import { and, desc, eq, ne } from "drizzle-orm";
import { first, one, type Db } from "../../db/client";
import { importRowIssues, importRuns } from "../../db/tables";
import { type ImportCounts } from "../../db/schema";

type ImportRun = typeof importRuns.$inferSelect;
type Phase = "preview" | "import";

/** The rows' issues, a thousand rows per statement. */
export async function insertImportIssues(tx: Pick<Db, "insert">, rows: readonly (typeof importRowIssues.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(importRowIssues).values(rows.slice(i, i + 1000));
}

/** A new run; its id. */
export async function createImportRun(db: Db, run: Omit<typeof importRuns.$inferInsert, "id">): Promise<number> {
  return one(await db.insert(importRuns).values(run).returning({ id: importRuns.id })).id;
}

export async function markImportRunPreviewed(db: Db, runId: number, totalRows: number, preview: ImportCounts) {
  await db.update(importRuns).set({ status: "previewed", totalRows, preview }).where(eq(importRuns.id, runId));
}

/** The run's issues, then the run. */
export async function deleteImportRun(tx: Db, runId: number) {
  await tx.delete(importRowIssues).where(eq(importRowIssues.runId, runId));
  await tx.delete(importRuns).where(eq(importRuns.id, runId));
}

/** An import of this creditor that is running, or undefined. */
export async function findRunningImportRun(db: Db, creditorId: number) {
  return first(
    await db
      .select({ id: importRuns.id })
      .from(importRuns)
      .where(and(eq(importRuns.creditorId, creditorId), eq(importRuns.status, "running"))),
  );
}

/** The ids of this creditor's runs marked running. */
export async function listRunningImportRuns(db: Db, creditorId: number) {
  return await db
    .select({ id: importRuns.id })
    .from(importRuns)
    .where(and(eq(importRuns.creditorId, creditorId), eq(importRuns.status, "running")));
}

/** previewed → running, once: the started run, or undefined if it was no longer previewed. */
export async function startImportRun(db: Db, creditorId: number, runId: number, at: Date): Promise<ImportRun | undefined> {
  return first(
    await db
      .update(importRuns)
      .set({ status: "running", startedAt: at, processedRows: 0 })
      .where(and(eq(importRuns.id, runId), eq(importRuns.creditorId, creditorId), eq(importRuns.status, "previewed")))
      .returning(),
  );
}

/** previewed → cancelled, its file forgotten; false if it was no longer previewed. */
export async function cancelImportRun(db: Db, runId: number, at: Date): Promise<boolean> {
  return (
    (
      await db
        .update(importRuns)
        .set({ status: "cancelled", filePath: null, finishedAt: at })
        .where(and(eq(importRuns.id, runId), eq(importRuns.status, "previewed")))
        .returning({ id: importRuns.id })
    ).length === 1
  );
}

export async function deleteImportIssues(db: Db, runId: number, phase: Phase) {
  await db.delete(importRowIssues).where(and(eq(importRowIssues.runId, runId), eq(importRowIssues.phase, phase)));
}

export async function setImportProgress(tx: Db, runId: number, processedRows: number) {
  await tx.update(importRuns).set({ processedRows }).where(eq(importRuns.id, runId));
}

export async function finishImportRun(db: Db, runId: number, outcome: ImportCounts, at: Date) {
  await db.update(importRuns).set({ status: "done", outcome, finishedAt: at }).where(eq(importRuns.id, runId));
}

export async function failImportRun(db: Db, runId: number, failure: string, at: Date) {
  await db.update(importRuns).set({ status: "failed", failure, finishedAt: at }).where(eq(importRuns.id, runId));
}

/** One run of this creditor; a run still "previewing" is not there yet for anyone: its request has not answered. */
export async function findImportRun(db: Db, creditorId: number, runId: number) {
  return first(
    await db
      .select()
      .from(importRuns)
      .where(and(eq(importRuns.id, runId), eq(importRuns.creditorId, creditorId), ne(importRuns.status, "previewing"))),
  );
}

/** The creditor's latest runs (none still previewing), newest first. */
export async function listImportHistory(db: Db, creditorId: number, limit: number) {
  return await db
    .select({
      id: importRuns.id,
      fileName: importRuns.fileName,
      status: importRuns.status,
      totalRows: importRuns.totalRows,
      preview: importRuns.preview,
      outcome: importRuns.outcome,
      createdAt: importRuns.createdAt,
      finishedAt: importRuns.finishedAt,
    })
    .from(importRuns)
    .where(and(eq(importRuns.creditorId, creditorId), ne(importRuns.status, "previewing")))
    .orderBy(desc(importRuns.id))
    .limit(limit);
}

/** A phase's issues by row, the first `limit` of them (or all). */
export async function listImportIssues(db: Db, runId: number, phase: Phase, limit?: number) {
  const issues = db
    .select()
    .from(importRowIssues)
    .where(and(eq(importRowIssues.runId, runId), eq(importRowIssues.phase, phase)))
    .orderBy(importRowIssues.rowNumber, importRowIssues.id);
  return limit === undefined ? await issues : await issues.limit(limit);
}
