import { Resend } from "resend";
import { transaction, type Db } from "../../../db/client";
import { applyResendEvent, markWebhookProcessed, resendEventSchema, storeWebhookEvent } from "../../models/delivery-events.server";

export type ResendWebhookOutcome = "invalid" | "duplicate" | "processed" | "ignored" | "parked";

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

/**
 * Resend delivery events (P16, R12): verified, stored in the inbox under svix-id (a redelivery is a
 * no-op), then applied in the same IMMEDIATE transaction (app/models/delivery-events.server.ts). An
 * event for an email whose send is not recorded yet stays in the inbox, parked, and is applied when
 * the outbox records it. `now` dates the effects.
 */
export async function handleResendWebhook(db: Db, secret: string, rawBody: string, headers: Headers, now: Date): Promise<ResendWebhookOutcome> {
  const verified = verifyResendSignature(secret, rawBody, headers);
  if (verified === undefined) return "invalid";
  const eventId = (headers.get("svix-id") ?? headers.get("webhook-id"))!;
  const parsed = resendEventSchema.safeParse(verified);
  return await transaction(db, async (tx) => {
    const subject = parsed.success ? (parsed.data.data?.email_id ?? null) : null;
    const stored = await storeWebhookEvent(
      tx,
      { provider: "resend", providerEventId: eventId, type: parsed.success ? parsed.data.type : "malformed", payload: rawBody, subject },
      now,
    );
    if (stored === null) return "duplicate";
    const outcome = parsed.success ? await applyResendEvent(tx, parsed.data, now) : "ignored";
    if (outcome !== "parked") await markWebhookProcessed(tx, stored, now);
    return outcome;
  });
}
