import { and, asc, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import { z } from "zod";
import { first, type Db } from "../../db/client";
import { debtorContacts, debtors, outboundMessages, webhookEvents } from "../../db/tables";
import { appendTimeline } from "./timeline.server";

/**
 * The webhook inbox and what provider events do to the outbox (P12, P16, R12). An event about a
 * message whose send is not recorded yet (the provider answered the webhook before the worker wrote
 * down its id) is kept unprocessed under that id, and applied by the outbox when it records the send:
 * neither a delivery nor a bounce is lost to that race.
 */
type Tx = Pick<Db, "select" | "insert" | "update">;
type Provider = (typeof webhookEvents.$inferInsert)["provider"];
export type Applied = "processed" | "ignored" | "parked";

/** The inbox row's id, or null when the provider already delivered this event (a no-op, R12). */
export async function storeWebhookEvent(
  tx: Tx,
  event: { provider: Provider; providerEventId: string; type: string; payload: string; subject: string | null },
  now: Date,
): Promise<number | null> {
  const stored = first(
    await tx
      .insert(webhookEvents)
      .values({ ...event, receivedAt: now })
      .onConflictDoNothing({ target: [webhookEvents.provider, webhookEvents.providerEventId] })
      .returning({ id: webhookEvents.id }),
  );
  return stored?.id ?? null;
}

export async function markWebhookProcessed(tx: Tx, eventId: number, now: Date) {
  await tx.update(webhookEvents).set({ processedAt: now }).where(eq(webhookEvents.id, eventId));
}

export const resendEventSchema = z.looseObject({
  type: z.string(),
  data: z
    .looseObject({
      email_id: z.string().optional(),
      bounce: z.looseObject({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() }).optional(),
      suppressed: z.looseObject({ type: z.string().optional(), message: z.string().optional() }).optional(),
    })
    .optional(),
});
export type ResendEvent = z.infer<typeof resendEventSchema>;

/**
 * A hard bounce, a suppression or a complaint closes the address, so the next cadence pass sends that
 * debtor's next step by another channel. Opens and clicks are ignored (M3).
 */
export async function applyResendEvent(tx: Tx, event: ResendEvent, now: Date): Promise<Applied> {
  const emailId = event.data?.email_id;
  if (!emailId) return "ignored";
  // Dev-outbox ids ("dev_N") are shared by emails and SMS: only an email can bounce.
  const message = first(
    await tx
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.providerMessageId, emailId), eq(outboundMessages.channel, "email"))),
  );
  if (!message) return "parked";
  const timeline = async (type: string, data: Record<string, unknown>) =>
    appendTimeline(tx, {
      creditorId: message.creditorId,
      debtorId: message.debtorId,
      type,
      actor: "provider",
      data: { messageId: message.id, step: message.step, providerMessageId: emailId, ...data },
      occurredAt: now,
    });

  switch (event.type) {
    case "email.delivered": {
      await tx
        .update(outboundMessages)
        .set({ status: "delivered" })
        .where(and(eq(outboundMessages.id, message.id), eq(outboundMessages.status, "sent")));
      return "processed";
    }
    case "email.bounced":
    case "email.suppressed": {
      const bounce = event.data?.bounce;
      // Transient and undetermined bounces are retried by the provider: not a closed address.
      if (event.type === "email.bounced" && bounce?.type !== undefined && bounce.type !== "Permanent") return "ignored";
      const detail = event.type === "email.bounced" ? bounce : event.data?.suppressed;
      const kind = [detail?.type, bounce?.subType].filter(Boolean).join("/");
      const label = event.type === "email.bounced" ? "bounced" : "suppressed";
      const failed = await tx
        .update(outboundMessages)
        .set({ status: "failed", lastError: `${label}: ${[kind, detail?.message].filter(Boolean).join(": ") || "no detail"}`, nextAttemptAt: null })
        .where(and(eq(outboundMessages.id, message.id), inArray(outboundMessages.status, ["pending", "sent", "delivered"])))
        .returning({ id: outboundMessages.id });
      await closeEmailAddress(tx, message, now);
      if (failed.length === 1) await timeline(`message.${label}`, { type: detail?.type ?? null, subType: bounce?.subType ?? null });
      return "processed";
    }
    case "email.complained": {
      await closeEmailAddress(tx, message, now);
      await timeline("message.complained", {});
      return "processed";
    }
    default:
      return "ignored";
  }
}

/** Only if the contact still has the address the message went to: a corrected address stays open. */
async function closeEmailAddress(tx: Tx, message: typeof outboundMessages.$inferSelect, now: Date) {
  if (!message.contactId || !message.toAddress) return;
  const contact = first(await tx.select().from(debtorContacts).where(eq(debtorContacts.id, message.contactId)));
  if (contact?.email?.toLowerCase() !== message.toAddress.toLowerCase()) return;
  await tx
    .update(debtorContacts)
    .set({ emailUndeliverableAt: now })
    .where(and(eq(debtorContacts.id, contact.id), isNull(debtorContacts.emailUndeliverableAt)));
}

