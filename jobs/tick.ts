import { claimPreReminders } from "../app/services/pre-reminders.server";
import { deliverPendingEmails, type OutboxDeps } from "../app/services/outbox.server";

/**
 * One pass of the reminder job. The database is the schedule: each pass recomputes what is due,
 * so a missed, late or doubled pass is harmless.
 */
export async function tick(deps: OutboxDeps) {
  const claimed = claimPreReminders(deps);
  const delivery = await deliverPendingEmails(deps);
  return { claimed, ...delivery };
}
