import { and, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { one, type Db } from "../../db/client";
import { debtorLinks, invoices } from "../../db/tables";
import { preparedOnce } from "./prepared.server";

/** The debtors' portal links (M14): their rows, looked up by token, and their revocation. */

type DebtorLink = typeof debtorLinks.$inferSelect;

export async function insertLinkRow(tx: Pick<Db, "insert">, row: typeof debtorLinks.$inferInsert): Promise<DebtorLink> {
  return one(await tx.insert(debtorLinks).values(row).returning());
}

// Every link landing and exchange reads its row: built and prepared once per connection.
const linkByTokenHash = preparedOnce((db: Db) =>
  db
    .select()
    .from(debtorLinks)
    .where(eq(debtorLinks.tokenHash, sql.placeholder("tokenHash")))
    .prepare(),
);
const linkByJti = preparedOnce((db: Db) =>
  db
    .select()
    .from(debtorLinks)
    .where(and(eq(debtorLinks.jti, sql.placeholder("jti")), eq(debtorLinks.debtorId, sql.placeholder("debtorId"))))
    .prepare(),
);

export async function findLinkByTokenHash(db: Db, tokenHash: string): Promise<DebtorLink[]> {
  return await linkByTokenHash(db).execute({ tokenHash });
}

export async function findLinkByJti(db: Db, jti: string, debtorId: number): Promise<DebtorLink[]> {
  return await linkByJti(db).execute({ jti, debtorId });
}

export async function revokeLinkRow(db: Db, linkId: number, reason: string, now: Date) {
  await db.update(debtorLinks).set({ revokedAt: now, revokedReason: reason }).where(eq(debtorLinks.id, linkId));
}

type LinkWriter = Pick<Db, "select" | "update">;

/** Revokes the debtor's live links but `keepLinkId`: how many. */
export async function revokeLiveLinksOfDebtor(db: LinkWriter, debtorId: number, reason: string, now: Date, keepLinkId?: number): Promise<number> {
  return (
    await db
      .update(debtorLinks)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(eq(debtorLinks.debtorId, debtorId), isNull(debtorLinks.revokedAt), ...(keepLinkId === undefined ? [] : [ne(debtorLinks.id, keepLinkId)])))
      .returning({ id: debtorLinks.id })
  ).length;
}

/** The debtor's live links and the invoices each was sent about. */
export async function listLiveLinkScopes(db: LinkWriter, debtorId: number) {
  return await db
    .select({ id: debtorLinks.id, scope: debtorLinks.scope })
    .from(debtorLinks)
    .where(and(eq(debtorLinks.debtorId, debtorId), isNull(debtorLinks.revokedAt)));
}

/** The debtor's invoices still owed (open or in litigation). */
export async function listOwedInvoiceIdsOfDebtor(db: LinkWriter, debtorId: number): Promise<number[]> {
  return (
    await db
      .select({ id: invoices.id })
      .from(invoices)
      .where(and(eq(invoices.debtorId, debtorId), inArray(invoices.status, ["open", "litigation"])))
  ).map((i) => i.id);
}

/** Revokes these links if still live: how many. */
export async function revokeLiveLinks(db: LinkWriter, linkIds: number[], reason: string, now: Date): Promise<number> {
  return (
    await db
      .update(debtorLinks)
      .set({ revokedAt: now, revokedReason: reason })
      .where(and(inArray(debtorLinks.id, linkIds), isNull(debtorLinks.revokedAt)))
      .returning({ id: debtorLinks.id })
  ).length;
}
