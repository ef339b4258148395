import { claimPreReminders, deliverPendingEmails, type ReminderDeps } from "../app/services/pre-reminders.server";

/**
 * One pass of the reminder job. The database is the schedule: each pass recomputes what is due,
 * so a missed, late or doubled pass is harmless.
 */
export async function tick(deps: ReminderDeps) {
  const claimed = claimPreReminders(deps);
  const delivery = await deliverPendingEmails(deps);
  return { claimed, ...delivery };
}
