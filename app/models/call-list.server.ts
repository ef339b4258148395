import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { callTasks, debtors } from "../../db/schema";

/** Open call tasks of one creditor with what the ranking and the caller need (scoped in the where). */
export function listOpenCallTasks(db: Db, creditorId: number) {
  return db
    .select({
      taskId: callTasks.id,
      reason: callTasks.reason,
      dueAt: callTasks.dueAt,
      debtorId: debtors.id,
      debtorName: debtors.name,
      segment: debtors.segment,
      brokenPromiseCount: debtors.brokenPromiseCount,
      timeZone: debtors.timeZone,
      owedCents: sql<number>`coalesce((select sum(i.balance_cents) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open'), 0)`,
      oldestDueDate: sql<string | null>`(select min(i.due_date) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open' and i.balance_cents > 0)`,
      newestDueDate: sql<string | null>`(select max(i.due_date) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open' and i.balance_cents > 0)`,
      debtorKind: debtors.kind,
      openDisputes: sql<number>`(select count(*) from disputes d where d.debtor_id = ${debtors.id} and d.status = 'open')`,
      phone: sql<string | null>`(select c.phone from debtor_contacts c where c.debtor_id = ${debtors.id} and c.phone is not null order by c.is_primary desc, c.id limit 1)`,
    })
    .from(callTasks)
    .innerJoin(debtors, eq(debtors.id, callTasks.debtorId))
    .where(and(eq(callTasks.creditorId, creditorId), eq(callTasks.status, "open")))
    .orderBy(asc(callTasks.dueAt))
    .all();
}

export function getOpenCallTask(db: Pick<Db, "select">, creditorId: number, taskId: number) {
  return db
    .select()
    .from(callTasks)
    .where(and(eq(callTasks.id, taskId), eq(callTasks.creditorId, creditorId), eq(callTasks.status, "open")))
    .get();
}
