import type { Db } from "../../../db/client";
import { computeWindowStart, decideRateLimit, type RateLimitDecision, type RateLimitRule } from "../../domain/rate-limit";
import { sha256 } from "../auth/tokens.server";
import { countRateLimitHit } from "../../models/rate-limits.server";
import { now } from "../../clock.server";
import { getEnv } from "../../env.server";
import { PEER_ADDRESS_HEADER } from "../../utils/peer-address";

/**
 * Counts one hit of `subject` under `rule` in the current fixed window and says whether it may go on
 * (M17). One upsert: atomic under SQLite's single writer, so concurrent requests cannot both slip
 * under the limit. The subject is hashed: no address or IP is stored in clear.
 */
export async function hitRateLimit(db: Db, rule: RateLimitRule, subject: string, now: Date): Promise<RateLimitDecision> {
  const windowStart = computeWindowStart(now.getTime(), rule.windowMs);
  const count = await countRateLimitHit(db, `${rule.name}:${sha256(subject)}`, new Date(windowStart));
  return decideRateLimit(rule, count, now.getTime());
}

/**
 * The client's address, for rate-limit buckets (M17): see `clientIp`. A request that reached no
 * socket (a test calling a route) has none and shares one bucket, which only makes limits stricter.
 */
export function clientAddress(request: Request): string {
  return clientIp(request) ?? "unknown";
}

/**
 * Who the client is, for limits and evidence alike (L6). Without TRUST_PROXY, the socket's address
 * (stamped by our server, never taken from the client). With TRUST_PROXY=n, the entry the outermost
 * of those n proxies appended to X-Forwarded-For: entries further left are the client's own words.
 */
export function clientIp(request: Request, hops = getEnv().TRUST_PROXY): string | null {
  const peer = request.headers.get(PEER_ADDRESS_HEADER);
  const chain =
    hops === 0
      ? []
      : (request.headers.get("X-Forwarded-For") ?? "")
          .split(",")
          .map((entry) => entry.trim())
          .filter(Boolean);
  // The socket is the nearest proxy; when the server did not stamp it, it still counts as one hop.
  chain.push(peer ?? "");
  const address = chain[Math.max(0, chain.length - 1 - hops)];
  return address && address.length <= 64 ? address : null;
}

export type RateLimited = { status: "rate_limited"; retryAt: string; retryAfterSeconds: number };

export function rateLimitedResult(decision: Extract<RateLimitDecision, { allowed: false }>): RateLimited {
  return { status: "rate_limited", retryAt: decision.retryAt.toISOString(), retryAfterSeconds: decision.retryAfterSeconds };
}

/** 429 with Retry-After (RFC 9110 §10.2.3); the page itself says the time in words. */
export function rateLimitedInit(limited: RateLimited): ResponseInit {
  return { status: 429, headers: { "Retry-After": String(limited.retryAfterSeconds), "Cache-Control": "no-store", "Referrer-Policy": "same-origin" } };
}

/** For routes outside a portal session: counts a hit on the given database at the server clock. */
export async function limitRequest(db: Db, rule: RateLimitRule, subject: string): Promise<RateLimited | null> {
  const decision = await hitRateLimit(db, rule, subject, now());
  return decision.allowed ? null : rateLimitedResult(decision);
}
