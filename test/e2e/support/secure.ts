import { expect, type Page } from "@playwright/test";
import { desc, eq } from "drizzle-orm";
import { devOutbox } from "../../../db/tables";
import { withDb } from "./helpers";
import { first } from "../../../db/client";

export const MARTIN_EMAIL = "compta@boulangerie-martin.fr";

const linkIn = (text: string) => /https?:\/\/\S+\/l\/[\w.-]+/.exec(text)?.[0];

async function newestLink(address: string): Promise<string | undefined> {
  const messages = await withDb(async (db) => await db.select().from(devOutbox).where(eq(devOutbox.toAddress, address)).orderBy(desc(devOutbox.id)));
  const text = messages.map((m) => linkIn(m.text)).find(Boolean);
  return text ? new URL(text).pathname : undefined;
}

/**
 * A portal link from the development outbox for this address. Without running the job (other
 * journeys expect the first pass of the day to be theirs): when the outbox has none yet, the debtor
 * asks for a new link, which is sent at once.
 */
export async function linkPathFromOutbox(page: Page, address = MARTIN_EMAIL): Promise<string> {
  const existing = await newestLink(address);
  if (existing) return existing;
  await page.goto("/link/new");
  await page.getByLabel("Adresse e-mail").fill(address);
  await page.getByRole("button", { name: "Envoyer le lien" }).click();
  await expect(page.getByRole("status")).toBeVisible();
  await expect.poll(async () => newestLink(address)).toBeTruthy();
  return (await newestLink(address))!;
}

/** From the link's continue page into the portal, as a debtor would. */
export async function enterPortal(page: Page, address = MARTIN_EMAIL) {
  await page.goto(await linkPathFromOutbox(page, address));
  await page.getByRole("button", { name: /Continuer|Continue/ }).click();
  await expect(page).toHaveURL(/\/portal$/);
}

/** The step-up code as the debtor reads it: the newest message to that address. */
export async function codeFromOutbox(address = MARTIN_EMAIL): Promise<string> {
  const message = await withDb(async (db) => first(await db.select().from(devOutbox).where(eq(devOutbox.toAddress, address)).orderBy(desc(devOutbox.id)))!);
  return /\b(\d{6})\b/.exec(message.subject ?? message.text)![1]!;
}

const newestId = async (address: string) =>
  withDb(async (db) => first(await db.select({ id: devOutbox.id }).from(devOutbox).where(eq(devOutbox.toAddress, address)).orderBy(desc(devOutbox.id)))?.id ?? 0);

/** On the code page: ask for a code by email (a new one if one was sent), read it from the outbox, type it. */
export async function verifyWithCode(page: Page, address = MARTIN_EMAIL) {
  await expect(page).toHaveURL(/\/portal\/verify\?returnTo=/);
  const before = await newestId(address);
  await page.getByRole("button", { name: /^Recevoir (le|un nouveau) code$/ }).click();
  await expect.poll(async () => newestId(address)).toBeGreaterThan(before);
  await expect(page.getByRole("status")).toContainText("Un code vient d'être envoyé");
  await page.getByLabel("Code à 6 chiffres").fill(await codeFromOutbox(address));
  await page.getByRole("button", { name: "Valider le code" }).click();
}
