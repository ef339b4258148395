import { eq, inArray } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { checkoutSessions, invoices } from "../../db/schema";

/** The checkout with this provider session id (random, as Stripe's), never found by its sequential row id. */
export async function findCheckoutByProviderSession(db: Db, providerSessionId: string) {
  return first(await db.select().from(checkoutSessions).where(eq(checkoutSessions.providerSessionId, providerSessionId)));
}

/** The numbers of the invoices a checkout pays, by invoice id. */
export async function listCheckoutInvoiceNumbers(db: Db, invoiceIds: number[]) {
  return await db.select({ id: invoices.id, number: invoices.number }).from(invoices).where(inArray(invoices.id, invoiceIds));
}
