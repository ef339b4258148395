import { loadEcbTable } from "../../models/published-rates.server";
import { randomUUID } from "node:crypto";
import { transaction, type Db } from "../../../db/client";
import type { creditors, debtors, invoices, outboundMessages } from "../../../db/tables";
import { isEmailTemplate, type ReminderEmailProps } from "../../../emails";
import { mailbox } from "../../domain/text";
import { holidayRegionOf, isWithinContactWindow, nextContactWindow } from "../../domain/business-calendar";
import { addDays, localDate } from "../../domain/dates";
import { daysOverdue } from "../../domain/aging";
import { computeLatePenalties } from "../../domain/penalties";
import { creditorDisplayName } from "../../domain/creditor-settings";
import type { Env } from "../../env.server";
import { RESEND_BATCH_LIMIT, type BatchEmail, type BatchResult, type EmailSender, type OutgoingEmail, type SendResult } from "../../integrations/email.server";
import type { SmsSender } from "../../integrations/sms.server";
import { appendTimeline } from "../../models/timeline.server";
import {
  countInstallments,
  getMessage,
  getMessageCreditor,
  getMessageDebtor,
  getMessageInstallment,
  getMessageLink,
  getMessagePromise,
  listEarlierContacts,
  listMessageInvoices,
  listOpenInvoicesOf,
  cancelPendingPlannedBefore,
  insertCallTaskOnce,
  insertLetterOnce,
  listStuckSms,
  markMessageFailed,
  markMessageSent,
  markSmsOptOut,
  markSmsSending,
  setRetryUnderClaim,
  updateSendingUnderClaim,
  claimPendingMessage,
  getMessageRoute,
  isMessageHeld,
  listDueMessages,
  markEmailUndeliverable,
  updateUnderClaim,
} from "../../models/outbox.server";
import { applyParkedEvents } from "../../models/delivery-events.server";
import {
  assignToBatch,
  deleteBatch,
  getBatch,
  holdsBatch,
  insertBatch,
  leaveBatch,
  listMessagesByIds,
  listPendingInBatch,
  recordBatchAttempt,
  retakeBatchClaim,
  setBatchMessageRetry,
  storeBatchPayload,
  type EmailBatch,
} from "../../models/email-batches.server";
import { linkUrl, signLink } from "./links.server";
import { renderFormalNotice, storeLetterPdf } from "./letters.server";
import { sha256 } from "../auth/tokens.server";
import { invoiceAttachments } from "../documents/invoice-pdf.server";
import type { Checkpoint } from "./checkpoints.server";
import { renderStepEmail } from "./message-rendering.server";
import { renderStaffEmail } from "../../../emails/staff";
import { loadContactWindows } from "../../models/cadence-settings.server";

export type OutboxDeps = {
  db: Db;
  env: Pick<Env, "PUBLIC_BASE_URL" | "LINK_SIGNING_KEYS" | "LINK_TTL_DAYS" | "EMAIL_FROM" | "STORAGE_DIR">;
  email: EmailSender;
  sms: SmsSender;
  now: Date;
  /** Tests only: called around claims and provider calls, where a crash test kills the process. */
  checkpoint?: Checkpoint;
  /** Emails per Resend batch call, at most 100 (tests use fewer to see several batches). */
  batchSize?: number;
};

export type Outcome = "sent" | "retrying" | "failed" | "cancelled" | "deferred" | "skipped";
export type DeliveryReport = Record<Exclude<Outcome, "skipped">, number>;

const MAX_ATTEMPTS = 6;
/** Minutes to wait before the next try after a transient provider error. */
const BACKOFF_MINUTES = [1, 5, 30, 120, 360];
/** An SMS handed to Twilio whose outcome we did not record is looked up after this long (R9). */
const SMS_RECONCILE_AFTER_MS = 10 * 60_000;
/**
 * A message still pending this long after its planned time (the job was down) is cancelled rather
 * than sent late: the cadence re-plans the step from today's state, so catch-up is bounded (R11).
 */
const MAX_CATCH_UP_MS = 48 * 3_600_000;
/** Messages that chase nothing: no invoice copies attached. */
/** M22: the creditor's copy of a debtor's commitment: a staff email, not a message to the debtor. */
export const CREDITOR_COPY_STEP = "creditor_copy";

