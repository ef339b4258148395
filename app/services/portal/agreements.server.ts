import { data, redirect } from "@remix-run/node";
import type { OutboxDeps } from "../shared/outbox.server";
import { transaction, type Db } from "../../../db/client";
import {
  MAX_INSTALLMENTS,
  MIN_INSTALLMENTS,
  TRUST_WINDOW_MONTHS,
  addMonths,
  allocatePromise,
  buildPlanSchedule,
  decideAutoAccept,
  parseAmountCents,
  planDateLimit,
  promiseDateLimit,
  validateCustomSchedule,
  validatePromise,
  type Rejection,
  type ScheduledInstallment,
} from "../../domain/agreements";
import { simulateCadence, ticksBetween } from "../../domain/cadence-simulation";
import { addDays, formatCalendarDate, localDate, utcMidnight, type CalendarDate } from "../../domain/dates";
import { formatMoney } from "../../domain/money";
import { agreementMessages, rejectionsByField, type Formatters } from "../../i18n/portal-agreements";
import { getEnv } from "../../env.server";
import { appendTimeline } from "../../models/timeline.server";
import {
  cancelOpenPromisesOn,
  countRecentBreaches,
  getAgreementPolicy,
  getLivePlan,
  insertPlan,
  insertPromises,
  listCommitmentInvoices,
  listOpenPromises,
  type CommitmentInvoice,
} from "../../models/agreements.server";
import { loadCadenceStates } from "../shared/cadence.server";
import { queueNotice, sendNoticeNow } from "../shared/notices.server";
import { requirePortalAction, requirePortalDebtor, requireStepUp, requireStepUpAction } from "./portal-guards.server";
import { NO_STORE_HEADERS } from "../../utils/head";
import { clientIp } from "../http/rate-limits.server";
import { recordCommitment, sendCreditorCopies } from "../shared/creditor-copies.server";

type Reader = Pick<Db, "select">;
type Ctx = Awaited<ReturnType<typeof requirePortalDebtor>>;
type ActionCtx = Awaited<ReturnType<typeof requirePortalAction>>;

/** Hidden fields that carry the debtor's input from the review step to the confirmation. */
type Echo = [name: string, value: string][];

function formatters(intl: string, currency: string): Formatters {
  return { date: (d) => formatCalendarDate(d, intl), money: (cents) => formatMoney({ cents, currency }, intl) };
}

function evidence(request: Request, ctx: Ctx, text: string) {
  return {
    acknowledgmentText: text,
    // Where the acknowledgment came from (L6), read as the rate limits read it: the proxy's own entry.
    acknowledgedIp: clientIp(request),
    acknowledgedUserAgent: request.headers.get("User-Agent")?.slice(0, 512) ?? null,
    linkId: ctx.session.linkId,
  };
}

async function cadenceState(db: Reader, ctx: Ctx) {
  return (await loadCadenceStates(db, ctx.now, [ctx.debtor.id]))[0]?.state ?? null;
}

const sum = (rows: readonly { balanceCents: number }[]) => rows.reduce((total, r) => total + r.balanceCents, 0);

// ---------------------------------------------------------------------------------------------
// Promise of a payment date
// ---------------------------------------------------------------------------------------------

/** An invoice can take a promise unless something else already holds it. */
const promisable = (i: CommitmentInvoice) => !i.held && !i.inPlan && !i.openPromise;

export async function loadPromisePage(db: Db, request: Request) {
  const ctx = await requirePortalDebtor(db, request);
  const { debtor, today, intl, csrf } = ctx;
  const { policy } = await getAgreementPolicy(db, debtor.id);
  const rows = (await listCommitmentInvoices(db, debtor.id)).filter((i) => !i.held && !i.inPlan);
  const limit = promiseDateLimit(today, policy);
  return {
    csrf,
    locale: debtor.locale,
    today,
    minDate: addDays(today, 1),
    maxDate: limit,
    limitLabel: formatCalendarDate(limit, intl),
    maxDays: policy.maxPromiseDays,
    invoices: rows.map((i) => ({
      id: i.id,
      number: i.number,
      amountLabel: formatMoney({ cents: i.balanceCents, currency: i.currency }, intl),
      dueLabel: formatCalendarDate(i.dueDate, intl),
      promisedLabel: i.openPromise ? formatCalendarDate(i.openPromise.date, intl) : null,
    })),
  };
}

