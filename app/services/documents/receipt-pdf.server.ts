import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import type { creditors, debtors, invoices, payments } from "../../../db/tables";
import { localDate } from "../../domain/dates";
import { date, money, type Locale } from "../../../emails/format";
import { historyMessages } from "../../i18n/portal-history";
import { winAnsi, wrap } from "./pdf-text.server";

export type ReceiptPdfInput = {
  locale: Locale;
  creditor: typeof creditors.$inferSelect;
  debtor: typeof debtors.$inferSelect;
  invoice: typeof invoices.$inferSelect;
  payment: typeof payments.$inferSelect;
};

type Section = "title" | "note" | "creditor" | "debtor" | "payment";

/**
 * The receipt's text in reading order: what the renderer draws and the tests read. M19's level of
 * disclosure (the home shows the same facts): no postal address, contact or bank details of the debtor.
 */
export function receiptPdfLines({ locale, creditor, debtor, invoice, payment }: ReceiptPdfInput): { section: Section; text: string }[] {
  const t = historyMessages(locale).pdf;
  const lines: [Section, string | null | false][] = [
    ["title", t.title],
    ["note", t.note],
    ["creditor", [creditor.legalName, creditor.legalForm].filter(Boolean).join(", ")],
    ["creditor", creditor.siren && `SIREN ${creditor.siren}`],
    ["debtor", t.received(debtor.name)],
    ["payment", t.paymentRef(payment.id)],
    ["payment", t.invoice(invoice.number)],
    ["payment", t.amount(money(locale, payment.amountCents, payment.currency))],
    ["payment", t.date(date(locale, localDate(payment.receivedAt, debtor.timeZone)))],
    ["payment", t.means(historyMessages(locale).methods[payment.method])],
    ["payment", payment.providerRef && t.reference(payment.providerRef)],
    ["payment", invoice.balanceCents === 0 ? t.settled : t.balance(money(locale, invoice.balanceCents, invoice.currency))],
  ];
  return lines.filter((l): l is [Section, string] => Boolean(l[1])).map(([section, text]) => ({ section, text: winAnsi(text) }));
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const STYLE: Record<Section, { size: number; bold?: boolean; gapBefore: number }> = {
  title: { size: 16, bold: true, gapBefore: 0 },
  note: { size: 9, gapBefore: 4 },
  creditor: { size: 10, gapBefore: 24 },
  debtor: { size: 11, gapBefore: 24 },
  payment: { size: 11, gapBefore: 24 },
};

/** A one-page A4 receipt, dated from the payment rather than the clock: same payment, same bytes. */
export async function renderReceiptPdf(input: ReceiptPdfInput): Promise<Uint8Array> {
  const lines = receiptPdfLines(input);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(`${lines[0]!.text} ${input.invoice.number}`);
  pdf.setAuthor(input.creditor.legalName);
  pdf.setProducer("Relance");
  pdf.setCreator("Relance");
  pdf.setCreationDate(input.payment.receivedAt);
  pdf.setModificationDate(input.payment.receivedAt);
  const fonts = { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
  const page = pdf.addPage(A4);
  let y = A4[1] - MARGIN;
  let previous: Section | undefined;
  for (const { section, text } of lines) {
    const style = STYLE[section];
    if (section !== previous) y -= style.gapBefore;
    previous = section;
    const font = style.bold ? fonts.bold : fonts.regular;
    for (const line of wrap(text, font, style.size, A4[0] - 2 * MARGIN)) {
      page.drawText(line, { x: MARGIN, y, size: style.size, font, color: rgb(0, 0, 0) });
      y -= style.size * 1.35;
    }
  }
  return pdf.save();
}
