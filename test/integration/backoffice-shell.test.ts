import { beforeAll, describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { eq } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { countStaffWork } from "~/models/dashboard.server";
import { MEMBER_PAGE, SECTIONS } from "~/components/backoffice-shell";
import * as shell from "~/routes/backoffice";
import * as debtorList from "~/routes/backoffice.debtors._index";
import { invoices, staffUsers } from "../../db/tables";
import { args, outcome } from "../support/routes";
import { first } from "../../db/client";

/** Issue 16, item 1: the back office's shell, on every page of a signed-in member. */
const BASE = "http://localhost:4310";
const NOW = new Date("2026-11-20T09:00:00Z");
let cookie: string;
const get = (path: string, as?: string) => new Request(`${BASE}${path}`, { headers: as ? { Cookie: as } : {} });

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW.toISOString();
  resetEnvCache();
  closeDb();
  cookie = (await signInStaff(getDb(), DEMO_LOGIN.email, DEMO_LOGIN.password, NOW))!.split(";")[0]!;
});

describe("the back-office shell", () => {
  it("names the creditor and the member and counts what waits for a person, live; nothing before sign-in", async () => {
    const page = await shell.loader(args(get("/backoffice", cookie)));
    const member = first(await getDb().select().from(staffUsers).where(eq(staffUsers.email, DEMO_LOGIN.email)))!;
    expect(page).toMatchObject({ staffName: member.name, creditorName: "Atelier Durand SARL" });
    expect(page!.work).toEqual(await countStaffWork(getDb(), member.creditorId, NOW));
    expect(await shell.loader(args(get("/backoffice/login")))).toBeNull();
  });

  it("its search opens the debtor file at an invoice typed whole, and lists debtors for anything else", async () => {
    const invoice = first(await getDb().select().from(invoices))!;
    const jump = (await outcome(() => debtorList.loader(args(get(`/backoffice/debtors?q=${encodeURIComponent(invoice.number)}`, cookie))))) as Response;
    expect(jump.status).toBe(303);
    expect(jump.headers.get("Location")).toBe(`/backoffice/debtors/${invoice.debtorId}?facture=${invoice.id}`);
    const partial = await debtorList.loader(args(get(`/backoffice/debtors?q=${encodeURIComponent(invoice.number.slice(0, -1))}`, cookie)));
    expect(partial.total).toBeGreaterThan(0);
  });

  it("reaches every back-office section in one click, and every page declares its place in the trail", async () => {
    const pages = readdirSync("app/routes").filter((f) => /^backoffice\.[^.]+(\._index)?\.tsx$/.test(f) && !/login|logout|\$/.test(f));
    // The member's own password page is their name in the shell.
    const linked = new Set<string>([...SECTIONS.map((s) => s.to), MEMBER_PAGE]);
    for (const file of pages) expect(linked, file).toContain(`/backoffice/${file.replace(/^backoffice\.|(\._index)?\.tsx$/g, "").replace(/^_index$/, "")}`.replace(/\/$/, ""));
    for (const file of readdirSync("app/routes").filter((f) => /^backoffice\..+\.tsx$/.test(f) && !/login|logout|^backoffice\._index/.test(f))) {
      const route = (await import(`~/routes/${file.replace(/\.tsx$/, "")}`)) as { handle?: { breadcrumb?: unknown } };
      expect(route.handle?.breadcrumb, file).toBeDefined();
    }
  });
});
