import { runCadence } from "../app/services/cadence.server";
import { cancelStaleMessages, deliverDueMessages, type OutboxDeps } from "../app/services/outbox.server";

/**
 * One pass of the reminder job: plan and claim what is due, then deliver. The database is the
 * schedule: each pass recomputes what is due, so a missed, late or doubled pass is harmless.
 */
export async function tick(deps: OutboxDeps) {
  const stale = cancelStaleMessages(deps);
  const planning = runCadence(deps);
  const delivery = await deliverDueMessages(deps);
  return { claimed: planning.claimed, ...delivery, cancelled: delivery.cancelled + stale, effects: planning.effects };
}
