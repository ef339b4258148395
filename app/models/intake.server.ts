import { and, eq, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { debtorContacts, debtors, invoiceTermsFlags, invoices, payments } from "../../db/schema";

type Tx = Pick<Db, "select" | "insert" | "update" | "delete" | "run" | "all">;

/**
 * Lists of references travel as one JSON parameter read by `json_each`: one bound value whatever
 * the length (no 32,766-variable limit), the unique indexes still used, and no query building per
 * value (what made 1,000-row chunks slow).
 */
const inJson = (column: SQLiteColumn, values: readonly (string | number)[]) => sql`${column} in (select value from json_each(${JSON.stringify(values)}))`;

export function findDebtorsByRefs(tx: Tx, creditorId: number, refs: readonly string[]) {
  return tx
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
    .where(and(eq(debtors.creditorId, creditorId), inJson(debtors.externalRef, refs)))
    .all();
}

/** Contacts of debtors already checked to be the creditor's. */
export function findContactsOfDebtors(tx: Tx, debtorIds: readonly number[]) {
  return tx
    .select({ debtorId: debtorContacts.debtorId, email: debtorContacts.email, phone: debtorContacts.phone })
    .from(debtorContacts)
    .where(inJson(debtorContacts.debtorId, debtorIds))
    .all();
}

/** Invoices of the creditor known by one of these external refs or numbers, with what intake compares. */
export function findInvoicesByRefsOrNumbers(tx: Tx, creditorId: number, refs: readonly string[], numbers: readonly string[]) {
  const query = (where: SQL) =>
    tx
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
      .where(and(eq(invoices.creditorId, creditorId), where))
      .all();
  // Two queries rather than an OR, so that each uses its unique index.
  const byRef = refs.length > 0 ? query(inJson(invoices.externalRef, refs)) : [];
  const seen = new Set(byRef.map((r) => r.id));
  const byNumber = numbers.length > 0 ? query(inJson(invoices.number, numbers)).filter((r) => !seen.has(r.id)) : [];
  return [...byRef, ...byNumber];
}

type Column = { name: string; key: string };

/**
 * A multi-row insert as INSERT … SELECT over one JSON parameter, returning the new ids with the
 * external references they belong to. Instants go in as epoch milliseconds, booleans as 0/1.
 */
function insertFromJson(tx: Tx, table: string, columns: readonly Column[], rows: readonly Record<string, unknown>[], returning?: string) {
  if (rows.length === 0) return [];
  const values = rows.map((row) =>
    columns.map((c) => {
      const v = row[c.key];
      return v instanceof Date ? v.getTime() : typeof v === "boolean" ? (v ? 1 : 0) : (v ?? null);
    }),
  );
  const picks = columns.map((_c, i) => `json_extract(value, '$[${i}]')`).join(", ");
  const statement = sql`${sql.raw(`insert into ${table} (${columns.map((c) => c.name).join(", ")}) select ${picks} from json_each(`)}${JSON.stringify(values)}${sql.raw(`)${returning ? ` returning id, ${returning}` : ""}`)}`;
  if (!returning) {
    tx.run(statement);
    return [];
  }
  return tx.all<{ id: number; external_ref: string }>(statement);
}

const DEBTOR_INSERT: Column[] = [
  { name: "creditor_id", key: "creditorId" },
  { name: "external_ref", key: "externalRef" },
  { name: "kind", key: "kind" },
  { name: "name", key: "name" },
  { name: "siren", key: "siren" },
  { name: "address_line", key: "addressLine" },
  { name: "postal_code", key: "postalCode" },
  { name: "city", key: "city" },
  { name: "country", key: "country" },
  { name: "locale", key: "locale" },
  { name: "time_zone", key: "timeZone" },
  { name: "segment", key: "segment" },
  { name: "created_at", key: "createdAt" },
];
const CONTACT_INSERT: Column[] = [
  { name: "debtor_id", key: "debtorId" },
  { name: "email", key: "email" },
  { name: "phone", key: "phone" },
  { name: "is_primary", key: "isPrimary" },
  { name: "created_at", key: "createdAt" },
];
const INVOICE_INSERT: Column[] = [
  { name: "creditor_id", key: "creditorId" },
  { name: "debtor_id", key: "debtorId" },
  { name: "number", key: "number" },
  { name: "external_ref", key: "externalRef" },
  { name: "currency", key: "currency" },
  { name: "amount_cents", key: "amountCents" },
  { name: "balance_cents", key: "balanceCents" },
  { name: "issue_date", key: "issueDate" },
  { name: "due_date", key: "dueDate" },
  { name: "payment_terms_days", key: "paymentTermsDays" },
  { name: "status", key: "status" },
  { name: "created_at", key: "createdAt" },
];
const FLAG_INSERT: Column[] = [
  { name: "invoice_id", key: "invoiceId" },
  { name: "creditor_id", key: "creditorId" },
  { name: "warning", key: "warning" },
  { name: "flagged_at", key: "flaggedAt" },
];

export function insertDebtors(tx: Tx, rows: (typeof debtors.$inferInsert)[]) {
  return insertFromJson(tx, "debtors", DEBTOR_INSERT, rows, "external_ref").map((r) => ({ id: r.id, externalRef: r.external_ref }));
}

export function insertContacts(tx: Tx, rows: (typeof debtorContacts.$inferInsert)[]) {
  insertFromJson(tx, "debtor_contacts", CONTACT_INSERT, rows);
}

export function insertInvoices(tx: Tx, rows: (typeof invoices.$inferInsert)[]) {
  return insertFromJson(tx, "invoices", INVOICE_INSERT, rows, "external_ref").map((r) => ({ id: r.id, externalRef: r.external_ref }));
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
  insertFromJson(tx, "invoice_terms_flags", FLAG_INSERT, rows);
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
