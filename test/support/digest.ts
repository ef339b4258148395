import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { rawRows, sqliteClient, type Db } from "../../db/client";

/**
 * A fingerprint of every row of every table: equal before and after means a refused request wrote
 * nothing at all. Rate-limit counters are left out unless asked for: counting refused attempts is
 * their job (M17). Rows are compared as a sorted set of their
 * serialisations: PostgreSQL has no stable physical order to read them in.
 */
export async function databaseDigest(db: Db, options: { withRateLimits?: boolean } = {}): Promise<Record<string, string>> {
  const onSqlite = sqliteClient(db) !== undefined;
  const listed = onSqlite
    ? await rawRows<{ name: string }>(db, sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`)
    : await rawRows<{ name: string }>(
        db,
        sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
      );
  const tables = listed.map((t) => t.name).filter((name) => options.withRateLimits || name !== "rate_limits");
  const entries = [];
  for (const name of tables) {
    const rows = (await rawRows(db, sql.raw(`select * from "${name}"`))).map((row) => JSON.stringify(row)).sort();
    entries.push([name, `${rows.length}:${createHash("sha256").update(rows.join("\n")).digest("hex").slice(0, 16)}`]);
  }
  return Object.fromEntries(entries);
}
