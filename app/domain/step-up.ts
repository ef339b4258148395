/**
 * Step-up by a one-time code sent to a contact already on file (M10, M18, M20): rules only, no I/O.
 */

export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
/** A proof of possession of the contact lasts this long within the session. */
export const STEP_UP_TTL_MS = 60 * 60_000;

export type StepUpCodeState = { attempts: number; expiresAt: Date; usedAt: Date | null };

export type CodeCheck = "accepted" | "wrong" | "locked" | "expired" | "used";

/**
 * What a typed code meets. `matches` says whether it is this row's code. A used code stays used and an
 * expired one expired (specific messages); once 5 wrong attempts are spent, even the right code is refused.
 */
export function decideCodeCheck(code: StepUpCodeState, matches: boolean, now: Date): CodeCheck {
  if (code.usedAt) return "used";
  if (code.expiresAt.getTime() <= now.getTime()) return "expired";
  if (code.attempts >= CODE_MAX_ATTEMPTS) return "locked";
  return matches ? "accepted" : "wrong";
}

export function attemptsLeft(attemptsAfterThisOne: number): number {
  return Math.max(0, CODE_MAX_ATTEMPTS - attemptsAfterThisOne);
}

export function isSteppedUp(stepUpAt: Date | null, now: Date): boolean {
  return stepUpAt !== null && now.getTime() - stepUpAt.getTime() < STEP_UP_TTL_MS && stepUpAt.getTime() <= now.getTime();
}

/** A portal path only, never another origin or a scheme-relative URL (no open redirect). */
export function safePortalPath(value: unknown, fallback = "/portal"): string {
  if (typeof value !== "string" || value.length > 512) return fallback;
  if (!/^\/portal(?:[/?#]|$)/.test(value)) return fallback;
  if (value.includes("\\") || value.includes("//") || [...value].some((ch) => ch.charCodeAt(0) < 0x20)) return fallback;
  return value;
}

/** Where to go after the code: a portal path, but not the code page itself. */
export function safeReturnTo(value: unknown, fallback = "/portal"): string {
  const path = safePortalPath(value, fallback);
  return path.startsWith("/portal/verify") ? fallback : path;
}

/** j***@e***.fr: enough to recognise one's own address, not enough to learn it (M19). */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const tld = dot > 0 ? domain.slice(dot) : "";
  return `${local[0]}***@${domain[0] ?? ""}***${tld}`;
}

/** +33 6 ** ** ** 12 for a French mobile; other numbers keep their first 3 and last 2 characters. */
export function maskPhone(phone: string): string {
  const french = /^\+33([1-9])\d{6}(\d{2})$/.exec(phone);
  if (french) return `+33 ${french[1]} ** ** ** ${french[2]}`;
  if (phone.length < 6) return "***";
  return `${phone.slice(0, 3)} *** *** ${phone.slice(-2)}`;
}
