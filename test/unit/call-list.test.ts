import { describe, expect, it } from "vitest";
import { rankCallTasks, reachedDebtor, type CallCandidate } from "~/domain/call-list";

const today = "2026-11-20";
const base: CallCandidate = {
  taskId: 1,
  dueAt: new Date("2026-11-20T09:00:00Z"),
  owedCents: 100_000,
  oldestDueDate: "2026-10-21",
  brokenPromiseCount: 0,
  openDisputes: 0,
  segment: "standard",
};
const order = (candidates: CallCandidate[]) => rankCallTasks(candidates, today).map((c) => c.taskId);

describe("the call list ranking", () => {
  it.each([
    ["more money owed comes first", { owedCents: 900_000 }, { owedCents: 100_000 }],
    ["an older debt comes first", { oldestDueDate: "2026-08-22" }, { oldestDueDate: "2026-11-10" }],
    ["broken promises come first", { brokenPromiseCount: 1 }, {}],
    ["an open dispute needs a person first", { openDisputes: 1 }, {}],
    ["a high-risk debtor comes before a standard one", { segment: "high_risk" as const }, {}],
    ["a standard debtor comes before a good payer", {}, { segment: "good_payer" as const }],
  ])("%s", (_, first, second) => {
    expect(order([{ ...base, taskId: 2, ...second }, { ...base, taskId: 1, ...first }])).toEqual([1, 2]);
  });

  it("caps age and amount so one huge factor does not drown the rest", () => {
    const ancientSmall = { ...base, taskId: 1, oldestDueDate: "2020-01-01", owedCents: 10_000 };
    const recentLargeWithBrokenPromises = { ...base, taskId: 2, oldestDueDate: "2026-10-01", owedCents: 1_000_000, brokenPromiseCount: 2 };
    expect(order([ancientSmall, recentLargeWithBrokenPromises])).toEqual([2, 1]);
  });

  it("breaks ties by the time the call is due, then by task", () => {
    const later = { ...base, taskId: 1, dueAt: new Date("2026-11-20T15:00:00Z") };
    const sooner = { ...base, taskId: 3, dueAt: new Date("2026-11-20T08:00:00Z") };
    expect(order([later, sooner, { ...base, taskId: 2 }])).toEqual([3, 2, 1]);
  });

  it("explains every point it gives", () => {
    const [ranked] = rankCallTasks([{ ...base, brokenPromiseCount: 1, openDisputes: 2, segment: "high_risk" }], today);
    expect(ranked?.why).toEqual(["overdue_days:30", "owed:100000", "broken_promises:1", "open_disputes:2", "segment:high_risk"]);
  });

  it("counts only a conversation as reaching the debtor", () => {
    expect(["promise", "will_pay", "dispute"].every((o) => reachedDebtor(o as never))).toBe(true);
    expect(["no_answer", "voicemail", "wrong_number"].some((o) => reachedDebtor(o as never))).toBe(false);
  });
});
