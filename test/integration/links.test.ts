import { describe, expect, it } from "vitest";
import { SignJWT, decodeJwt } from "jose";
import { eq } from "drizzle-orm";
import { seededDb } from "../support/db";
import { testEnv, TEST_KEYS } from "../support/env";
import { parseEnv } from "~/env.server";
import { checkLink, insertLink, revokeLink, signLink, LINK_AUDIENCE, LINK_TYP } from "~/services/shared/links.server";
import { debtorLinks, debtors } from "../../db/tables";
import { first } from "../../db/client";

const env = parseEnv(testEnv());
const now = new Date("2026-11-20T09:00:00Z");

async function setup() {
  const { db } = await seededDb("2026-11-20");
  const debtor = first(await db.select().from(debtors).limit(1))!;
  const link = await insertLink(db, env, { debtorId: debtor.id, invoiceIds: [1], channel: "email", sentTo: "a@b.fr", now });
  return { db, debtor, link };
}

const secret = (s: string) => Buffer.from(s, "base64url");

describe("signed links", () => {
  it("accepts a link it issued, within its lifetime", async () => {
    const { db, link } = await setup();
    const token = await signLink(env, link);
    const check = await checkLink(db, env, token, new Date("2026-12-10T09:00:00Z"));
    expect(check).toMatchObject({ status: "valid", link: { id: link.id } });
  });

  it("signs the same row to the same token, so a retried send carries the same link", async () => {
    const { link } = await setup();
    expect(await signLink(env, link)).toBe(await signLink(env, link));
  });

  it("carries opaque ids only, no personal data (M15)", async () => {
    const { link } = await setup();
    const claims = decodeJwt(await signLink(env, link));
    expect(Object.keys(claims).sort()).toEqual(["aud", "exp", "iat", "iss", "jti", "sub"]);
    expect(claims.sub).toBe(String(link.debtorId));
  });

  it("refuses it once expired (30 days by default)", async () => {
    const { db, link } = await setup();
    const token = await signLink(env, link);
    expect(await checkLink(db, env, token, new Date("2026-12-20T09:02:00Z"))).toEqual({ status: "invalid", reason: "expired" });
  });

  it("refuses it once revoked", async () => {
    const { db, link } = await setup();
    const token = await signLink(env, link);
    await revokeLink(db, link.id, "contact changed", now);
    expect(await checkLink(db, env, token, now)).toEqual({ status: "invalid", reason: "revoked" });
  });

  it("refuses a tampered token", async () => {
    const { db, link } = await setup();
    const token = await signLink(env, link);
    const [header, payload, signature] = token.split(".");
    const otherDebtor = Buffer.from(JSON.stringify({ ...decodeJwt(token), sub: "2" })).toString("base64url");
    expect((await checkLink(db, env, `${header}.${otherDebtor}.${signature}`, now)).status).toBe("invalid");
    const flipped = signature!.slice(0, -2) + (signature!.endsWith("AA") ? "BB" : "AA");
    expect(await checkLink(db, env, `${header}.${payload}.${flipped}`, now)).toMatchObject({ status: "invalid" });
    expect(await checkLink(db, env, "not-a-token", now)).toEqual({ status: "invalid", reason: "malformed" });
  });

  it("refuses a correctly signed token whose jti we never issued", async () => {
    const { db, debtor } = await setup();
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", kid: TEST_KEYS.current.kid, typ: LINK_TYP })
      .setIssuer(env.PUBLIC_BASE_URL)
      .setAudience(LINK_AUDIENCE)
      .setSubject(String(debtor.id))
      .setJti("00000000-0000-0000-0000-000000000000")
      .setIssuedAt(now)
      .setExpirationTime("1d")
      .sign(secret(TEST_KEYS.current.secret));
    expect(await checkLink(db, env, forged, now)).toEqual({ status: "invalid", reason: "unknown" });
  });

  it("refuses unknown key ids, other audiences and unsigned tokens", async () => {
    const { db, link } = await setup();
    const base = () => new SignJWT({}).setIssuer(env.PUBLIC_BASE_URL).setSubject(String(link.debtorId)).setJti(link.jti).setIssuedAt(now).setExpirationTime("1d");
    const unknownKid = await base().setAudience(LINK_AUDIENCE).setProtectedHeader({ alg: "HS256", kid: "elsewhere", typ: LINK_TYP }).sign(secret(TEST_KEYS.current.secret));
    const otherAudience = await base()
      .setAudience("someone-else")
      .setProtectedHeader({ alg: "HS256", kid: TEST_KEYS.current.kid, typ: LINK_TYP })
      .sign(secret(TEST_KEYS.current.secret));
    const unsigned = [
      Buffer.from(JSON.stringify({ alg: "none", kid: TEST_KEYS.current.kid, typ: LINK_TYP })).toString("base64url"),
      Buffer.from(JSON.stringify(decodeJwt(await signLink(env, link)))).toString("base64url"),
      "",
    ].join(".");
    for (const token of [unknownKid, otherAudience, unsigned]) {
      expect((await checkLink(db, env, token, now)).status).toBe("invalid");
    }
  });

  it("keeps verifying links signed with the previous key after a rotation (kid)", async () => {
    const { db, debtor } = await setup();
    const oldRing = parseEnv(testEnv({ LINK_SIGNING_KEYS: `${TEST_KEYS.previous.kid}:${TEST_KEYS.previous.secret}` }));
    const oldLink = await insertLink(db, oldRing, { debtorId: debtor.id, invoiceIds: [], channel: "email", sentTo: null, now });
    const token = await signLink(oldRing, oldLink);
    expect(first(await db.select().from(debtorLinks).where(eq(debtorLinks.id, oldLink.id)))?.kid).toBe(TEST_KEYS.previous.kid);
    expect((await checkLink(db, env, token, now)).status).toBe("valid");
    const afterRetirement = parseEnv(testEnv({ LINK_SIGNING_KEYS: `${TEST_KEYS.current.kid}:${TEST_KEYS.current.secret}` }));
    expect((await checkLink(db, afterRetirement, token, now)).status).toBe("invalid");
  });
});
