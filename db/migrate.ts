import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Db } from "./client";

export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations", import.meta.url));

/** Runs the committed migrations. An explicit step before the server and the job start (R14). */
export function runMigrations(db: Db) {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { getDb, closeDb } = await import("../app/db.server");
  const { getEnv } = await import("../app/env.server");
  try {
    runMigrations(getDb());
    console.log(`[migrate] ${getEnv().DATABASE_PATH} is up to date`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  } finally {
    closeDb();
  }
}
