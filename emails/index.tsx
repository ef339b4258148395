import type { ReactElement } from "react";
import type { StepKind } from "../app/domain/cadence";
import { BrokenPromiseEmail, brokenPromiseSubject } from "./broken-promise";
import { FirstReminderEmail, firstReminderSubject } from "./first-reminder";
import { FollowUpEmail, followUpSubject } from "./follow-up";
import { FormalNoticeEmail, formalNoticeSubject } from "./formal-notice";
import { InstallmentReminderEmail, installmentReminderSubject } from "./installment-reminder";
import { NewLinkEmail, newLinkSubject } from "./new-link";
import { NoticeEmail, noticeSubject } from "./notice";
import { PreReminderEmail, preReminderSubject } from "./pre-reminder";
import type { ReminderEmailProps } from "./props";
import { renderDirect, renderEmailElement } from "./render";
import { SecondReminderEmail, secondReminderSubject } from "./second-reminder";
import { ThankYouEmail, thankYouSubject } from "./thank-you";

export type { EmailInvoice, ReminderEmailProps } from "./props";

type Template = {
  Email: (props: ReminderEmailProps) => ReactElement;
  subject: (props: ReminderEmailProps) => string;
};

/** Every cadence step that emails has a template (a call is a task, not a message). */
const templates = {
  pre_reminder: { Email: PreReminderEmail, subject: preReminderSubject },
  first_reminder: { Email: FirstReminderEmail, subject: firstReminderSubject },
  second_reminder: { Email: SecondReminderEmail, subject: secondReminderSubject },
  formal_notice: { Email: FormalNoticeEmail, subject: formalNoticeSubject },
  broken_promise: { Email: BrokenPromiseEmail, subject: brokenPromiseSubject },
  installment_reminder: { Email: InstallmentReminderEmail, subject: installmentReminderSubject },
  thank_you: { Email: ThankYouEmail, subject: thankYouSubject },
  follow_up: { Email: FollowUpEmail, subject: followUpSubject },
  new_link: { Email: NewLinkEmail, subject: newLinkSubject },
  notice: { Email: NoticeEmail, subject: noticeSubject },
} satisfies Record<Exclude<StepKind, "call"> | "new_link" | "notice", Template>;

export type EmailTemplate = keyof typeof templates;

export const emailTemplates = Object.keys(templates) as EmailTemplate[];

export function isEmailTemplate(name: string): name is EmailTemplate {
  return Object.hasOwn(templates, name);
}

/** Renders a debtor email to its subject, HTML and plain-text parts. */
export async function renderEmail(template: EmailTemplate, props: ReminderEmailProps) {
  const { Email, subject } = templates[template];
  // Subject first: it throws on missing step data (promise, installment) before React renders;
  // the creditor's own subject, when set, replaces it.
  const subjectLine = props.override?.subject ?? subject(props);
  return { subject: subjectLine, ...(await renderEmailElement(<Email {...props} />)) };
}

/** The same email rendered by React itself, every time: what renderEmail's cached shapes are held to. */
export async function renderEmailDirect(template: EmailTemplate, props: ReminderEmailProps) {
  const { Email, subject } = templates[template];
  const subjectLine = props.override?.subject ?? subject(props);
  return { subject: subjectLine, ...(await renderDirect(<Email {...props} />)) };
}