type PromiseEvaluation =
  | { kind: "replay" }
  | { kind: "invalid"; errors: Record<string, string>; values: { invoiceIds: number[]; date: string; amount: string } }
  | {
      kind: "ok";
      date: CalendarDate;
      amountCents: number | null;
      shares: { invoiceId: number; amountCents: number }[];
      ackText: string;
      echo: Echo;
      summary: { number: string; amountLabel: string }[];
      notCovered: string[];
      next: PromiseNext;
      nextLines: string[];
    };

/** Reads the form against fresh state: the same function for the review and, inside the transaction, the confirmation. */
async function evaluatePromise(db: Reader, ctx: Ctx, form: FormData, intent: string): Promise<PromiseEvaluation> {
  const { debtor, today, intl } = ctx;
  const t = agreementMessages(debtor.locale);
  const { policy } = await getAgreementPolicy(db, debtor.id);
  const rows = await listCommitmentInvoices(db, debtor.id);
  const asked = new Set(form.getAll("invoice").map((v) => Number(v)));
  const date = String(form.get("date") ?? "").trim();
  const amount = String(form.get("amount") ?? "").trim();
  // Ids of other debtors' invoices are simply not found among this debtor's rows.
  const mine = rows.filter((i) => asked.has(i.id) && !i.held && !i.inPlan);
  // A confirmation replayed (double click, back and resubmit): the promises exist already, same date.
  if (intent === "confirm" && mine.length > 0 && mine.every((i) => i.openPromise?.date === date)) return { kind: "replay" };

  const chosen = mine.filter(promisable);
  const f = formatters(intl, chosen[0]?.currency ?? rows[0]?.currency ?? "EUR");
  const amountCents = parseAmountCents(amount);
  const checked = validatePromise({ date, amountCents, balanceCents: sum(chosen), invoiceCount: chosen.length, today, policy });
  const rejections: Rejection[] = checked.ok ? [] : [...checked.rejections];
  const already = mine.find((i) => i.openPromise);
  // A second promise on the same invoice is refused: moving the date at will would empty the broken-promise rule.
  if (already) rejections.unshift({ field: "invoices", key: "invoices.alreadyPromised", params: { date: already.openPromise!.date } });
  const values = { invoiceIds: [...asked], date, amount };
  if (!checked.ok || rejections.length > 0) return { kind: "invalid", errors: rejectionsByField(rejections, debtor.locale, f), values };

  const shares = allocatePromise(chosen, checked.value.amountCents);
  const covered = chosen.filter((i) => shares.some((s) => s.invoiceId === i.id));
  const promisedCents = shares.reduce((total, s) => total + s.amountCents, 0);
  const ackText = t.promise.acknowledgment({
    debtor: debtorName(ctx),
    creditor: creditorName(ctx),
    total: f.money(sum(covered)),
    numbers: covered.map((i) => i.number),
    amount: f.money(promisedCents),
    date: f.date(checked.value.date),
  });
  const next = await previewPromise(
    db,
    ctx,
    shares.map((s) => s.invoiceId),
    checked.value.date,
  );
  const nextLines = [t.promise.nextPaused(f.date(next.pausedUntil)), ...(next.then ? [t.promise.nextThen[next.then.kind](f.date(next.then.on))] : [])];
  return {
    kind: "ok",
    date: checked.value.date,
    amountCents: checked.value.amountCents,
    shares,
    ackText,
    echo: [...covered.map((i): [string, string] => ["invoice", String(i.id)]), ["date", date], ["amount", amount]],
    summary: covered.map((i) => ({ number: i.number, amountLabel: f.money(shares.find((s) => s.invoiceId === i.id)!.amountCents) })),
    notCovered: chosen.filter((i) => !covered.includes(i)).map((i) => i.number),
    next,
    nextLines,
  };
}

