import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import { parseFields } from "../http/forms.server";
import type { FieldErrors } from "../../utils/form-flow";
import { hasHiddenCharacters } from "../../domain/text";
import { CALL_OUTCOMES, rankCallTasks, reachedDebtor } from "../../domain/call-list";
import { addDays, daysBetween, formatCalendarDate, isCalendarDate, localDate } from "../../domain/dates";
import { formatMoney } from "../../domain/money";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import {
  assignCallTasks,
  completeCallTask,
  getCallDebtor,
  getMaxPromiseDays,
  getOpenCallTask,
  listCallers,
  listOpenCallTasks,
  listOwedInvoiceIds,
  replaceInvoicePromise,
} from "../../models/call-list.server";
import { listQuery, matchesQuery, parseSort, sortRows } from "../../domain/work-list";
import { lastAcknowledgmentsOfDebtors } from "../../models/acknowledgments.server";
import { isTimeBarred } from "../../domain/prescription";
import { appendTimeline } from "../../models/timeline.server";
import { requireSameOrigin } from "../http/http.server";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";
import { transaction } from "../../../db/client";

const LOCALE = "fr-FR";

const SORT_KEYS = ["priorite", "client", "montant", "retard", "prevu"] as const;
const filtersSchema = z.object({
  q: z.string().trim().max(100).catch(""),
  quand: z.enum(["tous", "maintenant", "plus-tard"]).catch("tous"),
  attribution: z.enum(["tous", "moi", "personne"]).catch("tous"),
  ouvrir: z.coerce.number().int().positive().optional().catch(undefined),
});

/**
 * The call list, most useful call first (or sorted by a column), filtered by when it is due, who
 * it is given to and a name or number; one call opened in place with its outcome form.
 */
export async function loadCallList(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const params = new URL(request.url).searchParams;
  const filters = filtersSchema.parse(Object.fromEntries(params));
  const sort = parseSort(params, SORT_KEYS, { key: "priorite", direction: "desc" });
  const today = localDate(at, staff.creditorTimeZone);
  const tasks = await listOpenCallTasks(db, staff.creditorId);
  // A payment, promise or plan since the newest due date starts the two years again (C. civ. 2240).
  const acknowledgments = await lastAcknowledgmentsOfDebtors(
    db,
    tasks.filter((t) => t.newestDueDate && isTimeBarred(t.debtorKind, t.newestDueDate, today)).map((t) => t.debtorId),
  );
  const ranked = rankCallTasks(
    tasks.map((t) => {
      const acknowledged = acknowledgments.get(t.debtorId);
      return {
        ...t,
        oldestDueDate: t.oldestDueDate && t.oldestDueDate < today ? t.oldestDueDate : null,
        acknowledgedOn: acknowledged ? localDate(acknowledged, t.timeZone) : null,
      };
    }),
    today,
  );
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const time = new Intl.DateTimeFormat(LOCALE, { dateStyle: "short", timeStyle: "short", timeZone: staff.creditorTimeZone });
  const all = ranked.map((r) => {
    const task = byId.get(r.taskId)!;
    return {
      taskId: r.taskId,
      debtorId: task.debtorId,
      debtorName: task.debtorName,
      phone: task.phone,
      reason: task.reason,
      due: time.format(task.dueAt),
      dueAt: task.dueAt.getTime(),
      dueNow: task.dueAt <= at,
      owedCents: r.owedCents,
      owed: formatMoney({ cents: r.owedCents, currency: "EUR" }, LOCALE),
      daysLate: r.oldestDueDate ? daysBetween(r.oldestDueDate, today) : 0,
      assignedTo: task.assignedTo,
      assignee: task.assigneeName,
      score: r.score,
      why: r.why.map(explain),
    };
  });
  const shown = all.filter(
    (r) =>
      (filters.quand === "tous" || r.dueNow === (filters.quand === "maintenant")) &&
      (filters.attribution === "tous" || (filters.attribution === "moi" ? r.assignedTo === staff.id : r.assignedTo === null)) &&
      matchesQuery(filters.q, r.debtorName, r.phone, r.reason),
  );
  const rows = sortRows(shown, sort, {
    priorite: (r) => r.score,
    client: (r) => r.debtorName,
    montant: (r) => r.owedCents,
    retard: (r) => r.daysLate,
    prevu: (r) => r.dueAt,
  });
  return {
    staffName: staff.name,
    canLog: staff.role !== "read_only",
    today,
    maxPromiseDate: addDays(today, 90),
    callers: await listCallers(db, staff.creditorId),
    filters,
    sort,
    counts: { all: all.length, now: all.filter((r) => r.dueNow).length },
    rows: rows.map((r, i) => ({ ...r, nextTaskId: rows[i + 1]?.taskId ?? null })),
  };
}

function explain(reason: string): string {
  const [kind, value = ""] = reason.split(":");
  switch (kind) {
    case "overdue_days":
      return `${value} j de retard`;
    case "owed":
      return `${formatMoney({ cents: Number(value), currency: "EUR" }, LOCALE)} dus`;
    case "broken_promises":
      return `${value} promesse(s) non tenue(s)`;
    case "open_disputes":
      return `${value} litige(s) ouvert(s)`;
    case "segment":
      return value === "high_risk" ? "client à risque" : "bon payeur";
    default:
      return reason;
  }
}

