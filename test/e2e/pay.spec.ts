import { AxeBuilder } from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { outboundMessageInvoices, outboundMessages } from "../../db/tables";
import { runJobOnce, withDb } from "./support/helpers";
import { invoiceById, martin, openPortalFromOutbox, plannedFor } from "./support/pay";

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

test("a debtor pays one invoice by card from a reminder; the reminders stop for it and the thank-you is planned", async ({ page }) => {
  await openPortalFromOutbox(page);
  const { debtorId, open } = await martin();
  expect(open.length).toBeGreaterThanOrEqual(2);
  const [paid, kept] = open;

  await page.getByRole("link", { name: "Payer par carte ou virement" }).click();
  await expect(page).toHaveURL(/\/portal\/pay$/);
  await expect(page.getByRole("heading", { level: 1, name: "Régler vos factures" })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // A typed amount above the balance is refused next to its field, and nothing starts.
  await page.getByLabel(`Montant à payer sur la facture ${paid!.number} (en euros)`).fill("999999");
  await page.getByRole("button", { name: "Continuer vers le paiement sécurisé" }).click();
  const amountField = page.getByLabel(`Montant à payer sur la facture ${paid!.number} (en euros)`);
  await expect(amountField).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator(`#amount-${paid!.id}-error`)).toContainText("Le montant ne peut pas dépasser le reste à payer");
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // Only the first invoice, in full.
  await amountField.fill("");
  await page.getByRole("checkbox", { name: new RegExp(`Facture ${kept!.number}`) }).uncheck();
  await page.getByRole("button", { name: "Continuer vers le paiement sécurisé" }).click();

  // The development checkout stands in for Stripe's page.
  // Found by a random session id, never by the sequential row id.
  await expect(page).toHaveURL(/\/dev\/checkout\/dev_cs_[\w-]{22}$/);
  await expect(page.getByText(`Invoice ${paid!.number}`)).toBeVisible();
  await page.getByRole("button", { name: /^Pay / }).click();

  // Back on the portal: recorded by the same code as Stripe's webhook.
  await expect(page).toHaveURL(/\/portal\/pay\/done\?checkout=\d+/);
  await expect(page.getByRole("heading", { level: 1, name: "Merci pour votre paiement" })).toBeVisible();
  await expect(page.getByText(`Facture ${paid!.number} :`)).toContainText("soldée");
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  expect(await invoiceById(paid!.id)).toMatchObject({ status: "paid", balanceCents: 0 });

  await page.getByRole("link", { name: "Retour à vos factures" }).click();
  await expect(page.getByTestId("invoice")).toHaveCount(open.length - 1);
  await expect(page.getByTestId("invoice").getByText(paid!.number, { exact: true })).toHaveCount(0);
  await expect(page.getByTestId("invoice").getByText(kept!.number, { exact: true })).toBeVisible();
  // It moves to the settled invoices, paid today by card, with its receipt.
  const settled = page.getByTestId("settled-invoice").filter({ hasText: paid!.number });
  await expect(settled).toContainText(/Réglée le .+ par carte/);
  await expect(settled.getByRole("link", { name: new RegExp(`^Reçu du paiement du .+, facture ${paid!.number} \\(PDF\\)$`) })).toBeVisible();

  // The next job pass thanks for the paid invoice; the cadence has nothing more for it, and goes on for the other.
  runJobOnce("2026-11-20T10:00:00Z");
  const thanked = await withDb(
    async (db) =>
      await db
        .select({ invoiceId: outboundMessageInvoices.invoiceId })
        .from(outboundMessages)
        .innerJoin(outboundMessageInvoices, eq(outboundMessageInvoices.messageId, outboundMessages.id))
        .where(and(eq(outboundMessages.debtorId, debtorId), eq(outboundMessages.step, "thank_you"))),
  );
  expect(thanked).toEqual([{ invoiceId: paid!.id }]);
  const planned = await plannedFor(debtorId, "2026-11-21", "2027-01-31");
  expect(planned.filter((row) => row.invoices.includes(paid!.number))).toEqual([]);
  expect(planned.some((row) => row.invoices.includes(kept!.number))).toBe(true);
});

test.describe("bank transfer", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("the transfer details are shown as text and copied exactly", async ({ page }) => {
    await openPortalFromOutbox(page);
    const { open } = await martin();
    await page.goto("/portal/pay");
    const transfer = page.getByRole("region", { name: "Payer par virement" });
    await expect(transfer.getByTestId("transfer-holder")).toContainText("Atelier Durand SARL");
    await expect(transfer.getByTestId("transfer-iban")).toContainText("FR76 3000 4000 0312 3456 7890 143");
    await expect(transfer.getByTestId("transfer-bic")).toContainText("BNPAFRPPXXX");
    const reference = open.map((i) => i.number).join(" ");
    await expect(transfer.getByTestId("transfer-reference")).toContainText(reference);

    const copied = async (label: string) => {
      await transfer.getByRole("button", { name: `Copier : ${label}` }).click();
      return nbsp(await page.evaluate(() => navigator.clipboard.readText()));
    };
    expect(await copied("IBAN")).toBe("FR7630004000031234567890143");
    await expect(transfer.getByTestId("transfer-iban").getByRole("status")).toHaveText("Copié");
    expect(await copied("BIC")).toBe("BNPAFRPPXXX");
    expect(await copied("Titulaire du compte")).toBe("Atelier Durand SARL");
    expect(await copied("Référence à indiquer")).toBe(reference);
  });
});
