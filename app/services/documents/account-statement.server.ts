import { loadEcbTable } from "../../models/published-rates.server";
import { getStatementParties, listStatementInvoices, listStatementPayments } from "../../models/account-statement.server";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import type { Db } from "../../../db/client";
import type { creditors, debtors, invoices } from "../../../db/tables";
import { computeLatePenalties } from "../../domain/penalties";
import { totalsByCurrency, type Money } from "../../domain/money";
import type { CalendarDate } from "../../domain/dates";
import { date, money, type Locale } from "../../../emails/format";
import { secureMessages } from "../../i18n/portal-secure";
import { winAnsi } from "./pdf-text.server";

type Section = "title" | "subtitle" | "party" | "heading" | "line" | "total" | "note";
export type StatementLine = { section: Section; text: string };

export type StatementInput = {
  locale: Locale;
  asOf: CalendarDate;
  creditor: typeof creditors.$inferSelect;
  debtor: typeof debtors.$inferSelect;
  invoices: (typeof invoices.$inferSelect)[];
  payments: { invoiceNumber: string; amountCents: number; currency: string; kind: "payment" | "refund" | "chargeback"; receivedOn: CalendarDate }[];
  /** The ECB table with rates added since the code's; absent: the code's own. */
  ecb?: Awaited<ReturnType<typeof loadEcbTable>>;
};

/** Everything a statement needs, for this debtor only: the debtor id is in every where. */
export async function loadStatementInput(db: Db, debtorId: number, locale: Locale, asOf: CalendarDate, timeZone: string): Promise<StatementInput | null> {
  const row = await getStatementParties(db, debtorId);
  if (!row) return null;
  const open = await listStatementInvoices(db, debtorId);
  const openIds = open.map((i) => i.id);
  const received = openIds.length ? await listStatementPayments(db, debtorId, openIds) : [];
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return {
    locale,
    asOf,
    creditor: row.creditor,
    debtor: row.debtor,
    invoices: open,
    payments: received.flatMap((p) => (p.kind === "overpayment" ? [] : [{ ...p, kind: p.kind, receivedOn: day.format(p.receivedAt) }])),
    ecb: await loadEcbTable(db),
  };
}

/**
 * The statement's text in reading order (what the PDF draws and tests read). Penalties are shown to
 * professionals only (L8) and never added to the balance (DESIGN.md: show them, never add silently).
 */
