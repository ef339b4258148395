import { describe, expect, it } from "vitest";
import { isTimeBarred, prescriptionLastDay } from "~/domain/prescription";
import { rankCallTasks, type CallCandidate } from "~/domain/call-list";
import { decideDebtorState } from "~/domain/debtor-list";

describe("consumer prescription (L218-2)", () => {
  it.each([
    ["consumer", "2024-11-20", "2026-11-20", false],
    ["consumer", "2024-11-19", "2026-11-20", true],
    ["business", "2020-01-01", "2026-11-20", false],
    ["consumer", "2024-02-29", "2026-02-28", false],
    ["consumer", "2024-02-29", "2026-03-01", true],
  ] as const)("%s debt due %s, on %s: time-barred %s", (kind, due, today, barred) => {
    expect(isTimeBarred(kind, due, today)).toBe(barred);
  });

  it("the last day is the same date two years on", () => {
    expect(prescriptionLastDay("2024-11-19")).toBe("2026-11-19");
  });

  it("the call list leaves out a consumer whose open debts are all time-barred, not one with a recent debt", () => {
    const base: CallCandidate = { taskId: 1, dueAt: new Date("2026-11-20T09:00:00Z"), owedCents: 100_00, oldestDueDate: "2024-01-10", brokenPromiseCount: 0, openDisputes: 0, segment: "standard" };
    const ranked = rankCallTasks(
      [
        { ...base, taskId: 1, debtorKind: "consumer", newestDueDate: "2024-11-19" },
        { ...base, taskId: 2, debtorKind: "consumer", newestDueDate: "2026-10-01" },
        { ...base, taskId: 3, debtorKind: "business", newestDueDate: "2024-11-19" },
      ],
      "2026-11-20",
    );
    expect(ranked.map((r) => r.taskId).sort()).toEqual([2, 3]);
  });

  it("the debtor list says prescrite for a consumer whose every open debt is time-barred", () => {
    const row = { escalated: false, hasLitigationInvoice: false, paused: false, owedCents: 100_00, overdueCents: 100_00 };
    expect(decideDebtorState({ ...row, kind: "consumer", newestOpenDueDate: "2024-11-19" }, "2026-11-20")).toBe("time_barred");
    expect(decideDebtorState({ ...row, kind: "consumer", newestOpenDueDate: "2024-11-20" }, "2026-11-20")).toBe("overdue");
    expect(decideDebtorState({ ...row, kind: "business", newestOpenDueDate: "2024-11-19" }, "2026-11-20")).toBe("overdue");
  });

  it("an acknowledgment since the due date starts two new years; one before it changes nothing", () => {
    expect(isTimeBarred("consumer", "2024-05-01", "2026-11-20")).toBe(true);
    expect(isTimeBarred("consumer", "2024-05-01", "2026-11-20", "2026-05-20")).toBe(false);
    expect(isTimeBarred("consumer", "2024-05-01", "2026-11-20", "2024-11-19")).toBe(true);
    expect(isTimeBarred("consumer", "2024-05-01", "2026-11-20", "2024-11-20")).toBe(false);
    expect(isTimeBarred("consumer", "2024-05-01", "2026-11-20", "2024-01-01")).toBe(true);
  });
});
