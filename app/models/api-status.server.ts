import { and, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { cadencePauses, creditors, debtors, disputes, installmentPlans, invoiceTermsFlags, invoices, outboundMessages, payments, promises } from "../../db/tables";

export async function findDebtorByRef(db: Db, creditorId: number, externalRef: string) {
  return (
    first(
      await db
        .select()
        .from(debtors)
        .where(and(eq(debtors.creditorId, creditorId), eq(debtors.externalRef, externalRef))),
    ) ?? null
  );
}

export async function findInvoiceByRef(db: Db, creditorId: number, externalRef: string) {
  return (
    first(
      await db
        .select({ invoice: invoices, debtorRef: debtors.externalRef, termsWarning: invoiceTermsFlags.warning })
        .from(invoices)
        .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
        .leftJoin(invoiceTermsFlags, eq(invoiceTermsFlags.invoiceId, invoices.id))
        .where(and(eq(invoices.creditorId, creditorId), eq(invoices.externalRef, externalRef))),
    ) ?? null
  );
}

export async function invoicesOfDebtor(db: Db, creditorId: number, debtorId: number) {
  return await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.creditorId, creditorId), eq(invoices.debtorId, debtorId)))
    .orderBy(invoices.dueDate);
}

export async function paymentsOfInvoice(db: Db, invoiceId: number) {
  return await db
    .select({ amountCents: payments.amountCents, currency: payments.currency, method: payments.method, kind: payments.kind, receivedAt: payments.receivedAt })
    .from(payments)
    .where(eq(payments.invoiceId, invoiceId))
    .orderBy(payments.receivedAt);
}

export type Hold = { reason: string; invoiceId: number | null; until: string | null };

/** What holds the cadence for this debtor now: promises, plans, disputes and the other pauses. */
export async function holdsOfDebtor(db: Db, debtorId: number, at: Date): Promise<Hold[]> {
  const holds: Hold[] = [];
  for (const p of await db
    .select()
    .from(promises)
    .where(and(eq(promises.debtorId, debtorId), eq(promises.status, "open"))))
    holds.push({ reason: "promise", invoiceId: p.invoiceId, until: p.promisedDate });
  for (const p of await db
    .select()
    .from(installmentPlans)
    .where(and(eq(installmentPlans.debtorId, debtorId), inArray(installmentPlans.status, ["pending_review", "accepted"]))))
    holds.push({ reason: p.status === "accepted" ? "plan_accepted" : "plan_under_review", invoiceId: null, until: null });
  for (const d of await db
    .select()
    .from(disputes)
    .where(and(eq(disputes.debtorId, debtorId), eq(disputes.status, "open"))))
    holds.push({ reason: "dispute", invoiceId: d.invoiceId, until: null });
  for (const p of await db
    .select()
    .from(cadencePauses)
    .where(and(eq(cadencePauses.debtorId, debtorId), isNull(cadencePauses.resolvedAt), or(isNull(cadencePauses.endsAt), gt(cadencePauses.endsAt, at)))))
    holds.push({ reason: p.reason, invoiceId: p.invoiceId, until: p.endsAt?.toISOString() ?? null });
  return holds;
}

/** The last message that left for this debtor (sent or delivered). */
export async function lastContactOf(db: Db, debtorId: number, invoiceId?: number) {
  const row = first(
    await db
      .select({ channel: outboundMessages.channel, step: outboundMessages.step, sentAt: outboundMessages.sentAt })
      .from(outboundMessages)
      .where(
        and(
          eq(outboundMessages.debtorId, debtorId),
          inArray(outboundMessages.status, ["sent", "delivered"]),
          invoiceId === undefined
            ? undefined
            : sql`exists (select 1 from outbound_message_invoices omi where omi.message_id = ${outboundMessages.id} and omi.invoice_id = ${invoiceId})`,
        ),
      )
      .orderBy(desc(outboundMessages.sentAt)),
  );
  return row?.sentAt ? { channel: row.channel, step: row.step, at: row.sentAt.toISOString() } : null;
}

/** A payment the API recorded already under this idempotency reference, for a replay's answer. */
export async function findApiPayment(db: Db, invoiceId: number, providerRef: string) {
  return (
    first(
      await db
        .select()
        .from(payments)
        .where(and(eq(payments.invoiceId, invoiceId), eq(payments.provider, "api"), eq(payments.providerRef, providerRef), eq(payments.kind, "payment"))),
    ) ?? null
  );
}

export async function creditorTimeZone(db: Db, creditorId: number): Promise<string> {
  return first(await db.select({ timeZone: creditors.timeZone }).from(creditors).where(eq(creditors.id, creditorId)))!.timeZone;
}
