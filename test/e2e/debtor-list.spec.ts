import { expect, test } from "@playwright/test";
import { DEMO_LOGIN } from "../../db/seed";

test("staff find a debtor in the list by name or invoice number, filter the late ones and open the file", async ({ page }) => {
  await page.goto("/backoffice/login");
  await page.getByLabel("Adresse e-mail").fill(DEMO_LOGIN.email);
  await page.getByLabel("Mot de passe").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  // scrypt on a busy machine: the sign-in may take a few seconds.
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible({ timeout: 20_000 });

  // At 360 px the shell's sections sit behind its menu.
  const shell = page.getByRole("navigation", { name: "Navigation principale" });
  await shell.getByText("Menu").click();
  await shell.getByRole("link", { name: "Débiteurs" }).click();
  await expect(page.getByRole("heading", { name: "Débiteurs" })).toBeVisible();
  await expect(page.getByRole("status").first()).toContainText("clients");
  await expect(page.getByTestId("debtor-row")).toHaveCount(25);
  await page.getByRole("link", { name: "Suivants →" }).click();
  await expect(page.getByText(/Page 2 sur 2/)).toBeVisible();

  await page.getByLabel("Rechercher un client", { exact: true }).fill("garage des alpes");
  await page.getByRole("main").getByRole("button", { name: "Rechercher" }).click();
  await expect(page.getByTestId("debtor-row")).toHaveCount(1);
  const invoiceNumber = await (async () => {
    await page.getByRole("link", { name: "Garage des Alpes SAS" }).click();
    await expect(page.getByRole("heading", { name: "Garage des Alpes SAS" })).toBeVisible();
    return (await page.getByRole("table").getByRole("link").first().textContent())!.trim();
  })();

  // The shell's search, from any page: an invoice number typed whole opens its debtor's file on it.
  await page.getByLabel("Rechercher un client ou une facture").fill(invoiceNumber);
  await page.getByRole("banner").getByRole("button", { name: "Rechercher" }).click();
  await expect(page).toHaveURL(/\/backoffice\/debtors\/\d+\?facture=\d+/);
  await expect(page.getByRole("heading", { name: "Garage des Alpes SAS" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Fil d'Ariane" })).toHaveText(/Tableau de bord\s*Débiteurs\s*Garage des Alpes SAS/);

  await page.goto("/backoffice/debtors");
  await page.getByRole("navigation", { name: "Filtrer" }).getByRole("link", { name: "En retard", exact: true }).click();
  await expect(page).toHaveURL(/filtre=overdue/);
  const states = await page.getByTestId("debtor-row").locator("td:nth-child(6)").allTextContents();
  expect(states.length).toBeGreaterThan(0);
  expect(states.every((s) => ["en retard", "en pause", "contentieux"].includes(s))).toBe(true);
});
