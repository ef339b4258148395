import { beforeAll, describe, expect, it } from "vitest";
import type { ActionFunctionArgs } from "@remix-run/node";
import { and, eq } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { databaseDigest } from "../support/digest";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { insertLink, signLink } from "~/services/shared/links.server";
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
import * as debtorList from "~/routes/backoffice.debtors._index";
import { callTasks, debtorSessions, debtors, installmentPlans, invoices, letters } from "../../db/tables";
import { outcome, signInPage, staffCsrf } from "../support/routes";
import { first, one } from "../../db/client";

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
  const link = await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) });
  const token = await signLink(env, link);
  const response = (await outcome(() =>
    landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), params: { token }, context: {} }),
  )) as Response;
  const cookie = response.headers.get("Set-Cookie")!.split(";")[0]!;
  await getDb()
    .update(debtorSessions)
    .set({ stepUpAt: new Date(NOW) })
    .where(eq(debtorSessions.linkId, link.id));
  const { csrf } = await portal.loader({ request: new Request(`${BASE}/portal`, { headers: { Cookie: cookie } }), params: {}, context: {} });
  return { cookie, csrf, token };
}

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  staff = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  const invoice = first(
    await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.status, "open")))
      .orderBy(invoices.dueDate),
  )!;
  const creditorId = invoice.creditorId;
  const own = await debtorSession(invoice.debtorId);
  const otherDebtor = (await db.select().from(debtors).where(eq(debtors.creditorId, creditorId))).find((d) => d.id !== invoice.debtorId)!;
  const other = await debtorSession(otherDebtor.id);
  debtor = { cookie: own.cookie, csrf: own.csrf, other };
  const taskId = one(
    await db
      .insert(callTasks)
      .values({ creditorId, debtorId: invoice.debtorId, reason: "test", dueAt: new Date(NOW) })
      .returning(),
  ).id;
  const planId = one(
    await db.insert(installmentPlans).values({ debtorId: invoice.debtorId, totalCents: invoice.balanceCents, currency: "EUR", status: "pending_review" }).returning(),
  ).id;
  const letterId = one(
    await db
      .insert(letters)
      .values({ creditorId, debtorId: invoice.debtorId, kind: "formal_notice", pdfPath: "/nonexistent.pdf", pdfSha256: "0".repeat(64) })
      .returning(),
  ).id;
  ids = { debtorId: invoice.debtorId, invoiceId: invoice.id, taskId, planId, letterId, token: own.token };
}, 60_000);

type Case = { name: string; action: Action; path: string; params?: Record<string, string>; fields: () => Record<string, string>; as: "debtor" | "staff" | "anyone" };