/** An alert to the creditor's owners raised by the job (a plan nobody decided in time): a staff email. */
export const STAFF_ALERT_STEP = "staff_alert";
/** Emails to the creditor's own people, from Relance, with no link into a debtor's portal. */
const STAFF_STEPS = new Set([CREDITOR_COPY_STEP, STAFF_ALERT_STEP]);

const COURTESY_STEPS = new Set(["thank_you", "new_link", "notice", ...STAFF_STEPS]);
/**
 * A batch's emails are reserved for it this long: another process (the web sending a notice at
 * once, a second job) leaves them alone meanwhile, and after a crash the next pass retries the batch.
 */
const BATCH_LEASE_MS = 60_000;
/**
 * How long a worker holds a single message it is sending (compose, PDF, one provider call). A worker
 * that stalls longer (SIGSTOP, a long GC, a frozen VM) loses the row to the next pass, and its fence
 * check stops it from calling the provider when it wakes up.
 */
const MESSAGE_LEASE_MS = 5 * 60_000;
/** The deadline each step sets, in days. */
const DEADLINE_DAYS: Record<string, number> = { first_reminder: 5, second_reminder: 7, formal_notice: 8, broken_promise: 5, follow_up: 7 };

type Message = typeof outboundMessages.$inferSelect;

function backoff(attempts: number, now: Date): Date {
  const minutes = BACKOFF_MINUTES[Math.min(attempts - 1, BACKOFF_MINUTES.length - 1)] ?? 360;
  return new Date(now.getTime() + minutes * 60_000);
}

/**
 * Sends every pending message whose time has come, outside any transaction (R4, R9). Emails with
 * attachments go one call each, with their key as the provider's idempotency key, so a retry after
 * a crash is a replay; emails without go in batches (see deliverBatches); SMS are marked "sending"
 * first and never resent without checking with the provider.
 */
export async function deliverDueMessages(deps: OutboxDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, cancelled: 0, deferred: 0 };
  await reconcileStuckSms(deps, report);
  const due = await listDueMessages(deps.db, deps.now);
  const unsentBatches = new Set<number>();
  const batchable: number[] = [];
  for (const row of due) {
    if (row.batchId !== null) unsentBatches.add(row.batchId);
    else if (isBatchable(row)) batchable.push(row.id);
    else {
      const outcome = await deliverOne(deps, row.id);
      if (outcome !== "skipped") report[outcome] += 1;
    }
  }
  const size = Math.max(1, Math.min(deps.batchSize ?? RESEND_BATCH_LIMIT, RESEND_BATCH_LIMIT));
  const outcomes = new Map<number, Outcome>();
  // Batches left unsent by a crash or an error first, exactly as composed; then new ones.
  const preparations = [...unsentBatches].map((batchId) => async () => retakeBatch(deps, batchId, outcomes));
  for (let start = 0; start < batchable.length; start += size) {
    const ids = batchable.slice(start, start + size);
    preparations.push(() => prepareBatch(deps, ids, outcomes));
  }
  await deliverBatches(deps, preparations, outcomes);
  for (const outcome of outcomes.values()) if (outcome !== "skipped") report[outcome] += 1;
  return report;
}

/** Released with every outcome, so no row stays claimed once it is done or waiting for a retry. */
const released = { claimToken: null, leaseExpiresAt: null } as const;

/**
 * A single message is taken by one worker at a time: compare-and-set of a fresh claim token on a
 * pending row nobody holds. Returns the token, or null when another worker has it.
 */
async function claimMessage({ db, now }: Pick<OutboxDeps, "db" | "now">, messageId: number): Promise<string | null> {
  const token = randomUUID();
  return (await claimPendingMessage(db, messageId, token, new Date(now.getTime() + MESSAGE_LEASE_MS), now)) ? token : null;
}

/**
 * The fence, right before each provider call: the row is still in the state this worker left it in,
 * under this worker's token. Another worker that took it over after a stall changed the token.
 */
async function stillHolds(db: Db, message: Pick<Message, "id" | "claimToken">, status: Message["status"]): Promise<boolean> {
  if (message.claimToken === null) return false;
  return await isMessageHeld(db, message.id, status, message.claimToken);
}

/**
 * Emails that carry no attachment can go through Resend's batch endpoint: courtesy messages
 * (thanks, new links, notices) and messages that chase no invoice in particular. Decided from the
 * row alone, so a message never changes path between a crash and its retry.
 */
function isBatchable(message: { channel: Message["channel"]; step: string; covered: number }): boolean {
  return message.channel === "email" && (COURTESY_STEPS.has(message.step) || message.covered === 0);
}

