import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { first, one, openPostgres, rawRows, transaction, type Db } from "../../db/client";
import { is } from "drizzle-orm";
import { SQLiteTable } from "drizzle-orm/sqlite-core";
import * as sqliteSchema from "../../db/schema";
import * as tables from "../../db/tables";
import { checkoutSessions, creditors, debtors, invoices, tablesEngine } from "../../db/tables";
import { freshDb } from "../support/db";

/**
 * The data layer's promises, checked the same way on both engines: types that survive the round trip,
 * transactions that keep their meaning, compare-and-set by returned rows. The rest of the suite runs
 * the product's queries; this is what they rely on. Each vitest project runs it on its engine.
 */
const engine = tablesEngine === "postgres" ? "PostgreSQL" : "SQLite";
let close: () => unknown = () => undefined;

/** On PostgreSQL, the project's cluster (test/setup/postgres.global.ts); on SQLite, a fresh file. */
function open(): Db {
  if (tablesEngine === "postgres") {
    const db = openPostgres(process.env.DATABASE_URL!);
    close = () => db.$client.end();
    return db;
  }
  const { db } = freshDb();
  close = () => db.$client.close();
  return db;
}

afterAll(() => close());

describe(`the data layer on ${engine}`, () => {
  let db: Db;
  let debtorId: number;
  let creditorId: number;

  beforeAll(async () => {
    db = open();
    creditorId = one(
      await db
        .insert(creditors)
        .values({ legalName: "Atelier Durand SARL", addressLine: "1 rue de la Paix", postalCode: "69001", city: "Lyon", email: "compta@atelier-durand.fr" })
        .returning(),
    ).id;
    debtorId = one(await db.insert(debtors).values({ creditorId, kind: "business", name: "Boulangerie Martin" }).returning()).id;
  }, 60_000);

  const invoice = (number: string, amountCents = 120_050) => ({
    creditorId,
    debtorId,
    number,
    amountCents,
    balanceCents: amountCents,
    issueDate: "2026-11-01",
    dueDate: "2026-12-01",
    paymentTermsDays: 30,
  });
  const checkout = async (totalCents: number) =>
    one(
      await db
        .insert(checkoutSessions)
        .values({ debtorId, currency: "EUR", totalCents, allocations: [{ invoiceId: 1, amountCents: totalCents }] })
        .returning(),
    ).id;

  it("offers every table of db/schema, each this engine's own", () => {
    const declared = Object.keys(sqliteSchema).filter((name) => is(sqliteSchema[name as keyof typeof sqliteSchema], SQLiteTable));
    const offered = Object.keys(tables).filter((name) => name !== "tablesEngine" && name !== "messageChannels");
    expect(offered.sort()).toEqual(declared.sort());
    expect(is(invoices, SQLiteTable)).toBe(tablesEngine === "sqlite");
  });

  it("keeps money as integer cents, dates as calendar text, instants as UTC dates, booleans and JSON as they were", async () => {
    const paidAt = new Date("2026-12-02T09:15:30.123Z");
    const id = one(
      await db
        .insert(invoices)
        .values({ ...invoice("F-TYPES"), paidAt })
        .returning({ id: invoices.id }),
    ).id;
    const stored = first(await db.select().from(invoices).where(eq(invoices.id, id)))!;
    expect(stored).toMatchObject({ amountCents: 120_050, balanceCents: 120_050, dueDate: "2026-12-01", paidAt });
    expect(stored.paidAt).toBeInstanceOf(Date);
    expect(stored.createdAt).toBeInstanceOf(Date);

    const creditor = first(await db.select().from(creditors).where(eq(creditors.id, creditorId)))!;
    expect(typeof creditor.recoveryIndemnityEnabled).toBe("boolean");

    const session = first(
      await db
        .select()
        .from(checkoutSessions)
        .where(eq(checkoutSessions.id, await checkout(4_200))),
    )!;
    expect(session.allocations).toEqual([{ invoiceId: 1, amountCents: 4_200 }]);
  });

  it("undoes the whole of a transaction that fails, and only its own part for one inside it", async () => {
    await expect(
      transaction(db, async (tx) => {
        await tx.insert(invoices).values(invoice("F-ROLLED-BACK"));
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    await transaction(db, async (tx) => {
      await tx.insert(invoices).values(invoice("F-KEPT"));
      await expect(
        transaction(tx, async (inner) => {
          await inner.insert(invoices).values(invoice("F-INNER"));
          throw new Error("inner refused");
        }),
      ).rejects.toThrow("inner refused");
    });
    const numbers = (await db.select({ number: invoices.number }).from(invoices).where(eq(invoices.debtorId, debtorId))).map((i) => i.number);
    expect(numbers).toContain("F-KEPT");
    expect(numbers).not.toContain("F-ROLLED-BACK");
    expect(numbers).not.toContain("F-INNER");
  });

  it("lets a compare-and-set win once: the second claim counts no returned row", async () => {
    const id = await checkout(1_000);
    const claim = () =>
      db
        .update(checkoutSessions)
        .set({ status: "paid" })
        .where(and(eq(checkoutSessions.id, id), eq(checkoutSessions.status, "open")))
        .returning({ id: checkoutSessions.id });
    expect(await claim()).toHaveLength(1);
    expect(await claim()).toHaveLength(0);
  });

  it("loses no update when transactions read then write the same row at once", async () => {
    const id = await checkout(0);
    await Promise.all(
      Array.from({ length: 12 }, () =>
        transaction(db, async (tx) => {
          const row = first(await tx.select({ total: checkoutSessions.totalCents }).from(checkoutSessions).where(eq(checkoutSessions.id, id)))!;
          await tx
            .update(checkoutSessions)
            .set({ totalCents: row.total + 1 })
            .where(eq(checkoutSessions.id, id));
        }),
      ),
    );
    expect(first(await db.select({ total: checkoutSessions.totalCents }).from(checkoutSessions).where(eq(checkoutSessions.id, id)))!.total).toBe(12);
  });

  it("returns no row for an insert that meets a unique key, and raw rows keyed by column", async () => {
    await db.insert(invoices).values(invoice("F-ONCE"));
    expect(await db.insert(invoices).values(invoice("F-ONCE")).onConflictDoNothing().returning({ id: invoices.id })).toEqual([]);
    const rows = await rawRows<{ number: string; cents: number }>(db, sql`select number, amount_cents as cents from invoices where number = ${"F-ONCE"}`);
    expect(rows).toEqual([{ number: "F-ONCE", cents: 120_050 }]);
  });
});
