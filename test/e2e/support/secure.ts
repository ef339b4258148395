import { expect, type Page } from "@playwright/test";
import { desc, eq } from "drizzle-orm";
import { devOutbox } from "../../../db/schema";
import { runJobOnce, withDb } from "./helpers";

export const MARTIN_EMAIL = "compta@boulangerie-martin.fr";

/** The newest portal link the development outbox holds for this address (running the job first). */
export function linkPathFromOutbox(address = MARTIN_EMAIL): string {
  runJobOnce();
  const text = withDb((db) =>
    db.select().from(devOutbox).where(eq(devOutbox.toAddress, address)).orderBy(desc(devOutbox.id)).all().find((m) => /\/l\/[\w.-]+/.test(m.text))!.text,
  );
  return new URL(/https?:\/\/\S+\/l\/[\w.-]+/.exec(text)![0]).pathname;
}

/** From the link's continue page into the portal, as a debtor would. */
export async function enterPortal(page: Page, address = MARTIN_EMAIL) {
  await page.goto(linkPathFromOutbox(address));
  await page.getByRole("button", { name: /Continuer|Continue/ }).click();
  await expect(page).toHaveURL(/\/portal$/);
}

/** The step-up code as the debtor reads it: the newest message to that address. */
export function codeFromOutbox(address = MARTIN_EMAIL): string {
  const message = withDb((db) => db.select().from(devOutbox).where(eq(devOutbox.toAddress, address)).orderBy(desc(devOutbox.id)).get()!);
  return /\b(\d{6})\b/.exec(message.subject ?? message.text)![1]!;
}

const newestId = (address: string) => withDb((db) => db.select({ id: devOutbox.id }).from(devOutbox).where(eq(devOutbox.toAddress, address)).orderBy(desc(devOutbox.id)).get()?.id ?? 0);

/** On the code page: ask for a code by email (a new one if one was sent), read it from the outbox, type it. */
export async function verifyWithCode(page: Page, address = MARTIN_EMAIL) {
  await expect(page).toHaveURL(/\/portal\/verify\?returnTo=/);
  const before = newestId(address);
  await page.getByRole("button", { name: /^Recevoir (le|un nouveau) code$/ }).click();
  await expect.poll(() => newestId(address)).toBeGreaterThan(before);
  await expect(page.getByRole("status")).toContainText("Un code vient d'être envoyé");
  await page.getByLabel("Code à 6 chiffres").fill(codeFromOutbox(address));
  await page.getByRole("button", { name: "Valider le code" }).click();
}
