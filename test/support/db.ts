import Database from "better-sqlite3";
import pg from "pg";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, openPostgres, type SqliteDb } from "../../db/client";
import { runMigrations } from "../../db/migrate";
import { seedDemo } from "../../db/seed";
import { tablesEngine } from "../../db/tables";
import { POSTGRES_TEMPLATE, postgresBinDir } from "./postgres";

let postgresCopies = 0;

/**
 * A fresh database with the real migrations applied: a SQLite file, or in the postgres project a copy
 * of its migrated database (CREATE DATABASE … TEMPLATE, made with psql so this stays synchronous).
 * Files that reach for SQLite's own handle (`$client`) run in the sqlite project only.
 */
export function freshDb(): { db: SqliteDb; path: string } {
  if (tablesEngine === "postgres") {
    const url = createPostgresDatabase(POSTGRES_TEMPLATE);
    return { db: openPostgres(url) as unknown as SqliteDb, path: url };
  }
  const path = join(mkdtempSync(join(tmpdir(), "relance-test-")), "test.db");
  const db = openDatabase(path);
  runMigrations(db);
  return { db, path };
}

/** Where a database with no table at all would be, on this project's engine: a new file's path, an empty PostgreSQL database. */
export function emptyDatabaseLocation(): string {
  return tablesEngine === "postgres" ? createPostgresDatabase("template0") : join(mkdtempSync(join(tmpdir(), "relance-bare-")), "bare.db");
}

function createPostgresDatabase(template: string): string {
  const name = `test_${process.pid}_${++postgresCopies}`;
  const admin = new URL(process.env.DATABASE_URL!);
  admin.pathname = "/postgres";
  const created = spawnSync(join(postgresBinDir()!, "psql"), [admin.href, "-v", "ON_ERROR_STOP=1", "-c", `create database ${name} template ${template}`], { encoding: "utf8" });
  if (created.status !== 0) throw new Error(`could not create the test database: ${created.stderr}`);
  admin.pathname = `/${name}`;
  return admin.href;
}

/** What a process needs in its environment to open this test database: a PostgreSQL URL or a SQLite path. */
export function databaseEnv(location: string): Record<string, string> {
  return /^postgres(ql)?:/.test(location) ? { DATABASE_URL: location } : { DATABASE_PATH: location };
}

/** Points this test process's getDb() at the database (after closeDb()). */
export function useDatabase(location: string) {
  Object.assign(process.env, databaseEnv(location));
}

// A precomputed scrypt hash of "relance-demo" would tie tests to parameters; the seed only needs a string here.
export const UNUSED_PASSWORD_HASH = "scrypt$131072$8$1$unused$unused";

export async function seededDb(today: string) {
  const fresh = freshDb();
  await seedDemo(fresh.db, { today, passwordHash: UNUSED_PASSWORD_HASH });
  return fresh;
}

/**
 * Another connection takes the write lock and keeps it until the returned function runs: on SQLite
 * BEGIN IMMEDIATE; on PostgreSQL every table locked IN EXCLUSIVE MODE (reads still go through, as on
 * SQLite in WAL mode). A writer then waits its busy timeout (lock_timeout) and fails.
 */
export async function holdWriteLock(location: string): Promise<() => Promise<void>> {
  if (!/^postgres(ql)?:/.test(location)) {
    const holder = new Database(location);
    holder.exec("BEGIN IMMEDIATE");
    return async () => {
      if (!holder.open) return;
      holder.exec("ROLLBACK");
      holder.close();
    };
  }
  const holder = new pg.Client({ connectionString: location });
  await holder.connect();
  const { rows } = await holder.query<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'");
  await holder.query("begin");
  await holder.query(`lock table ${rows.map((t) => `"${t.name}"`).join(", ")} in exclusive mode`);
  let held = true;
  return async () => {
    if (!held) return;
    held = false;
    await holder.query("rollback");
    await holder.end();
  };
}

/** Another connection to a test database, on its engine. */
export function openTestDatabase(location: string): SqliteDb {
  return /^postgres(ql)?:/.test(location) ? (openPostgres(location) as unknown as SqliteDb) : openDatabase(location);
}
