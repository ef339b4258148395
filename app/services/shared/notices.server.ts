import { eq } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { debtors, outboundMessages } from "../../../db/schema";
import { toGsm7 } from "../../domain/sms-text";
import { usableEmailContact, usableSmsContact } from "../../models/contacts.server";
import { insertLink } from "./links.server";
import { deliverMessage, type OutboxDeps } from "./outbox.server";

type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

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
export function queueNotice(tx: Tx, env: OutboxDeps["env"], notice: Notice, now: Date): number | null {
  const debtor = tx.select().from(debtors).where(eq(debtors.id, notice.debtorId)).get();
  if (!debtor) return null;
  const to = recipient(tx, notice);
  if (!to) return null;
  const { channel, address, contactId } = to;
  const text = [notice.title, ...notice.lines].join("\n");
  const inserted = tx
    .insert(outboundMessages)
    .values({
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
    })
    .onConflictDoNothing({ target: outboundMessages.key })
    .returning({ id: outboundMessages.id })
    .get();
  if (!inserted) return null;
  if (channel === "email" && notice.withLink !== false) {
    const link = insertLink(tx, env, { debtorId: debtor.id, invoiceIds: [], channel: "email", sentTo: address, now });
    tx.update(outboundMessages).set({ linkId: link.id }).where(eq(outboundMessages.id, inserted.id)).run();
  }
  return inserted.id;
}

type Recipient = { channel: "email" | "sms"; address: string; contactId: number };

function recipient(tx: Tx, notice: Notice): Recipient | null {
  if (notice.to) return notice.to;
  if (notice.channel === "sms-first") {
    const phone = usableSmsContact(tx, notice.debtorId);
    if (phone?.phone) return { channel: "sms", address: phone.phone, contactId: phone.id };
  }
  const email = usableEmailContact(tx, notice.debtorId);
  return email?.email ? { channel: "email", address: email.email, contactId: email.id } : null;
}

/** After the action's transaction committed: send now; if the provider is down, the job retries. */
export async function sendNoticeNow(deps: OutboxDeps, messageId: number | null): Promise<void> {
  if (messageId !== null) await deliverMessage(deps, messageId);
}
