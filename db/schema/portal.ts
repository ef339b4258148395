import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { creditors } from "./creditors";
import { debtors } from "./debtors";
import { invoices } from "./invoices";
import { debtorLinks } from "./links";

/**
 * A card payment started from the portal (P1): the amounts come from the database, per invoice, and
 * the webhook checks what Stripe reports against this row before recording anything.
 */
export const checkoutSessions = sqliteTable(
  "checkout_sessions",
  {
    id: id(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    /** Stripe's cs_… id, or dev_… for the development driver. */
    providerSessionId: text("provider_session_id"),
    currency: text("currency").notNull(),
    totalCents: integer("total_cents").notNull(),
    /** JSON [{ invoiceId, amountCents }]: how the total is split over invoices. */
    allocations: text("allocations", { mode: "json" }).$type<{ invoiceId: number; amountCents: number }[]>().notNull(),
    status: text("status", { enum: ["open", "paid", "expired", "refunded"] }).notNull().default("open"),
    paymentIntentId: text("payment_intent_id"),
    createdAt: createdAt(),
    completedAt: instant("completed_at"),
  },
  (t) => [
    uniqueIndex("checkout_sessions_provider_unique").on(t.providerSessionId),
    index("checkout_sessions_debtor_idx").on(t.debtorId),
    index("checkout_sessions_intent_idx").on(t.paymentIntentId),
  ],
);

/** "I already paid" (DESIGN.md): holds that invoice's cadence until staff check the claim. */
export const paymentClaims = sqliteTable(
  "payment_claims",
  {
    id: id(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    paidOn: text("paid_on").notNull(),
    amountCents: integer("amount_cents").notNull(),
    method: text("method", { enum: ["transfer", "card", "cheque", "cash", "other"] }).notNull(),
    reference: text("reference"),
    /** Proof file under STORAGE_DIR, outside the web root; served only as a download. */
    proofPath: text("proof_path"),
    proofName: text("proof_name"),
    proofContentType: text("proof_content_type"),
    status: text("status", { enum: ["pending", "confirmed", "rejected"] }).notNull().default("pending"),
    linkId: integer("link_id").references(() => debtorLinks.id),
    createdAt: createdAt(),
    resolvedAt: instant("resolved_at"),
  },
  (t) => [index("payment_claims_invoice_idx").on(t.invoiceId)],
);

/** One-time codes sent to a contact already on file before sensitive portal actions (M10). */
export const stepUpCodes = sqliteTable(
  "step_up_codes",
  {
    id: id(),
    sessionHash: text("session_hash").notNull(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    codeHash: text("code_hash").notNull(),
    sentTo: text("sent_to").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: instant("expires_at").notNull(),
    usedAt: instant("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("step_up_codes_session_idx").on(t.sessionHash)],
);

/** Fixed-window counters for rate limits (M17): link attempts per IP, code attempts per session. */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: integer("window_start", { mode: "timestamp_ms" }).notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [uniqueIndex("rate_limits_key_window_unique").on(t.key, t.windowStart)],
);

/**
 * M22: every commitment a debtor makes in the portal (promise, plan, dispute, "already paid",
 * contact change), with what they acknowledged and where it came from, and the copy sent to the
 * creditor. `recordId` points at the promise, plan, dispute, claim or contact row.
 */
export const commitmentEvidence = sqliteTable(
  "commitment_evidence",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    kind: text("kind", { enum: ["promise", "plan", "dispute", "payment_claim", "contact_change"] }).notNull(),
    recordId: integer("record_id").notNull(),
    acknowledgmentText: text("acknowledgment_text").notNull(),
    acknowledgedIp: text("acknowledged_ip"),
    acknowledgedUserAgent: text("acknowledged_user_agent"),
    acknowledgedAt: instant("acknowledged_at").notNull(),
    /** The creditor's copies (one per address), as outbound message ids. */
    copyMessageIds: text("copy_message_ids", { mode: "json" }).$type<number[]>().notNull(),
  },
  (t) => [uniqueIndex("commitment_evidence_record_unique").on(t.kind, t.recordId), index("commitment_evidence_debtor_idx").on(t.debtorId)],
);
