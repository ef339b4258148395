import { plainTextSelectors as defaultSelectors, render } from "@react-email/render";
import { compile } from "html-to-text";
import type { ReactElement } from "react";
import type { StepKind } from "../app/domain/cadence";
import { BrokenPromiseEmail, brokenPromiseSubject } from "./broken-promise";
import { FirstReminderEmail, firstReminderSubject } from "./first-reminder";
import { FollowUpEmail, followUpSubject } from "./follow-up";
import { FormalNoticeEmail, formalNoticeSubject } from "./formal-notice";
import { InstallmentReminderEmail, installmentReminderSubject } from "./installment-reminder";
import { NewLinkEmail, newLinkSubject } from "./new-link";
import { NoticeEmail, noticeSubject } from "./notice";
import { plainTextSelectors } from "./parts";
import { PreReminderEmail, preReminderSubject } from "./pre-reminder";
import type { ReminderEmailProps } from "./props";
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

/**
 * What render({ plainText: true, htmlToTextOptions: { selectors } }) does (@react-email/render's
 * toPlainText), compiled once: html-to-text compiles its options on every convert() otherwise,
 * which cost more than the render itself when sending thousands of emails.
 */
const toPlainText = compile({ wordwrap: false, selectors: [...defaultSelectors, ...plainTextSelectors] });

/** Renders a debtor email to its subject, HTML and plain-text parts. */
export async function renderEmail(template: EmailTemplate, props: ReminderEmailProps) {
  const { Email, subject } = templates[template];
  // Subject first: it throws on missing step data (promise, installment) before React renders;
  // the creditor's own subject, when set, replaces it.
  const subjectLine = props.override?.subject ?? subject(props);
  // Rendered once: the text part is converted from the HTML, as render({ plainText }) would after a second render.
  const html = await render(<Email {...props} />);
  return { subject: subjectLine, html, text: toPlainText(html) };
}
