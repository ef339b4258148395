import { sqliteTable, text, integer } from "drizzle-orm/sqlite-core";
import { id, instant, createdAt } from "./columns";

/**
 * A call to Resend's batch endpoint (up to 100 emails without attachments). Rows of the outbox are
 * assigned to a batch before the call; the composed emails are kept here until the answer is
 * recorded, so a retry after a crash sends the same emails under the same idempotency key.
 */
export const emailBatches = sqliteTable("email_batches", {
  id: id(),
  /** JSON: the message ids and the emails exactly as sent, in order; null until composed and once recorded. */
  payload: text("payload"),
  /** How many times the call was made (for the evidence log and the backoff). */
  attempts: integer("attempts").notNull().default(0),
  sentAt: instant("sent_at"),
  /** The worker holding the batch: only the holder of this token may call the provider for it (fencing). */
  claimToken: text("claim_token"),
  /** Until then no other worker takes the batch over; after, a worker that stalled has lost it. */
  leaseExpiresAt: instant("lease_expires_at"),
  createdAt: createdAt(),
});
