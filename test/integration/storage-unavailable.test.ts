import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { closeConnection, sqliteClient } from "../../db/client";
import Database from "better-sqlite3";
import Stripe from "stripe";
import { readdirSync } from "node:fs";
import { seededDb, databaseEnv } from "../support/db";
import { databaseDigest } from "../support/digest";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import * as stripeRoute from "~/routes/webhooks.stripe";
import { args, outcome } from "../support/routes";

/**
 * Item 8: a route without a page (webhook, API, download) answers 503 with Retry-After when the
 * database is locked past the busy timeout, full, or read-only, and nothing is half-saved.
 */
const BASE = "http://localhost:4310";
const NOW = new Date("2026-11-20T09:00:00Z");
const SECRET = "whsec_test_unavailable_0123456789abcdef";
let dbPath: string;
let warnings: string[];

beforeAll(async () => {
  const { path, db } = await seededDb("2026-11-20");
  await closeConnection(db);
  dbPath = path;
  const vars = { ...databaseEnv(path), TEST_FIXED_NOW: NOW.toISOString(), STRIPE_SECRET_KEY: "sk_test_unavailable", STRIPE_WEBHOOK_SECRET: SECRET };
  for (const [key, value] of Object.entries(vars)) vi.stubEnv(key, value);
  resetEnvCache();
  closeDb();
});
afterEach(() => {
  closeDb();
  vi.restoreAllMocks();
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

function stripeDelivery(id: string, padding = 0) {
  const payload = JSON.stringify({
    id,
    object: "event",
    livemode: false,
    type: "customer.created",
    data: { object: { id: "cus_1", object: "customer", description: "x".repeat(padding) } },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: Math.floor(NOW.getTime() / 1000) });
  return new Request(`${BASE}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": signature }, body: payload });
}

async function expectUnavailable(run: () => unknown) {
  warnings = [];
  vi.spyOn(console, "warn").mockImplementation((...parts: unknown[]) => void warnings.push(parts.map(String).join(" ")));
  const before = await databaseDigest(getDb());
  const response = (await outcome(run)) as Response;
  expect(response.status).toBe(503);
  expect(response.headers.get("Retry-After")).toBe("5");
  expect(response.headers.get("Content-Type")).toBe("application/problem+json");
  expect(((await response.json()) as { detail: string }).detail).toMatch(/Nothing was saved/);
  expect(await databaseDigest(getDb())).toEqual(before);
  return warnings;
}

describe("routes without a page when the database cannot write", () => {
  it("a webhook while another connection holds the write lock past the busy timeout: 503, Retry-After, stored nowhere", async () => {
    getDb();
    const other = new Database(dbPath);
    other.exec("BEGIN IMMEDIATE");
    try {
      const logged = await expectUnavailable(() => stripeRoute.action(args(stripeDelivery("evt_busy_1"))));
      expect(logged.join("\n")).toMatch(/\[busy\] SQLITE_BUSY while serving POST \/webhooks\/stripe: answered 503/);
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    // Stripe retries: the same event then goes in once.
    expect(((await stripeRoute.action(args(stripeDelivery("evt_busy_1")))) as Response).status).toBe(200);
  }, 20_000);

  it("a read-only database: 503 for a webhook", async () => {
    sqliteClient(getDb())!.pragma("query_only = 1");
    await expectUnavailable(() => stripeRoute.action(args(stripeDelivery("evt_readonly_1"))));
  });

  it("a full disk (the database may not grow): 503, and the transaction leaves nothing behind", async () => {
    const sqlite = sqliteClient(getDb())!;
    const pages = sqlite.pragma("page_count", { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`);
    await expectUnavailable(() => stripeRoute.action(args(stripeDelivery("evt_full_1", 200_000))));
    expect(readdirSync(dbPath.replace(/[^/]+$/, "")).some((f) => f.endsWith("-journal"))).toBe(false);
  });

  it("a page asked by a browser (a download) gets the French page rather than JSON", async () => {
    const { unavailableResponse } = await import("~/services/http/unavailable.server");
    const page = unavailableResponse(new Request(`${BASE}/backoffice/export.csv`, { headers: { Accept: "text/html,application/xhtml+xml" } }));
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("Rien n'a été enregistré");
  });
});
