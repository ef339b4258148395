import { transaction, type Db } from "../../../db/client";
import { groupBy } from "../../utils/group-by";
import { decideCadence, nextDecisionAt, type CadenceEffect, type DebtorCadenceState, type PlannedContact, type StepKind } from "../../domain/cadence";
import { holidayRegionOf } from "../../domain/business-calendar";
import { localDate, type CalendarDate } from "../../domain/dates";
import { isTimeBarred } from "../../domain/prescription";
import { lastAcknowledgments } from "../../models/acknowledgments.server";
import type { Env } from "../../env.server";
import { loadAllContactWindows } from "../../models/cadence-settings.server";
import { usableEmailContact, usableSmsContact } from "../../models/contacts.server";
import { appendTimeline } from "../../models/timeline.server";
import {
  breakPromise,
  cadenceStateQueries,
  countBrokenPromise,
  defaultPlan,
  endPause,
  escalateDebtor,
  insertPlannedMessage,
  linkPlannedMessage,
  listPlanInstallments,
  listPlanInvoices,
  listStateVersions,
  loadCadencePolicies,
  markPlanned,
  owedDebtors,
  setPlannedSmsBody,
  type Planned,
} from "../../models/cadence-state.server";
import { insertLink } from "./links.server";
import { prepareSmsBody } from "./sms-messages.server";
import { CREDITOR_COPY_STEP, STAFF_ALERT_STEP } from "./outbox.server";
import type { Checkpoint } from "./checkpoints.server";

type Tx = Db;
type Reader = Pick<Db, "select">;

export { DEBTOR_ACTION_TYPES, owedDebtors } from "../../models/cadence-state.server";

/** Paid invoices stay in view this long, for the thank-you. */
const THANK_YOU_WINDOW_MS = 8 * 86_400_000;

export type LoadedDebtor = {
  state: DebtorCadenceState;
  creditorId: number;
  locale: "fr" | "en";
  /** The debtor's state_version this state was read at (incremental planning). */
  version: number;
};

/**
 * The last acknowledgment of each consumer invoice that its due date alone would make time-barred:
 * few, so one small query, and none at all on most passes.
 */
async function acknowledgmentsOfTimeBarred(
  db: Reader,
  debtorRows: { id: number; kind: "business" | "consumer"; timeZone: string }[],
  invoicesByDebtor: Map<number, { id: number; dueDate: CalendarDate; status: string }[]>,
  now: Date,
) {
  const candidates = debtorRows.flatMap((debtor) => {
    const today = localDate(now, debtor.timeZone);
    return (invoicesByDebtor.get(debtor.id) ?? [])
      .filter((i) => i.status === "open" && isTimeBarred(debtor.kind, i.dueDate, today))
      .map((i) => ({ id: i.id, timeZone: debtor.timeZone }));
  });
  const found = await lastAcknowledgments(
    db,
    candidates.map((c) => c.id),
  );
  return new Map(candidates.flatMap((c) => (found.has(c.id) ? [[c.id, localDate(found.get(c.id)!, c.timeZone)] as const] : [])));
}

/**
 * Everything the cadence needs to decide, for these debtors (or the whole book) with something open
 * (or just paid), in a fixed number of queries whatever the number of debtors. A pass reads the
 * debtors whose decision is owed a page at a time, then reloads a few inside the claiming transaction (R8).
 */
