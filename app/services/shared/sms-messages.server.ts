import type { Db } from "../../../db/client";
import { creditorDisplayName } from "../../domain/creditor-settings";
import { addDays, localDate } from "../../domain/dates";
import type { StepKind } from "../../domain/cadence";
import type { Env } from "../../env.server";
import { renderSms } from "../../../emails/sms";
import { insertShortLink, linkUrl } from "./links.server";
import { customSmsText } from "./message-rendering.server";
import { getSmsParties, isFirstContact, listSmsInvoices } from "../../models/sms-messages.server";

type Tx = Db;

/** Which SMS text each step uses; the friendlier steps fall back to the closest firm one. */
const smsTemplate: Partial<Record<StepKind, "second_reminder" | "broken_promise" | "installment_reminder" | "formal_notice">> = {
  first_reminder: "second_reminder",
  second_reminder: "second_reminder",
  broken_promise: "broken_promise",
  installment_reminder: "installment_reminder",
  formal_notice: "formal_notice",
};
const deadlineDays: Partial<Record<StepKind, number>> = { first_reminder: 5, second_reminder: 7, formal_notice: 8 };

/**
 * Issues the short link and renders the SMS body inside the claiming transaction. The body is
 * stored with the message and sent as is: an SMS is never re-rendered after a crash (R9).
 */
export async function prepareSmsBody(
  tx: Tx,
  env: Pick<Env, "PUBLIC_BASE_URL" | "LINK_SIGNING_KEYS" | "LINK_TTL_DAYS">,
  input: { messageId: number; debtorId: number; step: StepKind; locale: "fr" | "en"; to: string; invoiceIds: number[]; now: Date },
): Promise<{ body: string; linkId: number }> {
  const { token, link } = await insertShortLink(tx, env, { debtorId: input.debtorId, invoiceIds: input.invoiceIds, sentTo: input.to, now: input.now });
  const privacyUrl = (await isFirstContact(tx, input.debtorId, input.messageId)) ? `${env.PUBLIC_BASE_URL}/privacy` : null;
  const body = (await renderStepSms(tx, { ...input, linkUrl: linkUrl(env, token), privacyUrl })).body;
  return { body, linkId: link.id };
}

/**
 * The SMS of a step for a debtor, with the creditor's own text when it wrote one: what the claim
 * stores, and what the back office previews (with a stand-in link of the same length).
 */
export async function renderStepSms(
  db: Pick<Db, "select">,
  input: { debtorId: number; step: StepKind; locale: "fr" | "en"; invoiceIds: number[]; now: Date; linkUrl: string; privacyUrl?: string | null },
): Promise<{ body: string; segments: number }> {
  const template = smsTemplate[input.step];
  if (!template) throw new Error(`No SMS text for step ${input.step}`);
  const { debtor, creditor } = await getSmsParties(db, input.debtorId);
  if (!debtor || !creditor) throw new Error(`Debtor ${input.debtorId} vanished while rendering an SMS`);
  const covered = (await listSmsInvoices(db, debtor.id, input.invoiceIds)).sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  const today = localDate(input.now, debtor.timeZone);
  const days = deadlineDays[input.step];
  return renderSms(template, {
    locale: input.locale,
    creditorName: creditorDisplayName(creditor),
    debtorName: debtor.name,
    invoiceCount: covered.length,
    invoiceNumbers: covered.map((i) => i.number),
    totalCents: covered.reduce((sum, i) => sum + i.balanceCents, 0),
    currency: covered[0]?.currency ?? "EUR",
    oldestDueDate: covered[0]?.dueDate ?? today,
    linkUrl: input.linkUrl,
    deadline: days === undefined ? null : addDays(today, days),
    customText: await customSmsText(db, creditor.id, input.step, input.locale),
    privacyUrl: input.privacyUrl ?? null,
  });
}

/** Steps that have an SMS text. */
export function hasSmsText(step: string): boolean {
  return Object.hasOwn(smsTemplate, step);
}
