import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { debtorContacts, debtors, invoices, outboundMessageInvoices, outboundMessages } from "../../db/schema";
import { addDays, localDate } from "../domain/dates";
import { planPreReminders, PRE_REMINDER_DAYS_BEFORE_DUE, type DebtorToConsider } from "../domain/pre-reminders";
import { insertLink } from "./links.server";
import type { OutboxDeps } from "./outbox.server";

/**
 * Invoices that some live pre-reminder already covers. Written with explicit table names: drizzle
 * leaves columns unqualified in single-table selects, which would make the subquery compare its own ids.
 */
const preReminded = sql<number>`exists (
  select 1 from outbound_message_invoices omi
  join outbound_messages om on om.id = omi.message_id
  where omi.invoice_id = invoices.id and om.step = 'pre_reminder' and om.status <> 'cancelled')`;

function openInvoicesOf(db: Pick<Db, "select">, debtorIds: number[] | null, dueFrom: string, dueTo: string) {
  return db
    .select({
      id: invoices.id,
      debtorId: invoices.debtorId,
      dueDate: invoices.dueDate,
      balanceCents: invoices.balanceCents,
      preReminded,
    })
    .from(invoices)
    .where(
      and(
        eq(invoices.status, "open"),
        gt(invoices.balanceCents, 0),
        gt(invoices.dueDate, dueFrom),
        lte(invoices.dueDate, dueTo),
        debtorIds ? inArray(invoices.debtorId, debtorIds) : undefined,
      ),
    )
    .all();
}

export function primaryEmailOf(db: Pick<Db, "select">, debtorId: number) {
  return db
    .select()
    .from(debtorContacts)
    .where(
      and(
        eq(debtorContacts.debtorId, debtorId),
        sql`${debtorContacts.email} is not null`,
        sql`${debtorContacts.emailOptOutAt} is null`,
        sql`${debtorContacts.emailUndeliverableAt} is null`,
      ),
    )
    .orderBy(sql`${debtorContacts.isPrimary} desc`, debtorContacts.id)
    .get();
}

/**
 * Plans today's pre-reminders and claims each one as a pending outbox row with its link.
 * Every claim re-reads the invoices in its own IMMEDIATE transaction (R3, R8), and the message key
 * is unique, so running this twice, or in two processes, claims each contact once (R7).
 */
export function claimPreReminders({ db, env, now }: Omit<OutboxDeps, "email">): number {
  // Time zones are at most a day apart from UTC: a two-day margin on each side, refined per debtor.
  const utcToday = now.toISOString().slice(0, 10);
  const candidates = openInvoicesOf(db, null, addDays(utcToday, -2), addDays(utcToday, PRE_REMINDER_DAYS_BEFORE_DUE + 2));
  if (candidates.length === 0) return 0;

  const debtorIds = [...new Set(candidates.map((invoice) => invoice.debtorId))];
  const debtorRows = db.select({ id: debtors.id, timeZone: debtors.timeZone }).from(debtors).where(inArray(debtors.id, debtorIds)).all();

  let claimed = 0;
  for (const debtor of debtorRows) {
    claimed += db.transaction(
      (tx) => {
        const today = localDate(now, debtor.timeZone);
        const contact = primaryEmailOf(tx, debtor.id);
        const current: DebtorToConsider = {
          debtorId: debtor.id,
          today,
          hasEmail: Boolean(contact?.email),
          invoices: openInvoicesOf(tx, [debtor.id], today, addDays(today, PRE_REMINDER_DAYS_BEFORE_DUE)).map((invoice) => ({
            ...invoice,
            preReminded: Boolean(invoice.preReminded),
          })),
        };
        const [plan] = planPreReminders([current]);
        if (!plan || !contact?.email) return 0;
        const debtorRow = tx.select().from(debtors).where(eq(debtors.id, debtor.id)).get();
        if (!debtorRow) return 0;

        const inserted = tx
          .insert(outboundMessages)
          .values({
            key: plan.key,
            creditorId: debtorRow.creditorId,
            debtorId: debtor.id,
            contactId: contact.id,
            step: "pre_reminder",
            channel: "email",
            status: "pending",
            locale: debtorRow.locale,
            toAddress: contact.email,
            plannedFor: now,
          })
          .onConflictDoNothing({ target: outboundMessages.key })
          .returning({ id: outboundMessages.id })
          .get();
        if (!inserted) return 0;

        const link = insertLink(tx, env, {
          debtorId: debtor.id,
          invoiceIds: plan.invoiceIds,
          channel: "email",
          sentTo: contact.email,
          now,
        });
        tx.update(outboundMessages).set({ linkId: link.id }).where(eq(outboundMessages.id, inserted.id)).run();
        tx.insert(outboundMessageInvoices)
          .values(plan.invoiceIds.map((invoiceId) => ({ messageId: inserted.id, invoiceId })))
          .run();
        return 1;
      },
      { behavior: "immediate" },
    );
  }
  return claimed;
}
