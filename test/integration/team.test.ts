import { beforeAll, describe, expect, it } from "vitest";
import { desc, eq } from "drizzle-orm";
import { createCookie } from "@remix-run/node";
import { seededDb, useDatabase } from "../support/db";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { creditors, devOutbox, staffAuditEvents, staffSessions, staffUsers } from "../../db/tables";
import { sha256 } from "~/services/auth/tokens.server";
import { getStaff, signInStaff } from "~/services/auth/staff-auth.server";
import * as team from "~/routes/backoffice.team";
import * as password from "~/routes/backoffice.password";
import * as login from "~/routes/backoffice.login";
import { args, signInPage, staffCsrf } from "../support/routes";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const at = new Date(NOW);

let creditorId: number;
let ownerId: number;
let agentId: number;
let owner: string;
let agent: string;
let readOnly: string;
let otherCreditorStaffId: number;

async function cookieFor(staffUserId: number) {
  const id = `session-${staffUserId}-${Math.random().toString(36).slice(2)}`;
  await getDb()
    .insert(staffSessions)
    .values({ idHash: sha256(id), staffUserId, createdAt: at, expiresAt: new Date("2026-11-21T00:00:00Z") });
  return (await createCookie("__Host-staff").serialize(id)).split(";")[0]!;
}

const post = (path: string, fields: Record<string, string>, cookie = owner) =>
  new Request(`${BASE}${path}`, { method: "POST", headers: { Origin: BASE, Cookie: cookie }, body: new URLSearchParams({ csrf: staffCsrf(cookie), ...fields }) });
const get = (path: string, cookie = owner) => new Request(`${BASE}${path}`, { headers: { Cookie: cookie } });

type Result = { data: { status: string; message?: string; fields?: Record<string, string> }; init: { status: number } };

