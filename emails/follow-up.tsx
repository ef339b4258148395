import { Text } from "@react-email/components";
import { common } from "./copy";
import { EmailLayout } from "./layout";
import { InvoiceTable, LinkButton, Opening } from "./parts";
import type { ReminderEmailProps } from "./props";

const fr = {
  subject: (creditor: string) => `${creditor} : où en êtes-vous ?`,
  checkIn: (count: number): string =>
    count === 1
      ? "Nous revenons vers vous au sujet de la facture ci-dessous, toujours ouverte à ce jour. Où en êtes-vous ?"
      : "Nous revenons vers vous au sujet des factures ci-dessous, toujours ouvertes à ce jour. Où en êtes-vous ?",
  options:
    "Le lien ci-dessous vous permet de régler, de proposer un échéancier, de nous indiquer une date de paiement ou de nous signaler un problème : une minute suffit.",
  cta: "Faire le point en ligne",
};

const en: typeof fr = {
  subject: (creditor) => `${creditor}: where do things stand?`,
  checkIn: (count) =>
    count === 1
      ? "We are getting back to you about the invoice below, which is still open. Where do things stand?"
      : "We are getting back to you about the invoices below, which are still open. Where do things stand?",
  options:
    "Through the link below you can pay, propose a payment plan, give us a payment date or tell us about a problem: it takes a minute.",
  cta: "Review my invoices",
};

const copy = { fr, en };

export function followUpSubject(props: ReminderEmailProps) {
  return copy[props.locale].subject(props.creditorName);
}

/** Ten days without any contact: a short, neutral check-in. */
export function FollowUpEmail(props: ReminderEmailProps) {
  const t = copy[props.locale];
  const checkIn = t.checkIn(props.invoices.length);
  return (
    <EmailLayout email={props} preview={checkIn}>
      <Opening email={props}>
        <Text>{checkIn}</Text>
      </Opening>
      <InvoiceTable email={props} mode="overdue" />
      <Text>{t.options}</Text>
      <LinkButton href={props.linkUrl}>{t.cta}</LinkButton>
      <Text>{common[props.locale].alreadyPaid}</Text>
    </EmailLayout>
  );
}
