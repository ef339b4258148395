import { data, redirect } from "@remix-run/node";
import type { OutboxDeps } from "../shared/outbox.server";
import { simulateCadence, ticksBetween } from "../../domain/cadence-simulation";
import { addDays, formatCalendarDate, localDate } from "../../domain/dates";
import { formatMoney } from "../../domain/money";
import { validateClaim, validateDispute, type ClaimProblems, type DisputeProblems } from "../../domain/objections";
import { getEnv } from "../../env.server";
import { objectionMessages } from "../../i18n/portal-objections";
import { listOpenInvoices } from "../../models/portal.server";
import { appendTimeline } from "../../models/timeline.server";
import { loadCadenceStates } from "../shared/cadence.server";
import { NO_STORE_HEADERS } from "../../utils/head";
import { queueNotice, sendNoticeNow } from "../shared/notices.server";
import { recordCommitment, sendCreditorCopies } from "../shared/creditor-copies.server";
import { requirePortalAction, requirePortalDebtor, requireStepUp, requireStepUpAction } from "./portal-guards.server";
import { filesOf, inspectUploads, requireFormSize, storeUploads, type StoredFile } from "../documents/uploads.server";
import type { UploadProblem } from "../../domain/uploads";
import { transaction, type Db } from "../../../db/client";
import { insertDispute, insertDisputeFile, listOpenDisputedInvoiceIds, listOpenDisputesOn } from "../../models/disputes.server";
import { getPendingClaim, holdClaimedInvoice, insertPaymentClaim, listPendingClaimInvoiceIds } from "../../models/payment-claims.server";

type Ctx = Awaited<ReturnType<typeof requirePortalDebtor>>;
type ActionCtx = Awaited<ReturnType<typeof requirePortalAction>>;
type Messages = ReturnType<typeof objectionMessages>;

const TOO_BIG = "Fichiers trop volumineux : 3 fichiers de 5 Mo au plus. / Files too large: 3 files of 5 MB at most.";

async function openInvoices(ctx: Ctx) {
  return (await listOpenInvoices(ctx.db, ctx.debtor.id)).map((i) => ({
    id: i.id,
    number: i.number,
    balanceCents: i.balanceCents,
    currency: i.currency,
    amountLabel: formatMoney({ cents: i.balanceCents, currency: i.currency }, ctx.intl),
    dueLabel: formatCalendarDate(i.dueDate, ctx.intl),
  }));
}

/**
 * When each of the debtor's other open invoices will next be reminded once these are held: the
 * cadence's own decision function replayed on the state with the hold added (nothing written).
 */
async function othersSchedule(ctx: Ctx, held: readonly number[], hold: "dispute" | "claim"): Promise<{ number: string; next: string | null }[]> {
  const state = (await loadCadenceStates(ctx.db, ctx.now, [ctx.debtor.id]))[0]?.state;
  const others = (await openInvoices(ctx)).filter((i) => !held.includes(i.id));
  if (!state || others.length === 0) return [];
  const holding = {
    ...state,
    lastActionAt: ctx.now,
    invoices: state.invoices.map((i) => (hold === "dispute" && held.includes(i.id) ? { ...i, openDispute: true } : i)),
    pauses:
      hold === "claim"
        ? [...state.pauses, ...held.map((invoiceId) => ({ id: -invoiceId, invoiceId, reason: "payment_claimed" as const, endsAt: null, callbackAt: null }))]
        : state.pauses,
  };
  const { contacts } = simulateCadence([holding], ticksBetween(ctx.today, addDays(ctx.today, 31), 6));
  return others.map((invoice) => {
    const next = contacts.find((c) => c.plannedFor > ctx.now && c.channel !== "call" && c.invoiceSteps.some((s) => s.invoiceId === invoice.id));
    return { number: invoice.number, next: next ? formatCalendarDate(localDate(next.plannedFor, state.timeZone), ctx.intl) : null };
  });
}

