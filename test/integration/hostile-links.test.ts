import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CompactSign, SignJWT, decodeJwt } from "jose";
import { eq } from "drizzle-orm";
import { seededDb, useDatabase } from "../support/db";
import { databaseDigest } from "../support/digest";
import { TEST_KEYS } from "../support/env";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { insertLink, insertShortLink, LINK_AUDIENCE, LINK_TYP, revokeLink, signLink } from "~/services/shared/links.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { hashPassword } from "~/services/auth/passwords.server";
import * as landing from "~/routes/l.$token";
import * as portal from "~/routes/portal._index";
import * as promise from "~/routes/portal.promise";
import * as dashboard from "~/routes/backoffice._index";
import { DEMO_LOGIN } from "../../db/seed";
import { debtorSessions, debtors, staffUsers } from "../../db/tables";
import { args } from "../support/routes";
import { first } from "../../db/client";

/**
 * What an attacker does with links and session ids: forges, replays, swaps, fixes. Each attempt is
 * refused with the uniform 410 (links, M17) or 401 (sessions), and writes nothing.
 */
const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";
const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const secret = (s: string) => Buffer.from(s, "base64url");

async function outcome<T = Response>(run: () => unknown): Promise<T> {
  try {
    return (await run()) as T;
  } catch (thrown) {
    return thrown as T;
  }
}
const statusOf = (r: unknown) => (r instanceof Response ? r.status : (r as { init: { status: number } }).init.status);

let ip = 0;
const exchange = (token: string, headers: Record<string, string> = {}) =>
  outcome(() =>
    landing.action(
      args(new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE, "X-Forwarded-For": `192.0.2.${++ip % 250}`, ...headers }, body: new URLSearchParams() }), {
        token,
      }),
    ),
  );
const home = (cookie: string, url = `${BASE}/portal`) => outcome(() => portal.loader(args(new Request(url, { headers: { Cookie: cookie } }))));

let debtorA: number;
let debtorB: number;

async function validToken(debtorId = debtorA) {
  const env = getEnv();
  const link = await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(process.env.TEST_FIXED_NOW!) });
  return { link, token: await signLink(env, link) };
}
async function sessionFor(debtorId = debtorA) {
  const { link, token } = await validToken(debtorId);
  const response = await exchange(token);
  return { link, cookie: response.headers.get("Set-Cookie")!.split(";")[0]! };
}

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const [a, b] = await getDb().select().from(debtors).limit(2);
  debtorA = a!.id;
  debtorB = b!.id;
});
beforeEach(() => {
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
});

