import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freshDb, seededDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import * as calls from "~/routes/backoffice.calls";
import * as debtorList from "~/routes/backoffice.debtors._index";
import { args } from "../support/routes";
import { testEnv } from "../support/env";
import { parseEnv, resetEnvCache } from "~/env.server";
import { runCadence } from "~/services/shared/cadence.server";
import { dryRun } from "~/services/shared/dry-run.server";
import { recordInvoicePayment } from "~/services/shared/payment-recording.server";
import { callTasks, creditors, debtorContacts, debtors, invoices, outboundMessageInvoices, outboundMessages, promises } from "../../db/tables";
import { first, one, transaction, closeConnection, type Db } from "../../db/client";

const env = parseEnv(testEnv({ STORAGE_DIR: mkdtempSync(join(tmpdir(), "relance-files-")) }));
// Friday 20 November 2026, 10:00 in Paris.
const now = new Date("2026-11-20T09:00:00Z");

async function debtorWithInvoice(db: Db, kind: "business" | "consumer", name: string, dueDate: string) {
  const creditorId = first(await db.select().from(creditors))!.id;
  const debtor = one(await db.insert(debtors).values({ creditorId, kind, name, addressLine: "1 rue de la Paix", postalCode: "75002", city: "Paris" }).returning());
  await db.insert(debtorContacts).values({ debtorId: debtor.id, email: `${debtor.id}@client.example`, phone: "+33612345678", isPrimary: true });
  const invoice = one(
    await db
      .insert(invoices)
      .values({ creditorId, debtorId: debtor.id, number: `P-${debtor.id}`, amountCents: 120_00, balanceCents: 120_00, issueDate: "2024-09-01", dueDate, paymentTermsDays: 30 })
      .returning(),
  );
  return { debtor, invoice };
}

const sentTo = async (db: Db, debtorId: number) =>
  await db
    .select({ step: outboundMessages.step, channel: outboundMessages.channel })
    .from(outboundMessages)
    .innerJoin(outboundMessageInvoices, eq(outboundMessageInvoices.messageId, outboundMessages.id))
    .where(eq(outboundMessages.debtorId, debtorId));

