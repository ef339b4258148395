import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { seededDb } from "../support/db";
import { testEnv } from "../support/env";
import { parseEnv } from "~/env.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { queueNotice, sendNoticeNow } from "~/services/shared/notices.server";
import { loadCadenceStates } from "~/services/shared/cadence.server";
import { devOutbox, outboundMessages } from "../../db/tables";
import { first, transaction, type Db } from "../../db/client";

const env = parseEnv(testEnv({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "relance-files-")) }));
// A Sunday night: reminders wait for Monday, a notice the debtor caused does not.
const sundayNight = new Date("2026-11-22T22:30:00Z");

function deps(db: Db) {
  return { db, env, email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: sundayNight };
}

describe("notices (confirmations and codes the debtor caused)", () => {
  it("leave at once, whatever the hour, with the title as subject and each line in the body", async () => {
    const { db } = await seededDb("2026-11-20");
    const id = await transaction(db, async (tx) =>
      queueNotice(tx, env, { debtorId: 1, key: "promise-1", title: "Engagement enregistré", lines: ["Relances suspendues jusqu'au 12 mars."] }, sundayNight),
    );
    await sendNoticeNow(deps(db), id);
    const sent = first(await db.select().from(outboundMessages).where(eq(outboundMessages.id, id!)))!;
    expect(sent.status).toBe("sent");
    const kept = first(await db.select().from(devOutbox).where(eq(devOutbox.idempotencyKey, sent.key)))!;
    expect(kept.subject).toContain("Engagement enregistré");
    expect(kept.text).toContain("Relances suspendues jusqu'au 12 mars.");
    expect(kept.text).toContain("/l/");
  });

  it("are queued once per key, and a code goes without a link, by SMS when asked", async () => {
    const { db } = await seededDb("2026-11-20");
    const notice = { debtorId: 1, key: "code-1", title: "Code : 123456", lines: [], channel: "sms-first" as const, withLink: false };
    const initial = await transaction(db, async (tx) => queueNotice(tx, env, notice, sundayNight));
    const again = await transaction(db, async (tx) => queueNotice(tx, env, notice, sundayNight));
    expect(initial).not.toBeNull();
    expect(again).toBeNull();
    await sendNoticeNow(deps(db), initial);
    const row = first(await db.select().from(outboundMessages).where(eq(outboundMessages.id, initial!)))!;
    expect(row.channel).toBe("sms");
    expect(row.linkId).toBeNull();
    expect((await db.select().from(devOutbox).where(eq(devOutbox.channel, "sms"))).map((m) => m.text)).toEqual(["Code : 123456"]);
  });

  it("do not count as reminders: the cadence's contact history ignores them", async () => {
    const { db } = await seededDb("2026-11-20");
    const id = await transaction(db, async (tx) => queueNotice(tx, env, { debtorId: 1, key: "x", title: "Merci", lines: [] }, sundayNight));
    await sendNoticeNow(deps(db), id);
    const [state] = await loadCadenceStates(db, sundayNight, [1]);
    expect(state?.state.contacts).toEqual([]);
  });
});
