import { randomBytes } from "node:crypto";
import Stripe from "stripe";
import type { Env } from "../env.server";

/** P9: pinned, and the webhook endpoint in Stripe's dashboard must use the same version. */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

export type CheckoutLine = { invoiceNumber: string; label: string; amountCents: number };

export type CheckoutRequest = {
  checkoutId: number;
  debtorId: number;
  currency: string;
  locale: "fr" | "en";
  lines: CheckoutLine[];
  successUrl: string;
  cancelUrl: string;
  /** Fixed from the row's creation time, so a retry with the same idempotency key sends the same parameters. */
  expiresAt: Date;
};

export type CheckoutResult =
  | { status: "success"; sessionId: string; url: string }
  | { status: "error"; retryable: boolean; message: string; code?: string };

export type PaymentProvider = {
  readonly provider: "stripe" | "dev";
  /** Creates (or, for the same checkout row, finds again) the hosted payment page. */
  createCheckout(request: CheckoutRequest): Promise<CheckoutResult>;
  /** Where an existing session's page is, to send a double submission back to it. */
  checkoutUrl(sessionId: string, checkoutId: number): Promise<string | null>;
  /** Closes a hosted page a newer checkout replaces, so the same invoice cannot be paid twice. */
  expireCheckout(sessionId: string, checkoutId: number): Promise<ProviderResult>;
  /** Gives back part of a payment (an overpayment), keyed by our row so a double click refunds once. */
  refund(request: { paymentIntentId: string; amountCents: number; overpaymentId: number }): Promise<ProviderResult>;
};

export type ProviderResult = { status: "success"; refundId?: string } | { status: "error"; message: string };

export const expireIdempotencyKey = (checkoutId: number) => `expire:${checkoutId}`;
export const refundIdempotencyKey = (overpaymentId: number) => `refund:${overpaymentId}`;

/** P5: derived from our row, so a retry after a crash or a double submission finds the same session. */
export const checkoutIdempotencyKey = (checkoutId: number) => `checkout:${checkoutId}`;

export function stripeClient(options: { secretKey: string; apiBaseUrl?: string; maxNetworkRetries: number }): Stripe {
  const base = options.apiBaseUrl ? new URL(options.apiBaseUrl) : undefined;
  return new Stripe(options.secretKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: options.maxNetworkRetries,
    telemetry: false,
    timeout: 20_000,
    // T1: tests point the SDK at a local server speaking Stripe's wire format.
    ...(base ? { host: base.hostname, port: Number(base.port || (base.protocol === "https:" ? 443 : 80)), protocol: base.protocol.replace(":", "") as "http" | "https" } : {}),
  });
}

/** Stripe Checkout (P6): one line per invoice, amounts in cents from our row, metadata pointing back at it. */
export function stripePaymentProvider(stripe: Stripe): PaymentProvider {
  return {
    provider: "stripe",
    async createCheckout(request) {
      const metadata = { checkout_id: String(request.checkoutId), debtor_id: String(request.debtorId) };
      try {
        const session = await stripe.checkout.sessions.create(
          {
            mode: "payment",
            client_reference_id: String(request.checkoutId),
            metadata,
            payment_intent_data: { metadata },
            locale: request.locale,
            line_items: request.lines.map((line) => ({
              quantity: 1,
              price_data: { currency: request.currency.toLowerCase(), unit_amount: line.amountCents, product_data: { name: line.label } },
            })),
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
            expires_at: Math.floor(request.expiresAt.getTime() / 1000),
          },
          { idempotencyKey: checkoutIdempotencyKey(request.checkoutId) },
        );
        if (!session.url) return { status: "error", retryable: false, message: `session ${session.id} has no url` };
        return { status: "success", sessionId: session.id, url: session.url };
      } catch (error) {
        return stripeError(error);
      }
    },
    async checkoutUrl(sessionId) {
      try {
        const session = await stripe.checkout.sessions.retrieve(sessionId);
        return session.status === "open" ? session.url : null;
      } catch {
        return null;
      }
    },
    async expireCheckout(sessionId, checkoutId) {
      try {
        await stripe.checkout.sessions.expire(sessionId, {}, { idempotencyKey: expireIdempotencyKey(checkoutId) });
        return { status: "success" };
      } catch (error) {
        return { status: "error", message: stripeErrorMessage(error) };
      }
    },
    async refund(request) {
      try {
        const refund = await stripe.refunds.create(
          { payment_intent: request.paymentIntentId, amount: request.amountCents, reason: "duplicate", metadata: { overpayment_id: String(request.overpaymentId) } },
          { idempotencyKey: refundIdempotencyKey(request.overpaymentId) },
        );
        return { status: "success", refundId: refund.id };
      } catch (error) {
        return { status: "error", message: stripeErrorMessage(error) };
      }
    },
  };
}

