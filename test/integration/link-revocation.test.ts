import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { databaseDigest } from "../support/digest";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import * as landing from "~/routes/l.$token";
import * as portalHome from "~/routes/portal._index";
import * as debtorFile from "~/routes/backoffice.debtors.$debtorId";
import * as review from "~/routes/backoffice.review";
import * as dashboard from "~/routes/backoffice._index";
import { creditors, debtorLinks, debtors, disputes, invoices, refusedWebhooks, staffUsers, timelineEvents } from "../../db/tables";
import { args, outcome, staffCsrf } from "../support/routes";
import { first, one } from "../../db/client";

/** Item 9: staff revoke a debtor's links (and so their sessions); a cancelled invoice revokes the links only it carried. */
const BASE = "http://localhost:4310";
const NOW = new Date("2026-11-20T09:00:00Z");

let cookie: string;
let readOnlyCookie: string;

const post = (path: string, fields: Record<string, string>, as = cookie) =>
  new Request(`${BASE}${path}`, { method: "POST", headers: { Origin: BASE, Cookie: as }, body: new URLSearchParams({ csrf: staffCsrf(as), ...fields }) });

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

/** A debtor with at least two open invoices, as the seed has several. */
async function debtorWithTwoOpenInvoices() {
  const db = getDb();
  const row = first(
    await db
      .select({ id: debtors.id })
      .from(debtors)
      .where(
        sql`(select count(*) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open') >= 2 and not exists (select 1 from debtor_links l where l.debtor_id = ${debtors.id} and l.revoked_at is null)`,
      ),
  )!;
  const open = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, row.id), eq(invoices.status, "open")))
    .orderBy(invoices.id);
  return { debtorId: row.id, open };
}

async function issue(debtorId: number, invoiceIds: number[]) {
  const db = getDb();
  const link = await insertLink(db as never, getEnv(), { debtorId, invoiceIds, channel: "email", sentTo: "compta@example.fr", now: NOW });
  return { link, token: await signLink(getEnv(), link) };
}

/** Exchanges a link for a portal session, as the debtor's browser does; null when the link is refused. */
async function openSession(token: string): Promise<string | null> {
  const response = (await outcome(() =>
    landing.action(args(new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), { token })),
  )) as Response;
  return response.status === 303 ? response.headers.get("Set-Cookie")!.split(";")[0]! : null;
}

async function portalStatus(session: string): Promise<number> {
  const result = await outcome(() => portalHome.loader(args(new Request(`${BASE}/portal`, { headers: { Cookie: session } }))));
  return result instanceof Response ? result.status : 200;
}

describe("Révoquer les liens, from the debtor file", () => {
  it("ends every session opened with the debtor's links, refuses the links themselves, and says so on the timeline", async () => {
    const { debtorId, open } = await debtorWithTwoOpenInvoices();
    const initial = await issue(debtorId, [open[0]!.id]);
    const second = await issue(debtorId, [open[1]!.id]);
    const sessions = [await openSession(initial.token), await openSession(second.token)];
    expect(sessions.every(Boolean)).toBe(true);
    for (const s of sessions) expect(await portalStatus(s!)).toBe(200);

    const done = (await outcome(() => debtorFile.action(args(post(`/backoffice/debtors/${debtorId}`, { intent: "revoke-links" }), { debtorId: String(debtorId) })))) as Response;
    expect(done.status).toBe(303);
    expect(done.headers.get("Location")).toBe(`/backoffice/debtors/${debtorId}?liens=revoques`);

    for (const s of sessions) expect(await portalStatus(s!)).not.toBe(200);
    expect(await openSession(initial.token)).toBeNull();
    const db = getDb();
    expect((await db.select().from(debtorLinks).where(eq(debtorLinks.debtorId, debtorId))).every((l) => l.revokedAt !== null)).toBe(true);
    const logged = await db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "links.revoked")));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ actor: "staff", data: { revoked: 2 } });
    // A link sent afterwards works: the next reminders carry fresh links.
    expect(await openSession((await issue(debtorId, [open[0]!.id])).token)).not.toBeNull();
  });

  it("is refused to a read-only member (403) and to another creditor's debtor (404), changing nothing", async () => {
    const { debtorId, open } = await debtorWithTwoOpenInvoices();
    const session = await openSession((await issue(debtorId, [open[0]!.id])).token);
    const before = await databaseDigest(getDb());
    const readOnly = (await outcome(() =>
      debtorFile.action(args(post(`/backoffice/debtors/${debtorId}`, { intent: "revoke-links" }, readOnlyCookie), { debtorId: String(debtorId) })),
    )) as Response;
    expect(readOnly.status).toBe(403);
    const missing = (await outcome(() => debtorFile.action(args(post("/backoffice/debtors/999999", { intent: "revoke-links" }), { debtorId: "999999" })))) as Response;
    expect(missing.status).toBe(404);
    const crossSite = new Request(`${BASE}/backoffice/debtors/${debtorId}`, {
      method: "POST",
      headers: { Origin: "https://evil.example", Cookie: cookie },
      body: new URLSearchParams({ intent: "revoke-links" }),
    });
    expect(((await outcome(() => debtorFile.action(args(crossSite, { debtorId: String(debtorId) })))) as Response).status).toBe(403);
    expect(await databaseDigest(getDb())).toEqual(before);
    expect(await portalStatus(session!)).toBe(200);
  });
});

