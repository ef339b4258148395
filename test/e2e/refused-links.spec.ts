import { expect, test } from "@playwright/test";
import { refusedLinks } from "./support/helpers";

test("expired, revoked, tampered and unknown links all get the same page offering a new link", async ({ page }) => {
  const links = await refusedLinks(1);
  const pages: string[] = [];
  for (const [kind, token] of Object.entries(links)) {
    const response = await page.goto(`/l/${token}`);
    expect(response?.status(), kind).toBe(410);
    expect(response?.headers()["cache-control"], kind).toBe("no-store");
    expect(response?.headers()["referrer-policy"], kind).toBe("no-referrer");
    await expect(page.getByRole("heading", { name: "Ce lien n'est plus valide" })).toBeVisible();
    pages.push(await page.locator("main").innerText());
  }
  expect(new Set(pages).size).toBe(1);

  // The way out: a new link, sent only to the address on file.
  await page.getByRole("link", { name: "Recevoir un nouveau lien" }).click();
  await page.getByLabel("Adresse e-mail").fill("pas une adresse");
  await page.getByRole("button", { name: "Envoyer le lien" }).click();
  await expect(page.getByText("Saisissez une adresse e-mail complète")).toBeVisible();
  await page.getByLabel("Adresse e-mail").fill("compta@boulangerie-martin.fr");
  await page.getByRole("button", { name: "Envoyer le lien" }).click();
  await expect(page.getByRole("status")).toContainText("Si cette adresse figure dans nos dossiers");

  await page.goto("/dev/outbox");
  await page.getByRole("link", { name: "Atelier Durand : votre nouveau lien d'accès" }).first().click();
  await page.frameLocator("iframe.email").getByRole("link", { name: "Ouvrir mon espace" }).click();
  await page.getByRole("button", { name: "Continuer" }).click();
  await expect(page).toHaveURL(/\/portal$/);
});

test("the portal without a session says how to get back in", async ({ page }) => {
  const response = await page.goto("/portal");
  expect(response?.status()).toBe(401);
  await expect(page.getByRole("heading", { name: "Votre session a expiré" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Recevoir un nouveau lien" })).toBeVisible();
});
