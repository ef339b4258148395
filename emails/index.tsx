import { render } from "@react-email/render";
import { PreReminderEmail, preReminderSubject } from "./pre-reminder";
import { NewLinkEmail, newLinkSubject } from "./new-link";
import type { ReminderEmailProps } from "./props";

export type { ReminderEmailProps } from "./props";

const templates = {
  pre_reminder: { Email: PreReminderEmail, subject: preReminderSubject },
  new_link: { Email: NewLinkEmail, subject: newLinkSubject },
};

export type EmailTemplate = keyof typeof templates;

export function isEmailTemplate(name: string): name is EmailTemplate {
  return name in templates;
}

/** Renders a debtor email to its subject, HTML and plain-text parts. */
export async function renderEmail(template: EmailTemplate, props: ReminderEmailProps) {
  const { Email, subject } = templates[template];
  const element = <Email {...props} />;
  return {
    subject: subject(props),
    html: await render(element),
    text: await render(element, { plainText: true }),
  };
}
