import { expect, test, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { and, eq } from "drizzle-orm";
import { DEMO_LOGIN } from "../../db/seed";
import { cadencePauses, debtors, devOutbox, installmentPlanInvoices, installmentPlans, installments, invoices, paymentClaims } from "../../db/tables";
import { withDb } from "./support/helpers";
import { E2E_NOW } from "./support/env";
import { first, one } from "../../db/client";

/** A debtor's first open invoice, by name (fixtures for what the portal journeys create for real). */
async function openInvoiceOf(name: string) {
  return withDb(async (db) => {
    const debtor = first(await db.select().from(debtors).where(eq(debtors.name, name)))!;
    const invoice = first(
      await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, debtor.id), eq(invoices.status, "open"))),
    )!;
    return { debtor, invoice };
  });
}

async function signIn(page: Page) {
  await page.goto("/backoffice/login");
  await page.getByLabel("Adresse e-mail").fill(DEMO_LOGIN.email);
  await page.getByLabel("Mot de passe").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible();
}

test("staff clear the review queue: accept a plan, refuse a payment claim with a reason, and each debtor is told", async ({ page }) => {
  const plan = await openInvoiceOf("Librairie La Page");
  const claim = await openInvoiceOf("Salon Coiffure Élégance");
  await withDb(async (db) => {
    const row = one(
      await db.insert(installmentPlans).values({ debtorId: plan.debtor.id, totalCents: plan.invoice.balanceCents, currency: "EUR", status: "pending_review" }).returning(),
    );
    await db.insert(installmentPlanInvoices).values({ planId: row.id, invoiceId: plan.invoice.id });
    const half = Math.floor(plan.invoice.balanceCents / 2);
    await db.insert(installments).values([
      { planId: row.id, position: 1, dueDate: "2026-12-10", amountCents: plan.invoice.balanceCents - half },
      { planId: row.id, position: 2, dueDate: "2027-01-10", amountCents: half },
    ]);
    await db.insert(paymentClaims).values({
      debtorId: claim.debtor.id,
      invoiceId: claim.invoice.id,
      paidOn: "2026-11-17",
      amountCents: claim.invoice.balanceCents,
      method: "transfer",
      reference: "VIR-SALON",
    });
    await db.insert(cadencePauses).values({ debtorId: claim.debtor.id, invoiceId: claim.invoice.id, reason: "payment_claimed", startsAt: new Date(E2E_NOW), owner: "staff" });
  });

  await signIn(page);
  await page.getByRole("link", { name: /À décider \(\d+\)/ }).click();
  await expect(page.getByRole("heading", { name: "À décider" })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);

  // One line per decision; opening one shows its facts and its decisions in place.
  const planRow = page.getByTestId("plan-review").filter({ hasText: "Librairie La Page" });
  await planRow.getByRole("link", { name: /^Ouvrir/ }).click();
  const planCard = page.getByRole("region", { name: "Échéancier de Librairie La Page" });
  await expect(planCard.getByRole("listitem")).toHaveCount(2);
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await planCard.getByRole("button", { name: "Accepter" }).click();
  await expect(page.getByTestId("plan-review").filter({ hasText: "Librairie La Page" })).toHaveCount(0);

  // After a decision the next one opens by itself; otherwise staff open it.
  const claimCard = page.getByRole("region", { name: "« Déjà payé » de Salon Coiffure Élégance" });
  if (!(await claimCard.isVisible()))
    await page
      .getByTestId("claim-review")
      .filter({ hasText: "Salon Coiffure Élégance" })
      .getByRole("link", { name: /^Ouvrir/ })
      .click();
  await expect(claimCard).toContainText("référence VIR-SALON");
  // No reason: the message says why, next to the field, and nothing changes.
  await claimCard.getByRole("button", { name: "Paiement introuvable" }).click();
  await expect(claimCard.getByRole("alert")).toHaveText("Expliquez en quelques mots : le client lira ce motif.");
  await claimCard.getByLabel("Motif (lu par le client)").fill("Aucun virement reçu sur notre compte à ce jour");
  await claimCard.getByRole("button", { name: "Paiement introuvable" }).click();
  await expect(page.getByTestId("claim-review").filter({ hasText: "Salon Coiffure Élégance" })).toHaveCount(0);

  // Each debtor got their answer; the cadence reads the new states.
  const outbox = await withDb(async (db) => await db.select().from(devOutbox));
  expect(outbox.some((m) => m.toAddress === "librairie@lapage.fr" && m.subject?.includes("Votre échéancier est accepté"))).toBe(true);
  expect(outbox.some((m) => m.toAddress === "salon.elegance@gmail.com" && m.text.includes("Aucun virement reçu sur notre compte à ce jour"))).toBe(true);
  await withDb(async (db) => {
    expect(first(await db.select().from(installmentPlans).where(eq(installmentPlans.debtorId, plan.debtor.id)))!.status).toBe("accepted");
    expect(first(await db.select().from(cadencePauses).where(eq(cadencePauses.invoiceId, claim.invoice.id)))!.resolvedAt).not.toBeNull();
  });

  // The debtor file shows the decision on the timeline.
  await page.goto(`/backoffice/debtors/${plan.debtor.id}`);
  await expect(page.getByTestId("timeline-event").filter({ hasText: "Décision sur l'échéancier" })).toContainText("Accepté, par");
});
