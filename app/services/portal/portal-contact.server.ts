import type { FormStep } from "../../utils/form-flow";
import type { OutboxDeps } from "../shared/outbox.server";
import { z } from "zod";
import { hasHiddenCharacters } from "../../domain/text";
import { transaction, type Db } from "../../../db/client";
import { getContactDetails, replacePrimaryContact, setContactPreferences } from "../../models/contact-details.server";
import { revokeDebtorLinks } from "../shared/links.server";
import { PREFERRED_CHANNELS, normalizePhone, type PreferredChannel } from "../../domain/contact-details";
import { getEnv } from "../../env.server";
import { secureMessages } from "../../i18n/portal-secure";
import { usableEmailContact } from "../../models/contacts.server";
import { appendTimeline } from "../../models/timeline.server";
import { queueNotice, sendNoticeNow } from "../shared/notices.server";
import { recordCommitment, sendCreditorCopies } from "../shared/creditor-copies.server";
import { requireStepUp, requireStepUpAction } from "./portal-guards.server";

export async function loadContactPage(db: Db, request: Request) {
  const { debtor, csrf } = await requireStepUp(db, request);
  const current = await getContactDetails(db, debtor.id);
  return {
    csrf,
    locale: debtor.locale,
    preferredChannel: current.preferredChannel ?? "email",
    purchaseOrderRef: current.purchaseOrderRef ?? "",
    primary: current.primary ? { name: current.primary.name, email: current.primary.email, phone: current.primary.phone } : null,
  };
}

type Field = "channel" | "name" | "email" | "phone" | "reach" | "po";
export type ContactValues = { preferredChannel: string; contactName: string; contactEmail: string; contactPhone: string; purchaseOrderRef: string };
/** Edit → review → done (app/utils/form-flow.ts); done with no change when nothing differed. */
export type ContactResult = FormStep<ContactValues, { values: ContactValues; changes: string[] }, { changes: string[] }, Partial<Record<Field, string>>>;

const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));

type Parsed = { preferredChannel: PreferredChannel; contact: { name: string; email: string | null; phone: string | null } | null; purchaseOrderRef: string | null };

function parse(values: ContactValues, hasPhoneOnFile: boolean, t: ReturnType<typeof secureMessages>["contact"]) {
  const errors: Partial<Record<Field, string>> = {};
  const channel = PREFERRED_CHANNELS.find((c) => c === values.preferredChannel);
  if (!channel) errors.channel = t.errors.channel;
  const name = values.contactName.trim();
  const emailInput = values.contactEmail.trim();
  const phoneInput = values.contactPhone.trim();
  let contact: Parsed["contact"] = null;
  if (name || emailInput || phoneInput) {
    if (!name || name.length > 100) errors.name = t.errors.name;
    else if (hasHiddenCharacters(name)) errors.name = t.errors.hidden;
    const email = emailInput ? emailSchema.safeParse(emailInput) : null;
    if (email && !email.success) errors.email = t.errors.email;
    const phone = phoneInput ? normalizePhone(phoneInput) : null;
    if (phoneInput && !phone) errors.phone = t.errors.phone;
    if (!emailInput && !phoneInput) errors.reach = t.errors.reach;
    contact = { name, email: email?.success ? email.data : null, phone };
  }
  const po = values.purchaseOrderRef.trim();
  if (po.length > 60) errors.po = t.errors.po;
  else if (hasHiddenCharacters(po)) errors.po = t.errors.hidden;
  if ((channel === "sms" || channel === "phone") && !hasPhoneOnFile && !contact?.phone && !errors.phone) errors.phone = t.errors.smsNeedsPhone;
  if (Object.keys(errors).length > 0 || !channel) return { errors };
  return { parsed: { preferredChannel: channel, contact, purchaseOrderRef: po || null } satisfies Parsed };
}

/** What would change, in words the debtor reads; empty when the form repeats what is on file. */
async function describeChanges(db: Db, debtorId: number, parsed: Parsed, t: ReturnType<typeof secureMessages>["contact"]) {
  const current = await getContactDetails(db, debtorId);
  const changes: string[] = [];
  const channelChanged = parsed.preferredChannel !== (current.preferredChannel ?? "email");
  const primary = current.primary;
  const contactChanged =
    parsed.contact !== null &&
    !(primary && primary.name === parsed.contact.name && (primary.email ?? null) === parsed.contact.email && (primary.phone ?? null) === parsed.contact.phone);
  const poChanged = parsed.purchaseOrderRef !== (current.purchaseOrderRef ?? null);
  if (channelChanged) changes.push(t.changedChannel(t.channels[parsed.preferredChannel]));
  if (contactChanged) changes.push(t.changedContact(parsed.contact!.name));
  if (poChanged) changes.push(t.changedPo(parsed.purchaseOrderRef ?? t.none));
  return { changes, channelChanged, contactChanged, poChanged, current };
}

