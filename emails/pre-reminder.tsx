import { Text } from "@react-email/components";
import { common, de } from "./copy";
import { EmailLayout } from "./layout";
import { InvoiceTable, LinkButton, Opening } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string, count: number) =>
    count === 1
      ? `${creditor} : votre facture arrive bientôt à échéance`
      : `${creditor} : ${count} factures arrivent bientôt à échéance`,
  intro: (creditor: string, count: number) =>
    count === 1
      ? `Petit rappel amical de la part ${de(creditor)} : la facture ci-dessous arrive à échéance dans les prochains jours.`
      : `Petit rappel amical de la part ${de(creditor)} : les factures ci-dessous arrivent à échéance dans les prochains jours.`,
  cta: "Voir et régler mes factures",
  help: "Un souci, une question, besoin d'un délai ? Le même lien vous permet de nous le dire en une minute.",
};

const en: typeof fr = {
  subject: (creditor, count) =>
    count === 1 ? `${creditor}: your invoice is due soon` : `${creditor}: ${count} invoices are due soon`,
  intro: (creditor, count) =>
    count === 1
      ? `A friendly note from ${creditor}: the invoice below falls due in the next few days.`
      : `A friendly note from ${creditor}: the invoices below fall due in the next few days.`,
  cta: "View and pay my invoices",
  help: "A problem, a question, need more time? The same link lets you tell us in a minute.",
};

const copy = { fr, en };

export function preReminderSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(props.creditorName, props.invoices.length);
}

/** D-5, friendly: reminds the due date and offers help; never says "you owe us". */
export function PreReminderEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const intro = t.intro(props.creditorName, props.invoices.length);
  return (
    <EmailLayout email={props} preview={intro}>
      <Opening email={props}>
        <Text>{intro}</Text>
      </Opening>
      <InvoiceTable email={props} mode="due" />
      <LinkButton href={props.linkUrl}>{t.cta}</LinkButton>
      <Text>{t.help}</Text>
      <Text>{common[props.locale].alreadyPaid}</Text>
    </EmailLayout>
  );
}
