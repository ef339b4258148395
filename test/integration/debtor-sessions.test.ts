import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { openTestDatabase, seededDb } from "../support/db";
import { closeConnection, first, one } from "../../db/client";
import { debtorLinks, debtors } from "../../db/tables";
import { getDebtorSession, startDebtorSession } from "~/services/auth/debtor-sessions.server";
import { getDebtorForPortal } from "~/models/portal.server";

const NOW = new Date("2026-11-20T09:00:00Z");
const HOUR = 3_600_000;

function requestWith(setCookie: string) {
  return new Request("http://localhost:4310/portal", { headers: { Cookie: setCookie.split(";")[0]! } });
}

// The session and debtor lookups run as statements prepared once per connection: same answers as before.
describe("debtor sessions read through prepared statements", () => {
  it("finds a live session, and nothing once it has expired or for an unknown id", async () => {
    const { db } = await seededDb("2026-11-20");
    const debtor = first(await db.select().from(debtors).limit(1))!;
    const link = one(
      await db
        .insert(debtorLinks)
        .values({
          jti: "jti-sessions-1",
          kid: "test-2026-11",
          debtorId: debtor.id,
          scope: [],
          channel: "email",
          issuedAt: NOW,
          expiresAt: new Date(NOW.getTime() + 30 * 24 * HOUR),
        })
        .returning(),
    );
    const cookie = await startDebtorSession(db, { debtorId: debtor.id, linkId: link.id, now: NOW });
    const request = requestWith(cookie);
    expect((await getDebtorSession(db, request, new Date(NOW.getTime() + 8 * HOUR - 1)))?.debtorId).toBe(debtor.id);
    expect(await getDebtorSession(db, request, new Date(NOW.getTime() + 8 * HOUR))).toBeNull();
    expect(await getDebtorSession(db, requestWith("__Host-sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), NOW)).toBeNull();
  });

  it("keeps one prepared statement per connection, so a second database answers for itself", async () => {
    const initial = await seededDb("2026-11-20");
    expect((await getDebtorForPortal(initial.db, 1))?.name).not.toBe("Renamed SARL");
    const second = openTestDatabase(initial.path);
    await second.update(debtors).set({ name: "Renamed SARL" }).where(eq(debtors.id, 1));
    await closeConnection(initial.db);
    expect((await getDebtorForPortal(second, 1))?.name).toBe("Renamed SARL");
    const other = (await seededDb("2026-11-20")).db;
    expect((await getDebtorForPortal(other, 1))?.name).not.toBe("Renamed SARL");
    expect(await getDebtorForPortal(other, 999_999)).toBeUndefined();
  });
});
