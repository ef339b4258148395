import { afterEach, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { PDFDocument } from "pdf-lib";
import { seededDb } from "../support/db";
import { invoices } from "../../db/tables";
import { invoiceAttachments, invoicePdfLines, renderInvoicePdf, type InvoicePdfInput } from "~/services/documents/invoice-pdf.server";

const created = new Date("2026-01-01T00:00:00Z");

const creditor: InvoicePdfInput["creditor"] = {
  id: 1,
  legalName: "Atelier Durand SARL",
  tradeName: "Atelier Durand",
  legalForm: "SARL au capital de 50 000 €",
  siren: "812345678",
  vatNumber: "FR45812345678",
  addressLine: "14 rue de la Charité",
  postalCode: "69002",
  city: "Lyon",
  country: "FR",
  email: "compta@atelier-durand.fr",
  phone: null,
  locale: "fr",
  timeZone: "Europe/Paris",
  penaltyRateMode: "ecb_plus_10",
  contractPenaltyRateBp: null,
  recoveryIndemnityEnabled: true,
  addPenaltiesToAmountDue: false,
  allowPartialPayments: true,
  bankAccountHolder: "Atelier Durand SARL",
  iban: "FR7630004000031234567890143",
  bic: "BNPAFRPPXXX",
  senderName: null,
  senderEmail: null,
  notificationEmail: null,
  smsSenderId: null,
  displayName: null,
  accentColor: null,
  planReviewBusinessDays: 5,
  retentionMonths: 60,
  retentionRunOn: null,
  createdAt: created,
};

function debtor(kind: "business" | "consumer", overrides: Partial<InvoicePdfInput["debtor"]> = {}): InvoicePdfInput["debtor"] {
  return {
    id: 7,
    creditorId: 1,
    externalRef: null,
    kind,
    name: kind === "business" ? "Garage des Alpes SAS" : "Mme Isabelle Moreau",
    siren: kind === "business" ? "523456789" : null,
    addressLine: "5 avenue Alsace-Lorraine",
    postalCode: "38000",
    city: "Grenoble",
    country: "FR",
    locale: "fr",
    timeZone: "Europe/Paris",
    segment: "standard",
    preferredChannel: null,
    purchaseOrderRef: null,
    brokenPromiseCount: 0,
    escalatedAt: null,
    anonymisedAt: null,
    stateVersion: 0,
    plannedVersion: null,
    nextDecisionAt: null,
    createdAt: created,
    ...overrides,
  };
}

const invoice: InvoicePdfInput["invoice"] = {
  id: 42,
  creditorId: 1,
  debtorId: 7,
  number: "F-2026-0042",
  externalRef: null,
  currency: "EUR",
  amountCents: 1_234_56,
  balanceCents: 1_000_00,
  issueDate: "2026-09-01",
  dueDate: "2026-10-01",
  paymentTermsDays: 30,
  status: "open",
  pdfPath: null,
  paidAt: null,
  createdAt: created,
};

const text = (input: InvoicePdfInput) => invoicePdfLines(input).map((l) => l.text);

afterEach(() => vi.useRealTimers());

describe("the invoice copy's text", () => {
  it("carries the identities, amounts, terms and L441-9 mentions for a French professional", () => {
    const lines = text({ locale: "fr", creditor, debtor: debtor("business"), invoice });
    expect(lines[0]).toBe("Copie de facture F-2026-0042");
    expect(lines).toEqual(
      expect.arrayContaining([
        "Atelier Durand SARL, SARL au capital de 50 000 €",
        "14 rue de la Charité",
        "69002 Lyon",
        "SIREN 812345678",
        "N° TVA intracommunautaire : FR45812345678",
        "Garage des Alpes SAS",
        "38000 Grenoble",
        "SIREN 523456789",
        "Facture n° F-2026-0042",
        "Date d'émission : 1er septembre 2026",
        "Date d'échéance : 1er octobre 2026",
        "Montant de la facture : 1 234,56 €",
        "Déjà réglé : 234,56 €",
        "Reste à payer : 1 000,00 €",
        "Conditions de paiement : 30 jours à compter de la date d'émission",
        "Indemnité forfaitaire pour frais de recouvrement de 40 € due en cas de retard de paiement (art. L441-10 et D441-5 du Code de commerce).",
        "Coordonnées bancaires",
        "Titulaire : Atelier Durand SARL",
        "IBAN FR7630004000031234567890143",
        "BIC BNPAFRPPXXX",
      ]),
    );
    expect(lines.join("\n")).toMatch(/Pénalités de retard \(art\. L441-10 du Code de commerce\) : taux .* Banque centrale européenne .* majoré de 10 points/);
    // Helvetica speaks WinAnsi: Intl's no-break spaces are gone.
    expect(lines.join("")).not.toMatch(/[\u202f\u00a0]/);
  });

  it("gives consumers neither the penalty rate nor the 40 € indemnity (L8)", () => {
    const joined = text({ locale: "fr", creditor, debtor: debtor("consumer"), invoice }).join("\n");
    expect(joined).toContain("Reste à payer : 1 000,00 €");
    expect(joined).not.toContain("40 €");
    expect(joined).not.toContain("L441");
  });

  it("speaks English to an English-speaking debtor, with the €40 mention for a business", () => {
    const thames = debtor("business", { name: "Thames Interiors Ltd", postalCode: "SE1 9SG", city: "London", country: "GB", locale: "en", siren: null });
    const lines = text({ locale: "en", creditor, debtor: thames, invoice });
    expect(lines[0]).toBe("Invoice copy F-2026-0042");
    expect(lines).toEqual(
      expect.arrayContaining([
        "SE1 9SG London, United Kingdom",
        "VAT number: FR45812345678",
        "Invoice no. F-2026-0042",
        "Issue date: 1 September 2026",
        "Due date: 1 October 2026",
        "Invoice amount: €1,234.56",
        "Balance due: €1,000.00",
        "Payment terms: 30 days from the issue date",
        "Bank details",
      ]),
    );
    const joined = lines.join("\n");
    expect(joined).toContain("Fixed compensation for recovery costs of €40");
    expect(joined).not.toMatch(/Facture|Reste à payer|Date d'échéance/);
  });

  it("states a contract rate when the creditor set one, and no bank block without an IBAN", () => {
    const contract = { ...creditor, penaltyRateMode: "contract" as const, contractPenaltyRateBp: 1250, iban: null, bic: null };
    const joined = text({ locale: "fr", creditor: contract, debtor: debtor("business"), invoice: { ...invoice, balanceCents: invoice.amountCents } }).join("\n");
    expect(joined).toContain("taux annuel de 12,5 %");
    expect(joined).not.toContain("Déjà réglé");
    expect(joined).not.toMatch(/IBAN|Coordonnées bancaires/);
  });
});

describe("the invoice copy PDF", () => {
  it("is a one-page A4 document dated from the invoice, identical at every render", async () => {
    const input: InvoicePdfInput = { locale: "fr", creditor, debtor: debtor("business"), invoice };
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-11-20T09:00:00Z") });
    const first = await renderInvoicePdf(input);
    vi.setSystemTime(new Date("2027-03-01T17:45:00Z"));
    const second = await renderInvoicePdf(input);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);

    const pdf = await PDFDocument.load(first);
    expect(pdf.getPageCount()).toBe(1);
    expect(pdf.getPage(0).getSize()).toEqual({ width: 595.28, height: 841.89 });
    expect(pdf.getTitle()).toBe("Copie de facture F-2026-0042");
    expect(pdf.getAuthor()).toBe("Atelier Durand SARL");
    expect(pdf.getCreationDate()?.toISOString()).toBe("2026-09-01T12:00:00.000Z");
  });

  it("draws names Helvetica cannot encode instead of throwing", async () => {
    const polish = debtor("business", { name: "Łódź Żółć Sp. z o.o.", city: "Łódź", country: "PL" });
    const bytes = await renderInvoicePdf({ locale: "en", creditor, debtor: polish, invoice });
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
    expect(text({ locale: "en", creditor, debtor: polish, invoice })).toContain("?ódz Zó?c Sp. z o.o.");
  });
});

describe("invoiceAttachments", () => {
  it("renders one named PDF per known invoice, in the debtor's language", async () => {
    const { db } = await seededDb("2026-11-20");
    const [a, b] = await db.select().from(invoices).where(eq(invoices.status, "open")).limit(2);
    const french = await invoiceAttachments(db, [a!.id, 999_999, b!.id], "fr");
    expect(french.map((f) => f.filename)).toEqual([`facture-${a!.number}.pdf`, `facture-${b!.number}.pdf`]);
    expect(Buffer.isBuffer(french[0]!.content)).toBe(true);
    expect(french[0]!.content.subarray(0, 5).toString()).toBe("%PDF-");
    expect((await PDFDocument.load(french[0]!.content)).getTitle()).toBe(`Copie de facture ${a!.number}`);

    const english = await invoiceAttachments(db, [a!.id], "en");
    expect(english.map((f) => f.filename)).toEqual([`invoice-${a!.number}.pdf`]);
    expect(await invoiceAttachments(db, [], "fr")).toEqual([]);
  });
});
