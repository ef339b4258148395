import { expect, test, type Page, type TestInfo } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { and, eq, inArray } from "drizzle-orm";
import { DEMO_LOGIN } from "../../db/seed";
import { callTasks, cadencePauses, debtors, installmentPlanInvoices, installmentPlans, installments, invoices, letters } from "../../db/tables";
import { withDb } from "./support/helpers";
import { E2E_NOW } from "./support/env";
import { first, one } from "../../db/client";

/**
 * Issue 16, item 6: a morning of collection work, at 1280 px on a desk and at 360 px on a phone:
 * sign in, decide a plan, take three calls, post a letter, pause a debtor. Axe checks every page;
 * a screenshot of each is kept in test-results/screenshots.
 */
const widths = [
  {
    name: "desk",
    viewport: { width: 1280, height: 900 },
    debtors: ["Pharmacie Centrale", "Transports Girard", "Hôtel du Parc", "Cabinet Lefèvre Architectes", "Garage des Alpes SAS"],
  },
  {
    name: "phone",
    viewport: { width: 360, height: 740 },
    debtors: ["Crèche Les Petits Pas", "Domaine Viticole Perrin", "SCI Les Terrasses", "Agence Horizon Immobilier", "Auto-École Conduite Plus"],
  },
] as const;

// Debtors no other journey uses: the first called one is paused, which would change another journey's cadence.
/** Work waiting for this morning: a plan to decide, three calls, a letter to post (fixtures for what the job and the portal make). */
async function prepareMorning(names: readonly string[]) {
  return withDb(async (db) => {
    const found = await db
      .select()
      .from(debtors)
      .where(inArray(debtors.name, [...names]));
    const byName = (name: string) => found.find((d) => d.name === name)!;
    const [planner, ...called] = names.slice(0, 4).map(byName);
    const invoice = first(
      await db
        .select()
        .from(invoices)
        .where(and(eq(invoices.debtorId, planner!.id), eq(invoices.status, "open"))),
    )!;
    const plan = one(await db.insert(installmentPlans).values({ debtorId: planner!.id, totalCents: invoice.balanceCents, currency: "EUR", status: "pending_review" }).returning());
    await db.insert(installmentPlanInvoices).values({ planId: plan.id, invoiceId: invoice.id });
    const half = Math.floor(invoice.balanceCents / 2);
    await db.insert(installments).values([
      { planId: plan.id, position: 1, dueDate: "2026-12-10", amountCents: invoice.balanceCents - half },
      { planId: plan.id, position: 2, dueDate: "2027-01-10", amountCents: half },
    ]);
    for (const debtor of called)
      await db
        .insert(callTasks)
        .values({ creditorId: debtor!.creditorId, debtorId: debtor!.id, reason: "Deuxième relance restée sans réponse", dueAt: new Date("2026-11-20T07:00:00Z") });
    const letterFor = byName(names[4]!);
    await db.insert(letters).values({
      creditorId: letterFor.creditorId,
      debtorId: letterFor.id,
      kind: "formal_notice",
      pdfPath: "letters/matin.pdf",
      pdfSha256: "0".repeat(64),
      createdAt: new Date("2026-11-16T09:00:00Z"),
    });
    return { planner: planner!, called: called.map((d) => d!), letterFor };
  });
}

async function check(page: Page, info: TestInfo, name: string, width: string) {
  expect((await new AxeBuilder({ page }).analyze()).violations, name).toEqual([]);
  await page.screenshot({ path: `test-results/screenshots/${width}-${name}.png`, fullPage: true });
  info.annotations.push({ type: "screenshot", description: `test-results/screenshots/${width}-${name}.png` });
}

/** A section of the shell: at 360 px its links sit behind the menu. */
async function open(page: Page, section: RegExp) {
  const shell = page.getByRole("navigation", { name: "Navigation principale" });
  const link = shell.getByRole("link", { name: section });
  if (!(await link.isVisible())) await shell.getByText("Menu").click();
  await link.click();
}

