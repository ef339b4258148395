import { and, asc, desc, eq, inArray, or, sql, type SQL } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { distinctList, instant, likeAnyCase } from "../../db/dialect";
import { debtors, invoices, outboundMessages } from "../../db/tables";
import type { DebtorListFilter, DebtorListSort } from "../domain/debtor-list";

export type DebtorListQuery = {
  today: string;
  now: Date;
  /** A LIKE pattern (already escaped with \) for names, invoice numbers and references; null: no search. */
  like: string | null;
  siren: string | null;
  filter: DebtorListFilter;
  limit: number;
  offset: number;
  sort: { key: DebtorListSort; direction: "asc" | "desc" };
};

const live = sql`${invoices.status} in ('open', 'litigation')`;

/**
 * One creditor's debtors with what they owe, sorted by the amount overdue, one page at a time.
 * The creditor is in the where; the figures are aggregated in SQLite so a page costs one query
 * (plus its count) whatever the size of the book.
 */
export async function listDebtorsPage(db: Db, creditorId: number, q: DebtorListQuery) {
  const owed = sql<number>`coalesce(sum(case when ${live} then ${invoices.balanceCents} end), 0)`.mapWith(Number);
  const overdue = sql<number>`coalesce(sum(case when ${live} and ${invoices.balanceCents} > 0 and ${invoices.dueDate} < ${q.today} then ${invoices.balanceCents} end), 0)`.mapWith(
    Number,
  );
  const oldestDue = sql<string | null>`min(case when ${live} and ${invoices.balanceCents} > 0 and ${invoices.dueDate} < ${q.today} then ${invoices.dueDate} end)`;
  const newestOpenDue = sql<string | null>`max(case when ${live} and ${invoices.balanceCents} > 0 then ${invoices.dueDate} end)`;
  const litigationInvoices = sql<number>`coalesce(sum(case when ${invoices.status} = 'litigation' then 1 else 0 end), 0)`.mapWith(Number);
  const currencies = distinctList(sql`case when ${live} and ${invoices.balanceCents} > 0 then ${invoices.currency} end`);
  const at = instant(q.now);
  // What holds the cadence (the dashboard's "holds"): a promise, a plan, a dispute, a claim, a pause still running.
  const paused = sql<number>`(
    exists (select 1 from promises p where p.debtor_id = ${debtors.id} and p.status = 'open')
    or exists (select 1 from installment_plans ip where ip.debtor_id = ${debtors.id} and ip.status in ('pending_review', 'accepted'))
    or exists (select 1 from disputes ds where ds.debtor_id = ${debtors.id} and ds.status = 'open')
    or exists (select 1 from payment_claims pc where pc.debtor_id = ${debtors.id} and pc.status = 'pending')
    or exists (select 1 from cadence_pauses cp where cp.debtor_id = ${debtors.id} and cp.resolved_at is null and (cp.ends_at is null or cp.ends_at > ${at}))
  )`.mapWith(Number);
  const lastContact = sql<Date | null>`(select max(x.at) from (
    select m.sent_at as at from outbound_messages m where m.debtor_id = ${debtors.id} and m.status in ('sent', 'delivered') and m.channel <> 'call'
    union all select ct.completed_at from call_tasks ct where ct.debtor_id = ${debtors.id} and ct.status = 'done'
  ) x)`.mapWith(outboundMessages.sentAt);

  const conditions: SQL[] = [eq(debtors.creditorId, creditorId)];
  if (q.like !== null || q.siren !== null) {
    const matches: SQL[] = [];
    if (q.like !== null) {
      matches.push(
        likeAnyCase(debtors.name, q.like),
        likeAnyCase(debtors.externalRef, q.like),
        sql`exists (select 1 from invoices si where si.debtor_id = ${debtors.id} and (${likeAnyCase(sql`si.number`, q.like)} or ${likeAnyCase(sql`si.external_ref`, q.like)}))`,
      );
    }
    if (q.siren !== null) matches.push(sql`replace(${debtors.siren}, ' ', '') = ${q.siren}`);
    conditions.push(or(...matches)!);
  }
  if (q.filter === "paused") conditions.push(sql`${paused}`);

  const having = q.filter === "overdue" ? sql`${overdue} > 0` : q.filter === "litigation" ? sql`${debtors.escalatedAt} is not null or ${litigationInvoices} > 0` : undefined;

  const base = db
    .select({
      id: debtors.id,
      name: debtors.name,
      siren: debtors.siren,
      externalRef: debtors.externalRef,
      escalatedAt: debtors.escalatedAt,
      owedCents: owed,
      overdueCents: overdue,
      oldestDueDate: oldestDue,
      newestOpenDueDate: newestOpenDue,
      kind: debtors.kind,
      timeZone: debtors.timeZone,
      litigationInvoices,
      currencies,
      paused,
      lastContactAt: lastContact,
    })
    .from(debtors)
    .leftJoin(invoices, and(eq(invoices.debtorId, debtors.id), eq(invoices.creditorId, creditorId)))
    .where(and(...conditions))
    .groupBy(debtors.id)
    .having(having)
    .$dynamic();

  const total = first(await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(base.as("page_rows")))!.n;
  const dir = q.sort.direction === "asc" ? asc : desc;
  // Empty values (never contacted, nothing late) go last whichever way the column is sorted.
  const order: Record<DebtorListSort, SQL[]> = {
    retard: [dir(overdue), dir(owed)],
    du: [dir(owed), desc(overdue)],
    client: [dir(sql`lower(${debtors.name})`)],
    // The oldest due date is the longest delay: sorting by delay runs the dates the other way.
    anciennete: [sql`${oldestDue} is null`, q.sort.direction === "asc" ? desc(oldestDue) : asc(oldestDue)],
    contact: [sql`${lastContact} is null`, dir(lastContact)],
  };
  const rows = await base
    .orderBy(...order[q.sort.key], asc(debtors.name), asc(debtors.id))
    .limit(q.limit)
    .offset(q.offset);
  return { total, rows };
}

/** The creditor's invoice with exactly this number (the shell's search jumps straight to it). */
export async function findInvoiceByNumber(db: Db, creditorId: number, number: string) {
  return first(
    await db
      .select({ id: invoices.id, debtorId: invoices.debtorId })
      .from(invoices)
      .where(and(eq(invoices.creditorId, creditorId), eq(invoices.number, number))),
  );
}

/** Of these ids, those that are this creditor's debtors (what a bulk action may touch). */
export async function debtorIdsOfCreditor(db: Pick<Db, "select">, creditorId: number, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  return (
    await db
      .select({ id: debtors.id })
      .from(debtors)
      .where(and(eq(debtors.creditorId, creditorId), inArray(debtors.id, [...ids])))
  ).map((r) => r.id);
}

/** Every debtor of the creditor, id and name, by name (a picker). */
export async function listDebtorNames(db: Db, creditorId: number) {
  return await db.select({ id: debtors.id, name: debtors.name }).from(debtors).where(eq(debtors.creditorId, creditorId)).orderBy(debtors.name);
}
