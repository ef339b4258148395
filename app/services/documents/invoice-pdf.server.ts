import { PDFDocument, StandardFonts, rgb, type PDFPage } from "pdf-lib";
import type { Db } from "../../../db/client";
import type { creditors, debtors, invoices } from "../../../db/tables";
import { loadInvoiceCopyFacts } from "../../models/invoice-copies.server";
import { date, money, type Locale } from "../../../emails/format";
import { winAnsi, wrap } from "./pdf-text.server";

export type InvoicePdfInput = {
  locale: Locale;
  creditor: typeof creditors.$inferSelect;
  debtor: typeof debtors.$inferSelect;
  invoice: typeof invoices.$inferSelect;
};

type Section = "title" | "note" | "creditor" | "debtor" | "invoice" | "legal" | "bankTitle" | "bank";
export type InvoicePdfLine = { section: Section; text: string };

const copy = {
  fr: {
    title: "Copie de facture",
    note: "Copie établie d'après la facture d'origine, à laquelle elle ne se substitue pas.",
    siren: (siren: string) => `SIREN ${siren}`,
    vat: (vat: string) => `N° TVA intracommunautaire : ${vat}`,
    number: (n: string) => `Facture n° ${n}`,
    issued: (d: string) => `Date d'émission : ${d}`,
    due: (d: string) => `Date d'échéance : ${d}`,
    amount: (a: string) => `Montant de la facture : ${a}`,
    paid: (a: string) => `Déjà réglé : ${a}`,
    balance: (a: string) => `Reste à payer : ${a}`,
    terms: (days: number) => (days === 0 ? "Conditions de paiement : paiement à réception" : `Conditions de paiement : ${days} jours à compter de la date d'émission`),
    penaltiesEcb:
      "Pénalités de retard (art. L441-10 du Code de commerce) : taux d'intérêt appliqué par la Banque centrale européenne à son opération de refinancement la plus récente, majoré de 10 points, exigibles dès le lendemain de la date d'échéance, sans qu'un rappel soit nécessaire.",
    penaltiesContract: (rate: string) =>
      `Pénalités de retard (art. L441-10 du Code de commerce) : taux annuel de ${rate}, exigibles dès le lendemain de la date d'échéance, sans qu'un rappel soit nécessaire.`,
    indemnity: "Indemnité forfaitaire pour frais de recouvrement de 40 € due en cas de retard de paiement (art. L441-10 et D441-5 du Code de commerce).",
    bank: "Coordonnées bancaires",
    holder: (h: string) => `Titulaire : ${h}`,
  },
  en: {
    title: "Invoice copy",
    note: "Copy prepared from the original invoice, which it does not replace.",
    siren: (siren: string) => `SIREN ${siren}`,
    vat: (vat: string) => `VAT number: ${vat}`,
    number: (n: string) => `Invoice no. ${n}`,
    issued: (d: string) => `Issue date: ${d}`,
    due: (d: string) => `Due date: ${d}`,
    amount: (a: string) => `Invoice amount: ${a}`,
    paid: (a: string) => `Already paid: ${a}`,
    balance: (a: string) => `Balance due: ${a}`,
    terms: (days: number) => (days === 0 ? "Payment terms: due on receipt" : `Payment terms: ${days} days from the issue date`),
    penaltiesEcb:
      "Late-payment penalties (French Commercial Code, art. L441-10): the European Central Bank's rate for its most recent refinancing operation plus 10 percentage points, due from the day after the due date, without any reminder being needed.",
    penaltiesContract: (rate: string) =>
      `Late-payment penalties (French Commercial Code, art. L441-10): ${rate} a year, due from the day after the due date, without any reminder being needed.`,
    indemnity: "Fixed compensation for recovery costs of €40, due on late payment (French Commercial Code, art. L441-10 and D441-5).",
    bank: "Bank details",
    holder: (h: string) => `Account holder: ${h}`,
  },
} as const;

/**
 * The text of the invoice copy, in reading order: what the renderer draws and the tests read.
 * L441-9 mentions (penalty rate, 40 € indemnity) go to professionals only: consumers owe neither (L8).
 */
