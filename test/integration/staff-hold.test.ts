import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, isNull } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { dryRun } from "~/services/shared/dry-run.server";
import * as debtorFile from "~/routes/backoffice.debtors.$debtorId";
import { cadencePauses, debtors, staffUsers, timelineEvents } from "../../db/tables";
import { args, outcome, staffCsrf } from "../support/routes";
import { first } from "../../db/client";

/** Issue 15, item 7: staff suspend a debtor's reminders, always until a date, with a reason; and resume them. */
const BASE = "http://localhost:4310";
const NOW = new Date("2026-11-20T09:00:00Z");
let cookie: string;
let readOnlyCookie: string;

const post = (debtorId: number, fields: Record<string, string>, as = cookie) =>
  new Request(`${BASE}/backoffice/debtors/${debtorId}`, { method: "POST", headers: { Origin: BASE, Cookie: as }, body: new URLSearchParams({ csrf: staffCsrf(as), ...fields }) });
const act = (debtorId: number, fields: Record<string, string>, as = cookie) => outcome(() => debtorFile.action(args(post(debtorId, fields, as), { debtorId: String(debtorId) })));
const file = (debtorId: number) => debtorFile.loader(args(new Request(`${BASE}/backoffice/debtors/${debtorId}`, { headers: { Cookie: cookie } }), { debtorId: String(debtorId) }));
const plannedDays = async (debtorId: number) => (await dryRun(getDb(), { from: "2026-11-20", to: "2026-12-31", debtorId })).map((r) => r.when.slice(0, 10));

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  const hash = await hashPassword(DEMO_LOGIN.password);
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: hash });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW.toISOString();
  resetEnvCache();
  closeDb();
  const db = getDb();
  const creditorId = first(await db.select().from(staffUsers))!.creditorId;
  await db.insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only", passwordHash: hash });
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, NOW))!.split(";")[0]!;
  readOnlyCookie = (await signInStaff(db, "lecture@atelier-durand.fr", DEMO_LOGIN.password, NOW))!.split(";")[0]!;
});

/** A debtor the cadence will contact before mid-December if nothing changes. */
async function chasedDebtor(): Promise<number> {
  let id: number | undefined;
  for (const debtor of await getDb().select({ id: debtors.id }).from(debtors)) {
    if ((await plannedDays(debtor.id)).some((day) => day <= "2026-12-10")) {
      id = debtor.id;
      break;
    }
  }
  expect(id, "the demo book has a debtor with a contact due soon").toBeDefined();
  return id!;
}

describe("a staff hold on a debtor's reminders", () => {
  it("suspends every reminder until the date given, included, then the cadence goes on; resuming ends it at once", async () => {
    const debtorId = await chasedDebtor();
    const response = (await act(debtorId, { intent: "hold", reason: "Rendez-vous avec le gérant le 10", until: "2026-12-10" })) as Response;
    expect(response.status).toBe(303);

    const page = await file(debtorId);
    expect(page.hold).toEqual({ until: "10 décembre 2026", reason: "Rendez-vous avec le gérant le 10" });
    const held = await plannedDays(debtorId);
    expect(held.filter((day) => day <= "2026-12-10")).toEqual([]);
    expect(
      held.some((day) => day > "2026-12-10"),
      "reminders resume after the end date by themselves",
    ).toBe(true);
    expect(page.timeline[0]).toMatchObject({ type: "pause.staff_hold", actor: "staff" });
    expect(page.timeline[0]!.description).toMatch(/^Jusqu'au 10 décembre 2026, motif « Rendez-vous avec le gérant le 10 », par .+\.$/);

    // A new date replaces the running hold: one end date at a time.
    await act(debtorId, { intent: "hold", reason: "Report du rendez-vous", until: "2026-12-15" });
    expect(
      await getDb()
        .select()
        .from(cadencePauses)
        .where(and(eq(cadencePauses.debtorId, debtorId), eq(cadencePauses.reason, "staff_hold"), isNull(cadencePauses.resolvedAt))),
    ).toHaveLength(1);

    expect(((await act(debtorId, { intent: "resume" })) as Response).status).toBe(303);
    expect((await file(debtorId)).hold).toBeNull();
    expect((await plannedDays(debtorId)).some((day) => day <= "2026-12-10")).toBe(true);
    expect(
      await getDb()
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "pause.staff_hold_lifted"))),
    ).toHaveLength(1);
  });

  it("refuses a hold without a reason, without an end, in the past or beyond 90 days, saying which; a read-only member cannot hold", async () => {
    const debtorId = await chasedDebtor();
    const errorsOf = async (fields: Record<string, string>) => {
      const result = (await act(debtorId, { intent: "hold", ...fields })) as { data: { holdErrors: Record<string, string> }; init: { status: number } };
      expect(result.init.status).toBe(400);
      return result.data.holdErrors;
    };
    expect(await errorsOf({ reason: "", until: "2026-12-01" })).toEqual({ reason: "Indiquez pourquoi les relances sont suspendues (3 caractères au moins)." });
    expect(await errorsOf({ reason: "Litige commercial", until: "" })).toEqual({ until: "Indiquez jusqu'à quelle date suspendre les relances." });
    expect((await errorsOf({ reason: "Litige commercial", until: "2026-11-19" })).until).toBe("Choisissez une date entre aujourd'hui et le 18 février 2027 (90 jours au plus).");
    expect((await errorsOf({ reason: "Litige commercial", until: "2027-02-19" })).until).toMatch(/90 jours au plus/);
    const refused = (await act(debtorId, { intent: "hold", reason: "Litige commercial", until: "2026-12-01" }, readOnlyCookie)) as Response;
    expect(refused.status).toBe(403);
    expect((await file(debtorId)).hold).toBeNull();
  });
});