/** Run before planning, so the same pass plans the cancelled steps again from today's state. */
export async function cancelStaleMessages({ db, now }: Pick<OutboxDeps, "db" | "now">): Promise<number> {
  return await cancelPendingPlannedBefore(db, new Date(now.getTime() - MAX_CATCH_UP_MS));
}

/**
 * Sends one message now (a notice the debtor just asked for, a new link), or leaves it to the job.
 * An email without attachments goes as a batch of one: a message is only ever sent by its batch
 * once it has one, so the web and the job cannot each send it under a different key.
 */
export async function deliverMessage(deps: OutboxDeps, messageId: number): Promise<Outcome> {
  const message = await getMessageRoute(deps.db, messageId);
  if (!message || message.status !== "pending" || message.batchId !== null) return "skipped";
  if (!isBatchable(message)) return deliverOne(deps, messageId);
  const outcomes = new Map<number, Outcome>();
  await deliverBatches(deps, [() => prepareBatch(deps, [messageId], outcomes)], outcomes);
  return outcomes.get(messageId) ?? "skipped";
}

async function deliverOne(deps: OutboxDeps, messageId: number): Promise<Outcome> {
  if ((await claimMessage(deps, messageId)) === null) return "skipped";
  const checked = await checkBeforeSending(deps, messageId);
  if (typeof checked === "string") return checked;
  switch (checked.message.channel) {
    case "email":
      return sendEmail(deps, checked);
    case "sms":
      return sendSms(deps, checked.message);
    case "letter":
      return queueLetter(deps, checked);
    case "call":
      return createCallTask(deps, checked.message);
  }
}

/** What every send re-checks right before it happens; an outcome when the message must not go now. */
async function checkBeforeSending(deps: OutboxDeps, messageId: number): Promise<Context | Outcome> {
  const { db, now } = deps;
  const message = await getMessage(db, messageId);
  if (!message || message.status !== "pending") return "skipped";
  const debtor = await getMessageDebtor(db, message.debtorId);
  if (!debtor) return "skipped";
  const covered = await listMessageInvoices(db, message.id);
  // Re-checked right before sending: invoices settled since the claim are not chased (R8).
  const stillOpen = covered.filter((i) => i.status === "open" && i.balanceCents > 0);
  if (message.step !== "thank_you" && covered.length > 0 && stillOpen.length === 0) {
    await updateUnderClaim(db, message, { status: "cancelled", lastError: "every invoice settled before sending", ...released });
    return "cancelled";
  }
  // A notice answers something the debtor just did: it leaves at once, whatever the hour.
  const windows =
    message.step !== "notice" && !STAFF_STEPS.has(message.step) && (message.channel === "email" || message.channel === "sms")
      ? await loadContactWindows(db, message.creditorId)
      : null;
  const region = holidayRegionOf(debtor.postalCode, debtor.country);
  if (windows && (message.channel === "email" || message.channel === "sms") && !isWithinContactWindow(now, message.channel, debtor.timeZone, windows, region)) {
    // Planned inside the window but late (a slow run, a retry): wait for the next window (L10).
    await updateUnderClaim(db, message, { nextAttemptAt: nextContactWindow(now, message.channel, debtor.timeZone, windows, region), ...released });
    return "deferred";
  }
  return { message, debtor, invoices: message.step === "thank_you" ? covered : stillOpen };
}

type Context = { message: Message; debtor: typeof debtors.$inferSelect; invoices: (typeof invoices.$inferSelect)[] };

type Composed = { email: OutgoingEmail; content: Content };

/** The email as it will be sent, or why it cannot be. */
async function composeEmail(deps: OutboxDeps, { message, debtor, invoices: shown }: Context): Promise<Composed | string> {
  const { db, env, now } = deps;
  if (STAFF_STEPS.has(message.step)) return composeStaffEmail(deps, message);
  // A notice (a confirmation, a one-time code) may carry no link; every other email does.
  if (!message.toAddress || (!message.linkId && message.step !== "notice") || !isEmailTemplate(message.step)) {
    return `cannot send ${message.step} by email`;
  }
  const link = message.linkId ? await getMessageLink(db, message.linkId) : undefined;
  const creditor = await getMessageCreditor(db, message.creditorId);
  if ((message.linkId && !link) || !creditor) return "link or creditor missing";
  const url = link ? linkUrl(env, await signLink(env, link)) : "";
  const props = await messageProps(db, { message, debtor, invoices: shown }, creditor, url, env.PUBLIC_BASE_URL, now);
  const rendered = await renderStepEmail(db, message.creditorId, message.step, props);
  const from = creditor.senderEmail ? mailbox(creditor.senderName ?? creditor.legalName, creditor.senderEmail) : env.EMAIL_FROM;
  // A copy of each chased invoice; none for courtesy messages (thanks, new link).
  const chased = COURTESY_STEPS.has(message.step) ? [] : shown.map((i) => i.id);
  const attachments = await invoiceAttachments(db, chased, message.locale);
  return {
    email: { from, to: message.toAddress, ...rendered, attachments, idempotencyKey: message.key },
    content: { subject: rendered.subject, bodyText: rendered.text, contentHash: sha256(rendered.html) },
  };
}

