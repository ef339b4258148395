import { expect, test } from "@playwright/test";
import { and, eq } from "drizzle-orm";
import { devOutbox, promises, timelineEvents } from "../../db/tables";
import { dryRun } from "../../app/services/shared/dry-run.server";
import { runJobOnce, withDb } from "./support/helpers";
import { E2E_TODAY } from "./support/env";
import { expectAccessible, openPortalFromOutbox } from "./support/agreements";

test("a debtor promises a payment date from a reminder, and the cadence waits for it", async ({ page }) => {
  runJobOnce();
  const debtorId = await openPortalFromOutbox(page, "direction@hotel-du-parc.fr");
  await expectAccessible(page);
  await page.getByRole("link", { name: "M'engager sur une date de paiement" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "M'engager sur une date de paiement" })).toBeVisible();
  // Every open invoice is chosen unless the debtor unticks it.
  await expect(page.getByRole("checkbox")).toHaveCount(2);
  for (const box of await page.getByRole("checkbox").all()) await expect(box).toBeChecked();
  await expectAccessible(page);

  // A date beyond the creditor's limit: the message sits next to the field, which gets the focus.
  const date = page.getByLabel("Date de paiement");
  await date.fill("2026-12-31");
  await page.getByRole("button", { name: "Vérifier mon engagement" }).click();
  await expect(page.locator("#date-error")).toHaveText(/ne peut pas dépasser le 20 décembre 2026 \(30 jours au plus\)/);
  await expect(date).toHaveAttribute("aria-invalid", "true");
  await expect(date).toBeFocused();
  await expect(date).toHaveAccessibleDescription(/ne peut pas dépasser le 20 décembre 2026/);
  await expectAccessible(page);
  expect(await withDb(async (db) => await db.select().from(promises).where(eq(promises.debtorId, debtorId)))).toEqual([]);

  // A good date: the confirmation shows the commitment word for word and what follows, with dates.
  await date.fill("2026-12-04");
  await page.getByRole("button", { name: "Vérifier mon engagement" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Confirmez votre engagement" })).toBeVisible();
  const acknowledgment = page.getByTestId("acknowledgment");
  await expect(acknowledgment).toContainText("je m'engage à payer");
  await expect(acknowledgment).toContainText("au plus tard le 4 décembre 2026");
  await expect(page.getByTestId("what-next")).toContainText("Les relances sur ces factures sont suspendues jusqu'au 7 décembre 2026 inclus.");
  await expectAccessible(page);
  const shown = await acknowledgment.textContent();
  await page.getByRole("button", { name: "Je confirme mon engagement" }).click();

  // Back home: the commitment in force, and a confirmation on its way.
  await expect(page).toHaveURL(/\/portal\?done=promise$/);
  await expect(page.getByRole("status")).toHaveText(/Votre engagement est enregistré/);
  await expect(page.getByTestId("commitments").getByRole("listitem")).toHaveCount(2);
  await expect(page.getByTestId("commitments")).toContainText("au plus tard le 4 décembre 2026");
  // And in the history of promises and plans, with its state.
  await expect(page.getByTestId("commitment-history").getByText(/: en cours jusqu'au 4 décembre 2026\.$/)).toHaveCount(2);
  await expectAccessible(page);

  const stored = await withDb(async (db) => await db.select().from(promises).where(eq(promises.debtorId, debtorId)));
  expect(stored).toHaveLength(2);
  expect(stored.every((p) => p.acknowledgmentText === shown && p.promisedDate === "2026-12-04" && p.linkId !== null)).toBe(true);
  expect(
    await withDb(
      async (db) =>
        await db
          .select()
          .from(timelineEvents)
          .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "promise.made"))),
    ),
  ).toHaveLength(1);
  const notice = await withDb(async (db) => (await db.select().from(devOutbox).where(eq(devOutbox.toAddress, "direction@hotel-du-parc.fr"))).at(-1)!);
  expect(notice.text).toContain("Votre engagement de paiement est enregistré");

  // The cadence, replayed on the e2e database: nothing until the promised date + grace, then the promise breaks.
  const coming = await withDb(async (db) => dryRun(db, { from: E2E_TODAY, to: "2026-12-20", debtorId }));
  expect(coming.filter((row) => row.when < "2026-12-08")).toEqual([]);
  expect(coming.filter((row) => row.what === "promise_broken")).toHaveLength(2);
  expect(coming.some((row) => row.what.includes("broken_promise") && row.channel === "email")).toBe(true);
  expect(coming.some((row) => row.channel !== "-" && row.when >= "2026-12-08")).toBe(true);
});
