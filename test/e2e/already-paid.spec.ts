import { expect, test } from "@playwright/test";
import { and, eq, isNull } from "drizzle-orm";
import { cadencePauses, devOutbox, invoices, paymentClaims } from "../../db/tables";
import { dryRun } from "../../app/services/shared/dry-run.server";
import { runJobOnce, withDb } from "./support/helpers";
import { E2E_TODAY } from "./support/env";
import { expectAccessible, openPortalFromOutbox } from "./support/agreements";
import { first } from "../../db/client";

test("a debtor says an invoice is already paid, with a proof; it is held for staff to check", async ({ page }) => {
  runJobOnce();
  const debtorId = await openPortalFromOutbox(page, "ap@biotech-confluence.fr");
  const invoice = await withDb(async (db) =>
    first(
      await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")))
        .orderBy(invoices.dueDate),
    )!,
  );

  await page.getByRole("link", { name: "J'ai déjà payé" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "J'ai déjà payé" })).toBeVisible();
  await expectAccessible(page);

  // Paid "tomorrow": refused next to the field, nothing recorded.
  await page.getByLabel(`Facture ${invoice.number}`).check();
  await page.getByLabel("Date du paiement").fill("2026-11-21");
  await page.getByLabel("Montant payé (€)").fill((invoice.balanceCents / 100).toFixed(2).replace(".", ","));
  await page.getByLabel("Moyen de paiement").selectOption("transfer");
  await page.getByRole("button", { name: "Vérifier mon paiement" }).click();
  await expect(page.locator("#paidOn-error")).toHaveText("Indiquez la date du paiement (aujourd'hui ou avant).");
  await expect(page.getByLabel("Date du paiement")).toBeFocused();
  await expectAccessible(page);
  expect(await withDb(async (db) => await db.select().from(paymentClaims).where(eq(paymentClaims.debtorId, debtorId)))).toEqual([]);

  await page.getByLabel("Date du paiement").fill("2026-11-16");
  await page.getByLabel("Référence (facultatif)").fill("VIREMENT BIOTECH 1611");
  await page
    .getByLabel("Justificatif (recommandé)")
    .setInputFiles({ name: "avis.png", mimeType: "image/png", buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]) });
  await page.getByRole("button", { name: "Vérifier mon paiement" }).click();

  // The review says what happens next; nothing is recorded before the confirmation (M2).
  await expect(page.getByRole("heading", { level: 1, name: "Vérifiez votre paiement" })).toBeFocused();
  await expect(page.getByText("avis.png")).toBeVisible();
  await expect(page.getByTestId("what-next")).toContainText(`En attendant, les relances sont suspendues pour la facture ${invoice.number}.`);
  await expectAccessible(page);
  expect(await withDb(async (db) => await db.select().from(paymentClaims).where(eq(paymentClaims.debtorId, debtorId)))).toEqual([]);
  await page.getByRole("button", { name: "Je confirme avoir payé" }).click();
  await expect(page).toHaveURL(/\/portal\?done=paid$/);
  await expect(page.getByRole("status")).toHaveText(/nous vérifions votre paiement/);

  await withDb(async (db) => {
    expect((await db.select().from(paymentClaims).where(eq(paymentClaims.debtorId, debtorId))).map((c) => [c.invoiceId, c.paidOn, c.reference, c.proofName])).toEqual([
      [invoice.id, "2026-11-16", "VIREMENT BIOTECH 1611", "avis.png"],
    ]);
    expect(
      first(
        await db
          .select()
          .from(cadencePauses)
          .where(and(eq(cadencePauses.invoiceId, invoice.id), isNull(cadencePauses.resolvedAt))),
      )?.reason,
    ).toBe("payment_claimed");
    expect((await db.select().from(devOutbox).where(eq(devOutbox.toAddress, "ap@biotech-confluence.fr"))).some((m) => m.subject?.includes("Nous vérifions votre paiement"))).toBe(
      true,
    );
  });
  // Held for staff: no reminder about it for as long as nobody decides.
  const coming = await withDb(async (db) => dryRun(db, { from: E2E_TODAY, to: "2027-01-31", debtorId }));
  expect(coming.flatMap((row) => row.invoices)).not.toContain(invoice.number);
});
