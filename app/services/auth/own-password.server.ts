import { z } from "zod";
import type { OutboxDeps } from "../shared/outbox.server";
import { firstErrors } from "../http/forms.server";
import type { FieldErrors } from "../../utils/form-flow";
import { RATE_LIMITS } from "../../domain/rate-limit";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { recordAuditEvent } from "../../models/staff-audit.server";
import { getStaffCredentials, setStaffPasswordHash } from "../../models/staff-users.server";
import { deleteOtherStaffSessions } from "../../models/staff-sessions.server";
import { requireSameOrigin } from "../http/http.server";
import { hashPassword, verifyPassword } from "./passwords.server";
import { hitRateLimit, rateLimitedResult, type RateLimited } from "../http/rate-limits.server";
import { consumeStaffCode, issueStaffCode } from "./staff-codes.server";
import { requireStaff, sessionHashOf, readStaffForm } from "./staff-auth.server";
import { transaction } from "../../../db/client";

export const MIN_PASSWORD_LENGTH = 12;

async function currentMember(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const row = (await getStaffCredentials(db, staff.id))!;
  return { at, staff, ...row };
}

export async function loadOwnPassword(db: Db, request: Request) {
  const { staff, passwordHash, email } = await currentMember(db, request);
  return { name: staff.name, email, hasPassword: passwordHash !== null, minLength: MIN_PASSWORD_LENGTH };
}

export type PasswordResult = RateLimited | { status: "code_sent"; to: string } | { status: "error"; fields: FieldErrors } | { status: "changed" };

const changeSchema = z
  .object({
    password: z
      .string()
      .min(MIN_PASSWORD_LENGTH, { error: `Choisissez un mot de passe d'au moins ${MIN_PASSWORD_LENGTH} caractères.` })
      .max(200, { error: "200 caractères au plus." }),
    confirm: z.string(),
    currentPassword: z.string().max(200),
    code: z.string().max(20),
  })
  .superRefine((v, ctx) => {
    if (v.confirm !== v.password) ctx.addIssue({ code: "custom", path: ["confirm"], message: "Les deux saisies ne sont pas identiques." });
    if (v.currentPassword === "" && v.code.trim() === "") {
      ctx.addIssue({ code: "custom", path: ["currentPassword"], message: "Saisissez votre mot de passe actuel, ou demandez un code par e-mail et saisissez-le." });
    }
  });

/** "Send me a code" and "change my password", for the member signed in, on their own account only. */
export async function ownPasswordAction(deps: OutboxDeps, request: Request): Promise<PasswordResult> {
  const { db } = deps;
  requireSameOrigin(request);
  const { at, staff, email, passwordHash } = await currentMember(db, request);
  const form = await readStaffForm(request);
  if (form.get("intent") === "send-code") {
    const limit = await hitRateLimit(db, RATE_LIMITS.staffCodeSendEmail, email.toLowerCase(), at);
    if (!limit.allowed) return rateLimitedResult(limit);
    await issueStaffCode({ ...deps, now: at }, { id: staff.id, name: staff.name, email, creditorName: staff.creditorName }, "password");
    return { status: "code_sent", to: email };
  }
  const parsed = changeSchema.safeParse({
    password: form.get("password") ?? "",
    confirm: form.get("confirm") ?? "",
    currentPassword: form.get("currentPassword") ?? "",
    code: form.get("code") ?? "",
  });
  if (!parsed.success) return { status: "error", fields: firstErrors(parsed.error) };
  // Guessing the current password from a stolen session is limited like signing in.
  const limit = await hitRateLimit(db, RATE_LIMITS.staffSignInEmail, email.toLowerCase(), at);
  if (!limit.allowed) return rateLimitedResult(limit);
  const { password, currentPassword, code } = parsed.data;
  if (currentPassword !== "") {
    if (!passwordHash || !(await verifyPassword(currentPassword, passwordHash))) {
      return { status: "error", fields: { currentPassword: "Ce n'est pas votre mot de passe actuel. Sans lui, demandez un code par e-mail." } };
    }
  } else if ((await consumeStaffCode(db, staff.id, "password", code, at)) !== "accepted") {
    return { status: "error", fields: { code: "Ce code ne convient pas : il est faux, a déjà servi, a plus de 10 minutes ou a été essayé 5 fois. Demandez-en un nouveau." } };
  }
  const hash = await hashPassword(password);
  const keep = await sessionHashOf(request);
  await transaction(db, async (tx) => {
    await setStaffPasswordHash(tx, staff.id, hash);
    // Whoever else held a session of this account is out; this browser stays signed in.
    await deleteOtherStaffSessions(tx, staff.id, keep);
    await recordAuditEvent(tx, {
      creditorId: staff.creditorId,
      actorStaffUserId: staff.id,
      action: "password.changed",
      data: { by: currentPassword !== "" ? "password" : "code" },
      occurredAt: at,
    });
  });
  return { status: "changed" };
}
