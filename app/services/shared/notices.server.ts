import type { Db } from "../../../db/client";
import { toGsm7 } from "../../domain/sms-text";
import { usableEmailContact, usableSmsContact } from "../../models/contacts.server";
import { insertMessageOnce, setMessageLink } from "../../models/outbox.server";
import { getNoticeDebtor } from "../../models/notices.server";
import { insertLink } from "./links.server";
import { deliverMessage, type OutboxDeps } from "./outbox.server";

type Tx = Db;

export type Notice = {
  debtorId: number;
  /** Unique per notice, e.g. `promise-12`: a retried action never sends it twice. */
  key: string;
  /** Already in the debtor's language. */
  title: string;
  lines: string[];
  /** Email carries a fresh portal link; "sms-first" texts the phone on file when there is one. */
  channel?: "email" | "sms-first";
  /** One-time codes go without a link: the code is worth nothing to whoever holds the link. */
  withLink?: boolean;
  /** Send only to this exact address or phone (a code goes to the contact on file the debtor chose). */
  to?: Recipient;
};

/**
 * Queues a message the debtor caused (a confirmation, a code) inside the action's own transaction,
 * so the action and its confirmation commit together. Returns the message id, or null when the
 * debtor has no usable address (the screen confirmation still stands) or it was queued already.
 */
export async function queueNotice(tx: Tx, env: OutboxDeps["env"], notice: Notice, now: Date): Promise<number | null> {
  const debtor = await getNoticeDebtor(tx, notice.debtorId);
  if (!debtor) return null;
  const to = await recipient(tx, notice);
  if (!to) return null;
  const { channel, address, contactId } = to;
  const text = [notice.title, ...notice.lines].join("\n");
  const inserted = await insertMessageOnce(tx, {
    key: `notice:${notice.key}:${channel}`,
    creditorId: debtor.creditorId,
    debtorId: debtor.id,
    contactId,
    step: "notice",
    channel,
    status: "pending",
    locale: debtor.locale,
    toAddress: address,
    plannedFor: now,
    bodyText: channel === "sms" ? toGsm7(text) : text,
  });
  if (!inserted) return null;
  if (channel === "email" && notice.withLink !== false) {
    const link = await insertLink(tx, env, { debtorId: debtor.id, invoiceIds: [], channel: "email", sentTo: address, now });
    await setMessageLink(tx, inserted.id, link.id);
  }
  return inserted.id;
}

type Recipient = { channel: "email" | "sms"; address: string; contactId: number };

async function recipient(tx: Tx, notice: Notice): Promise<Recipient | null> {
  if (notice.to) return notice.to;
  if (notice.channel === "sms-first") {
    const phone = await usableSmsContact(tx, notice.debtorId);
    if (phone?.phone) return { channel: "sms", address: phone.phone, contactId: phone.id };
  }
  const email = await usableEmailContact(tx, notice.debtorId);
  return email?.email ? { channel: "email", address: email.email, contactId: email.id } : null;
}

/** After the action's transaction committed: send now; if the provider is down, the job retries. */
export async function sendNoticeNow(deps: OutboxDeps, messageId: number | null): Promise<void> {
  if (messageId !== null) await deliverMessage(deps, messageId);
}