/**
 * A creditor copy (M22) or an owners' alert goes to the creditor's own address, from Relance, with no
 * link into the debtor's portal; its stored text is the title, then the paragraphs.
 */
async function composeStaffEmail(deps: OutboxDeps, message: Message): Promise<Composed | string> {
  const creditor = await getMessageCreditor(deps.db, message.creditorId);
  if (!creditor || !message.toAddress) return "creditor or address missing";
  const { title, lines } = noticeText(message.bodyText);
  const kind = message.step === STAFF_ALERT_STEP ? "alert" : "commitment_copy";
  const rendered = await renderStaffEmail({ kind, staffName: creditor.legalName, creditorName: creditor.legalName, title, lines });
  return {
    email: { from: deps.env.EMAIL_FROM, to: message.toAddress, ...rendered, idempotencyKey: message.key },
    content: { subject: rendered.subject, bodyText: rendered.text, contentHash: sha256(rendered.html) },
  };
}

async function sendEmail(deps: OutboxDeps, context: Context): Promise<Outcome> {
  const { db, now } = deps;
  const { message } = context;
  const composed = await composeEmail(deps, context);
  if (typeof composed === "string") return fail(deps, message, composed);
  await deps.checkpoint?.("send:before", "email");
  if (!(await stillHolds(db, message, "pending"))) return "skipped";
  const result = await deps.email.send(composed.email);
  await deps.checkpoint?.("send:after");
  if (result.status === "success") return markSent(deps, message, result, composed.content);
  if (!result.retryable && result.code !== "invalid_idempotent_request") {
    // A refused address is closed, so the next pass routes this step to another channel (P16).
    await markEmailUndeliverable(db, message.contactId, now);
  }
  return retryOrFail(deps, message, result);
}

type BatchPayload = { messageIds: number[]; emails: BatchEmail[] };
type PreparedBatch = { batch: EmailBatch; payload: BatchPayload };

/** Derived from the batch row, so every retry of the batch carries the same key. */
export function batchIdempotencyKey(batch: { id: number; createdAt: Date }): string {
  return `email-batch:${batch.id}:${batch.createdAt.getTime().toString(36)}`;
}

/**
 * Batches are prepared (assigned, composed, stored) one ahead: the next one is composed while the
 * provider answers the previous one, and the calls themselves go one at a time, paced by the sender.
 */
async function deliverBatches(deps: OutboxDeps, preparations: (() => Promise<PreparedBatch | null>)[], outcomes: Map<number, Outcome>) {
  // The send in flight is settled into a value at once: its failure must not go unhandled (and end
  // the process) while the next batch is being prepared; it is thrown when its turn comes.
  let inFlight: Promise<{ error: unknown } | undefined> = Promise.resolve(undefined);
  const settled = (send: Promise<void>) =>
    send.then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
  const rethrow = async () => {
    const failed = await inFlight;
    if (failed) throw failed.error;
  };
  for (const prepare of preparations) {
    const prepared = await prepare().catch(async (error: unknown) => {
      await inFlight;
      throw error;
    });
    await rethrow();
    if (prepared) inFlight = settled(sendBatch(deps, prepared, outcomes));
  }
  await rethrow();
}

/**
 * Phase A for a batch: the rows are assigned to a new batch in one short IMMEDIATE transaction (a
 * row already in a batch, or no longer pending, is left out), then checked and composed.
 */