describe("time-barred consumer debts (C. conso L218-2, L8)", () => {
  it("a consumer invoice 2 years and 1 day past due gets nothing; exactly 2 years, or a professional's, still does", async () => {
    const { db } = await seededDb("2026-11-20");
    const barred = await debtorWithInvoice(db, "consumer", "Particulier prescrit", "2024-11-19");
    const boundary = await debtorWithInvoice(db, "consumer", "Particulier au dernier jour", "2024-11-20");
    const business = await debtorWithInvoice(db, "business", "Société ancienne", "2024-11-19");

    await runCadence({ db, env, now });

    expect(await sentTo(db, barred.debtor.id)).toEqual([]);
    expect((await sentTo(db, boundary.debtor.id)).map((m) => m.step)).toContain("first_reminder");
    expect((await sentTo(db, business.debtor.id)).map((m) => m.step)).toContain("first_reminder");
  });

  it("the dry-run never shows a reminder, formal notice or letter for a time-barred consumer debt", async () => {
    const { db } = await seededDb("2026-11-20");
    const barred = await debtorWithInvoice(db, "consumer", "Particulier prescrit", "2024-11-19");
    const business = await debtorWithInvoice(db, "business", "Société ancienne", "2024-11-19");

    const rows = await dryRun(db, { from: "2026-11-20", to: "2027-01-31" });

    expect(rows.filter((r) => r.debtorId === barred.debtor.id)).toEqual([]);
    const professional = rows.filter((r) => r.debtorId === business.debtor.id).map((r) => r.what);
    expect(professional).toContain("first_reminder");
    expect(professional).toContain("formal_notice");
  });

  it("a payment or a promise since the due date starts the two years again (C. civ. 2240): the debt is chased, in the job and the dry-run", async () => {
    const { db } = await seededDb("2026-11-20");
    // Due in May 2024: two and a half years ago.
    const paid = await debtorWithInvoice(db, "consumer", "Particulier qui a payé une partie", "2024-05-01");
    const promised = await debtorWithInvoice(db, "consumer", "Particulier qui a promis", "2024-05-01");
    const silent = await debtorWithInvoice(db, "consumer", "Particulier silencieux", "2024-05-01");
    const longAgo = await debtorWithInvoice(db, "consumer", "Particulier qui a payé il y a longtemps", "2024-05-01");
    await transaction(db, async (tx) =>
      recordInvoicePayment(tx, {
        creditorId: paid.invoice.creditorId,
        debtorId: paid.debtor.id,
        invoiceId: paid.invoice.id,
        amountCents: 20_00,
        currency: "EUR",
        method: "transfer",
        provider: "test",
        providerRef: "part",
        actor: "provider",
        data: {},
        at: new Date("2026-05-20T10:00:00Z"),
      }),
    );
    await transaction(db, async (tx) =>
      recordInvoicePayment(tx, {
        creditorId: longAgo.invoice.creditorId,
        debtorId: longAgo.debtor.id,
        invoiceId: longAgo.invoice.id,
        amountCents: 20_00,
        currency: "EUR",
        method: "transfer",
        provider: "test",
        providerRef: "old",
        actor: "provider",
        data: {},
        at: new Date("2024-06-01T10:00:00Z"),
      }),
    );
    await db.insert(promises).values({
      debtorId: promised.debtor.id,
      invoiceId: promised.invoice.id,
      promisedDate: "2025-12-15",
      source: "phone",
      status: "broken",
      createdAt: new Date("2025-12-01T10:00:00Z"),
    });

    const rows = await dryRun(db, { from: "2026-11-20", to: "2027-01-31" });
    await runCadence({ db, env, now });

    for (const acknowledged of [paid, promised]) {
      expect(
        (await sentTo(db, acknowledged.debtor.id)).map((m) => m.step),
        acknowledged.debtor.name,
      ).toContain("first_reminder");
      expect(
        rows.filter((r) => r.debtorId === acknowledged.debtor.id).map((r) => r.what),
        acknowledged.debtor.name,
      ).toContain("first_reminder");
    }
    // No acknowledgment, or one more than two years ago: still time-barred.
    for (const barred of [silent, longAgo]) {
      expect(await sentTo(db, barred.debtor.id), barred.debtor.name).toEqual([]);
      expect(
        rows.filter((r) => r.debtorId === barred.debtor.id),
        barred.debtor.name,
      ).toEqual([]);
    }
  });

  it("the call list and the debtor list count from the last acknowledgment too: an acknowledged old debt is called and not shown as time-barred", async () => {
    const { db: seedConn, path } = freshDb();
    await seedDemo(seedConn, { today: "2026-11-20", passwordHash: await hashPassword(DEMO_LOGIN.password) });
    const paid = await debtorWithInvoice(seedConn, "consumer", "Particulier qui a payé une partie", "2024-05-01");
    const silent = await debtorWithInvoice(seedConn, "consumer", "Particulier silencieux", "2024-05-01");
    await transaction(seedConn, async (tx) =>
      recordInvoicePayment(tx, {
        creditorId: paid.invoice.creditorId,
        debtorId: paid.debtor.id,
        invoiceId: paid.invoice.id,
        amountCents: 20_00,
        currency: "EUR",
        method: "transfer",
        provider: "test",
        providerRef: "part",
        actor: "provider",
        data: {},
        at: new Date("2026-05-20T10:00:00Z"),
      }),
    );
    for (const { debtor } of [paid, silent]) {
      await seedConn
        .insert(callTasks)
        .values({ creditorId: debtor.creditorId, debtorId: debtor.id, reason: "Appel prévu par la relance", dueAt: new Date("2026-11-19T09:00:00Z") });
    }
    await closeConnection(seedConn);
    useDatabase(path);
    process.env.TEST_FIXED_NOW = now.toISOString();
    resetEnvCache();
    closeDb();
    try {
      const cookie = (await signInStaff(getDb(), DEMO_LOGIN.email, DEMO_LOGIN.password, now))!.split(";")[0]!;
      const request = (url: string) => args(new Request(`http://localhost${url}`, { headers: { Cookie: cookie } }));

      const callList = await calls.loader(request("/backoffice/calls"));
      const called = callList.rows.map((r) => r.debtorId);
      expect(called).toContain(paid.debtor.id);
      expect(called).not.toContain(silent.debtor.id);

      const stateOf = async (name: string) => {
        const page = (await debtorList.loader(request(`/backoffice/debtors?q=${encodeURIComponent(name)}`))) as { debtors: { id: number; state: string }[] };
        return page.debtors.map((d) => d.state);
      };
      expect(await stateOf("Particulier qui a payé une partie")).toEqual(["overdue"]);
      expect(await stateOf("Particulier silencieux")).toEqual(["time_barred"]);
    } finally {
      closeDb();
      delete process.env.TEST_FIXED_NOW;
      resetEnvCache();
    }
  });
});
