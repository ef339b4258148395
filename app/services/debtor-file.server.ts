import { formatCalendarDate } from "../domain/dates";
import { formatMoney } from "../domain/money";
import { getDb } from "../db.server";
import { now } from "../clock.server";
import { getDebtorOfCreditor, listDebtorContacts, listDebtorInvoices, listDebtorTimeline } from "../models/debtor-file.server";
import { requireStaff } from "./staff-auth.server";

const LOCALE = "fr-FR";

/** What staff read before calling or deciding: the invoices, the contacts and everything that happened. */
export async function loadDebtorFile(request: Request, debtorIdParam: string) {
  const db = getDb();
  const staff = await requireStaff(db, request, now());
  const debtor = getDebtorOfCreditor(db, staff.creditorId, Number(debtorIdParam) || 0);
  if (!debtor) throw new Response("Client introuvable.", { status: 404 });
  const invoiceParam = Number(new URL(request.url).searchParams.get("facture")) || undefined;
  const invoices = listDebtorInvoices(db, debtor.id);
  const invoiceId = invoices.some((i) => i.id === invoiceParam) ? invoiceParam : undefined;
  const time = new Intl.DateTimeFormat(LOCALE, { dateStyle: "short", timeStyle: "short", timeZone: staff.creditorTimeZone });
  return {
    debtor: {
      id: debtor.id,
      name: debtor.name,
      kind: debtor.kind,
      segment: debtor.segment,
      escalated: debtor.escalatedAt !== null,
      brokenPromiseCount: debtor.brokenPromiseCount,
      purchaseOrderRef: debtor.purchaseOrderRef,
    },
    contacts: listDebtorContacts(db, debtor.id).map((c) => ({
      id: c.id,
      name: c.name,
      role: c.role,
      email: c.email,
      phone: c.phone,
      emailClosed: c.emailOptOutAt !== null || c.emailUndeliverableAt !== null,
      smsClosed: c.smsOptOutAt !== null,
    })),
    invoices: invoices.map((i) => ({
      id: i.id,
      number: i.number,
      amount: formatMoney({ cents: i.amountCents, currency: i.currency }, LOCALE),
      balance: formatMoney({ cents: i.balanceCents, currency: i.currency }, LOCALE),
      due: formatCalendarDate(i.dueDate, LOCALE),
      status: i.status,
    })),
    invoiceId: invoiceId ?? null,
    timeline: listDebtorTimeline(db, debtor.id, invoiceId).map(({ event, message }) => ({
      id: event.id,
      at: time.format(event.occurredAt),
      type: event.type,
      actor: event.actor,
      data: event.data,
      message: message ? { step: message.step, channel: message.channel, status: message.status, to: message.toAddress, subject: message.subject, body: message.bodyText, contentHash: message.contentHash } : null,
    })),
  };
}
