import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { seededDb, useDatabase } from "../support/db";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { getEnv } from "~/env.server";
import { tick } from "../../jobs/tick";
import * as landing from "~/routes/l.$token";
import * as portal from "~/routes/portal._index";
import * as portalInvoice from "~/routes/portal.invoices.$invoiceId";
import * as newLink from "~/routes/link.new";
import { debtorContacts, debtorLinks, debtorSessions, devOutbox, invoices, timelineEvents } from "../../db/tables";
import { args } from "../support/routes";
import { first } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";

async function outcome(run: () => unknown): Promise<Response | unknown> {
  try {
    return await run();
  } catch (thrown) {
    return thrown;
  }
}

let token: string;
let debtorId: number;

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  await tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(NOW) });
  // The reminder about two invoices, one of them due on the 25th (the job delivers concurrently: no order to rely on).
  const email = first(
    await db
      .select({ text: devOutbox.text, debtorId: debtorContacts.debtorId })
      .from(devOutbox)
      .innerJoin(debtorContacts, eq(debtorContacts.email, devOutbox.toAddress))
      .innerJoin(invoices, and(eq(invoices.debtorId, debtorContacts.debtorId), eq(invoices.dueDate, "2026-11-25")))
      .where(sql`${devOutbox.subject} like '%2 factures%'`)
      .orderBy(devOutbox.id),
  )!;
  token = /\/l\/([\w.-]+)/.exec(email.text)![1]!;
  debtorId = email.debtorId;
});

async function counts() {
  const db = getDb();
  return {
    sessions: first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(debtorSessions))!.n,
    timeline: first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(timelineEvents))!.n,
    links: JSON.stringify(await db.select().from(debtorLinks)),
  };
}

async function signIn(): Promise<string> {
  const response = (await outcome(() =>
    landing.action(args(new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), { token })),
  )) as Response;
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

describe("opening a link", () => {
  it("GET (any number of times, any agent) shows the continue page and changes nothing", async () => {
    const before = await counts();
    for (const agent of ["Mozilla/5.0", "Microsoft Office Protocol Discovery", "Barracuda scanner"]) {
      const request = new Request(`${BASE}/l/${token}`, { headers: { "User-Agent": agent } });
      const result = (await landing.loader(args(request, { token }))) as { data: { status: string }; init: ResponseInit };
      expect(result.data.status).toBe("valid");
    }
    expect(await counts()).toEqual(before);
  });

  it("POST from our own page exchanges the token for a session and answers 303 to a clean URL", async () => {
    const before = await counts();
    const response = (await outcome(() =>
      landing.action(args(new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), { token })),
    )) as Response;
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/portal");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const cookie = response.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^__Host-sid=[^;]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toContain(token);
    expect((await counts()).sessions).toBe(before.sessions + 1);
  });

  it("gives every POST a fresh session id", async () => {
    expect(await signIn()).not.toBe(await signIn());
  });

  it("refuses a POST coming from another site (CSRF)", async () => {
    const before = await counts();
    const request = new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: "https://evil.example" }, body: new URLSearchParams() });
    const response = (await outcome(() => landing.action(args(request, { token })))) as Response;
    expect(response.status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it("answers the same 410 for expired, revoked, tampered and unknown links", async () => {
    const tampered = token.slice(0, -3) + (token.endsWith("abc") ? "xyz" : "abc");
    for (const bad of [tampered, "unknown", `${token}x`]) {
      const result = (await landing.loader(args(new Request(`${BASE}/l/${bad}`), { token: bad }))) as { data: { status: string }; init: ResponseInit };
      expect(result.data.status).toBe("invalid");
      expect(result.init.status).toBe(410);
      const post = (await outcome(() =>
        landing.action(args(new Request(`${BASE}/l/${bad}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), { token: bad })),
      )) as { init: ResponseInit };
      expect(post.init.status).toBe(410);
    }
  });
});

describe("the portal", () => {
  it("lists the debtor's open invoices and nothing else", async () => {
    const cookie = await signIn();
    const page = await portal.loader(args(new Request(`${BASE}/portal`, { headers: { Cookie: cookie } })));
    const theirs = (await getDb().select().from(invoices).where(eq(invoices.debtorId, debtorId))).filter((i) => i.status === "open");
    expect(page.invoices.map((i) => i.number).sort()).toEqual(theirs.map((i) => i.number).sort());
    expect(page.invoices.length).toBeGreaterThanOrEqual(2);
    const soon = page.invoices.find((i) => i.daysUntilDue === 5);
    expect(soon?.dueDateLabel).toBe("25 novembre 2026");
  });

  it("answers 404 for another debtor's invoice, whatever id is typed", async () => {
    const cookie = await signIn();
    const others = (await getDb().select().from(invoices)).filter((i) => i.debtorId !== debtorId);
    for (const id of [String(others[0]!.id), String(others.at(-1)!.id), "0", "-1", "1e3", "abc", "99999"]) {
      const response = (await outcome(() =>
        portalInvoice.loader(args(new Request(`${BASE}/portal/invoices/${id}`, { headers: { Cookie: cookie } }), { invoiceId: id })),
      )) as Response;
      expect(response.status, `invoice id ${id}`).toBe(404);
    }
    const own = first(await getDb().select().from(invoices).where(eq(invoices.debtorId, debtorId)))!;
    const mine = await portalInvoice.loader(args(new Request(`${BASE}/portal/invoices/${own.id}`, { headers: { Cookie: cookie } }), { invoiceId: String(own.id) }));
    expect(mine.invoice.number).toBe(own.number);
  });

  it("asks for the link again without a session or with a forged cookie", async () => {
    for (const cookie of ["", "__Host-sid=forged-session-id-that-is-long-enough"]) {
      const response = (await outcome(() => portal.loader(args(new Request(`${BASE}/portal`, { headers: { Cookie: cookie } }))))) as Response;
      expect(response.status).toBe(401);
    }
  });
});

describe("asking for a new link", () => {
  it("sends a fresh link only to an address on file, once a day, and answers the same either way", async () => {
    const db = getDb();
    const before = (await db.select().from(devOutbox)).length;
    const post = (email: string) => newLink.action(args(new Request(`${BASE}/link/new`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams({ email }) })));
    expect(await post("nobody@nowhere.example")).toEqual({ status: "sent" });
    expect((await db.select().from(devOutbox)).length).toBe(before);
    expect(await post("COMPTA@boulangerie-martin.fr ")).toEqual({ status: "sent" });
    expect(await post("compta@boulangerie-martin.fr")).toEqual({ status: "sent" });
    const sent = (await db.select().from(devOutbox)).slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.toAddress).toBe("compta@boulangerie-martin.fr");
    expect(sent[0]!.subject).toBe("Atelier Durand : votre nouveau lien d'accès");
  });

  it("says what is wrong with a malformed address", async () => {
    const request = new Request(`${BASE}/link/new`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams({ email: "not an email" }) });
    const result = (await newLink.action(args(request))) as unknown as { data: { status: string }; init: ResponseInit };
    expect(result.data.status).toBe("invalid");
    expect(result.init.status).toBe(400);
  });
});
