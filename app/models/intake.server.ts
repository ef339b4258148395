import { and, eq, sql, type SQL } from "drizzle-orm";
import { first, rawRows, rawRun, type Db } from "../../db/client";
import { inList, selectFromJsonRows } from "../../db/dialect";
import { debtorContacts, debtors, invoiceTermsFlags, invoices, payments } from "../../db/tables";
import type { StoredInvoice } from "../domain/intake";

type Tx = Db;

type StoredDebtorRow = {
  id: number;
  externalRef: string;
  name: string;
  kind: "business" | "consumer";
  siren: string | null;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  country: string;
  locale: "fr" | "en";
  timeZone: string;
  segment: "standard" | "high_risk" | "good_payer";
};

/** The creditor's debtors with these external refs (plain SQL: this runs for every chunk of an import). */
export async function findDebtorsByRefs(tx: Tx, creditorId: number, refs: readonly string[]): Promise<StoredDebtorRow[]> {
  if (refs.length === 0) return [];
  return await rawRows<StoredDebtorRow>(
    tx,
    sql`
    select id, external_ref as "externalRef", name, kind, siren, address_line as "addressLine", postal_code as "postalCode", city, country, locale,
           time_zone as "timeZone", segment
    from ${debtors} where ${debtors.creditorId} = ${creditorId} and ${inList(debtors.externalRef, refs)}`,
  );
}

/** Contacts of debtors already checked to be the creditor's. */
export async function findContactsOfDebtors(tx: Tx, debtorIds: readonly number[]) {
  if (debtorIds.length === 0) return [];
  return await rawRows<{ debtorId: number; email: string | null; phone: string | null }>(
    tx,
    sql`select debtor_id as "debtorId", email, phone from ${debtorContacts} where ${inList(debtorContacts.debtorId, debtorIds)}`,
  );
}

/** A stored invoice as the database returns it: the domain's view plus its keys, `hasPayments` as 0/1 (SQLite) or a boolean. */
export type StoredInvoiceRow = Omit<StoredInvoice, "hasPayments"> & { id: number; externalRef: string | null; hasPayments: number | boolean };

/**
 * Invoices of the creditor known by one of these external refs, then by one of the numbers not
 * already found that way (two queries rather than an OR, so that each uses its unique index).
 */
export async function findInvoicesByRefsOrNumbers(tx: Tx, creditorId: number, refs: readonly string[], numbers: readonly string[]): Promise<StoredInvoiceRow[]> {
  const query = async (where: SQL) =>
    await rawRows<StoredInvoiceRow>(
      tx,
      sql`
      select i.id, i.external_ref as "externalRef", d.external_ref as "debtorRef", i.number, i.amount_cents as "amountCents", i.balance_cents as "balanceCents",
             i.currency, i.issue_date as "issueDate", i.due_date as "dueDate", i.payment_terms_days as "paymentTermsDays", i.status, f.warning as "termsWarning",
             exists (select 1 from ${payments} p where p.invoice_id = i.id) as "hasPayments"
      from ${invoices} i
      join ${debtors} d on d.id = i.debtor_id
      left join ${invoiceTermsFlags} f on f.invoice_id = i.id
      where i.creditor_id = ${creditorId} and ${where}`,
    );
  const byRef = refs.length > 0 ? await query(sql`${inList(sql`i.external_ref`, refs)}`) : [];
  const found = new Set(byRef.map((r) => r.number));
  const rest = numbers.filter((n) => !found.has(n));
  const byNumber = rest.length > 0 ? await query(sql`${inList(sql`i.number`, rest)}`) : [];
  const seen = new Set(byRef.map((r) => r.id));
  return [...byRef, ...byNumber.filter((r) => !seen.has(r.id))];
}

type Column = { name: string; key: string };

/** A multi-row insert as INSERT … SELECT over one bound value, returning the new ids with the external references they belong to. */
async function insertFromJson(tx: Tx, table: string, columns: readonly Column[], rows: readonly Record<string, unknown>[], returning?: string) {
  if (rows.length === 0) return [];
  const names = columns.map((c) => c.name);
  const values = rows.map((row) => columns.map((c) => row[c.key] ?? null));
  const statement = sql`${sql.raw(`insert into ${table} (${names.join(", ")}) `)}${selectFromJsonRows(table, names, values)}${sql.raw(returning ? ` returning id, ${returning}` : "")}`;
  if (!returning) {
    await rawRun(tx, statement);
    return [];
  }
  return await rawRows<{ id: number; external_ref: string }>(tx, statement);
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

export async function insertDebtors(tx: Tx, rows: (typeof debtors.$inferInsert)[]) {
  return (await insertFromJson(tx, "debtors", DEBTOR_INSERT, rows, "external_ref")).map((r) => ({ id: r.id, externalRef: r.external_ref }));
}

export async function insertContacts(tx: Tx, rows: (typeof debtorContacts.$inferInsert)[]) {
  await insertFromJson(tx, "debtor_contacts", CONTACT_INSERT, rows);
}

export async function insertInvoices(tx: Tx, rows: (typeof invoices.$inferInsert)[]) {
  return (await insertFromJson(tx, "invoices", INVOICE_INSERT, rows, "external_ref")).map((r) => ({ id: r.id, externalRef: r.external_ref }));
}

export async function updateDebtor(tx: Tx, creditorId: number, id: number, set: Partial<typeof debtors.$inferInsert>) {
  await tx
    .update(debtors)
    .set(set)
    .where(and(eq(debtors.id, id), eq(debtors.creditorId, creditorId)));
}

export async function updateInvoice(tx: Tx, creditorId: number, id: number, set: Partial<typeof invoices.$inferInsert>) {
  await tx
    .update(invoices)
    .set(set)
    .where(and(eq(invoices.id, id), eq(invoices.creditorId, creditorId)));
}

export async function setTermsFlag(tx: Tx, creditorId: number, invoiceId: number, warning: string | null, at: Date) {
  if (warning === null) {
    await tx.delete(invoiceTermsFlags).where(and(eq(invoiceTermsFlags.invoiceId, invoiceId), eq(invoiceTermsFlags.creditorId, creditorId)));
    return;
  }
  await tx
    .insert(invoiceTermsFlags)
    .values({ invoiceId, creditorId, warning, flaggedAt: at })
    .onConflictDoUpdate({ target: invoiceTermsFlags.invoiceId, set: { warning, flaggedAt: at } });
}

export async function insertTermsFlags(tx: Tx, rows: (typeof invoiceTermsFlags.$inferInsert)[]) {
  await insertFromJson(tx, "invoice_terms_flags", FLAG_INSERT, rows);
}

/** Flagged invoices of the creditor (L3), for the back office. */
export async function listTermsFlags(db: Db, creditorId: number, limit = 50) {
  return await db
    .select({ invoiceId: invoices.id, number: invoices.number, debtorId: debtors.id, debtorName: debtors.name, warning: invoiceTermsFlags.warning, dueDate: invoices.dueDate })
    .from(invoiceTermsFlags)
    .innerJoin(invoices, eq(invoices.id, invoiceTermsFlags.invoiceId))
    .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
    .where(eq(invoiceTermsFlags.creditorId, creditorId))
    .orderBy(invoices.dueDate)
    .limit(limit);
}

export async function countTermsFlags(db: Db, creditorId: number): Promise<number> {
  return first(
    await db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(invoiceTermsFlags)
      .where(eq(invoiceTermsFlags.creditorId, creditorId)),
  )!.n;
}
