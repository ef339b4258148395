import { z } from "zod";
import { firstErrors } from "../http/forms.server";
import type { FieldErrors } from "../../utils/form-flow";
import { transaction, type Db } from "../../../db/client";
import { renderStaffEmail } from "../../../emails/staff";
import { ROLE_LABELS, type StaffRole } from "../../domain/staff-roles";
import { now } from "../../clock.server";
import { getEnv } from "../../env.server";
import type { OutboxDeps } from "../shared/outbox.server";
import { listAuditEvents, recordAuditEvent } from "../../models/staff-audit.server";
import {
  countOtherActiveOwners,
  deleteStaffSessionsOf,
  findStaffByEmail,
  getCreditorLegalName,
  getTeamMember,
  insertTeamMember,
  listTeamMembers,
  setMemberDisabledAt,
  setMemberRole,
} from "../../models/team.server";
import { requireSameOrigin } from "../http/http.server";
import { hiddenCharacterProblem } from "../../domain/text";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";

type Role = StaffRole;
const roles = Object.keys(ROLE_LABELS) as [Role, ...Role[]];

type Staff = Awaited<ReturnType<typeof requireStaff>>;

export async function loadTeam(db: Db, request: Request) {
  const staff = await requireStaff(db, request, now());
  const canManage = staff.role === "owner";
  const time = new Intl.DateTimeFormat("fr-FR", { dateStyle: "medium", timeStyle: "short", timeZone: staff.creditorTimeZone });
  const members = await listTeamMembers(db, staff.creditorId);
  return {
    canManage,
    me: staff.id,
    creditorName: staff.creditorName,
    members: members.map((m) => ({ ...m, active: m.disabledAt === null, hasPassword: Boolean(m.hasPassword), disabledAt: m.disabledAt ? time.format(m.disabledAt) : null })),
    audit: canManage
      ? (await listAuditEvents(db, staff.creditorId, ["team.member_added", "team.role_changed", "team.member_disabled", "team.member_enabled"], 30)).map((e) => ({
          id: e.id,
          at: time.format(e.occurredAt),
          who: e.actorName,
          what: describeTeamEvent(e.action, e.data),
        }))
      : [],
  };
}

function describeTeamEvent(action: string, data: Record<string, unknown>): string {
  const name = String(data.name ?? "");
  const role = ROLE_LABELS[data.role as Role] ?? "";
  switch (action) {
    case "team.member_added":
      return `${name} ajouté(e) (${role.toLowerCase()})`;
    case "team.role_changed":
      return `${name} : rôle ${ROLE_LABELS[data.from as Role]?.toLowerCase() ?? ""} → ${role.toLowerCase()}`;
    case "team.member_disabled":
      return `${name} : accès désactivé`;
    default:
      return `${name} : accès réactivé`;
  }
}

export type TeamResult = { status: "error"; intent: string; memberId: number | null; fields: FieldErrors; values?: Record<string, string> } | { status: "done"; message: string };

const addSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { error: "Indiquez le nom du nouveau membre." })
    .max(120, { error: "120 caractères au plus." })
    // The name goes into sign-in emails' greeting and the audit log: one clean line.
    .superRefine((v, ctx) => {
      const problem = hiddenCharacterProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: "Cette adresse e-mail n'est pas valable." })),
  role: z.enum(roles, { error: "Choisissez un rôle." }),
});
const memberSchema = z.object({ memberId: z.coerce.number().int().positive() });

const LAST_OWNER = "Le compte doit garder au moins un propriétaire actif : nommez d'abord un autre propriétaire.";
const NOT_FOUND = "Ce membre n'existe pas dans votre équipe.";