const portalCases = (): Case[] => {
  const invoice = String(ids.invoiceId);
  return [
    { name: "promise", action: promise.action, path: "/portal/promise", fields: () => ({ invoice, date: "2026-12-01", intent: "confirm", ack: "x" }), as: "debtor" },
    { name: "plan", action: plan.action, path: "/portal/plan", fields: () => ({ invoice, count: "3", start: "2026-12-01", intent: "confirm", acknowledge: "yes" }), as: "debtor" },
    { name: "dispute", action: dispute.action, path: "/portal/dispute", fields: () => ({ invoice, reason: "quality", message: "Rayée", intent: "confirm" }), as: "debtor" },
    {
      name: "already paid",
      action: alreadyPaid.action,
      path: "/portal/already-paid",
      fields: () => ({ invoice, paidOn: "2026-11-18", amount: "10", method: "transfer", intent: "confirm" }),
      as: "debtor",
    },
    { name: "call-back", action: callback.action, path: "/portal/callback", fields: () => ({ slot: "2026-11-23T09:00:00.000Z", phone: "file", intent: "confirm" }), as: "debtor" },
    { name: "pay", action: pay.action, path: "/portal/pay", fields: () => ({ invoice }), as: "debtor" },
    { name: "contact", action: contact.action, path: "/portal/contact", fields: () => ({ preferredChannel: "sms", purchaseOrderRef: "PO-1", intent: "confirm" }), as: "debtor" },
    {
      name: "document request",
      action: documents.action,
      path: "/portal/documents",
      fields: () => ({ kind: "purchase_order", invoiceId: "", note: "", intent: "confirm" }),
      as: "debtor",
    },
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
  { name: "calls assigned", action: calls.action, path: "/backoffice/calls", fields: () => ({ intent: "assign", taskId: String(ids.taskId), memberId: "personne" }), as: "staff" },
  {
    name: "debtors suspended",
    action: debtorList.action,
    path: "/backoffice/debtors",
    fields: () => ({ intent: "hold", debtorId: String(ids.debtorId), reason: "Négociation en cours", until: "2026-12-15" }),
    as: "staff",
  },
  { name: "review decision", action: review.action, path: "/backoffice/review", fields: () => ({ intent: "plan-accept", id: String(ids.planId) }), as: "staff" },
  {
    name: "letter posted",
    action: lettersRoute.action,
    path: "/backoffice/letters",
    fields: () => ({ letterId: String(ids.letterId), trackingNumber: "1A23456789012" }),
    as: "staff",
  },
  {
    name: "bank transfer",
    action: debtorFile.action,
    path: `/backoffice/debtors/${ids.debtorId}`,
    params: { debtorId: String(ids.debtorId) },
    fields: () => ({ invoiceId: String(ids.invoiceId), amount: "10", receivedOn: "2026-11-19", formKey: "k".repeat(20) }),
    as: "staff",
  },
];

const cookieOf = (c: Case) => (c.as === "debtor" ? debtor.cookie : c.as === "staff" ? staff : signInPage().cookie);
/** The fields with the token the page would have given, so that only what a test changes is wrong. */
const withToken = (c: Case, fields: Record<string, string>) => ({ csrf: c.as === "debtor" ? debtor.csrf : c.as === "staff" ? staffCsrf(staff) : signInPage().csrf, ...fields });
const send = (c: Case, headers: Record<string, string>, fields: Record<string, string>) =>
  outcome(() =>
    c.action({
      request: new Request(`${BASE}${c.path}`, {
        method: "POST",
        headers: { Cookie: cookieOf(c), "X-Forwarded-For": "203.0.113.99", ...headers },
        body: new URLSearchParams(fields),
      }),
      params: c.params ?? {},
      context: {},
    }),
  );

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
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    for (const c of [...portalCases(), ...otherCases()]) {
      const refused = await send(c, headers, withToken(c, c.fields()));
      expect(statusOf(refused), c.name).toBe(403);
    }
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
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
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    for (const c of portalCases()) {
      const refused = await send(c, { Origin: BASE }, { ...c.fields(), ...token() });
      expect(statusOf(refused), c.name).toBe(403);
    }
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });

  it("a token in the query string does not count", async () => {
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    for (const c of portalCases()) {
      const refused = await outcome(() =>
        c.action({
          request: new Request(`${BASE}${c.path}?csrf=${debtor.csrf}`, { method: "POST", headers: { Cookie: debtor.cookie, Origin: BASE }, body: new URLSearchParams(c.fields()) }),
          params: {},
          context: {},
        }),
      );
      expect(statusOf(refused), c.name).toBe(403);
    }
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });
});

/** Every back-office route module that answers POSTs, found on disk: a new one is covered without being listed. */
const backOfficeModules = import.meta.glob<{ action?: Action }>("../../app/routes/backoffice.*.{ts,tsx}");

describe("every back-office action refuses a form without this staff session's token, writing nothing", () => {
  const tokens: [string, (c: Case) => Record<string, string>][] = [
    ["no token", () => ({})],
    ["an empty token", () => ({ csrf: "" })],
    ["the portal session's token", () => ({ csrf: debtor.csrf })],
    [
      "a token one character off",
      (c) => {
        const right = withToken(c, {}).csrf;
        return { csrf: right.slice(0, -1) + (right.endsWith("a") ? "b" : "a") };
      },
    ],
  ];

  it("finds every back-office action", async () => {
    const withAction = (await Promise.all(Object.entries(backOfficeModules).map(async ([file, load]) => ((await load()).action ? file : null)))).filter(Boolean);
    // The thirteen POST routes of today; adding one only grows the list the next test walks.
    expect(withAction.length).toBeGreaterThanOrEqual(13);
  });

  it.each(tokens)("%s", async (_, token) => {
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    const known = new Map(
      otherCases()
        .filter((c) => c.as !== "debtor" && c.path.startsWith("/backoffice"))
        .map((c) => [c.action, c]),
    );
    for (const [file, load] of Object.entries(backOfficeModules)) {
      const { action } = await load();
      if (!action) continue;
      const c = known.get(action) ?? { name: file, action, path: "/backoffice", fields: () => ({ intent: "create", name: "X" }), as: "staff" as const };
      const sign = c.as === "anyone" ? { csrf: signInPage().csrf } : { csrf: staffCsrf(staff) };
      const fields = { ...c.fields(), ...token({ ...c, fields: () => sign }) };
      if (!("csrf" in token(c))) delete (fields as Record<string, string>).csrf;
      const refused = await send(c, { Origin: BASE }, fields);
      expect(statusOf(refused), file).toBe(403);
    }
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });
});

