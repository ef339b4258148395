import { createCookie, redirect } from "@remix-run/node";
import type { Db } from "../../../db/client";
import { findActiveStaffByEmail } from "../../models/staff-users.server";
import { deleteStaffSession, findStaffBySession, insertStaffSession } from "../../models/staff-sessions.server";
import { hashPassword, verifyPassword } from "./passwords.server";
import { consumeStaffCode } from "./staff-codes.server";
import { randomToken, sha256 } from "./tokens.server";
import { formTokenFor, readLimitedForm, requireFormToken } from "../http/http.server";
import { MAX_FORM_BYTES } from "../../domain/uploads";

const SESSION_HOURS = 12;

/** Separate from the debtor cookie and table: a debtor session never opens the back office. */
const staffCookie = createCookie("__Host-staff", {
  httpOnly: true,
  secure: true,
  sameSite: "lax",
  path: "/",
  maxAge: SESSION_HOURS * 3600,
});

/**
 * Before sign-in there is no session to hold a CSRF token: the sign-in page gives the browser a
 * random id in this cookie and its forms carry the token derived from it. __Host- keeps another
 * subdomain from planting one.
 */
const preSessionCookie = createCookie("__Host-staff-pre", { httpOnly: true, secure: true, sameSite: "lax", path: "/", maxAge: 3600 });

/** The sign-in forms' token, and the Set-Cookie that starts a pre-session when the browser has none. */
export async function preSessionFormToken(request: Request): Promise<{ token: string; setCookie: string | null }> {
  const id: unknown = await preSessionCookie.parse(request.headers.get("Cookie"));
  if (typeof id === "string" && id.length >= 22) return { token: formTokenFor(id), setCookie: null };
  const fresh = randomToken(24);
  return { token: formTokenFor(fresh), setCookie: await preSessionCookie.serialize(fresh) };
}

/** The sign-in form, read under a cap, refused (403) unless it carries this browser's pre-session token. */
export async function readSignInForm(request: Request, maxBytes: number): Promise<FormData> {
  const form = await readLimitedForm(request, maxBytes);
  const id: unknown = await preSessionCookie.parse(request.headers.get("Cookie"));
  requireFormToken(form, typeof id === "string" && id.length >= 22 ? formTokenFor(id) : null);
  return form;
}

/** The CSRF token every back-office form carries (M21), derived from the staff session cookie; null when signed out. */
export async function staffFormToken(request: Request): Promise<string | null> {
  const id: unknown = await staffCookie.parse(request.headers.get("Cookie"));
  return typeof id === "string" && id !== "" ? formTokenFor(id) : null;
}

/**
 * Every back-office action's form: read under a cap (a clear 415/413/400 for what is not a form),
 * then refused with 403 unless it carries this staff session's token. Call it after
 * `requireSameOrigin` and `requireStaff`, before anything is written.
 */
export async function readStaffForm(request: Request, maxBytes = MAX_FORM_BYTES): Promise<FormData> {
  const form = await readLimitedForm(request, maxBytes);
  requireFormToken(form, await staffFormToken(request));
  return form;
}

// Compared against when the email is unknown, so both failures take the same time.
let decoyHash: Promise<string> | undefined;

// The sign-in page looks the member up too, to send a code (routes call use-cases, not models).
export { findActiveStaffByEmail };

/**
 * Returns a Set-Cookie header on success, null on any failure (never says which part was wrong).
 * `previous` is the sign-in request: a session it still carries is ended, so sign-in rotates the id.
 */
export async function signInStaff(db: Db, email: string, password: string, now: Date, previous?: Request): Promise<string | null> {
  const user = await findActiveStaffByEmail(db, email);
  decoyHash ??= hashPassword("not-a-password");
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
  if (!user?.passwordHash || !ok) return null;
  return startStaffSession(db, user.id, now, previous);
}

/**
 * Sign-in by a one-time code emailed to the member (see staff-codes.server.ts). Unknown email,
 * wrong, expired, used or dead code: all the same null.
 */
export async function signInStaffByCode(db: Db, email: string, code: string, now: Date, previous?: Request): Promise<string | null> {
  const user = await findActiveStaffByEmail(db, email);
  if (!user) return null;
  if ((await consumeStaffCode(db, user.id, "sign_in", code, now)) !== "accepted") return null;
  return startStaffSession(db, user.id, now, previous);
}

/** A fresh random session id; the one the browser came with, if any, dies (no session fixation). */
async function startStaffSession(db: Db, staffUserId: number, now: Date, previous?: Request): Promise<string> {
  if (previous) await endSession(db, previous);
  const id = randomToken(32);
  await insertStaffSession(db, { idHash: sha256(id), staffUserId, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000) });
  return staffCookie.serialize(id);
}

async function endSession(db: Db, request: Request) {
  const id: unknown = await staffCookie.parse(request.headers.get("Cookie"));
  if (typeof id === "string") await deleteStaffSession(db, sha256(id));
}

/** The hash of the session this request carries, so "end my other sessions" can keep it. */
export async function sessionHashOf(request: Request): Promise<string | null> {
  const id: unknown = await staffCookie.parse(request.headers.get("Cookie"));
  return typeof id === "string" ? sha256(id) : null;
}

export async function getStaff(db: Db, request: Request, now: Date) {
  const id: unknown = await staffCookie.parse(request.headers.get("Cookie"));
  if (typeof id !== "string") return null;
  return findStaffBySession(db, sha256(id), now);
}

export async function requireStaff(db: Db, request: Request, now: Date) {
  const staff = await getStaff(db, request, now);
  if (!staff) throw redirect("/backoffice/login");
  return staff;
}

export async function signOutStaff(db: Db, request: Request): Promise<string> {
  await endSession(db, request);
  return staffCookie.serialize("", { maxAge: 0 });
}
