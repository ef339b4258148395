import { checkpointNames, sendKinds, type CheckpointName, type SendKind } from "../app/services/shared/checkpoints.server";

type HookEnv = { NODE_ENV: string; TEST_CRASH_AT?: string; TEST_STALL_AT?: string };

/**
 * Tests only: `TEST_CRASH_AT=send:after@3` kills the job with SIGKILL the third time a pass reaches
 * that checkpoint, as a power cut would: no handler runs, no transaction is finished
 * (test/reliability/crash.test.ts). `TEST_STALL_AT=send:before@1` stops it with SIGSTOP instead, as a
 * frozen VM or a long GC pause would: the test lets other workers go on, then resumes it with SIGCONT
 * (test/reliability/stalled-worker.test.ts). Inert unless NODE_ENV is "test".
 */
/** A checkpoint that acts at once: the process is killed or stopped before the pass goes on. */
type CrashHook = (point: CheckpointName, kind?: SendKind) => void;

export function crashHook(
  env: HookEnv,
  kill: () => void = () => process.kill(process.pid, "SIGKILL"),
  stop: () => void = () => process.kill(process.pid, "SIGSTOP"),
): CrashHook | undefined {
  if (env.NODE_ENV !== "test") return undefined;
  const hooks = [
    env.TEST_CRASH_AT ? at("TEST_CRASH_AT", env.TEST_CRASH_AT, "killed", kill) : undefined,
    env.TEST_STALL_AT ? at("TEST_STALL_AT", env.TEST_STALL_AT, "stopped", stop) : undefined,
  ].filter((hook) => hook !== undefined);
  if (hooks.length === 0) return undefined;
  return (reached, kind) => hooks.forEach((hook) => hook(reached, kind));
}

/** `<checkpoint>[:<kind>]@<n>`: the n-th time a pass reaches that checkpoint (for that kind of send). */
function at(name: string, value: string, verb: string, act: () => void): CrashHook {
  const [point = "", nth] = value.split("@");
  const known = checkpointNames.find((checkpoint) => point === checkpoint || point.startsWith(`${checkpoint}:`));
  const kind = known && point !== known ? point.slice(known.length + 1) : undefined;
  if (!known || (kind !== undefined && !sendKinds.includes(kind as SendKind)) || !/^[1-9]\d*$/.test(nth ?? "")) {
    throw new Error(`${name} must be <checkpoint>@<n> with a checkpoint among ${checkpointNames.join(", ")} (send ones may add :${sendKinds.join("|")}), got "${value}"`);
  }
  let seen = 0;
  return (reached, reachedKind) => {
    if (reached !== known || (kind !== undefined && reachedKind !== kind) || ++seen !== Number(nth)) return;
    // Pipes are written synchronously on Linux: the line is out before the signal lands.
    process.stderr.write(`[job] crash hook: ${verb} at ${point} (#${nth})\n`);
    act();
  };
}
