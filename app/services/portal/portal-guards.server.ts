import { localDate } from "../../domain/dates";
import { intlLocale } from "../../i18n/messages";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { requireDebtorAction, requireDebtorSession, type DebtorSession } from "../auth/debtor-sessions.server";
import { getDebtorForPortal } from "../../models/portal.server";
import { objectionMessages } from "../../i18n/portal-objections";
import { isSteppedUp } from "../../domain/step-up";
import { MAX_FILE_BYTES, MAX_FORM_BYTES } from "../../domain/uploads";
import { readLimitedForm } from "../http/http.server";

/**
 * What every portal loader starts from: the session's debtor, today in their calendar, their locale.
 * The debtor id comes from the session only, never from the request.
 */
export async function requirePortalDebtor(db: Db, request: Request) {
  const at = now();
  const session = await requireDebtorSession(db, request, at);
  return portalContext(db, session, at);
}

/**
 * What every portal action starts from: the form, checked for origin and CSRF token (M21) before
 * anything is read from it.
 */
export async function requirePortalAction(db: Db, request: Request) {
  const at = now();
  // The largest portal form is a dispute with its files; a bigger body, declared or not, is refused
  // unread, and a file over its own limit is cut there (the locale is not known before the session).
  const form = await readLimitedForm(request, MAX_FORM_BYTES, { maxBytes: MAX_FILE_BYTES, tooLarge: fileTooLarge });
  const session = await requireDebtorAction(db, request, form, at);
  return { ...(await portalContext(db, session, at)), form };
}

const fileTooLarge = (name: string) => `${objectionMessages("fr").files.too_large(name)} / ${objectionMessages("en").files.too_large(name)}`;

/**
 * For documents, personal data and contact changes (M19, M20): the session must have proved, with a
 * code sent to a contact on file, that the link reached its owner. Otherwise a 303 to the code page,
 * which brings the debtor back here (a forwarded link alone shows invoices, amounts and due dates).
 */
export async function requireStepUp(db: Db, request: Request) {
  const context = await requirePortalDebtor(db, request);
  assertSteppedUp(request, context.session, context.now);
  return context;
}

/** The same for an action: origin and CSRF checked first (M21), then the step-up. */
export async function requireStepUpAction(db: Db, request: Request) {
  const context = await requirePortalAction(db, request);
  assertSteppedUp(request, context.session, context.now);
  return context;
}

function assertSteppedUp(request: Request, session: DebtorSession, at: Date) {
  if (isSteppedUp(session.stepUpAt, at)) return;
  const url = new URL(request.url);
  // After a POST, come back to the page rather than replay the form.
  const returnTo = request.method === "GET" || request.method === "HEAD" ? `${url.pathname}${url.search}` : url.pathname;
  throw new Response(null, {
    status: 303,
    headers: { Location: `/portal/verify?returnTo=${encodeURIComponent(returnTo)}`, "Cache-Control": "no-store" },
  });
}

async function portalContext(db: Db, session: DebtorSession, at: Date) {
  const debtor = await getDebtorForPortal(db, session.debtorId);
  if (!debtor) throw new Response("Session required", { status: 401 });
  // Days overdue count in the debtor's own calendar.
  return { db, session, debtor, now: at, today: localDate(at, debtor.timeZone), intl: intlLocale[debtor.locale], csrf: session.csrfToken };
}
