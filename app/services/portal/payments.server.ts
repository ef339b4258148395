import { addDays, formatCalendarDate } from "../../domain/dates";
import { formatMoney, totalsByCurrency } from "../../domain/money";
import { decideAllocations, formatIban, sameAllocations, type AllocationDecision, type PaymentChoice } from "../../domain/payments";
import { getEnv } from "../../env.server";
import type { PaymentProvider } from "../../integrations/payments.server";
import { payMessages } from "../../i18n/portal-pay";
import { getCreditorPaymentPolicy, listInvoicesOfDebtor, listOpenInvoices } from "../../models/portal.server";
import { expireCheckouts, getCheckoutOfDebtor, insertCheckout, listOpenCheckouts, setCheckoutProviderSession } from "../../models/checkout-sessions.server";
import { appendTimeline } from "../../models/timeline.server";
import { dryRun } from "../shared/dry-run.server";
import { requirePortalAction, requirePortalDebtor } from "./portal-guards.server";
import { transaction, type Db } from "../../../db/client";

/** A double submission within this time goes back to the same hosted page instead of opening another. */
const REUSE_CHECKOUT_MS = 50 * 60_000;
/** Stripe accepts 30 min to 24 h; an hour covers a phone left aside, and stays inside the reuse window's key lifetime. */
const CHECKOUT_LIFETIME_MS = 60 * 60_000;
const CHASING = new Set(["first_reminder", "second_reminder", "formal_notice", "broken_promise", "follow_up", "call"]);

type Context = Awaited<ReturnType<typeof requirePortalDebtor>>;

async function creditorPolicy(ctx: Context) {
  return (await getCreditorPaymentPolicy(ctx.db, ctx.debtor.creditorId))!;
}

export type PayFormErrors = { form?: string; fields: Record<number, string> };

/** What /portal/pay shows: open invoices, the card form, the transfer details, what happens next. */
export async function loadPayPage(db: Db, request: Request) {
  const ctx = await requirePortalDebtor(db, request);
  const { debtor, intl, csrf, today } = ctx;
  const policy = await creditorPolicy(ctx);
  const open = await listOpenInvoices(db, debtor.id);
  const money = (cents: number, currency: string) => formatMoney({ cents, currency }, intl);
  // What the cadence would send next if nothing is paid: the dry-run, the same decisions as the job.
  // Every 6 hours rather than hourly: the day is all the page says, at an eighth of the cost.
  const next = (await dryRun(db, { from: today, to: addDays(today, 31), debtorId: debtor.id, everyHours: 6 })).find((row) => CHASING.has(row.what));
  const cancelled = new URL(request.url).searchParams.has("cancelled");
  return {
    csrf,
    locale: debtor.locale,
    cancelled,
    allowPartial: policy.allowPartialPayments,
    invoices: open.map((invoice) => ({
      id: invoice.id,
      number: invoice.number,
      balanceLabel: money(invoice.balanceCents, invoice.currency),
      // Prefilled in the amount field: the debtor's own decimal mark, no currency sign.
      balanceInput: new Intl.NumberFormat(intl, { minimumFractionDigits: 2, useGrouping: false }).format(invoice.balanceCents / 100),
      dueDateLabel: formatCalendarDate(invoice.dueDate, intl),
    })),
    totalLabel: totalsByCurrency(open.map((i) => ({ cents: i.balanceCents, currency: i.currency })))
      .map((m) => formatMoney(m, intl))
      .join(" + "),
    nextReminderLabel: next ? formatCalendarDate(next.when.slice(0, 10), intl) : null,
    // The creditor's own account (printed on every invoice), not the debtor's data (M19 is about the latter).
    bank:
      policy.iban && open.length > 0
        ? {
            holder: policy.holder ?? policy.legalName,
            iban: policy.iban.replace(/\s+/g, ""),
            ibanLabel: formatIban(policy.iban),
            bic: policy.bic,
            reference: open.map((i) => i.number).join(" "),
          }
        : null,
  };
}

