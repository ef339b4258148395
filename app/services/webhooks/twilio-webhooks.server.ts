import { and, eq, inArray, isNotNull, isNull } from "drizzle-orm";
import twilio from "twilio";
import type { Db } from "../../../db/client";
import { debtorContacts, debtors, outboundMessages, webhookEvents } from "../../../db/schema";
import type { Env } from "../../env.server";
import { appendTimeline } from "../../models/timeline.server";
import { MAX_WEBHOOK_BYTES, readLimitedText } from "../http/http.server";

export const TWILIO_STATUS_PATH = "/webhooks/twilio/status";
export const TWILIO_INBOUND_PATH = "/webhooks/twilio/inbound";

export type TwilioWebhookEnv = Pick<Env, "PUBLIC_BASE_URL" | "TWILIO_AUTH_TOKEN">;
type Params = Record<string, string>;
type Tx = Pick<Db, "select" | "insert" | "update">;

/** Keywords Twilio and French carriers treat as opt-out / opt-in (compared trimmed, upper-cased). */
const STOP_WORDS = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ARRET", "ARRÊT"]);
const START_WORDS = new Set(["START", "UNSTOP"]);

/**
 * The form parameters of a request Twilio signed, or null. The URL is the one Twilio was given,
 * rebuilt from PUBLIC_BASE_URL (never from Host, which a proxy or an attacker controls), plus the query (P11).
 */
export async function verifiedTwilioParams(env: TwilioWebhookEnv, request: Request, path: string): Promise<Params | null> {
  if (!env.TWILIO_AUTH_TOKEN) return null;
  const params: Params = {};
  for (const [key, value] of new URLSearchParams(await readLimitedText(request, MAX_WEBHOOK_BYTES))) params[key] = value;
  const url = `${env.PUBLIC_BASE_URL}${path}${new URL(request.url).search}`;
  const signature = request.headers.get("X-Twilio-Signature") ?? "";
  return signature && twilio.validateRequest(env.TWILIO_AUTH_TOKEN, signature, url, params) ? params : null;
}

export type WebhookResult = "processed" | "duplicate" | "unmatched";

/**
 * A status callback: delivered or failed, recorded once per (MessageSid, status) (P12, R12).
 * Statuses only move forward from sending/sent, so a late or replayed callback never regresses a row.
 */
export function recordTwilioStatus(db: Db, params: Params, now: Date): WebhookResult {
  const sid = params.MessageSid ?? params.SmsSid ?? "";
  const status = params.MessageStatus ?? params.SmsStatus ?? "";
  return db.transaction(
    (tx) => {
      const eventId = storeEvent(tx, `${sid}:${status}`, `message.${status}`, params, now);
      if (eventId === null) return "duplicate";
      const message = sid ? tx.select().from(outboundMessages).where(eq(outboundMessages.providerMessageId, sid)).get() : undefined;
      // Left unprocessed in the inbox: the send may not be recorded yet (R9), a replay can pick it up.
      if (!message) return "unmatched";
      const outcome = status === "delivered" || status === "read" ? "delivered" : status === "failed" || status === "undelivered" ? "failed" : null;
      if (outcome) {
        const errorCode = params.ErrorCode || null;
        const moved = tx
          .update(outboundMessages)
          .set(outcome === "delivered" ? { status: "delivered" } : { status: "failed", lastError: `twilio ${errorCode ?? status}`, nextAttemptAt: null })
          .where(and(eq(outboundMessages.id, message.id), inArray(outboundMessages.status, ["sending", "sent"])))
          .run();
        if (moved.changes === 1) {
          if (errorCode === "21610" && message.contactId) {
            // Unsubscribed at Twilio: the next cadence pass must not plan SMS for this contact (P13).
            tx.update(debtorContacts).set({ smsOptOutAt: now }).where(and(eq(debtorContacts.id, message.contactId), isNull(debtorContacts.smsOptOutAt))).run();
          }
          appendTimeline(tx, {
            creditorId: message.creditorId,
            debtorId: message.debtorId,
            type: `message.${outcome}`,
            actor: "provider",
            data: { messageId: message.id, step: message.step, channel: message.channel, providerMessageId: sid, status, errorCode },
            occurredAt: now,
          });
        }
      }
      markProcessed(tx, eventId, now);
      return "processed";
    },
    { behavior: "immediate" },
  );
}

