import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { creditors, staffUsers } from "./creditors";
import { invoices } from "./invoices";

/**
 * Keys for the JSON API (`Authorization: Bearer rlk_…`). Only the SHA-256 of the key is kept; the
 * prefix (the first characters) is what staff recognise it by in the list.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdBy: integer("created_by").references(() => staffUsers.id),
    lastUsedAt: instant("last_used_at"),
    revokedAt: instant("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash), index("api_keys_creditor_idx").on(t.creditorId)],
);

export type ImportCounts = {
  debtors: { created: number; updated: number; unchanged: number };
  invoices: { created: number; updated: number; unchanged: number };
  errors: number;
  warnings: number;
};

/** One CSV file brought in from the back office: previewed ("previewing" while its request reads it), then imported in chunks (the history). */
export const importRuns = sqliteTable(
  "import_runs",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    staffUserId: integer("staff_user_id").references(() => staffUsers.id),
    fileName: text("file_name").notNull(),
    /** Where the uploaded file waits between preview and confirmation, outside the web root. */
    filePath: text("file_path"),
    fileSha256: text("file_sha256").notNull(),
    encoding: text("encoding").notNull(),
    delimiter: text("delimiter").notNull(),
    status: text("status", { enum: ["previewing", "previewed", "running", "done", "failed", "cancelled"] }).notNull(),
    totalRows: integer("total_rows").notNull(),
    processedRows: integer("processed_rows").notNull().default(0),
    preview: text("preview", { mode: "json" }).$type<ImportCounts>().notNull(),
    outcome: text("outcome", { mode: "json" }).$type<ImportCounts>(),
    failure: text("failure"),
    startedAt: instant("started_at"),
    finishedAt: instant("finished_at"),
    createdAt: createdAt(),
  },
  (t) => [index("import_runs_creditor_idx").on(t.creditorId, t.createdAt)],
);

/** Why a row was refused (or flagged), row by row, for the report on screen and its CSV download. */
export const importRowIssues = sqliteTable(
  "import_row_issues",
  {
    id: id(),
    runId: integer("run_id")
      .notNull()
      .references(() => importRuns.id),
    /** "preview" issues are replaced by the import's own when it runs. */
    phase: text("phase", { enum: ["preview", "import"] }).notNull(),
    severity: text("severity", { enum: ["error", "warning"] }).notNull(),
    rowNumber: integer("row_number").notNull(),
    column: text("column"),
    message: text("message").notNull(),
  },
  (t) => [index("import_row_issues_run_idx").on(t.runId, t.phase, t.rowNumber)],
);

/**
 * L3: an invoice whose payment terms go beyond the legal limit (60 days, or 45 days end of month
 * when stated) is imported but flagged here, for the back office to show. One row per flagged invoice.
 */
export const invoiceTermsFlags = sqliteTable("invoice_terms_flags", {
  invoiceId: integer("invoice_id")
    .primaryKey()
    .references(() => invoices.id),
  creditorId: integer("creditor_id")
    .notNull()
    .references(() => creditors.id),
  warning: text("warning").notNull(),
  flaggedAt: instant("flagged_at").notNull(),
});
