import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { seededDb } from "../support/db";
import { getEnv, resetEnvCache } from "~/env.server";
import { closeDb, getDb } from "~/db.server";
import { insertLink, signLink } from "~/services/links.server";
import { recordInvoicePayment, type ReceivedPayment } from "~/services/payment-recording.server";
import { receiptPdfLines } from "~/services/receipt-pdf.server";
import * as landing from "~/routes/l.$token";
import * as portal from "~/routes/portal._index";
import * as receipt from "~/routes/portal.documents.receipts.$paymentId";
import { debtorContacts, debtors, invoices, payments } from "../../db/schema";
import { args, outcome } from "../support/routes";

const BASE = "http://localhost:4310";
const NOW = "2026-11-20T09:00:00Z";

async function signIn(debtorId: number): Promise<string> {
  const env = getEnv();
  const token = await signLink(env, insertLink(getDb(), env, { debtorId, invoiceIds: [], channel: "email", sentTo: null, now: new Date(NOW) }));
  const request = new Request(`${BASE}/l/${token}`, { method: "POST", headers: { Origin: BASE }, body: new URLSearchParams() });
  const response = (await outcome(() => landing.action(args(request, { token })))) as Response;
  return response.headers.get("Set-Cookie")!.split(";")[0]!;
}

const get = (path: string, cookie: string) => new Request(`${BASE}${path}`, { headers: { Cookie: cookie } });
const home = async (cookie: string) => portal.loader(args(get("/portal", cookie)));

/** An invoice of this debtor, as the creditor's import would have created it. */
function addInvoice(debtorId: number, number: string, amountCents: number) {
  const db = getDb();
  const debtor = db.select().from(debtors).where(eq(debtors.id, debtorId)).get()!;
  return db
    .insert(invoices)
    .values({ creditorId: debtor.creditorId, debtorId, number, amountCents, balanceCents: amountCents, issueDate: "2025-09-01", dueDate: "2025-10-01", paymentTermsDays: 30 })
    .returning()
    .get();
}

function pay(invoice: { id: number; creditorId: number; debtorId: number }, amountCents: number, method: ReceivedPayment["method"], at: string, providerRef: string) {
  getDb().transaction((tx) =>
    recordInvoicePayment(tx, { creditorId: invoice.creditorId, debtorId: invoice.debtorId, invoiceId: invoice.id, amountCents, currency: "EUR", method, provider: "test", providerRef, actor: "provider", data: {}, at: new Date(at) }),
  );
}

const paymentIds = (invoiceId: number, kind: "payment" | "overpayment") =>
  getDb().select({ id: payments.id }).from(payments).where(and(eq(payments.invoiceId, invoiceId), eq(payments.kind, kind))).all().map((p) => p.id);

let martin: number;
let thames: number;

beforeAll(() => {
  const { path } = seededDb("2026-11-20");
  process.env.DATABASE_PATH = path;
  process.env.TEST_FIXED_NOW = NOW;
  resetEnvCache();
  closeDb();
  const db = getDb();
  martin = db.select().from(debtorContacts).where(eq(debtorContacts.email, "compta@boulangerie-martin.fr")).get()!.debtorId;
  thames = db.select().from(debtorContacts).where(eq(debtorContacts.email, "accounts@thames-interiors.co.uk")).get()!.debtorId;

  // Two payments, the second settling it: paid on the second's date, by both means.
  const split = addInvoice(martin, "H-SPLIT", 100_000);
  pay(split, 40_000, "transfer", "2026-03-10T10:00:00Z", "split-1");
  pay(split, 60_000, "card", "2026-06-01T10:00:00Z", "split-2");
  // Paid by card, then once more by cheque: the cheque is an overpayment, not how it was paid.
  const twice = addInvoice(martin, "H-TWICE", 25_000);
  pay(twice, 25_000, "card", "2026-09-15T08:00:00Z", "twice-1");
  pay(twice, 25_000, "cheque", "2026-09-20T08:00:00Z", "twice-2");
  // The cut-off is 20 November 2025 in Paris: 00:30 that day is in, 23:30 the day before is out.
  pay(addInvoice(martin, "H-EDGE-IN", 5_000), 5_000, "transfer", "2025-11-19T23:30:00Z", "edge-in");
  pay(addInvoice(martin, "H-EDGE-OUT", 5_000), 5_000, "transfer", "2025-11-19T22:30:00Z", "edge-out");
  pay(addInvoice(martin, "H-OLD", 9_900), 9_900, "card", "2025-06-01T10:00:00Z", "old");
  // Still open after a part payment: not settled.
  pay(addInvoice(martin, "H-PART", 30_000), 10_000, "card", "2026-10-01T10:00:00Z", "part");
  pay(addInvoice(thames, "H-THAMES", 12_000), 12_000, "transfer", "2026-10-05T10:00:00Z", "thames");
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
    const split = getDb().select().from(invoices).where(eq(invoices.number, "H-SPLIT")).get()!;
    const [, settling] = paymentIds(split.id, "payment");
    const response = (await receipt.loader(args(get(`/portal/documents/receipts/${settling}`, cookie), { paymentId: String(settling) }))) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="recu-H-SPLIT-${settling}.pdf"`);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const pdf = await PDFDocument.load(Buffer.from(await response.arrayBuffer()), { updateMetadata: false });
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getTitle()).toBe("Reçu de paiement H-SPLIT");
  });

  it("prints creditor, debtor, invoice, amount, date, means and reference", () => {
    const db = getDb();
    const split = db.select().from(invoices).where(eq(invoices.number, "H-SPLIT")).get()!;
    const [first] = paymentIds(split.id, "payment");
    const row = db.select().from(payments).where(eq(payments.id, first!)).get()!;
    const debtor = db.select().from(debtors).where(eq(debtors.id, martin)).get()!;
    const creditor = db.query.creditors.findFirst({ where: (c, { eq: is }) => is(c.id, debtor.creditorId) }).sync()!;
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
    const thamesPayment = paymentIds(db.select().from(invoices).where(eq(invoices.number, "H-THAMES")).get()!.id, "payment")[0]!;
    const overpayment = paymentIds(db.select().from(invoices).where(eq(invoices.number, "H-TWICE")).get()!.id, "overpayment")[0]!;
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
