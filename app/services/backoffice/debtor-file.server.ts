import { data, redirect } from "@remix-run/node";
import { parseFields } from "../http/forms.server";
import { z } from "zod";
import { formatCalendarDate, isCalendarDate, localDate } from "../../domain/dates";
import { formatMoney } from "../../domain/money";
import { canExportDossier } from "../../domain/dossier";
import { isTimeBarred } from "../../domain/prescription";
import { hasHiddenCharacters } from "../../domain/text";
import { parseAmountToCents } from "../../domain/payments";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { STAFF_HOLD_MAX_DAYS, holdDebtors, parseHold, resumeDebtors, type HoldFieldErrors } from "./staff-holds.server";
import { addDays } from "../../domain/dates";
import {
  claimOverpaymentRefund,
  getActiveStaffHold,
  getDebtorInvoice,
  getDebtorOfCreditor,
  hasOverpayment,
  listDebtorContacts,
  listDebtorInvoices,
  listDebtorOverpayments,
  listDebtorTimeline,
  releaseOverpaymentClaim,
  setOverpaymentRefundRef,
} from "../../models/debtor-file.server";
import { lastAcknowledgments } from "../../models/acknowledgments.server";
import type { PaymentProvider } from "../../integrations/payments.server";
import { appendTimeline } from "../../models/timeline.server";
import { channelLabel, describeTimelineData, messageStatusLabel } from "../../domain/timeline-text";
import { STEP_LABELS } from "../../domain/contact-reasons";
import { requireSameOrigin } from "../http/http.server";
import { recordInvoicePayment } from "../shared/payment-recording.server";
import { randomToken } from "../auth/tokens.server";
import { revokeDebtorLinks } from "../shared/links.server";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";
import { transaction } from "../../../db/client";

const LOCALE = "fr-FR";

/** What staff read before calling or deciding: the invoices, the contacts and everything that happened. */
export async function loadDebtorFile(db: Db, request: Request, debtorIdParam: string) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const debtor = await getDebtorOfCreditor(db, staff.creditorId, Number(debtorIdParam) || 0);
  if (!debtor) throw new Response("Client introuvable.", { status: 404 });
  const invoiceParam = Number(new URL(request.url).searchParams.get("facture")) || undefined;
  const invoices = await listDebtorInvoices(db, debtor.id);
  const invoiceId = invoices.some((i) => i.id === invoiceParam) ? invoiceParam : undefined;
  const time = new Intl.DateTimeFormat(LOCALE, { dateStyle: "short", timeStyle: "short", timeZone: staff.creditorTimeZone });
  const today = localDate(at, staff.creditorTimeZone);
  // A payment, promise or plan since the due date starts the two years again (C. civ. 2240).
  const acknowledgments = await lastAcknowledgments(
    db,
    invoices.filter((i) => isTimeBarred(debtor.kind, i.dueDate, today)).map((i) => i.id),
  );
  const acknowledgedOn = (invoiceId: number) => {
    const at = acknowledgments.get(invoiceId);
    return at ? localDate(at, debtor.timeZone) : null;
  };
  const hold = await getActiveStaffHold(db, debtor.id, at);
  return {
    canRecord: staff.role !== "read_only",
    hold: hold?.endsAt ? { until: formatCalendarDate(addDays(localDate(hold.endsAt, staff.creditorTimeZone), -1), LOCALE), reason: hold.note ?? "" } : null,
    holdLatest: addDays(today, STAFF_HOLD_MAX_DAYS),
    linksRevoked: new URL(request.url).searchParams.get("liens") === "revoques",
    canExportDossier: staff.role !== "read_only" && canExportDossier(debtor, invoices),
    today,
    formKey: randomToken(18),
    debtor: {
      id: debtor.id,
      name: debtor.name,
      kind: debtor.kind,
      segment: debtor.segment,
      escalated: debtor.escalatedAt !== null,
      brokenPromiseCount: debtor.brokenPromiseCount,
      purchaseOrderRef: debtor.purchaseOrderRef,
    },
    contacts: (await listDebtorContacts(db, debtor.id)).map((c) => ({
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
      balanceInput: (i.balanceCents / 100).toFixed(2).replace(".", ","),
      due: formatCalendarDate(i.dueDate, LOCALE),
      status: i.status,
      timeBarred: i.status === "open" && i.balanceCents > 0 && isTimeBarred(debtor.kind, i.dueDate, today, acknowledgedOn(i.id)),
    })),
    invoiceId: invoiceId ?? null,
    overpayments: (await listDebtorOverpayments(db, debtor.id)).map(({ payment, number }) => ({
      id: payment.id,
      invoiceNumber: number,
      amount: formatMoney({ cents: payment.amountCents, currency: payment.currency }, LOCALE),
      receivedAt: time.format(payment.receivedAt),
      refundedAt: payment.refundedAt ? time.format(payment.refundedAt) : null,
      refundable: payment.provider === "stripe",
    })),
    timeline: (await listDebtorTimeline(db, debtor.id, invoiceId)).map(({ event, message }) => ({
      id: event.id,
      at: time.format(event.occurredAt),
      type: event.type,
      actor: event.actor,
      messageId: message?.id ?? null,
      description: describeTimelineData(event.data as Record<string, unknown>, staff.creditorTimeZone),
      message: message
        ? {
            summary: `${channelLabel(message.channel)} à ${message.toAddress ?? "—"} : ${message.subject ?? STEP_LABELS[message.step] ?? "message"} (${messageStatusLabel(message.status)})`,
            body: message.bodyText,
            contentHash: message.contentHash,
          }
        : null,
    })),
  };
}

