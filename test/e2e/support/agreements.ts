import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { and, desc, eq, ne } from "drizzle-orm";
import { debtorContacts, devOutbox } from "../../../db/tables";
import { withDb } from "./helpers";
import { first } from "../../../db/client";

/** The debtor reads their latest reminder in the development outbox and follows its link into the portal. */
export async function openPortalFromOutbox(page: Page, address: string): Promise<number> {
  const { message, debtorId } = await withDb(async (db) => ({
    message: first(
      await db
        .select()
        .from(devOutbox)
        .where(and(eq(devOutbox.toAddress, address), eq(devOutbox.channel, "email"), ne(devOutbox.text, "")))
        .orderBy(desc(devOutbox.id)),
    )!,
    debtorId: first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, address)))!.debtorId,
  }));
  await page.goto(`/dev/outbox/${message.id}`);
  await page.frameLocator("iframe.email").locator('a[href*="/l/"]').first().click();
  await page.getByRole("button", { name: "Continuer" }).click();
  await expect(page).toHaveURL(/\/portal$/);
  return debtorId;
}

/** axe-core finds nothing to fix on the page as it stands. */
export async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}
