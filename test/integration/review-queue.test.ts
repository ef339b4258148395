import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { freshDb, useDatabase } from "../support/db";
import { seedDemo, DEMO_LOGIN } from "../../db/seed";
import { resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { hashPassword } from "~/services/auth/passwords.server";
import { signInStaff } from "~/services/auth/staff-auth.server";
import { loadCadenceStates } from "~/services/shared/cadence.server";
import * as review from "~/routes/backoffice.review";
import * as files from "~/routes/backoffice.files.$kind.$id";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  cadencePauses,
  creditors,
  debtors,
  devOutbox,
  disputeFiles,
  disputes,
  installmentPlanInvoices,
  installmentPlans,
  installments,
  invoices,
  paymentClaims,
  payments,
  staffUsers,
  timelineEvents,
} from "../../db/tables";
import { args, staffCsrf } from "../support/routes";
import { first, one } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";

let cookie: string;
let readOnly: string;

async function decide(fields: Record<string, string>, as = cookie) {
  const request = new Request(`${BASE}/backoffice/review`, {
    method: "POST",
    headers: { Origin: BASE, Cookie: as },
    body: new URLSearchParams({ csrf: staffCsrf(as), ...fields }),
  });
  try {
    return (await review.action(args(request))) as unknown as { data: { fields: Record<string, string> }; init: { status: number } };
  } catch (thrown) {
    return thrown as Response;
  }
}
const status = (r: unknown) => (r instanceof Response ? r.status : (r as { init: { status: number } }).init.status);

/** A debtor with open invoices and no other business pending, one per scenario. */
async function debtorWithOpenInvoices(skip: number) {
  const db = getDb();
  const rows = await db
    .select({ id: debtors.id })
    .from(debtors)
    .where(sql`(select count(*) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open') >= 1`)
    .orderBy(debtors.id);
  const debtorId = rows[skip]!.id;
  const open = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open")));
  return { debtorId, open };
}

async function planFor(debtorId: number, invoice: typeof invoices.$inferSelect) {
  const db = getDb();
  const plan = one(await db.insert(installmentPlans).values({ debtorId, totalCents: invoice.balanceCents, currency: "EUR", status: "pending_review" }).returning());
  await db.insert(installmentPlanInvoices).values({ planId: plan.id, invoiceId: invoice.id });
  const half = Math.floor(invoice.balanceCents / 2);
  await db.insert(installments).values([
    { planId: plan.id, position: 1, dueDate: "2026-12-15", amountCents: invoice.balanceCents - half },
    { planId: plan.id, position: 2, dueDate: "2027-01-15", amountCents: half },
  ]);
  return plan.id;
}

