import { execFileSync } from "node:child_process";
import { SignJWT } from "jose";
import { openDatabase, type Db } from "../../../db/client";
import { parseEnv } from "../../../app/env.server";
import { insertLink, revokeLink, signLink, LINK_AUDIENCE, LINK_TYP } from "../../../app/services/shared/links.server";
import { TEST_KEYS } from "../../support/env";
import { E2E_DATABASE, E2E_NOW, e2eEnv } from "./env";

/** Runs the real job command once, at the journeys' fixed clock unless told otherwise. */
export function runJobOnce(now = E2E_NOW) {
  return execFileSync("npx", ["tsx", "jobs/run.ts", "once", "--now", now], {
    env: { ...process.env, ...e2eEnv() },
    encoding: "utf8",
  });
}

export async function withDb<T>(use: (db: Db) => T | Promise<T>): Promise<T> {
  const db = openDatabase(E2E_DATABASE);
  try {
    return await use(db);
  } finally {
    db.$client.close();
  }
}

const env = parseEnv(e2eEnv());

/** Links that must all be refused the same way. */
export async function refusedLinks(debtorId: number) {
  const db = openDatabase(E2E_DATABASE);
  try {
    const now = new Date(E2E_NOW);
    const valid = await signLink(env, await insertLink(db, env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now }));
    const expiredRow = await insertLink(db, env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date("2026-10-01T09:00:00Z") });
    const revokedRow = await insertLink(db, env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now });
    await revokeLink(db, revokedRow.id, "test", now);
    const [header, payload, signature] = valid.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), sub: String(debtorId + 1) })).toString("base64url");
    const unknown = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256", kid: TEST_KEYS.current.kid, typ: LINK_TYP })
      .setIssuer(env.PUBLIC_BASE_URL)
      .setAudience(LINK_AUDIENCE)
      .setSubject(String(debtorId))
      .setJti("6f1c2b9e-0000-4000-8000-000000000000")
      .setIssuedAt(now)
      .setExpirationTime(new Date("2026-12-01T00:00:00Z"))
      .sign(Buffer.from(TEST_KEYS.current.secret, "base64url"));
    return {
      expired: await signLink(env, expiredRow),
      revoked: await signLink(env, revokedRow),
      tampered: `${header}.${forgedPayload}.${signature}`,
      unknown,
    };
  } finally {
    db.$client.close();
  }
}
