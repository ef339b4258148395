import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seededDb, databaseEnv } from "../support/db";
import { testEnv } from "../support/env";
import { openDatabase, sqliteClient } from "../../db/client";
import { BackupError, backupDatabase, checkRelanceDatabase, restoreDatabase } from "../../db/backup";

/** Every committed migration: a backup of a migrated database carries them all. */
const MIGRATIONS = (JSON.parse(readFileSync("db/migrations/meta/_journal.json", "utf8")) as { entries: unknown[] }).entries.length;

const tsx = join(process.cwd(), "node_modules/.bin/tsx");
const NOW = new Date("2026-11-20T09:00:00Z");

function scratch() {
  return mkdtempSync(join(tmpdir(), "relance-backup-"));
}

// Read-write connections: the last one to close folds the WAL back in and removes it, as the server does.
function count(path: string, table: string): number {
  const sqlite = new Database(path);
  try {
    return (sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
  } finally {
    sqlite.close();
  }
}

function migrationsOf(path: string) {
  const sqlite = new Database(path);
  try {
    return sqlite.prepare("select hash, created_at from __drizzle_migrations order by id").all();
  } finally {
    sqlite.close();
  }
}

function commandEnv(databasePath: string) {
  return { ...process.env, ...testEnv(databaseEnv(databasePath)) };
}

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof BackupError) return error.message;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("db:backup", { timeout: 60_000 }, () => {
  it("copies a consistent database while another process keeps writing", async () => {
    const { path, db } = await seededDb("2026-11-20");
    const baseDebtors = count(path, "debtors");
    const baseContacts = count(path, "debtor_contacts");
    sqliteClient(db)!.close();

    const writer = spawn(tsx, ["test/support/db-writer.ts", path], { env: commandEnv(path) });
    let output = "";
    writer.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    writer.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const wait = setInterval(() => {
        if (output.includes("writing")) resolve();
        else if (writer.exitCode !== null) reject(new Error(`the writer stopped: ${output}`));
        else return;
        clearInterval(wait);
      }, 20);
    });

    const folder = join(scratch(), "backups");
    const before = count(path, "debtors");
    const backup = spawnSync(tsx, ["scripts/db-backup.ts", "--to", folder], { env: commandEnv(path), encoding: "utf8" });
    const after = count(path, "debtors");
    writer.kill("SIGTERM");
    await new Promise((resolve) => writer.on("exit", resolve));

    expect(backup.stderr).toBe("");
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(String.raw`\[backup\] .*relance-\d{8}T\d{9}Z\.db \(.* MB, integrity ok, ${MIGRATIONS} migration\(s\)`));
    // The writer really was writing during the backup.
    expect(after).toBeGreaterThan(before);

    const [file] = readdirSync(folder);
    const copy = join(folder, file!);
    expect(checkRelanceDatabase(copy).missing).toBe(0);
    expect(migrationsOf(copy)).toEqual(migrationsOf(path));
    // One snapshot: every debtor the copy holds came with its contact, none half-written.
    const copiedDebtors = count(copy, "debtors");
    expect(copiedDebtors).toBeGreaterThanOrEqual(before);
    expect(copiedDebtors).toBeLessThanOrEqual(after);
    expect(count(copy, "debtor_contacts") - baseContacts).toBe(copiedDebtors - baseDebtors);
    expect(count(copy, "invoices")).toBe(count(path, "invoices"));
    // A single file: nothing of the copy lives in a WAL.
    expect(existsSync(`${copy}-wal`)).toBe(false);
    expect(new Database(copy, { readonly: true }).pragma("journal_mode", { simple: true })).toBe("delete");
  });

  it("keeps only the newest backups of its folder", async () => {
    const { path } = await seededDb("2026-11-20");
    const folder = scratch();
    const made: string[] = [];
    for (let minute = 0; minute < 4; minute++) {
      const result = await backupDatabase(path, { to: folder, keep: 2, now: new Date(NOW.getTime() + minute * 60_000) });
      made.push(result.path);
    }
    expect(readdirSync(folder).sort()).toEqual(["relance-20261120T090200000Z.db", "relance-20261120T090300000Z.db"]);
    expect(made.slice(2).map((p) => p.split("/").pop())).toEqual(readdirSync(folder).sort());
  });

  it("writes to a file named with --to, and refuses to overwrite one", async () => {
    const { path } = await seededDb("2026-11-20");
    const target = join(scratch(), "before-upgrade.db");
    await backupDatabase(path, { to: target, now: NOW });
    expect(checkRelanceDatabase(target).applied).toBe(MIGRATIONS);
    await expect(backupDatabase(path, { to: target, now: NOW })).rejects.toThrow(`${target} already exists; choose another --to.`);
    await expect(backupDatabase(join(scratch(), "none.db"), { now: NOW })).rejects.toThrow(/There is no database at .*none\.db to back up/);
  });
});