export function statementLines(input: StatementInput): StatementLine[] {
  const { locale, creditor, debtor, asOf } = input;
  const t = secureMessages(locale).statement;
  const lines: StatementLine[] = [
    { section: "title", text: t.title },
    { section: "subtitle", text: t.asOf(date(locale, asOf)) },
    { section: "party", text: [creditor.legalName, creditor.legalForm].filter(Boolean).join(", ") },
    { section: "party", text: debtor.name },
    { section: "heading", text: t.invoicesTitle },
  ];
  for (const invoice of input.invoices) {
    const fmt = (cents: number) => money(locale, cents, invoice.currency);
    lines.push({ section: "line", text: t.invoiceLine(invoice.number, date(locale, invoice.issueDate), date(locale, invoice.dueDate)) });
    lines.push({ section: "line", text: t.amounts(fmt(invoice.amountCents), fmt(invoice.amountCents - invoice.balanceCents), fmt(invoice.balanceCents)) });
  }
  lines.push({ section: "heading", text: t.paymentsTitle });
  if (input.payments.length === 0) lines.push({ section: "line", text: t.noPayments });
  for (const p of input.payments) {
    const amount = money(locale, Math.abs(p.amountCents), p.currency);
    const when = date(locale, p.receivedOn);
    lines.push({ section: "line", text: p.kind === "payment" ? t.paymentLine(when, p.invoiceNumber, amount) : t.refundLine(when, p.invoiceNumber, amount) });
  }
  const balances: Money[] = input.invoices.map((i) => ({ cents: i.balanceCents, currency: i.currency }));
  const total =
    totalsByCurrency(balances)
      .map((m) => money(locale, m.cents, m.currency))
      .join(" + ") || money(locale, 0, "EUR");
  lines.push({ section: "total", text: t.balance(total) });

  if (debtor.kind === "business") {
    const penalties = input.invoices
      .map((invoice) => ({
        invoice,
        breakdown: computeLatePenalties({
          principalCents: invoice.balanceCents,
          dueDate: invoice.dueDate,
          asOf,
          ecbRates: input.ecb?.rates,
          ecbConfirmedThrough: input.ecb?.confirmedThrough,
          terms: {
            debtorKind: debtor.kind,
            rateMode: creditor.penaltyRateMode,
            contractRateBp: creditor.contractPenaltyRateBp,
            indemnityEnabled: creditor.recoveryIndemnityEnabled,
          },
        }),
      }))
      .filter((p) => p.breakdown.daysLate > 0);
    if (penalties.length > 0) {
      lines.push({ section: "heading", text: t.penaltiesTitle });
      for (const { invoice, breakdown } of penalties) {
        const fmt = (cents: number) => money(locale, cents, invoice.currency);
        lines.push({ section: "line", text: t.penaltyLine(invoice.number, fmt(breakdown.interestCents), fmt(breakdown.indemnityCents)) });
        if (breakdown.unpublishedFrom) lines.push({ section: "line", text: t.unpublishedRateLine(invoice.number, date(locale, breakdown.unpublishedFrom)) });
      }
      lines.push({ section: "note", text: t.penaltiesNote });
    }
  }
  return lines.map((l) => ({ ...l, text: winAnsi(l.text) }));
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const STYLE: Record<Section, { size: number; bold?: boolean; gapBefore: number }> = {
  title: { size: 16, bold: true, gapBefore: 0 },
  subtitle: { size: 10, gapBefore: 4 },
  party: { size: 10, gapBefore: 18 },
  heading: { size: 12, bold: true, gapBefore: 20 },
  line: { size: 10, gapBefore: 2 },
  total: { size: 12, bold: true, gapBefore: 18 },
  note: { size: 8, gapBefore: 8 },
};

/** An A4 statement; dated from `asOf`, so the same day gives the same bytes. */
export async function renderStatementPdf(input: StatementInput): Promise<Uint8Array> {
  const lines = statementLines(input);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const dated = new Date(`${input.asOf}T12:00:00Z`);
  pdf.setTitle(`${lines[0]!.text} ${input.debtor.name}`);
  pdf.setAuthor(input.creditor.legalName);
  pdf.setProducer("Relance");
  pdf.setCreator("Relance");
  pdf.setCreationDate(dated);
  pdf.setModificationDate(dated);
  const fonts = { regular: await pdf.embedFont(StandardFonts.Helvetica), bold: await pdf.embedFont(StandardFonts.HelveticaBold) };
  let page = pdf.addPage(A4);
  let y = A4[1] - MARGIN;
  for (const { section, text } of lines) {
    const style = STYLE[section];
    y -= style.gapBefore;
    const font = style.bold ? fonts.bold : fonts.regular;
    const words = text.split(" ");
    let current = "";
    const out: string[] = [];
    for (const word of words) {
      const candidate = current ? `${current} ${word}` : word;
      if (current && font.widthOfTextAtSize(candidate, style.size) > A4[0] - 2 * MARGIN) {
        out.push(current);
        current = word;
      } else current = candidate;
    }
    if (current) out.push(current);
    for (const line of out) {
      if (y < MARGIN) {
        page = pdf.addPage(A4);
        y = A4[1] - MARGIN;
      }
      page.drawText(line, { x: MARGIN, y, size: style.size, font, color: rgb(0, 0, 0) });
      y -= style.size * 1.35;
    }
  }
  return pdf.save();
}
