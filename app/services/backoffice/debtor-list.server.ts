import { z } from "zod";
import { DEBTORS_PER_PAGE, debtorListFilters, debtorListSorts, decideDebtorState, likeContains, oldestDaysLate, pageCount, sirenOf } from "../../domain/debtor-list";
import { addDays, localDate } from "../../domain/dates";
import { listQuery, parseSort } from "../../domain/work-list";
import { data } from "@remix-run/node";
import { requireSameOrigin } from "../http/http.server";
import { readStaffForm } from "../auth/staff-auth.server";
import { STAFF_HOLD_MAX_DAYS, holdDebtors, parseHold, resumeDebtors, type HoldFieldErrors } from "./staff-holds.server";
import { isTimeBarred } from "../../domain/prescription";
import { lastAcknowledgmentsOfDebtors } from "../../models/acknowledgments.server";
import { formatMoney } from "../../domain/money";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { debtorIdsOfCreditor, findInvoiceByNumber, listDebtorsPage } from "../../models/debtor-list.server";
import { redirect } from "@remix-run/node";
import { requireStaff } from "../auth/staff-auth.server";

const LOCALE = "fr-FR";

// A bad parameter (hand-typed URL, old bookmark) falls back to the default rather than failing the page.
const querySchema = z.object({
  q: z.string().trim().max(100).catch(""),
  filtre: z.enum(debtorListFilters).catch("all"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  fait: z
    .string()
    .regex(/^(suspendu|repris):\d{1,3}$/)
    .optional()
    .catch(undefined),
});
const LIST_PARAMS = ["q", "filtre", "page", "tri", "ordre"];

/** The debtor list: search, filters, sorted by the amount overdue, one page at a time, for this creditor only. */
export async function loadDebtorList(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const params = new URL(request.url).searchParams;
  const query = querySchema.parse({ q: params.get("q") ?? "", filtre: params.get("filtre") ?? "all", page: params.get("page") ?? 1, fait: params.get("fait") ?? undefined });
  const sort = parseSort(params, debtorListSorts, { key: "retard", direction: "desc" });
  // An invoice number typed whole opens its debtor's file on that invoice.
  const invoice = query.q ? await findInvoiceByNumber(db, staff.creditorId, query.q) : undefined;
  if (invoice) throw redirect(`/backoffice/debtors/${invoice.debtorId}?facture=${invoice.id}`, 303);
  const today = localDate(at, staff.creditorTimeZone);
  const list = async (page: number) =>
    listDebtorsPage(db, staff.creditorId, {
      today,
      now: at,
      like: query.q ? likeContains(query.q) : null,
      siren: query.q ? sirenOf(query.q) : null,
      filter: query.filtre,
      limit: DEBTORS_PER_PAGE,
      offset: (page - 1) * DEBTORS_PER_PAGE,
      sort,
    });
  let result = await list(query.page);
  const pages = pageCount(result.total);
  // Past the last page (the list shrank since the link was made): show the last one.
  const page = Math.min(query.page, pages);
  if (page !== query.page) result = await list(page);
  const time = new Intl.DateTimeFormat(LOCALE, { dateStyle: "short", timeZone: staff.creditorTimeZone });
  // A payment, promise or plan since the newest due date starts the two years again (C. civ. 2240).
  const acknowledgments = await lastAcknowledgmentsOfDebtors(
    db,
    result.rows.filter((r) => r.newestOpenDueDate && isTimeBarred(r.kind, r.newestOpenDueDate, today)).map((r) => r.id),
  );
  const acknowledgedOn = (r: { id: number; timeZone: string }) => {
    const ack = acknowledgments.get(r.id);
    return ack ? localDate(ack, r.timeZone) : null;
  };
  const [done, count] = query.fait?.split(":") ?? [];
  return {
    q: query.q,
    filter: query.filtre,
    sort,
    canHold: staff.role !== "read_only",
    today,
    holdLatest: addDays(today, STAFF_HOLD_MAX_DAYS),
    done: done ? { kind: done as "suspendu" | "repris", count: Number(count) } : null,
    page,
    pages,
    total: result.total,
    debtors: result.rows.map((r) => {
      const currencies = (r.currencies ?? "EUR").split(",");
      // One currency per debtor is the rule of the book; several are shown, not summed as if one.
      const currency = currencies[0] ?? "EUR";
      return {
        id: r.id,
        name: r.name,
        siren: r.siren,
        externalRef: r.externalRef,
        owed: formatMoney({ cents: r.owedCents, currency }, LOCALE),
        overdue: formatMoney({ cents: r.overdueCents, currency }, LOCALE),
        severalCurrencies: currencies.length > 1,
        daysLate: oldestDaysLate(r.oldestDueDate, today),
        state: decideDebtorState(
          {
            escalated: r.escalatedAt !== null,
            hasLitigationInvoice: r.litigationInvoices > 0,
            paused: Boolean(r.paused),
            owedCents: r.owedCents,
            overdueCents: r.overdueCents,
            kind: r.kind,
            newestOpenDueDate: r.newestOpenDueDate,
            acknowledgedOn: acknowledgedOn(r),
          },
          today,
        ),
        lastContact: r.lastContactAt === null ? null : time.format(new Date(r.lastContactAt)),
      };
    }),
  };
}

export type BulkErrors = { bulkErrors: HoldFieldErrors & { debtors?: string } };

/**
 * Suspends or resumes the reminders of the debtors ticked in the list, with one reason and one end
 * date for all (the same rules as the debtor file's card), then back to the same page of the list.
 */
export async function actOnSelectedDebtors(db: Db, request: Request) {
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas de suspendre des relances.", { status: 403 });
  const form = await readStaffForm(request);
  const asked = form
    .getAll("debtorId")
    .map(Number)
    .filter((id) => Number.isInteger(id) && id > 0);
  const debtorIds = await debtorIdsOfCreditor(db, staff.creditorId, asked.slice(0, 500));
  if (debtorIds.length === 0) return data({ bulkErrors: { debtors: "Cochez au moins un client dans la liste." } } satisfies BulkErrors, { status: 400 });
  const back = (done: string) => {
    const query = listQuery(String(form.get("list") ?? ""), LIST_PARAMS);
    return `/backoffice/debtors${query ? `${query}&` : "?"}fait=${done}:${debtorIds.length}`;
  };
  if (form.get("intent") === "resume") {
    await resumeDebtors(db, staff, debtorIds, at);
    throw redirect(back("repris"), 303);
  }
  const parsed = parseHold(form, localDate(at, staff.creditorTimeZone));
  if ("errors" in parsed) return data({ bulkErrors: parsed.errors } satisfies BulkErrors, { status: 400 });
  await holdDebtors(db, staff, debtorIds, parsed.hold, at);
  throw redirect(back("suspendu"), 303);
}
