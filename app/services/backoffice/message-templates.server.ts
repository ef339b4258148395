import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import { checkSmsBudget, worstCaseSmsProps } from "../../../emails/sms";
import {
  EMAIL_TEMPLATE_STEPS,
  PLACEHOLDERS,
  PLACEHOLDER_HELP,
  SMS_TEMPLATE_STEPS,
  validateEmailTemplate,
  validateSmsText,
  type TemplateErrors,
} from "../../domain/message-templates";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { getEnv } from "../../env.server";
import { deleteMessageTemplate, getMessageTemplate, listMessageTemplates, saveMessageTemplate, type TemplateKey } from "../../models/cadence-settings.server";
import { requireSameOrigin } from "../http/http.server";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";
import { transaction } from "../../../db/client";
import { getCreditorNames } from "../../models/creditor-settings.server";

export const MESSAGE_STEP_NAMES: Record<string, string> = {
  pre_reminder: "Pré-relance",
  first_reminder: "Première relance",
  second_reminder: "Deuxième relance",
  formal_notice: "Mise en demeure",
  broken_promise: "Promesse non tenue",
  follow_up: "Suivi sans contact",
  installment_reminder: "Rappel d'échéance",
  thank_you: "Remerciement",
};
export const LOCALE_NAMES = { fr: "français", en: "anglais" } as const;

/** A stand-in for the 22-character SMS token: the same length, so the count of segments is the real one. */
export const PREVIEW_SMS_TOKEN = "apercu_lien_fictif_000";

const keySchema = z.object({
  channel: z.enum(["email", "sms"]).catch("email"),
  locale: z.enum(["fr", "en"]).catch("fr"),
  step: z.string().catch("first_reminder"),
});

function checkedKey(raw: Record<string, unknown>): TemplateKey {
  const key = keySchema.parse(raw);
  const steps: readonly string[] = key.channel === "email" ? EMAIL_TEMPLATE_STEPS : SMS_TEMPLATE_STEPS;
  return { ...key, step: steps.includes(key.step) ? key.step : "first_reminder" };
}

async function creditorName(db: Db, creditorId: number): Promise<string> {
  const creditor = await getCreditorNames(db, creditorId);
  return creditor?.tradeName ?? creditor?.legalName ?? "";
}

export async function loadMessageTemplates(db: Db, request: Request) {
  const staff = await requireStaff(db, request, now());
  const key = checkedKey(Object.fromEntries(new URL(request.url).searchParams));
  const current = await getMessageTemplate(db, staff.creditorId, key);
  return {
    canEdit: staff.role !== "read_only",
    key,
    steps: {
      email: EMAIL_TEMPLATE_STEPS.map((s) => ({ value: s, label: MESSAGE_STEP_NAMES[s]! })),
      sms: SMS_TEMPLATE_STEPS.map((s) => ({ value: s, label: MESSAGE_STEP_NAMES[s]! })),
    },
    placeholders: PLACEHOLDERS.map((p) => ({ name: `{${p}}`, help: PLACEHOLDER_HELP[p] })),
    current,
    saved: new URL(request.url).searchParams.get("saved"),
    overrides: (await listMessageTemplates(db, staff.creditorId)).map((t) => ({
      step: t.step,
      channel: t.channel,
      locale: t.locale,
      label: `${MESSAGE_STEP_NAMES[t.step] ?? t.step} · ${t.channel === "email" ? "e-mail" : "SMS"} · ${LOCALE_NAMES[t.locale]}`,
    })),
  };
}

export type TemplateActionResult = { errors: TemplateErrors; values: { subject: string; body: string } };

/** Saves or resets one template; a bad text is refused with the reason next to its field, nothing written. */
export async function saveMessageTemplateAction(db: Db, request: Request) {
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas de modifier les modèles.", { status: 403 });
  const form = Object.fromEntries([...(await readStaffForm(request))].filter(([, v]) => typeof v === "string")) as Record<string, string>;
  const key = checkedKey(form);
  const query = `step=${key.step}&channel=${key.channel}&locale=${key.locale}`;
  if (form.intent === "reset") {
    await transaction(db, async (tx) => deleteMessageTemplate(tx, staff.creditorId, key));
    throw redirect(`/backoffice/cadence/templates?${query}&saved=reset`, 303);
  }
  const values = { subject: (form.subject ?? "").slice(0, 1000), body: (form.body ?? "").slice(0, 5000) };
  let content: { subject: string | null; body: string };
  if (key.channel === "email") {
    const checked = validateEmailTemplate(values);
    if (!checked.ok) return data({ errors: checked.errors, values } satisfies TemplateActionResult, { status: 400 });
    content = { subject: checked.subject, body: checked.body };
  } else {
    const checked = validateSmsText(values.body);
    if (!checked.ok) return data({ errors: { body: checked.error }, values } satisfies TemplateActionResult, { status: 400 });
    const link = `${getEnv().PUBLIC_BASE_URL}/l/${PREVIEW_SMS_TOKEN}`;
    const budget = checkSmsBudget(checked.body, worstCaseSmsProps(key.locale, await creditorName(db, staff.creditorId), link));
    if (!budget.ok) return data({ errors: { body: budget.error }, values } satisfies TemplateActionResult, { status: 400 });
    content = { subject: null, body: checked.body };
  }
  await transaction(db, async (tx) => saveMessageTemplate(tx, staff.creditorId, key, content, at));
  throw redirect(`/backoffice/cadence/templates?${query}&saved=saved`, 303);
}