async function prepareBatch(deps: OutboxDeps, ids: number[], outcomes: Map<number, Outcome>): Promise<PreparedBatch | null> {
  const { db, now } = deps;
  // Each row is checked once it is in the batch (composeBatch): one that may not go now leaves it.
  const ready = ids;
  const claimToken = randomUUID();
  const batchId = await transaction(db, async (tx) => {
    const batch = await insertBatch(tx, { createdAt: now, claimToken, leaseExpiresAt: new Date(now.getTime() + BATCH_LEASE_MS) });
    const assigned = await assignToBatch(tx, ready, batch.id, new Date(now.getTime() + BATCH_LEASE_MS));
    if (assigned > 0) return batch.id;
    await deleteBatch(tx, batch.id);
    return null;
  });
  if (batchId === null) return null;
  await deps.checkpoint?.("batch:assigned");
  return composeBatch(deps, batchId, outcomes);
}

/**
 * A batch left unsent (a crash, an error, a worker that stalled past its lease) is taken over with a
 * new claim token, so the worker that held it before cannot call the provider for it any more.
 */
async function retakeBatch(deps: OutboxDeps, batchId: number, outcomes: Map<number, Outcome>): Promise<PreparedBatch | null> {
  const { db, now } = deps;
  const won = await retakeBatchClaim(db, batchId, randomUUID(), new Date(now.getTime() + BATCH_LEASE_MS), now);
  return won ? composeBatch(deps, batchId, outcomes) : Promise.resolve(null);
}

/**
 * The batch's emails: the stored ones if it was composed before (a retry sends exactly what the
 * first call sent, under the same key, so the provider replays it), otherwise composed now from
 * its rows and stored, first writer wins, before any call.
 */
async function composeBatch(deps: OutboxDeps, batchId: number, outcomes: Map<number, Outcome>): Promise<PreparedBatch | null> {
  const { db } = deps;
  const batch = await getBatch(db, batchId);
  if (!batch || batch.sentAt) return null;
  if (batch.payload) return { batch, payload: JSON.parse(batch.payload) as BatchPayload };
  // Never composed, so never sent: rows that may not go now simply leave the batch.
  const rows = await listPendingInBatch(db, batchId);
  const payload: BatchPayload = { messageIds: [], emails: [] };
  for (const { id } of rows) {
    const checked = await checkBeforeSending(deps, id);
    const composed = typeof checked === "string" ? checked : await composeEmail(deps, checked);
    if (typeof composed !== "string" && composed.email.attachments?.length) throw new Error(`message ${id} has attachments and cannot go in a batch`);
    if (typeof composed === "string") {
      await leaveBatch(db, id, batchId);
      outcomes.set(id, typeof checked === "string" ? checked : await fail(deps, checked.message, composed));
      continue;
    }
    const { attachments: _none, ...email } = composed.email;
    payload.messageIds.push(id);
    payload.emails.push(email);
  }
  if (payload.emails.length === 0) return null;
  await storeBatchPayload(db, batchId, JSON.stringify(payload));
  const stored = await getBatch(db, batchId);
  if (!stored?.payload || stored.sentAt) return null;
  await deps.checkpoint?.("batch:composed");
  return { batch: stored, payload: JSON.parse(stored.payload) as BatchPayload };
}

/**
 * Phases B and C for a batch: one call under the batch's key, then each email's id recorded on its
 * row in one transaction. An email refused alone fails alone (its address closed, as for a single
 * send); a failed call keeps the batch as it is, to be retried later with the same key.
 */