function othersLines(t: Messages, others: { number: string; next: string | null }[]): string[] {
  return others.map((o) => (o.next ? t.othersNext(o.number, o.next) : t.othersNone(o.number)));
}

export type ObjectionErrors = Record<string, string>;

function intentOf(form: FormData): "review" | "confirm" | "edit" {
  const intent = form.get("intent");
  return intent === "confirm" || intent === "edit" ? intent : "review";
}

function fileProblem(t: Messages, problem: UploadProblem, name = "") {
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

/**
 * Files cannot travel in a hidden field from the review to the confirmation: the form keeps its
 * file inputs (hidden, not removed) and the review says how many it saw. A confirmation that arrives
 * with another count (a page reloaded without script) is sent back to choose them again.
 */
function reviewedFilesChanged(form: FormData, files: readonly File[]) {
  return Number(form.get("reviewedFiles") ?? 0) !== files.length;
}

// ---------------------------------------------------------------------------------------------
// Dispute
// ---------------------------------------------------------------------------------------------

/** A dispute stops collection, so it needs the step-up code first (M20): a forwarded link cannot. */
export async function loadDisputePage(db: Db, request: Request) {
  const ctx = await requireStepUp(db, request);
  const disputed = new Set(await listOpenDisputedInvoiceIds(ctx.db, ctx.debtor.id));
  return { csrf: ctx.csrf, locale: ctx.debtor.locale, invoices: (await openInvoices(ctx)).map((i) => ({ ...i, disputed: disputed.has(i.id) })) };
}

function disputeErrors(t: Messages, problems: DisputeProblems): ObjectionErrors {
  const errors: ObjectionErrors = {};
  if (problems.invoices) errors.invoices = t.dispute.invoicesRequired;
  if (problems.reason) errors.reason = t.dispute.reasonRequired;
  if (problems.message === "too_short") errors.message = t.dispute.messageTooShort;
  if (problems.message === "too_long") errors.message = t.dispute.messageTooLong;
  return errors;
}

/**
 * Review (M2): everything checked, files judged by their bytes, nothing written; the page then
 * says what happens to each invoice. Confirm: checked again, files stored, one dispute per invoice.
 */
export async function disputeAction(deps: OutboxDeps, request: Request) {
  const { db } = deps;
  requireFormSize(request, TOO_BIG);
  const ctx: ActionCtx = await requireStepUpAction(db, request);
  const { form, debtor, now } = ctx;
  const t = objectionMessages(debtor.locale);
  const intent = intentOf(form);
  const values = { invoiceIds: [...new Set(form.getAll("invoice").map(Number))], reason: String(form.get("reason") ?? ""), message: String(form.get("message") ?? "") };
  if (intent === "edit") return { step: "edit" as const, errors: {} as ObjectionErrors, values };
  const open = await openInvoices(ctx);
  const checked = validateDispute(
    values,
    open.map((i) => i.id),
  );
  if (!checked.ok) return data({ step: "edit" as const, errors: disputeErrors(t, checked.problems), values }, { status: 400 });
  const { invoiceIds, reason, message } = checked.value;
  const files = filesOf(form, "files");
  const numbers = open.filter((i) => invoiceIds.includes(i.id)).map((i) => i.number);
  const already = await listOpenDisputesOn(db, invoiceIds);

  if (intent === "review") {
    const inspected = await inspectUploads(files);
    if (!inspected.ok) return data({ step: "edit" as const, errors: { files: fileProblem(t, inspected.problem, inspected.name) } as ObjectionErrors, values }, { status: 400 });
    if (already.length > 0)
      return data(
        { step: "edit" as const, errors: { invoices: t.dispute.alreadyDisputed(open.find((i) => i.id === already[0]!.invoiceId)!.number) } as ObjectionErrors, values },
        { status: 409 },
      );
    return {
      step: "review" as const,
      values,
      review: {
        invoices: open.filter((i) => invoiceIds.includes(i.id)).map((i) => ({ number: i.number, amountLabel: i.amountLabel })),
        summary: [
          [t.dispute.reason, t.dispute.reasons[reason]],
          [t.dispute.message, message],
        ] as [string, string][],
        files: inspected.files.map((f) => f.name),
        nextLines: [t.dispute.paused(numbers.join(", ")), ...othersLines(t, await othersSchedule(ctx, invoiceIds, "dispute")), t.confirmationSent],
      },
    };
  }

  if (reviewedFilesChanged(form, files)) return data({ step: "edit" as const, errors: { files: t.files.chooseAgain } as ObjectionErrors, values }, { status: 400 });
  // The same submission again (a double click, a retry): it was recorded, nothing more to do.
  if (already.length === invoiceIds.length && already.every((d) => d.message === message && d.reason === reason))
    return redirect("/portal?done=dispute", { headers: NO_STORE_HEADERS });
  const stored = await storeUploads(getEnv().STORAGE_DIR, files);
  if (!stored.ok) return data({ step: "edit" as const, errors: { files: fileProblem(t, stored.problem, stored.name) } as ObjectionErrors, values }, { status: 400 });
  const lines = [t.dispute.paused(numbers.join(", ")), ...othersLines(t, await othersSchedule(ctx, invoiceIds, "dispute"))];
  let outcome: { kind: "saved"; noticeId: number | null; copyIds: number[] } | { kind: "replay" } | { kind: "taken"; number: string };
  try {
    outcome = await transaction(db, async (tx) => {
      // Re-read inside the IMMEDIATE transaction: two submissions racing serialise here.
      const existing = await listOpenDisputesOn(tx, invoiceIds);
      if (existing.length === invoiceIds.length && existing.every((d) => d.message === message && d.reason === reason)) return { kind: "replay" as const };
      if (existing.length > 0) return { kind: "taken" as const, number: open.find((i) => i.id === existing[0]!.invoiceId)!.number };
      const ids: number[] = [];
      for (const invoiceId of invoiceIds) {
        const row = await insertDispute(tx, { debtorId: debtor.id, invoiceId, reason, message, linkId: ctx.session.linkId, createdAt: now });
        for (const file of stored.stored) await insertDisputeFile(tx, fileRow(row.id, file, now));
        ids.push(row.id);
      }
      await appendTimeline(tx, {
        creditorId: debtor.creditorId,
        debtorId: debtor.id,
        invoiceId: invoiceIds.length === 1 ? invoiceIds[0]! : null,
        type: "dispute.opened",
        actor: "debtor",
        data: { disputeIds: ids, invoiceIds, reason, files: stored.stored.length, linkId: ctx.session.linkId },
        occurredAt: now,
      });
      const noticeId = await queueNotice(tx, getEnv(), { debtorId: debtor.id, key: `dispute-${ids[0]}`, title: t.dispute.noticeTitle, lines }, now);
      // What the debtor confirmed on the review step: the invoices, the reason and their own words.
      const acknowledgment = `${numbers.join(", ")} — ${t.dispute.reasons[reason]} : ${message}`;
      const copyIds = await recordCommitment(tx, request, {
        debtorId: debtor.id,
        kind: "dispute",
        recordId: ids[0]!,
        acknowledgment,
        details: [...lines, `Pièces jointes : ${stored.stored.length}`],
        at: now,
      });
      return { kind: "saved" as const, noticeId, copyIds };
    });
  } catch (error) {
    stored.discard();
    throw error;
  }
  if (outcome.kind !== "saved") stored.discard();
  if (outcome.kind === "taken") return data({ step: "edit" as const, errors: { invoices: t.dispute.alreadyDisputed(outcome.number) } as ObjectionErrors, values }, { status: 409 });
  if (outcome.kind === "saved") {
    await sendNoticeNow(deps, outcome.noticeId);
    await sendCreditorCopies(deps, outcome.copyIds);
  }
  return redirect("/portal?done=dispute", { headers: NO_STORE_HEADERS });
}

function fileRow(disputeId: number, file: StoredFile, now: Date) {
  return { disputeId, storagePath: file.path, originalName: file.name, contentType: file.contentType, sizeBytes: file.size, createdAt: now };
}

// ---------------------------------------------------------------------------------------------
// "I already paid"
// ---------------------------------------------------------------------------------------------

export async function loadAlreadyPaidPage(db: Db, request: Request) {
  const ctx = await requirePortalDebtor(db, request);
  const claimed = new Set(await listPendingClaimInvoiceIds(ctx.db, ctx.debtor.id));
  return { csrf: ctx.csrf, locale: ctx.debtor.locale, today: ctx.today, invoices: (await openInvoices(ctx)).map((i) => ({ ...i, claimed: claimed.has(i.id) })) };
}

function claimErrors(t: Messages, problems: ClaimProblems, balanceLabel: string | undefined): ObjectionErrors {
  const errors: ObjectionErrors = {};
  if (problems.invoice) errors.invoice = t.paid.invoiceRequired;
  if (problems.paidOn === "too_old") errors.paidOn = t.paid.paidOnTooOld;
  else if (problems.paidOn) errors.paidOn = t.paid.paidOnInvalid;
  if (problems.amount === "invalid") errors.amount = t.paid.amountInvalid;
  if (problems.amount === "above_balance") errors.amount = t.paid.amountAboveBalance(balanceLabel ?? "");
  if (problems.method) errors.method = t.paid.methodRequired;
  if (problems.reference) errors.reference = t.paid.referenceTooLong;
  return errors;
}

export async function alreadyPaidAction(deps: OutboxDeps, request: Request) {
  const { db } = deps;
  requireFormSize(request, TOO_BIG);
  const ctx: ActionCtx = await requirePortalAction(db, request);
  const { form, debtor, now, today } = ctx;
  const t = objectionMessages(debtor.locale);
  const intent = intentOf(form);
  const values = {
    invoiceId: Number(form.get("invoice")),
    paidOn: String(form.get("paidOn") ?? ""),
    amount: String(form.get("amount") ?? ""),
    method: String(form.get("method") ?? ""),
    reference: String(form.get("reference") ?? ""),
  };
  if (intent === "edit") return { step: "edit" as const, errors: {} as ObjectionErrors, values };
  const open = await openInvoices(ctx);
  const invoice = open.find((i) => i.id === values.invoiceId);
  const checked = validateClaim(values, { today, openInvoices: open });
  const files = filesOf(form, "proof");
  // One proof per claim: the form has a single file input.
  if (!checked.ok || !invoice || files.length > 1) {
    const errors = checked.ok ? {} : claimErrors(t, checked.problems, invoice?.amountLabel);
    if (files.length > 1) errors.proof = t.files.too_many;
    return data({ step: "edit" as const, errors, values }, { status: 400 });
  }
  const claim = checked.value;
  const amountLabel = formatMoney({ cents: claim.amountCents, currency: invoice.currency }, ctx.intl);
  const pending = async () => await getPendingClaim(db, invoice.id);

  if (intent === "review") {
    const inspected = await inspectUploads(files);
    if (!inspected.ok) return data({ step: "edit" as const, errors: { proof: fileProblem(t, inspected.problem, inspected.name) } as ObjectionErrors, values }, { status: 400 });
    if (await pending()) return data({ step: "edit" as const, errors: { invoice: t.paid.alreadyClaimed(invoice.number) } as ObjectionErrors, values }, { status: 409 });
    return {
      step: "review" as const,
      values,
      review: {
        invoices: [{ number: invoice.number, amountLabel: invoice.amountLabel }],
        summary: [
          [t.paid.paidOn, formatCalendarDate(claim.paidOn, ctx.intl)],
          [t.paid.amountShort, amountLabel],
          [t.paid.method, t.paid.methods[claim.method]],
          ...(claim.reference ? [[t.paid.referenceShort, claim.reference] as [string, string]] : []),
        ] as [string, string][],
        files: inspected.files.map((f) => f.name),
        nextLines: [...t.paid.next(invoice.number), ...othersLines(t, await othersSchedule(ctx, [invoice.id], "claim")), t.confirmationSent],
      },
    };
  }

  if (reviewedFilesChanged(form, files)) return data({ step: "edit" as const, errors: { proof: t.files.chooseAgain } as ObjectionErrors, values }, { status: 400 });
  const before = await pending();
  if (before) {
    if (before.amountCents === claim.amountCents && before.paidOn === claim.paidOn) return redirect("/portal?done=paid", { headers: NO_STORE_HEADERS });
    return data({ step: "edit" as const, errors: { invoice: t.paid.alreadyClaimed(invoice.number) } as ObjectionErrors, values }, { status: 409 });
  }
  const stored = await storeUploads(getEnv().STORAGE_DIR, files);
  if (!stored.ok) return data({ step: "edit" as const, errors: { proof: fileProblem(t, stored.problem, stored.name) } as ObjectionErrors, values }, { status: 400 });
  const proof = stored.stored[0];
  let outcome: { kind: "saved"; noticeId: number | null; copyIds: number[] } | { kind: "replay" } | { kind: "taken" };
  try {
    outcome = await transaction(db, async (tx) => {
      const current = await getPendingClaim(tx, invoice.id);
      if (current) return current.amountCents === claim.amountCents && current.paidOn === claim.paidOn ? { kind: "replay" as const } : { kind: "taken" as const };
      const row = await insertPaymentClaim(tx, {
        debtorId: debtor.id,
        invoiceId: invoice.id,
        paidOn: claim.paidOn,
        amountCents: claim.amountCents,
        method: claim.method,
        reference: claim.reference,
        proofPath: proof?.path ?? null,
        proofName: proof?.name ?? null,
        proofContentType: proof?.contentType ?? null,
        linkId: ctx.session.linkId,
        createdAt: now,
      });
      // Held until staff check it: a pause with an owner and no end (DESIGN.md).
      await holdClaimedInvoice(tx, { debtorId: debtor.id, invoiceId: invoice.id, claimId: row.id, now });
      await appendTimeline(tx, {
        creditorId: debtor.creditorId,
        debtorId: debtor.id,
        invoiceId: invoice.id,
        type: "payment.claimed",
        actor: "debtor",
        data: {
          claimId: row.id,
          paidOn: claim.paidOn,
          amountCents: claim.amountCents,
          method: claim.method,
          reference: claim.reference,
          proof: proof ? proof.name : null,
          linkId: ctx.session.linkId,
        },
        occurredAt: now,
      });
      const lines = t.paid.lines(invoice.number, amountLabel, formatCalendarDate(claim.paidOn, ctx.intl));
      const noticeId = await queueNotice(tx, getEnv(), { debtorId: debtor.id, key: `claim-${row.id}`, title: t.paid.noticeTitle, lines }, now);
      const details = [`Mode de paiement : ${claim.method}`, `Référence : ${claim.reference ?? "—"}`, `Justificatif : ${proof ? proof.name : "aucun"}`];
      const copyIds = await recordCommitment(tx, request, { debtorId: debtor.id, kind: "payment_claim", recordId: row.id, acknowledgment: lines.join(" "), details, at: now });
      return { kind: "saved" as const, noticeId, copyIds };
    });
  } catch (error) {
    stored.discard();
    throw error;
  }
  if (outcome.kind !== "saved") stored.discard();
  if (outcome.kind === "taken") return data({ step: "edit" as const, errors: { invoice: t.paid.alreadyClaimed(invoice.number) } as ObjectionErrors, values }, { status: 409 });
  if (outcome.kind === "saved") {
    await sendNoticeNow(deps, outcome.noticeId);
    await sendCreditorCopies(deps, outcome.copyIds);
  }
  return redirect("/portal?done=paid", { headers: NO_STORE_HEADERS });
}
