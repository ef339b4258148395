import { beforeAll, describe, expect, it } from "vitest";
import type { ActionFunctionArgs } from "@remix-run/node";
import { and, eq } from "drizzle-orm";
import { freshDb } from "../support/db";
import { databaseDigest } from "../support/digest";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/passwords.server";
import { signInStaff } from "~/services/staff-auth.server";
import { insertLink, signLink } from "~/services/links.server";
import * as landing from "~/routes/l.$token";
import * as newLink from "~/routes/link.new";
import * as portal from "~/routes/portal._index";
import * as promise from "~/routes/portal.promise";
import * as plan from "~/routes/portal.plan";
import * as dispute from "~/routes/portal.dispute";
import * as alreadyPaid from "~/routes/portal.already-paid";
import * as callback from "~/routes/portal.callback";
import * as pay from "~/routes/portal.pay._index";
import * as contact from "~/routes/portal.contact";
import * as documents from "~/routes/portal.documents._index";
import * as language from "~/routes/portal.language";
import * as verify from "~/routes/portal.verify";
import * as login from "~/routes/backoffice.login";
import * as logout from "~/routes/backoffice.logout";
import * as calls from "~/routes/backoffice.calls";
import * as review from "~/routes/backoffice.review";
import * as lettersRoute from "~/routes/backoffice.letters";
import * as debtorFile from "~/routes/backoffice.debtors.$debtorId";
import { callTasks, debtorSessions, debtors, installmentPlans, invoices, letters } from "../../db/schema";
import { outcome } from "../support/routes";

/**
 * CSRF (M21) on every action of the portal and the back office: without our Origin (or
 * Sec-Fetch-Site: same-origin), or in the portal without this session's token, the form is refused
 * with 403 and nothing at all is written, rate-limit counters included.
 */
const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
type Action = (a: ActionFunctionArgs) => unknown;

const statusOf = (r: unknown) => (r instanceof Response ? r.status : ((r as { init?: { status?: number } } | undefined)?.init?.status ?? 200));

let staff: string;
let debtor: { cookie: string; csrf: string; other: { cookie: string; csrf: string } };
let ids: { debtorId: number; invoiceId: number; taskId: number; planId: number; letterId: number; token: string };

async function debtorSession(debtorId: number) {
  const env = getEnv();
  const link = insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) });
  const token = await signLink(env, link);
  const response = (await outcome(() => landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE } }), params: { token }, context: {} }))) as Response;
  const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
  getDb().update(debtorSessions).set({ stepUpAt: new Date(NOW) }).where(eq(debtorSessions.linkId, link.id)).run();
  const { csrf } = await portal.loader({ request: new Request(`${BASE}/portal`, { headers: { Cookie: cookie } }), params: {}, context: {} });
  return { cookie, csrf, token };
}

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  seedDemo(seedConn, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  process.env.DATABASE_PATH = path;
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  staff = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  const invoice = db.select().from(invoices).where(and(eq(invoices.status, "open"))).orderBy(invoices.dueDate).get()!;
  const creditorId = invoice.creditorId;
  const own = await debtorSession(invoice.debtorId);
  const otherDebtor = db.select().from(debtors).where(eq(debtors.creditorId, creditorId)).all().find((d) => d.id !== invoice.debtorId)!;
  const other = await debtorSession(otherDebtor.id);
  debtor = { cookie: own.cookie, csrf: own.csrf, other };
  const taskId = db.insert(callTasks).values({ creditorId, debtorId: invoice.debtorId, reason: "test", dueAt: new Date(NOW) }).returning().get().id;
  const planId = db.insert(installmentPlans).values({ debtorId: invoice.debtorId, totalCents: invoice.balanceCents, currency: "EUR", status: "pending_review" }).returning().get().id;
  const letterId = db.insert(letters).values({ creditorId, debtorId: invoice.debtorId, kind: "formal_notice", pdfPath: "/nonexistent.pdf", pdfSha256: "0".repeat(64) }).returning().get().id;
  ids = { debtorId: invoice.debtorId, invoiceId: invoice.id, taskId, planId, letterId, token: own.token };
}, 60_000);

type Case = { name: string; action: Action; path: string; params?: Record<string, string>; fields: () => Record<string, string>; as: "debtor" | "staff" | "anyone" };

const portalCases = (): Case[] => {
  const invoice = String(ids.invoiceId);
  return [
    { name: "promise", action: promise.action, path: "/portal/promise", fields: () => ({ invoice, date: "2026-12-01", intent: "confirm", ack: "x" }), as: "debtor" },
    { name: "plan", action: plan.action, path: "/portal/plan", fields: () => ({ invoice, count: "3", start: "2026-12-01", intent: "confirm", acknowledge: "yes" }), as: "debtor" },
    { name: "dispute", action: dispute.action, path: "/portal/dispute", fields: () => ({ invoice, reason: "quality", message: "Rayée", intent: "confirm" }), as: "debtor" },
    { name: "already paid", action: alreadyPaid.action, path: "/portal/already-paid", fields: () => ({ invoice, paidOn: "2026-11-18", amount: "10", method: "transfer", intent: "confirm" }), as: "debtor" },
    { name: "call-back", action: callback.action, path: "/portal/callback", fields: () => ({ slot: "2026-11-23T09:00:00.000Z", phone: "file", intent: "confirm" }), as: "debtor" },
    { name: "pay", action: pay.action, path: "/portal/pay", fields: () => ({ invoice }), as: "debtor" },
    { name: "contact", action: contact.action, path: "/portal/contact", fields: () => ({ preferredChannel: "sms", purchaseOrderRef: "PO-1", intent: "confirm" }), as: "debtor" },
    { name: "document request", action: documents.action, path: "/portal/documents", fields: () => ({ kind: "purchase_order", invoiceId: "", note: "", intent: "confirm" }), as: "debtor" },
    { name: "language", action: language.action, path: "/portal/language", fields: () => ({ locale: "en", returnTo: "/portal" }), as: "debtor" },
    { name: "step-up code", action: verify.action, path: "/portal/verify", fields: () => ({ intent: "send", contact: "email:1" }), as: "debtor" },
  ];
};

