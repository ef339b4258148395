import { expect, test } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { debtorContacts, devOutbox, invoices } from "../../db/tables";
import { readFileSync } from "node:fs";
import { runJobOnce, withDb } from "./support/helpers";
import { E2E_SERVER_LOG } from "./support/env";
import { first } from "../../db/client";

test("a pre-reminder email leads the debtor to their invoices, and only theirs", async ({ page }) => {
  // The day's pass may have run in an earlier journey already; either way the pre-reminder is out.
  runJobOnce();
  expect(await withDb(async (db) => await db.select().from(devOutbox).where(eq(devOutbox.subject, "Atelier Durand : 2 factures arrivent bientôt à échéance")))).toHaveLength(1);

  // The creditor's customer reads the email in the development outbox.
  await page.goto("/dev/outbox");
  await page.getByRole("link", { name: "Atelier Durand : 2 factures arrivent bientôt à échéance" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Atelier Durand : 2 factures arrivent bientôt à échéance");
  const email = page.frameLocator("iframe.email");
  await expect(email.getByText("Bonjour Boulangerie Martin SARL,")).toBeVisible();
  await email.getByRole("link", { name: "Voir et régler mes factures" }).click();

  // Opening the link only shows a page to continue from.
  await expect(page).toHaveURL(/\/l\/[\w-]+\.[\w-]+\.[\w-]+$/);
  const token = new URL(page.url()).pathname.slice("/l/".length);
  await expect(page.getByRole("heading", { name: "Accéder à votre espace" })).toBeVisible();
  await page.getByRole("button", { name: "Continuer" }).click();

  // The token has left the address bar; the portal shows this debtor's open invoices.
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole("heading", { name: "Vos factures Atelier Durand" })).toBeVisible();
  const theirs = await withDb(async (db) => {
    const contact = first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, "compta@boulangerie-martin.fr")))!;
    return await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, contact.debtorId), eq(invoices.status, "open")));
  });
  const cards = page.getByTestId("invoice");
  await expect(cards).toHaveCount(theirs.length);
  for (const invoice of theirs) await expect(page.getByText(invoice.number, { exact: true })).toBeVisible();
  await expect(cards.filter({ hasText: "échéance dans 5 jours" })).toHaveCount(1);
  await expect(cards.filter({ hasText: "25 novembre 2026" })).toHaveCount(1);

  // The server's access log saw the link but kept no token (M10).
  const log = readFileSync(E2E_SERVER_LOG, "utf8");
  expect(log).toContain("GET /l/[redacted]");
  expect(log).toContain("POST /l/[redacted]");
  expect(log).not.toContain(token.split(".")[2]);

  // Typing another debtor's invoice id shows nothing of it.
  const other = await withDb(async (db) => (await db.select().from(invoices)).find((i) => !theirs.some((t) => t.debtorId === i.debtorId))!);
  const response = await page.goto(`/portal/invoices/${other.id}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page introuvable" })).toBeVisible();
  await expect(page.getByText(other.number)).toHaveCount(0);

  // Its own invoice opens.
  const own = theirs[0]!;
  await page.goto(`/portal/invoices/${own.id}`);
  await expect(page.getByRole("heading", { name: `Facture ${own.number}` })).toBeVisible();

  // Running the job again sends nothing new.
  const kept = await withDb(async (db) => (await db.select().from(devOutbox)).length);
  expect(runJobOnce()).toContain('"claimed":0,"sent":0');
  expect(await withDb(async (db) => (await db.select().from(devOutbox)).length)).toBe(kept);
});

test("an English-speaking debtor reads the email and the portal in English", async ({ page }) => {
  runJobOnce();
  const kept = await withDb(async (db) => first(await db.select().from(devOutbox).where(eq(devOutbox.toAddress, "accounts@thames-interiors.co.uk")))!);
  await page.goto(`/dev/outbox/${kept.id}`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Atelier Durand: reminder about 2 overdue invoices");
  await page.frameLocator("iframe.email").getByRole("link", { name: "Pay or suggest a solution" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Your Atelier Durand invoices" })).toBeVisible();
  await expect(page.getByText("due in 5 days")).toBeVisible();
  await expect(page.getByText(/\d+ days overdue/).first()).toBeVisible();
});

test("a week later, the second reminder's SMS carries a short link that opens the portal", async ({ page }) => {
  runJobOnce();
  expect(runJobOnce("2026-11-27T09:00:00Z")).toMatch(/"claimed":[1-9]/);
  const sms = await withDb(async (db) => first(await db.select().from(devOutbox).where(eq(devOutbox.channel, "sms")))!);
  expect(sms.text).toMatch(/\/l\/[\w-]{22}(\s|$)/);
  await page.goto(`/dev/outbox/${sms.id}`);
  await page.getByRole("link", { name: /\/l\// }).click();
  await page.getByRole("button", { name: /Continuer|Continue/ }).click();
  await expect(page).toHaveURL(/\/portal$/);
  const debtor = await withDb(async (db) => first(await db.select().from(debtorContacts).where(eq(debtorContacts.phone, sms.toAddress)))!);
  const open = await withDb(
    async (db) =>
      await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, debtor.debtorId), eq(invoices.status, "open"))),
  );
  await expect(page.getByTestId("invoice")).toHaveCount(open.length);
});
