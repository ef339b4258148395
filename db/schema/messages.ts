import { sqliteTable, text, integer, uniqueIndex, index, primaryKey } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { creditors } from "./creditors";
import { debtors, debtorContacts } from "./debtors";
import { invoices } from "./invoices";
import { debtorLinks } from "./links";
import { emailBatches } from "./email-batches";

export const messageChannels = ["email", "sms", "letter", "call"] as const;

/**
 * The outbox. One row per planned contact: `key` is deterministic (step, debtor, occurrence),
 * unique, and passed to the provider as its idempotency key, so no re-run sends twice.
 */
export const outboundMessages = sqliteTable(
  "outbound_messages",
  {
    id: id(),
    key: text("key").notNull(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    contactId: integer("contact_id").references(() => debtorContacts.id),
    linkId: integer("link_id").references(() => debtorLinks.id),
    step: text("step").notNull(),
    channel: text("channel", { enum: messageChannels }).notNull(),
    // pending: claimed, not yet handed to the provider; sending: SMS handed over, outcome unknown (R9).
    status: text("status", {
      enum: ["pending", "sending", "sent", "delivered", "failed", "cancelled"],
    }).notNull(),
    locale: text("locale", { enum: ["fr", "en"] }).notNull(),
    toAddress: text("to_address"),
    subject: text("subject"),
    /** Rendered plain text (SMS body, email text part): what the debtor read, for the timeline. */
    bodyText: text("body_text"),
    /** SHA-256 of the rendered content, for the evidence log (L13). */
    contentHash: text("content_hash"),
    provider: text("provider"),
    providerMessageId: text("provider_message_id"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: instant("next_attempt_at"),
    lastError: text("last_error"),
    plannedFor: instant("planned_for").notNull(),
    sentAt: instant("sent_at"),
    /** The Resend batch this email goes in, once assigned: it is then sent only with that batch. */
    batchId: integer("batch_id").references(() => emailBatches.id),
    /** The worker sending this row now: it re-checks the token right before the provider call (fencing). */
    claimToken: text("claim_token"),
    /** The claim holds until then; a worker that stalls past it has lost the row to the next one. */
    leaseExpiresAt: instant("lease_expires_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("outbound_messages_key_unique").on(t.key),
    index("outbound_messages_batch_idx").on(t.batchId),
    index("outbound_messages_status_idx").on(t.status, t.nextAttemptAt),
    index("outbound_messages_debtor_idx").on(t.debtorId),
  ],
);

/** Which invoices a consolidated message covers. */
export const outboundMessageInvoices = sqliteTable(
  "outbound_message_invoices",
  {
    messageId: integer("message_id")
      .notNull()
      .references(() => outboundMessages.id),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    /** The step this message takes the invoice to (a consolidated message may move invoices from different steps). */
    step: text("step"),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.invoiceId] }),
    index("outbound_message_invoices_invoice_idx").on(t.invoiceId),
  ],
);

/**
 * What the development drivers would have sent, kept so a person can read it on /dev/outbox.
 * Only written when a provider has no keys.
 */
export const devOutbox = sqliteTable("dev_outbox", {
  id: id(),
  channel: text("channel", { enum: ["email", "sms"] }).notNull(),
  idempotencyKey: text("idempotency_key"),
  fromAddress: text("from_address").notNull(),
  toAddress: text("to_address").notNull(),
  subject: text("subject"),
  html: text("html"),
  text: text("text").notNull(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("dev_outbox_idempotency_key_unique").on(t.idempotencyKey)]);