export async function loadCadenceStates(db: Reader, now: Date, debtorIds?: readonly number[]): Promise<LoadedDebtor[]> {
  const thankYouSince = new Date(now.getTime() - THANK_YOU_WINDOW_MS);
  // A new link or a notice answers the debtor; it is not a reminder and does not space the cadence.
  const queries = cadenceStateQueries(db, debtorIds, { notReminders: ["new_link", "notice", CREDITOR_COPY_STEP, STAFF_ALERT_STEP] });

  const invoiceRows = (await queries.invoices).filter((i) => i.status === "open" || (i.status === "paid" && i.paidAt !== null && i.paidAt >= thankYouSince));
  if (invoiceRows.length === 0) return [];

  const debtorRows = await queries.debtors;
  const steps = groupBy(await queries.steps, (r) => r.invoiceId);
  const contactRows = await queries.contacts;
  const contactsByDebtor = groupBy(contactRows, (r) => r.debtorId);
  const remindedInstallments = new Set(contactRows.filter((c) => c.step === "installment_reminder").map((c) => Number(/installment-(\d+)/.exec(c.key)?.[1])));
  const openPromises = new Map((await queries.openPromises).map((p) => [p.invoiceId, p]));
  const disputed = new Set((await queries.openDisputes).map((d) => d.invoiceId));
  const planRows = await queries.livePlans;
  const planIds = planRows.map((p) => p.id);
  const plansByDebtor = new Map(planRows.map((p) => [p.debtorId, p]));
  const planInvoices = planIds.length ? await listPlanInvoices(db, planIds) : [];
  const planInstallments = groupBy(planIds.length ? await listPlanInstallments(db, planIds) : [], (i) => i.planId);
  const inPlan = new Set(planInvoices.map((p) => p.invoiceId));
  const pauses = groupBy(await queries.openPauses, (p) => p.debtorId);
  const contactChannels = groupBy(await queries.channels, (c) => c.debtorId);
  const lastActions = new Map((await queries.lastActions).map((r) => [r.debtorId, new Date(r.at)]));
  const policies = await loadCadencePolicies(db);
  const windows = await loadAllContactWindows(db);
  const invoicesByDebtor = groupBy(invoiceRows, (i) => i.debtorId);
  const acknowledged = await acknowledgmentsOfTimeBarred(db, debtorRows, invoicesByDebtor, now);

  const loaded: LoadedDebtor[] = [];
  for (const debtor of debtorRows) {
    const own = invoicesByDebtor.get(debtor.id);
    const policy = policies.get(`${debtor.creditorId}:${debtor.segment}`);
    if (!own || !policy) continue;
    const contacts = contactChannels.get(debtor.id) ?? [];
    const plan = plansByDebtor.get(debtor.id);
    loaded.push({
      creditorId: debtor.creditorId,
      locale: debtor.locale,
      version: debtor.stateVersion,
      state: {
        debtorId: debtor.id,
        timeZone: debtor.timeZone,
        debtorKind: debtor.kind,
        holidayRegion: holidayRegionOf(debtor.postalCode, debtor.country),
        escalated: debtor.escalatedAt !== null,
        brokenPromiseCount: debtor.brokenPromiseCount,
        channels: {
          email: contacts.some((c) => c.email && !c.emailOptOutAt && !c.emailUndeliverableAt),
          sms: contacts.some((c) => c.phone && !c.smsOptOutAt),
          letter: Boolean(debtor.addressLine && debtor.postalCode && debtor.city),
        },
        policy,
        invoices: own.map((invoice) => ({
          id: invoice.id,
          number: invoice.number,
          dueDate: invoice.dueDate,
          balanceCents: invoice.balanceCents,
          paymentTermsDays: invoice.paymentTermsDays,
          status: invoice.status,
          paidOn: invoice.paidAt ? localDate(invoice.paidAt, debtor.timeZone) : null,
          stepsDone: (steps.get(invoice.id) ?? []).map((s) => s.step as StepKind),
          openDispute: disputed.has(invoice.id),
          openPromise: openPromises.get(invoice.id) ?? null,
          inPlan: inPlan.has(invoice.id),
          acknowledgedOn: acknowledged.get(invoice.id) ?? null,
        })),
        contacts: (contactsByDebtor.get(debtor.id) ?? []).map((c) => ({
          at: c.at,
          step: c.step as StepKind,
          channel: c.channel,
          ...(c.channel === "letter" ? { postedAt: c.postedAt } : {}),
        })),
        lastActionAt: lastActions.get(debtor.id) ?? null,
        pauses: (pauses.get(debtor.id) ?? []).map((p) => ({ id: p.id, invoiceId: p.invoiceId, reason: p.reason, endsAt: p.endsAt, callbackAt: p.callbackAt })),
        plan: plan
          ? {
              id: plan.id,
              status: plan.status as "pending_review" | "accepted",
              installments: (planInstallments.get(plan.id) ?? []).map((i) => ({
                id: i.id,
                position: i.position,
                dueDate: i.dueDate,
                amountCents: i.amountCents,
                paidCents: i.paidCents,
                reminded: remindedInstallments.has(i.id),
              })),
            }
          : null,
        windows: windows.get(debtor.creditorId),
        preferredChannel: debtor.preferredChannel === "email" || debtor.preferredChannel === "sms" ? debtor.preferredChannel : null,
      },
    });
  }
  return loaded;
}

