/**
 * Incremental planning (issue 14): a pass decides only the debtors whose state moved since their last
 * decision or whose next decision has come. What moves a debtor is the triggers of
 * db/migrations/0016_planning_triggers.sql; these tests derive the tables the cadence reads from its
 * own SQL, so a table read without a trigger, or a change that forgets its debtor, fails here. That the
 * passes still do what a full replanning would is the month-long dry-run comparison in reminder-job.test.ts.
 */
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { and, eq, sql } from "drizzle-orm";
import {
  cadencePolicies,
  cadenceSteps,
  debtorContacts,
  debtors,
  disputes,
  installmentPlanInvoices,
  installmentPlans,
  installments,
  invoices,
  outboundMessages,
  promises,
} from "../../db/tables";
import { closeConnection, first, one, openPostgres, rawRows, transaction, sqliteClient, wrapSqlite, type Db } from "../../db/client";
import { seededDb } from "../support/db";
import { testEnv } from "../support/env";
import { parseEnv } from "~/env.server";
import { devOutboxEmailSender } from "~/integrations/email.server";
import { devOutboxSmsSender } from "~/integrations/sms.server";
import { loadCadenceStates, owedDebtors, runCadence } from "~/services/shared/cadence.server";
import { recordInvoicePayment } from "~/services/shared/payment-recording.server";
import { holdDebtors } from "~/services/backoffice/staff-holds.server";
import { replacePolicy, saveContactWindows, loadContactWindows } from "~/models/cadence-settings.server";
import { appendTimeline } from "~/models/timeline.server";
import { tick } from "../../jobs/tick";

const env = parseEnv(testEnv());
const TODAY = "2026-11-20";
const NINE = new Date(`${TODAY}T08:00:00Z`); // 09:00 in Paris
const at = (iso: string) => new Date(iso);

/** The demo book after the day's first pass and deliveries, then the passes that settle what they did: nothing is owed. */
async function settledBook() {
  const { db, path } = await seededDb(TODAY);
  await tick({ db, env, email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: NINE });
  await runCadence({ db, env, now: NINE });
  return { db, path };
}

const versionSum = async (db: Db) => first(await db.select({ n: sql<number>`sum(${debtors.stateVersion})`.mapWith(Number) }).from(debtors))!.n;

/** Every statement the cadence's state loader runs, from a second connection that logs them. */
async function loaderStatements(db: Db, location: string): Promise<string[]> {
  const statements: string[] = [];
  if (sqliteClient(db)) {
    const watched = new Database(location, { verbose: (sql) => statements.push(String(sql)) });
    await loadCadenceStates(wrapSqlite(watched), NINE);
    watched.close();
  } else {
    const watched = openPostgres(location, { max: 1, logger: { logQuery: (query) => statements.push(query) } });
    await loadCadenceStates(watched, NINE);
    await closeConnection(watched);
  }
  return statements;
}

/** The replanning triggers by name, with what they run (on PostgreSQL, the trigger and its function's body). */
async function replanningTriggers(db: Db): Promise<Map<string, string>> {
  const rows = sqliteClient(db)
    ? await rawRows<{ name: string; sql: string }>(db, sql`select name, sql from sqlite_master where type = 'trigger'`)
    : await rawRows<{ name: string; sql: string }>(
        db,
        sql`select t.tgname as name, pg_get_triggerdef(t.oid) || ' ' || p.prosrc as sql from pg_trigger t join pg_proc p on p.oid = t.tgfoid where not t.tgisinternal`,
      );
  return new Map(rows.map((t) => [t.name, t.sql]));
}

/** A column of the table other than its key, to write without changing anything. */
async function firstColumnAfterId(db: Db, table: string): Promise<string> {
  const query = sqliteClient(db)
    ? sql`select name from pragma_table_info(${table}) where pk = 0 limit 1`
    : sql`select column_name as name from information_schema.columns where table_schema = 'public' and table_name = ${table} and column_name <> 'id' order by ordinal_position limit 1`;
  return (await rawRows<{ name: string }>(db, query))[0]!.name;
}
const creditorOf = async (db: Db, debtorId: number) => first(await db.select({ id: debtors.creditorId }).from(debtors).where(eq(debtors.id, debtorId)))!.id;
const debtorsOfCreditor = async (db: Db, creditorId: number) =>
  (
    await db
      .select({ id: debtors.id })
      .from(debtors)
      .where(and(eq(debtors.creditorId, creditorId), sql`${debtors.escalatedAt} is null`))
      .orderBy(debtors.id)
  ).map((d) => d.id);