async function sendBatch(deps: OutboxDeps, { batch, payload }: PreparedBatch, outcomes: Map<number, Outcome>) {
  const { db, now } = deps;
  await deps.checkpoint?.("send:before", "batch");
  // The fence: a worker that stalled past the batch's lease finds another worker's token here, and stops.
  const holds = async (reader: Pick<Db, "select">) => await holdsBatch(reader, batch.id, batch.claimToken ?? "");
  if (!(await holds(db))) return;
  const result: BatchResult = await deps.email.sendBatch(payload.emails, batchIdempotencyKey(batch));
  await deps.checkpoint?.("send:after");
  await transaction(db, async (tx) => {
    // A failure is recorded only by the holder; a success always is: the emails went.
    if (result.status !== "success" && !(await holds(tx))) return;
    await recordBatchAttempt(tx, batch.id, result.status === "success" ? now : null);
    const rows = new Map((await listMessagesByIds(tx, payload.messageIds)).map((m) => [m.id, m]));
    for (const [index, id] of payload.messageIds.entries()) {
      const message = rows.get(id);
      if (!message) continue;
      if (result.status === "success") {
        const answer = result.results[index];
        const email = payload.emails[index]!;
        if (answer?.ok) {
          // Cancelled while the batch waited (a payment, an escalation): it went all the same, and the record says so.
          const from = message.status === "cancelled" ? "cancelled" : "pending";
          const content = { subject: email.subject, bodyText: email.text, contentHash: sha256(email.html) };
          outcomes.set(id, await markSentIn(tx, message, { status: "success", provider: result.provider, providerMessageId: answer.providerMessageId }, content, now, from));
        } else {
          await markEmailUndeliverable(tx, message.contactId, now);
          outcomes.set(id, await failIn(tx, { ...message, attempts: message.attempts + 1 }, answer?.message ?? "refused by the provider", now, "pending"));
        }
        continue;
      }
      const attempts = message.attempts + 1;
      if (attempts >= MAX_ATTEMPTS) {
        outcomes.set(id, await failIn(tx, { ...message, attempts }, result.message, now, "pending"));
        continue;
      }
      const retryAt = result.retryAfterMs !== undefined ? new Date(now.getTime() + result.retryAfterMs) : backoff(attempts, now);
      await setBatchMessageRetry(tx, id, { attempts, lastError: result.message, nextAttemptAt: retryAt });
      outcomes.set(id, "retrying");
    }
  });
}

/** Everything a template needs, computed here so templates stay props-in, text-out. */
export async function messageProps(
  db: Db,
  {
    message,
    debtor,
    invoices: shown,
  }: { message: Pick<Message, "id" | "key" | "step" | "locale" | "bodyText" | "plannedFor">; debtor: Context["debtor"]; invoices: Context["invoices"] },
  creditor: typeof creditors.$inferSelect,
  url: string,
  publicBaseUrl: string,
  now: Date,
): Promise<ReminderEmailProps> {
  const today = localDate(now, debtor.timeZone);
  const ecb = await loadEcbTable(db);
  const listed = shown.length > 0 || message.step === "thank_you" ? shown : await listOpenInvoicesOf(db, debtor.id);
  // Contacts before this one was planned: what was sent since (the same step's SMS, a notice) does
  // not change it, so a retry after a crash composes the same email and the provider can replay it.
  // Emails to the creditor's staff are not contacts with the debtor.
  const earlier = await listEarlierContacts(db, { debtorId: debtor.id, messageId: message.id, before: message.plannedFor, exceptSteps: STAFF_STEPS });
  const promiseId = Number(/promise-(\d+)/.exec(message.key)?.[1]);
  const promise = promiseId ? await getMessagePromise(db, promiseId) : undefined;
  const installmentId = Number(/installment-(\d+)/.exec(message.key)?.[1]);
  const installment = installmentId ? await getMessageInstallment(db, installmentId) : undefined;
  const installmentCount = installment ? await countInstallments(db, installment.planId) : 0;
  const days = DEADLINE_DAYS[message.step];
  return {
    locale: message.locale,
    creditorName: creditorDisplayName(creditor),
    accentColor: creditor.accentColor ?? undefined,
    creditorEmail: creditor.email,
    debtorName: debtor.name,
    debtorKind: debtor.kind,
    invoices: listed.map((invoice) => {
      const penalties = computeLatePenalties({
        principalCents: invoice.balanceCents,
        dueDate: invoice.dueDate,
        asOf: today,
        ecbRates: ecb.rates,
        ecbConfirmedThrough: ecb.confirmedThrough,
        terms: {
          debtorKind: debtor.kind,
          rateMode: creditor.penaltyRateMode,
          contractRateBp: creditor.contractPenaltyRateBp,
          indemnityEnabled: creditor.recoveryIndemnityEnabled,
        },
      });
      return {
        number: invoice.number,
        amountCents: message.step === "thank_you" ? invoice.amountCents : invoice.balanceCents,
        currency: invoice.currency,
        dueDate: invoice.dueDate,
        daysOverdue: daysOverdue(invoice.dueDate, today),
        interestCents: penalties.interestCents,
        interestUnpublishedFrom: penalties.unpublishedFrom,
        indemnityCents: penalties.indemnityCents,
      };
    }),
    linkUrl: url,
    privacyUrl: `${publicBaseUrl}/privacy`,
    includePrivacyNotice: earlier.length === 0,
    deadline: days === undefined ? null : addDays(today, days),
    previousContacts: earlier.filter((c) => c.sentAt !== null).map((c) => ({ date: localDate(c.sentAt!, debtor.timeZone), channel: c.channel })),
    promise: promise ? { date: promise.promisedDate, amountCents: promise.amountCents } : undefined,
    notice: message.step === "notice" ? noticeText(message.bodyText) : undefined,
    installment: installment
      ? { dueDate: installment.dueDate, amountCents: installment.amountCents - installment.paidCents, position: installment.position, count: installmentCount }
      : undefined,
  };
}