/**
 * What the cadence will do once the promise exists: the same decision function the job runs,
 * replayed on the debtor's state with the promise added (nothing is written). After the pause, the
 * first thing that happens about these invoices if nobody pays: the broken-promise message, the
 * ladder resuming, or the file handed over.
 */
async function previewPromise(db: Reader, ctx: Ctx, invoiceIds: number[], date: CalendarDate): Promise<PromiseNext> {
  const state = await cadenceState(db, ctx);
  if (!state) return { pausedUntil: date, then: null };
  const pausedUntil = addDays(date, state.policy.promiseGraceDays);
  const promised = {
    ...state,
    lastActionAt: ctx.now,
    // Negative ids: promises that do not exist yet.
    invoices: state.invoices.map((i) => (invoiceIds.includes(i.id) ? { ...i, openPromise: { id: -i.id, date } } : i)),
  };
  const { contacts, effects } = simulateCadence([promised], ticksBetween(ctx.today, addDays(pausedUntil, 30)));
  const contact = contacts.find((c) => c.plannedFor > ctx.now && c.invoiceSteps.some((s) => invoiceIds.includes(s.invoiceId)));
  const escalation = effects.find((e) => e.type === "escalate");
  if (escalation && (!contact || escalation.at < contact.plannedFor)) return { pausedUntil, then: { kind: "escalate", on: localDate(escalation.at, state.timeZone) } };
  if (!contact) return { pausedUntil, then: null };
  return { pausedUntil, then: { kind: contact.step === "broken_promise" ? "broken_promise" : "resume", on: localDate(contact.plannedFor, state.timeZone) } };
}

type PromiseNext = { pausedUntil: CalendarDate; then: { kind: "broken_promise" | "resume" | "escalate"; on: CalendarDate } | null };

function debtorName(ctx: Ctx) {
  return ctx.debtor.name;
}
function creditorName(ctx: Ctx) {
  return ctx.debtor.creditorName ?? ctx.debtor.creditorLegalName;
}

export async function promiseAction(deps: OutboxDeps, request: Request) {
  const { db } = deps;
  const ctx: ActionCtx = await requirePortalAction(db, request);
  const { form, debtor, now } = ctx;
  const intent = String(form.get("intent") ?? "review");
  const t = agreementMessages(debtor.locale);

  if (intent === "edit") {
    const values = { invoiceIds: form.getAll("invoice").map(Number), date: String(form.get("date") ?? ""), amount: String(form.get("amount") ?? "") };
    return { step: "edit" as const, errors: {} as Record<string, string>, values };
  }
  if (intent !== "confirm") {
    const result = await evaluatePromise(db, ctx, form, intent);
    if (result.kind === "invalid") return data({ step: "edit" as const, errors: result.errors, values: result.values }, { status: 400 });
    if (result.kind === "replay") return redirect("/portal?done=promise", { headers: NO_STORE_HEADERS });
    return { step: "review" as const, ...confirmView(result), changed: false };
  }

  // Read, decide and write in one IMMEDIATE transaction (R3): a double submission serialises here.
  const outcome = await transaction(db, async (tx) => {
    const result = await evaluatePromise(tx, ctx, form, intent);
    if (result.kind !== "ok") return result;
    // What the debtor saw must be what is stored (L6): if anything moved, show it again.
    if (form.get("ack") !== result.ackText) return { kind: "changed" as const, result };
    const ids = await insertPromises(
      tx,
      result.shares.map((share) => ({
        debtorId: debtor.id,
        invoiceId: share.invoiceId,
        promisedDate: result.date,
        amountCents: result.amountCents === null ? null : share.amountCents,
        source: "portal" as const,
        ...evidence(request, ctx, result.ackText),
        createdAt: now,
      })),
    );
    await appendTimeline(tx, {
      creditorId: debtor.creditorId,
      debtorId: debtor.id,
      invoiceId: result.shares.length === 1 ? result.shares[0]!.invoiceId : null,
      type: "promise.made",
      actor: "debtor",
      data: {
        promiseIds: ids,
        invoiceIds: result.shares.map((s) => s.invoiceId),
        promisedDate: result.date,
        amountCents: result.amountCents,
        linkId: ctx.session.linkId,
        sessionHash: ctx.session.sessionHash,
      },
      occurredAt: now,
    });
    const noticeId = await queueNotice(
      tx,
      getEnv(),
      { debtorId: debtor.id, key: `promise-${ids[0]}`, title: t.promise.noticeTitle, lines: [result.ackText, ...result.nextLines] },
      now,
    );
    const copyIds = await recordCommitment(tx, request, {
      debtorId: debtor.id,
      kind: "promise",
      recordId: ids[0]!,
      acknowledgment: result.ackText,
      details: result.nextLines,
      at: now,
    });
    return { kind: "saved" as const, noticeId, copyIds };
  });

  switch (outcome.kind) {
    case "invalid":
      return data({ step: "edit" as const, errors: outcome.errors, values: outcome.values }, { status: 400 });
    case "changed":
      return data({ step: "review" as const, ...confirmView(outcome.result), changed: true }, { status: 409 });
    case "saved":
      // M22: the confirmation and the creditor's copy leave after the commit; if the provider is down, the job retries them.
      await sendNoticeNow(deps, outcome.noticeId);
      await sendCreditorCopies(deps, outcome.copyIds);
      return redirect("/portal?done=promise", { headers: NO_STORE_HEADERS });
    case "replay":
      return redirect("/portal?done=promise", { headers: NO_STORE_HEADERS });
  }
}

