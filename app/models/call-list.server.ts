import { and, asc, eq, gt, inArray, isNull, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { first, type Db } from "../../db/client";
import { cadencePolicies, callTasks, debtors, invoices, promises, staffUsers } from "../../db/tables";

const assignee = alias(staffUsers, "assignee");

/** Open call tasks of one creditor with what the ranking and the caller need (scoped in the where). */
export async function listOpenCallTasks(db: Db, creditorId: number) {
  return await db
    .select({
      taskId: callTasks.id,
      reason: callTasks.reason,
      dueAt: callTasks.dueAt,
      debtorId: debtors.id,
      debtorName: debtors.name,
      segment: debtors.segment,
      brokenPromiseCount: debtors.brokenPromiseCount,
      timeZone: debtors.timeZone,
      owedCents: sql<number>`coalesce((select sum(i.balance_cents) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open'), 0)`.mapWith(Number),
      oldestDueDate: sql<string | null>`(select min(i.due_date) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open' and i.balance_cents > 0)`,
      newestDueDate: sql<string | null>`(select max(i.due_date) from invoices i where i.debtor_id = ${debtors.id} and i.status = 'open' and i.balance_cents > 0)`,
      debtorKind: debtors.kind,
      openDisputes: sql<number>`(select count(*) from disputes d where d.debtor_id = ${debtors.id} and d.status = 'open')`.mapWith(Number),
      phone: sql<string | null>`(select c.phone from debtor_contacts c where c.debtor_id = ${debtors.id} and c.phone is not null order by c.is_primary desc, c.id limit 1)`,
      assignedTo: callTasks.assignedTo,
      assigneeName: assignee.name,
    })
    .from(callTasks)
    .innerJoin(debtors, eq(debtors.id, callTasks.debtorId))
    .leftJoin(assignee, eq(assignee.id, callTasks.assignedTo))
    .where(and(eq(callTasks.creditorId, creditorId), eq(callTasks.status, "open")))
    .orderBy(asc(callTasks.dueAt));
}

export async function getOpenCallTask(db: Pick<Db, "select">, creditorId: number, taskId: number) {
  return first(
    await db
      .select()
      .from(callTasks)
      .where(and(eq(callTasks.id, taskId), eq(callTasks.creditorId, creditorId), eq(callTasks.status, "open"))),
  );
}

/** The members who can take calls: active, not read-only, of this creditor. */
export async function listCallers(db: Pick<Db, "select">, creditorId: number) {
  return await db
    .select({ id: staffUsers.id, name: staffUsers.name })
    .from(staffUsers)
    .where(and(eq(staffUsers.creditorId, creditorId), isNull(staffUsers.disabledAt), ne(staffUsers.role, "read_only")))
    .orderBy(asc(staffUsers.name), asc(staffUsers.id));
}

/** Gives open calls to a member (or to nobody); only this creditor's open tasks move. How many did. */
export async function assignCallTasks(db: Pick<Db, "update">, creditorId: number, taskIds: readonly number[], memberId: number | null): Promise<number> {
  if (taskIds.length === 0) return 0;
  return (
    await db
      .update(callTasks)
      .set({ assignedTo: memberId })
      .where(and(eq(callTasks.creditorId, creditorId), eq(callTasks.status, "open"), inArray(callTasks.id, [...taskIds])))
      .returning({ id: callTasks.id })
  ).length;
}

/** The debtor a call task is about (any creditor's: the task was already scoped). */
export async function getCallDebtor(db: Pick<Db, "select">, debtorId: number) {
  return first(await db.select().from(debtors).where(eq(debtors.id, debtorId)));
}

/** The creditor's policy limit on promise dates for a segment, in days, or undefined without a policy. */
export async function getMaxPromiseDays(db: Pick<Db, "select">, creditorId: number, segment: typeof debtors.$inferSelect.segment): Promise<number | undefined> {
  return first(
    await db
      .select({ maxPromiseDays: cadencePolicies.maxPromiseDays })
      .from(cadencePolicies)
      .where(and(eq(cadencePolicies.creditorId, creditorId), eq(cadencePolicies.segment, segment))),
  )?.maxPromiseDays;
}

/** Marks the open task done with its outcome; false if it was no longer open (logged by a colleague meanwhile). */
export async function completeCallTask(
  tx: Pick<Db, "update">,
  taskId: number,
  done: { outcome: string; note: string | null; assignedTo: number; completedAt: Date },
): Promise<boolean> {
  const rows = await tx
    .update(callTasks)
    .set({ status: "done", ...done })
    .where(and(eq(callTasks.id, taskId), eq(callTasks.status, "open")))
    .returning({ id: callTasks.id });
  return rows.length === 1;
}

/** The debtor's open invoices with a balance, ids only (what a promise on the phone covers). */
export async function listOwedInvoiceIds(tx: Pick<Db, "select">, debtorId: number) {
  return await tx
    .select({ id: invoices.id })
    .from(invoices)
    .where(and(eq(invoices.debtorId, debtorId), eq(invoices.status, "open"), gt(invoices.balanceCents, 0)));
}

/** Cancels the invoice's open promise, if any, and records the new one. */
export async function replaceInvoicePromise(
  tx: Pick<Db, "update" | "insert">,
  promise: { debtorId: number; invoiceId: number; promisedDate: string; source: "phone"; createdAt: Date },
) {
  await tx
    .update(promises)
    .set({ status: "cancelled", resolvedAt: promise.createdAt })
    .where(and(eq(promises.invoiceId, promise.invoiceId), eq(promises.status, "open")));
  await tx.insert(promises).values(promise);
}
