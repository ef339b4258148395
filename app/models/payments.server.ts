import { and, eq, inArray } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { installmentPlanInvoices, installmentPlans, installments, invoices, payments } from "../../db/tables";

/** Payments received on invoices: the rows (unique per provider reference), the balances and the plan installments they move. */

export type NewPayment = typeof payments.$inferInsert;

/** Whether this provider reference was recorded on the invoice already, as a payment or an overpayment. */
export async function wasPaymentRecorded(tx: Db, p: { provider: string; providerRef: string; invoiceId: number }): Promise<boolean> {
  const seen = first(
    await tx
      .select({ id: payments.id })
      .from(payments)
      .where(
        and(eq(payments.provider, p.provider), eq(payments.providerRef, p.providerRef), eq(payments.invoiceId, p.invoiceId), inArray(payments.kind, ["payment", "overpayment"])),
      ),
  );
  return seen !== undefined;
}

export async function getPaymentInvoice(tx: Db, invoiceId: number) {
  return first(await tx.select().from(invoices).where(eq(invoices.id, invoiceId)));
}

/** Inserts the payment unless it conflicts (a replay): whether it was inserted. */
export async function insertPaymentOnce(tx: Db, row: NewPayment): Promise<boolean> {
  return (await tx.insert(payments).values(row).onConflictDoNothing().returning({ id: payments.id })).length === 1;
}

export async function insertPayment(tx: Db, row: NewPayment) {
  await tx.insert(payments).values(row);
}

/** The balance left on the invoice, and its paid status when `paidAt` is given. */
export async function setInvoiceBalance(tx: Db, invoiceId: number, balanceCents: number, paidAt: Date | null) {
  await tx
    .update(invoices)
    .set({ balanceCents, ...(paidAt ? { status: "paid" as const, paidAt } : {}) })
    .where(eq(invoices.id, invoiceId));
}

/** The accepted plan covering this invoice, if any. */
export async function getAcceptedPlanOfInvoice(tx: Db, invoiceId: number) {
  return first(
    await tx
      .select({ id: installmentPlans.id })
      .from(installmentPlans)
      .innerJoin(installmentPlanInvoices, eq(installmentPlanInvoices.planId, installmentPlans.id))
      .where(and(eq(installmentPlanInvoices.invoiceId, invoiceId), eq(installmentPlans.status, "accepted"))),
  );
}

export async function listInstallments(tx: Db, planId: number) {
  return await tx.select().from(installments).where(eq(installments.planId, planId));
}

export async function setInstallmentPaid(tx: Db, installmentId: number, p: { paidCents: number; status: (typeof installments.$inferSelect)["status"] }) {
  await tx.update(installments).set(p).where(eq(installments.id, installmentId));
}
