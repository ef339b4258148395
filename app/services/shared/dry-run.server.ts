import type { Db } from "../../../db/client";
import { listDebtorIdsOfCreditor, listDebtorNames, listInvoiceNumbersOfDebtors } from "../../models/dry-run.server";
import { simulateCadence, ticksBetween } from "../../domain/cadence-simulation";
import { localDate, type CalendarDate } from "../../domain/dates";
import { loadCadenceStates } from "./cadence.server";
import { EFFECT_LABELS, EFFECT_REASONS } from "../../domain/contact-reasons";

export type DryRunRow = {
  debtorId: number;
  debtorName: string;
  /** Local date and time in the debtor's zone. */
  when: string;
  /** The instant itself, for screens in another zone (the creditor's). */
  at: Date;
  what: string;
  channel: string;
  invoices: string[];
  why: string;
};

/**
 * What each debtor will receive between two dates, and why, if nobody pays or answers: the cadence
 * replayed hour by hour from today's database state, without writing anything.
 */
export async function dryRun(db: Db, options: { from: CalendarDate; to: CalendarDate; debtorId?: number; creditorId?: number; everyHours?: number }): Promise<DryRunRow[]> {
  const start = new Date(`${options.from}T00:00:00Z`);
  // One creditor's book is read alone, not the whole database filtered afterwards.
  const scope = options.debtorId ? [options.debtorId] : options.creditorId !== undefined ? await listDebtorIdsOfCreditor(db, options.creditorId) : undefined;
  const states =
    scope && scope.length === 0
      ? []
      : (await loadCadenceStates(db, start, scope)).filter((l) => options.creditorId === undefined || l.creditorId === options.creditorId).map((l) => l.state);
  const { contacts, effects } = simulateCadence(states, ticksBetween(options.from, options.to, options.everyHours));
  const ids = states.map((s) => s.debtorId);
  const names = new Map(ids.length ? (await listDebtorNames(db, ids)).map((d) => [d.id, d]) : []);
  const numbers = new Map(ids.length ? (await listInvoiceNumbersOfDebtors(db, ids)).map((i) => [i.id, i.number]) : []);
  const when = (debtorId: number, at: Date) => {
    const tz = names.get(debtorId)?.tz ?? "Europe/Paris";
    const time = new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit" }).format(at);
    return `${localDate(at, tz)} ${time}`;
  };
  const rows: DryRunRow[] = [
    ...contacts.map((c) => ({
      debtorId: c.debtorId,
      debtorName: names.get(c.debtorId)?.name ?? String(c.debtorId),
      when: when(c.debtorId, c.plannedFor),
      at: c.plannedFor,
      what: c.step,
      channel: c.channel,
      invoices: c.invoiceSteps.map((s) => numbers.get(s.invoiceId) ?? String(s.invoiceId)),
      why: c.reason,
    })),
    ...effects
      .filter((e) => e.type !== "pause_expired")
      .map((e) => ({
        debtorId: e.debtorId,
        debtorName: names.get(e.debtorId)?.name ?? String(e.debtorId),
        when: when(e.debtorId, e.at),
        at: e.at,
        what: e.type,
        channel: "-",
        invoices: [],
        why: e.type === "escalate" ? e.reason : (EFFECT_REASONS[e.type] ?? EFFECT_LABELS[e.type] ?? e.type),
      })),
  ];
  return rows.sort((a, b) => a.debtorName.localeCompare(b.debtorName) || a.when.localeCompare(b.when));
}
