import { and, asc, desc, eq, gt, gte, inArray, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { instant } from "../../db/dialect";
import { creditors, debtors, disputes, invoices, payments } from "../../db/tables";
import { preparedOnce } from "./prepared.server";

const debtorForPortal = preparedOnce((db) =>
  db
    .select({
      id: debtors.id,
      creditorId: debtors.creditorId,
      name: debtors.name,
      kind: debtors.kind,
      locale: debtors.locale,
      timeZone: debtors.timeZone,
      // Where the debtor is decides their public holidays (Alsace-Moselle has two more).
      postalCode: debtors.postalCode,
      country: debtors.country,
      // The branding's display name first (settings), then the trade name; the legal name is the callers' fallback.
      creditorName: sql<string | null>`coalesce(${creditors.displayName}, ${creditors.tradeName})`,
      creditorLegalName: creditors.legalName,
      creditorAccentColor: creditors.accentColor,
    })
    .from(debtors)
    .innerJoin(creditors, eq(creditors.id, debtors.creditorId))
    .where(eq(debtors.id, sql.placeholder("debtorId")))
    .prepare(),
);

/** The debtor and its creditor, as the portal greets them. */
export async function getDebtorForPortal(db: Db, debtorId: number) {
  return first(await debtorForPortal(db).execute({ debtorId }));
}

const invoiceColumns = {
  id: invoices.id,
  number: invoices.number,
  currency: invoices.currency,
  amountCents: invoices.amountCents,
  balanceCents: invoices.balanceCents,
  issueDate: invoices.issueDate,
  dueDate: invoices.dueDate,
};

/** Open invoices of this debtor only: the debtor id from the session is part of the where. */
export async function listOpenInvoices(db: Db, debtorId: number) {
  return await openInvoices(db).execute({ debtorId });
}

const openInvoices = preparedOnce((db) =>
  db
    .select(invoiceColumns)
    .from(invoices)
    .where(and(eq(invoices.debtorId, sql.placeholder("debtorId")), eq(invoices.status, "open"), gt(invoices.balanceCents, 0)))
    .orderBy(asc(invoices.dueDate), asc(invoices.number))
    .prepare(),
);

/** One invoice, only if it belongs to this debtor: another debtor's id finds nothing. */
export async function getInvoiceOfDebtor(db: Db, debtorId: number, invoiceId: number) {
  return first(
    await db
      .select({ ...invoiceColumns, status: invoices.status })
      .from(invoices)
      .where(and(eq(invoices.id, invoiceId), eq(invoices.debtorId, debtorId))),
  );
}

/** When each of this debtor's invoices under an open dispute was contested. */
export async function listOpenDisputeDates(db: Db, debtorId: number): Promise<Map<number, Date>> {
  const rows = await openDisputeDates(db).execute({ debtorId });
  return new Map(rows.map((r) => [r.invoiceId, r.createdAt]));
}

const openDisputeDates = preparedOnce((db) =>
  db
    .select({ invoiceId: disputes.invoiceId, createdAt: disputes.createdAt })
    .from(disputes)
    .where(and(eq(disputes.debtorId, sql.placeholder("debtorId")), eq(disputes.status, "open")))
    .prepare(),
);

/**
 * This debtor's settled invoices paid since `since` (a UTC instant a little before the cut-off: the
 * caller trims by the debtor's calendar), newest first, with the payments that settled them. Only
 * `payment` rows: an overpayment is kept aside and a refund is not how the invoice was paid.
 */
export async function listSettledInvoices(db: Db, debtorId: number, since: Date) {
  // paid_at and received_at are stored as UTC milliseconds; a placeholder takes the stored form.
  const settled = await settledInvoices(db).execute({ debtorId, since: instant(since) });
  if (settled.length === 0) return [];
  const rows = await settledPayments(db).execute({ debtorId, since: instant(since) });
  return settled.map((invoice) => ({ ...invoice, payments: rows.filter((p) => p.invoiceId === invoice.id) }));
}

const settledInvoices = preparedOnce((db) =>
  db
    .select({ ...invoiceColumns, paidAt: invoices.paidAt })
    .from(invoices)
    .where(and(eq(invoices.debtorId, sql.placeholder("debtorId")), eq(invoices.status, "paid"), gte(invoices.paidAt, sql.placeholder("since"))))
    .orderBy(desc(invoices.paidAt), asc(invoices.number))
    .prepare(),
);

/** The payments of the invoices `settledInvoices` finds, by the same conditions: one prepared query, whatever their number. */
const settledPayments = preparedOnce((db) =>
  db
    .select({ id: payments.id, invoiceId: payments.invoiceId, method: payments.method, receivedAt: payments.receivedAt })
    .from(payments)
    .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
    .where(and(eq(invoices.debtorId, sql.placeholder("debtorId")), eq(invoices.status, "paid"), gte(invoices.paidAt, sql.placeholder("since")), eq(payments.kind, "payment")))
    .orderBy(asc(payments.receivedAt), asc(payments.id))
    .prepare(),
);

/** One payment received from this debtor, with what its receipt prints: another debtor's id finds nothing. */
export async function getPaymentOfDebtor(db: Db, debtorId: number, paymentId: number) {
  return first(
    await db
      .select({ payment: payments, invoice: invoices, debtor: debtors, creditor: creditors })
      .from(payments)
      .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
      .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
      .innerJoin(creditors, eq(creditors.id, invoices.creditorId))
      .where(and(eq(payments.id, paymentId), eq(invoices.debtorId, debtorId), eq(payments.kind, "payment"))),
  );
}

/** The debtor's language, for the portal and every later message (reminders, notices, letters). */
export async function setDebtorLocale(db: Db, debtorId: number, locale: "fr" | "en") {
  await db.update(debtors).set({ locale }).where(eq(debtors.id, debtorId));
}

/** One invoice with its debtor and creditor, as its PDF prints them, only if it belongs to this debtor. */
export async function getInvoiceForPdf(db: Db, debtorId: number, invoiceId: number) {
  return first(
    await db
      .select({ invoice: invoices, debtor: debtors, creditor: creditors })
      .from(invoices)
      .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
      .innerJoin(creditors, eq(creditors.id, invoices.creditorId))
      .where(and(eq(invoices.id, invoiceId), eq(invoices.debtorId, debtorId))),
  );
}

/** What the pay page needs of the creditor: whether partial payments are allowed, and its bank account for transfers. */
export async function getCreditorPaymentPolicy(db: Db, creditorId: number) {
  return first(
    await db
      .select({
        allowPartialPayments: creditors.allowPartialPayments,
        holder: creditors.bankAccountHolder,
        iban: creditors.iban,
        bic: creditors.bic,
        legalName: creditors.legalName,
      })
      .from(creditors)
      .where(eq(creditors.id, creditorId)),
  );
}

/** These invoices of this debtor only (another debtor's id finds nothing), in any status. */
export async function listInvoicesOfDebtor(db: Db, debtorId: number, invoiceIds: number[]) {
  return await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), inArray(invoices.id, invoiceIds)));
}

/** The debtor's creditor and language. */
export async function getDebtorCreditor(db: Db, debtorId: number) {
  return first(await db.select({ creditorId: debtors.creditorId, locale: debtors.locale }).from(debtors).where(eq(debtors.id, debtorId)));
}

/** The balance and currency of each of the debtor's open invoices. */
export async function listOpenInvoiceBalances(db: Db, debtorId: number) {
  return await db
    .select({ cents: invoices.balanceCents, currency: invoices.currency })
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")));
}