export function invoicePdfLines({ locale, creditor, debtor, invoice }: InvoicePdfInput): InvoicePdfLine[] {
  const t = copy[locale];
  const fmt = (cents: number) => money(locale, cents, invoice.currency);
  // Countries by name, and only outside France, as on a French invoice.
  const place = (postalCode: string | null, city: string | null, country: string) =>
    [[postalCode, city].filter(Boolean).join(" "), country !== "FR" && new Intl.DisplayNames([locale], { type: "region" }).of(country)].filter(Boolean).join(", ");
  const paidCents = invoice.amountCents - invoice.balanceCents;
  const rate =
    creditor.penaltyRateMode === "contract" && creditor.contractPenaltyRateBp !== null
      ? new Intl.NumberFormat(locale === "fr" ? "fr-FR" : "en-GB", { style: "percent", maximumFractionDigits: 2 }).format(creditor.contractPenaltyRateBp / 10_000)
      : null;
  const lines: [Section, string | null | false][] = [
    ["title", `${t.title} ${invoice.number}`],
    ["note", t.note],
    ["creditor", [creditor.legalName, creditor.legalForm].filter(Boolean).join(", ")],
    ["creditor", creditor.addressLine],
    ["creditor", place(creditor.postalCode, creditor.city, creditor.country)],
    ["creditor", creditor.siren && t.siren(creditor.siren)],
    ["creditor", creditor.vatNumber && t.vat(creditor.vatNumber)],
    ["creditor", creditor.email],
    ["debtor", debtor.name],
    ["debtor", debtor.addressLine],
    ["debtor", place(debtor.postalCode, debtor.city, debtor.country)],
    ["debtor", debtor.siren && t.siren(debtor.siren)],
    ["invoice", t.number(invoice.number)],
    ["invoice", t.issued(date(locale, invoice.issueDate))],
    ["invoice", t.due(date(locale, invoice.dueDate))],
    ["invoice", t.amount(fmt(invoice.amountCents))],
    ["invoice", paidCents > 0 && t.paid(fmt(paidCents))],
    ["invoice", t.balance(fmt(invoice.balanceCents))],
    ["invoice", t.terms(invoice.paymentTermsDays)],
    ["legal", debtor.kind === "business" && (rate ? t.penaltiesContract(rate) : t.penaltiesEcb)],
    ["legal", debtor.kind === "business" && t.indemnity],
    ["bankTitle", creditor.iban && t.bank],
    ["bank", creditor.iban && creditor.bankAccountHolder && t.holder(creditor.bankAccountHolder)],
    ["bank", creditor.iban && `IBAN ${creditor.iban}`],
    ["bank", creditor.iban && creditor.bic && `BIC ${creditor.bic}`],
  ];
  return lines.filter((l): l is [Section, string] => Boolean(l[1])).map(([section, text]) => ({ section, text: winAnsi(text) }));
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const STYLE: Record<Section, { size: number; bold?: boolean; indent?: number; gapBefore: number }> = {
  title: { size: 16, bold: true, gapBefore: 0 },
  note: { size: 9, gapBefore: 4 },
  creditor: { size: 10, gapBefore: 24 },
  debtor: { size: 11, indent: 280, gapBefore: 24 },
  invoice: { size: 11, gapBefore: 28 },
  legal: { size: 9, gapBefore: 24 },
  bankTitle: { size: 10, bold: true, gapBefore: 18 },
  bank: { size: 10, gapBefore: 0 },
};

/** An A4 copy of one invoice, as in the letters (letters.server.ts). Same input, same bytes. */
export async function renderInvoicePdf(input: InvoicePdfInput): Promise<Uint8Array> {
  const lines = invoicePdfLines(input);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  // Dated from the invoice, not the clock: re-rendering gives identical bytes (and the same hash).
  const issued = new Date(`${input.invoice.issueDate}T12:00:00Z`);
  pdf.setTitle(lines[0]!.text);
  pdf.setAuthor(input.creditor.legalName);
  pdf.setProducer("Relance");
  pdf.setCreator("Relance");
  pdf.setCreationDate(issued);
  pdf.setModificationDate(issued);
  const fonts = { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
  let page: PDFPage = pdf.addPage(A4);
  let y = A4[1] - MARGIN;
  let previous: Section | undefined;
  for (const { section, text } of lines) {
    const style = STYLE[section];
    if (section !== previous) y -= style.gapBefore;
    previous = section;
    const font = style.bold ? fonts.bold : fonts.regular;
    const indent = style.indent ?? 0;
    for (const line of wrap(text, font, style.size, A4[0] - 2 * MARGIN - indent)) {
      if (y < MARGIN) {
        page = pdf.addPage(A4);
        y = A4[1] - MARGIN;
      }
      page.drawText(line, { x: MARGIN + indent, y, size: style.size, font, color: rgb(0, 0, 0) });
      y -= style.size * 1.35;
    }
  }
  return pdf.save();
}

/** One PDF per invoice, named after its number, ready for the email's attachments. Unknown ids are skipped. */
export async function invoiceAttachments(db: Db, invoiceIds: readonly number[], locale: Locale): Promise<{ filename: string; content: Buffer }[]> {
  if (invoiceIds.length === 0) return [];
  const { invoices: rows, creditors: creditorRows, debtors: debtorRows } = await loadInvoiceCopyFacts(db, invoiceIds);
  const attachments: { filename: string; content: Buffer }[] = [];
  for (const id of invoiceIds) {
    const invoice = rows.find((r) => r.id === id);
    const creditor = invoice && creditorRows.get(invoice.creditorId);
    const debtor = invoice && debtorRows.get(invoice.debtorId);
    if (!invoice || !creditor || !debtor) continue;
    const bytes = await renderInvoicePdf({ locale, creditor, debtor, invoice });
    // Invoice numbers are the creditor's free text: keep the file name to safe characters.
    const filename = `${locale === "fr" ? "facture" : "invoice"}-${invoice.number.replace(/[^A-Za-z0-9._-]+/g, "_")}.pdf`;
    attachments.push({ filename, content: Buffer.from(bytes) });
  }
  return attachments;
}
