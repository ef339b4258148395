import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { creditors, debtorLinks, debtors, invoices, outboundMessageInvoices, outboundMessages } from "../../db/schema";
import { isEmailTemplate, renderEmail } from "../../emails";
import type { Env } from "../env.server";
import type { EmailSender } from "../integrations/email.server";
import { appendTimeline } from "../models/timeline.server";
import { linkUrl, signLink } from "./links.server";
import { sha256 } from "./tokens.server";

export type OutboxDeps = {
  db: Db;
  env: Pick<Env, "PUBLIC_BASE_URL" | "LINK_SIGNING_KEYS" | "LINK_TTL_DAYS" | "EMAIL_FROM">;
  email: EmailSender;
  now: Date;
};

const MAX_ATTEMPTS = 6;
/** Minutes to wait before the next try after a transient provider error. */
const BACKOFF_MINUTES = [1, 5, 30, 120, 360];

export type DeliveryReport = { sent: number; retrying: number; failed: number; cancelled: number };

/**
 * Sends every pending email whose time has come, outside any transaction (R4, R9). The idempotency
 * key is the message key, so after a crash between sending and recording, the retry is a replay.
 */
export async function deliverPendingEmails(deps: OutboxDeps): Promise<DeliveryReport> {
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

export async function deliverEmail(deps: OutboxDeps, messageId: number): Promise<keyof DeliveryReport> {
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
  // A reminder about invoices paid since it was planned is not sent (R8).
  if (covered.length > 0 && stillOpen.length === 0) {
    db.update(outboundMessages).set({ status: "cancelled", lastError: "every invoice settled before sending" }).where(eq(outboundMessages.id, message.id)).run();
    return "cancelled";
  }

  const token = await signLink(env, link);
  if (!isEmailTemplate(message.step)) throw new Error(`No email template for step ${message.step}`);
  const rendered = await renderEmail(message.step, {
    locale: message.locale,
    creditorName: creditor.tradeName ?? creditor.legalName,
    creditorEmail: creditor.email,
    debtorName: debtor.name,
    debtorKind: debtor.kind,
    invoices: stillOpen.map((invoice) => ({
      ...invoice,
      amountCents: invoice.balanceCents,
      daysOverdue: 0,
      interestCents: 0,
      indemnityCents: 0,
    })),
    linkUrl: linkUrl(env, token),
    privacyUrl: `${env.PUBLIC_BASE_URL}/privacy`,
    includePrivacyNotice: true,
    deadline: null,
    previousContacts: [],
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