const outcomeSchema = z
  .object({
    taskId: z.coerce.number().int().positive(),
    outcome: z.enum(CALL_OUTCOMES, { error: "Choisissez le résultat de l'appel." }),
    promiseDate: z.string().trim().optional(),
    note: z
      .string()
      .trim()
      .max(2000, { error: "La note dépasse 2 000 caractères." })
      .refine((text) => !hasHiddenCharacters(text, { multiline: true }), { error: "La note contient des caractères invisibles ou de contrôle : retapez-la." })
      .optional(),
  })
  .superRefine((value, ctx) => {
    if (value.outcome === "promise" && !(value.promiseDate && isCalendarDate(value.promiseDate))) {
      ctx.addIssue({ code: "custom", path: ["promiseDate"], message: "Indiquez la date de paiement promise (JJ/MM/AAAA)." });
    }
  });

export type CallOutcomeErrors = { taskId: number; fields: FieldErrors };

/**
 * Logs a call in one transaction: the task is done, the timeline says whether the debtor was reached
 * (a conversation counts as an answer for escalation), and a promise taken on the phone pauses the
 * cadence exactly like one made in the portal.
 */
export async function logCallOutcome(db: Db, request: Request) {
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas d'enregistrer un appel.", { status: 403 });
  const form = await readStaffForm(request);
  if (form.get("intent") === "assign") return assignCalls(db, staff, form);
  const parsed = parseFields(outcomeSchema, form);
  const taskId = Number(form.get("taskId")) || 0;
  if (!parsed.ok) return data({ taskId, fields: parsed.errors } satisfies CallOutcomeErrors, { status: 400 });
  const input = parsed.data;
  const task = await getOpenCallTask(db, staff.creditorId, input.taskId);
  // Someone else's task, or one already logged by a colleague: nothing to do, say so.
  if (!task) return data({ taskId, fields: { outcome: "Cet appel a déjà été traité ou n'existe pas." } } satisfies CallOutcomeErrors, { status: 409 });
  const debtor = (await getCallDebtor(db, task.debtorId))!;
  const today = localDate(at, debtor.timeZone);

  if (input.outcome === "promise") {
    const limit = addDays(today, (await getMaxPromiseDays(db, staff.creditorId, debtor.segment)) ?? 30);
    const date = input.promiseDate!;
    if (daysBetween(today, date) < 1 || date > limit) {
      const message = `La date doit être entre demain et le ${formatCalendarDate(limit, LOCALE)} (limite de la politique).`;
      return data({ taskId, fields: { promiseDate: message } } satisfies CallOutcomeErrors, { status: 400 });
    }
  }

  await transaction(db, async (tx) => {
    if (!(await completeCallTask(tx, task.id, { outcome: input.outcome, note: input.note || null, assignedTo: staff.id, completedAt: at }))) return;
    const log = async (type: string, data: Record<string, unknown>, invoiceId: number | null = null) =>
      appendTimeline(tx, { creditorId: staff.creditorId, debtorId: debtor.id, invoiceId, type, actor: "staff", data, occurredAt: at });
    await log(reachedDebtor(input.outcome) ? "call.answered" : "call.unanswered", { taskId: task.id, outcome: input.outcome, note: input.note ?? null, staff: staff.name });
    if (input.outcome === "promise") {
      const open = await listOwedInvoiceIds(tx, debtor.id);
      // A newer promise replaces an open one on the same invoice: the debtor's latest word counts.
      for (const invoice of open) {
        await replaceInvoicePromise(tx, { debtorId: debtor.id, invoiceId: invoice.id, promisedDate: input.promiseDate!, source: "phone", createdAt: at });
      }
      await log("promise.made", { source: "phone", date: input.promiseDate, invoiceIds: open.map((i) => i.id), staff: staff.name });
    }
  });
  // Back to the same list, the next call already open: a morning of calls is one form after another.
  const next = Number(form.get("nextTaskId")) || null;
  throw redirect(backToList(form, next), 303);
}

/** Back to the list the form was sent from (its filters and sort), optionally with a row open. */
const backToList = (form: FormData, open: number | null) => `/backoffice/calls${listQuery(String(form.get("list") ?? ""), ["q", "quand", "attribution", "tri", "ordre"], open)}`;

export type AssignErrors = { assignError: string };

/** Gives the selected calls to a member, or takes them back ("personne"), in one statement. */
async function assignCalls(db: Db, staff: { creditorId: number }, form: FormData) {
  const taskIds = form
    .getAll("taskId")
    .map(Number)
    .filter((id) => Number.isInteger(id) && id > 0);
  if (taskIds.length === 0) return data({ assignError: "Cochez au moins un appel à attribuer." } satisfies AssignErrors, { status: 400 });
  const member = String(form.get("memberId") ?? "");
  const callers = await listCallers(db, staff.creditorId);
  const memberId = member === "personne" ? null : (callers.find((c) => String(c.id) === member)?.id ?? undefined);
  if (memberId === undefined) return data({ assignError: "Choisissez un membre de l'équipe (ou « personne »)." } satisfies AssignErrors, { status: 400 });
  await assignCallTasks(db, staff.creditorId, taskIds, memberId);
  throw redirect(backToList(form, null), 303);
}
