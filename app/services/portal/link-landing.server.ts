import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "../../../db/client";
import { getEnv } from "../../env.server";
import { now } from "../../clock.server";
import { checkLink } from "../shared/links.server";
import { requireSameOrigin } from "../http/http.server";
import { startDebtorSession } from "../auth/debtor-sessions.server";
import { getDebtorForPortal } from "../../models/portal.server";
import { appendTimeline } from "../../models/timeline.server";
import { localeFromAcceptLanguage, type Locale } from "../../i18n/messages";

export type Landing = { status: "valid"; locale: Locale; creditorName: string; formToken: string } | { status: "invalid"; locale: Locale };

/**
 * What a GET of a link shows: read-only, it neither uses up the link nor records anything (M1),
 * since mail scanners open links on their own.
 */
export async function previewLink(db: Db, request: Request, token: string): Promise<Landing> {
  const fallbackLocale = localeFromAcceptLanguage(request.headers.get("Accept-Language"));
  const check = await checkLink(db, getEnv(), token, now());
  if (check.status === "invalid") return { status: "invalid", locale: fallbackLocale };
  const debtor = await getDebtorForPortal(db, check.link.debtorId);
  if (!debtor) return { status: "invalid", locale: fallbackLocale };
  return { status: "valid", locale: debtor.locale, creditorName: debtor.creditorName ?? debtor.creditorLegalName, formToken: landingFormToken(token) };
}

/** Ties the landing page's form to its link: only a page we rendered for this token carries it. */
function landingFormToken(token: string): string {
  const key = getEnv().LINK_SIGNING_KEYS[0]!.secret;
  return createHmac("sha256", key).update(`link-landing-form:${token}`).digest("base64url");
}

/** The landing page and every answer to it send no Referer at all, since the token is in its address (M8). */
export const landingHeaders = { "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" };

/**
 * The exchange's CSRF check (M21). Under `no-referrer` Chromium sends `Origin: null` with the landing
 * page's own POST, so on this one route `Origin: null` is accepted only together with
 * `Sec-Fetch-Site: same-origin` (set by the browser; no page can forge it) and the form token the page
 * was rendered with. Any other Origin must be ours, as everywhere else.
 */
export function requireLandingOrigin(request: Request, token: string, formToken: FormDataEntryValue | null) {
  if (request.headers.get("Origin") !== "null") return requireSameOrigin(request);
  const expected = Buffer.from(landingFormToken(token));
  const given = Buffer.from(typeof formToken === "string" ? formToken : "");
  const sameSite = request.headers.get("Sec-Fetch-Site") === "same-origin";
  if (!sameSite || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Response("This form must be sent from Relance's own pages.", { status: 403, headers: landingHeaders });
  }
}

/** The POST: exchanges a valid token for a fresh session cookie (M5, M7); null when invalid. */
export async function exchangeLink(db: Db, token: string): Promise<string | null> {
  const at = now();
  const check = await checkLink(db, getEnv(), token, at);
  if (check.status === "invalid") return null;
  const { link } = check;
  const debtor = await getDebtorForPortal(db, link.debtorId);
  if (!debtor) return null;
  const cookie = await startDebtorSession(db, { debtorId: link.debtorId, linkId: link.id, now: at });
  // A person pressed "continue": worth recording, but never evidence of acknowledgment (M3).
  await appendTimeline(db, {
    creditorId: debtor.creditorId,
    debtorId: debtor.id,
    type: "link.session_started",
    actor: "debtor",
    data: { linkId: link.id, channel: link.channel },
    occurredAt: at,
  });
  return cookie;
}
