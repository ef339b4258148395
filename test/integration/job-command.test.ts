import { describe, expect, it } from "vitest";
import { closeConnection } from "../../db/client";
import { outboundMessages } from "../../db/tables";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { seededDb, databaseEnv, emptyDatabaseLocation, holdWriteLock } from "../support/db";
import { testEnv } from "../support/env";

const tsx = join(process.cwd(), "node_modules/.bin/tsx");

function jobEnv(databasePath: string, extra: Record<string, string> = {}) {
  return { ...process.env, ...testEnv({ ...databaseEnv(databasePath), JOB_INTERVAL_SECONDS: "1", ...extra }) };
}

// Each case starts tsx in a child process, which takes seconds on a loaded two-core machine.
describe("the job command", { timeout: 30_000 }, () => {
  it("once: runs a single pass at the given instant and reports what it did", async () => {
    const { path } = await seededDb("2026-11-20");
    const run = () => spawnSync(tsx, ["jobs/run.ts", "once", "--now", "2026-11-20T09:00:00Z"], { env: jobEnv(path), encoding: "utf8" });
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/"claimed":[1-9]\d*,"sent":[1-9]/);
    const second = run();
    expect(second.stdout).toContain('"claimed":0,"sent":0');
  });

  it("once: survives a write lock held past the busy timeout, retries the pass and completes it", async () => {
    const { path, db } = await seededDb("2026-11-20");
    await closeConnection(db);
    const release = await holdWriteLock(path);
    const child = spawn(tsx, ["jobs/run.ts", "once", "--now", "2026-11-20T09:00:00Z"], { env: jobEnv(path) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    // Held past the job's 5 s busy timeout: released once the job has said it will retry.
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("pass retried")) void release();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    await release();
    // SQLite's busy timeout, PostgreSQL's lock_timeout (55P03): the same five seconds.
    expect(stderr).toMatch(/\[job\] database unavailable \((SQLITE_BUSY\w*|55P03)\), pass retried in 2s/);
    expect(code).toBe(0);
    expect(stdout).toMatch(/"claimed":[1-9]\d*/);
  }, 40_000);

  it("refuses bad arguments with a message that says what is expected", async () => {
    const { path } = await seededDb("2026-11-20");
    const badNow = spawnSync(tsx, ["jobs/run.ts", "once", "--now", "tomorrow"], { env: jobEnv(path), encoding: "utf8" });
    expect(badNow.status).toBe(1);
    expect(badNow.stderr).toContain('--now must be an ISO instant such as 2026-11-20T09:00:00Z, got "tomorrow"');
    const badMode = spawnSync(tsx, ["jobs/run.ts", "twice"], { env: jobEnv(path), encoding: "utf8" });
    expect(badMode.status).toBe(1);
    expect(badMode.stderr).toContain('Unknown mode "twice"');
  });

  it("will not start on a database that was never migrated", () => {
    const run = spawnSync(tsx, ["jobs/run.ts", "once"], { env: jobEnv(emptyDatabaseLocation()), encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/lacks \d+ migration\(s\): run `npm run db:migrate` first/);
  });

  it("stops cleanly on SIGTERM in long-running mode", async () => {
    const { path } = await seededDb("2026-11-20");
    const child = spawn(tsx, ["jobs/run.ts"], { env: jobEnv(path, { TEST_FIXED_NOW: "2026-11-20T09:00:00Z" }) });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve) => {
      const wait = setInterval(() => {
        if (output.includes('"claimed"')) {
          clearInterval(wait);
          resolve();
        }
      }, 50);
    });
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(output).toContain("[job] stopped");
  }, 20_000);
});

describe("the dry-run command", { timeout: 30_000 }, () => {
  it("prints, per debtor, what the cadence will send and why, and writes nothing", async () => {
    const { path, db } = await seededDb("2026-11-20");
    const run = spawnSync(tsx, ["jobs/dry-run.ts", "--from", "2026-11-20", "--to", "2026-12-31", "--debtor", "1"], { env: jobEnv(path), encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Boulangerie Martin SARL (#1)");
    expect(run.stdout).toMatch(/2026-11-20 09:00 {2}pre_reminder +email/);
    expect(run.stdout).toMatch(/first_reminder +email/);
    expect(run.stdout).toMatch(/\d+ planned contacts and escalations from 2026-11-20 to 2026-12-31\./);
    expect(await db.select().from(outboundMessages)).toEqual([]);
  });

  it("says which argument is wrong", async () => {
    const { path } = await seededDb("2026-11-20");
    const run = spawnSync(tsx, ["jobs/dry-run.ts", "--from", "2026-11-31"], { env: jobEnv(path), encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--from must be a date such as 2026-11-20, got "2026-11-31"');
    const reversed = spawnSync(tsx, ["jobs/dry-run.ts", "--from", "2026-12-01", "--to", "2026-11-01"], { env: jobEnv(path), encoding: "utf8" });
    expect(reversed.stderr).toContain("--to (2026-11-01) is before --from (2026-12-01)");
  });
});