async function outcome(run: () => unknown): Promise<Result | Response> {
  try {
    return (await run()) as Result;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const teamPost = (fields: Record<string, string>, cookie = owner) => outcome(() => team.action(args(post("/backoffice/team", fields, cookie))));
const member = async (id: number) => first(await getDb().select().from(staffUsers).where(eq(staffUsers.id, id)))!;
const signedIn = async (cookie: string) => getStaff(getDb(), get("/backoffice", cookie), at);
const lastMailTo = async (email: string) => first(await getDb().select().from(devOutbox).where(eq(devOutbox.toAddress, email)).orderBy(desc(devOutbox.id)));

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  const staff = await db.select().from(staffUsers);
  ownerId = staff.find((s) => s.role === "owner")!.id;
  agentId = staff.find((s) => s.role === "agent")!.id;
  creditorId = staff[0]!.creditorId;
  const readOnlyId = one(await db.insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only" }).returning()).id;
  const other = one(
    await db.insert(creditors).values({ legalName: "Plomberie Martin", addressLine: "1 rue Neuve", postalCode: "75001", city: "Paris", email: "contact@martin.fr" }).returning(),
  );
  otherCreditorStaffId = one(await db.insert(staffUsers).values({ creditorId: other.id, email: "paul@martin.fr", name: "Paul Martin", role: "owner" }).returning()).id;
  owner = await cookieFor(ownerId);
  agent = await cookieFor(agentId);
  readOnly = await cookieFor(readOnlyId);
});

describe("the team page", () => {
  it("lists this creditor's members only, to every role, and lets only owners manage", async () => {
    for (const [cookie, canManage] of [
      [owner, true],
      [agent, false],
      [readOnly, false],
    ] as const) {
      const page = await team.loader(args(get("/backoffice/team", cookie)));
      expect(page.canManage).toBe(canManage);
      expect(page.members.map((m) => m.name)).toEqual(["Claire Durand", "Karim Benali", "Lecteur"].sort((a, b) => a.localeCompare(b)));
      expect(page.members.some((m) => m.email === "paul@martin.fr")).toBe(false);
    }
    for (const cookie of [agent, readOnly]) {
      const before = await getDb().select().from(staffUsers);
      for (const fields of <Record<string, string>[]>[
        { intent: "add", name: "Intrus", email: "intrus@atelier-durand.fr", role: "owner" },
        { intent: "role", memberId: String(agentId), role: "owner" },
        { intent: "disable", memberId: String(ownerId) },
      ]) {
        expect(((await teamPost(fields, cookie)) as Response).status).toBe(403);
      }
      expect(await getDb().select().from(staffUsers)).toEqual(before);
    }
  });

  it("adds a member who signs in with a code and then sets a password", async () => {
    const bad = (await teamPost({ intent: "add", name: "", email: "pas-une-adresse", role: "agent" })) as Result;
    expect(bad.init.status).toBe(400);
    expect(bad.data.fields!.name).toContain("nom");
    expect(bad.data.fields!.email).toContain("n'est pas valable");
    const taken = (await teamPost({ intent: "add", name: "Paul", email: "Paul@Martin.fr", role: "agent" })) as Result;
    expect(taken.data.fields!.email).toContain("déjà un accès");
    expect(await getDb().select().from(staffUsers)).toHaveLength(4);

    const added = (await teamPost({ intent: "add", name: "Sophie Lambert", email: "Sophie@Atelier-Durand.fr", role: "agent" })) as Result;
    expect(added.data.status).toBe("done");
    const sophie = first(await getDb().select().from(staffUsers).where(eq(staffUsers.email, "sophie@atelier-durand.fr")))!;
    expect(sophie).toMatchObject({ creditorId, role: "agent", passwordHash: null, disabledAt: null });
    expect((await lastMailTo("sophie@atelier-durand.fr"))?.text).toContain("demandez un code de connexion");

    // The code sign-in of the login page, then the password page with a fresh code.
    const loginPost = (fields: Record<string, string>) =>
      outcome(() =>
        login.action(
          args(
            new Request(`${BASE}/backoffice/login`, {
              method: "POST",
              headers: { Origin: BASE, "X-Forwarded-For": "198.51.100.7", Cookie: signInPage().cookie },
              body: new URLSearchParams({ csrf: signInPage().csrf, ...fields }),
            }),
          ),
        ),
      );
    await loginPost({ intent: "send-code", email: "sophie@atelier-durand.fr" });
    const signInCode = /(\d{6})/.exec((await lastMailTo("sophie@atelier-durand.fr"))!.subject!)![1]!;
    const session = (((await loginPost({ intent: "code", email: "sophie@atelier-durand.fr", code: signInCode })) as Response).headers.get("Set-Cookie") ?? "").split(";")[0]!;
    expect((await signedIn(session))?.id).toBe(sophie.id);
    expect((await password.loader(args(get("/backoffice/password", session)))).hasPassword).toBe(false);

    const pw = (fields: Record<string, string>) => outcome(() => password.action(args(post("/backoffice/password", fields, session))));
    const short = (await pw({ intent: "change", password: "court", confirm: "court", code: "123456" })) as Result;
    expect(short.data.fields!.password).toContain("au moins 12 caractères");
    const noProof = (await pw({ intent: "change", password: "un mot de passe long", confirm: "un mot de passe long" })) as Result;
    expect(noProof.data.fields!.currentPassword).toContain("demandez un code");
    // The sign-in code, already used and of the wrong purpose, does not change a password.
    const signInCodeAgain = (await pw({ intent: "change", password: "un mot de passe long", confirm: "un mot de passe long", code: signInCode })) as Result;
    expect(signInCodeAgain.data.fields!.code).toContain("Ce code ne convient pas");

    expect(((await pw({ intent: "send-code" })) as Result).data.status).toBe("code_sent");
    const passwordCode = /(\d{6})/.exec((await lastMailTo("sophie@atelier-durand.fr"))!.subject!)![1]!;
    const changed = (await pw({ intent: "change", password: "un mot de passe long", confirm: "un mot de passe long", code: passwordCode })) as Result;
    expect(changed.data.status).toBe("changed");
    expect(await signInStaff(getDb(), "sophie@atelier-durand.fr", "un mot de passe long", at)).toMatch(/^__Host-staff=/);
    expect(await signedIn(session)).not.toBeNull();
  });

  it("changes a role, never leaving the creditor without an active owner", async () => {
    const demoteLast = (await teamPost({ intent: "role", memberId: String(ownerId), role: "agent" })) as Result;
    expect(demoteLast.init.status).toBe(400);
    expect(demoteLast.data.fields!.role).toContain("au moins un propriétaire actif");
    const disableLast = (await teamPost({ intent: "disable", memberId: String(ownerId) })) as Result;
    expect(disableLast.data.fields!.member).toContain("au moins un propriétaire actif");
    expect(await member(ownerId)).toMatchObject({ role: "owner", disabledAt: null });

    const promoted = (await teamPost({ intent: "role", memberId: String(agentId), role: "owner" })) as Result;
    expect(promoted.data.status).toBe("done");
    expect((await member(agentId)).role).toBe("owner");
    // With two owners, one may step down; the other is then the last one again.
    expect(((await teamPost({ intent: "role", memberId: String(agentId), role: "agent" })) as Result).data.status).toBe("done");
    expect((await member(agentId)).role).toBe("agent");
    const page = await team.loader(args(get("/backoffice/team")));
    expect(page.audit.map((a) => a.what)).toEqual(
      expect.arrayContaining(["Karim Benali : rôle agent → propriétaire", "Karim Benali : rôle propriétaire → agent", "Sophie Lambert ajouté(e) (agent)"]),
    );
  });

  it("disabling a member ends their sessions at once; re-enabling lets them sign in again", async () => {
    const karim = await cookieFor(agentId);
    expect(await signedIn(karim)).not.toBeNull();
    const disabled = (await teamPost({ intent: "disable", memberId: String(agentId) })) as Result;
    expect(disabled.data.status).toBe("done");
    expect((await member(agentId)).disabledAt).not.toBeNull();
    expect(await signedIn(karim)).toBeNull();
    expect(await signedIn(agent)).toBeNull();
    expect(await getDb().select().from(staffSessions).where(eq(staffSessions.staffUserId, agentId))).toEqual([]);
    const refused = await outcome(() => team.loader(args(get("/backoffice/team", karim))));
    expect((refused as Response).headers.get("Location")).toBe("/backoffice/login");

    expect(((await teamPost({ intent: "enable", memberId: String(agentId) })) as Result).data.status).toBe("done");
    expect((await member(agentId)).disabledAt).toBeNull();
    // The old sessions stay dead: re-enabling is a new sign-in.
    expect(await signedIn(karim)).toBeNull();
    expect(await getDb().select().from(staffAuditEvents).where(eq(staffAuditEvents.action, "team.member_disabled"))).toHaveLength(1);
  });

  it("cannot see or touch another creditor's staff, whatever id is posted", async () => {
    const before = await member(otherCreditorStaffId);
    for (const fields of <Record<string, string>[]>[
      { intent: "role", memberId: String(otherCreditorStaffId), role: "read_only" },
      { intent: "disable", memberId: String(otherCreditorStaffId) },
      { intent: "enable", memberId: String(otherCreditorStaffId) },
    ]) {
      const result = (await teamPost(fields)) as Result;
      expect(result.init.status).toBe(400);
      expect(result.data.fields!.member).toContain("n'existe pas dans votre équipe");
    }
    expect(await member(otherCreditorStaffId)).toEqual(before);
  });

  it("refuses a form from another origin", async () => {
    const foreign = new Request(`${BASE}/backoffice/team`, {
      method: "POST",
      headers: { Origin: "https://evil.example", Cookie: owner },
      body: new URLSearchParams({ intent: "disable", memberId: String(agentId) }),
    });
    expect(((await outcome(() => team.action(args(foreign)))) as Response).status).toBe(403);
    expect((await member(agentId)).disabledAt).toBeNull();
  });
});

describe("changing one's own password", () => {
  it("takes the current password, refuses a wrong one, and closes the other sessions", async () => {
    const db = getDb();
    const { hashPassword } = await import("~/services/auth/passwords.server");
    await db
      .update(staffUsers)
      .set({ passwordHash: await hashPassword("ancien mot de passe") })
      .where(eq(staffUsers.id, ownerId));
    const here = await cookieFor(ownerId);
    const elsewhere = await cookieFor(ownerId);
    const pw = (fields: Record<string, string>) => outcome(() => password.action(args(post("/backoffice/password", fields, here))));
    const wrong = (await pw({ intent: "change", currentPassword: "pas le bon", password: "nouveau mot de passe", confirm: "nouveau mot de passe" })) as Result;
    expect(wrong.data.fields!.currentPassword).toContain("pas votre mot de passe actuel");
    const mismatch = (await pw({ intent: "change", currentPassword: "ancien mot de passe", password: "nouveau mot de passe", confirm: "nouveau mot de passe!" })) as Result;
    expect(mismatch.data.fields!.confirm).toContain("pas identiques");
    const ok = (await pw({ intent: "change", currentPassword: "ancien mot de passe", password: "nouveau mot de passe", confirm: "nouveau mot de passe" })) as Result;
    expect(ok.data.status).toBe("changed");
    expect(await signedIn(here)).not.toBeNull();
    expect(await signedIn(elsewhere)).toBeNull();
    expect(await signInStaff(db, "demo@atelier-durand.fr", "ancien mot de passe", at)).toBeNull();
  });
});
