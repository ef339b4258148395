/**
 * `npm run db:restore -- <file> [--force]`: puts a backup in place of DATABASE_PATH. Stop the web
 * server and the job first; the current database is moved aside, never deleted.
 */
import { parseArgs } from "node:util";
import { getEnv, EnvError } from "../app/env.server";
import { BackupError, refuseOnPostgres, restoreDatabase } from "../db/backup";

const usage = `Usage: npm run db:restore -- <backup file> [--force]
  Stop the web server and the job first.
  --force  replace the existing database (it is moved aside, next to it, not deleted)`;

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { force: { type: "boolean", default: false }, help: { type: "boolean" } },
  });
  if (values.help) {
    console.log(usage);
  } else {
    refuseOnPostgres(getEnv(), "db:restore");
    if (positionals.length !== 1) throw new BackupError(`Name one backup file to restore.\n\n${usage}`);
    const result = restoreDatabase(positionals[0]!, getEnv().DATABASE_PATH, { force: values.force, now: new Date() });
    if (result.movedAside) console.log(`[restore] the previous database is kept as ${result.movedAside}`);
    console.log(`[restore] ${result.restored} now holds ${positionals[0]} (${result.check.applied} migration(s) applied)`);
    if (result.check.missing > 0) console.log(`[restore] it lacks ${result.check.missing} newer migration(s): run \`npm run db:migrate\` before starting`);
    console.log("[restore] start the web server and the job again");
  }
} catch (error) {
  console.error(error instanceof BackupError || error instanceof EnvError ? error.message : error);
  process.exitCode = 1;
}
