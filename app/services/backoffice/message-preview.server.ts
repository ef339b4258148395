import { z } from "zod";
import { addDays, localDate } from "../../domain/dates";
import { gsm7Length } from "../../domain/sms-text";
import { EMAIL_TEMPLATE_STEPS, SMS_TEMPLATE_STEPS } from "../../domain/message-templates";
import type { StepKind } from "../../domain/cadence";
import type { Db } from "../../../db/client";
import { now } from "../../clock.server";
import { getEnv } from "../../env.server";
import { getDebtorOfCreditor } from "../../models/debtor-file.server";
import { getCreditor } from "../../models/creditor-settings.server";
import { listDebtorsWithOpenBalance, listOwedInvoices } from "../../models/message-preview.server";
import { renderStepEmail } from "../shared/message-rendering.server";
import { messageProps } from "../shared/outbox.server";
import { renderStepSms } from "../shared/sms-messages.server";
import { requireStaff } from "../auth/staff-auth.server";
import { LOCALE_NAMES, MESSAGE_STEP_NAMES, PREVIEW_SMS_TOKEN } from "./message-templates.server";

const querySchema = z.object({
  debtorId: z.coerce.number().int().positive().optional().catch(undefined),
  channel: z.enum(["email", "sms"]).catch("email"),
  locale: z.enum(["fr", "en"]).catch("fr"),
  step: z.string().catch("first_reminder"),
});

/**
 * A message as a chosen debtor would get it today, rendered by the job's own functions with the
 * creditor's templates. Writes nothing: no link is issued, a stand-in of the same length is shown.
 */
export async function loadMessagePreview(db: Db, request: Request) {
  const at = now();
  const staff = await requireStaff(db, request, at);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const steps: readonly string[] = query.channel === "email" ? EMAIL_TEMPLATE_STEPS : SMS_TEMPLATE_STEPS;
  const step = (steps.includes(query.step) ? query.step : "first_reminder") as StepKind & (typeof EMAIL_TEMPLATE_STEPS)[number];

  const withOpen = await listDebtorsWithOpenBalance(db, staff.creditorId);
  const chosenId = query.debtorId ?? withOpen[0]?.id;
  const debtor = chosenId ? await getDebtorOfCreditor(db, staff.creditorId, chosenId) : undefined;
  if (query.debtorId !== undefined && !debtor) throw new Response("Client introuvable.", { status: 404 });
  const base = {
    debtors: withOpen,
    query: { ...query, step, debtorId: debtor?.id ?? null },
    steps: {
      email: EMAIL_TEMPLATE_STEPS.map((s) => ({ value: s, label: MESSAGE_STEP_NAMES[s]! })),
      sms: SMS_TEMPLATE_STEPS.map((s) => ({ value: s, label: MESSAGE_STEP_NAMES[s]! })),
    },
    title: `${MESSAGE_STEP_NAMES[step]} · ${query.channel === "email" ? "e-mail" : "SMS"} · ${LOCALE_NAMES[query.locale]}`,
  };
  if (!debtor) return { ...base, email: null, sms: null };

  const open = await listOwedInvoices(db, debtor.id);
  const env = getEnv();
  const link = `${env.PUBLIC_BASE_URL}/l/${PREVIEW_SMS_TOKEN}`;
  if (query.channel === "sms") {
    const sms = await renderStepSms(db, { debtorId: debtor.id, step, locale: query.locale, invoiceIds: open.map((i) => i.id), now: at, linkUrl: link });
    return { ...base, email: null, sms: { ...sms, septets: gsm7Length(sms.body) } };
  }
  const creditor = (await getCreditor(db, staff.creditorId))!;
  const props = await messageProps(
    db,
    { message: { id: -1, key: `preview:${step}`, step, locale: query.locale, bodyText: null, plannedFor: at }, debtor, invoices: open },
    creditor,
    link,
    env.PUBLIC_BASE_URL,
    at,
  );
  // Steps about a promise or an installment get a plausible one, since none may exist for this debtor.
  const today = localDate(at, debtor.timeZone);
  const total = open.reduce((sum, i) => sum + i.balanceCents, 0);
  if (step === "broken_promise") props.promise = { date: addDays(today, -4), amountCents: null };
  if (step === "installment_reminder") props.installment = { dueDate: addDays(today, 3), amountCents: Math.ceil(total / 3), position: 1, count: 3 };
  const email = await renderStepEmail(db, staff.creditorId, step, props);
  return { ...base, email, sms: null };
}
