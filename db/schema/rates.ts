import { sqliteTable, text, integer, uniqueIndex } from "drizzle-orm/sqlite-core";
import { id, createdAt } from "./columns";

/**
 * Rates published after the code's own tables were written (app/domain/ecb-rates.ts,
 * legal-interest-rates.ts), added by `npm run rates:add`; merged with them, these win on the same date.
 */
export const publishedRates = sqliteTable(
  "published_rates",
  {
    id: id(),
    kind: text("kind", { enum: ["ecb", "legal"] }).notNull(),
    /** ECB: the day the rate took effect; legal: the first day of its half-year. */
    effectiveFrom: text("effective_from").notNull(),
    rateBp: integer("rate_bp").notNull(),
    source: text("source").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("published_rates_kind_from").on(t.kind, t.effectiveFrom)],
);