describe("forged and replayed links, at the landing POST", () => {
  const claims = (link: { jti: string; debtorId: number }, sub = String(link.debtorId)) =>
    new SignJWT({}).setIssuer(BASE).setAudience(LINK_AUDIENCE).setSubject(sub).setJti(link.jti).setIssuedAt(new Date(NOW)).setExpirationTime("1d");

  it("refuses them all with the same 410 and creates neither a session nor a timeline entry", async () => {
    const { link, token } = await validToken();
    const real = decodeJwt(token);
    const attackerKey = new TextEncoder().encode("attacker-chosen-secret-32-bytes!!");
    const forged: Record<string, string> = {
      "alg none": `${b64({ alg: "none", typ: LINK_TYP, kid: TEST_KEYS.current.kid })}.${b64(real)}.`,
      "alg none, no dot": `${b64({ alg: "none", typ: LINK_TYP })}.${b64(real)}`,
      "signed with an attacker key": await claims(link).setProtectedHeader({ alg: "HS256", kid: TEST_KEYS.current.kid, typ: LINK_TYP }).sign(attackerKey),
      // The attacker's own key embedded in the header (M13): the header's jwk must never be used.
      "attacker jwk in the header": await claims(link)
        .setProtectedHeader({ alg: "HS256", kid: TEST_KEYS.current.kid, typ: LINK_TYP, jwk: { kty: "oct", k: Buffer.from(attackerKey).toString("base64url") } } as never)
        .sign(attackerKey),
      "jku pointing elsewhere": await claims(link)
        .setProtectedHeader({ alg: "HS256", kid: "evil", typ: LINK_TYP, jku: "https://evil.example/keys" } as never)
        .sign(attackerKey),
      "kid path traversal": await claims(link).setProtectedHeader({ alg: "HS256", kid: "../../.env", typ: LINK_TYP }).sign(secret(TEST_KEYS.current.secret)),
      "kid of no key of ours": await claims(link).setProtectedHeader({ alg: "HS256", kid: "test-1999-01", typ: LINK_TYP }).sign(secret(TEST_KEYS.current.secret)),
      "RS256 header": `${b64({ alg: "RS256", kid: TEST_KEYS.current.kid, typ: LINK_TYP })}.${b64(real)}.${token.split(".")[2]}`,
      "typ removed": await claims(link).setProtectedHeader({ alg: "HS256", kid: TEST_KEYS.current.kid }).sign(secret(TEST_KEYS.current.secret)),
      // Even with our key, a jti issued to debtor A does not open debtor B (the row binds both).
      "cross-debtor subject": await claims(link, String(debtorB))
        .setProtectedHeader({ alg: "HS256", kid: TEST_KEYS.current.kid, typ: LINK_TYP })
        .sign(secret(TEST_KEYS.current.secret)),
      "payload swapped under a valid signature": `${token.split(".")[0]}.${b64({ ...real, sub: String(debtorB) })}.${token.split(".")[2]}`,
      "detached compact JWS": (
        await new CompactSign(new TextEncoder().encode(JSON.stringify(real)))
          .setProtectedHeader({ alg: "HS256", kid: TEST_KEYS.current.kid })
          .sign(secret(TEST_KEYS.current.secret))
      ).replace(/\.[^.]+\./, ".."),
      "guessed SMS token": "AAAAAAAAAAAAAAAAAAAAAA",
      "SQL in the token": "' OR 1=1 --",
      "huge token": "a".repeat(100_000),
    };
    const before = await databaseDigest(getDb());
    for (const [what, attempt] of Object.entries(forged)) {
      const response = await exchange(attempt);
      expect(statusOf(response), what).toBe(410);
      expect(response instanceof Response && response.headers.get("Set-Cookie"), what).toBeFalsy();
    }
    expect(await databaseDigest(getDb())).toEqual(before);
  });

  it("refuses an expired, a revoked and a key-retired link alike, and a short SMS link after revocation", async () => {
    const expired = await validToken();
    const revoked = await validToken();
    await revokeLink(getDb(), revoked.link.id, "creditor request", new Date(NOW));
    const sms = await insertShortLink(getDb(), getEnv(), { debtorId: debtorA, invoiceIds: [], sentTo: "+33600000000", now: new Date(NOW) });
    await revokeLink(getDb(), sms.link.id, "contact changed", new Date(NOW));
    process.env.TEST_FIXED_NOW = "2026-12-21T09:00:00Z";
    resetEnvCache();
    const before = await databaseDigest(getDb());
    for (const token of [expired.token, revoked.token, sms.token]) expect(statusOf(await exchange(token))).toBe(410);
    expect(await databaseDigest(getDb())).toEqual(before);
  });

  it("refuses a link whose signing key was removed from the ring, even unexpired", async () => {
    const env = getEnv();
    const link = await insertLink(getDb(), env, { debtorId: debtorA, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) });
    const token = await signLink(env, link);
    process.env.LINK_SIGNING_KEYS = `${TEST_KEYS.previous.kid}:${TEST_KEYS.previous.secret}`;
    resetEnvCache();
    try {
      expect(statusOf(await exchange(token))).toBe(410);
    } finally {
      process.env.LINK_SIGNING_KEYS = `${TEST_KEYS.current.kid}:${TEST_KEYS.current.secret},${TEST_KEYS.previous.kid}:${TEST_KEYS.previous.secret}`;
      resetEnvCache();
    }
  });
});

describe("Origin: null at the landing POST (the landing sends no referrer, M8)", () => {
  const post = (token: string, headers: Record<string, string>, form: Record<string, string> = {}) =>
    outcome(() =>
      landing.action(
        args(new Request(`${BASE}/l/${token}`, { method: "POST", headers: { "X-Forwarded-For": `192.0.2.${++ip % 250}`, ...headers }, body: new URLSearchParams(form) }), {
          token,
        }),
      ),
    );
  const formTokenOf = async (token: string) => {
    const page = (await landing.loader(args(new Request(`${BASE}/l/${token}`), { token }))) as unknown as { data: { formToken: string } };
    return page.data.formToken;
  };

  it("is refused with 403 unless the browser says same-origin and the form is the one rendered for this link", async () => {
    const { token } = await validToken();
    const { token: other } = await validToken(debtorB);
    const formToken = await formTokenOf(token);
    const attempts: Record<string, [Record<string, string>, Record<string, string>]> = {
      "no Sec-Fetch-Site": [{ Origin: "null" }, { form: formToken }],
      "Sec-Fetch-Site cross-site (a sandboxed frame elsewhere)": [{ Origin: "null", "Sec-Fetch-Site": "cross-site" }, { form: formToken }],
      "Sec-Fetch-Site same-site": [{ Origin: "null", "Sec-Fetch-Site": "same-site" }, { form: formToken }],
      "no form token": [{ Origin: "null", "Sec-Fetch-Site": "same-origin" }, {}],
      "another link's form token": [{ Origin: "null", "Sec-Fetch-Site": "same-origin" }, { form: await formTokenOf(other) }],
      "a truncated form token": [{ Origin: "null", "Sec-Fetch-Site": "same-origin" }, { form: formToken.slice(0, -1) }],
      "another origin, even with the form token": [{ Origin: "https://evil.example", "Sec-Fetch-Site": "same-origin" }, { form: formToken }],
    };
    const before = await databaseDigest(getDb());
    for (const [what, [headers, form]] of Object.entries(attempts)) {
      const response = await post(token, headers, form);
      expect(statusOf(response), what).toBe(403);
      // (Every other answer on a link path gets it from entry.server, checked on the built server.)
      if (headers.Origin === "null") expect(response instanceof Response && response.headers.get("Referrer-Policy"), what).toBe("no-referrer");
      expect(response instanceof Response && response.headers.get("Set-Cookie"), what).toBeFalsy();
    }
    expect(await databaseDigest(getDb())).toEqual(before);
  });

  it("opens the portal from the landing page's own form, as Chromium sends it under no-referrer", async () => {
    const { token } = await validToken();
    const response = await post(token, { Origin: "null", "Sec-Fetch-Site": "same-origin" }, { form: await formTokenOf(token) });
    expect(statusOf(response)).toBe(303);
    expect(response.headers.get("Location")).toBe("/portal");
    expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(response.headers.get("Set-Cookie")).toMatch(/^__Host-sid=/);
  });
});

