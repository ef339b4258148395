import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { sqliteClient } from "../../db/client";
import { expectUnavailable, stripeDelivery, useUnavailableWorld } from "../support/unavailable";
import { getDb } from "~/db.server";
import * as stripeRoute from "~/routes/webhooks.stripe";
import { args } from "../support/routes";

/**
 * Item 8, the full disk: SQLite's max_page_count lets a test stop the file from growing. (PostgreSQL
 * reports a full disk as 53100, in storage-unavailable's list; no test here can fill its disk.)
 */
const world = useUnavailableWorld();

describe("a route without a page when the disk is full", () => {
  it("a full disk (the database may not grow): 503, and the transaction leaves nothing behind", async () => {
    const sqlite = sqliteClient(getDb())!;
    const pages = sqlite.pragma("page_count", { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`);
    await expectUnavailable(() => stripeRoute.action(args(stripeDelivery("evt_full_1", 200_000))));
    expect(readdirSync(world.location.replace(/[^/]+$/, "")).some((f) => f.endsWith("-journal"))).toBe(false);
  });
});
