import { assertDatabaseMigrated, closeDb } from "../app/db.server";
import { EnvError, getEnv } from "../app/env.server";
import { NotMigratedError } from "../db/migrate";

/** A mistake in the command line: printed with the command's usage. */
export class UsageError extends Error {}

/**
 * Runs a command's body the same way for every CLI: a usage mistake prints the message and the usage,
 * an environment or migration problem its one-line explanation, anything else its stack; exit 1.
 */
export async function runCli(main: () => void | Promise<void>, usage: string) {
  try {
    await assertDatabaseMigrated(getEnv());
    await main();
  } catch (error) {
    if (error instanceof UsageError) console.error(`${error.message}\n\n${usage}`);
    else if (error instanceof EnvError || error instanceof NotMigratedError) console.error(error.message);
    else console.error(error);
    process.exitCode = 1;
  } finally {
    closeDb();
  }
}