describe("db:restore", { timeout: 60_000 }, () => {
  it("round trip: the restored database is the backup, and the replaced one is kept aside", async () => {
    const { path, db } = await seededDb("2026-11-20");
    const backup = await backupDatabase(path, { to: join(scratch(), "snapshot.db"), now: NOW });
    const invoicesAtBackup = count(path, "invoices");
    sqliteClient(db)!.prepare("delete from payments").run();
    sqliteClient(db)!.prepare("update invoices set status = 'cancelled'").run();
    sqliteClient(db)!.close();
    const changedPayments = count(path, "payments");

    const result = restoreDatabase(backup.path, path, { force: true, now: NOW });
    expect(result.movedAside).toBe(`${path}.before-restore-20261120T090000000Z`);
    expect(count(result.movedAside!, "payments")).toBe(changedPayments);
    const restored = openDatabase(path);
    expect(restored.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(count(path, "invoices")).toBe(invoicesAtBackup);
    expect((restored.$client.prepare("select count(*) as n from invoices where status = 'cancelled'").get() as { n: number }).n).toBe(0);
    expect(count(path, "payments")).toBeGreaterThan(changedPayments);
    restored.$client.close();
  });

  it("refuses to replace a database without --force, or one a process still has open, and changes nothing", async () => {
    const { path, db } = await seededDb("2026-11-20");
    const backup = await backupDatabase(path, { to: join(scratch(), "snapshot.db"), now: NOW });
    // The seeded connection is still open: its WAL is there, as while the server runs.
    expect(refusal(() => restoreDatabase(backup.path, path, { force: true, now: NOW }))).toBe(
      `${path} is in use (test.db-wal exists): stop the web server and the job first. If nothing runs any more, \`npm run db:migrate\` closes it properly; then restore again.`,
    );
    sqliteClient(db)!.close();
    const bytes = readFileSync(path);
    expect(refusal(() => restoreDatabase(backup.path, path, { force: false, now: NOW }))).toBe(
      `${path} exists and would be replaced: stop the web server and the job, then run again with --force.`,
    );
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(readdirSync(join(path, "..")).filter((name) => name.includes("before-restore"))).toEqual([]);
  });

  it("refuses files that are not a Relance database of a known migration state", async () => {
    const folder = scratch();
    const target = join(folder, "relance.db");
    const text = join(folder, "notes.txt");
    writeFileSync(text, "not a database at all");
    expect(refusal(() => restoreDatabase(text, target, { force: true, now: NOW }))).toBe(`${text} is not an SQLite database.`);

    const other = join(folder, "other.db");
    const sqlite = new Database(other);
    sqlite.exec("create table notes (id integer primary key, body text)");
    sqlite.close();
    expect(refusal(() => restoreDatabase(other, target, { force: true, now: NOW }))).toBe(`${other} is not a Relance database (no migrations table).`);

    const { path, db } = await seededDb("2026-11-20");
    sqliteClient(db)!.prepare("insert into __drizzle_migrations (hash, created_at) values ('f00d', 4102444800000)").run();
    sqliteClient(db)!.close();
    const newer = join(folder, "newer.db");
    copyFileSync(path, newer);
    expect(refusal(() => restoreDatabase(newer, target, { force: true, now: NOW }))).toBe(
      `${newer} has 1 migration(s) this version of Relance does not know: it comes from a newer version or another program.`,
    );

    const damaged = join(folder, "damaged.db");
    const bytes = readFileSync(newer);
    // Scribble over the middle of the file, past the header: pages whose content no longer adds up.
    bytes.fill(0x5a, 8192, 8192 + 4096 * 4);
    writeFileSync(damaged, bytes);
    expect(refusal(() => restoreDatabase(damaged, target, { force: true, now: NOW }))).toMatch(/^.*damaged\.db (is damaged|cannot be read as a database)/);
    expect(existsSync(target)).toBe(false);
  });

  it("on PostgreSQL both commands say to use pg_dump and pg_restore, and leave the SQLite file alone", async () => {
    const { path, db } = await seededDb("2026-11-20");
    sqliteClient(db)!.close();
    const before = readFileSync(path);
    const env = { ...commandEnv(path), DATABASE_URL: "postgres://relance@127.0.0.1:1/relance" };
    const backup = spawnSync(tsx, ["scripts/db-backup.ts"], { env, encoding: "utf8" });
    expect(backup.status).toBe(1);
    expect(backup.stderr).toContain("this deployment runs on PostgreSQL (DATABASE_URL is set): back it up with PostgreSQL's own tools: pg_dump --format=custom");
    const restore = spawnSync(tsx, ["scripts/db-restore.ts", path, "--force"], { env, encoding: "utf8" });
    expect(restore.status).toBe(1);
    expect(restore.stderr).toContain("restore a pg_dump copy with pg_restore");
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("the command tells what to do and exits 1 on a refusal", async () => {
    const { path, db } = await seededDb("2026-11-20");
    sqliteClient(db)!.close();
    const none = spawnSync(tsx, ["scripts/db-restore.ts"], { env: commandEnv(path), encoding: "utf8" });
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("Name one backup file to restore.");
    expect(none.stderr).toContain("Stop the web server and the job first.");
    const missing = spawnSync(tsx, ["scripts/db-restore.ts", "/nowhere/backup.db", "--force"], { env: commandEnv(path), encoding: "utf8" });
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe("/nowhere/backup.db does not exist or is not a file.");
  });
});
