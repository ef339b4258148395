import { DSO_WINDOW_DAYS, computeDso, summarizeAging } from "../../domain/aging";
import { addDays, localDate } from "../../domain/dates";
import { zonedInstant } from "../../domain/business-calendar";
import { letterWait } from "../../domain/letters";
import { dsoHistory, monthEnds, weekStarts } from "../../domain/cash-history";
import { formatMoney } from "../../domain/money";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import {
  countHolds,
  countStaffWork,
  listLapsedPlans,
  listLettersToPost,
  listOpenBalances,
  listRecentMessages,
  loadDsoFacts,
  loadFunnelFacts,
  sumCollectedByPeriod,
  sumCollectedSince,
  sumInvoicedSince,
  summarizeRefusedWebhooks,
} from "../../models/dashboard.server";
import { computeFunnel } from "../../domain/funnel";
import { DEBTOR_ACTION_TYPES } from "../shared/cadence.server";
import { requireStaff } from "../auth/staff-auth.server";
import { isDevOutboxEnabled } from "../dev/dev-outbox.server";

const LOCALE = "fr-FR";

export async function loadDashboard(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const today = localDate(at, staff.creditorTimeZone);
  // The creditor's book is in euros; other currencies will get their own summary when they exist.
  const balances = (await listOpenBalances(db, staff.creditorId)).filter((b) => b.currency === "EUR");
  const summary = summarizeAging(balances, today);
  const euros = (cents: number) => formatMoney({ cents, currency: "EUR" }, LOCALE);
  const dso = computeDso(summary.outstandingCents, await sumInvoicedSince(db, staff.creditorId, addDays(today, -DSO_WINDOW_DAYS)));
  return {
    staffName: staff.name,
    creditorName: staff.creditorName,
    today,
    outstanding: euros(summary.outstandingCents),
    overdue: euros(summary.overdueCents),
    buckets: Object.entries(summary.buckets).map(([bucket, { count, cents }]) => ({
      bucket,
      count,
      amount: euros(cents),
      share: summary.outstandingCents === 0 ? 0 : cents / summary.outstandingCents,
    })),
    messages: (await listRecentMessages(db, staff.creditorId)).map((m) => ({
      ...m,
      at: (m.sentAt ?? m.createdAt).toISOString(),
    })),
    work: await countStaffWork(db, staff.creditorId, at),
    dso,
    // The month as the creditor lives it: from midnight on the 1st in their zone.
    collectedThisMonth: euros(await sumCollectedSince(db, staff.creditorId, zonedInstant(`${today.slice(0, 8)}01`, 0, staff.creditorTimeZone))),
    holds: await countHolds(db, staff.creditorId),
    funnel: await funnelOfLastDays(db, staff.creditorId, at),
    ...(await history(db, staff.creditorId, today, staff.creditorTimeZone, dso)),
    // Owners raise what the job let go for want of a decision (app/domain/pauses.ts), for a month.
    lapsedPlans: (await listLapsedPlans(db, staff.creditorId, new Date(at.getTime() - FUNNEL_DAYS * 86_400_000))).map((plan) => ({
      ...plan,
      total: formatMoney({ cents: plan.totalCents, currency: plan.currency }, LOCALE),
      lapsedOn: plan.lapsedAt ? localDate(plan.lapsedAt, staff.creditorTimeZone) : today,
    })),
    lateLetters: (await listLettersToPost(db, staff.creditorId)).flatMap(({ queuedAt, id, debtorId, debtorName }) => {
      const queuedOn = localDate(queuedAt, staff.creditorTimeZone);
      const wait = letterWait(queuedOn, today);
      return wait.late ? [{ id, debtorId, debtorName, queuedOn, businessDays: wait.businessDays }] : [];
    }),
    devOutbox: isDevOutboxEnabled(),
    refusedWebhooks: await refusedWebhooksNotice(db, staff.creditorId),
  };
}

/** Cash collected per week over a year and DSO at each month end, for the dashboard's charts. */
async function history(db: Db, creditorId: number, today: string, timeZone: string, dsoToday: number | null) {
  const weeks = weekStarts(today);
  const collected = await sumCollectedByPeriod(
    db,
    creditorId,
    weeks.map((monday) => zonedInstant(monday, 0, timeZone)),
  );
  // Past month ends are reconstructed (a month ends when the next day starts, in the creditor's zone);
  // the line ends on today's figure, the card's.
  const past = monthEnds(today).slice(0, -1);
  const dso = [
    ...dsoHistory(
      past,
      await loadDsoFacts(
        db,
        creditorId,
        past.map((end) => zonedInstant(addDays(end, 1), 0, timeZone)),
      ),
    ),
    { monthEnd: today, dso: dsoToday },
  ];
  const week = new Intl.DateTimeFormat(LOCALE, { day: "numeric", month: "short", timeZone: "UTC" });
  const month = new Intl.DateTimeFormat(LOCALE, { month: "short", year: "numeric", timeZone: "UTC" });
  return {
    cashByWeek: weeks.map((monday, i) => ({
      label: week.format(new Date(`${monday}T12:00:00Z`)),
      cents: collected[i]!,
      amount: formatMoney({ cents: collected[i]!, currency: "EUR" }, LOCALE),
    })),
    dsoByMonth: dso.map((m) => ({ label: month.format(new Date(`${m.monthEnd}T12:00:00Z`)), dso: m.dso })),
  };
}

async function refusedWebhooksNotice(db: Db, creditorId: number) {
  const { count, lastAt } = await summarizeRefusedWebhooks(db, creditorId);
  return count === 0 || lastAt === null ? null : { count, lastAt: new Date(lastAt).toISOString() };
}

/** The last 30 days of messages, followed to what came of them. */
async function funnelOfLastDays(db: Db, creditorId: number, at: Date) {
  const { messages, facts } = await loadFunnelFacts(db, creditorId, new Date(at.getTime() - FUNNEL_DAYS * 86_400_000), DEBTOR_ACTION_TYPES);
  return computeFunnel(messages, facts).sort((a, b) => b.sent - a.sent);
}
const FUNNEL_DAYS = 30;