/**
 * A Twilio status callback: delivered or failed. Statuses only move forward from sending/sent, so a
 * late or replayed callback never regresses a row.
 */
export async function applyTwilioStatus(tx: Tx, params: Record<string, string>, now: Date): Promise<Applied> {
  const sid = params.MessageSid ?? params.SmsSid ?? "";
  const status = params.MessageStatus ?? params.SmsStatus ?? "";
  const message = sid
    ? first(
        await tx
          .select()
          .from(outboundMessages)
          .where(and(eq(outboundMessages.providerMessageId, sid), eq(outboundMessages.channel, "sms"))),
      )
    : undefined;
  if (!message) return sid ? "parked" : "ignored";
  const outcome = status === "delivered" || status === "read" ? "delivered" : status === "failed" || status === "undelivered" ? "failed" : null;
  if (!outcome) return "processed";
  const errorCode = params.ErrorCode || null;
  const moved = await tx
    .update(outboundMessages)
    .set(outcome === "delivered" ? { status: "delivered" } : { status: "failed", lastError: `twilio ${errorCode ?? status}`, nextAttemptAt: null })
    .where(and(eq(outboundMessages.id, message.id), inArray(outboundMessages.status, ["sending", "sent"])))
    .returning({ id: outboundMessages.id });
  if (moved.length !== 1) return "processed";
  if (errorCode === "21610" && message.contactId) {
    // Unsubscribed at Twilio: the next cadence pass must not plan SMS for this contact (P13).
    await tx
      .update(debtorContacts)
      .set({ smsOptOutAt: now })
      .where(and(eq(debtorContacts.id, message.contactId), isNull(debtorContacts.smsOptOutAt)));
  }
  await appendTimeline(tx, {
    creditorId: message.creditorId,
    debtorId: message.debtorId,
    type: `message.${outcome}`,
    actor: "provider",
    data: { messageId: message.id, step: message.step, channel: message.channel, providerMessageId: sid, status, errorCode },
    occurredAt: now,
  });
  return "processed";
}

/**
 * An SMS a debtor sent us: STOP-like words opt every contact with that number out of SMS, START opts
 * them back in (P13, L11); SMS claimed but not yet handed to Twilio are cancelled after a STOP.
 */
export async function applySmsOptChange(tx: Tx, from: string, change: { optOut: boolean; keyword: string; providerMessageId: string }, now: Date) {
  const changed = await tx
    .update(debtorContacts)
    .set({ smsOptOutAt: change.optOut ? now : null })
    .where(and(eq(debtorContacts.phone, from), change.optOut ? isNull(debtorContacts.smsOptOutAt) : isNotNull(debtorContacts.smsOptOutAt)))
    .returning({ id: debtorContacts.id, debtorId: debtorContacts.debtorId });
  for (const contact of changed) {
    const debtor = first(await tx.select({ creditorId: debtors.creditorId }).from(debtors).where(eq(debtors.id, contact.debtorId)));
    if (!debtor) continue;
    await appendTimeline(tx, {
      creditorId: debtor.creditorId,
      debtorId: contact.debtorId,
      type: change.optOut ? "contact.sms_opted_out" : "contact.sms_opted_in",
      actor: "debtor",
      data: { contactId: contact.id, keyword: change.keyword, providerMessageId: change.providerMessageId },
      occurredAt: now,
    });
  }
  if (change.optOut) {
    await tx
      .update(outboundMessages)
      .set({ status: "cancelled", lastError: "recipient replied STOP", nextAttemptAt: null, claimToken: null, leaseExpiresAt: null })
      .where(and(eq(outboundMessages.channel, "sms"), eq(outboundMessages.toAddress, from), eq(outboundMessages.status, "pending")));
  }
}

/**
 * Called in the transaction that records a send: the events that arrived for this provider id before
 * it was known are applied now, in the order they came.
 */
export async function applyParkedEvents(tx: Tx, channel: "email" | "sms", providerMessageId: string, now: Date): Promise<number> {
  const provider = channel === "email" ? "resend" : "twilio";
  const parked = await tx
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.provider, provider), eq(webhookEvents.subject, providerMessageId), isNull(webhookEvents.processedAt)))
    .orderBy(asc(webhookEvents.receivedAt), asc(webhookEvents.id));
  for (const event of parked) {
    if (provider === "resend") {
      const parsed = resendEventSchema.safeParse(JSON.parse(event.payload));
      if (parsed.success) await applyResendEvent(tx, parsed.data, now);
    } else {
      await applyTwilioStatus(tx, JSON.parse(event.payload) as Record<string, string>, now);
    }
    await markWebhookProcessed(tx, event.id, now);
  }
  return parked.length;
}