const transferSchema = z.object({
  invoiceId: z.coerce.number().int().positive(),
  amount: z.string().transform((text, ctx) => {
    const cents = parseAmountToCents(text);
    if (cents === null || cents <= 0) {
      ctx.addIssue({ code: "custom", message: "Saisissez le montant reçu en euros, par exemple 150 ou 150,50." });
      return z.NEVER;
    }
    return cents;
  }),
  receivedOn: z.string().refine(isCalendarDate, { error: "Indiquez la date de réception du virement." }),
  reference: z
    .string()
    .trim()
    .max(100, { error: "La référence dépasse 100 caractères." })
    .refine((text) => !hasHiddenCharacters(text), { error: "La référence contient des caractères invisibles ou de contrôle : retapez-la." })
    .optional(),
  // Drawn when the page was shown: the same form sent twice records one payment.
  formKey: z.string().regex(/^[\w-]{16,64}$/),
});

export type TransferErrors = { invoiceId: number; fields: Record<string, string | undefined> };

/** What staff do from the debtor file: record a transfer, refund an overpayment, or revoke the debtor's links. */
export async function debtorFileAction(db: Db, request: Request, debtorIdParam: string, payments: PaymentProvider) {
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas de modifier ce dossier.", { status: 403 });
  const debtor = await getDebtorOfCreditor(db, staff.creditorId, Number(debtorIdParam) || 0);
  if (!debtor) throw new Response("Client introuvable.", { status: 404 });
  const form = await readStaffForm(request);
  if (form.get("intent") === "revoke-links") return revokeLinksOf({ db, at, staff, debtorId: debtor.id });
  if (form.get("intent") === "hold") return holdReminders({ db, at, staff, debtorId: debtor.id }, form);
  if (form.get("intent") === "resume") return resumeReminders({ db, at, staff, debtorId: debtor.id });
  if (form.get("intent") === "refund-overpayment") return refundOverpayment({ db, at, staff, debtorId: debtor.id }, form, payments);
  return recordTransfer({ db, at, staff, debtorId: debtor.id }, form);
}

type FileActionCtx = { db: Db; at: Date; staff: Awaited<ReturnType<typeof requireStaff>>; debtorId: number };

/**
 * A forwarded or leaked link (M14): every live link of the debtor stops working and every portal
 * session opened with one ends at its next request. The next messages carry fresh links.
 */
async function revokeLinksOf({ db, at, staff, debtorId }: FileActionCtx): Promise<never> {
  await transaction(db, async (tx) => {
    const revoked = await revokeDebtorLinks(tx, debtorId, "revoked by staff", at);
    await appendTimeline(tx, { creditorId: staff.creditorId, debtorId, type: "links.revoked", actor: "staff", data: { revoked, staff: staff.name }, occurredAt: at });
  });
  throw redirect(`/backoffice/debtors/${debtorId}?liens=revoques`, 303);
}

export type HoldErrors = { holdErrors: HoldFieldErrors };

/** Staff suspend every reminder to this debtor until a date they give (included), with a reason. */
async function holdReminders({ db, at, staff, debtorId }: FileActionCtx, form: FormData) {
  const parsed = parseHold(form, localDate(at, staff.creditorTimeZone));
  if ("errors" in parsed) return data({ holdErrors: parsed.errors } satisfies HoldErrors, { status: 400 });
  await holdDebtors(db, staff, [debtorId], parsed.hold, at);
  throw redirect(`/backoffice/debtors/${debtorId}`, 303);
}

