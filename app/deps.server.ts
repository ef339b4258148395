import type { Db } from "../db/client";
import { getEnv } from "./env.server";
import { now } from "./clock.server";
import { createEmailSender } from "./integrations/email.server";
import { createSmsSender } from "./integrations/sms.server";
import { createPaymentProvider, type PaymentProvider } from "./integrations/payments.server";
import type { OutboxDeps } from "./services/shared/outbox.server";

/**
 * The web process's dependencies for a request, built at the edge and passed down. The database is
 * the caller's: a route passes getDb(), a use-case the one it was given.
 */
export function requestDeps(db: Db): OutboxDeps {
  const env = getEnv();
  return { db, env, email: createEmailSender(env, db), sms: createSmsSender(env, db), now: now() };
}

/** The card payment provider (Stripe, or the development checkout in demo mode without a key), for the routes that take or refund a payment. */
export function paymentProvider(): PaymentProvider {
  return createPaymentProvider(getEnv());
}
