import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { closeConnection, openDatabase, openPostgres, type Db } from "../db/client";
import { assertMigrated, assertPostgresMigrated } from "../db/migrate";
import { getEnv } from "./env.server";

let db: Db | undefined;

/** The process-wide database connection, opened on first use (never on import), once migrated. */
export function getDb(): Db {
  if (!db) {
    const env = getEnv();
    if (env.DATABASE_URL) return (db = openPostgres(env.DATABASE_URL));
    const path = env.DATABASE_PATH;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const opened = openDatabase(path);
    assertMigrated(opened, path);
    db = opened;
  }
  return db;
}

export function closeDb() {
  if (db) void closeConnection(db);
  db = undefined;
}

/**
 * The web server, the job and the CLI commands check at start that every committed migration is applied.
 * SQLite's check runs when getDb() opens the file; PostgreSQL's needs a query, so it runs here.
 */
export async function assertDatabaseMigrated(env: { DATABASE_URL?: string }) {
  if (env.DATABASE_URL) await assertPostgresMigrated(env.DATABASE_URL);
}
