import { randomInt, timingSafeEqual } from "node:crypto";
import { transaction, type Db } from "../../../db/client";
import { expireLiveStaffCodes, findLatestStaffCode, insertStaffCode, markStaffCodeUsed, setStaffCodeAttempts } from "../../models/staff-codes.server";
import { renderStaffEmail } from "../../../emails/staff";
import { CODE_TTL_MS, decideCodeCheck, type CodeCheck } from "../../domain/step-up";
import type { Env } from "../../env.server";
import type { EmailSender } from "../../integrations/email.server";
import { sha256 } from "./tokens.server";

export type StaffCodePurpose = "sign_in" | "password";

export type StaffCodeDeps = { db: Db; env: Pick<Env, "EMAIL_FROM">; email: EmailSender; now: Date };

type StaffRecipient = { id: number; name: string; email: string; creditorName: string };

/** Bound to the member and the purpose: a sign-in code does not change a password, nor the reverse. */
function codeHash(staffUserId: number, purpose: StaffCodePurpose, code: string) {
  return sha256(`staff-code:${staffUserId}:${purpose}:${code}`);
}

/**
 * Stores a fresh 6-digit code (hashed; the previous live one of that purpose dies) and emails it
 * outside the transaction. The caller decides whether the member exists and never says so.
 */
export async function issueStaffCode(deps: StaffCodeDeps, staff: StaffRecipient, purpose: StaffCodePurpose): Promise<void> {
  const { db, now } = deps;
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  const row = await transaction(db, async (tx) => {
    await expireLiveStaffCodes(tx, staff.id, purpose, now);
    return insertStaffCode(tx, { staffUserId: staff.id, purpose, codeHash: codeHash(staff.id, purpose, code), expiresAt: new Date(now.getTime() + CODE_TTL_MS), createdAt: now });
  });
  const rendered = await renderStaffEmail({ kind: "code", staffName: staff.name, creditorName: staff.creditorName, code, purpose, minutes: CODE_TTL_MS / 60_000 });
  const result = await deps.email.send({ from: deps.env.EMAIL_FROM, to: staff.email, ...rendered, idempotencyKey: `staff-code-${row.id}` });
  // A code that never left is worth nothing; the member asks again (and the screen said "if known").
  if (result.status === "error") console.error(`staff code ${row.id} not sent: ${result.message}`);
}

/**
 * For the sign-in page, where the address typed may belong to nobody: an unknown one gets no code,
 * but the email is still rendered, so both answers cost about the same (only the send differs).
 */
export async function issueStaffCodeIfKnown(deps: StaffCodeDeps, staff: StaffRecipient | null, purpose: StaffCodePurpose): Promise<void> {
  if (staff) return issueStaffCode(deps, staff, purpose);
  await renderStaffEmail({ kind: "code", staffName: "", creditorName: "", code: "000000", purpose, minutes: CODE_TTL_MS / 60_000 });
}

function sameHash(a: string, b: string) {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Checks a typed code against the member's latest code of that purpose and, when it is right,
 * uses it up in the same IMMEDIATE transaction (two racing requests cannot both use it).
 */
export async function consumeStaffCode(db: Db, staffUserId: number, purpose: StaffCodePurpose, typed: string, now: Date): Promise<CodeCheck | "none"> {
  const code = typed.replace(/\s/g, "");
  return await transaction(db, async (tx) => {
    const latest = await findLatestStaffCode(tx, staffUserId, purpose);
    if (!latest) return "none" as const;
    const check = decideCodeCheck(latest, /^\d{6}$/.test(code) && sameHash(latest.codeHash, codeHash(staffUserId, purpose, code)), now);
    if (check === "wrong") await setStaffCodeAttempts(tx, latest.id, latest.attempts + 1);
    if (check === "accepted") await markStaffCodeUsed(tx, latest.id, now);
    return check;
  });
}
