import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { args } from "../support/routes";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { closeDb, getDb } from "~/db.server";
import { getEnv, resetEnvCache } from "~/env.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import * as dashboard from "~/routes/backoffice._index";
import { loadCadenceStates } from "~/services/shared/cadence.server";
import { tick } from "../../jobs/tick";
import { debtors, devOutbox, installmentPlanInvoices, installmentPlans, invoices, outboundMessageInvoices, outboundMessages, staffUsers, timelineEvents } from "../../db/tables";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
// Tuesday 24 November 2026: the sixth business day after Monday the 16th.
const NOW = "2026-11-24T09:00:00Z";
let cookie: string;
let planId: number;
let debtorId: number;
let invoiceId: number;

const job = (at: string) => {
  const db = getDb();
  return tick({ db, env: getEnv(), email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: new Date(at) });
};

beforeAll(async () => {
  const { db: seedConn, path } = freshDb();
  await seedDemo(seedConn, { today: "2026-11-16", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  useDatabase(path);
  process.env.STORAGE_DIR = mkdtempSync(join(tmpdir(), "relance-files-"));
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  // Someone with an overdue invoice and nothing else holding it proposes a plan on Monday the 16th.
  const invoice = first(
    await db
      .select()
      .from(invoices)
      .where(
        sql`${invoices.status} = 'open' and ${invoices.dueDate} < '2026-11-01' and not exists (select 1 from installment_plans p where p.debtor_id = ${invoices.debtorId}) and not exists (select 1 from disputes d where d.debtor_id = ${invoices.debtorId}) and not exists (select 1 from promises p where p.debtor_id = ${invoices.debtorId}) and not exists (select 1 from cadence_pauses p where p.debtor_id = ${invoices.debtorId})`,
      ),
  )!;
  debtorId = invoice.debtorId;
  invoiceId = invoice.id;
  planId = one(
    await db
      .insert(installmentPlans)
      .values({ debtorId, totalCents: invoice.balanceCents, currency: "EUR", status: "pending_review", createdAt: new Date("2026-11-16T10:00:00Z") })
      .returning(),
  ).id;
  await db.insert(installmentPlanInvoices).values({ planId, invoiceId: invoice.id });
});

describe("a plan under review that nobody decides", () => {
  it("holds the cadence for 5 business days, then is raised to the owners and the debtor is told reminders resume", async () => {
    const db = getDb();
    const status = async () => first(await db.select().from(installmentPlans).where(eq(installmentPlans.id, planId)))!.status;
    // Reminders about the invoice in the plan (the debtor's other invoices keep their own schedule).
    const chasing = async () => await db.select().from(outboundMessageInvoices).where(eq(outboundMessageInvoices.invoiceId, invoiceId));
    const held = async (at: string) => (await loadCadenceStates(db, new Date(at), [debtorId]))[0]!.state.invoices.find((i) => i.id === invoiceId)!.inPlan;
    const before = (await chasing()).length;
    // Monday the 23rd, the fifth business day: still the staff's to decide, the invoice still held.
    await job("2026-11-23T15:00:00Z");
    expect(await status()).toBe("pending_review");
    expect(await chasing()).toHaveLength(before);
    expect(await held("2026-11-23T15:00:00Z")).toBe(true);
    expect((await dashboard.loader(args(new Request(`${BASE}/backoffice`, { headers: { Cookie: cookie } })))).lapsedPlans).toEqual([]);

    await job(NOW);
    expect(await status()).toBe("lapsed");
    expect(
      await db
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "plan.review_lapsed"))),
    ).toHaveLength(1);
    // The debtor is told, in their language, and the cadence takes the invoice up again.
    const notice = first(
      await db
        .select()
        .from(outboundMessages)
        .where(eq(outboundMessages.key, `notice:plan-${planId}-lapsed:email`)),
    )!;
    expect(notice.status).toBe("sent");
    expect(notice.bodyText).toMatch(/n'a pas encore été examinée|has not been reviewed yet/);
    expect(await held(NOW)).toBe(false);
    // Every active owner gets an email; the dashboard lists the plan.
    const owners = await db
      .select()
      .from(staffUsers)
      .where(and(eq(staffUsers.role, "owner"), sql`${staffUsers.disabledAt} is null`));
    const debtorName = first(await db.select().from(debtors).where(eq(debtors.id, debtorId)))!.name;
    const mails = await db
      .select()
      .from(devOutbox)
      .where(sql`${devOutbox.subject} like ${`Échéancier de ${debtorName}%`}`);
    expect(mails.map((m) => m.toAddress).sort()).toEqual(owners.map((o) => o.email).sort());
    expect(mails[0]!.text).toContain("5 jours ouvrés");
    expect(mails[0]!.text).toContain(`/backoffice/debtors/${debtorId}`);
    // Queued in the outbox with the lapse itself, so a crash after the lapse cannot lose them.
    const alerts = await db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.debtorId, debtorId), eq(outboundMessages.step, "staff_alert")));
    expect(alerts.map((m) => [m.toAddress, m.status]).sort()).toEqual(owners.map((o) => [o.email, "sent"]).sort());
    const page = await dashboard.loader(args(new Request(`${BASE}/backoffice`, { headers: { Cookie: cookie } })));
    expect(page.lapsedPlans.map((p) => p.id)).toContain(planId);

    // A second pass changes nothing and sends nothing more.
    const sent = first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(devOutbox))!.n;
    await job("2026-11-24T09:05:00Z");
    expect(first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(devOutbox))!.n).toBe(sent);
  });
});
