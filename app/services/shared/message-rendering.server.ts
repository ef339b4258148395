import type { Db } from "../../../db/client";
import { renderEmail, type EmailTemplate, type ReminderEmailProps } from "../../../emails";
import { withEmailTemplate } from "../../../emails/templates";
import { EMAIL_TEMPLATE_STEPS, SMS_TEMPLATE_STEPS } from "../../domain/message-templates";
import { getMessageTemplate } from "../../models/cadence-settings.server";

type Reader = Pick<Db, "select">;

const emailSteps = new Set<string>(EMAIL_TEMPLATE_STEPS);
const smsSteps = new Set<string>(SMS_TEMPLATE_STEPS);

/**
 * A debtor email as it leaves: the step's template with the creditor's own subject and opening when
 * it wrote some. The job and the back office's preview both render through here.
 */
export async function renderStepEmail(db: Reader, creditorId: number, step: EmailTemplate, props: ReminderEmailProps) {
  const template = emailSteps.has(step) ? await getMessageTemplate(db, creditorId, { step, channel: "email", locale: props.locale }) : null;
  return renderEmail(step, withEmailTemplate(props, template));
}

/** The creditor's SMS text for this step and language, placeholders unfilled; null for ours. */
export async function customSmsText(db: Reader, creditorId: number, step: string, locale: "fr" | "en"): Promise<string | null> {
  if (!smsSteps.has(step)) return null;
  return (await getMessageTemplate(db, creditorId, { step, channel: "sms", locale }))?.body ?? null;
}
