import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Db } from "./client";

/**
 * Resolved from the project root, where every npm script runs: the web server runs from a Vite
 * bundle in build/server, so a path relative to this module would point into the build.
 */
export const MIGRATIONS_FOLDER = resolve("db/migrations");

/** Runs the committed migrations. An explicit step before the server and the job start (R14). */
export function runMigrations(db: Db) {
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}

export class NotMigratedError extends Error {
  override name = "NotMigratedError";
}

/**
 * The web server and the job refuse to start on a database that lacks a committed migration,
 * instead of failing later on a missing column (R14).
 */
export function assertMigrated(db: Db, path: string) {
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => m.hash);
  const table = db.$client.prepare("select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  const applied = new Set(
    table ? db.$client.prepare("select hash from __drizzle_migrations").all().map((row) => (row as { hash: string }).hash) : [],
  );
  const missing = expected.filter((hash) => !applied.has(hash)).length;
  if (missing > 0) {
    throw new NotMigratedError(`The database at ${path} lacks ${missing} migration(s): run \`npm run db:migrate\` first.`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { mkdirSync } = await import("node:fs");
  const { dirname } = await import("node:path");
  const { openDatabase } = await import("./client");
  const { getEnv } = await import("../app/env.server");
  try {
    const path = getEnv().DATABASE_PATH;
    mkdirSync(dirname(path), { recursive: true });
    const db = openDatabase(path);
    runMigrations(db);
    db.$client.close();
    console.log(`[migrate] ${path} is up to date`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
