import { expect, test } from "@playwright/test";
import { DEMO_LOGIN } from "../../db/seed";

test("staff sign in with the demo login and see the aging of their book", async ({ page }) => {
  await page.goto("/backoffice");
  await expect(page).toHaveURL(/\/backoffice\/login$/);

  await page.getByLabel("Adresse e-mail").fill(DEMO_LOGIN.email);
  await page.getByLabel("Mot de passe").fill("wrong password");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("alert")).toHaveText("Adresse e-mail ou mot de passe incorrect.");

  await page.getByLabel("Mot de passe").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible();
  await expect(page.getByTestId("outstanding")).toContainText("€");
  for (const bucket of ["Non échu", "1 à 30 jours", "31 à 60 jours", "61 à 90 jours", "Plus de 90 jours"]) {
    await expect(page.getByRole("cell", { name: bucket })).toBeVisible();
  }

  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await expect(page).toHaveURL(/\/backoffice\/login$/);
  await page.goto("/backoffice");
  await expect(page).toHaveURL(/\/backoffice\/login$/);
});
