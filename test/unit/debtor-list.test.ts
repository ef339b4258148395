import { describe, expect, it } from "vitest";
import { decideDebtorState, likeContains, oldestDaysLate, pageCount, sirenOf } from "~/domain/debtor-list";

describe("a debtor's state in the list", () => {
  const base = { escalated: false, hasLitigationInvoice: false, paused: false, owedCents: 10_000, overdueCents: 5_000 };
  it.each([
    [{}, "overdue"],
    [{ overdueCents: 0 }, "current"],
    [{ owedCents: 0, overdueCents: 0 }, "settled"],
    [{ paused: true }, "paused"],
    [{ paused: true, escalated: true }, "litigation"],
    [{ hasLitigationInvoice: true, overdueCents: 0 }, "litigation"],
  ] as const)("%o → %s", (change, state) => {
    expect(decideDebtorState({ ...base, ...change })).toBe(state);
  });
});

describe("search helpers", () => {
  it("reads a SIREN typed with spaces or dots, and nothing else", () => {
    expect(sirenOf("523 456 789")).toBe("523456789");
    expect(sirenOf("523.456.789")).toBe("523456789");
    expect(sirenOf("52345678")).toBeNull();
    expect(sirenOf("F-2026-0001")).toBeNull();
  });
  it("escapes LIKE wildcards so they match literally", () => {
    expect(likeContains("50%_off\\")).toBe("%50\\%\\_off\\\\%");
  });
  it("counts days late from the oldest due date, and pages", () => {
    expect(oldestDaysLate("2026-10-21", "2026-11-20")).toBe(30);
    expect(oldestDaysLate(null, "2026-11-20")).toBe(0);
    expect(pageCount(0)).toBe(1);
    expect(pageCount(26)).toBe(2);
  });
});