const otherCases = (): Case[] => [
  { name: "link exchange", action: landing.action, path: `/l/${ids.token}`, params: { token: ids.token }, fields: () => ({}), as: "anyone" },
  { name: "new link", action: newLink.action, path: "/link/new", fields: () => ({ email: "compta@boulangerie-martin.fr" }), as: "anyone" },
  { name: "staff sign-in", action: login.action, path: "/backoffice/login", fields: () => ({ email: DEMO_LOGIN.email, password: DEMO_LOGIN.password }), as: "anyone" },
  { name: "staff sign-out", action: logout.action, path: "/backoffice/logout", fields: () => ({}), as: "staff" },
  { name: "call outcome", action: calls.action, path: "/backoffice/calls", fields: () => ({ taskId: String(ids.taskId), outcome: "no_answer" }), as: "staff" },
  { name: "review decision", action: review.action, path: "/backoffice/review", fields: () => ({ intent: "plan-accept", id: String(ids.planId) }), as: "staff" },
  { name: "letter posted", action: lettersRoute.action, path: "/backoffice/letters", fields: () => ({ letterId: String(ids.letterId), trackingNumber: "1A23456789012" }), as: "staff" },
  {
    name: "bank transfer",
    action: debtorFile.action,
    path: `/backoffice/debtors/${ids.debtorId}`,
    params: { debtorId: String(ids.debtorId) },
    fields: () => ({ invoiceId: String(ids.invoiceId), amount: "10", receivedOn: "2026-11-19", formKey: "k".repeat(20) }),
    as: "staff",
  },
];

const cookieOf = (c: Case) => (c.as === "debtor" ? debtor.cookie : c.as === "staff" ? staff : "");
const send = (c: Case, headers: Record<string, string>, fields: Record<string, string>) =>
  outcome(() => c.action({ request: new Request(`${BASE}${c.path}`, { method: "POST", headers: { Cookie: cookieOf(c), "X-Forwarded-For": "203.0.113.99", ...headers }, body: new URLSearchParams(fields) }), params: c.params ?? {}, context: {} }));

const foreignOrigins: [string, Record<string, string>][] = [
  ["no Origin, no Sec-Fetch-Site", {}],
  ["a foreign Origin", { Origin: "https://evil.example" }],
  ["a look-alike Origin", { Origin: "http://localhost:4310.evil.example" }],
  ["Origin: null (sandboxed frame)", { Origin: "null" }],
  ["a cross-site fetch without Origin", { "Sec-Fetch-Site": "cross-site" }],
  ["our Origin on another scheme", { Origin: "https://localhost:4310" }],
];

describe("every action refuses a form from another origin, writing nothing", () => {
  it.each(foreignOrigins)("%s", async (_, headers) => {
    const before = databaseDigest(getDb(), { withRateLimits: true });
    for (const c of [...portalCases(), ...otherCases()]) {
      const fields = c.as === "debtor" ? { csrf: debtor.csrf, ...c.fields() } : c.fields();
      const refused = await send(c, headers, fields);
      expect(statusOf(refused), c.name).toBe(403);
    }
    expect(databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });
});

describe("every portal action refuses a form without this session's CSRF token, writing nothing", () => {
  const tokens: [string, () => Record<string, string>][] = [
    ["no token", () => ({})],
    ["an empty token", () => ({ csrf: "" })],
    ["another session's token", () => ({ csrf: debtor.other.csrf })],
    ["a token one character off", () => ({ csrf: debtor.csrf.slice(0, -1) + (debtor.csrf.endsWith("a") ? "b" : "a") })],
    ["a token with a NUL appended", () => ({ csrf: `${debtor.csrf}\u0000` })],
  ];
  it.each(tokens)("%s", async (_, token) => {
    const before = databaseDigest(getDb(), { withRateLimits: true });
    for (const c of portalCases()) {
      const refused = await send(c, { Origin: BASE }, { ...c.fields(), ...token() });
      expect(statusOf(refused), c.name).toBe(403);
    }
    expect(databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });

  it("a token in the query string does not count", async () => {
    const before = databaseDigest(getDb(), { withRateLimits: true });
    for (const c of portalCases()) {
      const refused = await outcome(() =>
        c.action({ request: new Request(`${BASE}${c.path}?csrf=${debtor.csrf}`, { method: "POST", headers: { Cookie: debtor.cookie, Origin: BASE }, body: new URLSearchParams(c.fields()) }), params: {}, context: {} }),
      );
      expect(statusOf(refused), c.name).toBe(403);
    }
    expect(databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });
});
