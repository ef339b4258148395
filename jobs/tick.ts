import { runCadence } from "../app/services/shared/cadence.server";
import { lapseUnreviewedPlans } from "../app/services/shared/pause-deadlines.server";
import { cancelStaleMessages, deliverDueMessages, type OutboxDeps } from "../app/services/shared/outbox.server";
import { purgeStaleImportPreviews, runDailyRetention } from "../app/services/shared/retention.server";

/**
 * One pass of the reminder job: plan and claim what is due, then deliver. The database is the
 * schedule: each pass recomputes what is due, so a missed, late or doubled pass is harmless.
 */
export async function tick(deps: OutboxDeps) {
  const stale = await cancelStaleMessages(deps);
  // Before planning, so a lapsed plan's invoices are chased again in this very pass.
  const lapsedPlans = await lapseUnreviewedPlans(deps);
  const planning = await runCadence(deps);
  const delivery = await deliverDueMessages(deps);
  // Once per creditor-local day: the first pass after midnight claims the day.
  const retention = await runDailyRetention({ db: deps.db, storageDir: deps.env.STORAGE_DIR, now: deps.now });
  // Every pass (a few rows at most): an unconfirmed import preview and its file go a day after it was made.
  const previews = await purgeStaleImportPreviews({ db: deps.db, storageDir: deps.env.STORAGE_DIR, now: deps.now });
  return {
    claimed: planning.claimed,
    ...delivery,
    cancelled: delivery.cancelled + stale,
    effects: planning.effects,
    lapsedPlans,
    anonymised: retention.anonymised.length,
    importPreviewsPurged: previews.purged.length,
  };
}
