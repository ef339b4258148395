import { expect, test } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { desc, eq } from "drizzle-orm";
import { DEMO_LOGIN } from "../../db/seed";
import { creditors, devOutbox, staffUsers } from "../../db/tables";
import { withDb } from "./support/helpers";
import { enterPortal } from "./support/secure";
import { first } from "../../db/client";

const newestMailId = async () =>
  withDb(async (db) => first(await db.select({ id: devOutbox.id }).from(devOutbox).where(eq(devOutbox.toAddress, DEMO_LOGIN.email)).orderBy(desc(devOutbox.id)))?.id ?? 0);
const newestCode = async () => {
  const mail = await withDb(async (db) => first(await db.select().from(devOutbox).where(eq(devOutbox.toAddress, DEMO_LOGIN.email)).orderBy(desc(devOutbox.id)))!);
  return /(\d{6})/.exec(mail.subject ?? "")![1]!;
};

// Later journeys read the demo creditor's name: put the branding back as it was.
test.afterAll(async () => {
  await withDb(async (db) => {
    const creditorId = first(await db.select().from(staffUsers).where(eq(staffUsers.email, DEMO_LOGIN.email)))!.creditorId;
    await db.update(creditors).set({ displayName: null, accentColor: null }).where(eq(creditors.id, creditorId));
  });
});

test("an owner signs in with a code from the outbox, rebrands the account, and the debtor portal shows it", async ({ page }) => {
  await page.goto("/backoffice/login");
  await page.getByLabel("Adresse e-mail").fill(DEMO_LOGIN.email);
  const before = await newestMailId();
  await page.getByRole("button", { name: "Recevoir un code par e-mail" }).click();
  await expect(page.getByRole("heading", { name: "Connexion par code" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText(DEMO_LOGIN.email);
  await expect.poll(newestMailId).toBeGreaterThan(before);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  await page.getByLabel("Code reçu par e-mail").fill("000000" === (await newestCode()) ? "111111" : "000000");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByText("Ce code ne convient pas")).toBeVisible();
  await page.getByLabel("Code reçu par e-mail").fill(await newestCode());
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible();

  await page.goto("/backoffice/team");
  await expect(page.getByRole("region", { name: "Membres de l'équipe" })).toContainText("Karim Benali");
  await expect(page.getByRole("button", { name: "Désactiver Karim Benali" })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  await page.goto("/backoffice/settings");
  const branding = page.getByRole("region", { name: "Image de marque" });
  await branding.getByLabel("Nom affiché (facultatif)").fill("Menuiserie Durand Lyon");
  await branding.getByLabel("Couleur d'accent (facultatif)").fill("vert");
  await branding.getByRole("button", { name: "Enregistrer" }).click();
  await expect(branding.getByText("La couleur s'écrit #rrggbb")).toBeVisible();
  await expect(branding.getByLabel("Couleur d'accent (facultatif)")).toHaveAttribute("aria-invalid", "true");
  await branding.getByLabel("Couleur d'accent (facultatif)").fill("#0f766e");
  await branding.getByRole("button", { name: "Enregistrer" }).click();
  await expect(branding.getByRole("status")).toHaveText("Enregistré : Nom affiché, Couleur d'accent.");
  await expect(page.getByRole("region", { name: "Historique des modifications" }).getByRole("row").nth(1)).toContainText("Claire Durand");
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  await enterPortal(page);
  const header = page.getByRole("banner");
  await expect(header).toHaveText("Menuiserie Durand Lyon");
  await expect(header).toHaveCSS("border-top-color", "rgb(15, 118, 110)");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Menuiserie Durand Lyon");
});