function confirmView(result: Extract<PromiseEvaluation, { kind: "ok" }>) {
  return { ackText: result.ackText, echo: result.echo, summary: result.summary, notCovered: result.notCovered, nextLines: result.nextLines };
}

// ---------------------------------------------------------------------------------------------
// Installment plan
// ---------------------------------------------------------------------------------------------

const DEFAULT_ROWS = 3;
const DEFAULT_COUNT = 3;

/** The plan covers every open invoice nothing else holds (a dispute, a claim being checked), in one currency. */
function plannable(rows: CommitmentInvoice[]) {
  const free = rows.filter((i) => !i.held && !i.inPlan);
  const currencies = new Set(free.map((i) => i.currency));
  return currencies.size === 1 ? free : [];
}

function describePlan(plan: NonNullable<Awaited<ReturnType<typeof getLivePlan>>>, locale: "fr" | "en", intl: string) {
  const t = agreementMessages(locale);
  const f = formatters(intl, plan.currency);
  return {
    status: plan.status,
    statusLabel: t.status[plan.status],
    totalLabel: f.money(plan.totalCents),
    installments: plan.installments.map((i) => ({
      position: i.position,
      dateLabel: f.date(i.dueDate),
      amountLabel: f.money(i.amountCents),
      statusLabel: t.installmentStatus[i.status],
    })),
  };
}

/**
 * A plan pauses escalation for months, so proposing one needs the step-up code first (M20: a
 * forwarded link must not be able to). Every plan, not only those beyond 30 days: plans shorter than
 * that are rare, and one rule is easier to trust than a threshold the debtor discovers mid-form.
 */
export async function loadPlanPage(db: Db, request: Request) {
  const ctx = await requireStepUp(db, request);
  const { debtor, today, intl, csrf } = ctx;
  const live = await getLivePlan(db, debtor.id);
  const base = { csrf, locale: debtor.locale };
  if (live) return { ...base, mode: "existing" as const, plan: describePlan(live, debtor.locale, intl) };
  const covered = plannable(await listCommitmentInvoices(db, debtor.id));
  if (covered.length === 0) return { ...base, mode: "unavailable" as const };
  const { policy } = await getAgreementPolicy(db, debtor.id);
  const f = formatters(intl, covered[0]!.currency);
  const startLimit = promiseDateLimit(today, policy);
  return {
    ...base,
    mode: "form" as const,
    totalLabel: f.money(sum(covered)),
    numbers: covered.map((i) => i.number),
    maxPlanMonths: policy.maxPlanMonths,
    minLabel: f.money(policy.minInstallmentCents),
    minDate: addDays(today, 1),
    startLimit,
    startLimitLabel: f.date(startLimit),
    planLimit: planDateLimit(today, policy),
    maxInstallments: MAX_INSTALLMENTS,
    defaults: { count: DEFAULT_COUNT, rows: DEFAULT_ROWS },
  };
}