async function sendSms(deps: OutboxDeps, message: Message): Promise<Outcome> {
  const { db, env, now } = deps;
  if (!message.toAddress || !message.bodyText) return fail(deps, message, "SMS without recipient or body");
  // Phase A: from here on, the outcome must be checked with Twilio before any resend (R9).
  if (!(await markSmsSending(db, message, message.attempts + 1, new Date(now.getTime() + SMS_RECONCILE_AFTER_MS)))) return "skipped";
  await deps.checkpoint?.("send:before", "sms");
  // Stalled past the reconciliation delay, another worker may have looked it up and sent it since.
  if (!(await stillHolds(db, message, "sending"))) return "skipped";
  const result = await deps.sms.send({
    to: message.toAddress,
    body: message.bodyText,
    idempotencyKey: message.key,
    statusCallbackUrl: `${env.PUBLIC_BASE_URL}/webhooks/twilio/status`,
  });
  await deps.checkpoint?.("send:after");
  if (result.status === "success") return markSent(deps, { ...message, attempts: message.attempts }, result, { contentHash: sha256(message.bodyText) });
  if (result.retryable) return "retrying"; // stays "sending": reconciled against Twilio's records before any resend
  if (result.code === "21610") {
    await markSmsOptOut(db, message.contactId, now);
  }
  return fail(deps, { ...message, attempts: message.attempts + 1 }, result.message);
}

/**
 * R9: an SMS row left in "sending" (a crash, a timeout) is looked up at Twilio by recipient and time.
 * Found: it was sent, record it. Not found: it was not, so it may go again, within the attempt limit.
 */
async function reconcileStuckSms(deps: OutboxDeps, report: DeliveryReport) {
  const { db, now } = deps;
  const stuck = await listStuckSms(db, now);
  for (const message of stuck) {
    if (!message.toAddress) continue;
    const since = new Date(message.plannedFor.getTime() - 60_000);
    const sent = (await deps.sms.findSent(message.toAddress, since)).find((m) => m.body === message.bodyText);
    if (sent) {
      await markSent(
        deps,
        message,
        { status: "success", provider: deps.sms.provider, providerMessageId: sent.providerMessageId },
        { contentHash: sha256(message.bodyText ?? "") },
        "sending",
      );
      report.sent += 1;
    } else if (message.attempts >= MAX_ATTEMPTS) {
      await fail(deps, message, "not accepted by the provider after every attempt", "sending");
      report.failed += 1;
    } else {
      await updateSendingUnderClaim(db, message, {
        status: "pending",
        nextAttemptAt: backoff(message.attempts, now),
        lastError: "not found at the provider: safe to send again",
        ...released,
      });
      report.retrying += 1;
    }
  }
}

async function queueLetter(deps: OutboxDeps, { message, debtor, invoices: shown }: Context): Promise<Outcome> {
  const { db, env, now } = deps;
  const creditor = await getMessageCreditor(db, message.creditorId);
  const link = message.linkId ? await getMessageLink(db, message.linkId) : undefined;
  if (!creditor || !link) return fail(deps, message, "letter without creditor or link");
  const props = await messageProps(db, { message, debtor, invoices: shown }, creditor, linkUrl(env, await signLink(env, link)), env.PUBLIC_BASE_URL, now);
  const { bytes } = await renderFormalNotice({
    locale: message.locale,
    creditor,
    debtor,
    date: localDate(now, debtor.timeZone),
    deadline: props.deadline ?? addDays(localDate(now, debtor.timeZone), DEADLINE_DAYS.formal_notice!),
    invoices: shown.map((invoice, index) => ({
      number: invoice.number,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      balanceCents: invoice.balanceCents,
      currency: invoice.currency,
      interestCents: props.invoices[index]?.interestCents ?? 0,
      interestUnpublishedFrom: props.invoices[index]?.interestUnpublishedFrom ?? null,
      indemnityCents: props.invoices[index]?.indemnityCents ?? 0,
    })),
    previousContacts: props.previousContacts,
    linkUrl: props.linkUrl,
    privacyUrl: props.includePrivacyNotice ? props.privacyUrl : null,
  });
  const stored = storeLetterPdf(env.STORAGE_DIR, bytes, `formal-notice-${message.id}.pdf`);
  return await transaction(db, async (tx) => {
    await insertLetterOnce(tx, {
      creditorId: message.creditorId,
      debtorId: debtor.id,
      messageId: message.id,
      kind: "formal_notice",
      pdfPath: stored.path,
      pdfSha256: stored.sha256,
    });
    return markSentIn(tx, message, { status: "success", provider: "registered-mail", providerMessageId: `letter-${message.id}` }, { contentHash: stored.sha256 }, now);
  });
}

