import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { databaseDigest } from "../support/digest";
import { args, outcome, staffCsrf } from "../support/routes";
import { DEMO_LOGIN, seedDemo } from "../../db/seed";
import { closeDb, getDb } from "~/db.server";
import { getEnv, resetEnvCache } from "~/env.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import * as landing from "~/routes/l.$token";
import * as keysPage from "~/routes/backoffice.api-keys";
import { apiKeys, debtorSessions, debtors, invoices } from "../../db/tables";
import { first } from "../../db/client";

/**
 * Item 12.8: no GET writes anything a debtor or staff would see as an action. Every route module's
 * loader is called with a representative request (portal: a debtor session past the step-up; back
 * office: a staff session; API: a key; the rest anonymous) and every table must be unchanged.
 */
const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";

type Loader = (a: ReturnType<typeof args>) => unknown;
const routes = import.meta.glob<{ loader?: Loader }>("../../app/routes/*.{ts,tsx}", { eager: true });

/**
 * Loaders left out of this test, each with why; anything else with a loader is exercised. None is
 * left out today; the one known write is the API key's "last used" time (below), which is
 * bookkeeping shown to staff so they can tell a live key from a dead one before revoking it, not an
 * action.
 */
const NOT_EXERCISED: Record<string, string> = {};

/** Every table, and the API keys without their "last used" time (the one write a GET may make). */
async function state() {
  const { api_keys: _lastUsed, ...tables } = await databaseDigest(getDb());
  const keys = (await getDb().select().from(apiKeys)).map(({ lastUsedAt: _at, ...key }) => key);
  return { tables, keys };
}

let portalCookie = "";
let staffCookie = "";
let apiKey = "";
let invoiceId = 0;
let debtorId = 0;
let debtorRef = "";
let invoiceNumber = "";

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  await seedDemo(seedConn, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  process.env.STORAGE_DIR = mkdtempSync(join(tmpdir(), "relance-get-audit-"));
  resetEnvCache();
  closeDb();
  const db = getDb();
  const env = getEnv();
  staffCookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  const made = (await outcome(() =>
    keysPage.action(
      args(
        new Request(`${BASE}/backoffice/api-keys`, {
          method: "POST",
          headers: { Origin: BASE, Cookie: staffCookie },
          body: new URLSearchParams({ csrf: staffCsrf(staffCookie), intent: "create", name: "ERP" }),
        }),
      ),
    ),
  )) as { data: { created: { key: string } } };
  apiKey = made.data.created.key;
  const debtor = first(await db.select().from(debtors).where(eq(debtors.name, "Garage des Alpes SAS")))!;
  debtorId = debtor.id;
  debtorRef = debtor.externalRef ?? "";
  const invoice = first(
    await db
      .select()
      .from(invoices)
      .where(and(eq(invoices.debtorId, debtor.id), eq(invoices.status, "open"))),
  )!;
  [invoiceId, invoiceNumber] = [invoice.id, invoice.number];
  const link = await insertLink(db, env, { debtorId: debtor.id, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) });
  const token = await signLink(env, link);
  const landed = (await outcome(() =>
    landing.action({ request: new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() }), params: { token }, context: {} }),
  )) as Response;
  portalCookie = landed.headers.get("Set-Cookie")!.split(";")[0]!;
  await db
    .update(debtorSessions)
    .set({ stepUpAt: new Date(NOW) })
    .where(eq(debtorSessions.linkId, link.id));
}, 60_000);

/** The URL and the params Remix would give this file's route, with ids that exist in the seed. */
function requestFor(file: string): { url: string; params: Record<string, string>; headers: Record<string, string> } {
  const name = file.replace(/^.*\/routes\//, "").replace(/\.tsx?$/, "");
  // `[.]` is a literal dot in Remix's file names (export.csv, openapi.json).
  const literal = name.replace(/\[\.\]/g, "~dot~");
  const params: Record<string, string> = {};
  const segments = literal
    .split(".")
    .filter((s) => s !== "_index")
    .map((segment) => {
      const clean = segment.replace(/_$/, "").replace(/~dot~/g, ".");
      if (!clean.startsWith("$")) return clean;
      const key = clean.slice(1);
      params[key] =
        key === "kind"
          ? "dispute"
          : key === "ref"
            ? name.includes("debtors")
              ? debtorRef
              : invoiceNumber
            : key === "token"
              ? "not-a-token"
              : key === "debtorId"
                ? String(debtorId)
                : String(invoiceId);
      return params[key];
    });
  const path = `/${segments.join("/")}`;
  const headers: Record<string, string> = name.startsWith("portal")
    ? { Cookie: portalCookie }
    : name.startsWith("backoffice")
      ? { Cookie: staffCookie }
      : name.startsWith("api")
        ? { Authorization: `Bearer ${apiKey}` }
        : {};
  return { url: `${BASE}${path}`, params, headers };
}

const withLoaders = Object.entries(routes).filter(([, module]) => typeof module.loader === "function");

describe("every GET", () => {
  it("finds the route modules", () => {
    expect(withLoaders.length).toBeGreaterThan(40);
    for (const file of Object.keys(NOT_EXERCISED)) expect(Object.keys(routes)).toContain(file);
  });

  for (const [file, module] of withLoaders) {
    if (file in NOT_EXERCISED) continue;
    it(`writes nothing: ${file.replace(/^.*\/routes\//, "")}`, async () => {
      const { url, params, headers } = requestFor(file);
      const before = await state();
      await outcome(() => module.loader!(args(new Request(url, { headers }), params)));
      expect(await state()).toEqual(before);
    });
  }
});
