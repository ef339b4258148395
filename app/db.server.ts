import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { openDatabase, type Db } from "../db/client";
import { getEnv } from "./env.server";

let db: Db | undefined;

/** The process-wide database connection, opened on first use (never on import). */
export function getDb(): Db {
  if (!db) {
    const path = getEnv().DATABASE_PATH;
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = openDatabase(path);
  }
  return db;
}

export function closeDb() {
  db?.$client.close();
  db = undefined;
}
