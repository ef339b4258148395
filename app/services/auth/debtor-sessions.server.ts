import { createCookie } from "@remix-run/node";
import type { Db } from "../../../db/client";
import { formTokenFor, requireFormToken, requireSameOrigin } from "../http/http.server";
import { randomToken, sha256 } from "./tokens.server";
import { findLiveDebtorSession, insertDebtorSession } from "../../models/debtor-sessions.server";

const SESSION_HOURS = 8;

/**
 * __Host- pins the cookie to our exact origin (Secure, Path=/, no Domain). Lax, not Strict (M6): the
 * session starts from a link opened in a mail or SMS app. The value is a random id; the session
 * lives in the database (M5).
 */
const sessionCookie = createCookie("__Host-sid", {
  httpOnly: true,
  secure: true,
  sameSite: "lax",
  path: "/",
  maxAge: SESSION_HOURS * 3600,
});

export type DebtorSession = {
  debtorId: number;
  linkId: number;
  /** The row's key, for state tied to this session (step-up codes, rate limits). */
  sessionHash: string;
  /** Every portal form carries it (M21); derived from the secret session id, so only its holder knows it. */
  csrfToken: string;
  /** When the debtor proved, with a code sent to a contact on file, that the link was theirs (M10). */
  stepUpAt: Date | null;
};

/** A fresh session id at every link exchange (M7); returns the Set-Cookie header. */
export async function startDebtorSession(db: Db, input: { debtorId: number; linkId: number; now: Date }): Promise<string> {
  const id = randomToken(32);
  await insertDebtorSession(db, {
    idHash: sha256(id),
    debtorId: input.debtorId,
    linkId: input.linkId,
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + SESSION_HOURS * 3_600_000),
  });
  return sessionCookie.serialize(id);
}

export async function getDebtorSession(db: Db, request: Request, now: Date): Promise<DebtorSession | null> {
  const id: unknown = await sessionCookie.parse(request.headers.get("Cookie"));
  if (typeof id !== "string" || id.length < 22) return null;
  const sessionHash = sha256(id);
  const row = await findLiveDebtorSession(db, sessionHash, now);
  return row ? { ...row, sessionHash, csrfToken: formTokenFor(id) } : null;
}

/**
 * Every portal action (M21): same origin, and the form's CSRF token matches this session's. A
 * failure changes nothing and says why.
 */
export async function requireDebtorAction(db: Db, request: Request, form: FormData, now: Date): Promise<DebtorSession> {
  requireSameOrigin(request);
  const session = await requireDebtorSession(db, request, now);
  requireFormToken(form, session.csrfToken);
  return session;
}

/** Throws a 401 the portal's error boundary explains ("open your link again"). */
export async function requireDebtorSession(db: Db, request: Request, now: Date): Promise<DebtorSession> {
  const session = await getDebtorSession(db, request, now);
  if (!session) throw new Response("Session required", { status: 401, headers: { "Cache-Control": "no-store" } });
  return session;
}
