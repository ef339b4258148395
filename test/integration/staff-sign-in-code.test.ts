import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { desc, eq } from "drizzle-orm";
import { seededDb, useDatabase } from "../support/db";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { devOutbox, staffCodes, staffSessions, staffUsers } from "../../db/tables";
import { getStaff } from "~/services/auth/staff-auth.server";
import * as login from "~/routes/backoffice.login";
import * as logout from "~/routes/backoffice.logout";
import { args, signInPage, staffCsrf } from "../support/routes";
import { first } from "../../db/client";

const BASE = "http://localhost:4310";
const OWNER = "demo@atelier-durand.fr";
const AGENT = "karim@atelier-durand.fr";
let client = 0;

/** Each test is its own client address, so the per-address limit of one test does not leak into the next. */
let address = "";
beforeEach(() => {
  client += 1;
  address = `203.0.113.${client}`;
});

function setClock(iso: string) {
  process.env.TEST_FIXED_NOW = iso;
  resetEnvCache();
}

function post(fields: Record<string, string>, cookie?: string) {
  const page = signInPage();
  const headers: Record<string, string> = { Origin: BASE, "X-Forwarded-For": address, Cookie: cookie ? `${page.cookie}; ${cookie}` : page.cookie };
  return new Request(`${BASE}/backoffice/login`, { method: "POST", headers, body: new URLSearchParams({ csrf: page.csrf, ...fields }) });
}

type ActionData = { data: { fields: Record<string, string>; formError: string | null; codeSentTo?: string }; init: { status?: number } | null };

async function outcome(run: () => unknown): Promise<ActionData | Response> {
  try {
    return (await run()) as ActionData;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function askCode(email: string) {
  return (await outcome(() => login.action(args(post({ intent: "send-code", email }))))) as ActionData;
}

async function typeCode(email: string, code: string, cookie?: string) {
  return outcome(() => login.action(args(post({ intent: "code", email, code }, cookie))));
}

async function lastCodeSentTo(email: string): Promise<string | null> {
  const mail = first(await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, email)).orderBy(desc(devOutbox.id)));
  return mail ? /(\d{6})/.exec(mail.subject ?? "")![1]! : null;
}

function cookieOf(response: Response) {
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

function wrongOf(code: string) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  useDatabase(path);
  setClock("2026-11-20T09:00:00Z");
  closeDb();
});

