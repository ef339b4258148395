import { describe, expect, it } from "vitest";
import { PAUSE_KINDS, PAUSE_TERMS, isPastDeadline } from "~/domain/pauses";
import { cadencePauses, installmentPlans } from "../../db/tables";

describe("every pause kind has an end or an owner with a deadline", () => {
  it.each(PAUSE_KINDS)("%s", (kind) => {
    const term = PAUSE_TERMS[kind];
    expect(term, `${kind} has no term in PAUSE_TERMS`).toBeDefined();
    if (term.ends === "on_date") {
      expect(term.until.length).toBeGreaterThan(10);
    } else {
      expect(term.owner).toBeTruthy();
      expect(Number.isInteger(term.deadlineBusinessDays) && term.deadlineBusinessDays > 0).toBe(true);
      expect(term.pastDeadline.length).toBeGreaterThan(10);
    }
  });

  it("lists every pause the database can hold, so a new one cannot be added without its term", () => {
    expect(Object.keys(PAUSE_TERMS).sort()).toEqual([...PAUSE_KINDS].sort());
    for (const reason of cadencePauses.reason.enumValues) expect(PAUSE_KINDS).toContain(reason);
    // Plan statuses that hold the cadence, under their pause names.
    expect(installmentPlans.status.enumValues).toEqual(expect.arrayContaining(["pending_review", "accepted"]));
    expect(PAUSE_KINDS).toEqual(expect.arrayContaining(["plan_under_review", "plan_accepted", "promise", "dispute"]));
  });

  it("gives a plan proposed on a Monday until the next Monday (5 business days) before it is late", () => {
    expect(isPastDeadline("2026-11-16", "2026-11-23", 5)).toBe(false);
    expect(isPastDeadline("2026-11-16", "2026-11-24", 5)).toBe(true);
    // Weekends and public holidays do not count: proposed Friday 6 November, 11 November off.
    expect(isPastDeadline("2026-11-06", "2026-11-16", 5)).toBe(false);
    expect(isPastDeadline("2026-11-06", "2026-11-17", 5)).toBe(true);
  });
});
