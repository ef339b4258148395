import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { creditors } from "./creditors";
import { debtors } from "./debtors";

export const invoices = sqliteTable(
  "invoices",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    number: text("number").notNull(),
    externalRef: text("external_ref"),
    currency: text("currency").notNull().default("EUR"),
    amountCents: integer("amount_cents").notNull(),
    /** What is still owed on the principal; 0 once paid or cancelled. */
    balanceCents: integer("balance_cents").notNull(),
    /** Calendar dates (YYYY-MM-DD) as printed on the invoice: not instants. */
    issueDate: text("issue_date").notNull(),
    dueDate: text("due_date").notNull(),
    paymentTermsDays: integer("payment_terms_days").notNull(),
    status: text("status", { enum: ["open", "paid", "cancelled", "litigation"] })
      .notNull()
      .default("open"),
    pdfPath: text("pdf_path"),
    paidAt: instant("paid_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invoices_creditor_number_unique").on(t.creditorId, t.number),
    uniqueIndex("invoices_creditor_external_ref_unique").on(t.creditorId, t.externalRef),
    index("invoices_debtor_idx").on(t.debtorId),
    index("invoices_open_due_idx").on(t.status, t.dueDate),
  ],
);

export const payments = sqliteTable(
  "payments",
  {
    id: id(),
    invoiceId: integer("invoice_id")
      .notNull()
      .references(() => invoices.id),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    method: text("method", { enum: ["card", "transfer", "cheque", "cash", "other"] }).notNull(),
    /** Stripe payment intent, bank reference…: unique per provider so a payment is recorded once. */
    provider: text("provider"),
    providerRef: text("provider_ref"),
    /**
     * Negative rows (refunds, chargebacks) reopen the balance. An overpayment (money received once
     * the invoice was settled) is kept aside: never applied to the balance nor counted as collected.
     */
    kind: text("kind", { enum: ["payment", "refund", "chargeback", "overpayment"] }).notNull().default("payment"),
    receivedAt: instant("received_at").notNull(),
    /** An overpayment given back: when staff asked, and the provider's refund id once it answered. */
    refundedAt: instant("refunded_at"),
    refundRef: text("refund_ref"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("payments_provider_ref_unique").on(t.provider, t.providerRef, t.invoiceId, t.kind),
    index("payments_invoice_idx").on(t.invoiceId),
  ],
);
