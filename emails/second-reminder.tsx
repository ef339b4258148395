import { Text } from "@react-email/components";
import { common } from "./copy";
import { date } from "./format";
import { EmailLayout } from "./layout";
import { InvoiceTable, LinkButton, Opening, previousContacts } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string, invoices: string[]) =>
    invoices.length === 1
      ? `${creditor} : deuxième relance, facture ${invoices[0]}`
      : `${creditor} : deuxième relance, ${invoices.length} factures impayées`,
  deadline: (deadline: string | null) =>
    `Nous vous demandons de bien vouloir procéder au règlement ${deadline ? `au plus tard le ${deadline}` : "dans les meilleurs délais"}.`,
  plan: "Si vous ne pouvez pas régler en une fois, vous pouvez proposer un échéancier en ligne par le même lien ; nous l'étudierons rapidement.",
  dispute: "Si une facture vous semble contestable, signalez-le-nous par ce lien afin que nous puissions vérifier.",
  cta: "Régler ou proposer un échéancier",
};

const en: typeof fr = {
  subject: (creditor, invoices) =>
    invoices.length === 1
      ? `${creditor}: second reminder, invoice ${invoices[0]}`
      : `${creditor}: second reminder, ${invoices.length} unpaid invoices`,
  deadline: (deadline) => `We ask you to settle ${deadline ? `by ${deadline} at the latest` : "as soon as possible"}.`,
  plan: "If you cannot pay in one go, you can propose a payment plan online through the same link; we will look at it promptly.",
  dispute: "If you believe an invoice is incorrect, let us know through this link so that we can check.",
  cta: "Pay or propose a payment plan",
};

const copy = { fr, en };

export function secondReminderSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(
    props.creditorName,
    props.invoices.map((invoice) => invoice.number),
  );
}

/** D+15, formal: the history of contacts, a 7-day deadline, the penalties, a plan on offer. */
export function SecondReminderEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const unpaid = common[props.locale].unpaid(props.invoices.length, previousContacts(props));
  return (
    <EmailLayout email={props} preview={unpaid}>
      <Opening email={props}>
        <Text>{unpaid}</Text>
      </Opening>
      <InvoiceTable email={props} mode="overdue" penalties />
      <Text>{t.deadline(props.deadline && date(props.locale, props.deadline))}</Text>
      <LinkButton href={props.linkUrl}>{t.cta}</LinkButton>
      <Text>{t.plan}</Text>
      <Text>{t.dispute}</Text>
      <Text>{common[props.locale].alreadyPaid}</Text>
    </EmailLayout>
  );
}
