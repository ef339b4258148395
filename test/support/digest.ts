import { createHash } from "node:crypto";
import { sqliteClient, type Db } from "../../db/client";

/**
 * A fingerprint of every row of every table: equal before and after means a refused request wrote
 * nothing at all. Rate-limit counters are left out unless asked for: counting refused attempts is
 * their job (M17).
 */
export function databaseDigest(db: Db, options: { withRateLimits?: boolean } = {}): Record<string, string> {
  const sqlite = sqliteClient(db)!;
  const tables = (
    sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name").all() as { name: string }[]
  )
    .map((t) => t.name)
    .filter((name) => options.withRateLimits || name !== "rate_limits");
  return Object.fromEntries(
    tables.map((name) => {
      const rows = sqlite.prepare(`select * from "${name}" order by rowid`).all();
      return [name, `${rows.length}:${createHash("sha256").update(JSON.stringify(rows)).digest("hex").slice(0, 16)}`];
    }),
  );
}
