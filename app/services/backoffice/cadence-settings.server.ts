import { data, redirect } from "@remix-run/node";
import { z } from "zod";
import { contactWindows as defaultWindows, type ContactChannel } from "../../domain/business-calendar";
import { validatePolicy, type LimitsInput, type PolicyErrors, type StepInput } from "../../domain/cadence-policy";
import { CHANNELS, describeWindow, minuteToTime, validateContactWindows, type WindowInput } from "../../domain/contact-windows";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import {
  getPlanReviewBusinessDays,
  getPolicy,
  listPolicies,
  loadContactWindows,
  replacePolicy,
  saveContactWindows,
  setPlanReviewBusinessDays,
} from "../../models/cadence-settings.server";
import { requireSameOrigin } from "../http/http.server";
import { requireStaff, readStaffForm } from "../auth/staff-auth.server";
import { transaction } from "../../../db/client";

const SEGMENT_NAMES = { standard: "Standard", high_risk: "Clients à risque", good_payer: "Bons payeurs" } as const;

export type PolicyDraft = { steps: StepInput[] } & LimitsInput;

const LIMIT_FIELDS = [
  "minDaysBetweenContacts",
  "maxDaysWithoutContact",
  "brokenPromisesBeforeLitigation",
  "promiseGraceDays",
  "maxPromiseDays",
  "maxPlanMonths",
  "minInstallmentEuros",
  "autoAcceptPlanMonths",
  "alternateChannelsAfterUnanswered",
] as const satisfies readonly (keyof LimitsInput)[];

type StaffMember = Awaited<ReturnType<typeof requireStaff>>;

function requireEditor(staff: StaffMember) {
  if (staff.role === "read_only") throw new Response("Votre rôle (lecture seule) ne permet pas de modifier la relance.", { status: 403 });
}

/** The creditor's three policies as their forms show them, and the contact windows. */
export async function loadCadenceSettings(db: Db, request: Request) {
  const staff = await requireStaff(db, request, now());
  const windows = await loadContactWindows(db, staff.creditorId);
  const saved = new URL(request.url).searchParams.get("saved");
  return {
    planReviewBusinessDays: await getPlanReviewBusinessDays(db, staff.creditorId),
    canEdit: staff.role !== "read_only",
    saved:
      saved === "windows"
        ? "Fenêtres de contact enregistrées."
        : saved === "review"
          ? "Délai d'examen enregistré : la relance l'applique dès son prochain passage."
          : saved
            ? "Politique enregistrée : la relance l'applique dès son prochain passage."
            : null,
    policies: (await listPolicies(db, staff.creditorId)).map((policy) => ({
      id: policy.id,
      segment: policy.segment,
      title: SEGMENT_NAMES[policy.segment],
      draft: {
        steps: policy.steps.map((s) => ({ kind: s.kind, offsetDays: String(s.offsetDays), channel: s.channel, tone: s.tone })),
        minDaysBetweenContacts: String(policy.minDaysBetweenContacts),
        maxDaysWithoutContact: String(policy.maxDaysWithoutContact),
        brokenPromisesBeforeLitigation: String(policy.brokenPromisesBeforeLitigation),
        promiseGraceDays: String(policy.promiseGraceDays),
        maxPromiseDays: String(policy.maxPromiseDays),
        maxPlanMonths: String(policy.maxPlanMonths),
        minInstallmentEuros: (policy.minInstallmentCents / 100).toFixed(2).replace(".", ",").replace(",00", ""),
        autoAcceptPlanMonths: String(policy.autoAcceptPlanMonths),
        alternateChannelsAfterUnanswered: policy.alternateChannelsAfterUnanswered ? "on" : "",
      } satisfies PolicyDraft,
    })),
    windows: CHANNELS.map((channel) => ({
      channel,
      weekdays: windows[channel].weekdays.map(String),
      start: minuteToTime(windows[channel].startMinute),
      end: minuteToTime(windows[channel].endMinute),
      summary: describeWindow(windows[channel]),
      defaultSummary: describeWindow(defaultWindows[channel]),
    })),
  };
}

const text = z.string().max(40).default("");
const policyFormSchema = z.object({
  policyId: z.coerce.number().int().positive(),
  intent: z.string().regex(/^(save|add|(remove|up|down):\d{1,2})$/),
  minDaysBetweenContacts: text,
  maxDaysWithoutContact: text,
  brokenPromisesBeforeLitigation: text,
  promiseGraceDays: text,
  maxPromiseDays: text,
  maxPlanMonths: text,
  minInstallmentEuros: text,
  autoAcceptPlanMonths: text,
  alternateChannelsAfterUnanswered: text,
});

