import { parseArgs } from "node:util";
import { getDb } from "../app/db.server";
import { getEnv } from "../app/env.server";
import { runCli, UsageError } from "./cli";
import {
  findRetentionCandidates,
  findStaleImportPreviews,
  purgeStaleImportPreviews,
  runRetention,
  type RetentionCandidate,
  type StaleImportPreview,
} from "../app/services/shared/retention.server";

const usage = `Usage: npm run retention -- [--dry-run] [--now 2026-11-20T09:00:00Z]
  Anonymises debtors whose invoices have all been settled or written off for longer than their
  creditor's retention period, and deletes their uploads and letters. Amounts, numbers and dates stay.
  Also purges CSV import previews nobody confirmed within a day, with their stored files.
  --dry-run   list what would be anonymised and removed; write nothing
  --now       pretend it is this instant (tests and demos)`;

function parse() {
  try {
    return parseArgs({ options: { "dry-run": { type: "boolean" }, now: { type: "string" }, help: { type: "boolean" } } }).values;
  } catch (error) {
    // parseArgs names the unknown option or the missing value; that is what the user needs to read.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function describe(candidate: RetentionCandidate) {
  console.log(`${candidate.name} (#${candidate.debtorId}, creditor #${candidate.creditorId}), settled since ${candidate.closedAt.toISOString().slice(0, 10)}`);
  for (const file of candidate.files) console.log(`  file ${file}`);
}

function describePreview(preview: StaleImportPreview) {
  console.log(`import preview #${preview.runId} "${preview.fileName}" (creditor #${preview.creditorId}), made ${preview.createdAt.toISOString()}`);
  if (preview.filePath) console.log(`  file ${preview.filePath}`);
}

async function main() {
  const values = parse();
  if (values.help) return console.log(usage);
  if (values.now !== undefined && !/^\d{4}-\d{2}-\d{2}T/.test(values.now)) throw new UsageError(`--now must be an ISO instant such as 2026-11-20T09:00:00Z, got "${values.now}"`);
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO instant such as 2026-11-20T09:00:00Z, got "${values.now}"`);

  const db = getDb();
  if (values["dry-run"]) {
    const due = await findRetentionCandidates(db, now);
    due.forEach(describe);
    const files = due.reduce((n, c) => n + c.files.length, 0);
    const previews = await findStaleImportPreviews(db, now);
    previews.forEach(describePreview);
    console.log(`${previews.length} import preview(s) would be purged.`);
    console.log(`Dry run: ${due.length} debtor(s) would be anonymised and ${files} file(s) removed. Nothing was written.`);
    return;
  }
  const report = await runRetention({ db, storageDir: getEnv().STORAGE_DIR, now });
  report.anonymised.forEach(describe);
  console.log(`${report.anonymised.length} debtor(s) anonymised, ${report.filesRemoved} file(s) removed.`);
  const previews = await purgeStaleImportPreviews({ db, storageDir: getEnv().STORAGE_DIR, now });
  previews.purged.forEach(describePreview);
  console.log(`${previews.purged.length} import preview(s) purged, ${previews.filesRemoved} file(s) removed.`);
  for (const file of [...report.filesOutsideStorage, ...previews.filesOutsideStorage]) console.error(`Not removed, outside STORAGE_DIR: ${file}`);
}

await runCli(main, usage);
