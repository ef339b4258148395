import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const BUSY_TIMEOUT_MS = 5000;

/**
 * The one place that opens SQLite. The web server and the job share the file, so every
 * connection gets WAL, foreign keys and a busy timeout (R1), and we check they took.
 */
export function openDatabase(path: string): Db {
  const sqlite = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  if (path !== ":memory:") sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // NORMAL is durable across application crashes in WAL mode and avoids an fsync per commit.
  sqlite.pragma("synchronous = NORMAL");
  assertPragmas(sqlite, path);
  return drizzle(sqlite, { schema }) as Db;
}

function assertPragmas(sqlite: Database.Database, path: string) {
  const journal = sqlite.pragma("journal_mode", { simple: true });
  const foreignKeys = sqlite.pragma("foreign_keys", { simple: true });
  if ((path !== ":memory:" && journal !== "wal") || foreignKeys !== 1) {
    throw new Error(
      `SQLite at ${path} refused its settings (journal_mode=${String(journal)}, foreign_keys=${String(foreignKeys)}); is it on a network filesystem?`,
    );
  }
}
