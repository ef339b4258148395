import { fillPlaceholders, paragraphs, type PlaceholderValues } from "../app/domain/message-templates";
import { date, list, totals } from "./format";
import type { ReminderEmailProps } from "./props";

/** The values an email's placeholders take for this debtor and message. */
export function emailPlaceholders(props: ReminderEmailProps): PlaceholderValues {
  const dues = props.invoices.map((i) => i.dueDate).sort();
  const oldest = dues[0] ?? props.installment?.dueDate ?? null;
  const deadline = props.deadline ?? props.installment?.dueDate ?? oldest;
  return {
    debtor: props.debtorName,
    creditor: props.creditorName,
    amount: totals(
      props.locale,
      props.invoices.map((i) => ({ cents: i.amountCents, currency: i.currency })),
    ),
    due_date: oldest ? date(props.locale, oldest) : "",
    deadline: deadline ? date(props.locale, deadline) : "",
    invoices: list(
      props.locale,
      props.invoices.map((i) => i.number),
    ),
    link: props.linkUrl,
  };
}

/**
 * The props with the creditor's subject and opening paragraphs filled in, for renderEmail. The job
 * and the back office's preview both go through here, so what staff preview is what is sent.
 */
export function withEmailTemplate(props: ReminderEmailProps, template: { subject: string | null; body: string } | null): ReminderEmailProps {
  if (!template) return props;
  const values = emailPlaceholders(props);
  return {
    ...props,
    override: {
      subject: template.subject ? fillPlaceholders(template.subject, values) : null,
      opening: paragraphs(template.body).map((p) => fillPlaceholders(p, values)),
    },
  };
}
