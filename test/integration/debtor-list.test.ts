import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import * as list from "~/routes/backoffice.debtors._index";
import { creditors, debtors, invoices, promises, staffUsers } from "../../db/tables";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
type Page = Awaited<ReturnType<typeof list.loader>>;
let cookie: string;

const load = async (search = "", as = cookie) =>
  (await list.loader({ request: new Request(`${BASE}/backoffice/debtors${search}`, { headers: { Cookie: as } }), params: {}, context: {} })) as Page;
const names = (page: Page) => page.debtors.map((d) => d.name);

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  cookie = (await signInStaff(getDb(), DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  // Seeding and two scrypt hashes: slow on a shared machine.
}, 60_000);

describe("the debtor list", () => {
  it("lists the creditor's debtors by amount overdue, with what each owes, how late and the state", async () => {
    const db = getDb();
    const creditorId = first(await db.select().from(staffUsers))!.creditorId;
    const all = await load();
    expect(all.total).toBe(
      first(
        await db
          .select({ n: sql<number>`count(*)`.mapWith(Number) })
          .from(debtors)
          .where(eq(debtors.creditorId, creditorId)),
      )!.n,
    );
    expect(all.debtors).toHaveLength(25);
    expect(all.pages).toBe(2);
    const euros = (label: string) => Number(label.replace(/[^\d,-]/g, "").replace(",", "."));
    const overdue = all.debtors.map((d) => euros(d.overdue));
    expect(overdue).toEqual([...overdue].sort((a, b) => b - a));
    // The first row's figures against the invoices themselves.
    const top = all.debtors[0]!;
    const open = await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, top.id), eq(invoices.status, "open")));
    expect(Math.round(euros(top.owed) * 100)).toBe(open.reduce((s, i) => s + i.balanceCents, 0));
    const oldest = open
      .filter((i) => i.dueDate < "2026-11-20")
      .map((i) => i.dueDate)
      .sort()[0]!;
    expect(top.daysLate).toBe(Math.round((Date.parse("2026-11-20") - Date.parse(oldest)) / 86_400_000));
    expect(top.state).toBe("overdue");
    const second = await load("?page=2");
    expect(second.debtors.length).toBe(all.total - 25);
    expect(new Set([...names(all), ...names(second)]).size).toBe(all.total);
  });

  it("finds a debtor by name, SIREN typed with spaces, invoice number or external reference", async () => {
    const db = getDb();
    const target = first(await db.select().from(debtors).where(eq(debtors.name, "Boulangerie Martin"))) ?? first(await db.select().from(debtors))!;
    await db.update(debtors).set({ siren: "523456789" }).where(eq(debtors.id, target.id));
    const invoice = first(await db.select().from(invoices).where(eq(invoices.debtorId, target.id)))!;
    // Part of an invoice number lists its debtor; the whole number opens the file (the shell's search).
    for (const q of [target.name.slice(2, 9).toLowerCase(), "523 456 789", invoice.number.slice(0, -1), invoice.externalRef!, target.externalRef!]) {
      const page = await load(`?q=${encodeURIComponent(q)}`);
      expect(
        page.debtors.map((d) => d.id),
        q,
      ).toContain(target.id);
      expect(page.total, q).toBeLessThan(30);
    }
    // LIKE wildcards typed in the box are matched literally.
    expect((await load("?q=%25")).total).toBe(0);
    expect((await load("?q=_")).total).toBe(0);
  });

  it("filters overdue, paused and litigation debtors", async () => {
    const db = getDb();
    const overdue = await load("?filtre=overdue");
    expect(overdue.debtors.every((d) => /[1-9]/.test(d.overdue) && d.daysLate > 0)).toBe(true);
    expect(overdue.total).toBeLessThan((await load()).total);

    const promised = first(await db.select().from(invoices).where(eq(invoices.status, "open")))!;
    await db.insert(promises).values({ debtorId: promised.debtorId, invoiceId: promised.id, promisedDate: "2026-12-01", source: "staff" });
    const escalated = first(
      await db
        .select()
        .from(debtors)
        .where(sql`${debtors.id} <> ${promised.debtorId}`),
    )!;
    await db
      .update(debtors)
      .set({ escalatedAt: new Date(NOW) })
      .where(eq(debtors.id, escalated.id));

    const paused = await load("?filtre=paused");
    expect(paused.debtors.map((d) => d.id)).toContain(promised.debtorId);
    expect(paused.debtors.find((d) => d.id === promised.debtorId)!.state).toBe("paused");
    const litigation = await load("?filtre=litigation");
    expect(litigation.debtors.map((d) => [d.id, d.state])).toEqual([[escalated.id, "litigation"]]);
    // Filter and search together.
    expect((await load(`?filtre=litigation&q=${encodeURIComponent(escalated.name)}`)).total).toBe(1);
    expect((await load(`?filtre=litigation&q=${encodeURIComponent("zzz-nobody")}`)).total).toBe(0);
  });

  it("shows nothing of another creditor's debtors, even searched by their exact name", async () => {
    const db = getDb();
    const other = one(await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue", postalCode: "75001", city: "Paris", email: "a@b.fr" }).returning());
    const stranger = one(await db.insert(debtors).values({ creditorId: other.id, kind: "business", name: "Client Secret d'un autre", siren: "999888777" }).returning());
    await db.insert(invoices).values({
      creditorId: other.id,
      debtorId: stranger.id,
      number: "SECRET-1",
      amountCents: 99_999_00,
      balanceCents: 99_999_00,
      issueDate: "2026-01-01",
      dueDate: "2026-01-31",
      paymentTermsDays: 30,
    });
    for (const q of ["Client Secret", "999888777", "SECRET-1"]) expect((await load(`?q=${encodeURIComponent(q)}`)).total, q).toBe(0);
    expect(names(await load()).includes(stranger.name)).toBe(false);
  });

  it("falls back to sensible defaults on a hand-typed URL, and to the last page past the end", async () => {
    const odd = await load("?filtre=nimporte&page=-3&q=" + "x".repeat(500));
    expect(odd).toMatchObject({ filter: "all", page: 1, q: "" });
    const far = await load("?page=99");
    expect(far.page).toBe(far.pages);
    expect(far.debtors.length).toBeGreaterThan(0);
  });

  it("sends a visitor without a staff session to the sign-in page", async () => {
    const response = await list.loader({ request: new Request(`${BASE}/backoffice/debtors`), params: {}, context: {} }).catch((r: Response) => r);
    expect((response as Response).status).toBe(302);
    expect((response as Response).headers.get("Location")).toBe("/backoffice/login");
  });
});
