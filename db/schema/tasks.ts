import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { creditors, staffUsers } from "./creditors";
import { debtors } from "./debtors";
import { invoices } from "./invoices";
import { outboundMessages } from "./messages";

/** A phone call the cadence asks staff to make, with the time it is due. */
export const callTasks = sqliteTable(
  "call_tasks",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    /** The outbox row that planned it: its key makes the task unique per step occurrence. */
    messageId: integer("message_id").references(() => outboundMessages.id),
    reason: text("reason").notNull(),
    dueAt: instant("due_at").notNull(),
    status: text("status", { enum: ["open", "done", "cancelled"] }).notNull().default("open"),
    outcome: text("outcome"),
    note: text("note"),
    assignedTo: integer("assigned_to").references(() => staffUsers.id),
    completedAt: instant("completed_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("call_tasks_creditor_status_idx").on(t.creditorId, t.status, t.dueAt),
    uniqueIndex("call_tasks_message_unique").on(t.messageId),
  ],
);

/** A formal notice (mise en demeure) queued for staff to post by registered mail. */
export const letters = sqliteTable(
  "letters",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    messageId: integer("message_id").references(() => outboundMessages.id),
    kind: text("kind", { enum: ["formal_notice"] }).notNull(),
    /** Path under STORAGE_DIR, outside the web root. */
    pdfPath: text("pdf_path").notNull(),
    pdfSha256: text("pdf_sha256").notNull(),
    status: text("status", { enum: ["to_post", "posted", "cancelled"] }).notNull().default("to_post"),
    trackingNumber: text("tracking_number"),
    postedAt: instant("posted_at"),
    createdAt: createdAt(),
  },
  (t) => [index("letters_creditor_status_idx").on(t.creditorId, t.status), uniqueIndex("letters_message_unique").on(t.messageId)],
);

/**
 * Pauses that are not a promise, plan or dispute: a document asked for, a call-back booked, an
 * "I already paid" claim. Every pause has an end (`endsAt`) or an owner who must lift it.
 */
export const cadencePauses = sqliteTable(
  "cadence_pauses",
  {
    id: id(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    /** Null: the whole debtor; otherwise that invoice only. */
    invoiceId: integer("invoice_id").references(() => invoices.id),
    reason: text("reason", {
      enum: ["document_requested", "callback_requested", "payment_claimed", "staff_hold"],
    }).notNull(),
    startsAt: instant("starts_at").notNull(),
    endsAt: instant("ends_at"),
    owner: text("owner", { enum: ["system", "staff"] }).notNull(),
    /** For a call-back: the slot the debtor chose. */
    callbackAt: instant("callback_at"),
    note: text("note"),
    resolvedAt: instant("resolved_at"),
    createdAt: createdAt(),
  },
  (t) => [index("cadence_pauses_debtor_idx").on(t.debtorId)],
);
