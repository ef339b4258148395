import Stripe from "stripe";
import { afterAll, afterEach, beforeAll, expect, vi } from "vitest";
import { closeConnection } from "../../db/client";
import { closeDb, getDb } from "~/db.server";
import { resetEnvCache } from "~/env.server";
import { databaseEnv, seededDb } from "./db";
import { databaseDigest } from "./digest";
import { outcome } from "./routes";

/** The storage-unavailable suites' webhook: a signed Stripe delivery, padded to make it large. */
export const UNAVAILABLE_BASE = "http://localhost:4310";
export const UNAVAILABLE_NOW = new Date("2026-11-20T09:00:00Z");
export const UNAVAILABLE_SECRET = "whsec_test_unavailable_0123456789abcdef";

/** Registers the suite's hooks: the seeded demo as this process's database, a Stripe webhook secret; returns where the database is. */
export function useUnavailableWorld(): { location: string } {
  const world = { location: "" };
  beforeAll(async () => {
    const { path, db } = await seededDb("2026-11-20");
    await closeConnection(db);
    world.location = path;
    const vars = { ...databaseEnv(path), TEST_FIXED_NOW: UNAVAILABLE_NOW.toISOString(), STRIPE_SECRET_KEY: "sk_test_unavailable", STRIPE_WEBHOOK_SECRET: UNAVAILABLE_SECRET };
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
  return world;
}

export function stripeDelivery(id: string, padding = 0) {
  const payload = JSON.stringify({
    id,
    object: "event",
    livemode: false,
    type: "customer.created",
    data: { object: { id: "cus_1", object: "customer", description: "x".repeat(padding) } },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: UNAVAILABLE_SECRET, timestamp: Math.floor(UNAVAILABLE_NOW.getTime() / 1000) });
  return new Request(`${UNAVAILABLE_BASE}/webhooks/stripe`, { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": signature }, body: payload });
}

/** Runs the request: 503 with Retry-After, a problem that says nothing was saved, no row changed; returns the warnings logged. */
export async function expectUnavailable(run: () => unknown) {
  const warnings: string[] = [];
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
