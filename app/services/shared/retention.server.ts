import { readdirSync, rmSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { transaction, type Db } from "../../../db/client";
import { IMPORT_PREVIEW_KEPT_MS } from "../../domain/csv-import";
import { decideRetention } from "../../domain/retention";
import {
  anonymiseDebtorData,
  claimRetentionDay,
  deleteImportRun,
  findStaleImportPreviews,
  getDebtorRetention,
  isImportPreviewPending,
  listCreditorZones,
  listImportFilesInUse,
  listRetentionCandidateRows,
  listStoredFiles,
  loadRetentionFacts,
  recordDebtorAnonymised,
  type StaleImportPreview,
} from "../../models/retention.server";
import { localDate } from "../../domain/dates";

export type RetentionDeps = { db: Db; storageDir: string; now: Date };

export type RetentionCandidate = { debtorId: number; creditorId: number; name: string; closedAt: Date; files: string[] };

/** Debtors of one creditor (or all) whose retention period is over, with the files that would go. */
export async function findRetentionCandidates(db: Db, now: Date, creditorId?: number): Promise<RetentionCandidate[]> {
  const rows = await listRetentionCandidateRows(db, creditorId);
  const due: RetentionCandidate[] = [];
  for (const row of rows) {
    const facts = await loadRetentionFacts(db, row.id);
    const decision = decideRetention(facts, row.months, now);
    if (decision.due) due.push({ debtorId: row.id, creditorId: row.creditorId, name: facts.name, closedAt: decision.closedAt, files: await listStoredFiles(db, row.id) });
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
    const debtor = await getDebtorRetention(tx, debtorId);
    if (!debtor || !decideRetention(await loadRetentionFacts(tx, debtorId), debtor.months, now).due) return null;
    const files = await listStoredFiles(tx, debtorId);
    await anonymiseDebtorData(tx, debtorId, now);
    await recordDebtorAnonymised(tx, { creditorId: debtor.creditorId, debtorId, retentionMonths: debtor.months, filesRemoved: files.length }, now);
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
  for (const creditor of await listCreditorZones(deps.db)) {
    const today = localDate(deps.now, creditor.timeZone);
    if (!(await claimRetentionDay(deps.db, creditor.id, today))) continue;
    const report = await runRetention(deps, creditor.id);
    total.anonymised.push(...report.anonymised);
    total.filesRemoved += report.filesRemoved;
    total.filesOutsideStorage.push(...report.filesOutsideStorage);
  }
  return total;
}

export { findStaleImportPreviews, type StaleImportPreview } from "../../models/retention.server";
export type ImportPurgeReport = { purged: StaleImportPreview[]; filesRemoved: number; filesOutsideStorage: string[] };

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
      if (!(await isImportPreviewPending(tx, stale.runId))) return false;
      await deleteImportRun(tx, stale.runId);
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
  const kept = new Set((await listImportFilesInUse(db)).flatMap((r) => (r.path ? [resolve(r.path)] : [])));
  for (const name of names) {
    const path = join(dir, name);
    const modified = statSync(path, { throwIfNoEntry: false })?.mtimeMs;
    if (!kept.has(resolve(path)) && modified !== undefined && modified < before) removeFile(path);
  }
  return report;
}
