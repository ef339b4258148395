import type { ActionFunctionArgs } from "@remix-run/node";
import { now } from "~/clock.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { MAX_WEBHOOK_BYTES, problem, readLimitedText } from "~/services/http/http.server";
import { handleResendWebhook } from "~/services/webhooks/resend-webhooks.server";
import { resourceRoute } from "~/services/http/unavailable.server";

/** Resend's delivery events (bounces, complaints), signed by Svix. */
export const action = resourceRoute(async function action({ request }: ActionFunctionArgs) {
  const secret = getEnv().RESEND_WEBHOOK_SECRET;
  if (!secret) return problem(404, "Resend webhooks are not configured.");
  // The signature covers the exact bytes sent: read the raw text, never a re-serialised JSON (P15).
  const rawBody = await readLimitedText(request, MAX_WEBHOOK_BYTES);
  const outcome = await handleResendWebhook(getDb(), secret, rawBody, request.headers, now());
  if (outcome === "invalid") {
    return problem(400, "The svix-signature does not match the body, or svix-timestamp is too far from now.", undefined, { title: "Invalid signature" });
  }
  return Response.json({ received: true });
});
