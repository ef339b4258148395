/**
 * Named instants of a job pass: before and after a claim, once a batch is assigned and composed,
 * right before and right after a provider call. The job passes a hook only in tests, which crash
 * the process there (jobs/crash-hook.ts); everywhere else the hook is absent and nothing happens.
 */
export const checkpointNames = ["claim:before", "claim:after", "batch:assigned", "batch:composed", "send:before", "send:after"] as const;
export type CheckpointName = (typeof checkpointNames)[number];
/** What the provider call at a send checkpoint is for, so a test can stop a worker at one kind of send. */
export const sendKinds = ["email", "sms", "batch"] as const;
export type SendKind = (typeof sendKinds)[number];
export type Checkpoint = (point: CheckpointName, kind?: SendKind) => void | Promise<void>;
