import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { creditors } from "./creditors";
import { debtors } from "./debtors";
import { invoices } from "./invoices";

/** Inbound webhook inbox (R12): the provider's event id is unique, so a redelivery is a no-op. */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: id(),
    provider: text("provider", { enum: ["stripe", "resend", "twilio"] }).notNull(),
    providerEventId: text("provider_event_id").notNull(),
    type: text("type").notNull(),
    payload: text("payload").notNull(),
    receivedAt: instant("received_at").notNull(),
    processedAt: instant("processed_at"),
    /**
     * The provider's id of the message the event is about (Resend email id, Twilio SID). An event that
     * arrives before the send is recorded stays unprocessed under it and is applied when it is.
     */
    subject: text("subject"),
  },
  (t) => [uniqueIndex("webhook_events_provider_event_unique").on(t.provider, t.providerEventId), index("webhook_events_subject_idx").on(t.provider, t.subject)],
);

/**
 * The append-only history of a debtor (L13): messages, link openings, actions, payments, pauses.
 * Triggers in the migration refuse UPDATE and DELETE.
 */
export const timelineEvents = sqliteTable(
  "timeline_events",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    invoiceId: integer("invoice_id").references(() => invoices.id),
    type: text("type").notNull(),
    actor: text("actor", { enum: ["debtor", "staff", "job", "provider", "system"] }).notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    occurredAt: instant("occurred_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("timeline_events_debtor_idx").on(t.debtorId, t.occurredAt),
    index("timeline_events_invoice_idx").on(t.invoiceId),
  ],
);

/**
 * Signed webhooks we refused for a reason staff must fix (a Stripe event whose livemode does not
 * match the configured key): never booked, kept once per event so the dashboard can say so.
 */
export const refusedWebhooks = sqliteTable(
  "refused_webhooks",
  {
    id: id(),
    provider: text("provider", { enum: ["stripe"] }).notNull(),
    providerEventId: text("provider_event_id").notNull(),
    type: text("type").notNull(),
    reason: text("reason", { enum: ["livemode_mismatch"] }).notNull(),
    /** The creditor the event points at (via our metadata), when it can be told; null otherwise. */
    creditorId: integer("creditor_id").references(() => creditors.id),
    receivedAt: instant("received_at").notNull(),
  },
  (t) => [uniqueIndex("refused_webhooks_provider_event_unique").on(t.provider, t.providerEventId)],
);
