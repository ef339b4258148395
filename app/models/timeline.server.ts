import { sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { timelineEvents } from "../../db/tables";
import { preparedOnce } from "./prepared.server";

export type TimelineEntry = typeof timelineEvents.$inferInsert;

/** Appends to the debtor's timeline; the table refuses updates and deletes. */
export async function appendTimeline(tx: Pick<Db, "insert">, entry: Omit<TimelineEntry, "id">): Promise<number> {
  return first(await insertTimeline(tx).execute({ ...entry, invoiceId: entry.invoiceId ?? null, createdAt: entry.createdAt ?? new Date() }))!.id;
}

// Most actions append one or more entries: built and prepared once per connection (or transaction).
const insertTimeline = preparedOnce((tx: Pick<Db, "insert">) =>
  tx
    .insert(timelineEvents)
    .values({
      creditorId: sql.placeholder("creditorId"),
      debtorId: sql.placeholder("debtorId"),
      invoiceId: sql.placeholder("invoiceId"),
      type: sql.placeholder("type"),
      actor: sql.placeholder("actor"),
      data: sql.placeholder("data"),
      occurredAt: sql.placeholder("occurredAt"),
      createdAt: sql.placeholder("createdAt"),
    })
    .returning({ id: timelineEvents.id })
    .prepare(),
);
