import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";

export const creditors = sqliteTable("creditors", {
  id: id(),
  legalName: text("legal_name").notNull(),
  tradeName: text("trade_name"),
  legalForm: text("legal_form"),
  siren: text("siren"),
  vatNumber: text("vat_number"),
  addressLine: text("address_line").notNull(),
  postalCode: text("postal_code").notNull(),
  city: text("city").notNull(),
  country: text("country").notNull().default("FR"),
  email: text("email").notNull(),
  phone: text("phone"),
  locale: text("locale", { enum: ["fr", "en"] }).notNull().default("fr"),
  timeZone: text("time_zone").notNull().default("Europe/Paris"),
  // L441-10: either the contract rate, or the ECB rate + 10 points from a dated table.
  penaltyRateMode: text("penalty_rate_mode", { enum: ["ecb_plus_10", "contract"] })
    .notNull()
    .default("ecb_plus_10"),
  /** Contract late-payment rate in basis points (1 % = 100), used when mode is "contract". */
  contractPenaltyRateBp: integer("contract_penalty_rate_bp"),
  recoveryIndemnityEnabled: integer("recovery_indemnity_enabled", { mode: "boolean" })
    .notNull()
    .default(true),
  addPenaltiesToAmountDue: integer("add_penalties_to_amount_due", { mode: "boolean" })
    .notNull()
    .default(false),
  allowPartialPayments: integer("allow_partial_payments", { mode: "boolean" })
    .notNull()
    .default(true),
  bankAccountHolder: text("bank_account_holder"),
  iban: text("iban"),
  bic: text("bic"),
  senderName: text("sender_name"),
  senderEmail: text("sender_email"),
  /** M22: where copies of the debtors' commitments go; null: to every owner's email. */
  notificationEmail: text("notification_email"),
  /** Alphanumeric SMS sender id (3–11 characters, at least one letter); null: the messaging service's number. */
  smsSenderId: text("sms_sender_id"),
  /** Branding: the name the portal header and emails show (trade name, then legal name, when null). */
  displayName: text("display_name"),
  /** Branding: `#rrggbb`, the portal header's and the emails' accent; null: Relance's blue. */
  accentColor: text("accent_color"),
  /** Business days staff have to decide on a plan under review; past them its pause ends (app/domain/pauses.ts). */
  planReviewBusinessDays: integer("plan_review_business_days").notNull().default(5),
  /** GDPR retention: months after a debtor's last settled invoice before it is anonymised (app/domain/retention.ts). */
  retentionMonths: integer("retention_months").notNull().default(60),
  /** The creditor-local date the retention pass last ran, so the job runs it once a day. */
  retentionRunOn: text("retention_run_on"),
  createdAt: createdAt(),
});

export const staffUsers = sqliteTable(
  "staff_users",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["owner", "agent", "read_only"] }).notNull(),
    /** scrypt$N$r$p$salt$hash, see app/services/auth/passwords.server.ts */
    passwordHash: text("password_hash"),
    disabledAt: instant("disabled_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("staff_users_email_unique").on(t.email)],
);

export const staffSessions = sqliteTable(
  "staff_sessions",
  {
    /** SHA-256 of the cookie value: a stolen database does not yield live sessions. */
    idHash: text("id_hash").primaryKey(),
    staffUserId: integer("staff_user_id")
      .notNull()
      .references(() => staffUsers.id),
    createdAt: createdAt(),
    expiresAt: instant("expires_at").notNull(),
  },
  (t) => [index("staff_sessions_user_idx").on(t.staffUserId)],
);