export type CadenceDeps = {
  db: Db;
  env: Pick<Env, "PUBLIC_BASE_URL" | "LINK_SIGNING_KEYS" | "LINK_TTL_DAYS">;
  now: Date;
  /** Tests only: called around each claim, where a crash test kills the process. */
  checkpoint?: Checkpoint;
};

export type CadenceReport = { debtors: number; claimed: number; effects: number };

/** Debtors re-decided per claiming transaction: few enough to keep it short (R4), enough to amortise the reload. */
const CLAIM_BATCH = 50;
/** Debtors decided per page in the read-only first sweep. */
const LOAD_PAGE = 2_000;

/**
 * One planning pass: decide in memory for every debtor whose decision is owed, then, only for
 * debtors with something to do now, re-decide inside short IMMEDIATE transactions on freshly read
 * state (a payment or a promise recorded meanwhile wins, R8), apply the effects and claim the
 * contacts (R7). Debtors with nothing to do now are marked decided until their next instant; those
 * that acted stay owed, so the next pass decides them again on what they just did.
 */
export async function runCadence({ db, env, now, checkpoint }: CadenceDeps): Promise<CadenceReport> {
  const report: CadenceReport = { debtors: 0, claimed: 0, effects: 0 };
  const busy: number[] = [];
  const owed = await owedDebtors(db, now);
  for (let start = 0; start < owed.length; start += LOAD_PAGE) {
    const page = owed.slice(start, start + LOAD_PAGE);
    // One read transaction: the versions recorded are those of the state decided on.
    const { loaded, versions } = await transaction(db, async (tx) => ({
      versions: await listStateVersions(tx, page),
      loaded: await loadCadenceStates(tx, now, page),
    }));
    const decided = new Map<number, Planned>(versions.map((v) => [v.id, { ...v, nextAt: null }]));
    for (const { state, version } of loaded) {
      report.debtors += 1;
      const decision = decideCadence(state, now);
      if (decision.effects.length > 0 || decision.contacts.some((c) => c.plannedFor <= now)) {
        busy.push(state.debtorId);
        decided.delete(state.debtorId);
      } else {
        decided.set(state.debtorId, { id: state.debtorId, version, nextAt: nextDecisionAt(state, decision, now) });
      }
    }
    // Debtors with nothing open are decided too, until a write moves them.
    await transaction(db, (tx) => markPlanned(tx, [...decided.values()]));
  }
  for (let start = 0; start < busy.length; start += CLAIM_BATCH) {
    const batch = busy.slice(start, start + CLAIM_BATCH);
    await checkpoint?.("claim:before");
    await transaction(db, async (tx) => {
      const unchanged: Planned[] = [];
      for (const fresh of await loadCadenceStates(tx, now, batch)) {
        const current = decideCadence(fresh.state, now);
        await applyEffects(tx, fresh, current.effects, now);
        let claimed = 0;
        for (const contact of current.contacts) if (contact.plannedFor <= now && (await claimContact(tx, env, fresh, contact, now))) claimed++;
        report.effects += current.effects.length;
        report.claimed += claimed;
        // Nothing written (what was due is already claimed, or has no address): decided until its next
        // instant, rather than tried again every pass. A debtor that acted stays owed (its triggers fired).
        if (current.effects.length === 0 && claimed === 0) unchanged.push({ id: fresh.state.debtorId, version: fresh.version, nextAt: nextDecisionAt(fresh.state, current, now) });
      }
      await markPlanned(tx, unchanged);
    });
    await checkpoint?.("claim:after");
  }
  return report;
}