function readChoices(form: FormData): PaymentChoice[] {
  return form
    .getAll("invoice")
    .map((value) => Number(value))
    .filter((id) => Number.isSafeInteger(id) && id > 0)
    .map((invoiceId) => {
      const amount = form.get(`amount-${invoiceId}`);
      return { invoiceId, amountText: typeof amount === "string" ? amount : null };
    });
}

function describeErrors(decision: Extract<AllocationDecision, { ok: false }>, locale: "fr" | "en", intl: string, currencyOf: (id: number) => string): PayFormErrors {
  const t = payMessages(locale).errors;
  const fields: Record<number, string> = {};
  for (const [id, { error, balanceCents }] of Object.entries(decision.fieldErrors)) {
    const balance = formatMoney({ cents: balanceCents, currency: currencyOf(Number(id)) }, intl);
    fields[Number(id)] = error === "above_balance" ? t.above_balance(balance) : error === "partial_not_allowed" ? t.partial_not_allowed(balance) : t[error];
  }
  return { form: decision.formError ? t[decision.formError] : undefined, fields };
}

export type StartCheckoutResult = { status: "redirect"; url: string } | { status: "invalid"; errors: PayFormErrors; values: Record<string, string>; chosen: number[] };

/**
 * POST /portal/pay: the amounts come from the database (P4) through the allocation rules; the
 * checkout row is written first, then the hosted page is created outside any transaction (R4) with
 * the row's id as idempotency key (P5). A double submission goes back to the same page.
 */
export async function startCheckout(db: Db, request: Request, payments: PaymentProvider): Promise<StartCheckoutResult> {
  const ctx = await requirePortalAction(db, request);
  const { debtor, form, intl, now } = ctx;
  const env = getEnv();
  const open = await listOpenInvoices(db, debtor.id);
  const choices = readChoices(form);
  const decision = decideAllocations(open, choices, { allowPartialPayments: (await creditorPolicy(ctx)).allowPartialPayments });
  const values = Object.fromEntries(choices.map((c) => [`amount-${c.invoiceId}`, c.amountText ?? ""]));
  const chosen = choices.map((c) => c.invoiceId);
  if (!decision.ok) {
    const currencyOf = (id: number) => open.find((i) => i.id === id)?.currency ?? "EUR";
    return { status: "invalid", errors: describeErrors(decision, debtor.locale, intl, currencyOf), values, chosen };
  }

  const { checkout, replaced } = await transaction(db, async (tx) => {
    const open = await listOpenCheckouts(tx, debtor.id);
    const recent = open.find(
      (row) => row.createdAt.getTime() > now.getTime() - REUSE_CHECKOUT_MS && row.currency === decision.currency && sameAllocations(row.allocations, decision.allocations),
    );
    if (recent) return { checkout: recent, replaced: [] };
    // A payment in progress is never duplicated: an open checkout covering one of these invoices is closed first.
    const chosenIds = new Set(decision.allocations.map((a) => a.invoiceId));
    const replaced = open.filter((row) => row.allocations.some((a) => chosenIds.has(a.invoiceId)));
    if (replaced.length)
      await expireCheckouts(
        tx,
        replaced.map((r) => r.id),
      );
    const row = await insertCheckout(tx, { debtorId: debtor.id, currency: decision.currency, totalCents: decision.totalCents, allocations: decision.allocations, now });
    for (const old of replaced) {
      await appendTimeline(tx, {
        creditorId: debtor.creditorId,
        debtorId: debtor.id,
        type: "checkout.expired",
        actor: "debtor",
        data: { checkoutId: old.id, replacedBy: row.id },
        occurredAt: now,
      });
    }
    // Not a debtor action for the cadence (nothing is paid yet): the funnel's "action chosen".
    await appendTimeline(tx, {
      creditorId: debtor.creditorId,
      debtorId: debtor.id,
      type: "checkout.started",
      actor: "debtor",
      data: { checkoutId: row.id, totalCents: row.totalCents, currency: row.currency, invoiceIds: decision.allocations.map((a) => a.invoiceId) },
      occurredAt: now,
    });
    return { checkout: row, replaced };
  });

  // Outside the transaction (R4). Should Stripe not answer, a payment on the old page is still recorded, as an overpayment if need be.
  for (const old of replaced) {
    if (!old.providerSessionId) continue;
    const expired = await payments.expireCheckout(old.providerSessionId, old.id);
    if (expired.status === "error") console.warn(`checkout ${old.id}: could not expire its session at the payment provider: ${expired.message}`);
  }

  if (checkout.providerSessionId) {
    const url = await payments.checkoutUrl(checkout.providerSessionId, checkout.id);
    if (url) return { status: "redirect", url };
  }
  const numbers = new Map(open.map((i) => [i.id, i.number]));
  const t = payMessages(debtor.locale);
  const result = await payments.createCheckout({
    checkoutId: checkout.id,
    debtorId: debtor.id,
    currency: checkout.currency,
    locale: debtor.locale,
    lines: checkout.allocations.map((a) => {
      const number = numbers.get(a.invoiceId) ?? String(a.invoiceId);
      return { invoiceNumber: number, label: t.payInvoice(number, formatMoney({ cents: a.amountCents, currency: checkout.currency }, intl)), amountCents: a.amountCents };
    }),
    successUrl: `${env.PUBLIC_BASE_URL}/portal/pay/done?checkout=${checkout.id}&session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${env.PUBLIC_BASE_URL}/portal/pay?cancelled=${checkout.id}`,
    expiresAt: new Date(checkout.createdAt.getTime() + CHECKOUT_LIFETIME_MS),
  });
  if (result.status === "error") {
    console.warn(`checkout ${checkout.id}: the payment provider refused or did not answer: ${result.message}`);
    // Left open: a new attempt reuses the row and its idempotency key, so at most one session exists.
    return { status: "invalid", errors: { form: t.errors.provider, fields: {} }, values, chosen };
  }
  await setCheckoutProviderSession(db, checkout.id, result.sessionId);
  return { status: "redirect", url: result.url };
}

