import type { Db } from "../../db/client";
import { timelineEvents } from "../../db/schema";

export type TimelineEntry = typeof timelineEvents.$inferInsert;

/** Appends to the debtor's timeline; the table refuses updates and deletes. */
export function appendTimeline(tx: Pick<Db, "insert">, entry: TimelineEntry): number {
  return tx.insert(timelineEvents).values(entry).returning({ id: timelineEvents.id }).get().id;
}
