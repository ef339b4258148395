import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import { transaction, type Db } from "../../../db/client";
import type { importRuns } from "../../../db/tables";
import type { ImportCounts } from "../../../db/schema";
import {
  cancelImportRun,
  createImportRun,
  deleteImportIssues,
  deleteImportRun,
  failImportRun,
  findImportRun,
  findRunningImportRun,
  finishImportRun,
  insertImportIssues,
  listImportHistory,
  listImportIssues,
  listRunningImportRuns,
  markImportRunPreviewed,
  setImportProgress,
  startImportRun,
} from "../../models/import-runs.server";
import { IMPORT_COLUMNS, MAX_IMPORT_BYTES, templateRows } from "../../domain/csv-import";
import { toCsv } from "../../domain/csv";
import { formatCalendarDate, localDate, type CalendarDate } from "../../domain/dates";
import { FIELD_LABELS, checkDebtor, checkInvoice } from "../../domain/intake";
import { formatMoney } from "../../domain/money";
import { getEnv } from "../../env.server";
import { now } from "../../clock.server";
import { countTermsFlags, listTermsFlags } from "../../models/intake.server";
import { readLimitedFormToDisk, requireFormToken, requireSameOrigin, type StoredUpload } from "../http/http.server";
import type { IntakeOptions, IntakeRow, RowOutcome } from "../shared/intake.server";
import { requireStaff, staffFormToken } from "../auth/staff-auth.server";
import {
  importFile,
  previewFile,
  readImportRows,
  sniffImportFile,
  tooLargeMessage,
  type FileOutcome,
  type ImportDelimiter,
  type ImportEncoding,
  type ImportSource,
} from "./import-file.server";

const PREVIEW_LINES = 10;
const ISSUES_ON_SCREEN = 200;
const LOCALE = "fr-FR";

const refused = (thrown: unknown, status: number) => thrown instanceof Response && thrown.status === status;

export type ImportProgress = (done: number, total: number, outcomes: RowOutcome[]) => void | Promise<void>;
function issueRows(runId: number, phase: "preview" | "import", outcomes: readonly RowOutcome[]) {
  return outcomes.flatMap((o) => [
    ...o.errors.map((e) => ({ runId, phase, severity: "error" as const, rowNumber: o.rowNumber, column: e.field, message: e.message })),
    ...o.warnings.map((w) => ({ runId, phase, severity: "warning" as const, rowNumber: o.rowNumber, column: w.field, message: w.message })),
  ]);
}

// ---------------------------------------------------------------------------------------------
// The back-office page

const running = new Map<number, Promise<void>>();

/** Tests and the benchmark: resolves when the import started for this run has finished. */
export function importSettled(runId: number): Promise<void> {
  return running.get(runId) ?? Promise.resolve();
}

async function staffFor(db: Db, request: Request, write: boolean) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (write && staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas d'importer des factures.", { status: 403 });
  return { at, staff, today: localDate(at, staff.creditorTimeZone) };
}

export type ImportActionResult = { error: string } | { error?: undefined };

