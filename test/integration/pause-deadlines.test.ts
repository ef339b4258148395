import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { freshDb } from "../support/db";
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
import { debtors, devOutbox, installmentPlanInvoices, installmentPlans, invoices, outboundMessageInvoices, outboundMessages, staffUsers, timelineEvents } from "../../db/schema";

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
  seedDemo(seedConn, { today: "2026-11-16", passwordHash: await hashPassword(DEMO_LOGIN.password) });
  process.env.DATABASE_PATH = path;
  process.env.STORAGE_DIR = mkdtempSync(join(tmpdir(), "relance-files-"));
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  cookie = (await signInStaff(db, DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  // Someone with an overdue invoice and nothing else holding it proposes a plan on Monday the 16th.
  const invoice = db
    .select()
    .from(invoices)
    .where(sql`${invoices.status} = 'open' and ${invoices.dueDate} < '2026-11-01' and not exists (select 1 from installment_plans p where p.debtor_id = ${invoices.debtorId}) and not exists (select 1 from disputes d where d.debtor_id = ${invoices.debtorId}) and not exists (select 1 from promises p where p.debtor_id = ${invoices.debtorId}) and not exists (select 1 from cadence_pauses p where p.debtor_id = ${invoices.debtorId})`)
    .get()!;
  debtorId = invoice.debtorId;
  invoiceId = invoice.id;
  planId = db.insert(installmentPlans).values({ debtorId, totalCents: invoice.balanceCents, currency: "EUR", status: "pending_review", createdAt: new Date("2026-11-16T10:00:00Z") }).returning().get().id;
  db.insert(installmentPlanInvoices).values({ planId, invoiceId: invoice.id }).run();
});

describe("a plan under review that nobody decides", () => {
  it("holds the cadence for 5 business days, then is raised to the owners and the debtor is told reminders resume", async () => {
    const db = getDb();
    const status = () => db.select().from(installmentPlans).where(eq(installmentPlans.id, planId)).get()!.status;
    // Reminders about the invoice in the plan (the debtor's other invoices keep their own schedule).
    const chasing = () => db.select().from(outboundMessageInvoices).where(eq(outboundMessageInvoices.invoiceId, invoiceId)).all();
    const held = (at: string) => loadCadenceStates(db, new Date(at), [debtorId])[0]!.state.invoices.find((i) => i.id === invoiceId)!.inPlan;
    const before = chasing().length;
    // Monday the 23rd, the fifth business day: still the staff's to decide, the invoice still held.
    await job("2026-11-23T15:00:00Z");
    expect(status()).toBe("pending_review");
    expect(chasing()).toHaveLength(before);
    expect(held("2026-11-23T15:00:00Z")).toBe(true);
    expect((await dashboard.loader(args(new Request(`${BASE}/backoffice`, { headers: { Cookie: cookie } })))).lapsedPlans).toEqual([]);

    await job(NOW);
    expect(status()).toBe("lapsed");
    expect(db.select().from(timelineEvents).where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "plan.review_lapsed"))).all()).toHaveLength(1);
    // The debtor is told, in their language, and the cadence takes the invoice up again.
    const notice = db.select().from(outboundMessages).where(eq(outboundMessages.key, `notice:plan-${planId}-lapsed:email`)).get()!;
    expect(notice.status).toBe("sent");
    expect(notice.bodyText).toMatch(/n'a pas encore été examinée|has not been reviewed yet/);
    expect(held(NOW)).toBe(false);
    // Every active owner gets an email; the dashboard lists the plan.
    const owners = db.select().from(staffUsers).where(and(eq(staffUsers.role, "owner"), sql`${staffUsers.disabledAt} is null`)).all();
    const debtorName = db.select().from(debtors).where(eq(debtors.id, debtorId)).get()!.name;
    const mails = db.select().from(devOutbox).where(sql`${devOutbox.subject} like ${`Échéancier de ${debtorName}%`}`).all();
    expect(mails.map((m) => m.toAddress).sort()).toEqual(owners.map((o) => o.email).sort());
    expect(mails[0]!.text).toContain("5 jours ouvrés");
    expect(mails[0]!.text).toContain(`/backoffice/debtors/${debtorId}`);
    // Queued in the outbox with the lapse itself, so a crash after the lapse cannot lose them.
    const alerts = db.select().from(outboundMessages).where(and(eq(outboundMessages.debtorId, debtorId), eq(outboundMessages.step, "staff_alert"))).all();
    expect(alerts.map((m) => [m.toAddress, m.status]).sort()).toEqual(owners.map((o) => [o.email, "sent"]).sort());
    const page = await dashboard.loader(args(new Request(`${BASE}/backoffice`, { headers: { Cookie: cookie } })));
    expect(page.lapsedPlans.map((p) => p.id)).toContain(planId);

    // A second pass changes nothing and sends nothing more.
    const sent = db.select({ n: sql<number>`count(*)` }).from(devOutbox).get()!.n;
    await job("2026-11-24T09:05:00Z");
    expect(db.select({ n: sql<number>`count(*)` }).from(devOutbox).get()!.n).toBe(sent);
  });
});
