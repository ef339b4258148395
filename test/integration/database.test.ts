import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { freshDb, seededDb } from "../support/db";
import { creditors, debtors, invoices, outboundMessages, timelineEvents } from "../../db/tables";
import { agingBucket } from "~/domain/aging";
import Database from "better-sqlite3";
import { first, sqliteClient, transaction, wrapSqlite, type Db } from "../../db/client";

/** What a query's failure says, through drizzle's "Failed query" wrapper down to the engine's own error. */
async function failure(query: PromiseLike<unknown>): Promise<string> {
  const messages: string[] = [];
  try {
    await query;
  } catch (error) {
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) messages.push(cause.message);
  }
  return messages.join(" ← ");
}

describe("database", () => {
  it("opens every connection with WAL, foreign keys and a busy timeout", () => {
    const { db } = freshDb();
    expect(sqliteClient(db)!.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(sqliteClient(db)!.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(sqliteClient(db)!.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("keeps the timeline append-only", async () => {
    const { db } = await seededDb("2026-11-20");
    const before = first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(timelineEvents))!.n;
    expect(before).toBeGreaterThan(0);
    expect(await failure(db.update(timelineEvents).set({ type: "tampered" }))).toMatch(/append-only/);
    expect(await failure(db.delete(timelineEvents))).toMatch(/append-only/);
    expect(first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(timelineEvents))!.n).toBe(before);
  });

  it("refuses a second outbound message with the same key", async () => {
    const { db } = await seededDb("2026-11-20");
    const debtor = first(await db.select().from(debtors).limit(1))!;
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
    await db.insert(outboundMessages).values(row);
    expect(await failure(db.insert(outboundMessages).values(row))).toMatch(/UNIQUE/);
  });

  it("refuses rows that point nowhere", async () => {
    const { db } = freshDb();
    expect(await failure(db.insert(debtors).values({ creditorId: 999, kind: "business", name: "Ghost SARL" }))).toMatch(/FOREIGN KEY/);
  });
});

describe("demo seed", async () => {
  const today = "2026-11-20";
  const { db } = await seededDb(today);

  it("makes one French SME creditor with about 30 debtors and 100 invoices", async () => {
    expect(await db.select().from(creditors)).toHaveLength(1);
    const all = await db.select().from(debtors);
    expect(all).toHaveLength(30);
    expect(all.some((d) => d.locale === "en")).toBe(true);
    expect(all.some((d) => d.kind === "consumer")).toBe(true);
    expect(await db.select().from(invoices)).toHaveLength(100);
  });

  it("fills every aging bucket and has invoices due in five days", async () => {
    const open = (await db.select().from(invoices)).filter((i) => i.status === "open");
    const buckets = new Set(open.map((i) => agingBucket(i.dueDate, today)));
    expect([...buckets].sort()).toEqual(["1_30", "31_60", "61_90", "not_due", "over_90"]);
    expect(open.filter((i) => i.dueDate === "2026-11-25").length).toBeGreaterThanOrEqual(5);
  });

  it("stores money as integer cents with balances within the invoiced amount", async () => {
    for (const invoice of await db.select().from(invoices)) {
      expect(Number.isInteger(invoice.amountCents)).toBe(true);
      expect(invoice.balanceCents).toBeGreaterThanOrEqual(0);
      expect(invoice.balanceCents).toBeLessThanOrEqual(invoice.amountCents);
    }
  });
});

describe("transactions on one SQLite connection", () => {
  const migrated = () => {
    const { path } = freshDb();
    return wrapSqlite(new Database(path), { lockTimeoutMs: 300 });
  };
  const names = async (db: Db) => (await db.select({ name: creditors.legalName }).from(creditors).orderBy(creditors.id)).map((c) => c.name);
  const creditor = (legalName: string) => ({ legalName, addressLine: "1 rue de la Paix", postalCode: "69001", city: "Lyon", email: "compta@example.fr" });

  it("keeps a statement issued meanwhile out of a transaction that rolls back", async () => {
    const db = migrated();
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const failing = transaction(db, async (tx) => {
      await tx.insert(creditors).values(creditor("Annulé"));
      await paused;
      throw new Error("refused");
    });
    // Issued while the transaction is open: it waits, and is not rolled back with it.
    const outside = db.insert(creditors).values(creditor("Gardé"));
    release();
    await expect(failing).rejects.toThrow("refused");
    await outside;
    expect(await names(db)).toEqual(["Gardé"]);
  });

  it("runs transactions one after the other, in the order they began", async () => {
    const db = migrated();
    const order: string[] = [];
    await Promise.all(
      ["A", "B", "C"].map((name) =>
        transaction(db, async (tx) => {
          order.push(`${name} begins`);
          await tx.insert(creditors).values(creditor(name));
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(`${name} ends`);
        }),
      ),
    );
    expect(order).toEqual(["A begins", "A ends", "B begins", "B ends", "C begins", "C ends"]);
    expect(await names(db)).toEqual(["A", "B", "C"]);
  });

  it("makes a transaction inside a transaction a savepoint: its failure undoes only itself", async () => {
    const db = migrated();
    await transaction(db, async (tx) => {
      await tx.insert(creditors).values(creditor("Dehors"));
      await expect(
        transaction(tx, async (inner) => {
          await inner.insert(creditors).values(creditor("Dedans"));
          throw new Error("inner refused");
        }),
      ).rejects.toThrow("inner refused");
    });
    expect(await names(db)).toEqual(["Dehors"]);
  });

  it("fails like SQLite's busy timeout, instead of waiting forever, when a transaction queries through the outer handle", async () => {
    const db = migrated();
    expect(await failure(transaction(db, async () => db.select().from(creditors)))).toMatch(/database is locked/);
    // The connection is usable again afterwards.
    await db.insert(creditors).values(creditor("Ensuite"));
    expect(await names(db)).toEqual(["Ensuite"]);
  });

  it("refuses a transaction's handle once its transaction has ended", async () => {
    const db = migrated();
    const kept = await transaction(db, async (tx) => tx);
    expect(await failure(kept.select().from(creditors))).toMatch(/after its transaction ended/);
  });
});
