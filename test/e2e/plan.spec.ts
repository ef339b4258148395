import { expect, test } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { installmentPlans, installments, timelineEvents } from "../../db/tables";
import { dryRun } from "../../app/services/shared/dry-run.server";
import { runJobOnce, withDb } from "./support/helpers";
import { E2E_TODAY } from "./support/env";
import { expectAccessible, openPortalFromOutbox } from "./support/agreements";
import { verifyWithCode } from "./support/secure";

test("a debtor proposes a plan inside the creditor's rules: accepted at once, reminders before each installment only", async ({ page }) => {
  runJobOnce();
  const debtorId = await openPortalFromOutbox(page, "fournisseurs@rhoneprint.fr");
  // A plan pauses escalation for months: the code sent to a contact on file comes first (M20).
  await page.getByRole("link", { name: "Proposer un échéancier" }).click();
  await verifyWithCode(page, "fournisseurs@rhoneprint.fr");
  await expect(page.getByRole("heading", { level: 1, name: "Proposer un échéancier" })).toBeVisible();
  await expectAccessible(page);

  // Too many installments for the policy's 6 months: the message is next to the field.
  const monthly = page.getByRole("form", { name: "Des mensualités égales" });
  const count = monthly.getByLabel("Nombre de mensualités");
  await count.fill("8");
  await monthly.getByLabel("Date de la première mensualité").fill("2026-12-01");
  await monthly.getByRole("button", { name: "Voir l'échéancier" }).click();
  await expect(page.locator("#count-error")).toHaveText(/6 mois au plus\) : 6 mensualités au plus avec cette date de départ/);
  await expect(count).toBeFocused();
  await expect(count).toHaveAccessibleDescription(/6 mensualités au plus/);
  await expectAccessible(page);

  await count.fill("3");
  await monthly.getByRole("button", { name: "Voir l'échéancier" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Confirmez votre proposition d'échéancier" })).toBeVisible();
  await expect(page.getByTestId("schedule").locator("tbody tr")).toHaveCount(3);
  await expect(page.getByTestId("schedule")).toContainText("1 décembre 2026");
  await expect(page.getByTestId("decision")).toHaveText(/accepté immédiatement/);
  await expect(page.getByTestId("what-next")).toContainText("Rappels prévus : 30 novembre 2026, 29 décembre 2026, 29 janvier 2027.");
  await expectAccessible(page);

  // Sending without acknowledging the debt is refused next to the box.
  await page.getByRole("button", { name: "Envoyer ma proposition" }).click();
  const box = page.getByRole("checkbox", { name: /Je reconnais cette dette/ });
  await expect(page.locator("#acknowledge-error")).toHaveText(/Cochez la case/);
  await expect(box).toBeFocused();
  await expectAccessible(page);
  expect(await withDb(async (db) => await db.select().from(installmentPlans).where(eq(installmentPlans.debtorId, debtorId)))).toEqual([]);

  const shown = await page.getByTestId("acknowledgment").textContent();
  await box.check();
  await page.getByRole("button", { name: "Envoyer ma proposition" }).click();
  await expect(page).toHaveURL(/\/portal\?done=plan$/);
  await expect(page.getByRole("status")).toHaveText(/proposition d'échéancier est enregistrée/);
  const inForce = page.getByTestId("commitments");
  await expect(inForce).toContainText("Échéancier accepté.");
  await expect(inForce.locator("tbody tr")).toHaveCount(3);
  await expectAccessible(page);

  // The plan page now shows the plan instead of the form.
  await page.goto("/portal/plan");
  await expect(page.getByRole("heading", { level: 1, name: "Votre échéancier" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Voir l'échéancier" })).toHaveCount(0);
  await expectAccessible(page);

  const plan = await withDb(async (db) => await db.select().from(installmentPlans).where(eq(installmentPlans.debtorId, debtorId)));
  expect(plan).toHaveLength(1);
  expect(plan[0]).toMatchObject({ status: "accepted", acknowledgmentText: shown });
  const rows = await withDb(async (db) => await db.select().from(installments).where(eq(installments.planId, plan[0]!.id)));
  expect(rows.reduce((sum, r) => sum + r.amountCents, 0)).toBe(plan[0]!.totalCents);
  const events = await withDb(
    async (db) =>
      await db
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "plan.proposed"))),
  );
  expect(events.map((e) => e.data.status)).toEqual(["accepted"]);

  // The cadence on the e2e database: only the reminder 3 days before the first installment.
  const coming = await withDb(async (db) => dryRun(db, { from: E2E_TODAY, to: "2026-12-03", debtorId }));
  expect(coming.map((row) => [row.what, row.when.slice(0, 10)])).toEqual([["installment_reminder", "2026-11-30"]]); // 28 November is a Saturday: e-mails go on business days only
});