type PlanValues = { mode: "monthly" | "custom"; count: string; start: string; rows: { date: string; amount: string }[] };

function readPlanForm(form: FormData, rowsDelta = 0): PlanValues {
  const mode = form.get("mode") === "custom" ? "custom" : "monthly";
  const asked = Number(form.get("rows") ?? DEFAULT_ROWS);
  const count = Math.min(MAX_INSTALLMENTS, Math.max(MIN_INSTALLMENTS, (Number.isSafeInteger(asked) ? asked : DEFAULT_ROWS) + rowsDelta));
  return {
    mode,
    count: String(form.get("count") ?? "").trim(),
    start: String(form.get("start") ?? "").trim(),
    rows: Array.from({ length: count }, (_, i) => ({
      date: String(form.get(`row-${i + 1}-date`) ?? "").trim(),
      amount: String(form.get(`row-${i + 1}-amount`) ?? "").trim(),
    })),
  };
}

function echoPlan(values: PlanValues): Echo {
  const echo: Echo = [["mode", values.mode]];
  if (values.mode === "monthly") echo.push(["count", values.count], ["start", values.start]);
  else {
    echo.push(["rows", String(values.rows.length)]);
    values.rows.forEach((row, i) => echo.push([`row-${i + 1}-date`, row.date], [`row-${i + 1}-amount`, row.amount]));
  }
  return echo;
}

type PlanEvaluation =
  | { kind: "replay" }
  | { kind: "unavailable" }
  | { kind: "invalid"; errors: Record<string, string>; values: PlanValues }
  | {
      kind: "ok";
      values: PlanValues;
      schedule: ScheduledInstallment[];
      status: "accepted" | "pending_review";
      decisionText: string;
      covered: CommitmentInvoice[];
      totalCents: number;
      currency: string;
      ackText: string;
      rows: { position: number; dateLabel: string; amountLabel: string }[];
      totalLabel: string;
      nextLines: string[];
    };

async function evaluatePlan(db: Reader, ctx: Ctx, form: FormData): Promise<PlanEvaluation> {
  const { debtor, today, intl } = ctx;
  const t = agreementMessages(debtor.locale);
  if (await getLivePlan(db, debtor.id)) return { kind: "replay" };
  const covered = plannable(await listCommitmentInvoices(db, debtor.id));
  if (covered.length === 0) return { kind: "unavailable" };
  const { policy, segment } = await getAgreementPolicy(db, debtor.id);
  const values = readPlanForm(form);
  const totalCents = sum(covered);
  const currency = covered[0]!.currency;
  const f = formatters(intl, currency);
  const checked =
    values.mode === "monthly"
      ? buildPlanSchedule({ balanceCents: totalCents, count: Number(values.count || "NaN"), start: values.start, today, policy })
      : validateCustomSchedule({
          rows: values.rows.map((r) => ({ date: r.date, amountCents: parseAmountCents(r.amount) })),
          balanceCents: totalCents,
          today,
          policy,
        });
  if (!checked.ok) return { kind: "invalid", errors: rejectionsByField(checked.rejections, debtor.locale, f), values };
  const schedule = checked.value;
  const since = new Date(utcMidnight(addMonths(today, -TRUST_WINDOW_MONTHS)));
  const decision = decideAutoAccept({ schedule, today, policy, segment, recentBreaches: await countRecentBreaches(db, debtor.id, since) });
  const status = decision.accept ? ("accepted" as const) : ("pending_review" as const);
  const rows = schedule.map((i) => ({ position: i.position, dateLabel: f.date(i.dueDate), amountLabel: f.money(i.amountCents) }));
  const ackText = t.plan.acknowledgment({
    debtor: debtorName(ctx),
    creditor: creditorName(ctx),
    total: f.money(totalCents),
    numbers: covered.map((i) => i.number),
    schedule: rows.map((r) => `${r.amountLabel} — ${r.dateLabel}`),
  });
  const reminders = await previewPlan(
    db,
    ctx,
    covered.map((i) => i.id),
    schedule,
    status,
  );
  const nextLines =
    status === "accepted" ? [t.plan.nextAccepted, ...(reminders.length ? [t.plan.nextReminders(reminders.map(f.date))] : []), t.plan.nextMissed] : [t.plan.nextReview];
  return {
    kind: "ok",
    values,
    schedule,
    status,
    decisionText: decision.accept ? t.plan.acceptedAtOnce : t.plan.needsReview(decision.reason),
    covered,
    totalCents,
    currency,
    ackText,
    rows,
    totalLabel: f.money(totalCents),
    nextLines,
  };
}

