import type { ActionFunctionArgs } from "@remix-run/node";
import { now } from "~/clock.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { MAX_WEBHOOK_BYTES, problem, readLimitedText } from "~/services/http/http.server";
import { requestDeps } from "~/deps.server";
import { sendNoticeNow } from "~/services/shared/notices.server";
import { handleStripeWebhook } from "~/services/webhooks/stripe-webhooks.server";
import { stripeKeyIsLive } from "~/integrations/payments.server";
import { resourceRoute } from "~/services/http/unavailable.server";

/** Stripe's events: payments, refunds, disputes (P1, P2, P10). */
export const action = resourceRoute(async function action({ request }: ActionFunctionArgs) {
  const env = getEnv();
  const secret = env.STRIPE_WEBHOOK_SECRET;
  if (!secret || !env.STRIPE_SECRET_KEY) return problem(404, "Stripe webhooks are not configured.");
  // The signature covers the exact bytes sent: the raw text, never a re-serialised JSON (P1).
  const rawBody = await readLimitedText(request, MAX_WEBHOOK_BYTES);
  const result = await handleStripeWebhook(
    { db: getDb(), env, now: now() },
    { webhookSecret: secret, liveKey: stripeKeyIsLive(env.STRIPE_SECRET_KEY) },
    rawBody,
    request.headers.get("stripe-signature"),
  );
  if (result === "invalid")
    return problem(400, "The Stripe-Signature header does not match the body, or its timestamp is too old or too far ahead.", undefined, { title: "Invalid signature" });
  if (result === "wrong_mode")
    return problem(400, "This event's livemode does not match the configured Stripe key (test and live are never mixed); it was not recorded as a payment.", undefined, {
      title: "Wrong mode",
    });
  // After the commit: the receipt goes now, or the job retries it.
  for (const id of result.noticeIds) await sendNoticeNow(requestDeps(getDb()), id);
  // Mismatches and unknown types are answered 200 too: they are stored and logged, and a retry would change nothing.
  return Response.json({ received: true, outcome: result.outcome });
});
