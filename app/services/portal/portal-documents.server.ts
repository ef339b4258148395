import type { FormStep } from "../../utils/form-flow";
import type { OutboxDeps } from "../shared/outbox.server";
import { z } from "zod";
import { DOCUMENT_KINDS, DOCUMENT_REQUEST_PAUSE_DAYS } from "../../domain/contact-details";
import { formatCalendarDate, localDate } from "../../domain/dates";
import { getEnv } from "../../env.server";
import { secureMessages } from "../../i18n/portal-secure";
import { getInvoiceForPdf, getPaymentOfDebtor, listOpenInvoices } from "../../models/portal.server";
import { findOpenDocumentRequest, insertDocumentRequestPause } from "../../models/document-requests.server";
import { appendTimeline } from "../../models/timeline.server";
import { loadStatementInput, renderStatementPdf } from "../documents/account-statement.server";
import { renderInvoicePdf } from "../documents/invoice-pdf.server";
import { renderReceiptPdf } from "../documents/receipt-pdf.server";
import { historyMessages } from "../../i18n/portal-history";
import { loadSettledInvoices } from "./portal-history.server";
import { queueNotice, sendNoticeNow } from "../shared/notices.server";
import { requirePortalDebtor, requireStepUp, requireStepUpAction } from "./portal-guards.server";
import { transaction, type Db } from "../../../db/client";

export async function loadDocumentsPage(db: Db, request: Request) {
  const { debtor, now, csrf, today } = await requireStepUp(db, request);
  const h = historyMessages(debtor.locale);
  const pauseEnd = new Date(now.getTime() + DOCUMENT_REQUEST_PAUSE_DAYS * 86_400_000);
  return {
    csrf,
    locale: debtor.locale,
    invoices: (await listOpenInvoices(db, debtor.id)).map((i) => ({ id: i.id, number: i.number })),
    // Every payment of an invoice settled in the last 12 months, as the home lists them.
    receipts: (await loadSettledInvoices(db, debtor, today, intlOf(debtor.locale))).flatMap((invoice) =>
      invoice.receipts.map((receipt) => ({ id: receipt.id, text: h.receipt(receipt.dateLabel), label: h.receiptLabel(invoice.number, receipt.dateLabel) })),
    ),
    pauseUntilLabel: formatCalendarDate(localDate(pauseEnd, debtor.timeZone), intlOf(debtor.locale)),
  };
}

const intlOf = (locale: "fr" | "en") => (locale === "en" ? "en-GB" : "fr-FR");

/** A PDF as a download only (M23): never rendered inline, never cached, never sniffed. */
function pdfResponse(bytes: Uint8Array, filename: string) {
  return new Response(Buffer.from(bytes), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
    },
  });
}

const safeName = (value: string) => value.replace(/[^A-Za-z0-9._-]+/g, "_");

export async function invoicePdfDownload(db: Db, request: Request, invoiceIdParam: string) {
  const { debtor } = await requireStepUp(db, request);
  const invoiceId = Number(invoiceIdParam);
  // Ownership in the where: another debtor's invoice and a missing one are the same 404.
  const row = Number.isSafeInteger(invoiceId) ? await getInvoiceForPdf(db, debtor.id, invoiceId) : undefined;
  if (!row) throw new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
  const bytes = await renderInvoicePdf({ locale: debtor.locale, ...row });
  return pdfResponse(bytes, `${debtor.locale === "fr" ? "facture" : "invoice"}-${safeName(row.invoice.number)}.pdf`);
}

/**
 * A payment's receipt, for the debtor of this session only. No step-up: it tells what the home already
 * shows (M19), and the home links to it directly.
 */
export async function receiptPdfDownload(db: Db, request: Request, paymentIdParam: string) {
  const { debtor } = await requirePortalDebtor(db, request);
  // Digits only: "0x1f", "1e3" or " 31" are not another spelling of a receipt's address.
  const paymentId = /^[1-9]\d{0,14}$/.test(paymentIdParam) ? Number(paymentIdParam) : undefined;
  // Ownership in the where: another debtor's payment, an overpayment and a missing id are the same 404.
  const row = paymentId === undefined ? undefined : await getPaymentOfDebtor(db, debtor.id, paymentId);
  if (!row) throw new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
  const bytes = await renderReceiptPdf({ locale: debtor.locale, ...row });
  return pdfResponse(bytes, `${historyMessages(debtor.locale).pdf.filename}-${safeName(row.invoice.number)}-${row.payment.id}.pdf`);
}

