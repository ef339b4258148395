import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client";
import { refusedWebhooks, webhookEvents } from "../../db/tables";

type Provider = (typeof webhookEvents.$inferSelect)["provider"];

/**
 * Puts a provider's event into the inbox (R12): its id is unique per provider, so a redelivery stores
 * nothing. True when this call stored it (counted on the rows `.returning()` gave back).
 */
export async function storeWebhookEvent(tx: Db, e: { provider: Provider; providerEventId: string; type: string; payload: string; receivedAt: Date }): Promise<boolean> {
  const stored = await tx
    .insert(webhookEvents)
    .values({ provider: e.provider, providerEventId: e.providerEventId, type: e.type, payload: e.payload, receivedAt: e.receivedAt })
    .onConflictDoNothing({ target: [webhookEvents.provider, webhookEvents.providerEventId] })
    .returning({ id: webhookEvents.id });
  return stored.length === 1;
}

/** The event's effects are applied: it no longer waits in the inbox. */
export async function markWebhookEventProcessed(tx: Db, provider: Provider, providerEventId: string, now: Date) {
  await tx
    .update(webhookEvents)
    .set({ processedAt: now })
    .where(and(eq(webhookEvents.provider, provider), eq(webhookEvents.providerEventId, providerEventId)));
}

/** The provider's events of these types still waiting in the inbox (processed_at null), oldest first. */
export async function listWaitingWebhookEvents(tx: Db, provider: Provider, types: string[]) {
  return await tx
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.provider, provider), isNull(webhookEvents.processedAt), inArray(webhookEvents.type, types)))
    .orderBy(webhookEvents.id);
}

/** A signed Stripe event we refuse to book (its livemode does not match our key), kept once for staff. */
export async function recordRefusedStripeEvent(db: Db, e: { providerEventId: string; type: string; reason: "livemode_mismatch"; creditorId: number | null; receivedAt: Date }) {
  await db
    .insert(refusedWebhooks)
    .values({ provider: "stripe", providerEventId: e.providerEventId, type: e.type, reason: e.reason, creditorId: e.creditorId, receivedAt: e.receivedAt })
    .onConflictDoNothing({ target: [refusedWebhooks.provider, refusedWebhooks.providerEventId] });
}