async function applyEffects(tx: Tx, debtor: LoadedDebtor, effects: readonly CadenceEffect[], now: Date) {
  const debtorId = debtor.state.debtorId;
  // Promises broken together (one commitment over several invoices) count once, as the decision does.
  if (effects.some((e) => e.type === "promise_broken")) {
    await countBrokenPromise(tx, debtorId);
  }
  const log = async (type: string, data: Record<string, unknown>, invoiceId: number | null = null) =>
    appendTimeline(tx, { creditorId: debtor.creditorId, debtorId, invoiceId, type, actor: "job", data, occurredAt: now });
  for (const effect of effects) {
    switch (effect.type) {
      case "promise_broken":
        await breakPromise(tx, effect.promiseId, now);
        await log("promise.broken", { promiseId: effect.promiseId }, effect.invoiceId);
        break;
      case "plan_defaulted":
        await defaultPlan(tx, effect.planId, now);
        await log("plan.defaulted", { planId: effect.planId });
        break;
      case "escalate":
        await escalateDebtor(tx, debtorId, now);
        await log("debtor.escalated", { reason: effect.reason });
        break;
      case "pause_expired":
        await endPause(tx, effect.pauseId, now);
        await log("pause.ended", { pauseId: effect.pauseId });
        break;
    }
  }
}

/** Claims the contact: the outbox row (unique key) with what it needs to be sent; false if it already exists. */
async function claimContact(tx: Tx, env: CadenceDeps["env"], debtor: LoadedDebtor, contact: PlannedContact, now: Date): Promise<boolean> {
  const debtorId = debtor.state.debtorId;
  const recipient = contact.channel === "email" ? await usableEmailContact(tx, debtorId) : contact.channel === "sms" ? await usableSmsContact(tx, debtorId) : undefined;
  const toAddress = contact.channel === "email" ? recipient?.email : contact.channel === "sms" ? recipient?.phone : null;
  if ((contact.channel === "email" || contact.channel === "sms") && !toAddress) return false;

  const inserted = await insertPlannedMessage(
    tx,
    {
      key: contact.key,
      creditorId: debtor.creditorId,
      debtorId,
      contactId: recipient?.id ?? null,
      step: contact.step,
      channel: contact.channel,
      locale: debtor.locale,
      toAddress: toAddress ?? null,
      plannedFor: contact.plannedFor,
      // For a call or a letter, what staff need to know; SMS bodies are fixed below.
      bodyText: contact.reason,
    },
    contact.invoiceSteps,
  );
  if (!inserted) return false;

  const invoiceIds = contact.invoiceSteps.map((s) => s.invoiceId);
  if (contact.channel === "sms") {
    // The SMS body (with its short link) is fixed now: an SMS is never re-rendered or resent blindly (R9).
    const sms = await prepareSmsBody(tx, env, { messageId: inserted.id, debtorId, step: contact.step, locale: debtor.locale, to: toAddress!, invoiceIds, now });
    // The short link is kept with the message, so an opening can be traced back to it (funnel).
    await setPlannedSmsBody(tx, inserted.id, sms.body, sms.linkId);
  } else if (contact.channel === "email" || contact.channel === "letter") {
    const link = await insertLink(tx, env, { debtorId, invoiceIds, channel: contact.channel, sentTo: toAddress ?? null, now });
    await linkPlannedMessage(tx, inserted.id, link.id);
  }
  return true;
}
