import { expect, test } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { cadencePauses, callTasks, debtorContacts, timelineEvents } from "../../db/tables";
import { runJobOnce, withDb } from "./support/helpers";
import { enterPortal } from "./support/secure";
import { expectAccessible } from "./support/agreements";
import { first } from "../../db/client";

const ADDRESS = "thomas@menuiserie-chevalier.fr";
/** The first slot offered on Friday 20 November at 10:00 (Paris): two hours later, at noon. */
const FIRST_SLOT = "2026-11-20T11:00:00.000Z";

test("a debtor asks to be called back from a reminder, and a call task waits for staff at the slot", async ({ page }) => {
  await enterPortal(page, ADDRESS);
  const debtorId = await withDb(async (db) => first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, ADDRESS)))!.debtorId);
  const pausesBefore = await withDb(async (db) => (await db.select().from(cadencePauses).where(eq(cadencePauses.debtorId, debtorId))).length);

  await page.getByRole("link", { name: "Être rappelé" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Être rappelé" })).toBeVisible();
  // Slots grouped by day on the debtor's clock, the phone on file masked and chosen by default.
  const friday = page.getByRole("group", { name: /vendredi 20 novembre/i });
  await expect(friday.getByRole("radio").first()).toHaveAccessibleName("12:00");
  await expect(page.getByRole("group", { name: /lundi 23 novembre/i }).getByRole("radio")).toHaveCount(20);
  await expect(page.getByLabel("Le numéro que nous avons : +33 6 ** ** ** 12")).toBeChecked();
  // Nothing wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await expectAccessible(page);

  // Wrong input first: no slot and a number too short; each message sits next to its field.
  await page.getByLabel("Un autre numéro").check();
  await page.getByLabel("Autre numéro", { exact: true }).fill("06 12 34");
  await page.getByRole("button", { name: "Vérifier ma demande" }).click();
  await expect(page.locator("#slot-error")).toHaveText("Choisissez un créneau.");
  await expect(page.locator("#phone-error")).toHaveText(/Ce numéro n'est pas valide/);
  await expect(page.getByRole("group", { name: "Quand pouvons-nous vous appeler ?" })).toBeFocused();
  await expect(page.getByLabel("Autre numéro", { exact: true })).toHaveAccessibleDescription(/Ce numéro n'est pas valide/);
  await expectAccessible(page);
  expect(await withDb(async (db) => await db.select().from(cadencePauses).where(eq(cadencePauses.debtorId, debtorId)))).toHaveLength(pausesBefore);

  // The first slot, the number on file, a word for the adviser.
  await page
    .getByRole("group", { name: /vendredi 20 novembre/i })
    .getByLabel("12:00")
    .check();
  await page.getByLabel("Le numéro que nous avons : +33 6 ** ** ** 12").check();
  await page.getByLabel(/Un mot pour le conseiller/).fill("Demandez Thomas, à l'atelier.");
  await page.getByRole("button", { name: "Vérifier ma demande" }).click();

  await expect(page.getByRole("heading", { level: 1, name: "Confirmez votre demande de rappel" })).toBeVisible();
  const next = page.getByTestId("what-next");
  await expect(next).toContainText("Nous vous appellerons le vendredi 20 novembre à 12:00, au +33 6 ** ** ** 12.");
  await expect(next).toContainText("Nos relances sont suspendues jusqu'à cet appel, le vendredi 20 novembre à 12:00.");
  await expect(next).toContainText("Si l'appel n'a pas pu avoir lieu, elles reprendront le 21 novembre 2026.");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Je confirme ma demande de rappel" }).click();

  await expect(page).toHaveURL(/\/portal\/callback\?done=/);
  await expect(page.getByRole("status")).toContainText("Votre demande est enregistrée : nous vous appellerons le vendredi 20 novembre à 12:00.");
  await expectAccessible(page);

  const pause = await withDb(
    async (db) =>
      await db
        .select()
        .from(cadencePauses)
        .where(and(eq(cadencePauses.debtorId, debtorId), eq(cadencePauses.callbackAt, new Date(FIRST_SLOT)))),
  );
  expect(pause).toHaveLength(1);
  expect(pause[0]).toMatchObject({ reason: "callback_requested", owner: "system", resolvedAt: null, note: "Demandez Thomas, à l'atelier." });
  expect(
    await withDb(
      async (db) =>
        (
          await db
            .select()
            .from(timelineEvents)
            .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "callback.requested")))
        ).length,
    ),
  ).toBeGreaterThanOrEqual(1);

  // The job, at the slot: a call task for staff, due at noon.
  runJobOnce(FIRST_SLOT);
  const tasks = await withDb(
    async (db) =>
      await db
        .select()
        .from(callTasks)
        .where(and(eq(callTasks.debtorId, debtorId), eq(callTasks.dueAt, new Date(FIRST_SLOT)))),
  );
  expect(tasks).toHaveLength(1);
  expect(tasks[0]).toMatchObject({ status: "open", reason: "Le client a demandé à être rappelé" });
});