async function resumeReminders({ db, at, staff, debtorId }: FileActionCtx): Promise<never> {
  await resumeDebtors(db, staff, [debtorId], at);
  throw redirect(`/backoffice/debtors/${debtorId}`, 303);
}

/** Staff record a bank transfer received, in full or in part, through the one place payments are recorded. */
async function recordTransfer({ db, at, staff, debtorId }: FileActionCtx, form: FormData) {
  const invoiceId = Number(form.get("invoiceId")) || 0;
  const parsed = parseFields(transferSchema, form);
  if (!parsed.ok) return data({ invoiceId, fields: parsed.errors } satisfies TransferErrors, { status: 400 });
  const input = parsed.data;
  const today = localDate(at, staff.creditorTimeZone);
  if (input.receivedOn > today)
    return data({ invoiceId, fields: { receivedOn: "La date de réception ne peut pas être dans le futur." } } satisfies TransferErrors, { status: 400 });
  const refusal = await transaction(db, async (tx) => {
    const invoice = await getDebtorInvoice(tx, debtorId, input.invoiceId);
    if (!invoice || !["open", "litigation"].includes(invoice.status)) return { invoiceId: "Cette facture n'est plus ouverte." };
    if (input.receivedOn < invoice.issueDate)
      return { receivedOn: `Le virement ne peut pas être antérieur à l'émission de la facture (${formatCalendarDate(invoice.issueDate, LOCALE)}).` };
    if (input.amount > invoice.balanceCents)
      return { amount: `Le montant ne peut pas dépasser le reste dû (${formatMoney({ cents: invoice.balanceCents, currency: invoice.currency }, LOCALE)}).` };
    await recordInvoicePayment(tx, {
      creditorId: staff.creditorId,
      debtorId: debtorId,
      invoiceId: invoice.id,
      amountCents: input.amount,
      currency: invoice.currency,
      method: "transfer",
      provider: "staff",
      providerRef: input.formKey,
      actor: "staff",
      data: { receivedOn: input.receivedOn, reference: input.reference || null, staff: staff.name },
      at,
    });
    return null;
  });
  if (refusal) return data({ invoiceId, fields: refusal } satisfies TransferErrors, { status: 400 });
  throw redirect(`/backoffice/debtors/${debtorId}`, 303);
}

/**
 * One click gives an overpayment back through the provider: claimed first (refunded_at set, so a
 * double click refunds once, and the refund webhook knows it never touched a balance), then the
 * provider's refund keyed `refund:{id}` outside the transaction; released again if it fails.
 */
async function refundOverpayment({ db, at, staff, debtorId }: FileActionCtx, form: FormData, payments: PaymentProvider) {
  const debtor = { id: debtorId };
  const raw = Number(form.get("overpaymentId"));
  const id = Number.isSafeInteger(raw) ? raw : 0;
  const claimed = await claimOverpaymentRefund(db, debtor.id, id, at);
  if (!claimed) {
    if (await hasOverpayment(db, debtor.id, id)) throw redirect(`/backoffice/debtors/${debtor.id}`, 303);
    return data({ refundError: "Ce trop-perçu est introuvable pour ce client." }, { status: 404 });
  }
  const result = await payments.refund({ paymentIntentId: claimed.providerRef!, amountCents: claimed.amountCents, overpaymentId: claimed.id });
  if (result.status === "error") {
    await releaseOverpaymentClaim(db, claimed.id);
    console.warn(`overpayment ${claimed.id}: the refund was refused or not answered: ${result.message}`);
    return data({ refundError: "Le service de paiement n'a pas effectué le remboursement. Réessayez dans quelques minutes ; rien n'a été remboursé." }, { status: 502 });
  }
  await transaction(db, async (tx) => {
    await setOverpaymentRefundRef(tx, claimed.id, result.refundId ?? null);
    await appendTimeline(tx, {
      creditorId: staff.creditorId,
      debtorId: debtor.id,
      invoiceId: claimed.invoiceId,
      type: "payment.overpayment_refunded",
      actor: "staff",
      data: { paymentId: claimed.id, amountCents: claimed.amountCents, currency: claimed.currency, refundRef: result.refundId ?? null, staff: staff.name },
      occurredAt: at,
    });
  });
  throw redirect(`/backoffice/debtors/${debtor.id}`, 303);
}
