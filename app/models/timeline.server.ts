import type { Db } from "../../db/client";
import { timelineEvents } from "../../db/schema";

export type TimelineEntry = typeof timelineEvents.$inferInsert;

/** Appends to the debtor's timeline; the table refuses updates and deletes. */
export function appendTimeline(tx: Pick<Db, "insert">, entry: TimelineEntry) {
  tx.insert(timelineEvents).values(entry).run();
}