for (const width of widths) {
  test.describe(`a morning's work at ${width.viewport.width} px`, () => {
    test.use({ viewport: width.viewport });

    test(`sign in, decide a plan, take three calls, post a letter, pause a debtor (${width.name})`, async ({ page }, info) => {
      const morning = await prepareMorning(width.debtors);

      await page.goto("/backoffice/login");
      await check(page, info, "login", width.name);
      await page.getByLabel("Adresse e-mail").fill(DEMO_LOGIN.email);
      await page.getByLabel("Mot de passe").fill(DEMO_LOGIN.password);
      await page.getByRole("button", { name: "Se connecter" }).click();
      await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible({ timeout: 20_000 });
      await expect(page.getByTestId("cash-chart").getByRole("img", { name: /Encaissé par semaine/ })).toBeVisible();
      await expect(page.getByTestId("dso-chart").getByRole("img", { name: /DSO à la fin de chaque mois/ })).toBeVisible();
      await check(page, info, "dashboard", width.name);

      // The plan: opened in place from the list of decisions, accepted.
      await open(page, /^À décider/);
      await expect(page.getByRole("heading", { name: "À décider" })).toBeVisible();
      await check(page, info, "review-queue", width.name);
      await page
        .getByTestId("plan-review")
        .filter({ hasText: morning.planner.name })
        .getByRole("link", { name: /^Ouvrir/ })
        .click();
      const plan = page.getByRole("region", { name: `Échéancier de ${morning.planner.name}` });
      await expect(plan.getByRole("listitem")).toHaveCount(2);
      await check(page, info, "review-queue-open", width.name);
      await plan.getByRole("button", { name: "Accepter" }).click();
      await expect(page.getByTestId("plan-review").filter({ hasText: morning.planner.name })).toHaveCount(0);
      expect(await withDb(async (db) => (await db.select().from(installmentPlans).where(eq(installmentPlans.debtorId, morning.planner.id))).map((p) => p.status))).toContain(
        "accepted",
      );

      // Three calls, one after the other: saving opens the next one.
      await open(page, /^Appels/);
      await expect(page.getByRole("heading", { name: "Appels à passer" })).toBeVisible();
      await page.getByLabel("Client, téléphone ou motif").fill("Deuxième relance restée sans réponse");
      await page.getByRole("button", { name: "Filtrer" }).click();
      await expect(page.getByTestId("call-task")).toHaveCount(3);
      await check(page, info, "calls", width.name);
      // From the keyboard: j, j then k come back to the first row, Enter opens it.
      await page.locator("body").press("j");
      await page.keyboard.press("j");
      await page.keyboard.press("k");
      await page.keyboard.press("Enter");
      for (let taken = 0; taken < 3; taken++) {
        const opened = page.locator(".row-detail");
        await expect(opened).toHaveCount(1);
        if (taken === 0) await check(page, info, "calls-open", width.name);
        await opened.getByLabel("Pas de réponse").check();
        await opened.getByLabel("Note").fill(`Appel ${taken + 1} du matin`);
        await opened.getByRole("button", { name: /^Enregistrer/ }).click();
        await expect(page.getByTestId("call-task")).toHaveCount(2 - taken);
      }
      const done = await withDb(
        async (db) =>
          await db
            .select()
            .from(callTasks)
            .where(
              and(
                inArray(
                  callTasks.debtorId,
                  morning.called.map((d) => d.id),
                ),
                eq(callTasks.reason, "Deuxième relance restée sans réponse"),
              ),
            ),
      );
      expect(done.map((t) => t.status)).toEqual(["done", "done", "done"]);

      // The letter left by registered mail.
      await open(page, /^Courriers à poster/);
      await expect(page.getByRole("heading", { name: "Courriers à poster" })).toBeVisible();
      const letter = page.getByTestId("letter").filter({ hasText: morning.letterFor.name });
      await expect(letter).toContainText("en retard");
      await check(page, info, "letters", width.name);
      await letter.getByRole("link", { name: /^Ouvrir/ }).click();
      // Escape, from the field that took the focus, closes the row; it opens again with the link.
      await expect(page.getByLabel("Numéro du recommandé")).toBeFocused();
      await page.keyboard.press("Escape");
      await expect(page.locator(".row-detail")).toHaveCount(0);
      await letter.getByRole("link", { name: /^Ouvrir/ }).click();
      await page.getByLabel("Numéro du recommandé").fill("1A23456789012");
      await page.getByRole("button", { name: "Marquer comme posté" }).click();
      await expect(page.getByTestId("letter").filter({ hasText: morning.letterFor.name })).toHaveCount(0);

      // A debtor paused for a fortnight from the list.
      await open(page, /^Débiteurs/);
      await page.getByLabel("Rechercher un client", { exact: true }).fill(morning.called[0]!.name);
      await page.getByRole("main").getByRole("button", { name: "Rechercher" }).click();
      await expect(page.getByTestId("debtor-row")).toHaveCount(1);
      await check(page, info, "debtors", width.name);
      // x ticks the row the keyboard is on.
      await page.locator("body").press("j");
      await page.keyboard.press("x");
      await expect(page.getByLabel(`Sélectionner ${morning.called[0]!.name}`)).toBeChecked();
      await page.getByLabel("Motif").fill("Rendez-vous avec le gérant");
      await page.getByLabel("Jusqu'au (inclus)").fill("2026-12-04");
      await page.getByRole("button", { name: "Suspendre les relances des clients cochés" }).click();
      await expect(page.getByRole("status").filter({ hasText: "Relances suspendues pour 1 client" })).toBeVisible();
      const held = await withDb(
        async (db) =>
          await db
            .select()
            .from(cadencePauses)
            .where(and(eq(cadencePauses.debtorId, morning.called[0]!.id), eq(cadencePauses.reason, "staff_hold"))),
      );
      expect(held).toHaveLength(1);
      expect(held[0]!.startsAt.getTime()).toBe(new Date(E2E_NOW).getTime());

      // The cadence editor draws its ladder, and redraws it as a step moves.
      await open(page, /^Relances et modèles/);
      const ladder = page.getByTestId("cadence-ladder").first();
      await expect(ladder.getByRole("img", { name: /Échelle de relance/ })).toBeVisible();
      await check(page, info, "cadence-editor", width.name);
      const firstOffset = page.getByLabel(/^Délai en jours, ligne 1/).first();
      await firstOffset.fill("-9");
      await expect(ladder.getByRole("listitem").first()).toContainText("J-9");
    });
  });
}
