import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import { data, redirect } from "@remix-run/node";
import { parse } from "csv-parse/sync";
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { importRowIssues, importRuns, type ImportCounts } from "../../../db/schema";
import { IMPORT_COLUMNS, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, mapHeader, rowRecords, templateRows } from "../../domain/csv-import";
import { toCsv } from "../../domain/csv";
import { formatCalendarDate, localDate, type CalendarDate } from "../../domain/dates";
import { FIELD_LABELS, checkDebtor, checkInvoice } from "../../domain/intake";
import { formatMoney } from "../../domain/money";
import { getDb } from "../../db.server";
import { getEnv } from "../../env.server";
import { now } from "../../clock.server";
import { countTermsFlags, listTermsFlags } from "../../models/intake.server";
import { readLimitedForm, requireFormToken, requireSameOrigin } from "../http/http.server";
import { IntakeSession, IntakeTally, type IntakeOptions, type IntakeRow, type RowOutcome } from "../shared/intake.server";
import { requireStaff, staffFormToken } from "../auth/staff-auth.server";
import { randomToken, sha256Bytes } from "../auth/tokens.server";

/** Rows per transaction: short enough that the job and the web server are never kept waiting long. */
export const IMPORT_CHUNK_ROWS = 1000;
const PREVIEW_LINES = 10;
const ISSUES_ON_SCREEN = 200;
const LOCALE = "fr-FR";

export type ParsedFile =
  | { ok: true; encoding: "utf-8" | "windows-1252"; delimiter: ";" | ","; columns: (string | null)[]; ignored: string[]; headerOf: Record<string, string>; lines: string[][] }
  | { ok: false; message: string };

/** UTF-8 when the bytes are valid UTF-8 (with or without BOM), otherwise Windows-1252 (Excel's "CSV"). */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: "utf-8" | "windows-1252" } {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.replace(/^\ufeff/, ""), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}

/** Reads the file into lines of cells: encoding and separator guessed, header matched. */
export function parseImportFile(bytes: Uint8Array): ParsedFile {
  if (bytes.byteLength === 0) return { ok: false, message: "Le fichier est vide." };
  if (bytes.byteLength > MAX_IMPORT_BYTES) return { ok: false, message: tooLargeMessage };
  if (bytes.subarray(0, 4096).includes(0)) return { ok: false, message: "Ce fichier n'est pas un CSV (il contient des données binaires) : enregistrez-le au format « CSV » depuis votre tableur." };
  const { text, encoding } = decodeCsv(bytes);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) >= (firstLine.match(/,/g)?.length ?? 0) ? ";" : ",";
  let lines: string[][];
  try {
    lines = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, bom: true, max_record_size: 64 * 1024 }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return { ok: false, message: `Le fichier n'est pas un CSV lisible${line ? ` (vers la ligne ${line})` : ""} : vérifiez les guillemets et le séparateur (; ou ,).` };
  }
  const [header, ...rest] = lines;
  if (!header) return { ok: false, message: "Le fichier est vide." };
  if (rest.length === 0) return { ok: false, message: "Le fichier ne contient que la ligne d'en-tête : aucune facture à importer." };
  if (rest.length > MAX_IMPORT_ROWS) return { ok: false, message: `Le fichier compte ${rest.length} lignes ; au plus ${MAX_IMPORT_ROWS} par import : découpez-le.` };
  const mapped = mapHeader(header);
  if (!mapped.ok) return mapped;
  return { ok: true, encoding, delimiter, columns: mapped.columns, ignored: mapped.ignored, headerOf: mapped.headerOf, lines: rest };
}

const refused = (thrown: unknown, status: number) => thrown instanceof Response && thrown.status === status;

const tooLargeMessage = `Le fichier dépasse ${MAX_IMPORT_BYTES / 1024 / 1024} Mo : découpez-le en plusieurs fichiers.`;

/** Line numbers as a spreadsheet shows them: the header is line 1. */
function intakeRows(file: Extract<ParsedFile, { ok: true }>, from: number, to: number): IntakeRow[] {
  const rows: IntakeRow[] = [];
  for (let i = from; i < Math.min(to, file.lines.length); i++) rows.push({ rowNumber: i + 2, ...rowRecords(file.columns, file.lines[i]!) });
  return rows;
}

export type ImportProgress = (done: number, total: number, outcomes: RowOutcome[]) => void | Promise<void>;

