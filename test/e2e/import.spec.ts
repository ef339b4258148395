import { readFileSync } from "node:fs";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { DEMO_LOGIN } from "../../db/seed";
import { expectAccessible } from "./support/agreements";

const ROWS = 10_000;
// 10,000 lines: ten chunks, enough for the progress bar to move; seconds on a busy 2-core machine.
const expect = baseExpect.configure({ timeout: 30_000 });

/**
 * A book of 10,000 invoices over 3,000 customers, with two bad lines (3 and 5). Due in January 2027 (60-day terms), so
 * the journeys that run the job afterwards on the same database have nothing new to chase.
 */
function bookCsv(): Buffer {
  const lines = ["ref_client;nom_client;email;numero_facture;montant;date_facture;delai_jours"];
  for (let i = 0; i < ROWS; i++) {
    const d = i % 3_000;
    const amount = i === 1 ? "-40,00" : `${100 + (i % 900)},50`;
    const date = i === 3 ? "31/02/2026" : "15/11/2026";
    lines.push(`E-${d};Client ${d};client${d}@example.fr;E2E-${i};${amount};${date};60`);
  }
  return Buffer.from(lines.join("\r\n"), "utf-8");
}

async function signIn(page: Page) {
  await page.goto("/backoffice/import");
  await page.getByLabel("Adresse e-mail").fill(DEMO_LOGIN.email);
  await page.getByLabel("Mot de passe").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  // scrypt on a busy machine: signing in may take a few seconds.
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible({ timeout: 30_000 });
  await page.goto("/backoffice/import");
}

async function previewAndConfirm(page: Page, file: Buffer) {
  await page.goto("/backoffice/import");
  await page.getByLabel("Fichier CSV").setInputFiles({ name: "encours.csv", mimeType: "text/csv", buffer: file });
  await page.getByRole("button", { name: "Voir l'aperçu" }).click();
  await expect(page.getByRole("heading", { name: /Aperçu de « encours.csv »/ })).toBeVisible({ timeout: 60_000 });
}

test("staff import a book with bad lines: preview, confirm, progress, the error report, and a second import changes nothing", async ({ page }) => {
  test.setTimeout(240_000);
  const file = bookCsv();
  await signIn(page);
  await expect(page.getByRole("heading", { name: "Importer des factures" })).toBeVisible();
  await expect(page.getByRole("cell", { name: /ref_client/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "Télécharger le modèle CSV" })).toBeVisible();

  await previewAndConfirm(page, file);
  await expect(page.getByTestId("count-created")).toHaveText(String(ROWS - 2));
  await expect(page.getByTestId("count-errors")).toHaveText("2");
  const issues = page.getByTestId("issues");
  await expect(issues.getByRole("row")).toHaveCount(3);
  await expect(issues.getByRole("row").nth(1)).toContainText("3");
  await expect(issues.getByRole("row").nth(1)).toContainText("montant");
  await expect(issues.getByRole("row").nth(1)).toContainText("positif");
  await expect(issues.getByRole("row").nth(2)).toContainText("date_facture");
  await expectAccessible(page);

  await page.getByRole("button", { name: "Confirmer l'import" }).click();
  await expect(page.getByRole("progressbar")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Import terminé" })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("count-created")).toHaveText(String(ROWS - 2));
  await expect(page.getByTestId("count-errors")).toHaveText("2");

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Télécharger le rapport complet (CSV)" }).click();
  const report = readFileSync((await (await downloading).path())!, "utf-8");
  expect(report).toContain('"3";"Montant";"refusée";"Le montant doit être positif');
  expect(report).toContain('"5";"Date de facture";"refusée"');

  // The same file again: every invoice unchanged, nothing new, the same two refusals.
  await previewAndConfirm(page, file);
  await expect(page.getByTestId("count-created")).toHaveText("0");
  await expect(page.getByTestId("count-updated")).toHaveText("0");
  await expect(page.getByTestId("count-unchanged")).toHaveText(String(ROWS - 2));
  await page.getByRole("button", { name: "Confirmer l'import" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Import terminé" })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("count-created")).toHaveText("0");
  await expect(page.getByTestId("count-unchanged")).toHaveText(String(ROWS - 2));
  await expect(page.getByTestId("import-history-row")).toHaveCount(2);
});
