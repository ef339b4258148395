import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openDatabase, type Db } from "../db/client";
import { assertMigrated } from "../db/migrate";
import { getEnv } from "./env.server";

let db: Db | undefined;

/** The process-wide database connection, opened on first use (never on import), once migrated. */
export function getDb(): Db {
  if (!db) {
    const path = getEnv().DATABASE_PATH;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const opened = openDatabase(path);
    assertMigrated(opened, path);
    db = opened;
  }
  return db;
}

export function closeDb() {
  db?.$client.close();
  db = undefined;
}
