import type { Db } from "../../../db/client";
import { daysBetween, formatCalendarDate, localDate } from "../../domain/dates";
import { daysOverdue } from "../../domain/aging";
import { formatMoney, totalsByCurrency } from "../../domain/money";
import { messages } from "../../i18n/messages";
import { getInvoiceOfDebtor, listOpenDisputeDates, listOpenInvoices } from "../../models/portal.server";
import { loadCommitments } from "./agreements.server";
import { loadCommitmentHistory, loadSettledInvoices } from "./portal-history.server";
import { agreementMessages } from "../../i18n/portal-agreements";
import { objectionMessages } from "../../i18n/portal-objections";
import { requirePortalDebtor } from "./portal-guards.server";

type InvoiceRow = Awaited<ReturnType<typeof listOpenInvoices>>[number];

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

export async function loadPortalHome(db: Db, request: Request) {
  const { debtor, today, intl, csrf } = await requirePortalDebtor(db, request);
  const invoices = await listOpenInvoices(db, debtor.id);
  const contested = await listOpenDisputeDates(db, debtor.id);
  const totalLabel = totalsByCurrency(invoices.map((i) => ({ cents: i.balanceCents, currency: i.currency })))
    .map((total) => formatMoney(total, intl))
    .join(" + ");
  return {
    csrf,
    locale: debtor.locale,
    debtorName: debtor.name,
    creditorName: debtor.creditorName ?? debtor.creditorLegalName,
    totalLabel,
    invoices: invoices.map((invoice) => {
      const on = contested.get(invoice.id);
      return { ...describe(invoice, today, intl), contestedOnLabel: on ? formatCalendarDate(localDate(on, debtor.timeZone), intl) : null };
    }),
    settled: await loadSettledInvoices(db, debtor, today, intl),
    history: await loadCommitmentHistory(db, debtor, today, intl),
    // L8: the 40 € indemnity and commercial penalties concern professional debtors only.
    penaltiesNotice: messages(debtor.locale).portal.penaltiesNotice(debtor.kind === "business"),
    commitments: { ...(await loadCommitments(db, debtor.id, debtor.locale, intl)), done: doneBanner(new URL(request.url).searchParams.get("done"), debtor.locale) },
  };
}

export async function loadPortalInvoice(db: Db, request: Request, invoiceIdParam: string) {
  const { debtor, today, intl } = await requirePortalDebtor(db, request);
  const invoiceId = Number(invoiceIdParam);
  const invoice = Number.isSafeInteger(invoiceId) ? await getInvoiceOfDebtor(db, debtor.id, invoiceId) : undefined;
  // Someone else's invoice and a missing one look the same.
  if (!invoice) throw new Response("Not found", { status: 404 });
  return { locale: debtor.locale, invoice: describe(invoice, today, intl) };
}

/** The home's banner after an action, from the `done` that action redirected with; unknown values show nothing. */
function doneBanner(done: string | null, locale: "fr" | "en"): string | null {
  const a = agreementMessages(locale).home;
  const o = objectionMessages(locale);
  const banners: Record<string, string> = { promise: a.donePromise, plan: a.donePlan, dispute: o.dispute.done, paid: o.paid.done };
  return done !== null && Object.hasOwn(banners, done) ? banners[done]! : null;
}