function stripeErrorMessage(error: unknown): string {
  return error instanceof Stripe.errors.StripeError ? `${error.type}: ${error.message}` : String(error);
}

function stripeError(error: unknown): CheckoutResult {
  if (error instanceof Stripe.errors.StripeError) {
    const retryable = error.type === "StripeConnectionError" || error.type === "StripeAPIError" || error.type === "StripeRateLimitError" || error.type === "StripeIdempotencyError";
    return { status: "error", retryable, message: `${error.type}: ${error.message}`, code: error.code };
  }
  return { status: "error", retryable: true, message: String(error) };
}

/**
 * Development driver: the "hosted page" is /dev/checkout/:id on our own server, where a person
 * clicks Pay or Decline; Pay records the payment through the same code as Stripe's webhook.
 */
export function devPaymentProvider(publicBaseUrl: string): PaymentProvider {
  const url = (sessionId: string) => `${publicBaseUrl}/dev/checkout/${sessionId}`;
  return {
    provider: "dev",
    async createCheckout() {
      // Random, like Stripe's: the page records a payment, so its address must not be guessable.
      const sessionId = `${DEV_SESSION_PREFIX}${randomBytes(16).toString("base64url")}`;
      return { status: "success", sessionId, url: url(sessionId) };
    },
    async checkoutUrl(sessionId) {
      return url(sessionId);
    },
    // Our row's "expired" status is what the development page checks before paying.
    async expireCheckout() {
      return { status: "success" };
    },
    async refund(request) {
      return { status: "success", refundId: `dev_re_${request.overpaymentId}` };
    },
  };
}

export const DEV_SESSION_PREFIX = "dev_cs_";

/** The development checkout only in demo mode; production always has Stripe (the environment requires it). */
export function createPaymentProvider(env: Pick<Env, "NODE_ENV" | "RELANCE_MODE" | "PUBLIC_BASE_URL" | "STRIPE_SECRET_KEY" | "STRIPE_API_BASE_URL">): PaymentProvider {
  if (!env.STRIPE_SECRET_KEY) {
    if (env.RELANCE_MODE !== "demo") throw new Error("STRIPE_SECRET_KEY is required outside demo mode");
    return devPaymentProvider(env.PUBLIC_BASE_URL);
  }
  // The idempotency key makes retries safe; tests want one attempt so a failure shows at once.
  const maxNetworkRetries = env.NODE_ENV === "test" ? 0 : 2;
  return stripePaymentProvider(stripeClient({ secretKey: env.STRIPE_SECRET_KEY, apiBaseUrl: env.STRIPE_API_BASE_URL, maxNetworkRetries }));
}

/**
 * P1: the signature is checked on the raw body, at our clock (T7). Returns the event, or null for
 * anything that does not verify.
 */
/** Test keys (sk_test_, rk_test_) only ever see test events, live keys live ones. */
export function stripeKeyIsLive(secretKey: string): boolean {
  return /^(sk|rk)_live_/.test(secretKey);
}

/** Stripe's own tolerance (seconds), applied both ways: the SDK refuses only signatures too old. */
export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;

export function verifyStripeEvent(rawBody: string, signature: string | null, secret: string, receivedAt: Date): Stripe.Event | null {
  if (!signature) return null;
  // A timestamp far ahead of our clock would stay "fresh" for as long as it likes: a replay window.
  const signedAt = Number(/(?:^|,)\s*t=(\d+)/.exec(signature)?.[1]);
  if (!Number.isSafeInteger(signedAt) || signedAt > receivedAt.getTime() / 1000 + STRIPE_SIGNATURE_TOLERANCE_SECONDS) return null;
  try {
    // receivedAt is in milliseconds (the SDK divides by 1000 itself).
    return Stripe.webhooks.constructEvent(rawBody, signature, secret, STRIPE_SIGNATURE_TOLERANCE_SECONDS, undefined, receivedAt.getTime());
  } catch {
    return null;
  }
}
