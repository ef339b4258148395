import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { and, eq } from "drizzle-orm";
import { debtorContacts, debtors, invoices } from "../../db/tables";
import { withDb } from "./support/helpers";
import { MARTIN_EMAIL, enterPortal, verifyWithCode } from "./support/secure";
import { first } from "../../db/client";

test("a forwarded link shows invoices; documents and contact changes need a code sent to the contact on file", async ({ page }) => {
  await enterPortal(page);
  const debtorId = await withDb(async (db) => first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, MARTIN_EMAIL)))!.debtorId);
  const open = await withDb(
    async (db) =>
      await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open"))),
  );

  // Documents first ask which contact on file gets the code, masked.
  await page.getByRole("link", { name: "Factures PDF et relevé de compte" }).click();
  await expect(page.getByRole("heading", { name: "Confirmez que ce lien est bien le vôtre" })).toBeVisible();
  await expect(page.getByLabel("Par e-mail à c***@b***.fr")).toBeChecked();
  await expect(page.getByLabel("Par SMS au +33 6 ** ** ** 01")).toBeVisible();
  await expect(page.getByText(MARTIN_EMAIL)).toHaveCount(0);

  // A wrong code says how many tries are left.
  await page.getByRole("button", { name: "Recevoir le code" }).click();
  await page.getByLabel("Code à 6 chiffres").fill("12345");
  await page.getByRole("button", { name: "Valider le code" }).click();
  await expect(page.getByRole("alert")).toHaveText("Saisissez les 6 chiffres du code reçu, sans espace.");

  await verifyWithCode(page);
  await expect(page).toHaveURL(/\/portal\/documents$/);
  await expect(page.getByRole("heading", { name: "Vos documents" })).toBeVisible();

  // The invoice copy downloads as a PDF named after its number.
  const invoice = open[0]!;
  const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: `Facture ${invoice.number} (PDF)` }).click()]);
  expect(pdf.suggestedFilename()).toBe(`facture-${invoice.number}.pdf`);
  expect(
    readFileSync((await pdf.path())!)
      .subarray(0, 5)
      .toString(),
  ).toBe("%PDF-");

  const [statement] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Télécharger le relevé (PDF)" }).click()]);
  expect(statement.suggestedFilename()).toBe("releve-2026-11-20.pdf");
  expect(
    readFileSync((await statement.path())!)
      .subarray(0, 5)
      .toString(),
  ).toBe("%PDF-");

  // Contact preferences: preferred channel and purchase-order number, reviewed then confirmed.
  await page.goto("/portal/contact");
  await expect(page.getByRole("heading", { name: "Vos coordonnées et préférences" })).toBeVisible();
  await page.getByLabel("SMS").check();
  await page.getByLabel("Numéro de bon de commande à rappeler").fill("BC-2026-118");
  await page.getByRole("button", { name: "Vérifier les changements" }).click();
  await expect(page.getByRole("heading", { name: "Vos changements" })).toBeVisible();
  await expect(page.getByText("Moyen de contact préféré : SMS.")).toBeVisible();
  await page.getByRole("button", { name: "Confirmer les changements" }).click();
  await expect(page.getByRole("status")).toContainText("Vos changements sont enregistrés");
  expect(await withDb(async (db) => first(await db.select().from(debtors).where(eq(debtors.id, debtorId))))).toMatchObject({
    preferredChannel: "sms",
    purchaseOrderRef: "BC-2026-118",
  });

  // The language switch, from any portal page, and back.
  await page.getByLabel("Langue").selectOption("en");
  await page.getByRole("button", { name: "Changer de langue" }).click();
  await expect(page).toHaveURL(/\/portal\/contact$/);
  await expect(page.getByRole("heading", { name: "Your contact details and preferences" })).toBeVisible();
  await page.getByLabel("Language").selectOption("fr");
  await page.getByRole("button", { name: "Change language" }).click();
  await expect(page.getByRole("heading", { name: "Vos coordonnées et préférences" })).toBeVisible();
});
