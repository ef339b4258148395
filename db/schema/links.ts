import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";
import { debtors } from "./debtors";

/** Every link we hand out (M14): verification requires its row, unrevoked and unexpired. */
export const debtorLinks = sqliteTable(
  "debtor_links",
  {
    id: id(),
    jti: text("jti").notNull(),
    /** Signing key id for JWT links; null for short SMS links. */
    kid: text("kid"),
    /** SHA-256 of the short SMS token (M16); the token itself is never stored. */
    tokenHash: text("token_hash"),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    /** JSON array of invoice ids the link was sent about; the portal still shows every open invoice. */
    scope: text("scope", { mode: "json" }).$type<number[]>().notNull(),
    channel: text("channel", { enum: ["email", "sms", "letter", "reissue"] }).notNull(),
    sentToHash: text("sent_to_hash"),
    issuedAt: instant("issued_at").notNull(),
    expiresAt: instant("expires_at").notNull(),
    revokedAt: instant("revoked_at"),
    revokedReason: text("revoked_reason"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("debtor_links_jti_unique").on(t.jti),
    uniqueIndex("debtor_links_token_hash_unique").on(t.tokenHash),
    index("debtor_links_debtor_idx").on(t.debtorId),
  ],
);

/** Server-side portal sessions, created when a link is exchanged by POST (M5, M7). */
export const debtorSessions = sqliteTable(
  "debtor_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    debtorId: integer("debtor_id")
      .notNull()
      .references(() => debtors.id),
    linkId: integer("link_id")
      .notNull()
      .references(() => debtorLinks.id),
    createdAt: createdAt(),
    expiresAt: instant("expires_at").notNull(),
    stepUpAt: instant("step_up_at"),
  },
  (t) => [index("debtor_sessions_debtor_idx").on(t.debtorId)],
);
