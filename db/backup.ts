import Database from "better-sqlite3";
import { existsSync, mkdirSync, readdirSync, readSync, openSync, closeSync, renameSync, rmSync, statSync, copyFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { openDatabase } from "./client";
import { MIGRATIONS_FOLDER } from "./migrate";

export const DEFAULT_BACKUP_DIR = ".data/backups";
export const DEFAULT_KEEP = 10;
const BACKUP_NAME = /^relance-\d{8}T\d{6}(\d{3})?Z\.db$/;

/** A refusal the commands print as is: the file, what is wrong, what to do. */
export class BackupError extends Error {
  override name = "BackupError";
}

/** db:backup and db:restore copy the SQLite file: on PostgreSQL they say what to use instead, and touch nothing. */
export function refuseOnPostgres(env: { DATABASE_URL?: string }, command: "db:backup" | "db:restore") {
  if (!env.DATABASE_URL) return;
  const advice =
    command === "db:backup"
      ? 'back it up with PostgreSQL\'s own tools: pg_dump --format=custom --file relance.dump "$DATABASE_URL"'
      : 'restore a pg_dump copy with pg_restore --dbname "$DATABASE_URL" relance.dump into an empty database, then run npm run db:migrate';
  throw new BackupError(`npm run ${command} copies the SQLite file; this deployment runs on PostgreSQL (DATABASE_URL is set): ${advice}.`);
}

export type DatabaseCheck = {
  /** Migrations applied in the file, among the committed ones. */
  applied: number;
  /** Committed migrations the file still lacks (restoring it needs `npm run db:migrate`). */
  missing: number;
  tables: number;
};

/** `relance-20261120T090000123Z.db`: sorts by time, no characters a file system dislikes. */
export function backupFileName(now: Date): string {
  return `relance-${now.toISOString().replace(/[-:]/g, "").replace(".", "")}.db`;
}

const SQLITE_HEADER = Buffer.from("SQLite format 3\0", "latin1");

function hasSqliteHeader(path: string): boolean {
  const header = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, "r");
  try {
    return readSync(fd, header, 0, header.length, 0) === header.length && header.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether a file is a Relance database we know: SQLite, intact, and migrated by committed
 * migrations only (a file from a newer version, or from another program, is refused).
 */
export function checkRelanceDatabase(path: string): DatabaseCheck {
  if (!existsSync(path) || !statSync(path).isFile()) throw new BackupError(`${path} does not exist or is not a file.`);
  if (!hasSqliteHeader(path)) throw new BackupError(`${path} is not an SQLite database.`);
  // Read-only and without touching its journal: checking a file must not change it.
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = sqlite.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new BackupError(`${path} is damaged (integrity_check: ${String(integrity)}).`);
    const hasTable = sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get();
    if (!hasTable) throw new BackupError(`${path} is not a Relance database (no migrations table).`);
    const known = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).map((m) => m.hash);
    const applied = sqlite
      .prepare("select hash from __drizzle_migrations")
      .all()
      .map((row) => (row as { hash: string }).hash);
    const unknown = applied.filter((hash) => !known.includes(hash));
    if (applied.length === 0) throw new BackupError(`${path} is not a Relance database (no migration applied).`);
    if (unknown.length > 0) {
      throw new BackupError(`${path} has ${unknown.length} migration(s) this version of Relance does not know: it comes from a newer version or another program.`);
    }
    const tables = (sqlite.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as { n: number }).n;
    return { applied: applied.length, missing: known.filter((hash) => !applied.includes(hash)).length, tables };
  } catch (error) {
    if (error instanceof BackupError) throw error;
    throw new BackupError(`${path} cannot be read as a database (${error instanceof Error ? error.message : String(error)}).`);
  } finally {
    sqlite.close();
  }
}

export type BackupResult = { path: string; bytes: number; check: DatabaseCheck; removed: string[] };

/**
 * An online backup (R6) through SQLite's backup API: a consistent copy while the web server and the
 * job keep writing (a plain `cp` would miss what is still in the WAL). The copy is checked, made a
 * single self-contained file (no -wal), and, in a backup folder, only the newest `keep` are kept.
 */
