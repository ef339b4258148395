import { getDb } from "../db.server";
import { getEnv } from "../env.server";
import { now } from "../clock.server";
import { checkLink } from "./links.server";
import { startDebtorSession } from "./debtor-sessions.server";
import { getDebtorForPortal } from "../models/portal.server";
import { appendTimeline } from "../models/timeline.server";
import { localeFromAcceptLanguage, type Locale } from "../i18n/messages";

export type Landing =
  | { status: "valid"; locale: Locale; creditorName: string }
  | { status: "invalid"; locale: Locale };

/**
 * What a GET of a link shows: read-only, it neither uses up the link nor records anything (M1),
 * since mail scanners open links on their own.
 */
export async function previewLink(request: Request, token: string): Promise<Landing> {
  const db = getDb();
  const fallbackLocale = localeFromAcceptLanguage(request.headers.get("Accept-Language"));
  const check = await checkLink(db, getEnv(), token, now());
  if (check.status === "invalid") return { status: "invalid", locale: fallbackLocale };
  const debtor = getDebtorForPortal(db, check.link.debtorId);
  if (!debtor) return { status: "invalid", locale: fallbackLocale };
  return { status: "valid", locale: debtor.locale, creditorName: debtor.creditorName ?? debtor.creditorLegalName };
}

/** The POST: exchanges a valid token for a fresh session cookie (M5, M7); null when invalid. */
export async function exchangeLink(token: string): Promise<string | null> {
  const db = getDb();
  const at = now();
  const check = await checkLink(db, getEnv(), token, at);
  if (check.status === "invalid") return null;
  const { link } = check;
  const debtor = getDebtorForPortal(db, link.debtorId);
  if (!debtor) return null;
  const cookie = await startDebtorSession(db, { debtorId: link.debtorId, linkId: link.id, now: at });
  // A person pressed "continue": worth recording, but never evidence of acknowledgment (M3).
  appendTimeline(db, {
    creditorId: debtor.creditorId,
    debtorId: debtor.id,
    type: "link.session_started",
    actor: "debtor",
    data: { linkId: link.id, channel: link.channel },
    occurredAt: at,
  });
  return cookie;
}
