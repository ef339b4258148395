import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openDatabase, openPostgres, sqliteClient, type Db, type PostgresDb } from "../db/client";
import { assertMigrated } from "../db/migrate";
import { EnvError, getEnv } from "./env.server";

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
  const sqlite = db && sqliteClient(db);
  if (sqlite) sqlite.close();
  else if (db) void (db as PostgresDb).$client.end();
  db = undefined;
}

/**
 * The data layer runs on PostgreSQL, but not every query does yet (the postgres test project lists
 * the files that pass): the web server and the job refuse it rather than fail halfway (issue 13).
 */
export function refuseUnfinishedPostgres(env: { DATABASE_URL?: string }) {
  if (env.DATABASE_URL) throw new EnvError("DATABASE_URL is set, but the web server and the job do not run on PostgreSQL yet: unset it to use DATABASE_PATH");
}
