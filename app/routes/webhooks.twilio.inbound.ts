import type { ActionFunctionArgs } from "@remix-run/node";
import { now } from "~/clock.server";
import { getDb } from "~/db.server";
import { getEnv } from "~/env.server";
import { handleTwilioWebhook } from "~/services/webhooks/twilio-webhooks.server";
import { resourceRoute } from "~/services/http/unavailable.server";

/** SMS sent to our number or Messaging Service: STOP and START replies. */
export const action = resourceRoute(function action({ request }: ActionFunctionArgs) {
  return handleTwilioWebhook(getDb(), getEnv(), request, "inbound", now());
});
