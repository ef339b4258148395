import { expect, test } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { disputeFiles, disputes, invoices, timelineEvents } from "../../db/tables";
import { dryRun } from "../../app/services/shared/dry-run.server";
import { runJobOnce, withDb } from "./support/helpers";
import { E2E_TODAY } from "./support/env";
import { expectAccessible, openPortalFromOutbox } from "./support/agreements";
import { verifyWithCode } from "./support/secure";

const PDF = Buffer.from("%PDF-1.7\n% bon de livraison\n");

test("a debtor disputes one invoice with a document; only that invoice stops being chased", async ({ page }) => {
  runJobOnce();
  const debtorId = await openPortalFromOutbox(page, "accueil@veto-saint-jean.fr");
  const open = await withDb(
    async (db) =>
      await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")))
        .orderBy(invoices.dueDate),
  );
  expect(open.length).toBeGreaterThan(1);
  const [disputed, other] = open as [(typeof open)[number], (typeof open)[number]];

  // Stopping collection needs the code sent to a contact on file (M20).
  await page.getByRole("link", { name: "Contester une facture" }).click();
  await verifyWithCode(page, "accueil@veto-saint-jean.fr");
  await expect(page.getByRole("heading", { level: 1, name: "Contester une facture" })).toBeVisible();
  await expectAccessible(page);

  // A page renamed .pdf is refused by its content, next to the field; nothing is recorded.
  await page.getByLabel(`Facture ${disputed.number}`).check();
  await page.getByLabel("Marchandise ou prestation non reçue").check();
  await page.getByLabel("Votre message").fill("Le vaccin commandé n'a jamais été livré au cabinet.");
  await page.getByLabel("Pièces jointes (facultatif)").setInputFiles({ name: "livraison.pdf", mimeType: "application/pdf", buffer: Buffer.from("<html>not a pdf</html>") });
  await page.getByRole("button", { name: "Vérifier ma contestation" }).click();
  const files = page.getByLabel("Pièces jointes (facultatif)");
  await expect(page.locator("#files-error")).toHaveText("« livraison.pdf » n'est ni un PDF, ni une image PNG ou JPEG.");
  await expect(files).toHaveAttribute("aria-invalid", "true");
  await expect(files).toBeFocused();
  await expectAccessible(page);
  expect(await withDb(async (db) => await db.select().from(disputes).where(eq(disputes.debtorId, debtorId)))).toEqual([]);

  // The real document, then the review: what happens to each invoice, with dates; still nothing recorded.
  await files.setInputFiles({ name: "livraison.pdf", mimeType: "application/pdf", buffer: PDF });
  await page.getByRole("button", { name: "Vérifier ma contestation" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Vérifiez votre contestation" })).toBeFocused();
  await expect(page.getByText("livraison.pdf")).toBeVisible();
  const next = page.getByTestId("what-next");
  await expect(next).toContainText(`Les relances sont suspendues pour ${disputed.number}`);
  await expect(next).toContainText(new RegExp(`La facture ${other.number} garde son calendrier : prochain rappel le \\d{1,2} \\S+ 2026`));
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await expectAccessible(page);
  expect(await withDb(async (db) => await db.select().from(disputes).where(eq(disputes.debtorId, debtorId)))).toEqual([]);
  await page.getByRole("button", { name: "Je confirme ma contestation" }).click();
  await expect(page).toHaveURL(/\/portal\?done=dispute$/);
  await expect(page.getByRole("status")).toHaveText(/Votre contestation est enregistrée/);

  await withDb(async (db) => {
    const rows = await db.select().from(disputes).where(eq(disputes.debtorId, debtorId));
    expect(rows.map((d) => [d.invoiceId, d.reason, d.status])).toEqual([[disputed.id, "not_received", "open"]]);
    expect((await db.select().from(disputeFiles).where(eq(disputeFiles.disputeId, rows[0]!.id))).map((f) => f.originalName)).toEqual(["livraison.pdf"]);
    expect(
      await db
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "dispute.opened"))),
    ).toHaveLength(1);
  });

  // The cadence: the disputed invoice is in no message of the coming month; the other one still is.
  const coming = await withDb(async (db) => dryRun(db, { from: E2E_TODAY, to: "2026-12-31", debtorId }));
  const chased = coming.flatMap((row) => row.invoices);
  expect(chased).not.toContain(disputed.number);
  expect(chased).toContain(other.number);
});
