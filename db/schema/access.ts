import { sqliteTable, text, integer, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { creditors, staffUsers } from "./creditors";

/**
 * A one-time code sent to a staff member's email: to sign in, or to set a password without the
 * current one. Only the hash is kept; single use, 10 minutes, dead after 5 wrong tries.
 */
export const staffCodes = sqliteTable(
  "staff_codes",
  {
    id: id(),
    staffUserId: integer("staff_user_id")
      .notNull()
      .references(() => staffUsers.id),
    purpose: text("purpose", { enum: ["sign_in", "password"] }).notNull(),
    codeHash: text("code_hash").notNull(),
    attempts: integer("attempts").notNull().default(0),
    expiresAt: instant("expires_at").notNull(),
    usedAt: instant("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("staff_codes_user_idx").on(t.staffUserId, t.purpose)],
);

/** What staff changed in the account (settings, team): who, when, which fields. Append-only. */
export const staffAuditEvents = sqliteTable(
  "staff_audit_events",
  {
    id: id(),
    creditorId: integer("creditor_id")
      .notNull()
      .references(() => creditors.id),
    actorStaffUserId: integer("actor_staff_user_id")
      .notNull()
      .references(() => staffUsers.id),
    action: text("action", {
      enum: ["settings.updated", "team.member_added", "team.role_changed", "team.member_disabled", "team.member_enabled", "password.changed", "dossier.exported"],
    }).notNull(),
    /** For settings: the section and the names of the fields changed (never their values: an IBAN stays out). */
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    occurredAt: instant("occurred_at").notNull(),
  },
  (t) => [index("staff_audit_events_creditor_idx").on(t.creditorId, t.occurredAt)],
);
