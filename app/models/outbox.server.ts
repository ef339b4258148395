import { and, asc, eq, inArray, lt, ne, sql } from "drizzle-orm";
import { first, type Db } from "../../db/client";
import { creditors, debtorLinks, debtors, installments, invoices, outboundMessageInvoices, outboundMessages, promises } from "../../db/schema";
import { preparedOnce } from "./prepared.server";

/**
 * What the outbox reads to compose each message, prepared once per connection: rebuilt by drizzle
 * and prepared again by SQLite for every email, these reads cost about three times the render.
 */
type Reader = Pick<Db, "select">;
const id = sql.placeholder("id");

const message = preparedOnce((db: Reader) => db.select().from(outboundMessages).where(eq(outboundMessages.id, id)).prepare());
const debtor = preparedOnce((db: Reader) => db.select().from(debtors).where(eq(debtors.id, id)).prepare());
const creditor = preparedOnce((db: Reader) => db.select().from(creditors).where(eq(creditors.id, id)).prepare());
const link = preparedOnce((db: Reader) => db.select().from(debtorLinks).where(eq(debtorLinks.id, id)).prepare());
const promise = preparedOnce((db: Reader) => db.select().from(promises).where(eq(promises.id, id)).prepare());
const installment = preparedOnce((db: Reader) => db.select().from(installments).where(eq(installments.id, id)).prepare());
const installmentCount = preparedOnce((db: Reader) =>
  db
    .select({ n: sql<number>`count(*)` })
    .from(installments)
    .where(eq(installments.planId, sql.placeholder("planId")))
    .prepare(),
);
const covered = preparedOnce((db: Reader) =>
  db
    .select({ invoice: invoices })
    .from(outboundMessageInvoices)
    .innerJoin(invoices, eq(invoices.id, outboundMessageInvoices.invoiceId))
    .where(eq(outboundMessageInvoices.messageId, id))
    .orderBy(asc(invoices.dueDate), asc(invoices.number))
    .prepare(),
);
const openInvoices = preparedOnce((db: Reader) =>
  db
    .select()
    .from(invoices)
    .where(and(eq(invoices.debtorId, id), eq(invoices.status, "open")))
    .orderBy(asc(invoices.dueDate))
    .prepare(),
);

export const getMessage = async (db: Reader, messageId: number) => first(await message(db).execute({ id: messageId }));
export const getMessageDebtor = async (db: Reader, debtorId: number) => first(await debtor(db).execute({ id: debtorId }));
export const getMessageCreditor = async (db: Reader, creditorId: number) => first(await creditor(db).execute({ id: creditorId }));
export const getMessageLink = async (db: Reader, linkId: number) => first(await link(db).execute({ id: linkId }));
export const getMessagePromise = async (db: Reader, promiseId: number) => first(await promise(db).execute({ id: promiseId }));
export const getMessageInstallment = async (db: Reader, installmentId: number) => first(await installment(db).execute({ id: installmentId }));
export const countInstallments = async (db: Reader, planId: number) => first(await installmentCount(db).execute({ planId }))?.n ?? 0;
/** The invoices a message concerns, by due date then number. */
export const listMessageInvoices = async (db: Reader, messageId: number) => (await covered(db).execute({ id: messageId })).map((row) => row.invoice);
/** Every open invoice of the debtor, for a message that lists them all. */
export const listOpenInvoicesOf = async (db: Reader, debtorId: number) => await openInvoices(db).execute({ id: debtorId });

const earlier = preparedOnce((db: Reader) =>
  db
    .select({ sentAt: outboundMessages.sentAt, channel: outboundMessages.channel, step: outboundMessages.step })
    .from(outboundMessages)
    .where(
      and(
        eq(outboundMessages.debtorId, sql.placeholder("debtorId")),
        inArray(outboundMessages.status, ["sent", "delivered"]),
        ne(outboundMessages.id, sql.placeholder("messageId")),
        lt(outboundMessages.sentAt, sql.placeholder("before")),
      ),
    )
    .orderBy(asc(outboundMessages.sentAt))
    .prepare(),
);

/** The debtor's messages sent before an instant, other than this one and other than the steps given (staff emails). */
export async function listEarlierContacts(db: Reader, p: { debtorId: number; messageId: number; before: Date; exceptSteps: ReadonlySet<string> }) {
  return (await earlier(db).execute({ debtorId: p.debtorId, messageId: p.messageId, before: p.before.getTime() })).filter((c) => !p.exceptSteps.has(c.step));
}

/**
 * Once a message was handed over, its outbox copy keeps no usable secret (a step-up code): the
 * secret is masked in the stored body. A message not sent (failed, still queued) is left as it is.
 */
export async function maskInSentBody(db: Db, messageId: number, secret: string, mask: string) {
  const sent = first(await db.select({ bodyText: outboundMessages.bodyText }).from(outboundMessages).where(eq(outboundMessages.id, messageId)));
  await db
    .update(outboundMessages)
    .set({ bodyText: sent?.bodyText?.replaceAll(secret, mask) ?? null })
    .where(and(eq(outboundMessages.id, messageId), inArray(outboundMessages.status, ["sent", "delivered"])));
}

/** Queues a message once per key: its id, or undefined when that key was queued already. */
export async function insertMessageOnce(tx: Db, row: typeof outboundMessages.$inferInsert) {
  return first(await tx.insert(outboundMessages).values(row).onConflictDoNothing({ target: outboundMessages.key }).returning({ id: outboundMessages.id }));
}

export async function setMessageLink(tx: Db, messageId: number, linkId: number) {
  await tx.update(outboundMessages).set({ linkId }).where(eq(outboundMessages.id, messageId));
}