/**
 * Contact preferences (DESIGN.md "wrong contact or missing purchase-order number is fixed by the
 * debtor"): review, then confirm (M2); one "contact.updated" event, which is not a debtor action for
 * the cadence and pauses nothing; a notice to the previous address as well, so that someone who took
 * over a forwarded link cannot redirect the mail unnoticed (M22).
 */
export async function updateContact(deps: OutboxDeps, request: Request): Promise<ContactResult> {
  const { db } = deps;
  const { debtor, now, form, session } = await requireStepUpAction(db, request);
  const t = secureMessages(debtor.locale).contact;
  const text = (name: string) => String(form.get(name) ?? "");
  const values: ContactValues = {
    preferredChannel: text("preferredChannel"),
    contactName: text("contactName"),
    contactEmail: text("contactEmail"),
    contactPhone: text("contactPhone"),
    purchaseOrderRef: text("purchaseOrderRef"),
  };
  if (form.get("intent") === "edit") return { step: "edit", values, errors: {} };
  const result = parse(values, (await getContactDetails(db, debtor.id)).hasPhone, t);
  if (!result.parsed) return { step: "edit", values, errors: result.errors };
  const parsed = result.parsed;
  const normalized: ContactValues = {
    preferredChannel: parsed.preferredChannel,
    contactName: parsed.contact?.name ?? "",
    contactEmail: parsed.contact?.email ?? "",
    contactPhone: parsed.contact?.phone ?? "",
    purchaseOrderRef: parsed.purchaseOrderRef ?? "",
  };
  if (form.get("intent") !== "confirm") {
    const { changes } = await describeChanges(db, debtor.id, parsed, t);
    return changes.length === 0 ? { step: "done", changes: [] } : { step: "review", values: normalized, changes };
  }

  const outcome = await transaction(db, async (tx) => {
    // Re-read inside the write transaction: a double submission finds nothing left to change.
    const diff = await describeChanges(tx, debtor.id, parsed, t);
    if (diff.changes.length === 0) return null;
    const previous = await usableEmailContact(tx, debtor.id);
    await setContactPreferences(tx, debtor.id, { preferredChannel: parsed.preferredChannel, purchaseOrderRef: parsed.purchaseOrderRef });
    let newContactId: number | null = null;
    if (diff.contactChanged && parsed.contact) {
      newContactId = await replacePrimaryContact(tx, debtor.id, parsed.contact, now);
      // M14: links already out (to the old contact, possibly a mailbox someone else reads) stop
      // working; this session's own link stays, and the next messages carry fresh ones.
      await revokeDebtorLinks(tx, debtor.id, "contact changed", now, session.linkId);
    }
    const eventId = await appendTimeline(tx, {
      creditorId: debtor.creditorId,
      debtorId: debtor.id,
      type: "contact.updated",
      actor: "debtor",
      data: {
        preferredChannel: diff.channelChanged ? parsed.preferredChannel : undefined,
        purchaseOrderRef: diff.poChanged ? parsed.purchaseOrderRef : undefined,
        newContactId: newContactId ?? undefined,
        previousContactId: newContactId !== null ? (diff.current.primary?.id ?? null) : undefined,
      },
      occurredAt: now,
    });
    const key = `contact-updated-${debtor.id}-${now.getTime()}`;
    const notice = { debtorId: debtor.id, title: t.noticeTitle, lines: t.noticeLines(diff.changes) };
    const ids: (number | null)[] = [];
    const newEmail = newContactId !== null ? parsed.contact?.email : null;
    if (newEmail && newContactId !== null) {
      ids.push(await queueNotice(tx, getEnv(), { ...notice, key: `${key}-new`, to: { channel: "email", address: newEmail, contactId: newContactId } }, now));
    }
    if (previous?.email && previous.email !== newEmail) {
      // A heads-up without a link: the old address must not get a fresh way in.
      ids.push(
        await queueNotice(tx, getEnv(), { ...notice, key: `${key}-previous`, withLink: false, to: { channel: "email", address: previous.email, contactId: previous.id } }, now),
      );
    } else if (!newEmail) {
      ids.push(await queueNotice(tx, getEnv(), { ...notice, key }, now));
    }
    const copyIds = await recordCommitment(tx, request, {
      debtorId: debtor.id,
      kind: "contact_change",
      recordId: eventId,
      acknowledgment: diff.changes.join(" ; "),
      details: [],
      at: now,
    });
    return { ids, copyIds, changes: diff.changes };
  });
  if (!outcome) return { step: "done", changes: [] };
  for (const id of outcome.ids) await sendNoticeNow(deps, id);
  await sendCreditorCopies(deps, outcome.copyIds);
  return { step: "done", changes: outcome.changes };
}
