import { beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { seededDb, useDatabase } from "../support/db";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { insertLink, signLink } from "~/services/shared/links.server";
import { recordInvoicePayment, type ReceivedPayment } from "~/services/shared/payment-recording.server";
import { receiptPdfLines } from "~/services/documents/receipt-pdf.server";
import * as landing from "~/routes/l.$token";
import * as portal from "~/routes/portal._index";
import * as receipt from "~/routes/portal.documents.receipts.$paymentId";
import { debtorContacts, debtors, installmentPlans, installments, invoices, payments, promises } from "../../db/tables";
import { args, outcome } from "../support/routes";
import { first, one, transaction } from "../../db/client";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";

async function signIn(debtorId: number): Promise<string> {
  const env = getEnv();
  const token = await signLink(env, await insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) }));
  const request = new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() });
  const response = (await outcome(() => landing.action(args(request, { token })))) as Response;
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

const get = (path: string, cookie: string) => new Request(`${BASE}${path}`, { headers: { Cookie: cookie } });
const home = async (cookie: string) => portal.loader(args(get("/portal", cookie)));

/** An invoice of this debtor, as the creditor's import would have created it. */
async function addInvoice(debtorId: number, number: string, amountCents: number) {
  const db = getDb();
  const debtor = first(await db.select().from(debtors).where(eq(debtors.id, debtorId)))!;
  return one(
    await db
      .insert(invoices)
      .values({ creditorId: debtor.creditorId, debtorId, number, amountCents, balanceCents: amountCents, issueDate: "2025-09-01", dueDate: "2025-10-01", paymentTermsDays: 30 })
      .returning(),
  );
}

async function pay(invoice: { id: number; creditorId: number; debtorId: number }, amountCents: number, method: ReceivedPayment["method"], at: string, providerRef: string) {
  await transaction(getDb(), async (tx) =>
    recordInvoicePayment(tx, {
      creditorId: invoice.creditorId,
      debtorId: invoice.debtorId,
      invoiceId: invoice.id,
      amountCents,
      currency: "EUR",
      method,
      provider: "test",
      providerRef,
      actor: "provider",
      data: {},
      at: new Date(at),
    }),
  );
}

const paymentIds = async (invoiceId: number, kind: "payment" | "overpayment") =>
  (
    await getDb()
      .select({ id: payments.id })
      .from(payments)
      .where(and(eq(payments.invoiceId, invoiceId), eq(payments.kind, kind)))
  ).map((p) => p.id);

let martin: number;
let thames: number;
let garage: number;

/** A promise as the portal, a call or staff would have recorded it, in the state the job left it. */
async function addPromise(
  invoiceId: number,
  promisedDate: string,
  status: "open" | "kept" | "broken" | "cancelled",
  createdAt: string,
  amountCents: number | null = null,
  debtorId = garage,
) {
  await getDb()
    .insert(promises)
    .values({ debtorId, invoiceId, promisedDate, amountCents, source: "portal", status, createdAt: new Date(createdAt) });
}

async function addPlan(
  status: (typeof installmentPlans.$inferInsert)["status"],
  createdAt: string,
  decidedAt: string | null,
  schedule: [string, number, "scheduled" | "paid" | "missed"][],
) {
  const db = getDb();
  const totalCents = schedule.reduce((sum, [, cents]) => sum + cents, 0);
  const plan = one(
    await db
      .insert(installmentPlans)
      .values({ debtorId: garage, totalCents, currency: "EUR", status, createdAt: new Date(createdAt), decidedAt: decidedAt ? new Date(decidedAt) : null })
      .returning(),
  );
  for (const [i, [dueDate, amountCents, state]] of schedule.entries()) {
    await db.insert(installments).values({ planId: plan.id, position: i + 1, dueDate, amountCents, paidCents: state === "paid" ? amountCents : 0, status: state });
  }
}

