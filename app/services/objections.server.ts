import { data, redirect } from "@remix-run/node";
import { and, eq, inArray } from "drizzle-orm";
import { cadencePauses, disputeFiles, disputes, paymentClaims } from "../../db/schema";
import { simulateCadence, ticksBetween } from "../domain/cadence-simulation";
import { addDays, formatCalendarDate, isCalendarDate, localDate } from "../domain/dates";
import { formatMoney } from "../domain/money";
import { CLAIM_METHODS, DISPUTE_REASONS } from "../domain/objections";
import { parseAmountToCents } from "../domain/payments";
import { getEnv } from "../env.server";
import { objectionMessages } from "../i18n/portal-objections";
import { listOpenInvoices } from "../models/portal.server";
import { appendTimeline } from "../models/timeline.server";
import { loadCadenceStates } from "./cadence.server";
import { requestDeps } from "./deps.server";
import { noStoreHeaders } from "./http.server";
import { queueNotice, sendNoticeNow } from "./notices.server";
import { requirePortalAction, requirePortalDebtor, requireStepUp, requireStepUpAction } from "./portal.server";
import { filesOf, requireFormSize, storeUploads, type StoredFile } from "./uploads.server";

type Ctx = Awaited<ReturnType<typeof requirePortalDebtor>>;
type ActionCtx = Awaited<ReturnType<typeof requirePortalAction>>;

const TOO_BIG = "Fichiers trop volumineux : 3 fichiers de 5 Mo au plus. / Files too large: 3 files of 5 MB at most.";

function openInvoices(ctx: Ctx) {
  return listOpenInvoices(ctx.db, ctx.debtor.id).map((i) => ({
    id: i.id,
    number: i.number,
    balanceCents: i.balanceCents,
    currency: i.currency,
    amountLabel: formatMoney({ cents: i.balanceCents, currency: i.currency }, ctx.intl),
    dueLabel: formatCalendarDate(i.dueDate, ctx.intl),
  }));
}

/**
 * The next reminder about the debtor's other invoices once these are held: the cadence's own
 * decision function replayed on the state with the hold added (nothing written).
 */
function nextReminderWithout(ctx: Ctx, held: number[]): string | null {
  const state = loadCadenceStates(ctx.db, ctx.now, [ctx.debtor.id])[0]?.state;
  if (!state) return null;
  const holding = { ...state, lastActionAt: ctx.now, invoices: state.invoices.map((i) => (held.includes(i.id) ? { ...i, openDispute: true } : i)) };
  const { contacts } = simulateCadence([holding], ticksBetween(ctx.today, addDays(ctx.today, 31), 6));
  const next = contacts.find((c) => c.plannedFor > ctx.now && c.channel !== "call");
  return next ? formatCalendarDate(localDate(next.plannedFor, state.timeZone), ctx.intl) : null;
}

// ---------------------------------------------------------------------------------------------
// Dispute
// ---------------------------------------------------------------------------------------------

/** A dispute stops collection, so it needs the step-up code first (M20): a forwarded link cannot. */
export async function loadDisputePage(request: Request) {
  const ctx = await requireStepUp(request);
  const disputed = new Set(
    ctx.db.select({ invoiceId: disputes.invoiceId }).from(disputes).where(and(eq(disputes.debtorId, ctx.debtor.id), eq(disputes.status, "open"))).all().map((d) => d.invoiceId),
  );
  return { csrf: ctx.csrf, locale: ctx.debtor.locale, invoices: openInvoices(ctx).map((i) => ({ ...i, disputed: disputed.has(i.id) })) };
}

export type ObjectionErrors = Record<string, string>;