/**
 * The import itself, for the back office and the benchmark alike: chunks of rows, each in its own
 * short transaction (a refused row writes nothing, the others are written whole), yielding to the
 * event loop between chunks so that the server answers meanwhile.
 */
export async function importFile(db: Db, options: IntakeOptions, file: Extract<ParsedFile, { ok: true }>, onChunk?: (tx: Db, outcomes: RowOutcome[], done: number) => void) {
  const session = new IntakeSession(options, true);
  const tally = new IntakeTally();
  for (let from = 0; from < file.lines.length; from += IMPORT_CHUNK_ROWS) {
    const rows = intakeRows(file, from, from + IMPORT_CHUNK_ROWS);
    const done = Math.min(from + IMPORT_CHUNK_ROWS, file.lines.length);
    const outcomes = session.run(db, rows, onChunk ? (tx, outcomes) => onChunk(tx, outcomes, done) : undefined);
    for (const outcome of outcomes) tally.add(outcome);
    await nextTurn();
  }
  return tally.counts();
}

/** Decides every row as the import would, writing nothing (yielding between chunks, like the import). */
async function previewFile(db: Db, options: IntakeOptions, file: Extract<ParsedFile, { ok: true }>) {
  const session = new IntakeSession(options, false);
  const tally = new IntakeTally();
  const issues: RowOutcome[] = [];
  for (let from = 0; from < file.lines.length; from += IMPORT_CHUNK_ROWS) {
    for (const outcome of session.run(db, intakeRows(file, from, from + IMPORT_CHUNK_ROWS))) {
      tally.add(outcome);
      if (outcome.errors.length + outcome.warnings.length > 0) issues.push(outcome);
    }
    await nextTurn();
  }
  return { counts: tally.counts(), issues };
}

function issueRows(runId: number, phase: "preview" | "import", outcomes: readonly RowOutcome[]) {
  return outcomes.flatMap((o) => [
    ...o.errors.map((e) => ({ runId, phase, severity: "error" as const, rowNumber: o.rowNumber, column: e.field, message: e.message })),
    ...o.warnings.map((w) => ({ runId, phase, severity: "warning" as const, rowNumber: o.rowNumber, column: w.field, message: w.message })),
  ]);
}

function insertIssues(tx: Pick<Db, "insert">, rows: ReturnType<typeof issueRows>) {
  for (let i = 0; i < rows.length; i += 1000) tx.insert(importRowIssues).values(rows.slice(i, i + 1000)).run();
}

// ---------------------------------------------------------------------------------------------
// The back-office page

const running = new Map<number, Promise<void>>();

/** Tests and the benchmark: resolves when the import started for this run has finished. */
export function importSettled(runId: number): Promise<void> {
  return running.get(runId) ?? Promise.resolve();
}

