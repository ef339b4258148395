import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { SqliteDb } from "./client";

/**
 * Resolved from the project root, where every npm script runs: the web server runs from a Vite
 * bundle in build/server, so a path relative to this module would point into the build.
 */
export const MIGRATIONS_FOLDER = resolve("db/migrations");
export const PG_MIGRATIONS_FOLDER = resolve("db/migrations-pg");

/** Runs the committed migrations. An explicit step before the server and the job start (R14). */
export function runMigrations(db: SqliteDb) {
  migrate(drizzle(db.$client), { migrationsFolder: MIGRATIONS_FOLDER });
}

/** PostgreSQL's committed migrations (db/migrations-pg), in one transaction per run. */
export async function runPostgresMigrations(url: string) {
  const { Pool } = (await import("pg")).default;
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate: migratePostgres } = await import("drizzle-orm/node-postgres/migrator");
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    await migratePostgres(drizzle(pool), { migrationsFolder: PG_MIGRATIONS_FOLDER });
  } finally {
    await pool.end();
  }
}

export class NotMigratedError extends Error {
  override name = "NotMigratedError";
}

/**
 * The web server and the job refuse to start on a database that lacks a committed migration,
 * instead of failing later on a missing column (R14).
 */
export function assertMigrated(db: SqliteDb, path: string) {
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => m.hash);
  const table = db.$client.prepare("select name from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
  const applied = new Set(
    table
      ? db.$client
          .prepare("select hash from __drizzle_migrations")
          .all()
          .map((row) => (row as { hash: string }).hash)
      : [],
  );
  const missing = expected.filter((hash) => !applied.has(hash)).length;
  if (missing > 0) {
    throw new NotMigratedError(`The database at ${path} lacks ${missing} migration(s): run \`npm run db:migrate\` first.`);
  }
}

/** PostgreSQL's counterpart: drizzle's migrator records each applied migration in drizzle.__drizzle_migrations. */
export async function assertPostgresMigrated(url: string) {
  const expected = readMigrationFiles({ migrationsFolder: PG_MIGRATIONS_FOLDER }).map((m) => m.hash);
  const { Client } = (await import("pg")).default;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const table = await client.query<{ name: string | null }>("select to_regclass('drizzle.__drizzle_migrations')::text as name");
    const applied = new Set(table.rows[0]?.name ? (await client.query<{ hash: string }>("select hash from drizzle.__drizzle_migrations")).rows.map((row) => row.hash) : []);
    const missing = expected.filter((hash) => !applied.has(hash)).length;
    const where = new URL(url);
    if (missing > 0) throw new NotMigratedError(`The database at ${where.host}${where.pathname} lacks ${missing} migration(s): run \`npm run db:migrate\` first.`);
  } finally {
    await client.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { mkdirSync } = await import("node:fs");
  const { dirname } = await import("node:path");
  const { openDatabase } = await import("./client");
  const { getEnv } = await import("../app/env.server");
  try {
    const env = getEnv();
    if (env.DATABASE_URL) {
      await runPostgresMigrations(env.DATABASE_URL);
      const url = new URL(env.DATABASE_URL);
      console.log(`[migrate] PostgreSQL ${url.host}${url.pathname} is up to date`);
    } else {
      const path = env.DATABASE_PATH;
      mkdirSync(dirname(path), { recursive: true });
      const db = openDatabase(path);
      runMigrations(db);
      db.$client.close();
      console.log(`[migrate] ${path} is up to date`);
    }
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