export async function importAction(db: Db, request: Request) {
  requireSameOrigin(request);
  const { at, staff, today } = await staffFor(db, request, true);
  // Room for the multipart envelope around a file of the maximum size; the file itself is cut at its limit,
  // and goes to disk as it arrives: it is never whole in memory.
  const dir = resolve(getEnv().STORAGE_DIR, "imports");
  const read = await readLimitedFormToDisk(request, MAX_IMPORT_BYTES + 64 * 1024, { maxBytes: MAX_IMPORT_BYTES, tooLarge: () => tooLargeMessage }, dir).catch(
    (refused: unknown) => refused,
  );
  if (refused(read, 413)) return data({ error: tooLargeMessage } satisfies ImportActionResult, { status: 413 });
  if (read instanceof Response || !read || typeof read !== "object" || !("form" in read))
    return data({ error: "Le formulaire n'a pas pu être lu : choisissez à nouveau le fichier." } satisfies ImportActionResult, { status: 400 });
  const { form, files } = read as Awaited<ReturnType<typeof readLimitedFormToDisk>>;
  const upload = files.get("file");
  let kept = false;
  try {
    requireFormToken(form, await staffFormToken(request));
    const intent = form.get("intent");
    if (intent === "confirm" || intent === "cancel") {
      const runId = z.coerce.number().int().positive().safeParse(form.get("runId"));
      if (!runId.success) return data({ error: "Import introuvable." } satisfies ImportActionResult, { status: 404 });
      return intent === "confirm" ? await confirmRun(db, staff.creditorId, runId.data, today) : await cancelRun(db, staff.creditorId, runId.data);
    }
    if (!upload || (upload.size === 0 && upload.name === "")) return data({ error: "Choisissez un fichier CSV à importer." } satisfies ImportActionResult, { status: 400 });
    const previewed = await previewUpload(db, { creditorId: staff.creditorId, today, at }, staff.id, upload);
    if (!previewed.ok) return data({ error: previewed.message } satisfies ImportActionResult, { status: 400 });
    kept = true;
    throw redirect(`/backoffice/import?run=${previewed.runId}`, 303);
  } finally {
    // Refused, or not a preview at all: the upload goes at once. A preview keeps it until confirmed, cancelled or purged.
    for (const file of files.values()) if (!(kept && file === upload)) rmSync(file.path, { force: true });
  }
}

const NO_COUNTS: ImportCounts = { debtors: { created: 0, updated: 0, unchanged: 0 }, invoices: { created: 0, updated: 0, unchanged: 0 }, errors: 0, warnings: 0 };

/**
 * The run exists from the start, as "previewing": the preview's issues are written to it chunk by
 * chunk instead of piling up in memory, and nobody can confirm it (or see it) until it is "previewed".
 * A refused file leaves no run behind.
 */
async function previewUpload(db: Db, options: IntakeOptions, staffUserId: number, upload: StoredUpload): Promise<{ ok: true; runId: number } | { ok: false; message: string }> {
  const sniffed = await sniffImportFile(upload.path);
  if (!sniffed.ok) return sniffed;
  const { file } = sniffed;
  const fileName = upload.name.replace(/[^\p{L}\p{N} ._()-]/gu, "_").slice(0, 120) || "import.csv";
  const runId = await createImportRun(db, {
    creditorId: options.creditorId,
    staffUserId,
    fileName,
    filePath: file.path,
    fileSha256: file.sha256,
    encoding: file.encoding,
    delimiter: file.delimiter,
    status: "previewing",
    totalRows: 0,
    preview: NO_COUNTS,
    createdAt: options.at,
  });
  let outcome: FileOutcome | null = null;
  try {
    outcome = await previewFile(db, options, file, async (outcomes) => await transaction(db, async (tx) => insertImportIssues(tx, issueRows(runId, "preview", outcomes))));
    if (outcome.ok) await markImportRunPreviewed(db, runId, outcome.rows, outcome.counts);
  } finally {
    if (!outcome?.ok) await discardRun(db, runId);
  }
  return outcome.ok ? { ok: true, runId } : outcome;
}

/** A run and its issues, gone (a refused preview; the purge of previews nobody confirmed). */
export async function discardRun(db: Db, runId: number) {
  await transaction(db, async (tx) => deleteImportRun(tx, runId));
}

async function confirmRun(db: Db, creditorId: number, runId: number, today: CalendarDate) {
  const busy = await findRunningImportRun(db, creditorId);
  if (busy) return data({ error: "Un import est déjà en cours : attendez qu'il se termine." } satisfies ImportActionResult, { status: 409 });
  const at = now();
  // previewed → running, once: a second click (or a second tab) starts nothing.
  const run = await startImportRun(db, creditorId, runId, at);
  if (!run) return data({ error: "Cet import a déjà été lancé ou annulé." } satisfies ImportActionResult, { status: 409 });
  const job = runInBackground(db, run, { creditorId, today, at }).finally(() => running.delete(run.id));
  running.set(run.id, job);
  throw redirect(`/backoffice/import?run=${run.id}`, 303);
}

