import { daysBetween, formatCalendarDate, localDate } from "../domain/dates";
import { daysOverdue } from "../domain/aging";
import { formatMoney, totalsByCurrency } from "../domain/money";
import { intlLocale, messages } from "../i18n/messages";
import { getDb } from "../db.server";
import { now } from "../clock.server";
import { requireDebtorSession } from "./debtor-sessions.server";
import { getDebtorForPortal, getInvoiceOfDebtor, listOpenInvoices } from "../models/portal.server";

type InvoiceRow = ReturnType<typeof listOpenInvoices>[number];

async function requirePortalDebtor(request: Request) {
  const db = getDb();
  const at = now();
  const session = await requireDebtorSession(db, request, at);
  const debtor = getDebtorForPortal(db, session.debtorId);
  if (!debtor) throw new Response("Session required", { status: 401 });
  // Days overdue count in the debtor's own calendar.
  return { db, debtor, today: localDate(at, debtor.timeZone), intl: intlLocale[debtor.locale] };
}

function describe(invoice: InvoiceRow, today: string, intl: string) {
  return {
    id: invoice.id,
    number: invoice.number,
    amountLabel: formatMoney({ cents: invoice.balanceCents, currency: invoice.currency }, intl),
    originalAmountLabel: formatMoney({ cents: invoice.amountCents, currency: invoice.currency }, intl),
    issueDateLabel: formatCalendarDate(invoice.issueDate, intl),
    dueDateLabel: formatCalendarDate(invoice.dueDate, intl),
    daysOverdue: daysOverdue(invoice.dueDate, today),
    daysUntilDue: Math.max(0, daysBetween(today, invoice.dueDate)),
  };
}

export async function loadPortalHome(request: Request) {
  const { db, debtor, today, intl } = await requirePortalDebtor(request);
  const invoices = listOpenInvoices(db, debtor.id);
  const totalLabel = totalsByCurrency(invoices.map((i) => ({ cents: i.balanceCents, currency: i.currency })))
    .map((total) => formatMoney(total, intl))
    .join(" + ");
  return {
    locale: debtor.locale,
    debtorName: debtor.name,
    creditorName: debtor.creditorName ?? debtor.creditorLegalName,
    totalLabel,
    invoices: invoices.map((invoice) => describe(invoice, today, intl)),
    // L8: the 40 € indemnity and commercial penalties concern professional debtors only.
    penaltiesNotice: messages(debtor.locale).portal.penaltiesNotice(debtor.kind === "business"),
  };
}

export async function loadPortalInvoice(request: Request, invoiceIdParam: string) {
  const { db, debtor, today, intl } = await requirePortalDebtor(request);
  const invoiceId = Number(invoiceIdParam);
  const invoice = Number.isSafeInteger(invoiceId) ? getInvoiceOfDebtor(db, debtor.id, invoiceId) : undefined;
  // Someone else's invoice and a missing one look the same.
  if (!invoice) throw new Response("Not found", { status: 404 });
  return { locale: debtor.locale, invoice: describe(invoice, today, intl) };
}
