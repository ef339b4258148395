import { existsSync, statSync } from "node:fs";
import { BUSY_TIMEOUT_MS, sqliteClient, type Db } from "../../../db/client";

/** Above this, the job folds the WAL back into the database and truncates it (R5). */
export const WAL_CHECKPOINT_THRESHOLD_BYTES = 32 * 1024 * 1024;
/**
 * How long the checkpoint may wait for readers. A TRUNCATE checkpoint holds the write lock while it
 * waits, so the web server's writes wait too: kept well under their busy timeout, they never see BUSY.
 */
export const WAL_CHECKPOINT_WAIT_MS = 1000;

export type WalCheckpoint =
  | { status: "small"; walBytes: number }
  | { status: "truncated"; walBytes: number; frames: number }
  /** Readers kept it from finishing within the wait; the next pass tries again. */
  | { status: "busy"; walBytes: number };

function walBytes(path: string): number {
  const wal = `${path}-wal`;
  return existsSync(wal) ? statSync(wal).size : 0;
}

/**
 * SQLite's automatic checkpoints are passive: with the web server and the job reading all the time,
 * they may never reach the end of the WAL, which then grows without bound (checkpoint starvation).
 * Run after each job pass: a bounded TRUNCATE checkpoint once the WAL file is large.
 */
export function checkpointLargeWal(db: Db, options: { thresholdBytes?: number; waitMs?: number } = {}): WalCheckpoint {
  const sqlite = sqliteClient(db);
  // PostgreSQL has no WAL file of ours to fold back, nor does a database in memory.
  if (!sqlite || sqlite.memory) return { status: "small", walBytes: 0 };
  const before = walBytes(sqlite.name);
  if (before < (options.thresholdBytes ?? WAL_CHECKPOINT_THRESHOLD_BYTES)) return { status: "small", walBytes: before };
  sqlite.pragma(`busy_timeout = ${options.waitMs ?? WAL_CHECKPOINT_WAIT_MS}`);
  try {
    const [result] = sqlite.pragma("wal_checkpoint(TRUNCATE)") as { busy: number; log: number; checkpointed: number }[];
    if (!result || result.busy !== 0) return { status: "busy", walBytes: before };
    return { status: "truncated", walBytes: before, frames: result.checkpointed };
  } catch (error) {
    // SQLITE_BUSY when another checkpoint or a writer held on past the wait: harmless, retried next pass.
    if ((error as { code?: string }).code?.startsWith("SQLITE_BUSY")) return { status: "busy", walBytes: before };
    throw error;
  } finally {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}