beforeAll(async () => {
  const { path } = await seededDb("2026-11-20");
  useDatabase(path);
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  martin = first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, "compta@boulangerie-martin.fr")))!.debtorId;
  thames = first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, "accounts@thames-interiors.co.uk")))!.debtorId;
  garage = first(await db.select().from(debtorContacts).where(eq(debtorContacts.email, "factures@garage-des-alpes.fr")))!.debtorId;
  // A debtor whose whole story this file writes: the demo's own promises and plans are set aside.
  const seededPlans = (await db.select({ id: installmentPlans.id }).from(installmentPlans).where(eq(installmentPlans.debtorId, garage))).map((p) => p.id);
  await db.delete(installments).where(inArray(installments.planId, seededPlans));
  await db.delete(installmentPlans).where(eq(installmentPlans.debtorId, garage));
  await db.delete(promises).where(eq(promises.debtorId, garage));

  // Two payments, the second settling it: paid on the second's date, by both means.
  const split = await addInvoice(martin, "H-SPLIT", 100_000);
  await pay(split, 40_000, "transfer", "2026-03-10T10:00:00Z", "split-1");
  await pay(split, 60_000, "card", "2026-06-01T10:00:00Z", "split-2");
  // Paid by card, then once more by cheque: the cheque is an overpayment, not how it was paid.
  const twice = await addInvoice(martin, "H-TWICE", 25_000);
  await pay(twice, 25_000, "card", "2026-09-15T08:00:00Z", "twice-1");
  await pay(twice, 25_000, "cheque", "2026-09-20T08:00:00Z", "twice-2");
  // The cut-off is 20 November 2025 in Paris: 00:30 that day is in, 23:30 the day before is out.
  await pay(await addInvoice(martin, "H-EDGE-IN", 5_000), 5_000, "transfer", "2025-11-19T23:30:00Z", "edge-in");
  await pay(await addInvoice(martin, "H-EDGE-OUT", 5_000), 5_000, "transfer", "2025-11-19T22:30:00Z", "edge-out");
  await pay(await addInvoice(martin, "H-OLD", 9_900), 9_900, "card", "2025-06-01T10:00:00Z", "old");
  // Still open after a part payment: not settled.
  await pay(await addInvoice(martin, "H-PART", 30_000), 10_000, "card", "2026-10-01T10:00:00Z", "part");
  await pay(await addInvoice(thames, "H-THAMES", 12_000), 12_000, "transfer", "2026-10-05T10:00:00Z", "thames");
});

describe("settled invoices on the portal home", () => {
  it("lists this debtor's invoices settled in the last 12 months of their calendar, newest first, with date and means", async () => {
    const page = await home(await signIn(martin));
    const ours = page.settled.filter((i) => i.number.startsWith("H-"));
    expect(ours.map((i) => i.number)).toEqual(["H-TWICE", "H-SPLIT", "H-EDGE-IN"]);
    const [twice, split, edge] = ours;
    expect(split).toMatchObject({ amountLabel: "1\u202f000,00\u00a0€", paidOnLabel: "1 juin 2026", meansLabel: "virement, carte" });
    expect(split!.receipts.map((r) => r.dateLabel)).toEqual(["10 mars 2026", "1 juin 2026"]);
    expect(twice).toMatchObject({ amountLabel: "250,00\u00a0€", paidOnLabel: "15 septembre 2026", meansLabel: "carte" });
    expect(twice!.receipts).toHaveLength(1);
    expect(edge).toMatchObject({ paidOnLabel: "20 novembre 2025" });
  });

  it("shows only invoice number, amount, dates and means (M19), and in English for an English debtor", async () => {
    const page = await home(await signIn(thames));
    expect(page.settled.find((i) => i.number.startsWith("H-"))).toEqual({
      id: expect.any(Number),
      number: "H-THAMES",
      amountLabel: "€120.00",
      paidOnLabel: "5 October 2026",
      meansLabel: "bank transfer",
      receipts: [{ id: expect.any(Number), dateLabel: "5 October 2026" }],
    });
    expect(page.settled.some((i) => i.number.startsWith("H-") && i.number !== "H-THAMES")).toBe(false);
  });
});

