import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { debtors } from "./debtors";
import { invoices } from "./invoices";
import { debtorLinks } from "./links";

/**
 * What the debtor stated when committing (L6): exact text shown, input, time, IP/UA, link and session.
 * Kept with each promise and plan because an acknowledgment of debt interrupts prescription.
 */
const acknowledgment = {
  acknowledgmentText: text("acknowledgment_text"),
  acknowledgedIp: text("acknowledged_ip"),
  acknowledgedUserAgent: text("acknowledged_user_agent"),
  linkId: integer("link_id").references(() => debtorLinks.id),
};

export const promises = sqliteTable(
  "promises",
  {
    id: id(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    promisedDate: text("promised_date").notNull(),
    amountCents: integer("amount_cents"),
    source: text("source", { enum: ["portal", "phone", "staff"] }).notNull(),
    status: text("status", { enum: ["open", "kept", "broken", "cancelled"] })
      .notNull()
      .default("open"),
    resolvedAt: instant("resolved_at"),
    ...acknowledgment,
    createdAt: createdAt(),
  },
  (t) => [index("promises_invoice_idx").on(t.invoiceId), index("promises_status_idx").on(t.status)],
);

export const installmentPlans = sqliteTable(
  "installment_plans",
  {
    id: id(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull(),
    status: text("status", {
      // lapsed: nobody decided within the creditor's review deadline, so it no longer holds the cadence.
      enum: ["pending_review", "accepted", "rejected", "countered", "defaulted", "completed", "lapsed"],
    }).notNull(),
    decisionReason: text("decision_reason"),
    decidedAt: instant("decided_at"),
    ...acknowledgment,
    createdAt: createdAt(),
  },
  (t) => [index("installment_plans_debtor_idx").on(t.debtorId)],
);

export const installmentPlanInvoices = sqliteTable("installment_plan_invoices", {
  planId: integer("plan_id")
    .notNull()
    .references(() => installmentPlans.id),
  invoiceId: integer("invoice_id")
    .notNull()
    .references(() => invoices.id),
});

export const installments = sqliteTable(
  "installments",
  {
    id: id(),
    planId: integer("plan_id")
      .notNull()
      .references(() => installmentPlans.id),
    position: integer("position").notNull(),
    dueDate: text("due_date").notNull(),
    amountCents: integer("amount_cents").notNull(),
    paidCents: integer("paid_cents").notNull().default(0),
    status: text("status", { enum: ["scheduled", "paid", "missed"] }).notNull().default("scheduled"),
  },
  (t) => [index("installments_plan_idx").on(t.planId)],
);

export const disputes = sqliteTable(
  "disputes",
  {
    id: id(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    reason: text("reason", {
      enum: ["amount", "not_received", "quality", "already_paid", "missing_po", "other"],
    }).notNull(),
    message: text("message").notNull(),
    status: text("status", { enum: ["open", "founded", "unfounded"] }).notNull().default("open"),
    resolution: text("resolution", { enum: ["cancelled", "credit_note", "corrected_amount"] }),
    resolutionNote: text("resolution_note"),
    resolvedAt: instant("resolved_at"),
    linkId: integer("link_id").references(() => debtorLinks.id),
    createdAt: createdAt(),
  },
  (t) => [index("disputes_invoice_idx").on(t.invoiceId)],
);

export const disputeFiles = sqliteTable("dispute_files", {
  id: id(),
  disputeId: integer("dispute_id")
    .notNull()
    .references(() => disputes.id),
  /** Path under the upload directory, outside the web root; never served as HTML. */
  storagePath: text("storage_path").notNull(),
  originalName: text("original_name").notNull(),
  contentType: text("content_type").notNull(),
  sizeBytes: integer("size_bytes").notNull(),
  createdAt: createdAt(),
});
