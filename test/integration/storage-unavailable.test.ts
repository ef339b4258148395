import { describe, expect, it } from "vitest";
import pg from "pg";
import { sqliteClient } from "../../db/client";
import { holdWriteLock } from "../support/db";
import { expectUnavailable, stripeDelivery, UNAVAILABLE_BASE, useUnavailableWorld } from "../support/unavailable";
import { getDb } from "~/db.server";
import * as stripeRoute from "~/routes/webhooks.stripe";
import { args } from "../support/routes";

/**
 * Item 8: a route without a page (webhook, API, download) answers 503 with Retry-After when the
 * database is locked past the busy timeout or read-only, and nothing is half-saved. On both engines;
 * a full disk, which only a SQLite file lets a test cause, is in storage-full.test.ts.
 */
const world = useUnavailableWorld();

/** Until the returned function runs, the database takes no write: SQLite's query_only, PostgreSQL's read-only default (new connections). */
async function makeReadOnly(): Promise<() => Promise<void>> {
  const sqlite = sqliteClient(getDb());
  if (sqlite) {
    sqlite.pragma("query_only = 1");
    return async () => void sqlite.pragma("query_only = 0");
  }
  const admin = new pg.Client({ connectionString: world.location });
  await admin.connect();
  const name = (await admin.query<{ name: string }>("select current_database() as name")).rows[0]!.name;
  await admin.query(`alter database "${name}" set default_transaction_read_only = on`);
  await admin.end();
  return async () => {
    const reset = new pg.Client({ connectionString: world.location });
    await reset.connect();
    await reset.query("set default_transaction_read_only = off");
    await reset.query(`alter database "${name}" reset default_transaction_read_only`);
    await reset.end();
  };
}

describe("routes without a page when the database cannot write", () => {
  it("a webhook while another connection holds the write lock past the busy timeout: 503, Retry-After, stored nowhere", async () => {
    getDb();
    const release = await holdWriteLock(world.location);
    try {
      const logged = await expectUnavailable(() => stripeRoute.action(args(stripeDelivery("evt_busy_1"))));
      expect(logged.join("\n")).toMatch(/\[busy\] (SQLITE_BUSY|55P03) while serving POST \/webhooks\/stripe: answered 503/);
    } finally {
      await release();
    }
    // Stripe retries: the same event then goes in once.
    expect(((await stripeRoute.action(args(stripeDelivery("evt_busy_1")))) as Response).status).toBe(200);
  }, 20_000);

  it("a read-only database: 503 for a webhook", async () => {
    const restore = await makeReadOnly();
    try {
      await expectUnavailable(() => stripeRoute.action(args(stripeDelivery("evt_readonly_1"))));
    } finally {
      await restore();
    }
  });

  it("a page asked by a browser (a download) gets the French page rather than JSON", async () => {
    const { unavailableResponse } = await import("~/services/http/unavailable.server");
    const page = unavailableResponse(new Request(`${UNAVAILABLE_BASE}/backoffice/export.csv`, { headers: { Accept: "text/html,application/xhtml+xml" } }));
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("Rien n'a été enregistré");
  });
});
