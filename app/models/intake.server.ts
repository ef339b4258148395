import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { debtorContacts, debtors, invoiceTermsFlags, invoices, payments } from "../../db/schema";

type Tx = Pick<Db, "select" | "insert" | "update" | "delete">;

/** SQLite takes at most 32,766 bound values in one statement; lists are cut well below. */
const IN_LIST = 900;

function slices<T>(items: readonly T[], size = IN_LIST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function findDebtorsByRefs(tx: Tx, creditorId: number, refs: readonly string[]) {
  return slices(refs).flatMap((part) =>
    tx
      .select({
        id: debtors.id,
        externalRef: debtors.externalRef,
        name: debtors.name,
        kind: debtors.kind,
        siren: debtors.siren,
        addressLine: debtors.addressLine,
        postalCode: debtors.postalCode,
        city: debtors.city,
        country: debtors.country,
        locale: debtors.locale,
        timeZone: debtors.timeZone,
        segment: debtors.segment,
      })
      .from(debtors)
      .where(and(eq(debtors.creditorId, creditorId), inArray(debtors.externalRef, part)))
      .all(),
  );
}

/** Contacts of debtors already checked to be the creditor's. */
export function findContactsOfDebtors(tx: Tx, debtorIds: readonly number[]) {
  return slices(debtorIds).flatMap((part) =>
    tx
      .select({ debtorId: debtorContacts.debtorId, email: debtorContacts.email, phone: debtorContacts.phone })
      .from(debtorContacts)
      .where(inArray(debtorContacts.debtorId, part))
      .all(),
  );
}

/** Invoices of the creditor known by one of these external refs or numbers, with what intake compares. */
export function findInvoicesByRefsOrNumbers(tx: Tx, creditorId: number, refs: readonly string[], numbers: readonly string[]) {
  const rows = [];
  const refParts = slices(refs);
  const numberParts = slices(numbers);
  for (let i = 0; i < Math.max(refParts.length, numberParts.length); i++) {
    const byRef = refParts[i] ?? [];
    const byNumber = numberParts[i] ?? [];
    rows.push(
      ...tx
        .select({
          id: invoices.id,
          externalRef: invoices.externalRef,
          debtorRef: debtors.externalRef,
          number: invoices.number,
          amountCents: invoices.amountCents,
          balanceCents: invoices.balanceCents,
          currency: invoices.currency,
          issueDate: invoices.issueDate,
          dueDate: invoices.dueDate,
          paymentTermsDays: invoices.paymentTermsDays,
          status: invoices.status,
          termsWarning: invoiceTermsFlags.warning,
          hasPayments: sql<number>`exists (select 1 from ${payments} where ${payments.invoiceId} = ${invoices.id})`,
        })
        .from(invoices)
        .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
        .leftJoin(invoiceTermsFlags, eq(invoiceTermsFlags.invoiceId, invoices.id))
        .where(and(eq(invoices.creditorId, creditorId), or(inArray(invoices.externalRef, byRef), inArray(invoices.number, byNumber))))
        .all(),
    );
  }
  return rows;
}

export function insertDebtors(tx: Tx, rows: (typeof debtors.$inferInsert)[]) {
  return slices(rows, 500).flatMap((part) => tx.insert(debtors).values(part).returning({ id: debtors.id, externalRef: debtors.externalRef }).all());
}

export function insertContacts(tx: Tx, rows: (typeof debtorContacts.$inferInsert)[]) {
  for (const part of slices(rows, 1000)) tx.insert(debtorContacts).values(part).run();
}

export function insertInvoices(tx: Tx, rows: (typeof invoices.$inferInsert)[]) {
  return slices(rows, 1000).flatMap((part) => tx.insert(invoices).values(part).returning({ id: invoices.id, externalRef: invoices.externalRef }).all());
}

export function updateDebtor(tx: Tx, creditorId: number, id: number, set: Partial<typeof debtors.$inferInsert>) {
  tx.update(debtors).set(set).where(and(eq(debtors.id, id), eq(debtors.creditorId, creditorId))).run();
}

export function updateInvoice(tx: Tx, creditorId: number, id: number, set: Partial<typeof invoices.$inferInsert>) {
  tx.update(invoices).set(set).where(and(eq(invoices.id, id), eq(invoices.creditorId, creditorId))).run();
}

export function setTermsFlag(tx: Tx, creditorId: number, invoiceId: number, warning: string | null, at: Date) {
  if (warning === null) {
    tx.delete(invoiceTermsFlags).where(and(eq(invoiceTermsFlags.invoiceId, invoiceId), eq(invoiceTermsFlags.creditorId, creditorId))).run();
    return;
  }
  tx.insert(invoiceTermsFlags)
    .values({ invoiceId, creditorId, warning, flaggedAt: at })
    .onConflictDoUpdate({ target: invoiceTermsFlags.invoiceId, set: { warning, flaggedAt: at } })
    .run();
}

export function insertTermsFlags(tx: Tx, rows: (typeof invoiceTermsFlags.$inferInsert)[]) {
  for (const part of slices(rows, 1000)) tx.insert(invoiceTermsFlags).values(part).run();
}

/** Flagged invoices of the creditor (L3), for the back office. */
export function listTermsFlags(db: Db, creditorId: number, limit = 50) {
  return db
    .select({ invoiceId: invoices.id, number: invoices.number, debtorId: debtors.id, debtorName: debtors.name, warning: invoiceTermsFlags.warning, dueDate: invoices.dueDate })
    .from(invoiceTermsFlags)
    .innerJoin(invoices, eq(invoices.id, invoiceTermsFlags.invoiceId))
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .where(eq(invoiceTermsFlags.creditorId, creditorId))
    .orderBy(invoices.dueDate)
    .limit(limit)
    .all();
}

export function countTermsFlags(db: Db, creditorId: number): number {
  return db.select({ n: sql<number>`count(*)` }).from(invoiceTermsFlags).where(eq(invoiceTermsFlags.creditorId, creditorId)).get()!.n;
}
