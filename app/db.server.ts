import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openDatabase, sqliteClient, type Db } from "../db/client";
import { assertMigrated } from "../db/migrate";
import { getEnv } from "./env.server";

let db: Db | undefined;

/** The process-wide database connection, opened on first use (never on import), once migrated. */
export function getDb(): Db {
  if (!db) {
    const env = getEnv();
    // The PostgreSQL schema and migrations exist (npm run db:migrate), but the queries still run on
    // better-sqlite3's synchronous driver: refuse rather than silently use the SQLite file.
    if (env.DATABASE_URL) throw new Error("DATABASE_URL is set, but the web server and the job do not run on PostgreSQL yet: unset it to use DATABASE_PATH");
    const path = env.DATABASE_PATH;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const opened = openDatabase(path);
    assertMigrated(opened, path);
    db = opened;
  }
  return db;
}

export function closeDb() {
  if (db) sqliteClient(db)?.close();
  db = undefined;
}