/**
 * The installment reminders the cadence will send under this plan, replayed as the job would
 * (nothing written). Each installment is replayed with the earlier ones paid: "if nobody pays", the
 * plan would default after the first and the debtor would never see the later reminders.
 */
async function previewPlan(db: Reader, ctx: Ctx, invoiceIds: number[], schedule: ScheduledInstallment[], status: "accepted" | "pending_review"): Promise<CalendarDate[]> {
  const state = await cadenceState(db, ctx);
  if (!state || status !== "accepted") return [];
  const reminders: CalendarDate[] = [];
  let from = ctx.today;
  for (const current of schedule) {
    const planned = {
      ...state,
      lastActionAt: ctx.now,
      invoices: state.invoices.map((i) => (invoiceIds.includes(i.id) ? { ...i, inPlan: true, openPromise: null } : i)),
      plan: {
        id: -1,
        status,
        installments: schedule.map((i) => ({
          id: -i.position,
          position: i.position,
          dueDate: i.dueDate,
          amountCents: i.amountCents,
          paidCents: i.position < current.position ? i.amountCents : 0,
          reminded: false,
        })),
      },
    };
    const { contacts } = simulateCadence([planned], ticksBetween(from, current.dueDate));
    const reminder = contacts.find((c) => c.step === "installment_reminder" && c.installmentId === -current.position && c.plannedFor > ctx.now);
    if (reminder) reminders.push(localDate(reminder.plannedFor, state.timeZone));
    from = current.dueDate;
  }
  return reminders;
}

