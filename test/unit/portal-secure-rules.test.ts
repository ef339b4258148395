import { describe, expect, it } from "vitest";
import { RATE_LIMITS, computeWindowStart, decideRateLimit } from "~/domain/rate-limit";
import { decideCodeCheck, isSteppedUp, maskEmail, maskPhone, safePortalPath, safeReturnTo } from "~/domain/step-up";
import { normalizePhone } from "~/domain/contact-details";

const at = (iso: string) => new Date(iso);

describe("fixed-window rate limits", () => {
  const rule = { name: "t", limit: 3, windowMs: 10 * 60_000 };

  it("aligns windows on multiples of their length", () => {
    expect(computeWindowStart(at("2026-11-20T09:07:30Z").getTime(), rule.windowMs)).toBe(at("2026-11-20T09:00:00Z").getTime());
    expect(computeWindowStart(at("2026-11-20T09:10:00Z").getTime(), rule.windowMs)).toBe(at("2026-11-20T09:10:00Z").getTime());
    expect(() => computeWindowStart(0, 0)).toThrow(RangeError);
  });

  it("allows up to the limit, then says when the window ends", () => {
    const now = at("2026-11-20T09:07:30Z").getTime();
    expect(decideRateLimit(rule, 1, now)).toEqual({ allowed: true, remaining: 2 });
    expect(decideRateLimit(rule, 3, now)).toEqual({ allowed: true, remaining: 0 });
    expect(decideRateLimit(rule, 4, now)).toEqual({ allowed: false, retryAt: at("2026-11-20T09:10:00Z"), retryAfterSeconds: 150 });
  });

  it("never asks to wait less than a second, even at the last instant of a window", () => {
    const decision = decideRateLimit(rule, 9, at("2026-11-20T09:09:59.900Z").getTime());
    expect(decision).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it("keeps codes out of reach: at most 10 entries per session per quarter hour, 3 sends", () => {
    expect(RATE_LIMITS.codeAttemptSession).toMatchObject({ limit: 10, windowMs: 15 * 60_000 });
    expect(RATE_LIMITS.codeSendSession).toMatchObject({ limit: 3, windowMs: 15 * 60_000 });
  });
});

describe("step-up codes", () => {
  const now = at("2026-11-20T09:00:00Z");
  const live = { attempts: 0, expiresAt: at("2026-11-20T09:10:00Z"), usedAt: null };

  it.each([
    ["the right code", live, true, "accepted"],
    ["a wrong code", live, false, "wrong"],
    ["the 5th wrong attempt", { ...live, attempts: 4 }, false, "wrong"],
    ["the right code after 5 wrong ones", { ...live, attempts: 5 }, true, "locked"],
    ["an expired code", { ...live, expiresAt: now }, true, "expired"],
    ["a used code", { ...live, usedAt: at("2026-11-20T08:59:00Z") }, true, "used"],
  ] as const)("%s → %s", (_label, code, matches, expected) => {
    expect(decideCodeCheck(code, matches, now)).toBe(expected);
  });

  it("a proof lasts an hour", () => {
    expect(isSteppedUp(null, now)).toBe(false);
    expect(isSteppedUp(at("2026-11-20T08:01:00Z"), now)).toBe(true);
    expect(isSteppedUp(at("2026-11-20T08:00:00Z"), now)).toBe(false);
  });

  it("returns only to portal paths", () => {
    expect(safeReturnTo("/portal/documents")).toBe("/portal/documents");
    expect(safeReturnTo("/portal/documents?x=1")).toBe("/portal/documents?x=1");
    expect(safeReturnTo("/portal")).toBe("/portal");
    for (const bad of ["https://evil.example/portal", "//evil.example", "/portalx", "/portal//evil.example", "/portal/\\evil", "/backoffice", "/portal/verify", null, 42]) {
      expect(safeReturnTo(bad), String(bad)).toBe("/portal");
    }
    expect(safePortalPath("/portal/verify?returnTo=%2Fportal")).toBe("/portal/verify?returnTo=%2Fportal");
  });

  it("masks contacts on file", () => {
    expect(maskEmail("jean.dupont@exemple.fr")).toBe("j***@e***.fr");
    expect(maskEmail("compta@boulangerie-martin.fr")).toBe("c***@b***.fr");
    expect(maskPhone("+33612345612")).toBe("+33 6 ** ** ** 12");
    expect(maskPhone("+442079460958")).toBe("+44 *** *** 58");
  });
});

describe("phone numbers typed in the portal", () => {
  it.each([
    ["06 12 34 56 78", "+33612345678"],
    ["06.12.34.56.78", "+33612345678"],
    ["+33 6 12 34 56 78", "+33612345678"],
    ["+33 (0)6 12 34 56 78", "+33612345678"],
    ["0033612345678", "+33612345678"],
    ["+44 20 7946 0958", "+442079460958"],
  ])("%s → %s", (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it.each(["", "12345", "06 12 34 56", "+33 06 12 34 56 78 9", "0612345678x", "+0612345678"])("refuses %j", (input) => {
    expect(normalizePhone(input)).toBeNull();
  });
});
