import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { enterPortal, linkPathFromOutbox, verifyWithCode } from "./support/secure";

async function expectNoViolations(page: Page, label: string) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(
    violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    label,
  ).toEqual([]);
}

test("every portal page passes axe-core at 360 px", async ({ page }) => {
  expect(page.viewportSize()?.width).toBe(360);

  await page.goto(await linkPathFromOutbox(page));
  await expect(page.getByRole("heading", { name: "Accéder à votre espace" })).toBeVisible();
  await expectNoViolations(page, "continue page of a link");

  await page.goto("/l/not-a-valid-link");
  await expect(page.getByRole("heading", { name: "Ce lien n'est plus valide" })).toBeVisible();
  await expectNoViolations(page, "invalid-link page");

  await page.goto("/link/new");
  await expectNoViolations(page, "new-link page");

  await enterPortal(page);
  await expectNoViolations(page, "portal home");

  await page.getByRole("link", { name: /^Détails / }).first().click();
  await expect(page.getByRole("heading", { name: /^Facture / })).toBeVisible();
  await expectNoViolations(page, "invoice detail");

  await page.goto("/portal/documents");
  await expectNoViolations(page, "code page");
  await page.getByRole("button", { name: "Recevoir le code" }).click();
  await page.getByLabel("Code à 6 chiffres").fill("000000x");
  await page.getByRole("button", { name: "Valider le code" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expectNoViolations(page, "code page with an error");
  await verifyWithCode(page);
  await expect(page.getByRole("heading", { name: "Vos documents" })).toBeVisible();
  await expectNoViolations(page, "documents");

  await page.getByRole("radio", { name: "Autre document" }).check();
  await page.getByRole("button", { name: "Vérifier ma demande" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await expectNoViolations(page, "document request with an error");

  await page.goto("/portal/contact");
  await expectNoViolations(page, "contact");
  await page.getByRole("textbox", { name: "E-mail" }).fill("pas-une-adresse");
  await page.getByRole("button", { name: "Vérifier les changements" }).click();
  await expect(page.getByRole("alert").first()).toBeVisible();
  await expectNoViolations(page, "contact with errors");
});

test("every action on the portal home is reachable and operable by keyboard", async ({ page }) => {
  await enterPortal(page);
  // Receipts are downloads, not pages: checked below.
  const targets = await page.locator("main a[href]:not([download])").evaluateAll((links) => links.map((a) => a.getAttribute("href")!));
  expect(targets).toEqual(expect.arrayContaining(["/portal/pay", "/portal/contact", "/portal/documents"]));
  for (const href of targets) {
    await page.goto("/portal");
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate((h) => document.activeElement?.getAttribute("href") === h, href);
    }
    expect(reached, `Tab reaches ${href}`).toBe(true);
    await page.keyboard.press("Enter");
    // Documents and contact details go through the code page first, which then returns there.
    await expect(page).toHaveURL((url) => url.pathname === href || (url.pathname === "/portal/verify" && url.searchParams.get("returnTo") === href));
  }

  // The language switch in the portal's footer: Tab to it, change it with the arrow keys, submit with Enter.
  await page.goto("/portal");
  let onSelect = false;
  for (let i = 0; i < 40 && !onSelect; i++) {
    await page.keyboard.press("Tab");
    onSelect = await page.evaluate(() => document.activeElement?.id === "portal-locale");
  }
  expect(onSelect).toBe(true);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Your .* invoices$/);
  await page.getByLabel("Language").selectOption("fr");
  await page.getByRole("button", { name: "Change language" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/^Vos factures/);
});

test("a settled invoice's receipt downloads from the portal home by keyboard", async ({ page }) => {
  await enterPortal(page);
  const settled = page.getByRole("region", { name: "Factures réglées (12 derniers mois)" });
  const receipt = settled.getByRole("link", { name: /^Reçu du paiement du / }).first();
  await receipt.focus();
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
  expect(download.suggestedFilename()).toMatch(/^recu-.+-\d+\.pdf$/);
});
