import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { freshDb, databaseEnv, openTestDatabase } from "../support/db";
import { testEnv } from "../support/env";
import { databaseDigest as digest } from "../support/digest";
import { loadEcbTable, loadLegalRates } from "~/models/published-rates.server";
import { computeLatePenalties } from "~/domain/penalties";
import { penaltyRateFloor } from "~/domain/legal-interest-rates";

const tsx = join(process.cwd(), "node_modules/.bin/tsx");
const business = { debtorKind: "business", rateMode: "ecb_plus_10", contractRateBp: null, indemnityEnabled: true } as const;

// Each case starts tsx in a child process, which takes seconds on a loaded two-core machine.
describe("npm run rates:add", { timeout: 60_000 }, () => {
  const run = (path: string, args: string[]) => spawnSync(tsx, ["scripts/rates-add.ts", ...args], { env: { ...process.env, ...testEnv(databaseEnv(path)) }, encoding: "utf8" });

  it("records a newly published rate with its source; penalties and the floor then use it", async () => {
    const { db, path } = freshDb();
    const before = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2026-06-30", asOf: "2026-07-10", terms: business, ...(await ecbOf(db)) });
    expect(before.unpublishedFrom).toBe("2026-07-01");

    const ecb = run(path, ["--kind", "ecb", "--from", "2026-07-01", "--rate", "2.15", "--source", "ECB, rates unchanged at the June 2026 meeting"]);
    expect(ecb.status, ecb.stderr).toBe(0);
    const legal = run(path, ["--kind", "legal", "--from", "2026-07-01", "--rate", "3.00", "--source", "Arrêté de juin 2026, JO"]);
    expect(legal.status, legal.stderr).toBe(0);

    const fresh = openTestDatabase(path);
    const after = computeLatePenalties({ principalCents: 1_000_000, dueDate: "2026-06-30", asOf: "2026-07-10", terms: business, ...(await ecbOf(fresh)) });
    expect(after.unpublishedFrom).toBeNull();
    expect(after.periods).toEqual([{ from: "2026-07-01", to: "2026-07-10", rateBp: 1215, days: 10, interestCents: 3_329 }]);
    expect(penaltyRateFloor("2026-09-01", await loadLegalRates(fresh))).toMatchObject({ published: true, floorBp: 900 });
  });

  it.each([
    [["--kind", "bce", "--from", "2026-07-01", "--rate", "2.15", "--source", "x"], /--kind must be "ecb"/],
    [["--kind", "ecb", "--from", "01/07/2026", "--rate", "2.15", "--source", "x"], /--from must be a date as YYYY-MM-DD/],
    [["--kind", "legal", "--from", "2026-08-01", "--rate", "3", "--source", "x"], /first day of its half-year/],
    [["--kind", "ecb", "--from", "2026-07-01", "--rate", "2,15", "--source", "x"], /--rate is a percentage/],
    [["--kind", "ecb", "--from", "2026-07-01", "--rate", "215", "--source", "x"], /above 20 %/],
    [["--kind", "ecb", "--from", "2026-07-01", "--rate", "2.15"], /--source is required/],
    [["--kind", "ecb", "--frm", "2026-07-01"], /Unknown option/],
  ])("refuses %j with a clear message and writes nothing", async (args, message) => {
    const { db, path } = freshDb();
    const tables = await digest(db);
    const result = run(path, args);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(await digest(openTestDatabase(path))).toEqual(tables);
  });

  it("never replaces a rate already stored for that date", async () => {
    const { path } = freshDb();
    expect(run(path, ["--kind", "ecb", "--from", "2026-07-01", "--rate", "2.15", "--source", "ECB"]).status).toBe(0);
    const again = run(path, ["--kind", "ecb", "--from", "2026-07-01", "--rate", "9.99", "--source", "typo"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already stored; nothing changed/);
    expect((await loadEcbTable(openTestDatabase(path))).rates.find((r) => r.effectiveFrom === "2026-07-01")?.rateBp).toBe(215);
  });
});

async function ecbOf(db: Parameters<typeof loadEcbTable>[0]) {
  const table = await loadEcbTable(db);
  return { ecbRates: table.rates, ecbConfirmedThrough: table.confirmedThrough };
}