async function cancelRun(db: Db, creditorId: number, runId: number) {
  const run = await findRun(db, creditorId, runId);
  const cancelled = run ? await cancelImportRun(db, run.id, now()) : false;
  if (!run || !cancelled) return data({ error: "Cet import a déjà été lancé ou annulé." } satisfies ImportActionResult, { status: 409 });
  if (run.filePath) rmSync(run.filePath, { force: true });
  throw redirect("/backoffice/import", 303);
}

async function runInBackground(db: Db, run: typeof importRuns.$inferSelect, options: IntakeOptions) {
  try {
    // The very file the preview read (same hash), read again as a stream; its checks then cannot fail halfway.
    const sniffed = run.filePath ? await sniffImportFile(run.filePath).catch(() => null) : null;
    if (!sniffed?.ok || sniffed.file.sha256 !== run.fileSha256) throw new Error("Le fichier de l'aperçu n'est plus disponible ou a changé : importez-le à nouveau.");
    await deleteImportIssues(db, run.id, "import");
    const outcome = await importFile(db, options, sniffed.file, async (tx, outcomes, done) => {
      // In the chunk's own transaction: the progress and the report never run ahead of what is written.
      await insertImportIssues(tx, issueRows(run.id, "import", outcomes));
      await setImportProgress(tx, run.id, done);
    });
    if (!outcome.ok) throw new Error(outcome.message);
    await finishImportRun(db, run.id, outcome.counts, now());
  } catch (error) {
    await failImportRun(db, run.id, error instanceof Error ? error.message.slice(0, 500) : "Erreur inconnue", now());
  } finally {
    // Done or failed, the file is of no more use: a failed import is finished by importing the file again.
    if (run.filePath) rmSync(run.filePath, { force: true });
  }
}

/** A run left "running" by a server that stopped: what was written stays; importing again finishes it. */
async function markInterrupted(db: Db, creditorId: number) {
  for (const run of await listRunningImportRuns(db, creditorId)) {
    if (running.has(run.id)) continue;
    await failImportRun(db, run.id, "Interrompu (redémarrage du serveur) : les lignes déjà traitées sont enregistrées ; importez à nouveau le fichier pour terminer.", now());
  }
}

const runIdParam = z.coerce.number().int().positive();

async function findRun(db: Db, creditorId: number, runId: unknown) {
  const id = runIdParam.safeParse(runId);
  if (!id.success) return null;
  // A run still "previewing" is not there yet for anyone: its request has not answered.
  return (await findImportRun(db, creditorId, id.data)) ?? null;
}

const label = (field: string | null, headerOf?: Record<string, string>) => (field ? (headerOf?.[field] ?? FIELD_LABELS[field] ?? field) : "");

export async function loadImportPage(db: Db, request: Request) {
  const { staff, today } = await staffFor(db, request, false);
  await markInterrupted(db, staff.creditorId);
  const url = new URL(request.url);
  const run = url.searchParams.has("run") ? await findRun(db, staff.creditorId, url.searchParams.get("run")) : null;
  if (url.searchParams.has("run") && !run) throw new Response("Import introuvable.", { status: 404 });
  const history = (await listImportHistory(db, staff.creditorId, 20)).map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null }));
  return {
    canImport: staff.role !== "read_only",
    timeZone: staff.creditorTimeZone,
    columns: IMPORT_COLUMNS.map(({ french, english, required, help, key }) => ({ french, english, required, help, label: FIELD_LABELS[key] ?? key })),
    maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
    history,
    run: run ? await describeRun(db, run, today) : null,
    flags: {
      count: await countTermsFlags(db, staff.creditorId),
      list: (await listTermsFlags(db, staff.creditorId, 20)).map((f) => ({ ...f, dueDate: formatCalendarDate(f.dueDate, LOCALE) })),
    },
  };
}

