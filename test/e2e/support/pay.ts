import { expect, type Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { debtorContacts, invoices } from "../../../db/tables";
import { dryRun } from "../../../app/services/shared/dry-run.server";
import { runJobOnce, withDb } from "./helpers";
import { first } from "../../../db/client";

export const MARTIN_EMAIL = "compta@boulangerie-martin.fr";

/** From the morning's pre-reminder in the development outbox to Boulangerie Martin's portal. */
export async function openPortalFromOutbox(page: Page) {
  runJobOnce();
  await page.goto("/dev/outbox");
  await page.getByRole("link", { name: "Atelier Durand : 2 factures arrivent bientôt à échéance" }).click();
  await page.frameLocator("iframe.email").getByRole("link", { name: "Voir et régler mes factures" }).click();
  await page.getByRole("button", { name: "Continuer" }).click();
  await expect(page).toHaveURL(/\/portal$/);
}

export async function martin() {
  return withDb(async (db) => {
    const { debtorId } = first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, MARTIN_EMAIL)))!;
    const open = await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")))
      .orderBy(invoices.dueDate, invoices.number);
    return { debtorId, open };
  });
}

export async function invoiceById(id: number) {
  return withDb(async (db) => first(await db.select().from(invoices).where(eq(invoices.id, id)))!);
}

/** What the cadence plans for the debtor between two days (the dry-run, read-only). */
export async function plannedFor(debtorId: number, from: string, to: string) {
  return withDb(async (db) => dryRun(db, { from, to, debtorId }));
}