export async function backupDatabase(sourcePath: string, options: { to?: string; keep?: number; now: Date }): Promise<BackupResult> {
  if (sourcePath === ":memory:") throw new BackupError("DATABASE_PATH is :memory:, there is nothing on disk to back up.");
  if (!existsSync(sourcePath)) throw new BackupError(`There is no database at ${sourcePath} to back up.`);
  // `--to x.db` names the file; any other path is a folder for timestamped backups.
  const intoFolder = options.to === undefined || !options.to.endsWith(".db") || (existsSync(options.to) && statSync(options.to).isDirectory());
  const folder = options.to === undefined ? DEFAULT_BACKUP_DIR : intoFolder ? options.to : dirname(options.to);
  const target = intoFolder ? join(folder, backupFileName(options.now)) : options.to!;
  if (resolve(target) === resolve(sourcePath)) throw new BackupError("The backup cannot be written over the database itself.");
  if (existsSync(target)) throw new BackupError(`${target} already exists; choose another --to.`);
  mkdirSync(folder, { recursive: true });

  const source = openDatabase(sourcePath);
  const partial = `${target}.partial`;
  try {
    // All remaining pages in one step: a step-by-step copy restarts whenever another process writes,
    // and could chase a busy job forever. One step reads one snapshot; in WAL mode writers go on meanwhile.
    await source.$client.backup(partial, { progress: () => 0x7fffffff });
  } catch (error) {
    rmSync(partial, { force: true });
    throw new BackupError(`The backup of ${sourcePath} failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    source.$client.close();
  }
  const copy = new Database(partial);
  try {
    copy.pragma("journal_mode = DELETE");
  } finally {
    copy.close();
  }
  let check: DatabaseCheck;
  try {
    check = checkRelanceDatabase(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  // Only a checked copy gets the real name, so a backup folder never holds a half-written file.
  renameSync(partial, target);
  const removed = intoFolder ? pruneBackups(folder, options.keep ?? DEFAULT_KEEP) : [];
  return { path: target, bytes: statSync(target).size, check, removed };
}

/** Keeps the newest `keep` backups of a folder (by their timestamped names); returns the removed paths. */
export function pruneBackups(folder: string, keep: number): string[] {
  const backups = readdirSync(folder)
    .filter((name) => BACKUP_NAME.test(name))
    .sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep)).map((name) => join(folder, name));
  for (const path of old) rmSync(path);
  return old;
}

export type RestoreResult = { restored: string; movedAside: string | null; check: DatabaseCheck };

/**
 * Puts a backup in place of the database. Refuses a file that is not a known Relance database, an
 * existing database without `force`, and a database whose WAL is still there (a process has it open).
 * The current file is moved aside, never deleted.
 */
export function restoreDatabase(backupPath: string, targetPath: string, options: { force: boolean; now: Date }): RestoreResult {
  if (targetPath === ":memory:") throw new BackupError("DATABASE_PATH is :memory:, there is no file to restore into.");
  const check = checkRelanceDatabase(backupPath);
  if (resolve(backupPath) === resolve(targetPath)) throw new BackupError("The backup is the database itself; nothing to restore.");
  const exists = existsSync(targetPath);
  if (existsSync(`${targetPath}-wal`)) {
    throw new BackupError(
      `${targetPath} is in use (${basename(targetPath)}-wal exists): stop the web server and the job first. ` +
        "If nothing runs any more, `npm run db:migrate` closes it properly; then restore again.",
    );
  }
  if (exists && !options.force) {
    throw new BackupError(`${targetPath} exists and would be replaced: stop the web server and the job, then run again with --force.`);
  }
  mkdirSync(dirname(targetPath), { recursive: true });
  const staged = `${targetPath}.restoring`;
  copyFileSync(backupPath, staged);
  let movedAside: string | null = null;
  if (exists) {
    movedAside = `${targetPath}.before-restore-${backupFileName(options.now).slice("relance-".length, -".db".length)}`;
    renameSync(targetPath, movedAside);
    rmSync(`${targetPath}-shm`, { force: true });
  }
  renameSync(staged, targetPath);
  return { restored: targetPath, movedAside, check };
}
