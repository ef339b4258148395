/**
 * Fixed-window rate limits (M17): a counter per key and window, the window aligned on multiples of
 * its length since the epoch, so every process agrees on it without coordination.
 */

export type RateLimitRule = {
  /** Part of the stored key: changing a rule's name starts its counters afresh. */
  name: string;
  limit: number;
  windowMs: number;
};

const MINUTE = 60_000;

/**
 * Generous for people, tight for scripts. Link tokens carry 128 bits or a signature, so these limits
 * are about noise and cost; the code limits are what keeps a 6-digit code out of reach (M10).
 */
export const RATE_LIMITS = {
  /** POSTs of /l/:token per client address, valid or not. */
  linkExchangeIp: { name: "link-exchange:ip", limit: 60, windowMs: 10 * MINUTE },
  /** Opening a link's page (GET) per client address: the page itself writes nothing (M1). */
  linkLandingIp: { name: "link-landing:ip", limit: 120, windowMs: 10 * MINUTE },
  /** Opening or exchanging one link (GET and POST), whoever asks: a shared link cannot be hammered. */
  linkToken: { name: "link:token", limit: 100, windowMs: 10 * MINUTE },
  /** "Send me a new link" per client address. */
  newLinkIp: { name: "new-link:ip", limit: 10, windowMs: 60 * MINUTE },
  /** "Send me a new link" per address typed (hashed): the address on file is never flooded. */
  newLinkAddress: { name: "new-link:address", limit: 3, windowMs: 60 * MINUTE },
  /** Step-up codes sent per portal session. */
  codeSendSession: { name: "code-send:session", limit: 3, windowMs: 15 * MINUTE },
  /** Step-up codes sent per client address, whatever the session. */
  codeSendIp: { name: "code-send:ip", limit: 30, windowMs: 15 * MINUTE },
  /** Step-up codes sent to one contact on file. */
  codeSendContact: { name: "code-send:contact", limit: 20, windowMs: 15 * MINUTE },
  /** Step-up code entries per portal session, whatever the code. */
  codeAttemptSession: { name: "code-attempt:session", limit: 10, windowMs: 15 * MINUTE },
  /** Back-office sign-in attempts per client address. */
  staffSignInIp: { name: "staff-sign-in:ip", limit: 30, windowMs: 15 * MINUTE },
  /** Back-office sign-in attempts per email typed (hashed): a password cannot be guessed by trying. */
  staffSignInEmail: { name: "staff-sign-in:email", limit: 10, windowMs: 15 * MINUTE },
  /** One-time codes emailed per staff address typed (hashed): each code gives 5 tries, so codes are few. */
  staffCodeSendEmail: { name: "staff-code-send:email", limit: 3, windowMs: 15 * MINUTE },
} as const satisfies Record<string, RateLimitRule>;

/** The start of the window holding `nowMs`. */
export function computeWindowStart(nowMs: number, windowMs: number): number {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) throw new RangeError(`Window must be a positive whole number of ms: ${windowMs}`);
  return Math.floor(nowMs / windowMs) * windowMs;
}

export type RateLimitDecision = { allowed: true; remaining: number } | { allowed: false; retryAt: Date; retryAfterSeconds: number };

/**
 * Given how many hits the window holds once this one is counted, whether it may go on. Refused hits
 * still count: hammering does not open the door sooner, and the window's end is the same for all.
 */
export function decideRateLimit(rule: RateLimitRule, countWithThisHit: number, nowMs: number): RateLimitDecision {
  if (countWithThisHit <= rule.limit) return { allowed: true, remaining: rule.limit - countWithThisHit };
  const retryAtMs = computeWindowStart(nowMs, rule.windowMs) + rule.windowMs;
  return { allowed: false, retryAt: new Date(retryAtMs), retryAfterSeconds: Math.max(1, Math.ceil((retryAtMs - nowMs) / 1000)) };
}
