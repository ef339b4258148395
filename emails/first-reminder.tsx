import { Text } from "@react-email/components";
import { common } from "./copy";
import { date } from "./format";
import { EmailLayout } from "./layout";
import { InvoiceTable, LinkButton, Opening, PenaltySummary } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string, invoices: string[]) =>
    invoices.length === 1
      ? `${creditor} : rappel pour la facture ${invoices[0]}`
      : `${creditor} : rappel pour ${invoices.length} factures échues`,
  intro: (count: number): string =>
    count === 1
      ? "Sauf erreur de notre part, la facture ci-dessous n'a pas encore été réglée et son échéance est passée."
      : "Sauf erreur de notre part, les factures ci-dessous n'ont pas encore été réglées et leur échéance est passée.",
  deadline: (deadline: string | null) =>
    `Pourriez-vous procéder au règlement ${deadline ? `d'ici le ${deadline}` : "dans les meilleurs délais"} ? Le bouton ci-dessous vous permet de payer par carte en quelques instants.`,
  cta: "Régler ou proposer une solution",
  help: "Une difficulté, une question sur une facture, besoin d'un délai ? Le même lien vous permet de nous le dire en une minute : nous trouverons une solution ensemble.",
};

const en: typeof fr = {
  subject: (creditor, invoices) =>
    invoices.length === 1
      ? `${creditor}: reminder about invoice ${invoices[0]}`
      : `${creditor}: reminder about ${invoices.length} overdue invoices`,
  intro: (count) =>
    count === 1
      ? "Unless we are mistaken, the invoice below has not been paid yet and its due date has passed."
      : "Unless we are mistaken, the invoices below have not been paid yet and their due dates have passed.",
  deadline: (deadline) =>
    `Could you please arrange payment ${deadline ? `by ${deadline}` : "as soon as possible"}? The button below lets you pay by card in a few moments.`,
  cta: "Pay or suggest a solution",
  help: "A difficulty, a question about an invoice, need more time? The same link lets you tell us in a minute, and we will find a solution together.",
};

const copy = { fr, en };

export function firstReminderSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(
    props.creditorName,
    props.invoices.map((invoice) => invoice.number),
  );
}

/** D+5, cordial but clear: what is overdue, a new deadline, an offer of help. */
export function FirstReminderEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const intro = t.intro(props.invoices.length);
  return (
    <EmailLayout email={props} preview={intro}>
      <Opening email={props}>
        <Text>{intro}</Text>
      </Opening>
      <InvoiceTable email={props} mode="overdue" />
      <PenaltySummary email={props} />
      <Text>{t.deadline(props.deadline && date(props.locale, props.deadline))}</Text>
      <LinkButton href={props.linkUrl}>{t.cta}</LinkButton>
      <Text>{t.help}</Text>
      <Text>{common[props.locale].alreadyPaid}</Text>
    </EmailLayout>
  );
}