beforeAll(async () => {
  const { db, path } = freshDb();
  const hash = await hashPassword(DEMO_LOGIN.password);
  await seedDemo(db, { today: "2026-11-20", passwordHash: hash });
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const creditorId = first(await getDb().select().from(staffUsers))!.creditorId;
  await getDb().insert(staffUsers).values({ creditorId, email: "lecture@atelier-durand.fr", name: "Lecteur", role: "read_only", passwordHash: hash });
  cookie = (await signInStaff(getDb(), DEMO_LOGIN.email, DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
  readOnly = (await signInStaff(getDb(), "lecture@atelier-durand.fr", DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
});

describe("the review queue", () => {
  it("lists what waits for a decision", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(0);
    await planFor(debtorId, open[0]!);
    const page = await review.loader(args(new Request(`${BASE}/backoffice/review`, { headers: { Cookie: cookie } })));
    expect(page.plans.map((p) => p.debtorId)).toContain(debtorId);
    expect(page.plans[0]!.schedule).toHaveLength(2);
  });

  it("lists the documents debtors asked for with the date their pause ends, and flags decisions left past their deadline", async () => {
    const db = getDb();
    const { debtorId, open } = await debtorWithOpenInvoices(7);
    const pause = one(
      await db
        .insert(cadencePauses)
        .values({
          debtorId,
          invoiceId: open[0]!.id,
          reason: "document_requested",
          startsAt: new Date("2026-11-19T10:00:00Z"),
          endsAt: new Date("2026-11-26T10:00:00Z"),
          owner: "system",
          note: "Duplicata de la facture",
        })
        .returning(),
    );
    // Today is Friday 20 November: opened on the 5th, 10 business days ago (11 November off), is on time; on the 4th, late.
    const onTime = one(
      await db
        .insert(disputes)
        .values({ debtorId, invoiceId: open[0]!.id, reason: "quality", message: "Pieds rayés", createdAt: new Date("2026-11-05T10:00:00Z") })
        .returning(),
    );
    const late = one(
      await db
        .insert(disputes)
        .values({ debtorId, invoiceId: open[0]!.id, reason: "quality", message: "Porte voilée", createdAt: new Date("2026-11-04T10:00:00Z") })
        .returning(),
    );
    const page = await review.loader(args(new Request(`${BASE}/backoffice/review`, { headers: { Cookie: cookie } })));
    expect(page.documents.find((d) => d.id === pause.id)).toMatchObject({ debtorId, invoiceNumber: open[0]!.number, until: "26 novembre 2026", note: "Duplicata de la facture" });
    expect(page.disputes.find((d) => d.id === onTime.id)?.late).toBe(false);
    expect(page.disputes.find((d) => d.id === late.id)?.late).toBe(true);
    await db.delete(disputes).where(sql`${disputes.id} in (${onTime.id}, ${late.id})`);
    await db
      .update(cadencePauses)
      .set({ resolvedAt: new Date(NOW) })
      .where(eq(cadencePauses.id, pause.id));
  });

  it("accepts a plan: the debtor is told, and the cadence now follows the plan's own reminders", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(1);
    const planId = await planFor(debtorId, open[0]!);
    expect(status(await decide({ intent: "plan-accept", id: String(planId) }))).toBe(303);
    const db = getDb();
    expect(first(await db.select().from(installmentPlans).where(eq(installmentPlans.id, planId)))!.status).toBe("accepted");
    expect(
      await db
        .select()
        .from(timelineEvents)
        .where(and(eq(timelineEvents.debtorId, debtorId), eq(timelineEvents.type, "plan.decided"))),
    ).toHaveLength(1);
    expect(
      (
        await db
          .select()
          .from(devOutbox)
          .where(sql`${devOutbox.subject} like '%échéancier est accepté%'`)
      ).length,
    ).toBeGreaterThan(0);
    const [loaded] = await loadCadenceStates(db, new Date(NOW), [debtorId]);
    expect(loaded!.state.plan?.status).toBe("accepted");
    // Decided once: a second click finds nothing to decide.
    expect(status(await decide({ intent: "plan-accept", id: String(planId) }))).toBe(409);
  });

  it("refuses a rejection without a reason the debtor can read; with one, the cadence resumes", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(2);
    const planId = await planFor(debtorId, open[0]!);
    const missing = await decide({ intent: "plan-reject", id: String(planId), reason: "" });
    expect(status(missing)).toBe(400);
    expect((missing as { data: { fields: Record<string, string> } }).data.fields.reason).toMatch(/le client lira ce motif/);
    expect(first(await getDb().select().from(installmentPlans).where(eq(installmentPlans.id, planId)))!.status).toBe("pending_review");
    expect(status(await decide({ intent: "plan-reject", id: String(planId), reason: "Durée trop longue pour ce montant" }))).toBe(303);
    const [loaded] = await loadCadenceStates(getDb(), new Date(NOW), [debtorId]);
    expect(loaded!.state.plan).toBeNull();
    expect(loaded!.state.invoices.every((i) => !i.inPlan)).toBe(true);
  });

  it("does not let a read-only member decide", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(3);
    const planId = await planFor(debtorId, open[0]!);
    expect(status(await decide({ intent: "plan-accept", id: String(planId) }, readOnly))).toBe(403);
  });

  it("resolves a founded dispute with a credit note no larger than the balance, and the invoice is chased for the rest", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(4);
    const invoice = open[0]!;
    const db = getDb();
    const dispute = one(await db.insert(disputes).values({ debtorId, invoiceId: invoice.id, reason: "amount", message: "Remise oubliée" }).returning());
    const tooMuch = await decide({ intent: "dispute-founded", id: String(dispute.id), resolution: "credit_note", amount: String(invoice.balanceCents) + ",00" });
    expect(status(tooMuch)).toBe(400);
    expect(first(await db.select().from(invoices).where(eq(invoices.id, invoice.id)))!.balanceCents).toBe(invoice.balanceCents);
    expect(status(await decide({ intent: "dispute-founded", id: String(dispute.id), resolution: "credit_note", amount: "100" }))).toBe(303);
    expect(first(await db.select().from(invoices).where(eq(invoices.id, invoice.id)))).toMatchObject({ balanceCents: invoice.balanceCents - 10_000, status: "open" });
    const [loaded] = await loadCadenceStates(db, new Date(NOW), [debtorId]);
    expect(loaded!.state.invoices.find((i) => i.id === invoice.id)?.openDispute).toBe(false);
  });

  it("cancels an invoice on a founded dispute: nothing left to chase and no thank-you", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(5);
    const invoice = open[0]!;
    const dispute = one(await getDb().insert(disputes).values({ debtorId, invoiceId: invoice.id, reason: "not_received", message: "Jamais livré" }).returning());
    expect(status(await decide({ intent: "dispute-founded", id: String(dispute.id), resolution: "cancelled" }))).toBe(303);
    expect(first(await getDb().select().from(invoices).where(eq(invoices.id, invoice.id)))).toMatchObject({ balanceCents: 0, status: "cancelled" });
  });

  it("confirms an 'already paid' claim: the payment is recorded once, the hold is lifted, the debtor is told", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(6);
    const invoice = open[0]!;
    const db = getDb();
    const claim = one(
      await db
        .insert(paymentClaims)
        .values({ debtorId, invoiceId: invoice.id, paidOn: "2026-11-18", amountCents: invoice.balanceCents, method: "transfer", reference: "VIR 123" })
        .returning(),
    );
    await db.insert(cadencePauses).values({ debtorId, invoiceId: invoice.id, reason: "payment_claimed", startsAt: new Date(NOW), owner: "staff" });
    const amount = (invoice.balanceCents / 100).toFixed(2).replace(".", ",");
    expect(status(await decide({ intent: "claim-confirm", id: String(claim.id), amount }))).toBe(303);
    expect(first(await db.select().from(invoices).where(eq(invoices.id, invoice.id)))).toMatchObject({ balanceCents: 0, status: "paid" });
    expect(await db.select().from(payments).where(eq(payments.invoiceId, invoice.id))).toHaveLength(1);
    expect(
      await db
        .select()
        .from(cadencePauses)
        .where(and(eq(cadencePauses.invoiceId, invoice.id), sql`${cadencePauses.resolvedAt} is null`)),
    ).toEqual([]);
    expect(status(await decide({ intent: "claim-confirm", id: String(claim.id), amount }))).toBe(409);
    expect(await db.select().from(payments).where(eq(payments.invoiceId, invoice.id))).toHaveLength(1);
  });

  it("rejects a claim with a reason: the invoice is chased again", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(7);
    const invoice = open[0]!;
    const db = getDb();
    const claim = one(await db.insert(paymentClaims).values({ debtorId, invoiceId: invoice.id, paidOn: "2026-11-18", amountCents: 5000, method: "cheque" }).returning());
    await db.insert(cadencePauses).values({ debtorId, invoiceId: invoice.id, reason: "payment_claimed", startsAt: new Date(NOW), owner: "staff" });
    expect(status(await decide({ intent: "claim-reject", id: String(claim.id), reason: "Aucun chèque reçu à ce jour" }))).toBe(303);
    const [loaded] = await loadCadenceStates(db, new Date(NOW), [debtorId]);
    expect(loaded!.state.pauses.filter((p) => p.invoiceId === invoice.id)).toEqual([]);
    expect(first(await db.select().from(paymentClaims).where(eq(paymentClaims.id, claim.id)))!.status).toBe("rejected");
  });

  it("lets staff download a dispute's file as an attachment, and only their creditor's", async () => {
    const { debtorId, open } = await debtorWithOpenInvoices(8);
    const db = getDb();
    const dispute = one(await db.insert(disputes).values({ debtorId, invoiceId: open[0]!.id, reason: "quality", message: "Peinture écaillée" }).returning());
    const path = join(mkdtempSync(join(tmpdir(), "relance-upload-")), "x.pdf");
    writeFileSync(path, "%PDF-1.7 photo");
    const file = one(
      await db.insert(disputeFiles).values({ disputeId: dispute.id, storagePath: path, originalName: "photo.pdf", contentType: "application/pdf", sizeBytes: 14 }).returning(),
    );
    const page = await review.loader(args(new Request(`${BASE}/backoffice/review`, { headers: { Cookie: cookie } })));
    expect(page.disputes.find((d) => d.id === dispute.id)?.fileIds).toEqual([file.id]);
    const get = (as: string) => new Request(`${BASE}/backoffice/files/dispute/${file.id}`, { headers: { Cookie: as } });
    const response = (await files.loader({ request: get(cookie), params: { kind: "dispute", id: String(file.id) }, context: {} })) as Response;
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="photo.pdf"/);
    expect(await response.text()).toBe("%PDF-1.7 photo");
    const unknownKind = await files.loader({ request: get(cookie), params: { kind: "letter", id: String(file.id) }, context: {} }).catch((r: Response) => r);
    expect((unknownKind as Response).status).toBe(404);

    // Staff of another creditor get the same 404 as for a missing file.
    const other = one(await db.insert(creditors).values({ legalName: "Autre SARL", addressLine: "1 rue", postalCode: "75001", city: "Paris", email: "a@autre.fr" }).returning());
    await db
      .insert(staffUsers)
      .values({ creditorId: other.id, email: "x@autre.fr", name: "X", role: "owner", passwordHash: first(await db.select().from(staffUsers))!.passwordHash });
    const stranger = (await signInStaff(db, "x@autre.fr", DEMO_LOGIN.password, new Date(NOW)))!.split(";")[0]!;
    const refused = await files.loader({ request: get(stranger), params: { kind: "dispute", id: String(file.id) }, context: {} }).catch((r: Response) => r);
    expect((refused as Response).status).toBe(404);
  });
});
