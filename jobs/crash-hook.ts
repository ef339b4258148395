import { checkpointNames, type Checkpoint, type CheckpointName } from "../app/services/shared/checkpoints.server";

/**
 * Tests only (test/reliability/crash.test.ts): `TEST_CRASH_AT=send:after@3` kills the job with
 * SIGKILL the third time a pass reaches that checkpoint, as a power cut would: no handler runs, no
 * transaction is finished. Inert unless NODE_ENV is "test": production and development never crash here.
 */
export function crashHook(
  env: { NODE_ENV: string; TEST_CRASH_AT?: string },
  kill: () => void = () => process.kill(process.pid, "SIGKILL"),
): Checkpoint | undefined {
  if (env.NODE_ENV !== "test" || !env.TEST_CRASH_AT) return undefined;
  const [point, nth] = env.TEST_CRASH_AT.split("@") as [string, string | undefined];
  if (!checkpointNames.includes(point as CheckpointName) || !/^[1-9]\d*$/.test(nth ?? "")) {
    throw new Error(`TEST_CRASH_AT must be <checkpoint>@<n> with a checkpoint among ${checkpointNames.join(", ")}, got "${env.TEST_CRASH_AT}"`);
  }
  let seen = 0;
  return (reached) => {
    if (reached !== point || ++seen !== Number(nth)) return;
    // Pipes are written synchronously on Linux: the line is out before the signal lands.
    process.stderr.write(`[job] crash hook: killed at ${point} (#${nth})\n`);
    kill();
  };
}
