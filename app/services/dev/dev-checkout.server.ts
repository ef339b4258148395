import type { Db } from "../../../db/client";
import { getEnv, isDemoMode } from "../../env.server";
import { now } from "../../clock.server";
import { formatMoney } from "../../domain/money";
import { requireSameOrigin } from "../http/http.server";
import { DEV_SESSION_PREFIX } from "../../integrations/payments.server";
import { recordStripeEvent, type StripeEventResult } from "../webhooks/stripe-webhooks.server";
import { getCheckoutByProviderSession, listCheckoutInvoiceNumbers } from "../../models/checkout-sessions.server";

/**
 * The development checkout exists in demo mode without a Stripe key only (a 404 in production). It is
 * found by its random session id, as Stripe's page is, never by the sequential row id.
 */
async function requireDevCheckout(db: Db, sessionId: string | undefined) {
  if (!isDemoMode() || getEnv().STRIPE_SECRET_KEY) throw new Response("Not found", { status: 404 });
  const row = sessionId?.startsWith(DEV_SESSION_PREFIX) ? await getCheckoutByProviderSession(db, sessionId) : undefined;
  if (!row) throw new Response("Not found", { status: 404 });
  return row;
}

export async function loadDevCheckout(db: Db, sessionId: string | undefined) {
  const row = await requireDevCheckout(db, sessionId);
  const invoiceIds = row.allocations.map((a) => a.invoiceId);
  const numbers = new Map((await listCheckoutInvoiceNumbers(db, invoiceIds)).map((i) => [i.id, i.number]));
  const money = (cents: number) => formatMoney({ cents, currency: row.currency }, "en-GB");
  return {
    id: row.id,
    status: row.status,
    totalLabel: money(row.totalCents),
    lines: row.allocations.map((a) => ({ number: numbers.get(a.invoiceId) ?? String(a.invoiceId), amountLabel: money(a.amountCents) })),
  };
}

/**
 * "Pay" builds the event Stripe would send and hands it to the webhook's own recording code, so the
 * development path records payments exactly as production does. The event id is fixed per
 * checkout: a double click is a redelivery, a no-op.
 */
export async function payDevCheckout(
  db: Db,
  request: Request,
  sessionId: string | undefined,
  intent: "pay" | "decline",
): Promise<{ location: string; result?: StripeEventResult }> {
  // Outside the demo this page does not exist, whatever the request says.
  const row = await requireDevCheckout(db, sessionId);
  requireSameOrigin(request);
  const base = getEnv().PUBLIC_BASE_URL;
  if (intent === "decline") return { location: `${base}/portal/pay?cancelled=${row.id}` };
  // As Stripe does for an expired session: a newer checkout replaced this one, so it cannot be paid.
  if (row.status === "expired") throw new Response("This checkout has expired: a newer one replaced it. Start again from the portal.", { status: 409 });
  const at = now();
  const event = {
    id: `evt_dev_${row.id}_completed`,
    object: "event",
    type: "checkout.session.completed",
    created: Math.floor(at.getTime() / 1000),
    livemode: false,
    data: {
      object: {
        id: row.providerSessionId,
        object: "checkout.session",
        mode: "payment",
        status: "complete",
        payment_status: "paid",
        amount_total: row.totalCents,
        currency: row.currency.toLowerCase(),
        client_reference_id: String(row.id),
        metadata: { checkout_id: String(row.id), debtor_id: String(row.debtorId) },
        payment_intent: `pi_dev_${row.id}`,
      },
    },
  };
  const result = await recordStripeEvent({ db, env: getEnv(), now: at }, event, JSON.stringify(event));
  return { location: `${base}/portal/pay/done?checkout=${row.id}&session_id=${row.providerSessionId}`, result };
}