async function staffFor(request: Request, write: boolean) {
  const db = getDb();
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (write && staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas d'importer des factures.", { status: 403 });
  return { db, at, staff, today: localDate(at, staff.creditorTimeZone) };
}

export type ImportActionResult = { error: string } | { error?: undefined };

export async function importAction(request: Request) {
  requireSameOrigin(request);
  const { db, at, staff, today } = await staffFor(request, true);
  // Room for the multipart envelope around a file of the maximum size; the file itself is cut at its limit.
  const form = await readLimitedForm(request, MAX_IMPORT_BYTES + 64 * 1024, { maxBytes: MAX_IMPORT_BYTES, tooLarge: () => tooLargeMessage }).catch((refused: unknown) => refused);
  if (refused(form, 413)) return data({ error: tooLargeMessage } satisfies ImportActionResult, { status: 413 });
  if (!(form instanceof FormData)) return data({ error: "Le formulaire n'a pas pu être lu : choisissez à nouveau le fichier." } satisfies ImportActionResult, { status: 400 });
  requireFormToken(form, await staffFormToken(request));
  const intent = form.get("intent");
  if (intent === "confirm" || intent === "cancel") {
    const runId = z.coerce.number().int().positive().safeParse(form.get("runId"));
    if (!runId.success) return data({ error: "Import introuvable." } satisfies ImportActionResult, { status: 404 });
    return intent === "confirm" ? confirmRun(db, staff.creditorId, runId.data, today) : cancelRun(db, staff.creditorId, runId.data);
  }
  const file = form.get("file");
  if (!(file instanceof File) || (file.size === 0 && file.name === "")) return data({ error: "Choisissez un fichier CSV à importer." } satisfies ImportActionResult, { status: 400 });
  if (file.size > MAX_IMPORT_BYTES) return data({ error: tooLargeMessage } satisfies ImportActionResult, { status: 413 });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const parsed = parseImportFile(bytes);
  if (!parsed.ok) return data({ error: parsed.message } satisfies ImportActionResult, { status: 400 });
  const { counts, issues } = await previewFile(db, { creditorId: staff.creditorId, today, at }, parsed);
  const dir = resolve(getEnv().STORAGE_DIR, "imports");
  mkdirSync(dir, { recursive: true });
  const filePath = join(dir, `${randomToken(18)}.csv`);
  writeFileSync(filePath, bytes, { flag: "wx" });
  const fileName = file.name.replace(/[^\p{L}\p{N} ._()-]/gu, "_").slice(0, 120) || "import.csv";
  const runId = db.transaction((tx) => {
    const run = tx
      .insert(importRuns)
      .values({ creditorId: staff.creditorId, staffUserId: staff.id, fileName, filePath, fileSha256: sha256Bytes(bytes), encoding: parsed.encoding, delimiter: parsed.delimiter, status: "previewed", totalRows: parsed.lines.length, preview: counts, createdAt: at })
      .returning({ id: importRuns.id })
      .get();
    insertIssues(tx, issueRows(run.id, "preview", issues));
    return run.id;
  });
  throw redirect(`/backoffice/import?run=${runId}`, 303);
}

function confirmRun(db: Db, creditorId: number, runId: number, today: CalendarDate) {
  const busy = db.select({ id: importRuns.id }).from(importRuns).where(and(eq(importRuns.creditorId, creditorId), eq(importRuns.status, "running"))).get();
  if (busy) return data({ error: "Un import est déjà en cours : attendez qu'il se termine." } satisfies ImportActionResult, { status: 409 });
  const at = now();
  // previewed → running, once: a second click (or a second tab) starts nothing.
  const run = db
    .update(importRuns)
    .set({ status: "running", startedAt: at, processedRows: 0 })
    .where(and(eq(importRuns.id, runId), eq(importRuns.creditorId, creditorId), eq(importRuns.status, "previewed")))
    .returning()
    .get();
  if (!run) return data({ error: "Cet import a déjà été lancé ou annulé." } satisfies ImportActionResult, { status: 409 });
  const job = runInBackground(db, run, { creditorId, today, at }).finally(() => running.delete(run.id));
  running.set(run.id, job);
  throw redirect(`/backoffice/import?run=${run.id}`, 303);
}

function cancelRun(db: Db, creditorId: number, runId: number) {
  const run = findRun(db, creditorId, runId);
  const cancelled = run
    ? db
        .update(importRuns)
        .set({ status: "cancelled", filePath: null, finishedAt: now() })
        .where(and(eq(importRuns.id, run.id), eq(importRuns.status, "previewed")))
        .run().changes === 1
    : false;
  if (!run || !cancelled) return data({ error: "Cet import a déjà été lancé ou annulé." } satisfies ImportActionResult, { status: 409 });
  if (run.filePath) rmSync(run.filePath, { force: true });
  throw redirect("/backoffice/import", 303);
}

async function runInBackground(db: Db, run: typeof importRuns.$inferSelect, options: IntakeOptions) {
  try {
    const parsed = parseImportFile(new Uint8Array(readFileSync(run.filePath!)));
    if (!parsed.ok) throw new Error(parsed.message);
    db.delete(importRowIssues).where(and(eq(importRowIssues.runId, run.id), eq(importRowIssues.phase, "import"))).run();
    const counts = await importFile(db, options, parsed, (tx, outcomes, done) => {
      // In the chunk's own transaction: the progress and the report never run ahead of what is written.
      insertIssues(tx, issueRows(run.id, "import", outcomes));
      tx.update(importRuns).set({ processedRows: done }).where(eq(importRuns.id, run.id)).run();
    });
    db.update(importRuns).set({ status: "done", outcome: counts, finishedAt: now() }).where(eq(importRuns.id, run.id)).run();
    rmSync(run.filePath!, { force: true });
  } catch (error) {
    db.update(importRuns)
      .set({ status: "failed", failure: error instanceof Error ? error.message.slice(0, 500) : "Erreur inconnue", finishedAt: now() })
      .where(eq(importRuns.id, run.id))
      .run();
  }
}

/** A run left "running" by a server that stopped: what was written stays; importing again finishes it. */
function markInterrupted(db: Db, creditorId: number) {
  for (const run of db.select({ id: importRuns.id }).from(importRuns).where(and(eq(importRuns.creditorId, creditorId), eq(importRuns.status, "running"))).all()) {
    if (running.has(run.id)) continue;
    db.update(importRuns)
      .set({ status: "failed", failure: "Interrompu (redémarrage du serveur) : les lignes déjà traitées sont enregistrées ; importez à nouveau le fichier pour terminer.", finishedAt: now() })
      .where(eq(importRuns.id, run.id))
      .run();
  }
}

const runIdParam = z.coerce.number().int().positive();

function findRun(db: Db, creditorId: number, runId: unknown) {
  const id = runIdParam.safeParse(runId);
  if (!id.success) return null;
  return db.select().from(importRuns).where(and(eq(importRuns.id, id.data), eq(importRuns.creditorId, creditorId))).get() ?? null;
}

const label = (field: string | null, headerOf?: Record<string, string>) => (field ? (headerOf?.[field] ?? FIELD_LABELS[field] ?? field) : "");

export async function loadImportPage(request: Request) {
  const { db, staff, today } = await staffFor(request, false);
  markInterrupted(db, staff.creditorId);
  const url = new URL(request.url);
  const run = url.searchParams.has("run") ? findRun(db, staff.creditorId, url.searchParams.get("run")) : null;
  if (url.searchParams.has("run") && !run) throw new Response("Import introuvable.", { status: 404 });
  const history = db
    .select({ id: importRuns.id, fileName: importRuns.fileName, status: importRuns.status, totalRows: importRuns.totalRows, preview: importRuns.preview, outcome: importRuns.outcome, createdAt: importRuns.createdAt, finishedAt: importRuns.finishedAt })
    .from(importRuns)
    .where(eq(importRuns.creditorId, staff.creditorId))
    .orderBy(desc(importRuns.id))
    .limit(20)
    .all()
    .map((r) => ({ ...r, createdAt: r.createdAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null }));
  return {
    canImport: staff.role !== "read_only",
    timeZone: staff.creditorTimeZone,
    columns: IMPORT_COLUMNS.map(({ french, english, required, help, key }) => ({ french, english, required, help, label: FIELD_LABELS[key] ?? key })),
    maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
    history,
    run: run ? describeRun(db, run, today) : null,
    flags: { count: countTermsFlags(db, staff.creditorId), list: listTermsFlags(db, staff.creditorId, 20).map((f) => ({ ...f, dueDate: formatCalendarDate(f.dueDate, LOCALE) })) },
  };
}

function describeRun(db: Db, run: typeof importRuns.$inferSelect, today: CalendarDate) {
  const phase = run.status === "previewed" || run.status === "cancelled" ? "preview" : "import";
  const issues = db
    .select()
    .from(importRowIssues)
    .where(and(eq(importRowIssues.runId, run.id), eq(importRowIssues.phase, phase)))
    .orderBy(importRowIssues.rowNumber, importRowIssues.id)
    .limit(ISSUES_ON_SCREEN)
    .all();
  let headerOf: Record<string, string> = {};
  let lines: { rowNumber: number; debtorRef: string; name: string; number: string; amount: string; issueDate: string; dueDate: string; ok: boolean }[] = [];
  if (run.status === "previewed" && run.filePath) {
    const parsed = parseImportFile(new Uint8Array(readFileSync(run.filePath)));
    if (parsed.ok) {
      headerOf = parsed.headerOf;
      lines = intakeRows(parsed, 0, PREVIEW_LINES).map((row) => {
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
export async function importProgress(request: Request, runId: string) {
  const { db, staff } = await staffFor(request, false);
  const run = findRun(db, staff.creditorId, runId);
  if (!run) throw new Response("Import introuvable.", { status: 404 });
  return Response.json(
    { status: run.status, processedRows: run.processedRows, totalRows: run.totalRows },
    { headers: { "Cache-Control": "no-store" } },
  );
}

/** The per-row report as CSV, safe to open in a spreadsheet (cells that look like formulas are neutralised). */
export async function importIssuesCsv(request: Request, runId: string) {
  const { db, staff } = await staffFor(request, false);
  const run = findRun(db, staff.creditorId, runId);
  if (!run) throw new Response("Import introuvable.", { status: 404 });
  const phase = run.status === "previewed" || run.status === "cancelled" ? "preview" : "import";
  const rows = db
    .select()
    .from(importRowIssues)
    .where(and(eq(importRowIssues.runId, run.id), eq(importRowIssues.phase, phase)))
    .orderBy(importRowIssues.rowNumber, importRowIssues.id)
    .all();
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
