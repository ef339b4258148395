import { localDate } from "../../domain/dates";
import { insertLink } from "../shared/links.server";
import { deliverMessage, type OutboxDeps } from "../shared/outbox.server";
import { transaction } from "../../../db/client";
import { claimNewLinkMessage, listContactsForNewLink, setMessageLink } from "../../models/link-requests.server";

/**
 * "Send me a new link": only ever to a contact already on file (M17, M18), at most once a day per
 * contact (the message key carries the day), and the answer never says whether the address is known.
 */
export async function requestNewLink(deps: OutboxDeps, email: string): Promise<void> {
  const { db, env, now } = deps;
  const address = email.trim().toLowerCase();
  const contacts = await listContactsForNewLink(db, address);

  for (const contact of contacts) {
    const messageId = await transaction(db, async (tx) => {
      const today = localDate(now, contact.debtor.timeZone);
      const claimed = await claimNewLinkMessage(tx, {
        contactId: contact.contactId,
        day: today,
        creditorId: contact.debtor.creditorId,
        debtorId: contact.debtor.id,
        locale: contact.debtor.locale,
        toAddress: contact.email,
        now,
      });
      if (!claimed) return null;
      const link = await insertLink(tx, env, {
        debtorId: contact.debtor.id,
        invoiceIds: [],
        channel: "reissue",
        sentTo: contact.email,
        now,
      });
      await setMessageLink(tx, claimed.id, link.id);
      return claimed.id;
    });
    // Sent at once; if the provider is down the row stays pending and the job retries it.
    if (messageId !== null) await deliverMessage(deps, messageId);
  }
}