export async function disputeAction(request: Request) {
  requireFormSize(request, TOO_BIG);
  const ctx: ActionCtx = await requireStepUpAction(request);
  const { db, form, debtor, now } = ctx;
  const t = objectionMessages(debtor.locale);
  const chosen = [...new Set(form.getAll("invoice").map(Number))];
  const reason = String(form.get("reason") ?? "");
  const message = String(form.get("message") ?? "").trim();
  const values = { invoiceIds: chosen, reason, message };
  const open = openInvoices(ctx);
  const errors: ObjectionErrors = {};
  if (chosen.length === 0 || chosen.some((id) => !open.some((i) => i.id === id))) errors.invoices = t.dispute.invoicesRequired;
  if (!(DISPUTE_REASONS as readonly string[]).includes(reason)) errors.reason = t.dispute.reasonRequired;
  if (message.length < 10) errors.message = t.dispute.messageTooShort;
  if (message.length > 2000) errors.message = t.dispute.messageTooLong;
  if (form.get("confirm") !== "yes") errors.confirm = t.confirmRequired;
  const files = filesOf(form, "files");
  if (Object.keys(errors).length > 0) return data({ errors, values }, { status: 400 });

  const stored = await storeUploads(getEnv().STORAGE_DIR, files);
  if (!stored.ok) return data({ errors: { files: fileProblem(t, stored.problem, stored.name) }, values }, { status: 400 });

  const numbers = open.filter((i) => chosen.includes(i.id)).map((i) => i.number);
  const next = nextReminderWithout(ctx, chosen);
  let outcome: { kind: "saved"; noticeId: number | null } | { kind: "replay" } | { kind: "taken"; number: string };
  try {
    outcome = db.transaction(
      (tx) => {
        const existing = tx.select().from(disputes).where(and(inArray(disputes.invoiceId, chosen), eq(disputes.status, "open"))).all();
        // The same submission again (a double click, a retry): it was recorded, nothing more to do.
        if (existing.length === chosen.length && existing.every((d) => d.message === message && d.reason === reason)) return { kind: "replay" as const };
        if (existing.length > 0) return { kind: "taken" as const, number: open.find((i) => i.id === existing[0]!.invoiceId)!.number };
        const ids = chosen.map((invoiceId) => {
          const row = tx
            .insert(disputes)
            .values({ debtorId: debtor.id, invoiceId, reason: reason as (typeof DISPUTE_REASONS)[number], message, linkId: ctx.session.linkId, createdAt: now })
            .returning({ id: disputes.id })
            .get();
          for (const file of stored.stored) tx.insert(disputeFiles).values(fileRow(row.id, file, now)).run();
          return row.id;
        });
        appendTimeline(tx, {
          creditorId: debtor.creditorId,
          debtorId: debtor.id,
          invoiceId: chosen.length === 1 ? chosen[0]! : null,
          type: "dispute.opened",
          actor: "debtor",
          data: { disputeIds: ids, invoiceIds: chosen, reason, files: stored.stored.length, linkId: ctx.session.linkId },
          occurredAt: now,
        });
        const lines = [t.dispute.paused(numbers.join(", ")), next ? t.dispute.othersNext(next) : t.dispute.othersNone];
        return { kind: "saved" as const, noticeId: queueNotice(tx, getEnv(), { debtorId: debtor.id, key: `dispute-${ids[0]}`, title: t.dispute.noticeTitle, lines }, now) };
      },
      { behavior: "immediate" },
    );
  } catch (error) {
    stored.discard();
    throw error;
  }
  if (outcome.kind !== "saved") stored.discard();
  if (outcome.kind === "taken") return data({ errors: { invoices: t.dispute.alreadyDisputed(outcome.number) }, values }, { status: 409 });
  if (outcome.kind === "saved") await sendNoticeNow(requestDeps(), outcome.noticeId);
  return redirect("/portal?done=dispute", { headers: noStoreHeaders });
}

function fileRow(disputeId: number, file: StoredFile, now: Date) {
  return { disputeId, storagePath: file.path, originalName: file.name, contentType: file.contentType, sizeBytes: file.size, createdAt: now };
}

function fileProblem(t: ReturnType<typeof objectionMessages>, problem: string, name = "") {
  switch (problem) {
    case "too_many":
      return t.files.too_many;
    case "too_large":
      return t.files.too_large(name);
    case "empty":
      return t.files.empty(name);
    default:
      return t.files.unsupported(name);
  }
}

// ---------------------------------------------------------------------------------------------
// "I already paid"
// ---------------------------------------------------------------------------------------------

export async function loadAlreadyPaidPage(request: Request) {
  const ctx = await requirePortalDebtor(request);
  const claimed = new Set(
    ctx.db
      .select({ invoiceId: paymentClaims.invoiceId })
      .from(paymentClaims)
      .where(and(eq(paymentClaims.debtorId, ctx.debtor.id), eq(paymentClaims.status, "pending")))
      .all()
      .map((c) => c.invoiceId),
  );
  return { csrf: ctx.csrf, locale: ctx.debtor.locale, today: ctx.today, invoices: openInvoices(ctx).map((i) => ({ ...i, claimed: claimed.has(i.id) })) };
}

