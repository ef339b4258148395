import { lt, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { rateLimits } from "../../db/tables";
import { preparedOnce } from "./prepared.server";

// Every link landing and exchange counts two hits: built and prepared once per connection.
const countHit = preparedOnce((db) =>
  db
    .insert(rateLimits)
    .values({ key: sql.placeholder("key"), windowStart: sql.placeholder("windowStart"), count: 1 })
    .onConflictDoUpdate({ target: [rateLimits.key, rateLimits.windowStart], set: { count: sql`${rateLimits.count} + 1` } })
    .returning({ count: rateLimits.count })
    .prepare(),
);

/**
 * Counts one hit on the bucket of this key and window and returns the bucket's count. One upsert:
 * atomic under SQLite's single writer, so concurrent requests cannot both slip under the limit. The
 * column maps the placeholder's Date, as it would a literal value.
 */
export async function countRateLimitHit(db: Db, key: string, windowStart: Date): Promise<number> {
  return first(await countHit(db).execute({ key, windowStart }))!.count;
}

/** Windows that ended are worth nothing; the caller (a job, a test) decides when to sweep. */
export async function sweepRateLimits(db: Db, olderThan: Date) {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, new Date(olderThan.getTime() - 24 * 3_600_000)));
}
