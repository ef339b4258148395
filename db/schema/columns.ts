import { integer } from "drizzle-orm/sqlite-core";

/** Surrogate key shared by every table. */
export const id = () => integer("id").primaryKey({ autoIncrement: true });

/** An instant, stored as UTC milliseconds since the epoch. */
export const instant = (name: string) => integer(name, { mode: "timestamp_ms" });

export const createdAt = () =>
  instant("created_at")
    .notNull()
    .$defaultFn(() => new Date());