describe("a cancelled invoice", () => {
  it("revokes the links sent only about it, and keeps those that also carry an invoice still owed", async () => {
    const { debtorId, open } = await debtorWithTwoOpenInvoices();
    const [cancelled, kept] = [open[0]!, open[1]!];
    const onlyIt = await issue(debtorId, [cancelled.id]);
    const both = await issue(debtorId, [cancelled.id, kept.id]);
    const onlyItSession = await openSession(onlyIt.token);
    const bothSession = await openSession(both.token);
    const dispute = one(await getDb().insert(disputes).values({ debtorId, invoiceId: cancelled.id, reason: "amount", message: "Facture en double" }).returning());

    const decided = (await outcome(() =>
      review.action(args(post("/backoffice/review", { intent: "dispute-founded", id: String(dispute.id), resolution: "cancelled" }))),
    )) as Response;
    expect(decided.status).toBe(303);
    expect(first(await getDb().select().from(invoices).where(eq(invoices.id, cancelled.id)))!.status).toBe("cancelled");

    expect(await portalStatus(onlyItSession!)).not.toBe(200);
    expect(await openSession(onlyIt.token)).toBeNull();
    expect(await portalStatus(bothSession!)).toBe(200);
    expect(first(await getDb().select().from(debtorLinks).where(eq(debtorLinks.id, onlyIt.link.id)))!.revokedReason).toBe("invoice cancelled");
  });

  it("a credit note that leaves something to pay revokes nothing", async () => {
    const { debtorId, open } = await debtorWithTwoOpenInvoices();
    const invoice = open[0]!;
    const link = await issue(debtorId, [invoice.id]);
    const dispute = one(await getDb().insert(disputes).values({ debtorId, invoiceId: invoice.id, reason: "amount", message: "Remise oubliée" }).returning());
    const decided = (await outcome(() =>
      review.action(args(post("/backoffice/review", { intent: "dispute-founded", id: String(dispute.id), resolution: "credit_note", amount: "10" }))),
    )) as Response;
    expect(decided.status).toBe(303);
    expect(first(await getDb().select().from(debtorLinks).where(eq(debtorLinks.id, link.link.id)))!.revokedAt).toBeNull();
  });
});

describe("the dashboard", () => {
  it("tells staff about Stripe events refused for their mode: this creditor's and unattributed ones, not another creditor's", async () => {
    const db = getDb();
    const load = async () => (await dashboard.loader(args(new Request(`${BASE}/backoffice`, { headers: { Cookie: cookie } })))) as Awaited<ReturnType<typeof dashboard.loader>>;
    expect((await load()).refusedWebhooks).toBeNull();
    const other = one(await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue", postalCode: "75001", city: "Paris", email: "a@b.fr" }).returning());
    await db
      .insert(refusedWebhooks)
      .values({ provider: "stripe", providerEventId: "evt_other", type: "checkout.session.completed", reason: "livemode_mismatch", creditorId: other.id, receivedAt: NOW });
    expect((await load()).refusedWebhooks).toBeNull();
    await db
      .insert(refusedWebhooks)
      .values({ provider: "stripe", providerEventId: "evt_unattributed", type: "charge.refunded", reason: "livemode_mismatch", creditorId: null, receivedAt: NOW });
    expect((await load()).refusedWebhooks).toEqual({ count: 1, lastAt: NOW.toISOString() });
  });
});
