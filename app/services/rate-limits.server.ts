import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rateLimits } from "../../db/schema";
import { computeWindowStart, decideRateLimit, type RateLimitDecision, type RateLimitRule } from "../domain/rate-limit";
import { sha256 } from "./tokens.server";
import { getDb } from "../db.server";
import { now } from "../clock.server";

type Writer = Pick<Db, "insert">;

/**
 * Counts one hit of `subject` under `rule` in the current fixed window and says whether it may go on
 * (M17). One upsert: atomic under SQLite's single writer, so concurrent requests cannot both slip
 * under the limit. The subject is hashed: no address or IP is stored in clear.
 */
export function hitRateLimit(db: Writer, rule: RateLimitRule, subject: string, now: Date): RateLimitDecision {
  const windowStart = computeWindowStart(now.getTime(), rule.windowMs);
  const row = db
    .insert(rateLimits)
    .values({ key: `${rule.name}:${sha256(subject)}`, windowStart, count: 1 })
    .onConflictDoUpdate({ target: [rateLimits.key, rateLimits.windowStart], set: { count: sql`${rateLimits.count} + 1` } })
    .returning({ count: rateLimits.count })
    .get();
  return decideRateLimit(rule, row.count, now.getTime());
}

/** Windows that ended are worth nothing; the caller (a job, a test) decides when to sweep. */
export function sweepRateLimits(db: Pick<Db, "delete">, olderThan: Date) {
  db.delete(rateLimits).where(sql`${rateLimits.windowStart} < ${olderThan.getTime() - 24 * 3_600_000}`).run();
}

/**
 * The client's address as our reverse proxy saw it: the LAST X-Forwarded-For entry is the one the
 * proxy appended (a client can prepend entries, not replace that one). Without a proxy (development,
 * tests) every client shares one bucket, which only makes the limit stricter.
 */
export function clientAddress(request: Request): string {
  return proxiedClientAddress(request) ?? "direct";
}

/** The same address, or null without a proxy: what evidence records (L6) rather than a bucket name. */
export function proxiedClientAddress(request: Request): string | null {
  const last = request.headers.get("X-Forwarded-For")?.split(",").at(-1)?.trim();
  return last && last.length <= 64 ? last : null;
}

export type RateLimited = { status: "rate_limited"; retryAt: string; retryAfterSeconds: number };

export function rateLimitedResult(decision: Extract<RateLimitDecision, { allowed: false }>): RateLimited {
  return { status: "rate_limited", retryAt: decision.retryAt.toISOString(), retryAfterSeconds: decision.retryAfterSeconds };
}

/** 429 with Retry-After (RFC 9110 §10.2.3); the page itself says the time in words. */
export function rateLimitedInit(limited: RateLimited): ResponseInit {
  return { status: 429, headers: { "Retry-After": String(limited.retryAfterSeconds), "Cache-Control": "no-store", "Referrer-Policy": "same-origin" } };
}

/** For routes outside a portal session: counts a hit on the process's database at the server clock. */
export function limitRequest(rule: RateLimitRule, subject: string): RateLimited | null {
  const decision = hitRateLimit(getDb(), rule, subject, now());
  return decision.allowed ? null : rateLimitedResult(decision);
}
