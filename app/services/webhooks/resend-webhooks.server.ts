import { and, eq, inArray, isNull } from "drizzle-orm";
import { Resend } from "resend";
import { z } from "zod";
import type { Db } from "../../../db/client";
import { debtorContacts, outboundMessages, webhookEvents } from "../../../db/schema";
import { appendTimeline } from "../../models/timeline.server";

export type ResendWebhookOutcome = "invalid" | "duplicate" | "processed" | "ignored";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

// verify() is a local HMAC check (Svix / Standard Webhooks) and never calls the API, but the
// constructor insists on a key: any non-empty string does.
let verifier: Resend | undefined;

/**
 * P15: checks the Svix signature of the RAW body. The SDK compares svix-timestamp with the system
 * clock (Date.now(), ±5 min, against replays): tests fake `Date` rather than pass a time in.
 */
export function verifyResendSignature(secret: string, rawBody: string, headers: Headers): unknown {
  const id = headers.get("svix-id") ?? headers.get("webhook-id");
  const timestamp = headers.get("svix-timestamp") ?? headers.get("webhook-timestamp");
  const signature = headers.get("svix-signature") ?? headers.get("webhook-signature");
  if (!id || !timestamp || !signature) return undefined;
  verifier ??= new Resend("re_webhook_verification_only");
  try {
    return verifier.webhooks.verify({ payload: rawBody, headers: { id, timestamp, signature }, webhookSecret: secret });
  } catch {
    return undefined; // bad signature, stale timestamp or a body that is not JSON: all the same to the sender
  }
}

const eventSchema = z.looseObject({
  type: z.string(),
  data: z
    .looseObject({
      email_id: z.string().optional(),
      bounce: z.looseObject({ type: z.string().optional(), subType: z.string().optional(), message: z.string().optional() }).optional(),
      suppressed: z.looseObject({ type: z.string().optional(), message: z.string().optional() }).optional(),
    })
    .optional(),
});

type ResendEvent = z.infer<typeof eventSchema>;

/**
 * Resend delivery events (P16, R12): verified, stored in the inbox under svix-id (a redelivery is a
 * no-op), then applied in the same IMMEDIATE transaction. A hard bounce, a suppression or a complaint
 * closes the address, so the next cadence pass sends that debtor's next step by another channel.
 * `now` dates the effects. Opens and clicks are stored and ignored (M3).
 */
export function handleResendWebhook(db: Db, secret: string, rawBody: string, headers: Headers, now: Date): ResendWebhookOutcome {
  const verified = verifyResendSignature(secret, rawBody, headers);
  if (verified === undefined) return "invalid";
  const eventId = (headers.get("svix-id") ?? headers.get("webhook-id"))!;
  const parsed = eventSchema.safeParse(verified);
  return db.transaction(
    (tx) => {
      const stored = tx
        .insert(webhookEvents)
        .values({ provider: "resend", providerEventId: eventId, type: parsed.success ? parsed.data.type : "malformed", payload: rawBody, receivedAt: now })
        .onConflictDoNothing({ target: [webhookEvents.provider, webhookEvents.providerEventId] })
        .run();
      if (stored.changes !== 1) return "duplicate";
      const outcome = parsed.success ? applyEvent(tx, parsed.data, now) : "ignored";
      tx.update(webhookEvents)
        .set({ processedAt: now })
        .where(and(eq(webhookEvents.provider, "resend"), eq(webhookEvents.providerEventId, eventId)))
        .run();
      return outcome;
    },
    { behavior: "immediate" },
  );
}

function applyEvent(tx: Tx, event: ResendEvent, now: Date): ResendWebhookOutcome {
  const emailId = event.data?.email_id;
  if (!emailId) return "ignored";
  // Dev-outbox ids ("dev_N") are shared by emails and SMS: only an email can bounce.
  const message = tx
    .select()
    .from(outboundMessages)
    .where(and(eq(outboundMessages.providerMessageId, emailId), eq(outboundMessages.channel, "email")))
    .get();
  if (!message) return "ignored";
  const timeline = (type: string, data: Record<string, unknown>) =>
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
      tx.update(outboundMessages).set({ status: "delivered" }).where(and(eq(outboundMessages.id, message.id), eq(outboundMessages.status, "sent"))).run();
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
      const failed = tx
        .update(outboundMessages)
        .set({ status: "failed", lastError: `${label}: ${[kind, detail?.message].filter(Boolean).join(": ") || "no detail"}`, nextAttemptAt: null })
        .where(and(eq(outboundMessages.id, message.id), inArray(outboundMessages.status, ["pending", "sent", "delivered"])))
        .run();
      closeAddress(tx, message, now);
      if (failed.changes === 1) timeline(`message.${label}`, { type: detail?.type ?? null, subType: bounce?.subType ?? null });
      return "processed";
    }
    case "email.complained": {
      closeAddress(tx, message, now);
      timeline("message.complained", {});
      return "processed";
    }
    default:
      return "ignored";
  }
}

/** Only if the contact still has the address the message went to: a corrected address stays open. */
function closeAddress(tx: Tx, message: typeof outboundMessages.$inferSelect, now: Date) {
  if (!message.contactId || !message.toAddress) return;
  const contact = tx.select().from(debtorContacts).where(eq(debtorContacts.id, message.contactId)).get();
  if (contact?.email?.toLowerCase() !== message.toAddress.toLowerCase()) return;
  tx.update(debtorContacts)
    .set({ emailUndeliverableAt: now })
    .where(and(eq(debtorContacts.id, contact.id), isNull(debtorContacts.emailUndeliverableAt)))
    .run();
}
