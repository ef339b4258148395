import { and, eq, gt, inArray, lte, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import {
  creditors,
  debtorContacts,
  debtorLinks,
  debtors,
  invoices,
  outboundMessageInvoices,
  outboundMessages,
} from "../../db/schema";
import { renderPreReminder } from "../../emails/pre-reminder";
import { addDays, localDate } from "../domain/dates";
import { planPreReminders, PRE_REMINDER_DAYS_BEFORE_DUE, type DebtorToConsider } from "../domain/pre-reminders";
import type { Env } from "../env.server";
import type { EmailSender } from "../integrations/email.server";
import { appendTimeline } from "../models/timeline.server";
import { insertLink, linkUrl, signLink } from "./links.server";
import { sha256 } from "./tokens.server";

export type ReminderDeps = {
  db: Db;
  env: Pick<Env, "PUBLIC_BASE_URL" | "LINK_SIGNING_KEYS" | "LINK_TTL_DAYS" | "EMAIL_FROM">;
  email: EmailSender;
  now: Date;
};

const MAX_ATTEMPTS = 6;
/** Minutes to wait before the next try after a transient provider error. */
const BACKOFF_MINUTES = [1, 5, 30, 120, 360];

/** Invoices that some live pre-reminder already covers. */
const preReminded = sql<number>`exists (
  select 1 from ${outboundMessageInvoices}
  join ${outboundMessages} on ${outboundMessages.id} = ${outboundMessageInvoices.messageId}
  where ${outboundMessageInvoices.invoiceId} = ${invoices.id}
    and ${outboundMessages.step} = 'pre_reminder'
    and ${outboundMessages.status} <> 'cancelled')`;

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

function primaryEmailOf(db: Pick<Db, "select">, debtorId: number) {
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
export function claimPreReminders({ db, env, now }: Omit<ReminderDeps, "email">): number {
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

export type DeliveryReport = { sent: number; retrying: number; failed: number; cancelled: number };

/**
 * Sends every pending email whose time has come, outside any transaction (R4, R9). The idempotency
 * key is the message key, so after a crash between sending and recording, the retry is a replay.
 */
export async function deliverPendingEmails(deps: ReminderDeps): Promise<DeliveryReport> {
  const { db, now } = deps;
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, cancelled: 0 };
  const due = db
    .select({ id: outboundMessages.id })
    .from(outboundMessages)
    .where(
      and(
        eq(outboundMessages.status, "pending"),
        eq(outboundMessages.channel, "email"),
        sql`coalesce(${outboundMessages.nextAttemptAt}, 0) <= ${now.getTime()}`,
      ),
    )
    .orderBy(outboundMessages.id)
    .all();
  for (const { id } of due) report[await deliverEmail(deps, id)] += 1;
  return report;
}

async function deliverEmail(deps: ReminderDeps, messageId: number): Promise<keyof DeliveryReport> {
  const { db, env, now } = deps;
  const message = db.select().from(outboundMessages).where(eq(outboundMessages.id, messageId)).get();
  if (!message || message.status !== "pending" || !message.toAddress || !message.linkId) return "failed";
  const debtor = db.select().from(debtors).where(eq(debtors.id, message.debtorId)).get();
  const creditor = db.select().from(creditors).where(eq(creditors.id, message.creditorId)).get();
  const link = db.select().from(debtorLinks).where(eq(debtorLinks.id, message.linkId)).get();
  if (!debtor || !creditor || !link) return "failed";
  const covered = db
    .select({ number: invoices.number, balanceCents: invoices.balanceCents, currency: invoices.currency, dueDate: invoices.dueDate, status: invoices.status, id: invoices.id })
    .from(outboundMessageInvoices)
    .innerJoin(invoices, eq(invoices.id, outboundMessageInvoices.invoiceId))
    .where(eq(outboundMessageInvoices.messageId, message.id))
    .orderBy(invoices.dueDate, invoices.number)
    .all();
  const stillOpen = covered.filter((invoice) => invoice.status === "open" && invoice.balanceCents > 0);
  if (stillOpen.length === 0) {
    db.update(outboundMessages).set({ status: "cancelled", lastError: "every invoice settled before sending" }).where(eq(outboundMessages.id, message.id)).run();
    return "cancelled";
  }

  const token = await signLink(env, link);
  const rendered = await renderPreReminder({
    locale: message.locale,
    creditorName: creditor.tradeName ?? creditor.legalName,
    creditorEmail: creditor.email,
    debtorName: debtor.name,
    invoices: stillOpen.map((invoice) => ({ ...invoice, amountCents: invoice.balanceCents })),
    linkUrl: linkUrl(env, token),
    privacyUrl: `${env.PUBLIC_BASE_URL}/privacy`,
  });
  const from = creditor.senderEmail ? `${creditor.senderName ?? creditor.legalName} <${creditor.senderEmail}>` : env.EMAIL_FROM;
  const result = await deps.email.send({ from, to: message.toAddress, ...rendered, idempotencyKey: message.key });

  const attempts = message.attempts + 1;
  return db.transaction(
    (tx) => {
      if (result.status === "success") {
        tx.update(outboundMessages)
          .set({
            status: "sent",
            attempts,
            subject: rendered.subject,
            contentHash: sha256(rendered.html),
            provider: result.provider,
            providerMessageId: result.providerMessageId,
            sentAt: now,
            lastError: null,
          })
          .where(eq(outboundMessages.id, message.id))
          .run();
        appendTimeline(tx, {
          creditorId: message.creditorId,
          debtorId: message.debtorId,
          type: "message.sent",
          actor: "job",
          data: { messageId: message.id, step: message.step, channel: message.channel, invoiceIds: stillOpen.map((i) => i.id) },
          occurredAt: now,
        });
        return "sent";
      }
      const giveUp = !result.retryable || attempts >= MAX_ATTEMPTS;
      const delayMinutes = BACKOFF_MINUTES[Math.min(attempts - 1, BACKOFF_MINUTES.length - 1)] ?? 360;
      tx.update(outboundMessages)
        .set({
          status: giveUp ? "failed" : "pending",
          attempts,
          lastError: result.message,
          nextAttemptAt: giveUp ? null : new Date(now.getTime() + delayMinutes * 60_000),
        })
        .where(eq(outboundMessages.id, message.id))
        .run();
      if (giveUp) {
        appendTimeline(tx, {
          creditorId: message.creditorId,
          debtorId: message.debtorId,
          type: "message.failed",
          actor: "job",
          data: { messageId: message.id, step: message.step, channel: message.channel, error: result.message },
          occurredAt: now,
        });
      }
      return giveUp ? "failed" : "retrying";
    },
    { behavior: "immediate" },
  );
}
