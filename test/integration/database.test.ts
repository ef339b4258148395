import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { freshDb, seededDb } from "../support/db";
import { creditors, debtors, invoices, outboundMessages, timelineEvents } from "../../db/schema";
import { agingBucket } from "~/domain/aging";

describe("database", () => {
  it("opens every connection with WAL, foreign keys and a busy timeout", () => {
    const { db } = freshDb();
    expect(db.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.$client.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.$client.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("keeps the timeline append-only", () => {
    const { db } = seededDb("2026-11-20");
    const before = db.select({ n: sql<number>`count(*)` }).from(timelineEvents).get()!.n;
    expect(before).toBeGreaterThan(0);
    expect(() => db.update(timelineEvents).set({ type: "tampered" }).run()).toThrow(/append-only/);
    expect(() => db.delete(timelineEvents).run()).toThrow(/append-only/);
    expect(db.select({ n: sql<number>`count(*)` }).from(timelineEvents).get()!.n).toBe(before);
  });

  it("refuses a second outbound message with the same key", () => {
    const { db } = seededDb("2026-11-20");
    const debtor = db.select().from(debtors).limit(1).get()!;
    const row = {
      key: "pre_reminder:debtor-1:2026-11-20:email",
      creditorId: debtor.creditorId,
      debtorId: debtor.id,
      step: "pre_reminder",
      channel: "email" as const,
      status: "pending" as const,
      locale: "fr" as const,
      plannedFor: new Date(),
    };
    db.insert(outboundMessages).values(row).run();
    expect(() => db.insert(outboundMessages).values(row).run()).toThrow(/UNIQUE/);
  });

  it("refuses rows that point nowhere", () => {
    const { db } = freshDb();
    expect(() =>
      db.insert(debtors).values({ creditorId: 999, kind: "business", name: "Ghost SARL" }).run(),
    ).toThrow(/FOREIGN KEY/);
  });
});

describe("demo seed", () => {
  const today = "2026-11-20";
  const { db } = seededDb(today);

  it("makes one French SME creditor with about 30 debtors and 100 invoices", () => {
    expect(db.select().from(creditors).all()).toHaveLength(1);
    const all = db.select().from(debtors).all();
    expect(all).toHaveLength(30);
    expect(all.some((d) => d.locale === "en")).toBe(true);
    expect(all.some((d) => d.kind === "consumer")).toBe(true);
    expect(db.select().from(invoices).all()).toHaveLength(100);
  });

  it("fills every aging bucket and has invoices due in five days", () => {
    const open = db.select().from(invoices).all().filter((i) => i.status === "open");
    const buckets = new Set(open.map((i) => agingBucket(i.dueDate, today)));
    expect([...buckets].sort()).toEqual(["1_30", "31_60", "61_90", "not_due", "over_90"]);
    expect(open.filter((i) => i.dueDate === "2026-11-25").length).toBeGreaterThanOrEqual(5);
  });

  it("stores money as integer cents with balances within the invoiced amount", () => {
    for (const invoice of db.select().from(invoices).all()) {
      expect(Number.isInteger(invoice.amountCents)).toBe(true);
      expect(invoice.balanceCents).toBeGreaterThanOrEqual(0);
      expect(invoice.balanceCents).toBeLessThanOrEqual(invoice.amountCents);
    }
  });
});