/**
 * An SMS a debtor sent us: STOP-like words opt every contact with that number out of SMS, START
 * opts them back in (P13, L11). With Advanced Opt-Out, Twilio's OptOutType says the same.
 */
export function recordTwilioInbound(db: Db, params: Params, now: Date): WebhookResult {
  const sid = params.MessageSid ?? params.SmsSid ?? "";
  const from = params.From ?? "";
  const word = (params.Body ?? "").trim().toUpperCase();
  const optOut = params.OptOutType === "STOP" || STOP_WORDS.has(word);
  const optIn = !optOut && (params.OptOutType === "START" || START_WORDS.has(word));
  return db.transaction(
    (tx) => {
      const eventId = storeEvent(tx, sid, "message.inbound", params, now);
      if (eventId === null) return "duplicate";
      if (from && (optOut || optIn)) {
        const changed = tx
          .update(debtorContacts)
          .set({ smsOptOutAt: optOut ? now : null })
          .where(and(eq(debtorContacts.phone, from), optOut ? isNull(debtorContacts.smsOptOutAt) : isNotNull(debtorContacts.smsOptOutAt)))
          .returning({ id: debtorContacts.id, debtorId: debtorContacts.debtorId })
          .all();
        for (const contact of changed) {
          const debtor = tx.select({ creditorId: debtors.creditorId }).from(debtors).where(eq(debtors.id, contact.debtorId)).get();
          if (!debtor) continue;
          appendTimeline(tx, {
            creditorId: debtor.creditorId,
            debtorId: contact.debtorId,
            type: optOut ? "contact.sms_opted_out" : "contact.sms_opted_in",
            actor: "debtor",
            data: { contactId: contact.id, keyword: word, providerMessageId: sid },
            occurredAt: now,
          });
        }
        if (optOut) {
          // SMS claimed but not yet handed to Twilio would otherwise still go out after the STOP.
          tx.update(outboundMessages)
            .set({ status: "cancelled", lastError: "recipient replied STOP", nextAttemptAt: null })
            .where(and(eq(outboundMessages.channel, "sms"), eq(outboundMessages.toAddress, from), eq(outboundMessages.status, "pending")))
            .run();
        }
      }
      markProcessed(tx, eventId, now);
      return "processed";
    },
    { behavior: "immediate" },
  );
}

/** The inbox row's id, or null when Twilio already delivered this event (a no-op, R12). */
function storeEvent(tx: Tx, providerEventId: string, type: string, params: Params, now: Date): number | null {
  const stored = tx
    .insert(webhookEvents)
    .values({ provider: "twilio", providerEventId, type, payload: JSON.stringify(params), receivedAt: now })
    .onConflictDoNothing({ target: [webhookEvents.provider, webhookEvents.providerEventId] })
    .returning({ id: webhookEvents.id })
    .get();
  return stored?.id ?? null;
}

function markProcessed(tx: Tx, eventId: number, now: Date) {
  tx.update(webhookEvents).set({ processedAt: now }).where(eq(webhookEvents.id, eventId)).run();
}

/** What both routes answer: 404 without Twilio, 403 problem JSON on a bad signature. */
export async function handleTwilioWebhook(
  db: Db,
  env: TwilioWebhookEnv,
  request: Request,
  kind: "status" | "inbound",
  now: Date,
): Promise<Response> {
  if (!env.TWILIO_AUTH_TOKEN) return new Response(null, { status: 404 });
  const params = await verifiedTwilioParams(env, request, kind === "status" ? TWILIO_STATUS_PATH : TWILIO_INBOUND_PATH);
  if (!params) {
    return Response.json(
      { type: "about:blank", title: "Forbidden", status: 403, detail: "Invalid X-Twilio-Signature" },
      { status: 403, headers: { "Content-Type": "application/problem+json" } },
    );
  }
  if (kind === "status") {
    recordTwilioStatus(db, params, now);
    return new Response(null, { status: 204 });
  }
  recordTwilioInbound(db, params, now);
  // Empty TwiML: we do not answer the debtor by SMS (Twilio's Advanced Opt-Out confirms STOP itself).
  return new Response("<Response/>", { status: 200, headers: { "Content-Type": "text/xml" } });
}