describe("sign-in by a one-time code", () => {
  it("emails a 6-digit code, stored only as a hash, and the code opens a session once", async () => {
    setClock("2026-11-20T09:00:00Z");
    const sent = await askCode(AGENT);
    expect(sent.data.codeSentTo).toBe(AGENT);
    const code = (await lastCodeSentTo(AGENT))!;
    expect(code).toMatch(/^\d{6}$/);
    const mail = first(await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, AGENT)).orderBy(desc(devOutbox.id)))!;
    expect(mail.text).toContain("10 minutes");
    const stored = first(await getDb().select().from(staffCodes).orderBy(desc(staffCodes.id)))!;
    expect(stored.codeHash).not.toContain(code);
    expect(stored.purpose).toBe("sign_in");

    const signedIn = (await typeCode(AGENT, code)) as Response;
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get("Location")).toBe("/backoffice");
    const staff = await getStaff(getDb(), new Request(`${BASE}/backoffice`, { headers: { Cookie: cookieOf(signedIn) } }), new Date("2026-11-20T09:01:00Z"));
    expect(staff?.name).toBe("Karim Benali");

    // Reused: the same code does not open a second session.
    const again = (await typeCode(AGENT, code)) as ActionData;
    expect(again.init?.status).toBe(401);
    expect(again.data.fields.code).toContain("Ce code ne convient pas");
  });

  it("refuses a wrong code, and after 5 wrong tries even the right one", async () => {
    setClock("2026-11-20T10:00:00Z");
    await askCode(AGENT);
    const code = (await lastCodeSentTo(AGENT))!;
    for (let i = 0; i < 5; i += 1) {
      const wrong = (await typeCode(AGENT, wrongOf(code))) as ActionData;
      expect(wrong.init?.status).toBe(401);
    }
    const dead = (await typeCode(AGENT, code)) as ActionData;
    expect(dead.init?.status).toBe(401);
    expect(first(await getDb().select().from(staffCodes).orderBy(desc(staffCodes.id)))!.usedAt).toBeNull();
  });

  it("refuses a code older than 10 minutes", async () => {
    setClock("2026-11-20T11:00:00Z");
    await askCode(AGENT);
    const code = (await lastCodeSentTo(AGENT))!;
    setClock("2026-11-20T11:10:00Z");
    const late = (await typeCode(AGENT, code)) as ActionData;
    expect(late.init?.status).toBe(401);
  });

  it("a new code replaces the previous one", async () => {
    setClock("2026-11-20T12:00:00Z");
    await askCode(AGENT);
    const initial = (await lastCodeSentTo(AGENT))!;
    await askCode(AGENT);
    const second = (await lastCodeSentTo(AGENT))!;
    if (initial !== second) expect(((await typeCode(AGENT, initial)) as ActionData).init?.status).toBe(401);
    expect(((await typeCode(AGENT, second)) as Response).status).toBe(303);
  });

  it("answers an unknown or disabled address exactly as a known one, and sends nothing", async () => {
    setClock("2026-11-20T13:00:00Z");
    const db = getDb();
    const creditorId = first(await db.select().from(staffUsers))!.creditorId;
    await db.insert(staffUsers).values({ creditorId, email: "parti@atelier-durand.fr", name: "Parti", role: "agent", disabledAt: new Date("2026-11-01T00:00:00Z") });
    const before = (await db.select().from(devOutbox)).length;
    const known = await askCode(OWNER);
    const unknown = await askCode("personne@atelier-durand.fr");
    const disabled = await askCode("parti@atelier-durand.fr");
    expect((await db.select().from(devOutbox)).length).toBe(before + 1);
    const shape = (r: ActionData) => ({ status: r.init?.status ?? 200, fields: r.data.fields, formError: r.data.formError });
    expect(shape(unknown)).toEqual(shape(known));
    expect(shape(disabled)).toEqual(shape(known));

    const wrongKnown = (await typeCode(OWNER, "000000")) as ActionData;
    const wrongUnknown = (await typeCode("personne@atelier-durand.fr", "000000")) as ActionData;
    expect(wrongUnknown.init?.status).toBe(wrongKnown.init?.status);
    expect(wrongUnknown.data.fields).toEqual(wrongKnown.data.fields);
  });

  it("limits how many codes one address receives", async () => {
    setClock("2026-11-20T14:00:00Z");
    for (let i = 0; i < 3; i += 1) expect((await askCode(OWNER)).init?.status ?? 200).toBe(200);
    const fourth = await askCode(OWNER);
    expect(fourth.init?.status).toBe(429);
    expect(fourth.data.formError).toContain("Trop de tentatives");
  });

  it("refuses a code sent by a GET or from another origin", async () => {
    setClock("2026-11-20T15:00:00Z");
    await askCode(AGENT);
    const code = (await lastCodeSentTo(AGENT))!;
    const foreign = new Request(`${BASE}/backoffice/login`, {
      method: "POST",
      headers: { Origin: "https://evil.example" },
      body: new URLSearchParams({ intent: "code", email: AGENT, code }),
    });
    const refused = await outcome(() => login.action(args(foreign)));
    expect((refused as Response).status).toBe(403);
    const page = await outcome(() => login.loader(args(new Request(`${BASE}/backoffice/login?intent=code&email=${AGENT}&code=${code}`))));
    // A GET shows the sign-in page (a redirect would mean it signed someone in).
    expect(page).not.toBeInstanceOf(Response);
    expect(((await typeCode(AGENT, code)) as Response).status).toBe(303);
  });

  it("rotates the session on sign-in, and signing out ends it", async () => {
    setClock("2026-11-20T16:00:00Z");
    await askCode(AGENT);
    const initial = cookieOf((await typeCode(AGENT, (await lastCodeSentTo(AGENT))!)) as Response);
    await askCode(AGENT);
    const second = cookieOf((await typeCode(AGENT, (await lastCodeSentTo(AGENT))!, initial)) as Response);
    expect(second).not.toBe(initial);
    const at = new Date("2026-11-20T16:01:00Z");
    const as = (cookie: string) => new Request(`${BASE}/backoffice`, { headers: { Cookie: cookie } });
    expect(await getStaff(getDb(), as(initial), at)).toBeNull();
    expect(await getStaff(getDb(), as(second), at)).not.toBeNull();

    const count = (await getDb().select().from(staffSessions)).length;
    const out = (await outcome(() =>
      logout.action(
        args(new Request(`${BASE}/backoffice/logout`, { method: "POST", headers: { Origin: BASE, Cookie: second }, body: new URLSearchParams({ csrf: staffCsrf(second) }) })),
      ),
    )) as Response;
    expect(out.status).toBe(303);
    expect(await getStaff(getDb(), as(second), at)).toBeNull();
    expect((await getDb().select().from(staffSessions)).length).toBe(count - 1);
  });
});