/** A debtor with an open invoice the pass has just decided and left waiting. */
async function quietDebtorWithOpenInvoice(db: Db, now: Date) {
  const owed = new Set(await owedDebtors(db, now));
  const row = (
    await db
      .select({ debtorId: invoices.debtorId, invoiceId: invoices.id, balanceCents: invoices.balanceCents })
      .from(invoices)
      .innerJoin(debtors, eq(debtors.id, invoices.debtorId))
      .where(and(eq(invoices.status, "open"), sql`${debtors.escalatedAt} is null`))
  ).find((r) => !owed.has(r.debtorId));
  return row!;
}

describe("incremental planning", { timeout: 60_000 }, () => {
  it("every table the cadence reads has triggers on insert, update and delete that move its debtors' version", async () => {
    const { db, path } = await settledBook();
    // A consumer debt its due date alone would bar: the loader then reads the acknowledgments too.
    const consumer = await quietDebtorWithOpenInvoice(db, NINE);
    // A few weeks on, the book has letters, calls and plans too.
    for (const day of ["2026-11-27", "2026-12-04", "2026-12-11"])
      await tick({ db, env, email: devOutboxEmailSender(db), sms: devOutboxSmsSender(db), now: at(`${day}T09:00:00Z`) });
    await db.update(debtors).set({ kind: "consumer" }).where(eq(debtors.id, consumer.debtorId));
    await db.update(invoices).set({ dueDate: "2023-01-10" }).where(eq(invoices.id, consumer.invoiceId));

    // The agreements a debtor can make, so every table has a row to write to.
    const { debtorId, invoiceId } = consumer;
    await db.insert(promises).values({ debtorId, invoiceId, promisedDate: "2026-12-20", source: "portal" });
    await db.insert(disputes).values({ debtorId, invoiceId, reason: "quality", message: "Pièce abîmée" });
    const plan = one(await db.insert(installmentPlans).values({ debtorId, totalCents: 10_000, currency: "EUR", status: "pending_review" }).returning());
    await db.insert(installmentPlanInvoices).values({ planId: plan.id, invoiceId });
    await db.insert(installments).values({ planId: plan.id, position: 1, dueDate: "2026-12-20", amountCents: 10_000 });
    const creditorId = await creditorOf(db, debtorId);
    await holdDebtors(db, { creditorId, name: "Claire", creditorTimeZone: "Europe/Paris" }, [debtorId], { until: "2026-12-31", reason: "Accord" }, NINE);
    await transaction(db, async (tx) =>
      recordInvoicePayment(tx, {
        creditorId,
        debtorId,
        invoiceId,
        amountCents: 100,
        currency: "EUR",
        method: "transfer",
        provider: "bank",
        providerRef: "VIR-0",
        actor: "staff",
        data: {},
        at: NINE,
      }),
    );
    await saveContactWindows(db, creditorId, await loadContactWindows(db, creditorId), NINE);

    const statements = await loaderStatements(db, path);
    const read = new Set(statements.flatMap((s) => [...s.matchAll(/\b(?:from|join)\s+"(\w+)"/gi)].map((m) => m[1]!)));
    expect([...read].sort()).toEqual(expect.arrayContaining(["cadence_pauses", "invoices", "outbound_messages", "payments", "promises", "timeline_events"]));

    const triggers = await replanningTriggers(db);
    for (const table of [...read].filter((t) => t !== "debtors")) {
      for (const event of ["insert", "update", "delete"]) {
        expect(triggers.get(`${table}_replans_${event}`), `${table} is read by the cadence: ${event} must move its debtors`).toMatch(/state_version = state_version \+ 1/);
      }
    }
    expect(triggers.get("debtors_replans_update")).toMatch(/state_version :?= (NEW\.|OLD\.)?state_version \+ 1/);
    // An update trigger limited to some columns (UPDATE OF …) must name every column the cadence reads there.
    // drizzle qualifies columns ("table"."column") only when a query joins tables.
    const columnsRead = (table: string) =>
      new Set(
        statements.flatMap((s) => {
          const tables = new Set([...s.matchAll(/\b(?:from|join)\s+"(\w+)"/gi)].map((m) => m[1]!));
          if (!tables.has(table)) return [];
          if (tables.size > 1) return [...s.matchAll(new RegExp(`"${table}"\\."(\\w+)"`, "g"))].map((m) => m[1]!);
          return [...s.matchAll(/"(\w+)"/g)].map((m) => m[1]!).filter((name) => name !== table);
        }),
      );
    for (const table of [...read].filter((t) => t !== "debtors")) {
      const updateOf = /AFTER UPDATE OF ([\w, ]+) ON/.exec(triggers.get(`${table}_replans_update`)!)?.[1]?.split(", ");
      if (!updateOf) continue;
      for (const column of columnsRead(table)) if (column !== "id") expect(updateOf, `${table}.${column} is read by the cadence`).toContain(column);
    }

    // And they fire: a write to any of those tables moves some debtor's version.
    for (const table of [...read]) {
      const before = await versionSum(db);
      if (table === "timeline_events") {
        // Append-only (L13): written by inserting.
        await appendTimeline(db, {
          creditorId: await creditorOf(db, consumer.debtorId),
          debtorId: consumer.debtorId,
          type: "note.added",
          actor: "staff",
          data: {},
          occurredAt: NINE,
        });
      } else {
        const updateOf = /AFTER UPDATE OF (\w+)/.exec(triggers.get(`${table}_replans_update`) ?? "")?.[1];
        const column = updateOf ?? (await firstColumnAfterId(db, table));
        // Not every table has an id: the engine's own row address picks one row.
        const row = sqliteClient(db) ? "rowid" : "ctid";
        const changed = await rawRows(db, sql.raw(`update "${table}" set "${column}" = "${column}" where ${row} = (select min(${row}) from "${table}") returning 1`));
        expect(changed, `the demo book has a row in ${table}`).toHaveLength(1);
      }
      expect(await versionSum(db), `a write to ${table}`).toBeGreaterThan(before);
    }
  });

  it("a pass with nothing changed and nothing due decides no debtor", async () => {
    const { db } = await settledBook();
    expect(await owedDebtors(db, at(`${TODAY}T08:05:00Z`))).toEqual([]);
    expect(await runCadence({ db, env, now: at(`${TODAY}T08:05:00Z`) })).toEqual({ debtors: 0, claimed: 0, effects: 0 });
  });

  it("each kind of change re-plans the debtors it touches, and only them", async () => {
    const { db } = await settledBook();
    const now = at(`${TODAY}T10:00:00Z`);
    const settle = async () => {
      await runCadence({ db, env, now });
      await runCadence({ db, env, now });
      expect(await owedDebtors(db, now), "settled before the next change").toEqual([]);
    };
    await settle();

    // A payment (card, transfer, webhook: they all record through here).
    const paid = await quietDebtorWithOpenInvoice(db, now);
    const payingCreditor = await creditorOf(db, paid.debtorId);
    await transaction(db, async (tx) =>
      recordInvoicePayment(tx, {
        creditorId: payingCreditor,
        debtorId: paid.debtorId,
        invoiceId: paid.invoiceId,
        amountCents: 100,
        currency: "EUR",
        method: "transfer",
        provider: "bank",
        providerRef: "VIR-1",
        actor: "staff",
        data: {},
        at: now,
      }),
    );
    expect(await owedDebtors(db, now)).toEqual([paid.debtorId]);
    await settle();

    // A staff decision: reminders suspended.
    const held = await quietDebtorWithOpenInvoice(db, now);
    await holdDebtors(
      db,
      { creditorId: await creditorOf(db, held.debtorId), name: "Claire", creditorTimeZone: "Europe/Paris" },
      [held.debtorId],
      { until: "2026-11-30", reason: "Litige commercial" },
      now,
    );
    expect(await owedDebtors(db, now)).toEqual([held.debtorId]);
    await settle();

    // An SMS opt-out (the STOP webhook) or a bounce closes a channel.
    const stopped = await quietDebtorWithOpenInvoice(db, now);
    await db.update(debtorContacts).set({ smsOptOutAt: now }).where(eq(debtorContacts.debtorId, stopped.debtorId));
    expect(await owedDebtors(db, now)).toEqual([stopped.debtorId]);
    await settle();

    // A message's fate (delivery, failure) changes the history the cadence spaces contacts by.
    const message = first(await db.select().from(outboundMessages).where(eq(outboundMessages.status, "sent")))!;
    await db.update(outboundMessages).set({ status: "failed", lastError: "bounced" }).where(eq(outboundMessages.id, message.id));
    expect(await owedDebtors(db, now)).toEqual([message.debtorId]);
    await settle();

    // A lease taken on a message is not a change of state: nothing to re-plan.
    await db.update(outboundMessages).set({ claimToken: "lease", leaseExpiresAt: now }).where(eq(outboundMessages.id, message.id));
    expect(await owedDebtors(db, now)).toEqual([]);

    // A setting: the creditor's cadence or contact windows concern every one of its debtors.
    const creditorId = await creditorOf(db, paid.debtorId);
    const everyone = await debtorsOfCreditor(db, creditorId);
    const policy = first(await db.select().from(cadencePolicies).where(eq(cadencePolicies.creditorId, creditorId)))!;
    const steps = await db.select().from(cadenceSteps).where(eq(cadenceSteps.policyId, policy.id)).orderBy(cadenceSteps.position);
    const { id: _id, creditorId: _creditor, segment: _segment, ...limits } = policy;
    await transaction(db, async (tx) =>
      replacePolicy(tx, creditorId, policy.id, {
        ...limits,
        steps: steps.map(({ id: _id, policyId: _policy, position: _position, ...step }) => ({
          ...step,
          kind: step.kind as never,
          tone: step.tone as never,
          offsetDays: step.offsetDays + (step.offsetDays > 0 ? 1 : 0),
        })),
      }),
    );
    expect(await owedDebtors(db, now)).toEqual(everyone);
    await settle();
    await saveContactWindows(db, creditorId, { ...(await loadContactWindows(db, creditorId)), sms: { weekdays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 18 * 60 } }, now);
    expect(await owedDebtors(db, now)).toEqual(everyone);
    await settle();

    // A new invoice for a debtor.
    const invoiced = await quietDebtorWithOpenInvoice(db, now);
    await db.insert(invoices).values({
      creditorId,
      debtorId: invoiced.debtorId,
      number: "INC-1",
      amountCents: 12_000,
      balanceCents: 12_000,
      issueDate: "2026-11-01",
      dueDate: "2026-12-01",
      paymentTermsDays: 30,
      status: "open",
    });
    expect(await owedDebtors(db, now)).toEqual([invoiced.debtorId]);
  });

  it("the day turning brings back the debtors whose decision waits for it, at their midnight and not before", async () => {
    const { db } = await settledBook();
    const waiting = await db
      .select({ id: debtors.id, nextAt: debtors.nextDecisionAt })
      .from(debtors)
      .where(sql`${debtors.nextDecisionAt} is not null`)
      .orderBy(debtors.nextDecisionAt);
    expect(waiting.length).toBeGreaterThan(5);
    const initial = waiting[0]!.nextAt!;
    expect(await owedDebtors(db, new Date(initial.getTime() - 60_000))).toEqual([]);
    const due = waiting.filter((w) => w.nextAt!.getTime() === initial.getTime()).map((w) => w.id);
    expect((await owedDebtors(db, initial)).sort((a, b) => a - b)).toEqual(due.sort((a, b) => a - b));
    // The book's next midnight in Paris brings back only those with a date on it, not the whole book.
    const midnight = at("2026-11-20T23:00:00Z");
    const atMidnight = await owedDebtors(db, midnight);
    expect(atMidnight.length).toBeGreaterThan(0);
    expect(atMidnight.length).toBeLessThan(waiting.length);
  });
});