/** Rows `steps.N.field` of the form, in N's order; at most a few dozen are read. */
function stepsFromForm(form: FormData): StepInput[] {
  const rows = new Map<number, StepInput>();
  for (const [name, value] of form) {
    const match = /^steps\.(\d{1,2})\.(kind|offsetDays|channel|tone)$/.exec(name);
    if (!match || typeof value !== "string") continue;
    const index = Number(match[1]);
    const row = rows.get(index) ?? { kind: "", offsetDays: "", channel: "", tone: "" };
    row[match[2] as keyof StepInput] = value.slice(0, 40);
    rows.set(index, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
}

/** Add, remove and move rows change only the draft on screen; nothing is written until saved. */
function editDraft(steps: StepInput[], intent: string): StepInput[] {
  if (intent === "add") {
    const last = steps.at(-1);
    return [...steps, { kind: "second_reminder", offsetDays: last ? String(Number(last.offsetDays) + 5 || 15) : "5", channel: "email", tone: "formal" }];
  }
  const [op, at] = intent.split(":") as [string, string];
  const index = Number(at);
  const next = [...steps];
  if (index >= next.length) return next;
  if (op === "remove") next.splice(index, 1);
  const swap = op === "up" ? index - 1 : op === "down" ? index + 1 : -1;
  if (swap >= 0 && swap < next.length) [next[index], next[swap]] = [next[swap]!, next[index]!];
  return next;
}

export type ReviewActionResult = { form: "review"; value: string; error: string };

const reviewDaysSchema = z.coerce
  .number({ error: "Saisissez un nombre de jours ouvrés, de 1 à 20." })
  .int({ error: "Saisissez un nombre entier de jours ouvrés, de 1 à 20." })
  .min(1, { error: "Au moins 1 jour ouvré : un échéancier doit pouvoir être examiné." })
  .max(20, { error: "Au plus 20 jours ouvrés : au-delà, le client attend une réponse trop longtemps." });

/** How long a plan under review may wait for a decision before its pause ends (app/domain/pauses.ts). */
async function saveReviewDeadline(db: Db, form: FormData, staff: StaffMember) {
  const raw = String(form.get("planReviewBusinessDays") ?? "").trim();
  const parsed = reviewDaysSchema.safeParse(raw === "" ? Number.NaN : raw);
  if (!parsed.success) return data({ form: "review", value: raw.slice(0, 10), error: parsed.error.issues[0]!.message } satisfies ReviewActionResult, { status: 400 });
  await setPlanReviewBusinessDays(db, staff.creditorId, parsed.data);
  throw redirect("/backoffice/cadence?saved=review#review", 303);
}

export type PolicyActionResult = { form: "policy"; policyId: number; draft: PolicyDraft; errors: PolicyErrors; version: number };
export type WindowsActionResult = { form: "windows"; values: Record<ContactChannel, WindowInput>; errors: Record<string, string> };

export async function saveCadenceSettings(db: Db, request: Request) {
  requireSameOrigin(request);
  const at = now();
  const staff = await requireStaff(db, request, at);
  requireEditor(staff);
  const form = await readStaffForm(request);
  if (form.get("form") === "windows") return saveWindows(db, form, staff, at);
  if (form.get("form") === "review") return saveReviewDeadline(db, form, staff);

  const parsed = policyFormSchema.safeParse(Object.fromEntries([...form].filter(([, v]) => typeof v === "string")));
  if (!parsed.success) throw new Response("Formulaire de politique incomplet.", { status: 400 });
  const { policyId, intent, ...limits } = parsed.data;
  // Someone else's policy id, typed into the form, is refused before anything is read from it.
  if (!(await getPolicy(db, staff.creditorId, policyId))) throw new Response("Politique introuvable.", { status: 404 });
  const steps = stepsFromForm(form);
  const limitsOnly = Object.fromEntries(LIMIT_FIELDS.map((f) => [f, limits[f]])) as LimitsInput;
  if (intent !== "save") {
    const draft = { ...limitsOnly, steps: editDraft(steps, intent) };
    return data({ form: "policy", policyId, draft, errors: {}, version: Date.now() } satisfies PolicyActionResult);
  }
  const result = validatePolicy({ ...limitsOnly, steps });
  if (!result.ok) {
    return data({ form: "policy", policyId, draft: { ...limitsOnly, steps }, errors: result.errors, version: Date.now() } satisfies PolicyActionResult, { status: 400 });
  }
  const saved = await transaction(db, async (tx) => replacePolicy(tx, staff.creditorId, policyId, result.policy));
  if (!saved) throw new Response("Politique introuvable.", { status: 404 });
  throw redirect(`/backoffice/cadence?saved=policy-${policyId}#policy-${policyId}`, 303);
}

async function saveWindows(db: Db, form: FormData, staff: StaffMember, at: Date) {
  const values = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      {
        weekdays: form
          .getAll(`${channel}.weekdays`)
          .filter((v): v is string => typeof v === "string")
          .slice(0, 7),
        start: String(form.get(`${channel}.start`) ?? "").slice(0, 8),
        end: String(form.get(`${channel}.end`) ?? "").slice(0, 8),
      },
    ]),
  ) as unknown as Record<ContactChannel, WindowInput>;
  const result = validateContactWindows(values);
  if (!result.ok) return data({ form: "windows", values, errors: result.errors } satisfies WindowsActionResult, { status: 400 });
  await transaction(db, async (tx) => saveContactWindows(tx, staff.creditorId, result.windows, at));
  throw redirect("/backoffice/cadence?saved=windows#windows", 303);
}
