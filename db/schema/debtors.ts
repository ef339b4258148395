import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { creditors } from "./creditors";

export const debtors = sqliteTable(
  "debtors",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    externalRef: text("external_ref"),
    // L8: consumers get no L441-10 penalties and no 40 € indemnity.
    kind: text("kind", { enum: ["business", "consumer"] }).notNull(),
    name: text("name").notNull(),
    siren: text("siren"),
    addressLine: text("address_line"),
    postalCode: text("postal_code"),
    city: text("city"),
    country: text("country").notNull().default("FR"),
    locale: text("locale", { enum: ["fr", "en"] }).notNull().default("fr"),
    timeZone: text("time_zone").notNull().default("Europe/Paris"),
    segment: text("segment", { enum: ["standard", "high_risk", "good_payer"] })
      .notNull()
      .default("standard"),
    preferredChannel: text("preferred_channel", { enum: ["email", "sms", "letter", "phone"] }),
    /** What the debtor's accounts payable need on our documents (a purchase-order number), from the portal. */
    purchaseOrderRef: text("purchase_order_ref"),
    brokenPromiseCount: integer("broken_promise_count").notNull().default(0),
    escalatedAt: instant("escalated_at"),
    /** Set by the retention pass: personal data replaced, files removed; amounts and dates kept. */
    anonymisedAt: instant("anonymised_at"),
    /**
     * Incremental planning: triggers add one to state_version whenever anything the cadence reads about
     * this debtor changes (db/migrations 0016_planning_triggers.sql); a pass records the version it decided on and when the
     * decision next needs taking again (a contact's time, a pause's end, the debtor's midnight), and only
     * re-decides debtors whose version moved or whose instant came.
     */
    stateVersion: integer("state_version").notNull().default(0),
    plannedVersion: integer("planned_version"),
    nextDecisionAt: instant("next_decision_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("debtors_creditor_external_ref_unique").on(t.creditorId, t.externalRef),
    index("debtors_creditor_idx").on(t.creditorId),
  ],
);

export const debtorContacts = sqliteTable(
  "debtor_contacts",
  {
    id: id(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    name: text("name"),
    role: text("role"),
    email: text("email"),
    phone: text("phone"),
    isPrimary: integer("is_primary", { mode: "boolean" }).notNull().default(false),
    emailOptOutAt: instant("email_opt_out_at"),
    emailUndeliverableAt: instant("email_undeliverable_at"),
    smsOptOutAt: instant("sms_opt_out_at"),
    createdAt: createdAt(),
  },
  (t) => [index("debtor_contacts_debtor_idx").on(t.debtorId)],
);