export async function teamAction(deps: OutboxDeps, request: Request): Promise<TeamResult> {
  const { db } = deps;
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role !== "owner") throw new Response("Seuls les propriétaires du compte peuvent gérer l'équipe.", { status: 403 });
  const form = await readStaffForm(request);
  const intent = String(form.get("intent") ?? "");
  if (intent === "add") return addMember(deps, staff, form, at);
  const member = memberSchema.safeParse({ memberId: form.get("memberId") });
  if (!member.success) throw new Response("Membre manquant.", { status: 400 });
  const memberId = member.data.memberId;
  const error = (message: string, field = "member"): TeamResult => ({ status: "error", intent, memberId, fields: { [field]: message } });

  if (intent === "role") {
    const role = z.enum(roles).safeParse(form.get("role"));
    if (!role.success) return error("Choisissez un rôle.", "role");
    return await transaction(db, async (tx) => {
      const target = await getTeamMember(tx, staff.creditorId, memberId);
      if (!target) return error(NOT_FOUND);
      if (target.role === role.data) return { status: "done" as const, message: `${target.name} est déjà ${ROLE_LABELS[role.data].toLowerCase()}.` };
      if (target.role === "owner" && !target.disabledAt && (await countOtherActiveOwners(tx, staff.creditorId, target.id)) === 0) return error(LAST_OWNER, "role");
      await setMemberRole(tx, staff.creditorId, target.id, role.data);
      await recordAuditEvent(tx, {
        creditorId: staff.creditorId,
        actorStaffUserId: staff.id,
        action: "team.role_changed",
        data: { memberId: target.id, name: target.name, from: target.role, role: role.data },
        occurredAt: at,
      });
      return { status: "done" as const, message: `${target.name} est maintenant ${ROLE_LABELS[role.data].toLowerCase()}.` };
    });
  }

  if (intent === "disable" || intent === "enable") {
    return await transaction(db, async (tx) => {
      const target = await getTeamMember(tx, staff.creditorId, memberId);
      if (!target) return error(NOT_FOUND);
      if (intent === "disable") {
        if (target.disabledAt) return { status: "done" as const, message: `L'accès de ${target.name} est déjà désactivé.` };
        if (target.role === "owner" && (await countOtherActiveOwners(tx, staff.creditorId, target.id)) === 0) return error(LAST_OWNER);
        await setMemberDisabledAt(tx, staff.creditorId, target.id, at);
        // Disabling ends every session at once, not at their expiry.
        await deleteStaffSessionsOf(tx, target.id);
      } else {
        if (!target.disabledAt) return { status: "done" as const, message: `${target.name} a déjà accès.` };
        await setMemberDisabledAt(tx, staff.creditorId, target.id, null);
      }
      const action = intent === "disable" ? "team.member_disabled" : "team.member_enabled";
      await recordAuditEvent(tx, { creditorId: staff.creditorId, actorStaffUserId: staff.id, action, data: { memberId: target.id, name: target.name }, occurredAt: at });
      return {
        status: "done" as const,
        message: intent === "disable" ? `L'accès de ${target.name} est désactivé ; ses sessions sont fermées.` : `${target.name} a de nouveau accès.`,
      };
    });
  }
  throw new Response("Action inconnue.", { status: 400 });
}

async function addMember({ db, email: sender }: OutboxDeps, staff: Staff, form: FormData, at: Date): Promise<TeamResult> {
  const raw = { name: String(form.get("name") ?? ""), email: String(form.get("email") ?? ""), role: String(form.get("role") ?? "") };
  const parsed = addSchema.safeParse(raw);
  if (!parsed.success) return { status: "error", intent: "add", memberId: null, fields: firstErrors(parsed.error), values: raw };
  const { name, email, role } = parsed.data;
  const added = await transaction(db, async (tx) => {
    // Emails are unique across Relance: one address, one account, one creditor.
    const taken = await findStaffByEmail(tx, email);
    if (taken) return null;
    const row = await insertTeamMember(tx, { creditorId: staff.creditorId, email, name, role, createdAt: at });
    await recordAuditEvent(tx, { creditorId: staff.creditorId, actorStaffUserId: staff.id, action: "team.member_added", data: { memberId: row.id, name, role }, occurredAt: at });
    return row;
  });
  if (!added) return { status: "error", intent: "add", memberId: null, fields: { email: "Cette adresse a déjà un accès à Relance : choisissez-en une autre." }, values: raw };
  const env = getEnv();
  const creditor = await getCreditorLegalName(db, staff.creditorId);
  const rendered = await renderStaffEmail({
    kind: "welcome",
    staffName: name,
    creditorName: creditor?.name ?? staff.creditorName,
    invitedBy: staff.name,
    loginUrl: `${env.PUBLIC_BASE_URL}/backoffice/login`,
  });
  const sent = await sender.send({ from: env.EMAIL_FROM, to: email, ...rendered, idempotencyKey: `staff-welcome-${added.id}` });
  const note =
    sent.status === "success"
      ? " Un e-mail lui explique comment se connecter avec un code."
      : " L'e-mail de bienvenue n'a pas pu partir : dites-lui de demander un code de connexion.";
  return { status: "done", message: `${name} fait partie de l'équipe (${ROLE_LABELS[role].toLowerCase()}).${note}` };
}