describe("hostile requests to every action get a clear 4xx and write nothing", () => {
  const all = () => [...portalCases(), ...otherCases()];
  const readable = async (r: unknown) => (r instanceof Response ? await r.clone().text() : JSON.stringify(r));

  it("a text/plain body (what a cross-site <form enctype=text/plain> sends) is 415", async () => {
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    for (const c of all()) {
      if (c.name === "link exchange") continue; // its origin rule belongs to the landing page's own work
      const body = Object.entries(withToken(c, c.fields()))
        .map(([k, v]) => `${k}=${v}`)
        .join("\r\n");
      const refused = await outcome(() =>
        c.action({
          request: new Request(`${BASE}${c.path}`, {
            method: "POST",
            headers: { Cookie: cookieOf(c), Origin: BASE, "Content-Type": "text/plain", "X-Forwarded-For": "203.0.113.98" },
            body,
          }),
          params: c.params ?? {},
          context: {},
        }),
      );
      expect(statusOf(refused), c.name).toBe(415);
      expect(await readable(refused), c.name).toMatch(/form posts/);
    }
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });

  it("a form posted to a forged Host (or X-Forwarded-Host, which builds the same URL) is 400", async () => {
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    for (const c of all()) {
      const refused = await outcome(() =>
        c.action({
          request: new Request(`http://evil.example${c.path}`, {
            method: "POST",
            headers: { Cookie: cookieOf(c), Origin: "http://evil.example" },
            body: new URLSearchParams(withToken(c, c.fields())),
          }),
          params: c.params ?? {},
          context: {},
        }),
      );
      expect(statusOf(refused), c.name).toBe(400);
      expect(await readable(refused), c.name).toMatch(/localhost:4310/);
    }
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });

  const malformed: [string, (c: Case) => string][] = [
    ["bad encoding", () => "__Host-sid=%E0%A4%A; __Host-staff=%%%; __Host-staff-pre=%ZZ"],
    ["not base64 JSON", () => "__Host-sid=!!!notjson; __Host-staff=e30; __Host-staff-pre=AAAA"],
    ["a forged value first, the real one second", (c) => `__Host-sid=WyJ4Il0; __Host-staff=WyJ4Il0; __Host-staff-pre=WyJ4Il0; ${cookieOf(c)}`],
    ["a huge cookie", () => `__Host-sid=${"A".repeat(12_000)}; __Host-staff=${"B".repeat(12_000)}`],
  ];
  it.each(malformed)("a malformed cookie (%s) is refused, never a 500", async (_, cookie) => {
    const before = await databaseDigest(getDb(), { withRateLimits: true });
    for (const c of all()) {
      if (c.as === "anyone" && c.name !== "staff sign-in") continue; // no cookie is read there
      const refused = await outcome(() =>
        c.action({
          request: new Request(`${BASE}${c.path}`, { method: "POST", headers: { Cookie: cookie(c), Origin: BASE }, body: new URLSearchParams(withToken(c, c.fields())) }),
          params: c.params ?? {},
          context: {},
        }),
      );
      const status = statusOf(refused);
      // The portal says "open your link again" (401); the back office sends to its sign-in page (302) or refuses the form (403).
      expect([401, 403, 302], `${c.name}: ${status}`).toContain(status);
    }
    expect(await databaseDigest(getDb(), { withRateLimits: true })).toEqual(before);
  });
});
