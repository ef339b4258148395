import twilio from "twilio";
import { transaction, type Db } from "../../../db/client";
import type { Env } from "../../env.server";
import { applySmsOptChange, applyTwilioStatus, markWebhookProcessed, storeWebhookEvent } from "../../models/delivery-events.server";
import { MAX_WEBHOOK_BYTES, problem, readLimitedText } from "../http/http.server";

export const TWILIO_STATUS_PATH = "/webhooks/twilio/status";
export const TWILIO_INBOUND_PATH = "/webhooks/twilio/inbound";

export type TwilioWebhookEnv = Pick<Env, "PUBLIC_BASE_URL" | "TWILIO_AUTH_TOKEN">;
type Params = Record<string, string>;

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

export type WebhookResult = "processed" | "duplicate" | "parked" | "ignored";

/**
 * A status callback, recorded once per (MessageSid, status) (P12, R12). A callback for an SMS whose
 * send is not recorded yet (R9) stays parked in the inbox and is applied when the outbox records it.
 */
export async function recordTwilioStatus(db: Db, params: Params, now: Date): Promise<WebhookResult> {
  const sid = params.MessageSid ?? params.SmsSid ?? "";
  const status = params.MessageStatus ?? params.SmsStatus ?? "";
  return await transaction(db, async (tx) => {
    const eventId = await storeWebhookEvent(
      tx,
      { provider: "twilio", providerEventId: `${sid}:${status}`, type: `message.${status}`, payload: JSON.stringify(params), subject: sid || null },
      now,
    );
    if (eventId === null) return "duplicate";
    const outcome = await applyTwilioStatus(tx, params, now);
    if (outcome !== "parked") await markWebhookProcessed(tx, eventId, now);
    return outcome;
  });
}

/**
 * An SMS a debtor sent us: STOP-like words opt every contact with that number out of SMS, START
 * opts them back in (P13, L11). With Advanced Opt-Out, Twilio's OptOutType says the same.
 */
export async function recordTwilioInbound(db: Db, params: Params, now: Date): Promise<WebhookResult> {
  const sid = params.MessageSid ?? params.SmsSid ?? "";
  const from = params.From ?? "";
  const word = (params.Body ?? "").trim().toUpperCase();
  const optOut = params.OptOutType === "STOP" || STOP_WORDS.has(word);
  const optIn = !optOut && (params.OptOutType === "START" || START_WORDS.has(word));
  return await transaction(db, async (tx) => {
    const eventId = await storeWebhookEvent(tx, { provider: "twilio", providerEventId: sid, type: "message.inbound", payload: JSON.stringify(params), subject: null }, now);
    if (eventId === null) return "duplicate";
    if (from && (optOut || optIn)) await applySmsOptChange(tx, from, { optOut, keyword: word, providerMessageId: sid }, now);
    await markWebhookProcessed(tx, eventId, now);
    return "processed";
  });
}

/** What both routes answer: 404 without Twilio, 403 problem JSON on a bad signature. */
export async function handleTwilioWebhook(db: Db, env: TwilioWebhookEnv, request: Request, kind: "status" | "inbound", now: Date): Promise<Response> {
  if (!env.TWILIO_AUTH_TOKEN) return new Response(null, { status: 404 });
  const params = await verifiedTwilioParams(env, request, kind === "status" ? TWILIO_STATUS_PATH : TWILIO_INBOUND_PATH);
  if (!params) {
    return problem(403, "Invalid X-Twilio-Signature");
  }
  if (kind === "status") {
    await recordTwilioStatus(db, params, now);
    return new Response(null, { status: 204 });
  }
  await recordTwilioInbound(db, params, now);
  // Empty TwiML: we do not answer the debtor by SMS (Twilio's Advanced Opt-Out confirms STOP itself).
  return new Response("<Response/>", { status: 200, headers: { "Content-Type": "text/xml" } });
}