describe("payment receipts", () => {
  it("downloads this debtor's receipt as a PDF attachment that is never cached", async () => {
    const cookie = await signIn(martin);
    const split = first(await getDb().select().from(invoices).where(eq(invoices.number, "H-SPLIT")))!;
    const [, settling] = await paymentIds(split.id, "payment");
    const response = (await receipt.loader(args(get(`/portal/documents/receipts/${settling}`, cookie), { paymentId: String(settling) }))) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="recu-H-SPLIT-${settling}.pdf"`);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const pdf = await PDFDocument.load(Buffer.from(await response.arrayBuffer()), { updateMetadata: false });
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getTitle()).toBe("Reçu de paiement H-SPLIT");
  });

  it("prints creditor, debtor, invoice, amount, date, means and reference", async () => {
    const db = getDb();
    const split = first(await db.select().from(invoices).where(eq(invoices.number, "H-SPLIT")))!;
    const [initial] = await paymentIds(split.id, "payment");
    const row = first(await db.select().from(payments).where(eq(payments.id, initial!)))!;
    const debtor = first(await db.select().from(debtors).where(eq(debtors.id, martin)))!;
    const creditor = (await db.query.creditors.findFirst({ where: (c, { eq: is }) => is(c.id, debtor.creditorId) }))!;
    const text = receiptPdfLines({ locale: "fr", creditor, debtor, invoice: split, payment: row }).map((l) => l.text);
    expect(text).toEqual(
      expect.arrayContaining([
        "Reçu de paiement",
        `Reçu de : ${debtor.name}`,
        "Facture n° H-SPLIT",
        "Montant reçu : 400,00 €",
        "Date du paiement : 10 mars 2026",
        "Moyen de paiement : virement",
        "Référence : split-1",
        "Facture intégralement réglée.",
      ]),
    );
    expect(text.some((l) => l.startsWith(creditor.legalName))).toBe(true);
    expect(text.join("\n")).not.toContain(debtor.addressLine ?? "no address on file");
  });

  it("404s for another debtor's payment, an overpayment, a missing or malformed id", async () => {
    const cookie = await signIn(martin);
    const db = getDb();
    const thamesPayment = (await paymentIds(first(await db.select().from(invoices).where(eq(invoices.number, "H-THAMES")))!.id, "payment"))[0]!;
    const overpayment = (await paymentIds(first(await db.select().from(invoices).where(eq(invoices.number, "H-TWICE")))!.id, "overpayment"))[0]!;
    for (const id of [String(thamesPayment), String(overpayment), "999999", "abc", "-1", "1.5"]) {
      const refused = (await outcome(() => receipt.loader(args(get(`/portal/documents/receipts/${id}`, cookie), { paymentId: id })))) as Response;
      expect(refused.status, id).toBe(404);
      expect(refused.headers.get("Cache-Control"), id).toBe("no-store");
    }
  });

  it("asks for a session first", async () => {
    const refused = (await outcome(() => receipt.loader(args(new Request(`${BASE}/portal/documents/receipts/1`), { paymentId: "1" })))) as Response;
    expect(refused.status).toBe(401);
  });
});

describe("promises and plans with their state and history", () => {
  beforeAll(async () => {
    const invoice = await addInvoice(garage, "H-PROMISED", 90_000);
    await addPromise(invoice.id, "2026-05-15", "kept", "2026-05-02T09:00:00Z", 20_000);
    await addPromise(invoice.id, "2026-07-10", "broken", "2026-07-01T09:00:00Z");
    await addPromise(invoice.id, "2026-11-30", "open", "2026-11-18T09:00:00Z");
    await addPromise(invoice.id, "2025-06-30", "broken", "2025-06-20T09:00:00Z");
    await addPlan("completed", "2025-01-10T09:00:00Z", "2025-04-10T09:00:00Z", [["2025-02-10", 10_000, "paid"]]);
    await addPlan("rejected", "2026-03-01T09:00:00Z", "2026-03-03T09:00:00Z", [
      ["2026-04-01", 45_000, "scheduled"],
      ["2026-05-01", 45_000, "scheduled"],
    ]);
    await addPlan("lapsed", "2026-08-01T09:00:00Z", "2026-08-09T09:00:00Z", [["2026-09-01", 90_000, "scheduled"]]);
    await addPlan("accepted", "2026-10-05T09:00:00Z", "2026-10-05T09:00:00Z", [
      ["2026-11-15", 30_000, "paid"],
      ["2026-12-15", 30_000, "scheduled"],
      ["2027-01-15", 30_000, "scheduled"],
    ]);
  });

  it("says of each promise of the last 12 months whether it was kept, broken or is in force until its date", async () => {
    const { history } = await home(await signIn(garage));
    expect(history.promises.map((p) => p.text)).toEqual([
      "Promesse de paiement pour la facture H-PROMISED, faite le 18 novembre 2026 : en cours jusqu'au 30 novembre 2026.",
      "Promesse de paiement pour la facture H-PROMISED, faite le 1 juillet 2026 : non tenue.",
      "Promesse de paiement de 200,00\u00a0€ pour la facture H-PROMISED, faite le 2 mai 2026 : tenue.",
    ]);
  });

  it("says of each plan when it was proposed, what became of it, the next installment of the one in force and its schedule", async () => {
    const { history } = await home(await signIn(garage));
    expect(history.plans.map((p) => p.text)).toEqual([
      "Échéancier de 900,00\u00a0€ proposé le 5 octobre 2026 : en cours, prochaine échéance le 15 décembre 2026 (300,00\u00a0€).",
      "Échéancier de 900,00\u00a0€ proposé le 1 août 2026 : caduc le 9 août 2026, faute de réponse dans le délai.",
      "Échéancier de 900,00\u00a0€ proposé le 1 mars 2026 : refusé le 3 mars 2026.",
    ]);
    expect(history.plans[0]!.installments.map((i) => i.text)).toEqual([
      "Échéance 1 du 15 novembre 2026, 300,00\u00a0€ : payée",
      "Échéance 2 du 15 décembre 2026, 300,00\u00a0€ : à venir",
      "Échéance 3 du 15 janvier 2027, 300,00\u00a0€ : à venir",
    ]);
  });

  it("speaks English to an English debtor", async () => {
    const invoice = first(await getDb().select().from(invoices).where(eq(invoices.number, "H-THAMES")))!;
    await addPromise(invoice.id, "2026-10-05", "kept", "2026-09-28T09:00:00Z", 12_000, thames);
    const { history } = await home(await signIn(thames));
    expect(history.promises.map((p) => p.text)).toContain("Payment of €120.00 promised for invoice H-THAMES, made on 28 September 2026: kept.");
  });

  it("shows another debtor nothing of these", async () => {
    const { history } = await home(await signIn(martin));
    expect(JSON.stringify(history)).not.toContain("H-PROMISED");
    expect(history.plans.some((p) => p.text.includes("900,00"))).toBe(false);
  });
});