export async function planAction(deps: OutboxDeps, request: Request) {
  const { db } = deps;
  const ctx: ActionCtx = await requireStepUpAction(db, request);
  const { form, debtor, now } = ctx;
  const intent = String(form.get("intent") ?? "review");
  const t = agreementMessages(debtor.locale);

  // Adding or removing a custom row is a round trip that writes nothing, so the page works without JavaScript.
  if (intent === "add-row" || intent === "remove-row" || intent === "edit") {
    const delta = intent === "add-row" ? 1 : intent === "remove-row" ? -1 : 0;
    return { step: "edit" as const, errors: {} as Record<string, string>, values: readPlanForm(form, delta) };
  }
  if (intent !== "confirm") {
    const result = await evaluatePlan(db, ctx, form);
    if (result.kind === "replay") return redirect("/portal/plan", { headers: NO_STORE_HEADERS });
    if (result.kind === "unavailable") return redirect("/portal/plan", { headers: NO_STORE_HEADERS });
    if (result.kind === "invalid") return data({ step: "edit" as const, errors: result.errors, values: result.values }, { status: 400 });
    return { step: "review" as const, ...planConfirmView(result), changed: false, ackError: null };
  }

  const outcome = await transaction(db, async (tx) => {
    const result = await evaluatePlan(tx, ctx, form);
    if (result.kind !== "ok") return result;
    if (form.get("ack") !== result.ackText) return { kind: "changed" as const, result };
    if (form.get("acknowledge") !== "yes") return { kind: "unacknowledged" as const, result };
    const invoiceIds = result.covered.map((i) => i.id);
    const plan = await insertPlan(
      tx,
      {
        debtorId: debtor.id,
        totalCents: result.totalCents,
        currency: result.currency,
        status: result.status,
        decisionReason: result.status === "accepted" ? "within the auto-accept rule" : null,
        decidedAt: result.status === "accepted" ? now : null,
        ...evidence(request, ctx, result.ackText),
        createdAt: now,
      },
      invoiceIds,
      result.schedule,
    );
    // The plan replaces any promise on its invoices: one commitment in force per invoice.
    await cancelOpenPromisesOn(tx, debtor.id, invoiceIds, now);
    await appendTimeline(tx, {
      creditorId: debtor.creditorId,
      debtorId: debtor.id,
      invoiceId: null,
      type: "plan.proposed",
      actor: "debtor",
      data: {
        status: result.status,
        planId: plan.id,
        invoiceIds,
        totalCents: result.totalCents,
        installments: result.schedule.length,
        linkId: ctx.session.linkId,
        sessionHash: ctx.session.sessionHash,
      },
      occurredAt: now,
    });
    const noticeId = await queueNotice(
      tx,
      getEnv(),
      {
        debtorId: debtor.id,
        key: `plan-${plan.id}`,
        title: t.plan.noticeTitle(result.status === "accepted"),
        lines: [result.decisionText, ...result.rows.map((r) => `${r.position}. ${r.dateLabel} : ${r.amountLabel}`), result.ackText, ...result.nextLines],
      },
      now,
    );
    const copyIds = await recordCommitment(tx, request, {
      debtorId: debtor.id,
      kind: "plan",
      recordId: plan.id,
      acknowledgment: result.ackText,
      details: [result.decisionText, ...result.rows.map((r) => `${r.position}. ${r.dateLabel} : ${r.amountLabel}`)],
      at: now,
    });
    return { kind: "saved" as const, noticeId, copyIds };
  });

  switch (outcome.kind) {
    case "invalid":
      return data({ step: "edit" as const, errors: outcome.errors, values: outcome.values }, { status: 400 });
    case "changed":
      return data({ step: "review" as const, ...planConfirmView(outcome.result), changed: true, ackError: null }, { status: 409 });
    case "unacknowledged":
      return data({ step: "review" as const, ...planConfirmView(outcome.result), changed: false, ackError: t.plan.ackRequired }, { status: 400 });
    case "saved":
      await sendNoticeNow(deps, outcome.noticeId);
      await sendCreditorCopies(deps, outcome.copyIds);
      return redirect("/portal?done=plan", { headers: NO_STORE_HEADERS });
    case "replay":
      return redirect("/portal?done=plan", { headers: NO_STORE_HEADERS });
    case "unavailable":
      return redirect("/portal/plan", { headers: NO_STORE_HEADERS });
  }
}

function planConfirmView(result: Extract<PlanEvaluation, { kind: "ok" }>) {
  return {
    ackText: result.ackText,
    echo: echoPlan(result.values),
    rows: result.rows,
    totalLabel: result.totalLabel,
    status: result.status,
    decisionText: result.decisionText,
    numbers: result.covered.map((i) => i.number),
    nextLines: result.nextLines,
  };
}

// ---------------------------------------------------------------------------------------------
// The portal home: commitments in force
// ---------------------------------------------------------------------------------------------

/** What the debtor has committed to and is still in force, for the portal home. */
export async function loadCommitments(db: Reader, debtorId: number, locale: "fr" | "en", intl: string) {
  const t = agreementMessages(locale);
  const plan = await getLivePlan(db, debtorId);
  return {
    promises: (await listOpenPromises(db, debtorId)).map((p) => {
      const f = formatters(intl, p.currency);
      return { id: p.id, text: t.home.promise(p.number, f.date(p.date), p.amountCents === null ? null : f.money(p.amountCents)) };
    }),
    plan: plan ? describePlan(plan, locale, intl) : null,
  };
}