/**
 * The success page. It records nothing (P3): the webhook does. Until then it says the payment is
 * being confirmed; the checkout is looked up with the session's debtor in the where.
 */
export async function loadPayDone(db: Db, request: Request) {
  const { debtor, intl } = await requirePortalDebtor(db, request);
  const id = Number(new URL(request.url).searchParams.get("checkout"));
  const row = Number.isSafeInteger(id) && id > 0 ? await getCheckoutOfDebtor(db, debtor.id, id) : undefined;
  if (!row) throw new Response("Not found", { status: 404 });
  const money = (cents: number, currency: string) => formatMoney({ cents, currency }, intl);
  const rows = await listInvoicesOfDebtor(
    db,
    debtor.id,
    row.allocations.map((a) => a.invoiceId),
  );
  const open = await listOpenInvoices(db, debtor.id);
  const remaining = totalsByCurrency(open.map((i) => ({ cents: i.balanceCents, currency: i.currency }))).map((m) => formatMoney(m, intl));
  return {
    locale: debtor.locale,
    state: row.status === "paid" || row.status === "refunded" ? ("recorded" as const) : row.status === "expired" ? ("failed" as const) : ("confirming" as const),
    totalLabel: money(row.totalCents, row.currency),
    lines: row.allocations.map((a) => {
      const invoice = rows.find((i) => i.id === a.invoiceId);
      return {
        number: invoice?.number ?? "",
        paidLabel: money(a.amountCents, row.currency),
        leftLabel: invoice && invoice.balanceCents > 0 ? money(invoice.balanceCents, invoice.currency) : null,
      };
    }),
    remainingLabel: remaining.length ? remaining.join(" + ") : null,
  };
}
