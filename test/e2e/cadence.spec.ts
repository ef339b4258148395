import { expect, test, type Page } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { DEMO_LOGIN } from "../../db/seed";
import { cadencePolicies, cadenceSteps, debtors } from "../../db/tables";
import { dryRun } from "../../app/services/shared/dry-run.server";
import { withDb } from "./support/helpers";
import { expectAccessible } from "./support/agreements";
import { E2E_NOW, E2E_TODAY } from "./support/env";
import { first } from "../../db/client";

const MERCIER = "Fromagerie Mercier";
const INVOICE = "F-2026-0060";

async function signIn(page: Page) {
  await page.goto("/backoffice/login");
  await page.getByLabel("Adresse e-mail").fill(DEMO_LOGIN.email);
  await page.getByLabel("Mot de passe").fill(DEMO_LOGIN.password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  // scrypt at OWASP cost on a busy machine: sign-in may take a few seconds.
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible({ timeout: 15_000 });
}

/** The day the dry-run (read from the test side) plans Mercier's first reminder of this invoice. */
async function firstReminderDay(debtorId: number): Promise<string | undefined> {
  return (await withDb(async (db) => dryRun(db, { from: E2E_TODAY, to: "2026-12-20", debtorId })))
    .filter((r) => r.at >= new Date(E2E_NOW))
    .find((r) => r.what === "first_reminder" && r.invoices.includes(INVOICE))
    ?.when.slice(0, 10);
}

const goodPayerFirstReminder = async () =>
  withDb(async (db) => {
    const policy = first(await db.select().from(cadencePolicies).where(eq(cadencePolicies.segment, "good_payer")))!;
    return first(
      await db
        .select()
        .from(cadenceSteps)
        .where(and(eq(cadenceSteps.policyId, policy.id), eq(cadenceSteps.kind, "first_reminder"))),
    )!;
  });

let original: { id: number; offsetDays: number } | undefined;

// The journeys share one database: the policy goes back to what the others expect.
test.afterAll(async () => {
  if (original) await withDb(async (db) => await db.update(cadenceSteps).set({ offsetDays: original!.offsetDays }).where(eq(cadenceSteps.id, original!.id)));
});

test("staff change a step's offset, preview a message in English and see the calendar move", async ({ page }) => {
  const mercierId = await withDb(async (db) => first(await db.select().from(debtors).where(eq(debtors.name, MERCIER)))!.id);
  original = await goodPayerFirstReminder();
  const before = (await firstReminderDay(mercierId))!;
  expect(before).toBeTruthy();

  await signIn(page);
  await page.goto(`/backoffice/cadence/calendar?debtorId=${mercierId}`);
  await expect(page.getByRole("heading", { name: "Calendrier des 30 prochains jours" })).toBeVisible();
  await expect(page.getByTestId(`day-${before}`).getByTestId("calendar-item").filter({ hasText: INVOICE }).filter({ hasText: "première relance" })).toBeVisible();

  // Good payers get their first reminder later: D+18 instead of D+10.
  await page.getByRole("navigation", { name: "Fil d'Ariane" }).getByRole("link", { name: "Relances et modèles" }).click();
  const policy = page.getByTestId(/^policy-/).filter({ has: page.getByRole("heading", { name: "Bons payeurs" }) });
  const offset = policy.getByLabel("Délai en jours, ligne 2 — Bons payeurs", { exact: true });
  await expect(offset).toHaveValue("10");
  await expectAccessible(page);
  // Bad input first: a reminder must come after the pre-reminder and before the second reminder.
  await offset.fill("25");
  await policy.getByRole("button", { name: "Enregistrer la politique Bons payeurs" }).click();
  await expect(policy.getByRole("alert").filter({ hasText: "Doit venir après l'étape précédente (première relance à J+25)" })).toBeVisible();
  expect((await goodPayerFirstReminder()).offsetDays).toBe(10);
  await policy.getByLabel("Délai en jours, ligne 2 — Bons payeurs", { exact: true }).fill("18");
  await policy.getByRole("button", { name: "Enregistrer la politique Bons payeurs" }).click();
  await expect(page.getByRole("status")).toHaveText("Politique enregistrée : la relance l'applique dès son prochain passage.");
  expect((await goodPayerFirstReminder()).offsetDays).toBe(18);

  // The English preview of the first reminder, with a real English-speaking customer.
  await page.getByRole("link", { name: "Aperçu des messages" }).click();
  await expect(page.getByRole("heading", { name: "Aperçu des messages", level: 1 })).toBeVisible();
  await page.getByLabel("Client", { exact: true }).selectOption({ label: "Thames Interiors Ltd" });
  await page.getByLabel("Langue", { exact: true }).selectOption("en");
  await page.getByRole("button", { name: "Afficher l'aperçu" }).click();
  await expect(page.getByTestId("preview-subject")).toHaveText(/^Atelier Durand: reminder about/);
  const email = page.frameLocator('iframe[title="Aperçu de l\'e-mail"]');
  await expect(email.getByText("Hello Thames Interiors Ltd,")).toBeVisible();
  await expect(email.getByRole("link", { name: "Pay or suggest a solution" })).toBeVisible();
  await expect(page.locator('iframe[title="Aperçu de l\'e-mail"]')).toHaveAttribute("sandbox", "");

  await page.getByLabel("Canal", { exact: true }).selectOption("sms");
  await page.getByRole("button", { name: "Afficher l'aperçu" }).click();
  await expect(page.getByTestId("preview-sms")).toContainText("Reply STOP to opt out");
  await expect(page.getByTestId("preview-segments")).toContainText("segment");

  // The calendar now plans that first reminder later.
  const after = (await firstReminderDay(mercierId))!;
  expect(after > before).toBe(true);
  await page.goto(`/backoffice/cadence/calendar?debtorId=${mercierId}`);
  await expect(page.getByRole("heading", { name: "Calendrier des 30 prochains jours" })).toBeVisible();
  await expect(page.getByTestId(`day-${before}`).getByTestId("calendar-item").filter({ hasText: INVOICE }).filter({ hasText: "première relance" })).toHaveCount(0);
  await expect(page.getByTestId(`day-${after}`).getByTestId("calendar-item").filter({ hasText: INVOICE }).filter({ hasText: "première relance" })).toBeVisible();
  await expectAccessible(page);
});
