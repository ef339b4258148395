/**
 * `npm run db:backup -- [--to path] [--keep N]`: an online copy of the database, safe while the web
 * server and the job run (R6). By default a timestamped file under .data/backups/, keeping the newest N.
 */
import { parseArgs } from "node:util";
import { getEnv, EnvError } from "../app/env.server";
import { BackupError, DEFAULT_BACKUP_DIR, DEFAULT_KEEP, backupDatabase, refuseOnPostgres } from "../db/backup";

const usage = `Usage: npm run db:backup -- [--to path] [--keep N]
  --to     a file ending in .db, or a folder to put a timestamped file in (default ${DEFAULT_BACKUP_DIR}/)
  --keep   in that folder, keep the newest N backups (default ${DEFAULT_KEEP})`;

try {
  const { values } = parseArgs({ options: { to: { type: "string" }, keep: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) {
    console.log(usage);
  } else {
    const keep = values.keep === undefined ? DEFAULT_KEEP : Number(values.keep);
    if (!Number.isInteger(keep) || keep < 1) throw new BackupError(`--keep must be a whole number of at least 1, got "${values.keep}"\n\n${usage}`);
    refuseOnPostgres(getEnv(), "db:backup");
    const result = await backupDatabase(getEnv().DATABASE_PATH, { to: values.to, keep, now: new Date() });
    console.log(`[backup] ${result.path} (${(result.bytes / 1024 / 1024).toFixed(1)} MB, integrity ok, ${result.check.applied} migration(s), ${result.check.tables} tables)`);
    for (const path of result.removed) console.log(`[backup] removed the older ${path}`);
  }
} catch (error) {
  console.error(error instanceof BackupError || error instanceof EnvError ? error.message : error);
  process.exitCode = 1;
}
