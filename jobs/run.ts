import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { getDb, closeDb, assertDatabaseMigrated } from "../app/db.server";
import { getEnv, EnvError } from "../app/env.server";
import { createEmailSender } from "../app/integrations/email.server";
import { createSmsSender } from "../app/integrations/sms.server";
import { NotMigratedError } from "../db/migrate";
import { checkpointLargeWal } from "../app/services/shared/wal.server";
import { isStorageUnavailable, storageErrorCode } from "../app/services/http/unavailable.server";
import { crashHook } from "./crash-hook";
import { tick } from "./tick";

const usage = `Usage: tsx jobs/run.ts [once] [--now 2026-11-20T09:00:00Z]
  once        run a single pass and exit (for system cron)
  (default)   run a pass every JOB_INTERVAL_SECONDS until SIGTERM or SIGINT
  --now       pretend it is this instant (tests and demos)`;

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { now: { type: "string" }, help: { type: "boolean" } },
  });
  if (values.help) return console.log(usage);
  const mode = positionals[0] ?? "loop";
  if (!["once", "loop"].includes(mode) || positionals.length > 1) throw new UsageError(`Unknown mode "${positionals.join(" ")}"`);
  const fixedNow = values.now ?? getEnv().TEST_FIXED_NOW;
  if (fixedNow !== undefined && Number.isNaN(Date.parse(fixedNow)))
    throw new UsageError(`--now must be an ISO instant such as 2026-11-20T09:00:00Z, got "${fixedNow}"`);

  const env = getEnv();
  await assertDatabaseMigrated(env);
  const db = getDb();
  const email = createEmailSender(env, db);
  const sms = createSmsSender(env, db);
  const clock = () => (fixedNow ? new Date(fixedNow) : new Date());
  const checkpoint = crashHook(env);
  const runOnce = () => retryWhileUnavailable(pass);
  const pass = async () => {
    const report = await tick({ db, env, email, sms, now: clock(), checkpoint });
    console.log(`[job] ${clock().toISOString()} ${JSON.stringify(report)}`);
    const wal = checkpointLargeWal(db);
    if (wal.status !== "small") console.log(`[job] WAL at ${(wal.walBytes / 1048576).toFixed(1)} MB: checkpoint ${wal.status}`);
  };

  if (mode === "once") return runOnce();

  // Graceful shutdown (R14): finish the pass under way, claim nothing new, close the database.
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => stop.abort());
  console.log(`[job] running every ${env.JOB_INTERVAL_SECONDS}s with email via ${email.provider}, SMS via ${sms.provider}`);
  while (!stop.signal.aborted) {
    try {
      await runOnce();
    } catch (error) {
      console.error("[job] pass failed, will retry next interval:", error);
    }
    await sleep(env.JOB_INTERVAL_SECONDS * 1000, undefined, { signal: stop.signal }).catch(() => {});
  }
  console.log("[job] stopped");
}

class UsageError extends Error {}

const BUSY_RETRIES = 5;
const BUSY_BACKOFF_MS = 2_000;

/**
 * The web server may hold the write lock past the busy timeout (or the disk be full for a moment):
 * the pass's transactions rolled back, and each pass recomputes what is due, so it is simply run
 * again after a pause rather than crashing the process (R4, R11).
 */
async function retryWhileUnavailable(pass: () => Promise<void>) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pass();
    } catch (error) {
      if (!isStorageUnavailable(error) || attempt > BUSY_RETRIES) throw error;
      const waitMs = BUSY_BACKOFF_MS * attempt;
      console.warn(`[job] database unavailable (${storageErrorCode(error)}), pass retried in ${waitMs / 1000}s (attempt ${attempt} of ${BUSY_RETRIES})`);
      await sleep(waitMs);
    }
  }
}

main()
  .catch((error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
    else if (error instanceof EnvError || error instanceof NotMigratedError) console.error(error.message);
    else console.error(error);
    process.exitCode = 1;
  })
  .finally(closeDb);