export async function alreadyPaidAction(request: Request) {
  requireFormSize(request, TOO_BIG);
  const ctx: ActionCtx = await requirePortalAction(request);
  const { db, form, debtor, now, today } = ctx;
  const t = objectionMessages(debtor.locale);
  const invoiceId = Number(form.get("invoice"));
  const paidOn = String(form.get("paidOn") ?? "");
  const amountText = String(form.get("amount") ?? "").trim();
  const method = String(form.get("method") ?? "");
  const reference = String(form.get("reference") ?? "").trim();
  const values = { invoiceId, paidOn, amount: amountText, method, reference };
  const invoice = openInvoices(ctx).find((i) => i.id === invoiceId);
  const errors: ObjectionErrors = {};
  if (!invoice) errors.invoice = t.paid.invoiceRequired;
  // A payment made up to two years ago is plausible; one dated tomorrow is not.
  if (!isCalendarDate(paidOn) || paidOn > today || paidOn < addDays(today, -730)) errors.paidOn = t.paid.paidOnInvalid;
  const cents = parseAmountToCents(amountText);
  if (cents === null || cents <= 0) errors.amount = t.paid.amountInvalid;
  else if (invoice && cents > invoice.balanceCents) errors.amount = t.paid.amountAboveBalance(invoice.amountLabel);
  if (!(CLAIM_METHODS as readonly string[]).includes(method)) errors.method = t.paid.methodRequired;
  if (reference.length > 100) errors.reference = t.paid.referenceTooLong;
  if (form.get("confirm") !== "yes") errors.confirm = t.confirmRequired;
  const files = filesOf(form, "proof");
  if (files.length > 1) errors.proof = t.files.too_many;
  if (Object.keys(errors).length > 0 || !invoice || cents === null) return data({ errors, values }, { status: 400 });

  const stored = await storeUploads(getEnv().STORAGE_DIR, files);
  if (!stored.ok) return data({ errors: { proof: fileProblem(t, stored.problem, stored.name) }, values }, { status: 400 });
  const proof = stored.stored[0];
  let outcome: { kind: "saved"; noticeId: number | null } | { kind: "replay" } | { kind: "taken" };
  try {
    outcome = db.transaction(
      (tx) => {
        const pending = tx.select().from(paymentClaims).where(and(eq(paymentClaims.invoiceId, invoice.id), eq(paymentClaims.status, "pending"))).get();
        if (pending) return pending.amountCents === cents && pending.paidOn === paidOn ? { kind: "replay" as const } : { kind: "taken" as const };
        const claim = tx
          .insert(paymentClaims)
          .values({
            debtorId: debtor.id,
            invoiceId: invoice.id,
            paidOn,
            amountCents: cents,
            method: method as (typeof CLAIM_METHODS)[number],
            reference: reference || null,
            proofPath: proof?.path ?? null,
            proofName: proof?.name ?? null,
            proofContentType: proof?.contentType ?? null,
            linkId: ctx.session.linkId,
            createdAt: now,
          })
          .returning({ id: paymentClaims.id })
          .get();
        // Held until staff check it: a pause with an owner and no end (DESIGN.md).
        tx.insert(cadencePauses).values({ debtorId: debtor.id, invoiceId: invoice.id, reason: "payment_claimed", startsAt: now, owner: "staff", note: `claim ${claim.id}` }).run();
        appendTimeline(tx, {
          creditorId: debtor.creditorId,
          debtorId: debtor.id,
          invoiceId: invoice.id,
          type: "payment.claimed",
          actor: "debtor",
          data: { claimId: claim.id, paidOn, amountCents: cents, method, reference: reference || null, proof: proof ? proof.name : null, linkId: ctx.session.linkId },
          occurredAt: now,
        });
        const lines = t.paid.lines(invoice.number, formatMoney({ cents, currency: invoice.currency }, ctx.intl), formatCalendarDate(paidOn, ctx.intl));
        return { kind: "saved" as const, noticeId: queueNotice(tx, getEnv(), { debtorId: debtor.id, key: `claim-${claim.id}`, title: t.paid.noticeTitle, lines }, now) };
      },
      { behavior: "immediate" },
    );
  } catch (error) {
    stored.discard();
    throw error;
  }
  if (outcome.kind !== "saved") stored.discard();
  if (outcome.kind === "taken") return data({ errors: { invoice: t.paid.alreadyClaimed(invoice.number) }, values }, { status: 409 });
  if (outcome.kind === "saved") await sendNoticeNow(requestDeps(), outcome.noticeId);
  return redirect("/portal?done=paid", { headers: noStoreHeaders });
}