export async function statementPdfDownload(db: Db, request: Request) {
  const { debtor, today } = await requireStepUp(db, request);
  const input = await loadStatementInput(db, debtor.id, debtor.locale, today, debtor.timeZone);
  if (!input) throw new Response("Not found", { status: 404, headers: { "Cache-Control": "no-store" } });
  const bytes = await renderStatementPdf(input);
  return pdfResponse(bytes, `${secureMessages(debtor.locale).statement.filename}-${today}.pdf`);
}

const requestSchema = z.object({
  kind: z.enum(DOCUMENT_KINDS, { error: "kind" }),
  invoiceId: z.string().regex(/^(\d+)?$/, { error: "invoice" }),
  note: z.string().trim().max(500, { error: "note" }),
});

export type DocumentRequestValues = { kind: string; invoiceId: string; note: string };
/** Edit → review → done (app/utils/form-flow.ts). */
export type DocumentRequestResult = FormStep<
  DocumentRequestValues,
  { values: DocumentRequestValues; kindLabel: string; invoiceLabel: string; untilLabel: string },
  { untilLabel: string },
  Partial<Record<"kind" | "invoice" | "note", string>>
>;

/**
 * "Ask for a document we have not sent": a review step, then the request (M2). It holds reminders 7
 * days through a system-owned pause (DESIGN.md), with one "document.requested" event and a notice.
 */
export async function requestDocument(deps: OutboxDeps, request: Request): Promise<DocumentRequestResult> {
  const { db } = deps;
  const { debtor, now, form } = await requireStepUpAction(db, request);
  const t = secureMessages(debtor.locale).documents;
  const values = { kind: String(form.get("kind") ?? ""), invoiceId: String(form.get("invoiceId") ?? ""), note: String(form.get("note") ?? "") };
  if (form.get("intent") === "edit") return { step: "edit", values, errors: {} };
  const parsed = requestSchema.safeParse(values);
  const open = await listOpenInvoices(db, debtor.id);
  const errors: Partial<Record<"kind" | "invoice" | "note", string>> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] === "invoiceId" ? "invoice" : (issue.path[0] as "kind" | "note");
      errors[field] = field === "kind" ? t.kindError : field === "invoice" ? t.invoiceError : t.noteError;
    }
  } else {
    if (parsed.data.kind === "other" && parsed.data.note === "") errors.note = t.noteError;
    if (parsed.data.invoiceId !== "" && !open.some((i) => i.id === Number(parsed.data.invoiceId))) errors.invoice = t.invoiceError;
  }
  if (!parsed.success || Object.keys(errors).length > 0) return { step: "edit", values, errors };

  const { kind, note } = parsed.data;
  const invoiceId = parsed.data.invoiceId === "" ? null : Number(parsed.data.invoiceId);
  const endsAt = new Date(now.getTime() + DOCUMENT_REQUEST_PAUSE_DAYS * 86_400_000);
  const untilLabel = formatCalendarDate(localDate(endsAt, debtor.timeZone), intlOf(debtor.locale));
  const kindLabel = t.kinds[kind];
  const invoiceLabel = invoiceId === null ? t.allInvoices : open.find((i) => i.id === invoiceId)!.number;
  if (form.get("intent") !== "confirm") return { step: "review", values: { kind, invoiceId: parsed.data.invoiceId, note }, kindLabel, invoiceLabel, untilLabel };

  const storedNote = note ? `${kind}: ${note}` : kind;
  const messageId = await transaction(db, async (tx) => {
    // A double submission finds the request it already made and adds nothing.
    const asked = { debtorId: debtor.id, invoiceId, note: storedNote };
    const existing = await findOpenDocumentRequest(tx, asked, now);
    if (existing) return null;
    const pause = await insertDocumentRequestPause(tx, asked, now, endsAt);
    await appendTimeline(tx, {
      creditorId: debtor.creditorId,
      debtorId: debtor.id,
      invoiceId,
      type: "document.requested",
      actor: "debtor",
      data: { pauseId: pause.id, kind, note: note || null, until: endsAt.toISOString() },
      occurredAt: now,
    });
    return queueNotice(tx, getEnv(), { debtorId: debtor.id, key: `document-request-${pause.id}`, title: t.noticeTitle, lines: t.noticeLines(kindLabel, untilLabel) }, now);
  });
  await sendNoticeNow(deps, messageId);
  return { step: "done", untilLabel };
}