async function describeRun(db: Db, run: typeof importRuns.$inferSelect, today: CalendarDate) {
  const phase = run.status === "previewed" || run.status === "cancelled" ? "preview" : "import";
  const issues = await listImportIssues(db, run.id, phase, ISSUES_ON_SCREEN);
  let headerOf: Record<string, string> = {};
  let lines: { rowNumber: number; debtorRef: string; name: string; number: string; amount: string; issueDate: string; dueDate: string; ok: boolean }[] = [];
  if (run.status === "previewed" && run.filePath) {
    // Only the first lines are read, whatever the size of the file.
    const source: ImportSource = { path: run.filePath, encoding: run.encoding as ImportEncoding, delimiter: run.delimiter as ImportDelimiter };
    let initial: IntakeRow[] = [];
    const read = await readImportRows(source, (rows) => void (initial = rows), { chunkRows: PREVIEW_LINES, limit: PREVIEW_LINES }).catch(() => null);
    if (read?.ok) {
      headerOf = read.header.headerOf;
      lines = initial.map((row) => {
        const debtor = checkDebtor(row.debtor!);
        const invoice = checkInvoice({ ...row.invoice!, debtorRef: row.debtor!.externalRef }, today);
        return {
          rowNumber: row.rowNumber,
          debtorRef: debtor.ok ? debtor.value.externalRef : (row.debtor!.externalRef ?? ""),
          name: debtor.ok ? debtor.value.name : (row.debtor!.name ?? ""),
          number: invoice.ok ? invoice.value.number : (row.invoice!.number ?? ""),
          amount: invoice.ok ? formatMoney({ cents: invoice.value.amountCents, currency: "EUR" }, LOCALE) : (row.invoice!.amount ?? ""),
          issueDate: invoice.ok ? formatCalendarDate(invoice.value.issueDate, LOCALE) : (row.invoice!.issueDate ?? ""),
          dueDate: invoice.ok ? formatCalendarDate(invoice.value.dueDate, LOCALE) : (row.invoice!.dueDate ?? ""),
          ok: debtor.ok && invoice.ok,
        };
      });
    }
  }
  return {
    id: run.id,
    fileName: run.fileName,
    status: run.status,
    encoding: run.encoding,
    delimiter: run.delimiter,
    totalRows: run.totalRows,
    processedRows: run.processedRows,
    counts: (run.outcome ?? run.preview) satisfies ImportCounts,
    isOutcome: run.outcome !== null,
    failure: run.failure,
    lines,
    issues: issues.map((i) => ({ rowNumber: i.rowNumber, column: label(i.column, headerOf), severity: i.severity, message: i.message })),
    moreIssues: issues.length === ISSUES_ON_SCREEN,
  };
}

/** What the page polls while an import runs. */
export async function importProgress(db: Db, request: Request, runId: string) {
  const { staff } = await staffFor(db, request, false);
  const run = await findRun(db, staff.creditorId, runId);
  if (!run) throw new Response("Import introuvable.", { status: 404 });
  return Response.json({ status: run.status, processedRows: run.processedRows, totalRows: run.totalRows }, { headers: { "Cache-Control": "no-store" } });
}

/** The per-row report as CSV, safe to open in a spreadsheet (cells that look like formulas are neutralised). */
export async function importIssuesCsv(db: Db, request: Request, runId: string) {
  const { staff } = await staffFor(db, request, false);
  const run = await findRun(db, staff.creditorId, runId);
  if (!run) throw new Response("Import introuvable.", { status: 404 });
  const phase = run.status === "previewed" || run.status === "cancelled" ? "preview" : "import";
  const rows = await listImportIssues(db, run.id, phase);
  const csv = toCsv(
    ["Ligne", "Colonne", "Gravité", "Motif"],
    rows.map((r) => [String(r.rowNumber), label(r.column), r.severity === "error" ? "refusée" : "avertissement", r.message]),
  );
  return csvResponse(csv, `rapport-import-${run.id}.csv`);
}

export function importTemplateCsv() {
  const { header, rows } = templateRows();
  return csvResponse(toCsv(header, rows), "modele-import-relance.csv");
}

function csvResponse(csv: string, name: string) {
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "no-store",
    },
  });
}