describe("forged, fixed and stale session ids", () => {
  it("answers 401 to a made-up, a truncated, an expired session id, and to one passed in the URL", async () => {
    const { cookie } = await sessionFor();
    const value = decodeURIComponent(cookie.split("=")[1]!);
    const forgedCookie = (raw: string) => `__Host-sid=${encodeURIComponent(raw)}`;
    // Signed cookie values are "<value>" serialised by Remix; tamper with the inside.
    for (const attempt of [forgedCookie("x".repeat(43)), forgedCookie(value.slice(0, -4)), "__Host-sid=", "sid=" + value, `__Host-staff=${value}`]) {
      expect(statusOf(await home(attempt)), attempt).toBe(401);
    }
    for (const url of [`${BASE}/portal?sid=${value}`, `${BASE}/portal?__Host-sid=${encodeURIComponent(value)}`]) expect(statusOf(await home("", url))).toBe(401);
    process.env.TEST_FIXED_NOW = "2026-11-20T17:00:01Z";
    resetEnvCache();
    expect(statusOf(await home(cookie))).toBe(401);
  });

  it("session fixation: a session id planted before the landing is replaced by a fresh one, and the planted one opens nothing", async () => {
    const planted = (await sessionFor()).cookie;
    const { token } = await validToken(debtorB);
    const response = await exchange(token, { Cookie: planted });
    const issued = response.headers.get("Set-Cookie")!.split(";")[0]!;
    expect(issued).not.toBe(planted);
    expect(((await home(issued)) as unknown as { debtorName: string }).debtorName).toBe(first(await getDb().select().from(debtors).where(eq(debtors.id, debtorB)))!.name);
    // The planted id stays bound to its own debtor: it never becomes B's session.
    expect(((await home(planted)) as unknown as { debtorName: string }).debtorName).not.toBe(first(await getDb().select().from(debtors).where(eq(debtors.id, debtorB)))!.name);
  });

  it("a revoked link ends the sessions opened with it (M14): a forwarded link's holder is shut out", async () => {
    const { link, cookie } = await sessionFor();
    expect(await home(cookie)).toHaveProperty("debtorName");
    await revokeLink(getDb(), link.id, "not me", new Date(NOW));
    expect(statusOf(await home(cookie))).toBe(401);
    const csrf = "x".repeat(43);
    const before = await databaseDigest(getDb());
    const refused = await outcome(() =>
      promise.action(
        args(new Request(`${BASE}/portal/promise`, { method: "POST", headers: { Origin: BASE, Cookie: cookie }, body: new URLSearchParams({ csrf, intent: "confirm" }) })),
      ),
    );
    expect(statusOf(refused)).toBe(401);
    expect(await databaseDigest(getDb())).toEqual(before);
  });

  it("a debtor session never opens the back office, and a staff session never opens the portal", async () => {
    const { cookie } = await sessionFor();
    const toLogin = await outcome(() => dashboard.loader(args(new Request(`${BASE}/backoffice`, { headers: { Cookie: cookie.replace("__Host-sid", "__Host-staff") } }))));
    expect(statusOf(toLogin)).toBe(302);
    const db = getDb();
    await db
      .update(staffUsers)
      .set({ passwordHash: await hashPassword(DEMO_LOGIN.password) })
      .where(eq(staffUsers.email, DEMO_LOGIN.email));
    const staff = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
    expect(statusOf(await home(staff))).toBe(401);
    expect(statusOf(await home(staff.replace("__Host-staff", "__Host-sid")))).toBe(401);
    expect((await db.select().from(debtorSessions)).length).toBeGreaterThan(0);
  }, 30_000);
});