async function createCallTask(deps: OutboxDeps, message: Message): Promise<Outcome> {
  const { db, now } = deps;
  return await transaction(db, async (tx) => {
    await insertCallTaskOnce(tx, {
      creditorId: message.creditorId,
      debtorId: message.debtorId,
      messageId: message.id,
      reason: message.bodyText ?? message.step,
      dueAt: message.plannedFor,
    });
    return markSentIn(tx, message, { status: "success", provider: "staff", providerMessageId: `call-${message.id}` }, {}, now);
  });
}

type Content = { subject?: string; bodyText?: string; contentHash?: string };
type Success = Extract<SendResult, { status: "success" }>;

async function markSent(
  deps: OutboxDeps,
  message: Message,
  result: Success,
  content: Content,
  from: Message["status"] = message.channel === "sms" ? "sending" : "pending",
): Promise<Outcome> {
  return await transaction(deps.db, async (tx) => markSentIn(tx, message, result, content, deps.now, from));
}

async function markSentIn(
  tx: Pick<Db, "select" | "update" | "insert">,
  message: Message,
  result: Success,
  content: Content,
  now: Date,
  from: Message["status"] = "pending",
): Promise<Outcome> {
  // Not fenced by the claim: the provider accepted it, so it was sent, whoever holds the row now.
  const updated = await markMessageSent(tx, message, from, {
    provider: result.provider,
    providerMessageId: result.providerMessageId,
    sentAt: now,
    lastError: null,
    nextAttemptAt: null,
    ...released,
    ...content,
  });
  if (!updated) return "skipped";
  if (message.channel === "email" || message.channel === "sms") await applyParkedEvents(tx, message.channel, result.providerMessageId, now);
  await appendTimeline(tx, {
    creditorId: message.creditorId,
    debtorId: message.debtorId,
    type: message.channel === "letter" ? "letter.queued" : message.channel === "call" ? "call_task.created" : "message.sent",
    actor: "job",
    data: { messageId: message.id, step: message.step, channel: message.channel, contentHash: content.contentHash ?? null },
    occurredAt: now,
  });
  return "sent";
}

async function retryOrFail(deps: OutboxDeps, message: Message, result: Extract<SendResult, { status: "error" }>): Promise<Outcome> {
  const attempts = message.attempts + 1;
  if (!result.retryable || attempts >= MAX_ATTEMPTS) return fail(deps, { ...message, attempts: message.attempts + 1 }, result.message);
  await setRetryUnderClaim(deps.db, message, { attempts, lastError: result.message, nextAttemptAt: backoff(attempts, deps.now), ...released });
  return "retrying";
}

async function fail(deps: OutboxDeps, message: Message, reason: string, from: Message["status"] = message.channel === "sms" ? "sending" : "pending"): Promise<Outcome> {
  return await transaction(deps.db, async (tx) => failIn(tx, message, reason, deps.now, from));
}

async function failIn(tx: Pick<Db, "update" | "insert">, message: Message, reason: string, now: Date, from: Message["status"]): Promise<Outcome> {
  const updated = await markMessageFailed(tx, message, from, { attempts: message.attempts, lastError: reason, nextAttemptAt: null, ...released });
  if (!updated) return "skipped";
  await appendTimeline(tx, {
    creditorId: message.creditorId,
    debtorId: message.debtorId,
    type: "message.failed",
    actor: "job",
    data: { messageId: message.id, step: message.step, channel: message.channel, error: reason },
    occurredAt: now,
  });
  return "failed";
}

/** A notice's stored text: its first line is the title, the others its paragraphs. */
function noticeText(bodyText: string | null): { title: string; lines: string[] } {
  const [title = "", ...lines] = (bodyText ?? "").split("\n").filter((line) => line.trim() !== "");
  return { title, lines };
}
