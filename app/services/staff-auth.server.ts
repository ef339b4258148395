import { createCookie, redirect } from "@remix-run/node";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { creditors, staffSessions, staffUsers } from "../../db/schema";
import { hashPassword, verifyPassword } from "./passwords.server";
import { randomToken, sha256 } from "./tokens.server";

const SESSION_HOURS = 12;

/** Separate from the debtor cookie and table: a debtor session never opens the back office. */
const staffCookie = createCookie("__Host-staff", {
  httpOnly: true,
  secure: true,
  sameSite: "lax",
  path: "/",
  maxAge: SESSION_HOURS * 3600,
});

// Compared against when the email is unknown, so both failures take the same time.
let decoyHash: Promise<string> | undefined;

/** Returns a Set-Cookie header on success, null on any failure (never says which part was wrong). */
export async function signInStaff(db: Db, email: string, password: string, now: Date): Promise<string | null> {
  const user = db
    .select()
    .from(staffUsers)
    .where(and(sql`lower(${staffUsers.email}) = ${email.trim().toLowerCase()}`, isNull(staffUsers.disabledAt)))
    .get();
  decoyHash ??= hashPassword("not-a-password");
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
  if (!user?.passwordHash || !ok) return null;
  const id = randomToken(32);
  db.insert(staffSessions)
    .values({ idHash: sha256(id), staffUserId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000) })
    .run();
  return staffCookie.serialize(id);
}

export async function getStaff(db: Db, request: Request, now: Date) {
  const id: unknown = await staffCookie.parse(request.headers.get("Cookie"));
  if (typeof id !== "string") return null;
  return (
    db
      .select({
        id: staffUsers.id,
        name: staffUsers.name,
        role: staffUsers.role,
        creditorId: staffUsers.creditorId,
        creditorName: creditors.legalName,
        creditorTimeZone: creditors.timeZone,
      })
      .from(staffSessions)
      .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffUserId))
      .innerJoin(creditors, eq(creditors.id, staffUsers.creditorId))
      .where(and(eq(staffSessions.idHash, sha256(id)), gt(staffSessions.expiresAt, now), isNull(staffUsers.disabledAt)))
      .get() ?? null
  );
}

export async function requireStaff(db: Db, request: Request, now: Date) {
  const staff = await getStaff(db, request, now);
  if (!staff) throw redirect("/backoffice/login");
  return staff;
}

export async function signOutStaff(db: Db, request: Request): Promise<string> {
  const id: unknown = await staffCookie.parse(request.headers.get("Cookie"));
  if (typeof id === "string") db.delete(staffSessions).where(eq(staffSessions.idHash, sha256(id))).run();
  return staffCookie.serialize("", { maxAge: 0 });
}
